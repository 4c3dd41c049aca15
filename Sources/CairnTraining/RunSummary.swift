import CairnEngine
import CairnInspect
import CairnModel
import Foundation

/// The final result of `cairn-train` / `cairn-resume`, printed with `--json`. The keys are a contract.
public struct RunSummary: Codable, Sendable {
    public var epochs: Int
    public var steps: Int
    public var trainLoss: Double?
    public var valLoss: Double?
    public var valAccuracy: Double?
    /// Regression: R^2 on the validation samples (targets in their own units).
    public var valR2: Double?
    public var samplesPerSecond: Double
    public var checkpoint: String?
    public var runDirectory: String
    /// The `TrainingOutcome`'s raw value: `completed`, `early-stop` or `interrupted`.
    public var outcome: String
    public var blas: String
    /// `cairn-train`: the audit of the initial weights before step 0 (`cairn-audit`'s JSON report).
    public var audit: AuditReport?

    public init(trainer: Trainer, outcome: TrainingOutcome, blas: String) {
        let last = trainer.manifest.history.last
        epochs = trainer.manifest.training.epoch
        steps = trainer.manifest.training.globalStep
        trainLoss = last?.trainLoss
        valLoss = last?.validationLoss
        valAccuracy = last?.validationAccuracy
        valR2 = last?.validationR2
        samplesPerSecond = trainer.samplesPerSecond
        checkpoint = trainer.lastCheckpoint
        runDirectory = trainer.policy.directory
        self.outcome = outcome.rawValue
        self.blas = blas
    }

    enum CodingKeys: String, CodingKey {
        case epochs, steps, trainLoss = "train_loss", valLoss = "val_loss", valAccuracy = "val_accuracy", valR2 =
            "val_r2"
        case samplesPerSecond = "samples_per_second", checkpoint, runDirectory = "run_dir", outcome, blas
        case audit
    }

    /// The JSON line.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The human line: the validation accuracy and where the checkpoint is.
    public var text: String {
        var parts = ["\(outcome): \(epochs) epochs, \(steps) steps"]
        if let trainLoss { parts.append("train_loss \(format(trainLoss, 4))") }
        if let valLoss { parts.append("val_loss \(format(valLoss, 4))") }
        if let valAccuracy { parts.append("validation accuracy \(format(valAccuracy * 100, 2))%") }
        if let valR2 { parts.append("validation R^2 \(format(valR2, 4))") }
        parts.append("\(Int(samplesPerSecond)) samples/s")
        var line = parts.joined(separator: ", ")
        if let checkpoint { line += "\ncheckpoint: \(checkpoint)" }
        return line
    }
}

/// `value` with `digits` decimals, as the tools print losses and rates.
public func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
