extension NodeKindDefinition {
    /// `conv1d` / `conv2d`: cross-correlation as PyTorch's `Conv1d`/`Conv2d`, weight `[out, in, k]` /
    /// `[out, in, kh, kw]`, optional bias `[out]`; fan-in `in x kernel area`, fan-out `out x kernel area`.
    static func convolution(_ kind: NodeKind, _ summary: String) -> NodeKindDefinition {
        NodeKindDefinition(
            kind: kind, summary: summary, role: .layer, inputCount: 1...1, requiredAttributes: [.channels, .kernel],
            optionalAttributes: [.stride, .padding, .dilation, .bias], headWidthAttribute: .channels,
            shape: { node, inputs in ValueShape(try node.convolutionGeometry(input: inputs[0]).outputShape) },
            parameters: { node, inputs, _ in
                guard let g = try? node.convolutionGeometry(input: inputs[0]) else { return [] }
                var owned = [
                    ParameterDefinition(
                        node: node.name, suffix: "weight", shape: g.weightShape, fanIn: g.fanIn,
                        fanOut: g.fanOut, initialization: .scheme)
                ]
                if node.bias ?? true {
                    owned.append(
                        ParameterDefinition(
                            node: node.name, suffix: "bias", shape: [g.outputChannels],
                            fanIn: g.fanIn, fanOut: g.fanOut, initialization: .zeros))
                }
                return owned
            })
    }

    /// `conv1d`: over `[channels, length]`.
    public static let conv1d = convolution(
        .conv1d, "1-D convolution over [C, L]: channels, kernel, stride, padding (number or \"same\"), dilation, bias")
    /// `conv2d`: over `[channels, height, width]`.
    public static let conv2d = convolution(
        .conv2d,
        "2-D convolution over [C, H, W]: channels, kernel, stride, padding (number or \"same\"), dilation, bias")
}
