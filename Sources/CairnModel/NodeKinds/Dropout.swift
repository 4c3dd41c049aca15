extension NodeKindDefinition {
    /// `dropout`: inverted dropout with drop probability `rate`, active only while training.
    public static let dropout = NodeKindDefinition(
        kind: .dropout, summary: "inverted dropout with drop probability rate, active only while training",
        role: .regularizer, inputCount: 1...1, requiredAttributes: [.rate],
        shape: { node, inputs in
            guard let rate = node.rate, rate >= 0, rate < 1 else {
                throw CairnError.graph(node: node.name, "dropout needs a rate in [0, 1)")
            }
            return inputs[0].shape
        })
}
