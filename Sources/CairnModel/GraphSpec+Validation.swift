extension GraphSpec {
    /// The largest width any node may have, and the most nodes a graph may have: limits that keep a
    /// hostile checkpoint from making a tool allocate without bound.
    public static let maximumWidth = 1 << 24
    public static let maximumNodeCount = 4096

    /// Checks the graph and returns the output width of every node, by name.
    ///
    /// Rules: names are unique and non-empty; exactly one `input` node, with a positive `size`; every
    /// other node names existing earlier nodes as inputs; `add` has two or more inputs of one width and
    /// at most one scale per input; every other non-input node has exactly one input; `dense` has
    /// positive `units`; `dropout` has `rate` in [0, 1); `leaky-relu` has a finite `alpha`; `softmax`
    /// may only be the last node.
    @discardableResult
    public func validate() throws -> [String: Int] {
        guard !nodes.isEmpty else { throw CairnError.graph(node: nil, "has no nodes") }
        guard nodes.count <= Self.maximumNodeCount else {
            throw CairnError.graph(node: nil, "has \(nodes.count) nodes, more than the limit of \(Self.maximumNodeCount)")
        }
        var widths: [String: Int] = [:]
        var inputCount = 0
        for (index, node) in nodes.enumerated() {
            guard !node.name.isEmpty else { throw CairnError.graph(node: nil, "node \(index) has an empty name") }
            guard widths[node.name] == nil else { throw CairnError.graph(node: node.name, "name used twice") }
            for source in node.inputs where widths[source] == nil {
                throw CairnError.graph(node: node.name, "input '\(source)' is not an earlier node")
            }
            let inputWidths = node.inputs.map { widths[$0]! }
            let width: Int
            switch node.kind {
            case .input:
                inputCount += 1
                guard node.inputs.isEmpty else { throw CairnError.graph(node: node.name, "an input node takes no inputs") }
                guard let size = node.size, size > 0, size <= Self.maximumWidth else {
                    throw CairnError.graph(node: node.name, "an input node needs a size from 1 to \(Self.maximumWidth)")
                }
                width = size
            case .dense:
                guard inputWidths.count == 1 else { throw CairnError.graph(node: node.name, "a dense node takes exactly one input") }
                guard let units = node.units, units > 0, units <= Self.maximumWidth else {
                    throw CairnError.graph(node: node.name, "a dense node needs units from 1 to \(Self.maximumWidth)")
                }
                guard inputWidths[0].multipliedReportingOverflow(by: units).partialValue <= Self.maximumWidth * 16,
                      !inputWidths[0].multipliedReportingOverflow(by: units).overflow else {
                    throw CairnError.graph(node: node.name, "weight matrix \(units)x\(inputWidths[0]) is too large")
                }
                width = units
            case .add:
                guard inputWidths.count >= 2 else { throw CairnError.graph(node: node.name, "an add node takes two or more inputs") }
                guard Set(inputWidths).count == 1 else {
                    throw CairnError.graph(node: node.name, "inputs have different widths \(inputWidths)")
                }
                if let scales = node.scales {
                    guard scales.count == inputWidths.count else {
                        throw CairnError.graph(node: node.name, "has \(scales.count) scales for \(inputWidths.count) inputs")
                    }
                    guard scales.allSatisfy({ $0.isFinite }) else { throw CairnError.graph(node: node.name, "scales must be finite") }
                }
                width = inputWidths[0]
            case .relu, .leakyRelu, .tanh, .sigmoid, .identity, .dropout, .softmax:
                guard inputWidths.count == 1 else {
                    throw CairnError.graph(node: node.name, "a \(node.kind.rawValue) node takes exactly one input")
                }
                if node.kind == .dropout {
                    guard let rate = node.rate, rate >= 0, rate < 1 else {
                        throw CairnError.graph(node: node.name, "dropout needs a rate in [0, 1)")
                    }
                }
                if node.kind == .leakyRelu, let alpha = node.alpha, !alpha.isFinite {
                    throw CairnError.graph(node: node.name, "alpha must be finite")
                }
                if node.kind == .softmax, index != nodes.count - 1 {
                    throw CairnError.graph(node: node.name, "softmax may only be the last node")
                }
                width = inputWidths[0]
            }
            widths[node.name] = width
        }
        guard inputCount == 1 else { throw CairnError.graph(node: nil, "needs exactly one input node, has \(inputCount)") }
        return widths
    }

    /// The width of the input node (0 for an empty graph).
    public var inputWidth: Int { nodes.first { $0.kind == .input }?.size ?? 0 }

    /// Whether the graph ends in a softmax classification head.
    public var hasSoftmaxHead: Bool { output?.kind == .softmax }
}
