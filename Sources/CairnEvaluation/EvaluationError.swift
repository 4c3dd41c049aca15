/// Why an evaluation cannot go on. `description` is one line naming the file and the cause.
public struct EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bad file, bad data or a model that does not fit the data (exit status 2).
        case trouble
        /// A request that makes no sense for the checkpoint or the other flags (exit status 64).
        case usage
    }

    public var kind: Kind
    /// The file the error is about, if any.
    public var path: String?
    public var reason: String

    public init(_ kind: Kind = .trouble, path: String?, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }
}
