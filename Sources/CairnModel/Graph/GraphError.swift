/// Why a layer graph cannot be built.
public struct GraphError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The node at fault, when one is.
    public var node: String?
    /// What is wrong, as a sentence fragment.
    public var reason: String

    public init(node: String?, _ reason: String) {
        self.node = node
        self.reason = reason
    }

    public var description: String {
        if let node { return "graph node '\(node)': \(reason)" }
        return "graph: \(reason)"
    }
}
