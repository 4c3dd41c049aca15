/// Everything Cairn knows about one node kind, written once: the attributes it reads, how many inputs
/// it takes, its output shape from its input shapes (with the checks that need), and the parameters it
/// owns with their shapes and initialisation fan-in/fan-out.
///
/// Graph validation, network construction, initialisation, `cairn-inspect`'s parameter counts and
/// drawings, graph inference from safetensors, `--new-head`, `--freeze` and the command-line lists of
/// activations all ask a kind's definition (`NodeKind.definition`) instead of switching on the kind.
/// Adding a kind is one definition in `Sources/CairnModel/NodeKinds/`, one engine kernel and tests.
public struct NodeKindDefinition: Sendable {
    /// What a kind does in a graph.
    public enum Role: String, Sendable {
        /// The network's input.
        case input
        /// Owns trainable parameters (dense, later convolutions).
        case layer
        /// An element-wise non-linearity, offered by `--activation`.
        case activation
        /// Changes values only while training (dropout).
        case regularizer
        /// Combines several inputs (add).
        case combiner
        /// Changes the shape, not the values (flatten).
        case reshape
        /// Summarises windows or channels, owning no parameters (pools).
        case pooling
        /// The classification head (softmax), fused with the loss in training.
        case head
    }

    public var kind: NodeKind
    /// One line for help texts and reports.
    public var summary: String
    public var role: Role
    /// How many inputs a node of this kind takes.
    public var inputCount: ClosedRange<Int>
    /// Attributes a node of this kind must have.
    public var requiredAttributes: [NodeAttribute]
    /// Attributes a node of this kind may have.
    public var optionalAttributes: [NodeAttribute]
    /// Whether a node of this kind may only be the graph's last node.
    public var mustBeLast: Bool
    /// The attribute that sets the output width of a layer `--new-head` can resize (`units` for dense).
    public var headWidthAttribute: NodeAttribute?

    /// Checks the node's attributes against its input shapes and returns its output shape; throws a
    /// `CairnError` (code `invalidGraph`) naming the node (and both shapes when they disagree).
    let shapeRule: @Sendable (NodeSpec, [Input]) throws -> ValueShape
    /// The parameters a valid node owns, given its input shapes and output shape.
    let parameterRule: @Sendable (NodeSpec, [Input], ValueShape) -> [ParameterDefinition]

    /// An input of the node being checked: the source node's name and output shape.
    public struct Input: Sendable {
        public var name: String
        public var shape: ValueShape

        public init(name: String, shape: ValueShape) {
            self.name = name
            self.shape = shape
        }
    }

    public init(
        kind: NodeKind, summary: String, role: Role, inputCount: ClosedRange<Int>,
        requiredAttributes: [NodeAttribute] = [], optionalAttributes: [NodeAttribute] = [],
        mustBeLast: Bool = false, headWidthAttribute: NodeAttribute? = nil,
        shape: @escaping @Sendable (NodeSpec, [Input]) throws -> ValueShape,
        parameters: @escaping @Sendable (NodeSpec, [Input], ValueShape) -> [ParameterDefinition] = { _, _, _ in [] }
    ) {
        self.kind = kind
        self.summary = summary
        self.role = role
        self.inputCount = inputCount
        self.requiredAttributes = requiredAttributes
        self.optionalAttributes = optionalAttributes
        self.mustBeLast = mustBeLast
        self.headWidthAttribute = headWidthAttribute
        self.shapeRule = shape
        self.parameterRule = parameters
    }

    /// Every attribute the kind reads.
    public var attributes: [NodeAttribute] { requiredAttributes + optionalAttributes }

    /// The output shape of `node` fed by `inputs`, after the kind's checks.
    public func outputShape(of node: NodeSpec, inputs: [Input]) throws -> ValueShape {
        try shapeRule(node, inputs)
    }

    /// The parameters `node` owns, in the order the network stores them (weight before bias).
    public func parameters(of node: NodeSpec, inputs: [Input], output: ValueShape) -> [ParameterDefinition] {
        parameterRule(node, inputs, output)
    }

