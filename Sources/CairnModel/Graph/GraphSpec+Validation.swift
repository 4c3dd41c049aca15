extension GraphSpec {
    /// The largest width any node may have, and the most nodes a graph may have: limits that keep a
    /// hostile checkpoint from making a tool allocate without bound.
    public static let maximumWidth = 1 << 24
    public static let maximumNodeCount = 4096

    /// Checks the graph and returns the output shape of every node, by name.
    ///
    /// Rules common to every kind: names are unique and non-empty; exactly one `input` node; every
    /// other node names existing earlier nodes as inputs, as many as its kind takes; a kind that must be
    /// last (`softmax`) is last; every node's output has at most `maximumWidth` values. Each kind's own
    /// rules (attributes, input shapes) are in its `NodeKindDefinition`.
    @discardableResult
    public func validate() throws -> GraphShapes {
        guard !nodes.isEmpty else { throw CairnError.graph(node: nil, "has no nodes") }
        guard nodes.count <= Self.maximumNodeCount else {
            throw CairnError.graph(
                node: nil, "has \(nodes.count) nodes, more than the limit of \(Self.maximumNodeCount)")
        }
        var shapes: [String: ValueShape] = [:]
        var inputCount = 0
        for (index, node) in nodes.enumerated() {
            guard !node.name.isEmpty else { throw CairnError.graph(node: nil, "node \(index) has an empty name") }
            guard shapes[node.name] == nil else { throw CairnError.graph(node: node.name, "name used twice") }
            for source in node.inputs where shapes[source] == nil {
                throw CairnError.graph(node: node.name, "input '\(source)' is not an earlier node")
            }
            let definition = node.kind.definition
            if node.kind == .input { inputCount += 1 }
            guard definition.inputCount.contains(node.inputs.count) else {
                throw CairnError.graph(node: node.name, Self.arityMessage(definition))
            }
            if definition.mustBeLast, index != nodes.count - 1 {
                throw CairnError.graph(node: node.name, "\(node.kind.rawValue) may only be the last node")
            }
            let inputs = node.inputs.map { NodeKindDefinition.Input(name: $0, shape: shapes[$0]!) }
            let shape = try definition.outputShape(of: node, inputs: inputs)
            guard shape.elementCount(atMost: Self.maximumWidth) != nil else {
                throw CairnError.graph(
                    node: node.name, "output \(shape) has more than \(Self.maximumWidth) values per sample")
            }
            shapes[node.name] = shape
        }
        guard inputCount == 1 else {
            throw CairnError.graph(node: nil, "needs exactly one input node, has \(inputCount)")
        }
        return GraphShapes(shapes: shapes)
    }

    private static func arityMessage(_ definition: NodeKindDefinition) -> String {
        let name = definition.kind.rawValue
        let article = name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        switch (definition.inputCount.lowerBound, definition.inputCount.upperBound) {
        case (0, 0): return "\(article) \(name) node takes no inputs"
        case (let low, Int.max): return "\(article) \(name) node takes \(low == 2 ? "two" : String(low)) or more inputs"
        case (let low, let high) where low == high:
            return "\(article) \(name) node takes exactly \(low == 1 ? "one input" : "\(low) inputs")"
        case (let low, let high): return "\(article) \(name) node takes \(low) to \(high) inputs"
        }
    }

    /// The parameters every node owns, in graph order (each node's weight before its bias), for a valid
    /// graph and its `shapes`.
    public func parameterDefinitions(shapes: GraphShapes) -> [ParameterDefinition] {
        nodes.flatMap { node -> [ParameterDefinition] in
            guard let output = shapes.shape(of: node.name) else { return [] }
            let inputs = node.inputs.compactMap { name in
                shapes.shape(of: name).map { NodeKindDefinition.Input(name: name, shape: $0) }
            }
            return node.kind.definition.parameters(of: node, inputs: inputs, output: output)
        }
    }

    /// The parameters of a graph that is valid; throws the graph's error otherwise.
    public func parameterDefinitions() throws -> [ParameterDefinition] {
        parameterDefinitions(shapes: try validate())
    }

    /// The width of the input node (0 for an empty graph).
    public var inputWidth: Int {
        guard let input = nodes.first(where: { $0.kind == .input }) else { return 0 }
        return input.shape.map { ValueShape($0).elementCount(atMost: Self.maximumWidth) ?? 0 } ?? input.size ?? 0
    }

    /// The shape of one input sample, when the input node gives one.
    public var inputShape: ValueShape? {
        guard let input = nodes.first(where: { $0.kind == .input }) else { return nil }
        return input.shape.map(ValueShape.init) ?? input.size.map(ValueShape.features)
    }

    /// Whether the graph ends in a softmax classification head.
    public var hasSoftmaxHead: Bool { output?.kind == .softmax }
}
