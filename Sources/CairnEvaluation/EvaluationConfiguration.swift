import CairnEngine
import CairnModel

/// What to score and how: the plain values behind `cairn-eval`'s flags.
public struct EvaluationConfiguration: Sendable {
    /// Checkpoint files (`.cairn`, `.safetensors`), or one run folder.
    public var checkpoints: [String]
    /// A data file to score on; nil: the checkpoint's recorded data (`split`).
    public var data: String?
    public var labels: String?
    public var labelColumn: String?
    /// The byte between CSV cells (nil: the training data's, else a comma).
    public var delimiter: UInt8?
    /// Multiply every feature by this first; only for models that record no preprocessing.
    public var scale: Float?
    /// `--input-shape`: read each sample of `data` as this shape (recorded data keeps the run's own).
    public var inputShape: InputShape?
    public var split: EvaluationSplit = .val
    /// Top-k accuracy's k (nil: 5 when the model has more than 5 classes, else none).
    public var topK: Int?
    /// The most confidently wrong samples to list.
    public var worst: Int = 0
    /// Paired-bootstrap resamples for comparisons, and their seed.
    public var bootstrap: Int = 2000
    public var seed: UInt64 = 0
    /// The significance level of a comparison's verdict.
    public var alpha: Double = 0.05
    /// Rows per inference batch (nil: the training run's own for recorded data, so the loss is
    /// bit-identical to its history; `ReplicatedInference.preferredBatch` otherwise).
    public var batchSize: Int?
    /// Threads (nil: the run's own count for recorded data, else one per processor).
    public var threads: Int?
    /// How to read model files that record no graph.
    public var model = EvaluatedModel.Options()
    /// The classification-only options given (flag names, for the error on a regression checkpoint).
    public var classificationOptions: [String] = []
    /// The regression-only options given.
    public var regressionOptions: [String] = []

    public init(checkpoints: [String]) {
        self.checkpoints = checkpoints
    }
}
