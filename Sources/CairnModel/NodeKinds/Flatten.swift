extension NodeKindDefinition {
    /// `flatten`: any shape as a feature vector of the same values in row-major order.
    public static let flatten = NodeKindDefinition(
        kind: .flatten, summary: "any shape as a feature vector of the same values, row-major", role: .reshape,
        inputCount: 1...1,
        shape: { _, inputs in .features(inputs[0].shape.elementCount) })
}
