extension NodeKindDefinition {
    /// `softmax`: the classification head over a feature vector; training fuses it with cross-entropy.
    public static let softmax = NodeKindDefinition(
        kind: .softmax, summary: "classification head over a feature vector, fused with cross-entropy in training",
        role: .head, inputCount: 1...1, mustBeLast: true,
        shape: { node, inputs in
            let source = inputs[0]
            guard source.shape.isFeatures else {
                throw CairnError.graph(
                    node: node.name, "softmax takes a feature vector [classes]; '\(source.name)' gives \(source.shape)")
            }
            return source.shape
        })
}
