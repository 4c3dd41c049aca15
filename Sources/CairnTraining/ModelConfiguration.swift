import CairnModel

/// The model of a fresh run: a perceptron (hidden widths, activation, dropout) or a JSON layer graph, and
/// the weight initialisation. Every property left nil takes its default; `cairn-train`'s flag is named on
/// each property.
public struct ModelConfiguration: Equatable, Sendable {
    /// The perceptron's defaults: one hidden layer of 64 leaky-ReLU units (slope 0.01), no dropout.
    public static let defaultHiddenWidths = [64], defaultActivation = NodeKind.leakyRelu
    public static let defaultAlpha: Float = 0.01, defaultDropout: Float = 0
    /// The widest hidden layer.
    public static let maximumHiddenWidth = 1 << 20
    /// The activations a hidden layer may use.
    public static var hiddenActivations: [NodeKind] { NodeKind.activations }

    /// `--hidden`: the perceptron's hidden layer widths (empty: a linear model).
    public var hiddenWidths: [Int]?
    /// `--activation`: the hidden activation.
    public var activation: NodeKind?
    /// `--alpha`: the slope of leaky-relu for negative inputs.
    public var alpha: Float?
    /// `--dropout`: the dropout rate after each hidden activation, from 0 up to (not including) 1.
    public var dropout: Float?
    /// `--model`: a JSON layer graph file (schema: Formats/graph-v1.schema.json) instead of a perceptron.
    public var graphFile: String?
    /// `--init`: the weight initialisation (nil: `defaultScheme(for:)` of the activation).
    public var initialization: InitScheme?

    public init(
        hiddenWidths: [Int]? = nil, activation: NodeKind? = nil, alpha: Float? = nil, dropout: Float? = nil,
        graphFile: String? = nil, initialization: InitScheme? = nil
    ) {
        self.hiddenWidths = hiddenWidths
        self.activation = activation
        self.alpha = alpha
        self.dropout = dropout
        self.graphFile = graphFile
        self.initialization = initialization
    }

    /// The options given that shape the model (they do not apply when a run starts from another model).
    public var perceptronFlags: [String] {
        [
            ("--hidden", hiddenWidths != nil), ("--activation", activation != nil), ("--alpha", alpha != nil),
            ("--dropout", dropout != nil), ("--model", graphFile != nil),
        ].filter(\.1).map(\.0)
    }

    /// The hidden activation used.
    public var activationKind: NodeKind { activation ?? Self.defaultActivation }

    /// The initialisation used: the one asked for, or the default for the activation.
    public var scheme: InitScheme { initialization ?? Self.defaultScheme(for: activationKind) }

    /// He (normal) for relu and leaky-relu, Xavier (uniform) otherwise.
    public static func defaultScheme(for activation: NodeKind) -> InitScheme {
        [.relu, .leakyRelu].contains(activation) ? .heNormal : .xavierUniform
    }

    /// Checks the values' ranges and that they fit together; throws `ConfigurationError` naming the option.
    public func validate() throws {
        if let hiddenWidths {
            let text = hiddenWidths.map(String.init).joined(separator: ",")
            for w in hiddenWidths where !(w >= 1 && w <= Self.maximumHiddenWidth) {
                throw CairnError.configuration(
                    option: "--hidden", "--hidden '\(text)': width \(w) must be from 1 to \(Self.maximumHiddenWidth)")
            }
        }
        if let activation, !Self.hiddenActivations.contains(activation) {
            throw CairnError.configuration(
                option: "--activation", "--activation '\(activation.rawValue)': must be \(NodeKind.activationChoices)")
        }
        if let alpha, !alpha.isFinite {
            throw CairnError.configuration(option: "--alpha", "--alpha \(alpha): must be a finite number")
        }
        if let alpha, activationKind != .leakyRelu {
            throw CairnError.configuration(
                option: "--alpha",
                "--alpha \(alpha): applies to --activation leaky-relu, not \(activationKind.rawValue)")
        }
        if let dropout, !(dropout >= 0 && dropout < 1) {
            throw CairnError.configuration(
                option: "--dropout", "--dropout \(dropout): must be from 0 up to (not including) 1")
        }
        if let graphFile {
            let given = perceptronFlags.filter { $0 != "--model" }
            if !given.isEmpty {
                throw CairnError.configuration(
                    option: given[0],
                    "\(given.joined(separator: ", ")) \(given.count == 1 ? "shapes" : "shape") the perceptron; \(graphFile) (--model) defines the whole graph, so \(given.count == 1 ? "it does" : "they do") not apply"
                )
            }
        }
    }
}
