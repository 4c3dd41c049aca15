import CairnModel

/// One layer whose units the audit groups: a dense weight `[units, inputs]` or a convolution weight
/// `[units, in, k...]` (its filters are its units, each filter's row the weight flattened after the first
/// axis, `inputs = in x kernel area`), with its bias, where its outputs go, and the activation that follows it.
public struct AuditedLayer: Sendable, Equatable {
    /// The layer's name (the graph node, or the weight's name without `.weight`).
    public var name: String
    public var weightName: String
    public var biasName: String?
    public var units: Int
    /// Values in one unit's row of the weight (dense: inputs; convolution: `in x kernel area`).
    public var inputs: Int
    /// `dense`, `conv1d` or `conv2d`.
    public var kind: NodeKind
    /// Fan-in and fan-out of the weight for the scale check, as the node kind defines them (dense: inputs
    /// and units; convolution: `in x kernel area` and `out x kernel area`).
    public var fanIn: Int
    public var fanOut: Int
    /// The activation applied to the layer's output (`identity` when none), and the leaky slope.
    public var activation: NodeKind
    public var alpha: Float
    /// Layers (dense or convolution) that read this layer's outputs, through activations, dropout, pools,
    /// batch-norm, flatten and `add` nodes; nil when the graph is unknown (then "locked" is never claimed).
    public var consumers: [String]?
    /// Per consumer, the contiguous columns of each of its weight rows that read one unit of this layer:
    /// 1 for a dense layer reading the units directly, the kernel area for a convolution, the positions
    /// per channel for a dense layer after a flatten. Missing: 1.
    public var consumerBlocks: [String: Int]
    /// Batch-norm nodes between this layer and its consumers: units are only interchangeable where their
    /// channels' scale, shift and running statistics are equal too.
    public var channelNorms: [String]
    /// Whether the outputs reach the loss without another layer (the output layer).
    public var feedsLoss: Bool
    /// Other layers whose outputs are summed with this one's by an `add` node on the way to a consumer;
    /// `"input"` for the network's input (or anything that is not a dense or convolution layer).
    public var addPartners: [String]

    public init(
        name: String, weightName: String, biasName: String?, units: Int, inputs: Int,
        kind: NodeKind = .dense, fanIn: Int? = nil, fanOut: Int? = nil,
        activation: NodeKind = .identity, alpha: Float = 0, consumers: [String]? = nil,
        consumerBlocks: [String: Int] = [:], channelNorms: [String] = [],
        feedsLoss: Bool = false, addPartners: [String] = []
    ) {
        self.name = name
        self.weightName = weightName
        self.biasName = biasName
        self.units = units
        self.inputs = inputs
        self.kind = kind
        self.fanIn = fanIn ?? inputs
        self.fanOut = fanOut ?? units
        self.activation = activation
        self.alpha = alpha
        self.consumers = consumers
        self.consumerBlocks = consumerBlocks
        self.channelNorms = channelNorms
        self.feedsLoss = feedsLoss
        self.addPartners = addPartners
    }

    /// Whether the layer is a convolution (its units are filters).
    public var isConvolution: Bool { kind != .dense }

    /// The columns per unit in `consumer`'s rows (1 unless the consumer reads blocks).
    public func block(for consumer: String) -> Int { consumerBlocks[consumer] ?? 1 }
}