    /// The node's attributes as `name value` pairs, for drawings and reports (`units 64`).
    public func attributeSummary(of node: NodeSpec) -> String {
        attributes.compactMap { attribute in node.text(of: attribute).map { "\(attribute.rawValue) \($0)" } }
            .joined(separator: ", ")
    }
}

/// A node attribute: a field of `NodeSpec` and a key in the graph JSON.
public enum NodeAttribute: String, Sendable, CaseIterable {
    case size, shape, units, alpha, rate, scales
    case channels, kernel, stride, padding, dilation, bias, momentum, epsilon
}

/// How a parameter's values start.
public enum ParameterInitialization: String, Sendable, Equatable {
    /// Drawn by the run's weight initialisation scheme, from the parameter's fan-in and fan-out.
    case scheme
    /// All zeros (biases).
    case zeros
    /// All ones.
    case ones
}

/// What a node-owned tensor is for.
public enum ParameterKind: String, Sendable, Equatable {
    /// Trained by the optimiser (weights, biases, batch-norm scale and shift).
    case trainable
    /// State the forward pass updates, never the optimiser (batch-norm running mean and variance); stored
    /// with the container role `buffer`.
    case buffer
}

/// A tensor a node owns, as its kind defines it.
public struct ParameterDefinition: Sendable, Equatable {
    /// The checkpoint key, `<node>.<suffix>` (`dense1.weight`).
    public var name: String
    /// The owning node.
    public var node: String
    /// `weight`, `bias`.
    public var suffix: String
    /// Row-major extents, PyTorch's layout (dense weight `[out, in]`).
    public var shape: [Int]
    /// Inputs feeding one output unit (initialisation and scale checks).
    public var fanIn: Int
    /// Outputs one input feeds.
    public var fanOut: Int
    public var initialization: ParameterInitialization
    /// Trainable, or a buffer the forward pass updates.
    public var kind: ParameterKind

    public init(
        node: String, suffix: String, shape: [Int], fanIn: Int, fanOut: Int,
        initialization: ParameterInitialization, kind: ParameterKind = .trainable
    ) {
        self.name = node + "." + suffix
        self.node = node
        self.suffix = suffix
        self.shape = shape
        self.fanIn = fanIn
        self.fanOut = fanOut
        self.initialization = initialization
        self.kind = kind
    }

    /// The number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
}

extension NodeSpec {
    /// The attribute's value as the graph JSON would show it, or nil when the node has none.
    public func text(of attribute: NodeAttribute) -> String? {
        func number(_ value: Float) -> String {
            value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : String(value)
        }
        switch attribute {
        case .size: return size.map(String.init)
        case .shape: return shape.map { ValueShape($0).description }
        case .units: return units.map(String.init)
        case .alpha: return alpha.map(number)
        case .rate: return rate.map(number)
        case .scales: return scales.map { "[" + $0.map(number).joined(separator: ", ") + "]" }
        case .channels: return channels.map(String.init)
        case .kernel: return kernel.map(Self.extentText)
        case .stride: return stride.map(Self.extentText)
        case .padding: return padding.map(\.description)
        case .dilation: return dilation.map(Self.extentText)
        case .bias: return bias.map { $0 ? "true" : "false" }
        case .momentum: return momentum.map(number)
        case .epsilon: return epsilon.map { String($0) }
        }
    }

    /// `5` for one extent, `[3, 5]` for several.
    static func extentText(_ extents: [Int]) -> String {
        extents.count == 1 ? String(extents[0]) : "[" + extents.map(String.init).joined(separator: ", ") + "]"
    }

    /// Sets a whole-number attribute (`size`, `units`); other attributes are left unchanged.
    public mutating func set(_ attribute: NodeAttribute, to value: Int) {
        switch attribute {
        case .size: size = value
        case .units: units = value
        case .channels: channels = value
        case .shape, .alpha, .rate, .scales, .kernel, .stride, .padding, .dilation, .bias, .momentum, .epsilon: break
        }
    }

    /// Whether the node has a value for the attribute.
    public func has(_ attribute: NodeAttribute) -> Bool { text(of: attribute) != nil }
}
