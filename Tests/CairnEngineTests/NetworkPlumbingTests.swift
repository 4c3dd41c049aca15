import CairnModel
import Testing
@testable import CairnEngine

@Suite("Network plumbing")
struct NetworkPlumbingTests {
    @Test func evaluateInChunksEqualsOneBigBatch() throws {
        let graph = GraphSpec.perceptron(inputs: 3, hidden: [5], outputs: 4, activation: .sigmoid, classification: true)
        let small = try Network(graph: graph, maxBatch: 3), big = try Network(graph: graph, maxBatch: 10)
        var rng = RandomGenerator(seed: 4)
        small.initialize(.xavierNormal, rng: &rng)
        for (a, b) in zip(small.parameters, big.parameters) { b.values = a.values }
        let x = (0..<30).map { _ in rng.nextUniform() }
        let labels: [Int32] = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
        let (l1, a1) = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { small.evaluate(inputs: x, targets: .labels($0), count: 10) }
        }
        let (l2, a2) = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { big.evaluate(inputs: x, targets: .labels($0), count: 10) }
        }
        #expect(abs(l1 - l2) < 1e-6)
        #expect(a1 == a2)
        let p1 = x.withUnsafeBufferPointer { small.predict($0, batch: 10) },
            p2 = x.withUnsafeBufferPointer { big.predict($0, batch: 10) }
        #expect(zip(p1, p2).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func parametersAreNamedInGraphOrder() throws {
        let graph = GraphSpec.perceptron(
            inputs: 3, hidden: [5, 4], outputs: 2, activation: .relu, classification: false)
        let network = try Network(graph: graph, maxBatch: 1)
        #expect(
            network.parameters.map(\.name) == [
                "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias", "dense3.weight", "dense3.bias",
            ])
        #expect(network.parameters.map(\.shape) == [[5, 3], [5], [4, 5], [4], [2, 4], [2]])
        #expect(network.parameter(named: "dense2.bias")?.node == "dense2")
        #expect(network.inputWidth == 3 && network.outputWidth == 2 && network.task == .regression)
    }

    @Test func loadChecksNamesAndSizes() throws {
        let network = try Network(
            graph: GraphSpec.perceptron(
                inputs: 2, hidden: [], outputs: 1, activation: .relu,
                classification: false), maxBatch: 1)
        #expect(throws: CairnError(.incompatible, "the network has no parameter 'dense9.weight'")) {
            try network.load(values: ["dense9.weight": [1]])
        }
        #expect(throws: CairnError(.incompatible, "parameter 'dense1.weight' has 3 values, expected 2")) {
            try network.load(values: ["dense1.weight": [1, 2, 3]])
        }
        try network.load(values: ["dense1.weight": [1, 2], "dense1.bias": [0.5]])
        let y = [Float](arrayLiteral: 3, 4).withUnsafeBufferPointer { network.predict($0, batch: 1) }
        #expect(y == [11.5])
    }
}
