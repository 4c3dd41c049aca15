/// A model's layer graph: a directed acyclic graph of named nodes, stored in every checkpoint's
/// manifest under `"graph"` so that any tool can rebuild the model from the file alone.
///
/// The JSON form (schema: `Formats/graph-v1.schema.json`):
/// ```json
/// { "nodes": [
///     {"name": "input",   "kind": "input",      "size": 64},
///     {"name": "dense1",  "kind": "dense",      "inputs": ["input"],  "units": 64},
///     {"name": "act1",    "kind": "leaky-relu", "inputs": ["dense1"], "alpha": 0.01},
///     {"name": "dense2",  "kind": "dense",      "inputs": ["act1"],   "units": 10},
///     {"name": "softmax", "kind": "softmax",    "inputs": ["dense2"]} ] }
/// ```
/// Nodes are listed in an order where every node comes after its inputs. The last node is the output.
public struct GraphSpec: Codable, Equatable, Sendable {
    /// The nodes, each after all of its inputs.
    public var nodes: [NodeSpec]

    public init(nodes: [NodeSpec]) {
        self.nodes = nodes
    }

    /// The node with this name, if any.
    public func node(named name: String) -> NodeSpec? {
        nodes.first { $0.name == name }
    }

    /// The output node (the last one).
    public var output: NodeSpec? { nodes.last }

    /// The dense nodes in graph order.
    public var denseNodes: [NodeSpec] { nodes.filter { $0.kind == .dense } }

    /// The nodes that own parameters, in graph order.
    public var parameterNodes: [NodeSpec] { nodes.filter { $0.kind.ownsParameters } }
}

/// One node of a `GraphSpec`.
public struct NodeSpec: Codable, Equatable, Sendable {
    /// A unique name; parameters are named after it (`dense1.weight`, `dense1.bias`).
    public var name: String
    public var kind: NodeKind
    /// Names of the nodes feeding this one (empty for `input`, two or more for `add`).
    public var inputs: [String]
    /// `input`: the number of features (the element count of `shape` when both are given).
    public var size: Int?
    /// `input`: the shape of one sample, `[C, L]` or `[C, H, W]` (graph schema 1.1); absent: `[size]`.
    public var shape: [Int]?
    /// `dense`: the number of output units.
    public var units: Int?
    /// `leaky-relu`: the slope for negative inputs.
    public var alpha: Float?
    /// `dropout`: the probability of dropping a unit, in [0, 1).
    public var rate: Float?
    /// `add`: one scale per input.
    public var scales: [Float]?

    public init(name: String, kind: NodeKind, inputs: [String] = [], size: Int? = nil, shape: [Int]? = nil,
                units: Int? = nil, alpha: Float? = nil, rate: Float? = nil, scales: [Float]? = nil) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.size = size
        self.shape = shape
        self.units = units
        self.alpha = alpha
        self.rate = rate
        self.scales = scales
    }

    private enum CodingKeys: String, CodingKey {
        case name, kind, inputs, size, shape, units, alpha, rate, scales
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(NodeKind.self, forKey: .kind)
        inputs = try c.decodeIfPresent([String].self, forKey: .inputs) ?? []
        size = try c.decodeIfPresent(Int.self, forKey: .size)
        shape = try c.decodeIfPresent([Int].self, forKey: .shape)
        units = try c.decodeIfPresent(Int.self, forKey: .units)
        alpha = try c.decodeIfPresent(Float.self, forKey: .alpha)
        rate = try c.decodeIfPresent(Float.self, forKey: .rate)
        scales = try c.decodeIfPresent([Float].self, forKey: .scales)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind)
        if !inputs.isEmpty { try c.encode(inputs, forKey: .inputs) }
        try c.encodeIfPresent(size, forKey: .size)
        try c.encodeIfPresent(shape, forKey: .shape)
        try c.encodeIfPresent(units, forKey: .units)
        try c.encodeIfPresent(alpha, forKey: .alpha)
        try c.encodeIfPresent(rate, forKey: .rate)
        try c.encodeIfPresent(scales, forKey: .scales)
    }
}
