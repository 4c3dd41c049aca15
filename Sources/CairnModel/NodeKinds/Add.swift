extension NodeKindDefinition {
    /// `add`: the sum of two or more inputs of one shape, each times its entry of `scales` (default 1).
    public static let add = NodeKindDefinition(
        kind: .add, summary: "sum of two or more inputs of one shape, each times its scale (default 1)",
        role: .combiner, inputCount: 2...Int.max, optionalAttributes: [.scales],
        shape: { node, inputs in
            let first = inputs[0]
            if let other = inputs.first(where: { $0.shape != first.shape }) {
                throw CairnError.graph(
                    node: node.name,
                    "inputs have different shapes: '\(first.name)' gives \(first.shape), '\(other.name)' gives \(other.shape)"
                )
            }
            if let scales = node.scales {
                guard scales.count == inputs.count else {
                    throw CairnError.graph(node: node.name, "has \(scales.count) scales for \(inputs.count) inputs")
                }
                guard scales.allSatisfy({ $0.isFinite }) else {
                    throw CairnError.graph(node: node.name, "scales must be finite")
                }
            }
            return first.shape
        })
}
