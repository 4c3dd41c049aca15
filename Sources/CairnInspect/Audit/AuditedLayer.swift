import CairnModel

/// One layer whose units the audit groups: a 2-D weight `[units, inputs]` with its bias, where its outputs
/// go, and the activation that follows it.
public struct AuditedLayer: Sendable, Equatable {
    /// The layer's name (the graph node, or the weight's name without `.weight`).
    public var name: String
    public var weightName: String
    public var biasName: String?
    public var units: Int
    public var inputs: Int
    /// The activation applied to the layer's output (`identity` when none), and the leaky slope.
    public var activation: NodeKind
    public var alpha: Float
    /// Dense layers that read this layer's outputs, through activations, dropout and `add` nodes; nil when
    /// the graph is unknown (then "locked" is never claimed).
    public var consumers: [String]?
    /// Whether the outputs reach the loss without another dense layer (the output layer).
    public var feedsLoss: Bool
    /// Other layers whose outputs are summed with this one's by an `add` node on the way to a consumer;
    /// `"input"` for the network's input (or anything that is not a dense layer).
    public var addPartners: [String]

    public init(name: String, weightName: String, biasName: String?, units: Int, inputs: Int,
                activation: NodeKind = .identity, alpha: Float = 0, consumers: [String]? = nil,
                feedsLoss: Bool = false, addPartners: [String] = []) {
        self.name = name
        self.weightName = weightName
        self.biasName = biasName
        self.units = units
        self.inputs = inputs
        self.activation = activation
        self.alpha = alpha
        self.consumers = consumers
        self.feedsLoss = feedsLoss
        self.addPartners = addPartners
    }
}
