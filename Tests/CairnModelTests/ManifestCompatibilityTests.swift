import CairnModel
import Foundation
import Testing

/// The optional manifest keys added for classes and regression targets: written when they apply, and
/// files without them (written before they existed) still read, meaning what they meant.
@Suite struct ManifestCompatibilityTests {
    static func manifest(task: TrainingTask) -> CheckpointManifest {
        let graph = GraphSpec.perceptron(
            inputs: 3, hidden: [4], outputs: task == .classification ? 5 : 1, activation: .relu,
            alpha: 0.01, dropout: 0, classification: task == .classification)
        let hyper = Hyperparameters(
            initialization: .heNormal, optimizer: OptimizerConfig(kind: .adam, learningRate: 0.001),
            schedule: .constant, batchSize: 32, epochs: 3, seed: 1, earlyStopPatience: nil)
        let data = DataRecord(
            train: ["a.csv"], validation: nil, validationSplit: 0.2, labelColumn: nil, fingerprint: "fnv1a64:0",
            features: 3, outputs: task == .classification ? 5 : 1, trainCount: 8, validationCount: 2,
            delimiter: ";", classesSeen: task == .classification ? [0, 1, 4] : nil)
        var preprocessing = Preprocessing(scale: 0.5)
        if task == .regression { preprocessing = preprocessing.fittingTargets([100, 200, 300, 400], columns: 1) }
        let record = EpochRecord(
            epoch: 1, step: 1, trainLoss: 1, validationLoss: 2, validationAccuracy: nil, learningRate: 0.001,
            seconds: 0.1, validationR2: task == .regression ? 0.5 : nil)
        return CheckpointManifest(
            creator: "test", task: task, graph: graph, hyperparameters: hyper, data: data,
            preprocessing: preprocessing, training: TrainingState(rng: [1, 2, 3, 4]), history: [record],
            metadata: [:])
    }

    @Test func newKeysRoundTrip() throws {
        for task in TrainingTask.allCases {
            let original = Self.manifest(task: task)
            let decoded = try CheckpointManifest.decode(try original.encoded())
            #expect(decoded == original)
        }
        let regression = Self.manifest(task: .regression).preprocessing
        #expect(regression.targetMean == [250])
        #expect(abs((regression.targetStandardDeviation?[0] ?? 0) - 111.803_4) < 1e-3)
        var values: [Float] = [100, 400]
        regression.standardizeTargets(&values, columns: 1)
        regression.restoreTargets(&values, columns: 1)
        #expect(abs(values[0] - 100) < 1e-4 && abs(values[1] - 400) < 1e-4)
    }

    @Test func filesWithoutTheNewKeysStillRead() throws {
        for task in TrainingTask.allCases {
            var object = try #require(
                try JSONSerialization.jsonObject(with: try Self.manifest(task: task).encoded()) as? [String: Any])
            var data = try #require(object["data"] as? [String: Any])
            data["delimiter"] = nil
            data["classes_seen"] = nil
            object["data"] = data
            object["preprocessing"] = ["scale": 0.5, "mean": [Double](), "std": [Double]()]
            object["history"] = [["epoch": 1, "step": 1, "train_loss": 1.0, "learning_rate": 0.001, "seconds": 0.1]]
            let old = try CheckpointManifest.decode(try JSONSerialization.data(withJSONObject: object))
            #expect(old.data.classesSeen == nil && old.data.delimiter == nil)
            #expect(!old.preprocessing.standardizesTargets)
            #expect(old.history.first?.validationR2 == nil)
            var values: [Float] = [100, 400]
            old.preprocessing.standardizeTargets(&values, columns: 1)
            #expect(values == [100, 400])
        }
    }
}
