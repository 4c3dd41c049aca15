/// Where a run stands, exactly: with the weights and optimiser slots it is everything needed to
/// continue as if the run had never stopped. Stored in the manifest under `"training"`; the epoch's
/// shuffled sample order is the tensor `training.order`.
public struct TrainingState: Codable, Equatable, Sendable {
    /// Completed epochs; the epoch in progress is `epoch` (0-based).
    public var epoch: Int
    /// The next batch of the epoch in progress (0: the epoch has not started, its order is not drawn yet).
    public var stepInEpoch: Int
    /// Optimiser steps taken over the whole run.
    public var globalStep: Int
    /// Steps taken by the current optimiser (its bias-correction count; restarts when a resume
    /// switches optimiser).
    public var optimizerSteps: Int
    /// The random generator's four state words, as 16-digit hex strings (exact in every JSON reader).
    public var rng: [String]
    /// Sum of the batch losses (each times its batch size) of the epoch in progress, and the samples they cover.
    public var epochLossSum: Double
    public var epochSampleCount: Int
    /// The best validation loss so far, its epoch (1-based) and checkpoint file name.
    public var bestValidationLoss: Double?
    public var bestEpoch: Int?
    public var bestCheckpoint: String?
    /// Epochs since the validation loss last improved (early stopping).
    public var epochsWithoutImprovement: Int
    /// Why the run stopped, when it has: `completed`, `early-stop`, `interrupted`, `non-finite-loss`.
    public var stopReason: String?
    /// A note for the history record of the epoch in progress (a change of course made on resume),
    /// kept here until that epoch ends so that a checkpoint saved mid-epoch does not lose it.
    public var pendingNote: String?

    public init(
        epoch: Int = 0, stepInEpoch: Int = 0, globalStep: Int = 0, optimizerSteps: Int = 0, rng: [UInt64],
        epochLossSum: Double = 0,
        epochSampleCount: Int = 0, bestValidationLoss: Double? = nil, bestEpoch: Int? = nil,
        bestCheckpoint: String? = nil, epochsWithoutImprovement: Int = 0, stopReason: String? = nil
    ) {
        self.epoch = epoch
        self.stepInEpoch = stepInEpoch
        self.globalStep = globalStep
        self.optimizerSteps = optimizerSteps
        self.rng = rng.map(TrainingState.hex)
        self.epochLossSum = epochLossSum
        self.epochSampleCount = epochSampleCount
        self.bestValidationLoss = bestValidationLoss
        self.bestEpoch = bestEpoch
        self.bestCheckpoint = bestCheckpoint
        self.epochsWithoutImprovement = epochsWithoutImprovement
        self.stopReason = stopReason
    }

    /// The generator words, nil when the strings are not four hex numbers.
    public var rngWords: [UInt64]? {
        let words = rng.compactMap { UInt64($0, radix: 16) }
        return words.count == 4 && rng.count == 4 ? words : nil
    }

    public mutating func setRNG(_ words: [UInt64]) { rng = words.map(TrainingState.hex) }

    static func hex(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private enum CodingKeys: String, CodingKey {
        case epoch, stepInEpoch = "step_in_epoch", globalStep = "global_step", optimizerSteps = "optimizer_steps", rng
        case epochLossSum = "epoch_loss_sum", epochSampleCount = "epoch_sample_count"
        case bestValidationLoss = "best_validation_loss", bestEpoch = "best_epoch", bestCheckpoint = "best_checkpoint"
        case epochsWithoutImprovement = "epochs_without_improvement", stopReason = "stop_reason"
        case pendingNote = "pending_note"
    }
}

/// One finished epoch, as kept in the manifest's `"history"` and written to `history.csv`.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Optimiser steps after this epoch.
    public var step: Int
    public var trainLoss: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Regression: the coefficient of determination R^2 on the validation samples (the mean over target
    /// columns, as scikit-learn's `r2_score`); nil for classification and in older files.
    public var validationR2: Double?
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Wall-clock seconds of the epoch's training (not validation or saving).
    public var seconds: Double
    /// A change of course recorded at this epoch (e.g. `resumed with lr 0.01`), if any.
    public var note: String?

    public init(
        epoch: Int, step: Int, trainLoss: Double, validationLoss: Double?, validationAccuracy: Double?,
        learningRate: Double, seconds: Double, note: String? = nil, validationR2: Double? = nil
    ) {
        self.validationR2 = validationR2
        self.epoch = epoch
        self.step = step
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
        self.note = note
    }

    private enum CodingKeys: String, CodingKey {
        case epoch, step, trainLoss = "train_loss", validationLoss = "val_loss", validationAccuracy = "val_accuracy"
        case learningRate = "learning_rate", seconds, note, validationR2 = "val_r2"
    }
}
