extension GraphSpec {
    /// The multilayer perceptron that `cairn-train --hidden ...` builds.
    ///
    /// Node names: `input`, then `dense1`, `act1` (and `drop1` with dropout), `dense2`, `act2`, ...,
    /// `denseN` for the output layer, then `softmax` for classification. With an `inputShape` of rank 2 or 3
    /// (`[C, L]`, `[C, H, W]`) the input node has that shape and a `flatten` node follows it.
    public static func perceptron(
        inputs: Int, hidden: [Int], outputs: Int, activation: NodeKind,
        alpha: Float = 0.01, dropout: Float = 0, classification: Bool,
        inputShape: [Int]? = nil
    ) -> GraphSpec {
        var nodes = [NodeSpec(name: "input", kind: .input, size: inputs)]
        var previous = "input"
        if let inputShape, inputShape.count > 1 {
            nodes = [
                NodeSpec(name: "input", kind: .input, shape: inputShape),
                NodeSpec(name: "flatten", kind: .flatten, inputs: ["input"]),
            ]
            previous = "flatten"
        }
        for (index, units) in hidden.enumerated() {
            let layer = index + 1
            nodes.append(NodeSpec(name: "dense\(layer)", kind: .dense, inputs: [previous], units: units))
            nodes.append(
                NodeSpec(
                    name: "act\(layer)", kind: activation, inputs: ["dense\(layer)"],
                    alpha: activation == .leakyRelu ? alpha : nil))
            previous = "act\(layer)"
            if dropout > 0 {
                nodes.append(NodeSpec(name: "drop\(layer)", kind: .dropout, inputs: [previous], rate: dropout))
                previous = "drop\(layer)"
            }
        }
        let last = "dense\(hidden.count + 1)"
        nodes.append(NodeSpec(name: last, kind: .dense, inputs: [previous], units: outputs))
        if classification {
            nodes.append(NodeSpec(name: "softmax", kind: .softmax, inputs: [last]))
        }
        return GraphSpec(nodes: nodes)
    }
}
