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
    /// `conv1d`, `conv2d`: output channels.
    public var channels: Int?
    /// Convolutions and pools: the window per spatial axis (one number in JSON: every axis).
    public var kernel: [Int]?
    /// Convolutions and pools: the step per spatial axis (default 1 for convolutions, the kernel for pools).
    public var stride: [Int]?
    /// Convolutions and pools: zeros on both sides per spatial axis, or `"same"` (convolutions, stride 1).
    public var padding: PaddingAttribute?
    /// Convolutions: the spacing of the kernel's taps per spatial axis (default 1).
    public var dilation: [Int]?
    /// Convolutions: whether the node adds a learned bias per output channel (default true).
    public var bias: Bool?
    /// `batch-norm`: the weight of each batch's statistics in the running ones (default 0.1, as PyTorch).
    public var momentum: Float?
    /// `batch-norm`: added to the variance before its square root (default 1e-5).
    public var epsilon: Float?

    public init(
        name: String, kind: NodeKind, inputs: [String] = [], size: Int? = nil, shape: [Int]? = nil,
        units: Int? = nil, alpha: Float? = nil, rate: Float? = nil, scales: [Float]? = nil,
        channels: Int? = nil, kernel: [Int]? = nil, stride: [Int]? = nil, padding: PaddingAttribute? = nil,
        dilation: [Int]? = nil, bias: Bool? = nil, momentum: Float? = nil, epsilon: Float? = nil
    ) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.size = size
        self.shape = shape
        self.units = units
        self.alpha = alpha
        self.rate = rate
        self.scales = scales
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.bias = bias
        self.momentum = momentum
        self.epsilon = epsilon
    }

    private enum CodingKeys: String, CodingKey {
        case name, kind, inputs, size, shape, units, alpha, rate, scales
        case channels, kernel, stride, padding, dilation, bias, momentum, epsilon
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
        channels = try c.decodeIfPresent(Int.self, forKey: .channels)
        kernel = try Self.decodeExtents(c, .kernel)
        stride = try Self.decodeExtents(c, .stride)
        padding = try c.decodeIfPresent(PaddingAttribute.self, forKey: .padding)
        dilation = try Self.decodeExtents(c, .dilation)
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias)
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum)
        epsilon = try c.decodeIfPresent(Float.self, forKey: .epsilon)
    }

    /// One number (every axis) or a list of numbers (one per axis).
    private static func decodeExtents(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [Int]? {
        guard c.contains(key) else { return nil }
        if let one = try? c.decode(Int.self, forKey: key) { return [one] }
        return try c.decode([Int].self, forKey: key)
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
        try c.encodeIfPresent(channels, forKey: .channels)
        try c.encodeIfPresent(kernel, forKey: .kernel)
        try c.encodeIfPresent(stride, forKey: .stride)
        try c.encodeIfPresent(padding, forKey: .padding)
        try c.encodeIfPresent(dilation, forKey: .dilation)
        try c.encodeIfPresent(bias, forKey: .bias)
        try c.encodeIfPresent(momentum, forKey: .momentum)
        try c.encodeIfPresent(epsilon, forKey: .epsilon)
    }
}
