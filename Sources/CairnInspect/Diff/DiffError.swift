/// Why two files cannot be compared (besides an unreadable or damaged file, whose own error names the
/// file, tensor and chunk).
public struct DiffError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
