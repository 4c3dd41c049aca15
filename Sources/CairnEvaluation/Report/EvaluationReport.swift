import CairnModel

/// Everything `cairn-eval` found, as its `--json` prints it: the primary checkpoint's scores at the top
/// level (`samples`, `task`, `accuracy`, `accuracy_ci`, `loss`, ..., see `ModelReport`), then `data`,
/// `split`, and when several checkpoints were scored `models` (each one's scores), `comparisons` (each
/// pair) and, for a run folder, `checkpoints` (one row each) with `best` and `best_is_best_cairn`.
///
/// The primary checkpoint is the first one given, or the best of a run folder.
public struct EvaluationReport: Encodable, Sendable {
    public var primary: ModelReport
    /// The samples scored: a file name, or the recorded file and the part of it.
    public var data: String
    /// The part of the recorded data (no `--data`), else nil.
    public var split: EvaluationSplit?
    public var models: [ModelReport]
    public var comparisons: [Comparison]
    public var checkpoints: [CheckpointRow]?
    /// The best checkpoint of a run folder on these samples, and whether it is the one `best.cairn` names.
    public var best: String?
    public var bestIsBestCairn: Bool?

    enum Keys: String, CodingKey {
        case data, split, models, comparisons, checkpoints, best, bestIsBestCairn = "best_is_best_cairn"
    }

    public func encode(to encoder: Encoder) throws {
        try primary.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(data, forKey: .data)
        try container.encodeIfPresent(split, forKey: .split)
        if models.count > 1 { try container.encode(models, forKey: .models) }
        if !comparisons.isEmpty { try container.encode(comparisons, forKey: .comparisons) }
        try container.encodeIfPresent(checkpoints, forKey: .checkpoints)
        try container.encodeIfPresent(best, forKey: .best)
        try container.encodeIfPresent(bestIsBestCairn, forKey: .bestIsBestCairn)
    }
}

/// One checkpoint of a run folder: where it stands and how it scores on the evaluated samples.
public struct CheckpointRow: Codable, Equatable, Sendable {
    public var checkpoint: String
    public var epoch: Int?
    public var step: Int?
    public var loss: Double
    public var accuracy: Double?
    public var rmse: Double?
}
