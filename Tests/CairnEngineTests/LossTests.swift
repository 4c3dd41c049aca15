#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CairnModel
import Testing
@testable import CairnEngine

@Suite("Losses and evaluation")
struct LossTests {
    static func linear(classification: Bool) throws -> Network {
        let graph = GraphSpec.perceptron(inputs: 2, hidden: [], outputs: 3, activation: .relu, classification: classification)
        let network = try Network(graph: graph, maxBatch: 2)
        network.parameter(named: "dense1.weight")!.values = [1, 0, 0, 1, 1, 1]
        network.parameter(named: "dense1.bias")!.values = [0, 0.5, -1]
        return network
    }

    @Test func crossEntropyIsMeanNegativeLogProbability() throws {
        let network = try Self.linear(classification: true)
        let x: [Float] = [1, 2, -1, 0.5]
        let labels: [Int32] = [2, 0]
        let probabilities = x.withUnsafeBufferPointer { network.predict($0, batch: 2) }
        let expected = -(log(Double(probabilities[2])) + log(Double(probabilities[3]))) / 2
        var rng = RandomGenerator(seed: 1)
        let loss = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { network.lossAndGradients(inputs: x, targets: .labels($0), batch: 2, training: false, rng: &rng) }
        }
        #expect(abs(loss - expected) < 1e-6)
        // Row 0 logits [1, 2.5, 2], row 1 [-1, 1, -1.5].
        let z0: [Double] = [1, 2.5, 2], sum0 = z0.map { exp($0) }.reduce(0, +)
        #expect(abs(Double(probabilities[1]) - exp(2.5) / sum0) < 1e-6)
        let evaluation = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { network.evaluate(inputs: x, targets: .labels($0), count: 2) }
        }
        #expect(abs(evaluation.loss - expected) < 1e-6)
        #expect(evaluation.accuracy == 0)  // argmax rows: 1 and 1
    }

    @Test func squaredErrorIsHalfSquaredNormMean() throws {
        let network = try Self.linear(classification: false)
        let x: [Float] = [1, 2, -1, 0.5]
        let t: [Float] = [0, 0, 0, 1, 1, 1]
        // Outputs [1, 2.5, 2] and [-1, 1, -1.5]: |e|^2 = 1 + 6.25 + 4 = 11.25 and 4 + 0 + 6.25 = 10.25.
        let evaluation = x.withUnsafeBufferPointer { x in
            t.withUnsafeBufferPointer { network.evaluate(inputs: x, targets: .values($0), count: 2) }
        }
        #expect(abs(evaluation.loss - (11.25 + 10.25) / 4) < 1e-6)
        #expect(evaluation.accuracy == nil)
    }

    @Test func badLabelGivesNaNNotATrap() throws {
        let network = try Self.linear(classification: true)
        let x: [Float] = [1, 2, -1, 0.5]
        let labels: [Int32] = [7, 0]
        var rng = RandomGenerator(seed: 1)
        let loss = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { network.lossAndGradients(inputs: x, targets: .labels($0), batch: 2, training: true, rng: &rng) }
        }
        #expect(loss.isNaN)
    }

    @Test func predictRunsBatchesLargerThanMaxBatch() throws {
        let network = try Self.linear(classification: false)
        let x: [Float] = [1, 2, -1, 0.5, 3, 4]
        let all = x.withUnsafeBufferPointer { network.predict($0, batch: 3) }
        #expect(all == [1, 2.5, 2, -1, 1, -1.5, 3, 4.5, 6])
    }

    @Test func invalidGraphsAndBatchesThrow() {
        #expect(throws: GraphError.self) { try Network(graph: GraphSpec(nodes: []), maxBatch: 1) }
        let graph = GraphSpec.perceptron(inputs: 2, hidden: [3], outputs: 2, activation: .relu, classification: true)
        #expect(throws: EngineError.invalidMaxBatch(0)) { try Network(graph: graph, maxBatch: 0) }
    }
}

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
        let (l1, a1) = x.withUnsafeBufferPointer { x in labels.withUnsafeBufferPointer { small.evaluate(inputs: x, targets: .labels($0), count: 10) } }
        let (l2, a2) = x.withUnsafeBufferPointer { x in labels.withUnsafeBufferPointer { big.evaluate(inputs: x, targets: .labels($0), count: 10) } }
        #expect(abs(l1 - l2) < 1e-6)
        #expect(a1 == a2)
        let p1 = x.withUnsafeBufferPointer { small.predict($0, batch: 10) }, p2 = x.withUnsafeBufferPointer { big.predict($0, batch: 10) }
        #expect(zip(p1, p2).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func parametersAreNamedInGraphOrder() throws {
        let graph = GraphSpec.perceptron(inputs: 3, hidden: [5, 4], outputs: 2, activation: .relu, classification: false)
        let network = try Network(graph: graph, maxBatch: 1)
        #expect(network.parameters.map(\.name) == ["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias", "dense3.weight", "dense3.bias"])
        #expect(network.parameters.map(\.shape) == [[5, 3], [5], [4, 5], [4], [2, 4], [2]])
        #expect(network.parameter(named: "dense2.bias")?.node == "dense2")
        #expect(network.inputWidth == 3 && network.outputWidth == 2 && network.task == .regression)
    }

    @Test func loadChecksNamesAndSizes() throws {
        let network = try Network(graph: GraphSpec.perceptron(inputs: 2, hidden: [], outputs: 1, activation: .relu,
                                                              classification: false), maxBatch: 1)
        #expect(throws: EngineError.unknownParameter("dense9.weight")) { try network.load(values: ["dense9.weight": [1]]) }
        #expect(throws: EngineError.parameterMismatch(name: "dense1.weight", expected: 2, actual: 3)) {
            try network.load(values: ["dense1.weight": [1, 2, 3]])
        }
        try network.load(values: ["dense1.weight": [1, 2], "dense1.bias": [0.5]])
        let y = [Float](arrayLiteral: 3, 4).withUnsafeBufferPointer { network.predict($0, batch: 1) }
        #expect(y == [11.5])
    }
}
