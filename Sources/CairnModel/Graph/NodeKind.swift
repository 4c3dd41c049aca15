/// The kind of a graph node. Raw values are the names used in JSON and on the command line. What each
/// kind means, takes and owns is its `definition` (one file per kind in `Sources/CairnModel/NodeKinds/`).
public enum NodeKind: String, Codable, Sendable, CaseIterable {
    case input
    case dense
    case relu
    case leakyRelu = "leaky-relu"
    case tanh
    case sigmoid
    case identity
    case dropout
    case add
    case flatten
    case conv1d
    case conv2d
    case maxPool = "max-pool"
    case avgPool = "avg-pool"
    case globalAvgPool = "global-avg-pool"
    case batchNorm = "batch-norm"
    case softmax

    /// This kind's definition: attributes, inputs, output shape, parameters.
    public var definition: NodeKindDefinition {
        switch self {
        case .input: return .input
        case .dense: return .dense
        case .relu: return .relu
        case .leakyRelu: return .leakyRelu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .identity: return .identity
        case .dropout: return .dropout
        case .add: return .add
        case .flatten: return .flatten
        case .conv1d: return .conv1d
        case .conv2d: return .conv2d
        case .maxPool: return .maxPool
        case .avgPool: return .avgPool
        case .globalAvgPool: return .globalAvgPool
        case .batchNorm: return .batchNorm
        case .softmax: return .softmax
        }
    }

    /// The element-wise activations (`--activation` choices), in declaration order.
    public static var activations: [NodeKind] { allCases.filter { $0.definition.role == .activation } }

    /// The activations' names joined for help and error texts: `relu, leaky-relu, tanh, sigmoid, identity`.
    public static var activationNames: String { activations.map(\.rawValue).joined(separator: ", ") }

    /// The activations' names as a choice: `relu, leaky-relu, tanh, sigmoid or identity`.
    public static var activationChoices: String {
        let names = activations.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// The activation named `name` (`leaky-relu`), or nil when `name` is not an activation kind.
    public static func activation(named name: String) -> NodeKind? {
        NodeKind(rawValue: name).flatMap { $0.definition.role == .activation ? $0 : nil }
    }

    /// Whether this kind owns trainable parameters.
    public var ownsParameters: Bool { definition.role == .layer }
}
