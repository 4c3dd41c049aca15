import Foundation
import CairnModel
import Testing
@testable import CairnEngine

@Suite("Inference")
struct InferenceTests {
    /// A classifier with random weights, its parameter values by name, inputs and labels.
    static func fixture(rows: Int) throws -> (Network, [String: [Float]], [Float], [Int32]) {
        let graph = GraphSpec.perceptron(
            inputs: 6, hidden: [9, 7], outputs: 5, activation: .relu, classification: true)
        let network = try Network(graph: graph, maxBatch: 8, threads: 1)
        var rng = RandomGenerator(seed: 11)
        network.initialize(.heNormal, rng: &rng)
        let values = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.values) })
        let x = (0..<(rows * 6)).map { _ in rng.nextGaussian() }
        let labels = (0..<rows).map { Int32($0 % 5) }
        return (network, values, x, labels)
    }

    @Test func inferMatchesEvaluateBitForBit() throws {
        let (network, _, x, labels) = try Self.fixture(rows: 37)
        let evaluated = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { network.evaluate(inputs: x, targets: .labels($0), count: 37) }
        }
        var reported: [Int] = []
        let inferred = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer {
                network.infer(inputs: x, targets: .labels($0), count: 37) { reported.append($0) }
            }
        }
        #expect(inferred.loss == evaluated.loss && Double(inferred.correct) / 37 == evaluated.accuracy)
        #expect(reported == [8, 16, 24, 32, 37])
        let predicted = x.withUnsafeBufferPointer { network.predict($0, batch: 37) }
        #expect(inferred.outputs == predicted)
        // Each row's loss is -log p(label) (from the logits, so within float rounding of the probabilities').
        for r in 0..<37 {
            let p = Double(predicted[r * 5 + Int(labels[r])])
            #expect(abs(inferred.rowLosses[r] + log(p)) < 1e-5 * max(1, -log(p)))
        }
        #expect(abs(inferred.rowLosses.reduce(0, +) - inferred.lossSum) <= 1e-12 * inferred.lossSum)
    }

    /// Replicas pack their weights, so every row's output is the one-thread replica's bit for bit at any
    /// thread count, and the BLAS network's within float rounding.
    @Test(arguments: [1, 2, 3])
    func replicasGiveEveryRowTheSingleThreadedResult(threads: Int) throws {
        let (network, values, x, labels) = try Self.fixture(rows: 61)
        let blas = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { network.infer(inputs: x, targets: .labels($0), count: 61) }
        }
        let one = try ReplicatedInference(graph: network.graph, values: values, maxBatch: 8, threads: 1)
        let single = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { one.infer(inputs: x, targets: .labels($0), count: 61) }
        }
        let pool = try ReplicatedInference(graph: network.graph, values: values, maxBatch: 8, threads: threads)
        #expect(pool.replicas.count == pool.team.threadCount && pool.replicas.allSatisfy { $0.team.threadCount == 1 })
        let split = x.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { pool.infer(inputs: x, targets: .labels($0), count: 61) }
        }
        #expect(
            split.outputs == single.outputs && split.rowLosses == single.rowLosses && split.correct == single.correct)
        #expect(abs(split.loss - single.loss) <= 1e-12 * abs(single.loss))
        for (a, b) in zip(split.outputs, blas.outputs) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        for (a, b) in zip(split.rowLosses, blas.rowLosses) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    }

    /// Packed weights are a copy: once the parameter's values change, inference runs on the BLAS again with
    /// the new values, bit for bit as a network that never packed.
    @Test func changedWeightsAreNotReadFromAStalePack() throws {
        let (network, values, x, _) = try Self.fixture(rows: 16)
        let packed = try Network(graph: network.graph, maxBatch: 8, threads: 1)
        try packed.load(values: values)
        packed.packWeightsForInference()
        let before = x.withUnsafeBufferPointer { packed.predict($0, batch: 16) }
        let weight = packed.parameters[0]
        weight.values.withUnsafeMutableBufferPointer { $0[0] += 0.5 }
        network.parameters[0].values[0] += 0.5
        let after = x.withUnsafeBufferPointer { packed.predict($0, batch: 16) }
        let reference = x.withUnsafeBufferPointer { network.predict($0, batch: 16) }
        #expect(after == reference)
        #expect(after != before)
    }
}
