import CairnEngine

/// What an evaluation returns: the report, and each checkpoint's outputs for `--predictions`.
public struct EvaluationResult {
    public var report: EvaluationReport
    public var predictions: [Predictions]
    /// Each sample's row in its file.
    public var rows: [Int]
    public var targets: DatasetTargets
}

/// One checkpoint's outputs: row-major `[samples, width]` probabilities (classifier) or predictions.
public struct Predictions {
    public var checkpoint: String
    public var outputs: [Float]
    public var width: Int
}
