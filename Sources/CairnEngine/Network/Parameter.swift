import CairnModel

/// One trainable tensor of a `Network`, as its node's kind defines it (a dense weight `[out, in]`,
/// row-major, or bias `[out]`), with the gradient of the last backward pass beside it.
public final class Parameter {
    /// The checkpoint key: `"<node>.weight"` or `"<node>.bias"`.
    public let name: String
    /// The graph node that owns it.
    public let node: String
    public let shape: [Int]
    /// Inputs feeding one output unit, and outputs one input feeds: the initialisation schemes' fans.
    public let fanIn: Int
    public let fanOut: Int
    /// How `Network.initialize` sets it: by the run's scheme, or to zeros or ones.
    public let initialization: ParameterInitialization
    /// Whether this is a buffer the forward pass updates (batch-norm running statistics), which the
    /// optimiser never changes and checkpoints store with the role `buffer`.
    public let isBuffer: Bool
    /// The values, row-major; always `shape`'s element count long.
    public var values: [Float] {
        didSet { revision &+= 1 }
    }
    /// Counts changes to `values` (every assignment or in-place mutation), so a copy made from them (packed
    /// inference weights) can tell that it is out of date.
    public private(set) var revision = 0
    /// The gradient of the mean batch loss from the last backward pass (overwritten by each pass).
    public var gradient: [Float]
    /// Frozen parameters still get gradients, but the optimizer leaves them unchanged and leaves them
    /// out of the clipping norm.
    public var isFrozen: Bool

    /// The number of elements, the product of `shape`.
    public var count: Int { values.count }

    /// A parameter; fans default to a dense weight's (`shape[1]` in, `shape[0]` out), and a 1-D
    /// parameter starts at zero.
    public init(
        name: String, node: String, shape: [Int], isFrozen: Bool = false, fanIn: Int? = nil, fanOut: Int? = nil,
        initialization: ParameterInitialization? = nil, isBuffer: Bool = false
    ) {
        self.name = name
        self.node = node
        self.shape = shape
        self.fanIn = fanIn ?? (shape.count > 1 ? shape[1] : shape.first ?? 1)
        self.fanOut = fanOut ?? (shape.first ?? 1)
        self.initialization = initialization ?? (shape.count == 1 ? .zeros : .scheme)
        self.isBuffer = isBuffer
        let count = shape.reduce(1, *)
        self.values = [Float](repeating: 0, count: count)
        self.gradient = [Float](repeating: 0, count: count)
        self.isFrozen = isFrozen
    }

    /// The parameter a node kind defines.
    convenience init(definition: ParameterDefinition) {
        self.init(
            name: definition.name, node: definition.node, shape: definition.shape, fanIn: definition.fanIn,
            fanOut: definition.fanOut, initialization: definition.initialization,
            isBuffer: definition.kind == .buffer)
    }
}
