import CairnModel
import Testing
@testable import CairnEngine

/// End to end: a small MLP learns XOR-like quadrants; runs are bit-identical; a run stopped and
/// resumed from its saved state equals the uninterrupted run.
@Suite("Training")
struct TrainingTests {
    /// 512 points in [-1, 1]^2, label 1 where x * y > 0.
    static func quadrants() -> (inputs: [Float], labels: [Int32]) {
        var rng = RandomGenerator(seed: 99)
        var inputs: [Float] = [], labels: [Int32] = []
        for _ in 0..<512 {
            let x = rng.nextUniform() * 2 - 1, y = rng.nextUniform() * 2 - 1
            inputs += [x, y]
            labels.append(x * y > 0 ? 1 : 0)
        }
        return (inputs, labels)
    }

    /// The state a checkpoint would hold.
    struct Snapshot {
        var parameters: [String: [Float]]
        var slots: [String: [Float]]
        var stepCount: Int
        var rng: RandomGenerator
    }

    /// A training run that a test can stop after any step and resume from a snapshot: shuffles each
    /// epoch, gathers rows into a batch buffer, as the trainer does.
    final class Run {
        let network: Network
        let optimizer: Optimizer
        var rng: RandomGenerator
        var losses: [Double] = []
        let data = TrainingTests.quadrants()
        let batch = 32

        init(_ kind: OptimizerConfig.Kind, dropout: Float, from snapshot: Snapshot? = nil) throws {
            let graph = GraphSpec.perceptron(
                inputs: 2, hidden: [16, 16], outputs: 2, activation: .tanh, dropout: dropout,
                classification: true)
            network = try Network(graph: graph, maxBatch: batch)
            let config = OptimizerConfig(
                kind: kind, learningRate: kind == .sgd || kind == .momentum ? 0.1 : 0.01,
                weightDecay: kind == .adamw ? 0.01 : 0, clipNorm: 5)
            optimizer = Optimizer(config: config, parameters: network.parameters)
            rng = RandomGenerator(seed: 2024)
            if let snapshot {
                try network.load(values: snapshot.parameters)
                try optimizer.restore(slots: snapshot.slots, stepCount: snapshot.stepCount)
                rng = snapshot.rng
            } else {
                network.initialize(.xavierUniform, rng: &rng)
            }
        }

        func snapshot() -> Snapshot {
            Snapshot(
                parameters: Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.values) }),
                slots: Dictionary(uniqueKeysWithValues: optimizer.slots().map { ($0.name, $0.values) }),
                stepCount: optimizer.stepCount, rng: rng)
        }

        /// Runs whole epochs (16 steps each); `stopAfter` ends early after that many steps of this call.
        func train(epochs: Int) {
            let count = data.labels.count
            var batchInputs = [Float](repeating: 0, count: batch * 2)
            var batchLabels = [Int32](repeating: 0, count: batch)
            for _ in 0..<epochs {
                var order = Array(0..<count)
                rng.shuffle(&order)
                for start in stride(from: 0, to: count, by: batch) {
                    for i in 0..<batch {
                        let row = order[start + i]
                        batchInputs[2 * i] = data.inputs[2 * row]
                        batchInputs[2 * i + 1] = data.inputs[2 * row + 1]
                        batchLabels[i] = data.labels[row]
                    }
                    let loss = batchInputs.withUnsafeBufferPointer { x in
                        batchLabels.withUnsafeBufferPointer { y in
                            network.trainStep(
                                inputs: x, targets: .labels(y), batch: batch, optimizer: optimizer,
                                learningRate: optimizer.config.learningRate, rng: &rng)
                        }
                    }
                    losses.append(loss)
                }
            }
        }

        var accuracy: Double {
            data.inputs.withUnsafeBufferPointer { x in
                data.labels.withUnsafeBufferPointer { y in
                    network.evaluate(inputs: x, targets: .labels(y), count: data.labels.count).accuracy!
                }
            }
        }
    }

    @Test func learnsQuadrants() throws {
        let run = try Run(.adam, dropout: 0)
        run.train(epochs: 60)
        #expect(run.accuracy > 0.95, "accuracy \(run.accuracy)")
        #expect(run.losses.last! < run.losses.first! / 3)
    }

    @Test func momentumLearnsQuadrantsToo() throws {
        let run = try Run(.momentum, dropout: 0)
        run.train(epochs: 60)
        #expect(run.accuracy > 0.9, "accuracy \(run.accuracy)")
    }

    @Test(arguments: [OptimizerConfig.Kind.sgd, .momentum, .adam, .adamw])
    func runsAreBitIdentical(kind: OptimizerConfig.Kind) throws {
        let a = try Run(kind, dropout: 0.2), b = try Run(kind, dropout: 0.2)
        a.train(epochs: 3)
        b.train(epochs: 3)
        #expect(a.losses.map(\.bitPattern) == b.losses.map(\.bitPattern))
        #expect(
            a.network.parameters.map { $0.values.map(\.bitPattern) }
                == b.network.parameters.map { $0.values.map(\.bitPattern) })
        #expect(a.rng == b.rng)
    }

    @Test(arguments: [OptimizerConfig.Kind.sgd, .momentum, .adam, .adamw])
    func resumeEqualsUninterruptedRun(kind: OptimizerConfig.Kind) throws {
        let whole = try Run(kind, dropout: 0.2)
        whole.train(epochs: 4)

        let first = try Run(kind, dropout: 0.2)
        first.train(epochs: 2)
        let resumed = try Run(kind, dropout: 0.2, from: first.snapshot())
        resumed.train(epochs: 2)

        #expect(first.losses.map(\.bitPattern) + resumed.losses.map(\.bitPattern) == whole.losses.map(\.bitPattern))
        #expect(
            resumed.network.parameters.map { $0.values.map(\.bitPattern) }
                == whole.network.parameters.map { $0.values.map(\.bitPattern) })
        #expect(
            resumed.optimizer.slots().map { $0.values.map(\.bitPattern) }
                == whole.optimizer.slots().map { $0.values.map(\.bitPattern) })
        #expect(resumed.optimizer.stepCount == whole.optimizer.stepCount)
        #expect(resumed.rng == whole.rng)
    }
}
