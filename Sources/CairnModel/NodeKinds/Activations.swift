extension NodeKindDefinition {
    /// An element-wise activation: output shape = input shape.
    static func activation(
        _ kind: NodeKind, _ summary: String, optional: [NodeAttribute] = [],
        check: @escaping @Sendable (NodeSpec) throws -> Void = { _ in }
    ) -> NodeKindDefinition {
        NodeKindDefinition(
            kind: kind, summary: summary, role: .activation, inputCount: 1...1, optionalAttributes: optional,
            shape: { node, inputs in
                try check(node)
                return inputs[0].shape
            })
    }

    /// `relu`: `max(x, 0)`.
    public static let relu = activation(.relu, "max(x, 0)")
    /// `leaky-relu`: `max(x, alpha x)`, alpha default 0.01.
    public static let leakyRelu = activation(.leakyRelu, "max(x, alpha x), alpha default 0.01", optional: [.alpha]) {
        node in
        if let alpha = node.alpha, !alpha.isFinite { throw CairnError.graph(node: node.name, "alpha must be finite") }
    }
    /// `tanh`.
    public static let tanh = activation(.tanh, "hyperbolic tangent")
    /// `sigmoid`: `1 / (1 + e^-x)`.
    public static let sigmoid = activation(.sigmoid, "1 / (1 + e^-x)")
    /// `identity`: a copy.
    public static let identity = activation(.identity, "the input unchanged")
}
