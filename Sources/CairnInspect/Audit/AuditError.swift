/// A model file the audit cannot use (shapes that do not fit, a baseline of another model). One line naming
/// the file and the cause.
public struct AuditError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
