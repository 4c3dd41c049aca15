import CairnModel

/// One checkpoint's scores on the evaluated samples. Classification fields are nil for a regressor and
/// regression fields nil for a classifier; nil fields are left out of the JSON.
public struct ModelReport: Codable, Equatable, Sendable {
    public var checkpoint: String
    /// The checkpoint's completed epochs and optimiser steps (training checkpoints only).
    public var epoch: Int?
    public var step: Int?
    public var samples: Int
    public var task: TrainingTask
    /// Mean loss per sample: cross-entropy `-log p(label)` for a classifier, `|e|²/2` for a regressor.
    public var loss: Double
    /// Wall-clock seconds of inference alone (forward passes and per-sample losses), and its rate.
    public var inferenceSeconds: Double?
    public var samplesPerSecond: Double?

    public var accuracy: Double?
    /// The 95% Wilson interval of the accuracy, `[low, high]`.
    public var accuracyCI: [Double]?
    public var topK: Int?
    public var topKAccuracy: Double?
    public var perClass: [ClassScore]?
    public var macroAverage: AverageScore?
    public var weightedAverage: AverageScore?
    /// Rows true, columns predicted, over `per_class`' labels.
    public var confusion: [[Int]]?
    public var ece: Double?
    public var mce: Double?
    public var brier: Double?
    public var reliability: [ReliabilityBin]?
    public var worst: [WrongSample]?

    public var mse: Double?
    public var rmse: Double?
    public var mae: Double?
    public var r2: Double?
    public var perOutput: [OutputScore]?

    public init(checkpoint: String, epoch: Int?, step: Int?, samples: Int, task: TrainingTask, loss: Double) {
        self.checkpoint = checkpoint
        self.epoch = epoch
        self.step = step
        self.samples = samples
        self.task = task
        self.loss = loss
    }

    /// The headline score: accuracy for a classifier, RMSE for a regressor.
    public var headline: Double { accuracy ?? rmse ?? .nan }

    enum CodingKeys: String, CodingKey {
        case checkpoint, epoch, step, samples, task, loss, inferenceSeconds = "inference_seconds"
        case samplesPerSecond = "samples_per_second", accuracy, accuracyCI = "accuracy_ci", topK = "top_k"
        case topKAccuracy = "top_k_accuracy", perClass = "per_class", macroAverage = "macro_avg"
        case weightedAverage = "weighted_avg", confusion, ece, mce, brier, reliability, worst
        case mse, rmse, mae, r2, perOutput = "per_output"
    }
}

/// A sample the classifier got wrong: its row, true and predicted class, and the predicted class's probability.
public struct WrongSample: Codable, Equatable, Sendable {
    public var index: Int
    public var truth: Int
    public var predicted: Int
    public var probability: Double

    enum CodingKeys: String, CodingKey {
        case index, truth = "true", predicted, probability = "p"
    }
}
