extension NodeKindDefinition {
    /// `batch-norm`: per-channel normalisation as PyTorch's `BatchNorm1d`/`BatchNorm2d` over `[C]`, `[C, L]`
    /// or `[C, H, W]`: learned scale (`weight`, ones) and shift (`bias`, zeros), running mean (zeros) and
    /// variance (ones) as buffers; batch statistics while training, running ones at evaluation.
    public static let batchNorm = NodeKindDefinition(
        kind: .batchNorm, summary: "per-channel batch normalisation over [C], [C, L] or [C, H, W]; momentum, epsilon",
        role: .layer, inputCount: 1...1, optionalAttributes: [.momentum, .epsilon],
        shape: { node, inputs in
            let input = inputs[0]
            guard (1...3).contains(input.shape.rank) else {
                throw CairnError.graph(
                    node: node.name, "batch-norm takes [C], [C, L] or [C, H, W]; '\(input.name)' gives \(input.shape)")
            }
            if let momentum = node.momentum, !(momentum.isFinite && momentum >= 0 && momentum <= 1) {
                throw CairnError.graph(node: node.name, "momentum must be from 0 to 1, got \(momentum)")
            }
            if let epsilon = node.epsilon, !(epsilon.isFinite && epsilon > 0) {
                throw CairnError.graph(node: node.name, "epsilon must be a positive number, got \(epsilon)")
            }
            return input.shape
        },
        parameters: { node, inputs, _ in
            let channels = inputs[0].shape.dimensions[0]
            func tensor(
                _ suffix: String, _ start: ParameterInitialization, _ kind: ParameterKind
            ) -> ParameterDefinition {
                ParameterDefinition(
                    node: node.name, suffix: suffix, shape: [channels], fanIn: 1, fanOut: 1,
                    initialization: start, kind: kind)
            }
            return [
                tensor("weight", .ones, .trainable), tensor("bias", .zeros, .trainable),
                tensor("running_mean", .zeros, .buffer), tensor("running_var", .ones, .buffer),
            ]
        })
}
