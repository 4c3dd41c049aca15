import CairnEngine
import CairnInspect
import CairnModel
import CairnTraining
import Foundation
import Testing

/// Small runs on the bundled digits, built through the library API only (no ArgumentParser).
enum TestRuns {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let digits = packageRoot.appendingPathComponent("Fixtures/datasets/digits.csv").path

    /// A fresh empty temporary folder.
    static func temporaryFolder(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "cairn-training-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A 64-16-10 perceptron with dropout on the digits, one thread, a checkpoint every epoch and every
    /// 30 steps (mid-epoch too: an epoch is 45 steps), every checkpoint kept.
    static func configuration(out: String, epochs: Int = 3, seed: UInt64 = 7) -> TrainingConfiguration {
        TrainingConfiguration(
            data: RunDataRequest(data: digits),
            model: ModelConfiguration(hiddenWidths: [16], dropout: 0.1),
            optimization: OptimizationConfiguration(epochs: epochs),
            output: OutputConfiguration(out: out, saveEverySteps: 30, keep: 0, threads: 1),
            seed: seed)
    }

    /// Every tensor, the generator state, the position and the history's losses, bit for bit.
    static func expectIdentical(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try Checkpoint.load(from: a), y = try Checkpoint.load(from: b)
        #expect(x.tensors.map(\.name) == y.tensors.map(\.name), sourceLocation: sourceLocation)
        #expect(!x.tensors.isEmpty, sourceLocation: sourceLocation)
        for (p, q) in zip(x.tensors, y.tensors) {
            #expect(
                p.values.map(\.bitPattern) == q.values.map(\.bitPattern), "\(p.name) differs",
                sourceLocation: sourceLocation)
        }
        #expect(x.manifest.training.rng == y.manifest.training.rng, sourceLocation: sourceLocation)
        #expect(x.manifest.training.globalStep == y.manifest.training.globalStep, sourceLocation: sourceLocation)
        #expect(
            x.manifest.history.map(\.trainLoss) == y.manifest.history.map(\.trainLoss), sourceLocation: sourceLocation)
    }
}

/// Collects everything a run tells its observer.
final class RecordingObserver: RunObserver {
    var loaded: [RunData] = []
    var notices: [String] = []
    var audits: [Result<AuditReport, any Error>] = []
    var prepared: [String] = []
    var epochs: [EpochRecord] = []
    var saved: [(String, CheckpointReason)] = []
    var steps = 0

    func dataLoaded(_ data: RunData) { loaded.append(data) }
    func notice(_ text: String) { notices.append(text) }
    func initialWeightsAudited(_ result: Result<AuditReport, any Error>) { audits.append(result) }
    func prepared(_ run: TrainingRun) { prepared.append(run.directory) }
    func batchFinished(epoch: Int, batch: Int, batches: Int, loss: Double, samplesPerSecond: Double) { steps += 1 }
    func epochFinished(_ record: EpochRecord, of epochs: Int) { self.epochs.append(record) }
    func checkpointSaved(path: String, reason: CheckpointReason) { saved.append((path, reason)) }
}
