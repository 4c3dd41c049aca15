extension NodeKindDefinition {
    /// A window pool over `[C, L]` (1-D) or `[C, H, W]` (2-D), stride defaulting to the kernel.
    static func pooling(_ kind: NodeKind, _ summary: String) -> NodeKindDefinition {
        NodeKindDefinition(
            kind: kind, summary: summary, role: .pooling, inputCount: 1...1, requiredAttributes: [.kernel],
            optionalAttributes: [.stride, .padding],
            shape: { node, inputs in ValueShape(try node.poolingGeometry(input: inputs[0]).outputShape) })
    }

    /// `max-pool`: the largest value in each window (padding never wins).
    public static let maxPool = pooling(
        .maxPool, "largest value per window over [C, L] or [C, H, W]; kernel, stride, padding")
    /// `avg-pool`: the mean of each window, padding counted (PyTorch's `count_include_pad=True`).
    public static let avgPool = pooling(
        .avgPool, "mean per window over [C, L] or [C, H, W], padding counted; kernel, stride, padding")

    /// `global-avg-pool`: `[C, L]` or `[C, H, W]` to `[C]`, each channel's mean.
    public static let globalAvgPool = NodeKindDefinition(
        kind: .globalAvgPool, summary: "each channel's mean: [C, L] or [C, H, W] to [C]", role: .pooling,
        inputCount: 1...1,
        shape: { node, inputs in
            let input = inputs[0]
            guard input.shape.rank >= 2 else {
                throw CairnError.graph(
                    node: node.name, "global-avg-pool takes [channels, ...]; '\(input.name)' gives \(input.shape)")
            }
            return .features(input.shape.dimensions[0])
        })
}
