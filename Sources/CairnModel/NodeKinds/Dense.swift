extension NodeKindDefinition {
    /// `dense`: a fully connected layer `y = W x + b`, weight `[units, in]`, bias `[units]`.
    public static let dense = NodeKindDefinition(
        kind: .dense, summary: "fully connected layer y = W x + b; weight [units, in], bias [units]", role: .layer,
        inputCount: 1...1, requiredAttributes: [.units], headWidthAttribute: .units,
        shape: { node, inputs in
            let limit = GraphSpec.maximumWidth
            guard let units = node.units, units > 0, units <= limit else {
                throw CairnError.graph(node: node.name, "a dense node needs units from 1 to \(limit)")
            }
            let source = inputs[0]
            guard source.shape.isFeatures else {
                throw CairnError.graph(
                    node: node.name,
                    "a dense node takes a feature vector [features]; '\(source.name)' gives \(source.shape) (add a flatten node between them)"
                )
            }
            let width = source.shape.elementCount
            let (weights, overflow) = width.multipliedReportingOverflow(by: units)
            guard !overflow, weights <= limit * 16 else {
                throw CairnError.graph(node: node.name, "weight matrix \(units)x\(width) is too large")
            }
            return .features(units)
        },
        parameters: { node, inputs, output in
            let fanIn = inputs[0].shape.elementCount, units = output.elementCount
            return [
                ParameterDefinition(
                    node: node.name, suffix: "weight", shape: [units, fanIn], fanIn: fanIn, fanOut: units,
                    initialization: .scheme),
                ParameterDefinition(
                    node: node.name, suffix: "bias", shape: [units], fanIn: fanIn, fanOut: units,
                    initialization: .zeros),
            ]
        })
}
