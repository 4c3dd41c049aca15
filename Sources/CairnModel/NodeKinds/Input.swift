extension NodeKindDefinition {
    /// `input`: the network's input, `size` features or a `shape` (`[C, L]`, `[C, H, W]`).
    public static let input = NodeKindDefinition(
        kind: .input, summary: "the network's input: size features, or a shape [C, L] / [C, H, W]", role: .input,
        inputCount: 0...0, optionalAttributes: [.size, .shape],
        shape: { node, _ in
            let limit = GraphSpec.maximumWidth
            if let dimensions = node.shape {
                let shape = ValueShape(dimensions)
                guard (1...3).contains(shape.rank), let count = shape.elementCount(atMost: limit) else {
                    throw CairnError.graph(
                        node: node.name,
                        "an input shape needs 1 to 3 extents, each at least 1, at most \(limit) values in all; got \(shape)"
                    )
                }
                if let size = node.size, size != count {
                    throw CairnError.graph(
                        node: node.name, "size \(size) does not match shape \(shape) (\(count) values)")
                }
                return shape
            }
            guard let size = node.size, size > 0, size <= limit else {
                throw CairnError.graph(node: node.name, "an input node needs a size from 1 to \(limit)")
            }
            return .features(size)
        })
}
