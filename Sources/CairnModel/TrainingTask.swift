/// What a model is trained to do, which fixes its loss.
public enum TrainingTask: String, Codable, Sendable, CaseIterable {
    /// Softmax cross-entropy on integer class labels; the graph ends in `softmax`.
    case classification
    /// Squared error `|e|^2 / 2` per sample on one or more real targets.
    case regression
}
