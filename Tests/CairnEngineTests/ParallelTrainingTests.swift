import CairnModel
import Testing
@testable import CairnEngine

/// A network large enough that its products, element-wise loops, batch gathers and optimiser updates
/// are all split across the team: runs at the same thread count are bit-identical, and every thread
/// count learns the same function up to rounding.
@Suite("Parallel training")
struct ParallelTrainingTests {
    static let features = 200, batch = 256

    /// Parameters after `steps` momentum steps (dropout on, so the masks' order matters too) on a
    /// team of `threads`.
    static func train(
        threads: Int, optimizer kind: OptimizerConfig.Kind = .momentum, steps: Int = 6
    ) throws -> [[Float]] {
        let graph = GraphSpec.perceptron(
            inputs: features, hidden: [256, 128], outputs: 10, activation: .leakyRelu,
            alpha: 0.01, dropout: 0.1, classification: true)
        let network = try Network(graph: graph, maxBatch: batch, threads: threads)
        #expect(network.team.threadCount == threads)
        var rng = RandomGenerator(seed: 5)
        network.initialize(.heNormal, rng: &rng)
        let optimizer = Optimizer(
            config: OptimizerConfig(kind: kind, learningRate: 0.01, momentum: 0.9),
            parameters: network.parameters)
        let samples = 4 * batch
        let inputs = (0..<samples * features).map { _ in rng.nextUniform() }
        let labels = (0..<samples).map { _ in Int32(rng.boundedDraw(10)) }
        var order = Array(0..<samples)
        var batchInputs = [Float](repeating: 0, count: batch * features)
        var batchLabels = [Int32](repeating: 0, count: batch)
        for step in 0..<steps {
            if step % 4 == 0 { rng.shuffle(&order) }
            let rows = order[(step % 4) * batch..<(step % 4 + 1) * batch]
            inputs.withUnsafeBufferPointer { source in
                batchInputs.withUnsafeMutableBufferPointer { target in
                    network.team.gatherRows(rows, from: source.baseAddress!, width: features, into: target.baseAddress!)
                }
            }
            for (r, index) in rows.enumerated() { batchLabels[r] = labels[index] }
            let loss = batchInputs.withUnsafeBufferPointer { x in
                batchLabels.withUnsafeBufferPointer { y in
                    network.trainStep(
                        inputs: x, targets: .labels(y), batch: batch, optimizer: optimizer, learningRate: 0.01,
                        rng: &rng)
                }
            }
            #expect(loss.isFinite)
        }
        return network.parameters.map(\.values) + optimizer.slots().map(\.values)
    }

    @Test(arguments: [1, 2, 3]) func runsAtTheSameThreadCountAreBitIdentical(threads: Int) throws {
        #expect(try Self.train(threads: threads) == Self.train(threads: threads))
    }

    @Test(arguments: [2, 3]) func threadCountsAgreeUpToRounding(threads: Int) throws {
        let single = try Self.train(threads: 1), split = try Self.train(threads: threads)
        for (a, b) in zip(single, split) {
            let worst = zip(a, b).map { abs($0 - $1) / (abs($0) + 1e-3) }.max() ?? 0
            #expect(worst < 1e-3, "relative difference \(worst)")
        }
    }

    /// Optimiser updates are element-wise: splitting them changes no bit.
    @Test(arguments: [OptimizerConfig.Kind.sgd, .momentum, .adam, .adamw])
    func optimizerStepIsTheSameSplitOrNot(kind: OptimizerConfig.Kind) {
        func run(team: ThreadTeam?) -> [[Float]] {
            var rng = RandomGenerator(seed: 11)
            let parameter = Parameter(name: "w", node: "d", shape: [300, 301])
            parameter.values = (0..<parameter.count).map { _ in rng.nextUniform() - 0.5 }
            let optimizer = Optimizer(
                config: OptimizerConfig(kind: kind, learningRate: 0.05, weightDecay: 0.01, clipNorm: 3),
                parameters: [parameter])
            for _ in 0..<3 {
                parameter.gradient = (0..<parameter.count).map { _ in rng.nextUniform() - 0.5 }
                optimizer.step([parameter], learningRate: 0.05, team: team)
            }
            return [parameter.values] + optimizer.slots().map(\.values)
        }
        #expect(run(team: nil) == run(team: ThreadTeam(threads: 3)))
    }
}
