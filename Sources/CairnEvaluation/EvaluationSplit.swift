/// Which part of a checkpoint's recorded data to score when no `--data` is given.
public enum EvaluationSplit: String, Codable, Sendable, CaseIterable {
    /// The validation samples, exactly as training held them out (the default).
    case val
    /// The training samples.
    case train
    /// Every sample of the recorded file(s).
    case all
}
