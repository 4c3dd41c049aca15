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
        let graph = GraphSpec.perceptron(
            inputs: 2, hidden: [], outputs: 3, activation: .relu, classification: classification)
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
            labels.withUnsafeBufferPointer {
                network.lossAndGradients(inputs: x, targets: .labels($0), batch: 2, training: false, rng: &rng)
            }
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
            labels.withUnsafeBufferPointer {
                network.lossAndGradients(inputs: x, targets: .labels($0), batch: 2, training: true, rng: &rng)
            }
        }
        #expect(loss.isNaN)
        // A training step with a non-finite loss leaves parameters and optimizer untouched.
        let optimizer = Optimizer(config: .init(kind: .momentum, learningRate: 0.1), parameters: network.parameters)
        let before = network.parameters.map(\.values)
        let stepLoss = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer {
                network.trainStep(
                    inputs: x, targets: .labels($0), batch: 2, optimizer: optimizer, learningRate: 0.1, rng: &rng)
            }
        }
        #expect(stepLoss.isNaN)
        #expect(network.parameters.map(\.values) == before)
        #expect(optimizer.stepCount == 0)
    }

    @Test func predictRunsBatchesLargerThanMaxBatch() throws {
        let network = try Self.linear(classification: false)
        let x: [Float] = [1, 2, -1, 0.5, 3, 4]
        let all = x.withUnsafeBufferPointer { network.predict($0, batch: 3) }
        #expect(all == [1, 2.5, 2, -1, 1, -1.5, 3, 4.5, 6])
    }

    @Test func invalidGraphsAndBatchesThrow() {
        let empty = #expect(throws: CairnError.self) { try Network(graph: GraphSpec(nodes: []), maxBatch: 1) }
        #expect(empty?.code == .invalidGraph)
        let graph = GraphSpec.perceptron(inputs: 2, hidden: [3], outputs: 2, activation: .relu, classification: true)
        #expect(throws: CairnError(.invalidArgument, "maxBatch 0 is out of range (1 to \(Network.maximumBatch))")) {
            try Network(graph: graph, maxBatch: 0)
        }
    }
}
