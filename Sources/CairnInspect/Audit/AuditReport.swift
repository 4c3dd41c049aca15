/// What `cairn-audit` found in one model file. Encoded with snake_case keys (`--json`); the keys
/// `symmetric_units` and `layers` (with `name`, `units`, `distinct_units`, `groups`, `weight_std`, `he_std`,
/// `xavier_std`, and with data `activation_mean`, `activation_std`, `dead_fraction`, `gradient_norm`) are a
/// contract.
public struct AuditReport: Codable, Sendable, Equatable {
    public var file: String
    /// `cairn`, `safetensors`, `safetensors-sharded`, `npz`, or `memory` (weights audited before training).
    public var format: String
    /// Where the graph came from: `recorded`, `metadata`, `inferred` or `none`.
    public var graphOrigin: String
    /// Whether the file was saved before any training step (nil: unknown, e.g. an imported model).
    public var beforeTraining: Bool?
    public var tolerance: Double
    /// Units that share a group with another unit, over all layers.
    public var symmetricUnits: Int
    public var totalUnits: Int
    public var distinctUnits: Int
    public var layers: [LayerReport]
    /// Tensors with NaN or infinite values.
    public var nonFinite: [NonFiniteCount]
    /// Things that make the exit status 1, one sentence each.
    public var findings: [String]
    /// Things worth knowing that do not change the exit status.
    public var notes: [String]
    /// The batch the signal statistics come from (`--data` or probes), when they were computed.
    public var signal: SignalSource?
    /// What `--repair` wrote, when asked.
    public var repair: RepairSummary?

    public init(
        file: String, format: String, graphOrigin: String, beforeTraining: Bool?, tolerance: Double,
        layers: [LayerReport], nonFinite: [NonFiniteCount], findings: [String], notes: [String]
    ) {
        self.file = file
        self.format = format
        self.graphOrigin = graphOrigin
        self.beforeTraining = beforeTraining
        self.tolerance = tolerance
        self.layers = layers
        self.nonFinite = nonFinite
        self.findings = findings
        self.notes = notes
        symmetricUnits = layers.reduce(0) { $0 + $1.groups.reduce(0) { $0 + $1.units.count } }
        totalUnits = layers.reduce(0) { $0 + $1.units }
        distinctUnits = layers.reduce(0) { $0 + $1.distinctUnits }
    }

    /// Whether anything was found (exit status 1).
    public var hasFindings: Bool { !findings.isEmpty }

    enum CodingKeys: String, CodingKey {
        case file, format, graphOrigin = "graph_origin", beforeTraining = "before_training", tolerance
        case symmetricUnits = "symmetric_units", totalUnits = "total_units", distinctUnits = "distinct_units"
        case layers, nonFinite = "non_finite", findings, notes, signal, repair
    }
}

/// One layer's units, scale and (with a forward/backward pass) signal statistics.
public struct LayerReport: Codable, Sendable, Equatable {
    public var name: String
    public var weight: String
    public var units: Int
    public var inputs: Int
    /// The effective width: the number of groups, counting lone units as groups of one.
    public var distinctUnits: Int
    public var groups: [UnitGroup]
    public var activation: String
    /// The dense layers reading this layer's outputs (nil: unknown, no graph).
    public var consumers: [String]?
    /// The single value of a constant-initialised weight (every element equal).
    public var constant: Float?
    public var weightStd: Double
    public var heStd: Double
    public var xavierStd: Double
    /// "ok", "too small" or "too large" (more than 3x from both expectations).
    public var scale: String
    /// Standard deviation over the nearer expectation (below 1: too small).
    public var scaleFactor: Double
    public var activationMean: Double?
    public var activationStd: Double?
    /// ReLU family: units never active on the batch.
    public var deadFraction: Double?
    /// tanh / sigmoid: units saturated (|tanh| > 0.99, sigmoid outside [0.01, 0.99]) on every row of the batch.
    public var saturatedFraction: Double?
    /// The L2 norm of the weight's gradient of the mean batch loss.
    public var gradientNorm: Double?
    /// `conv1d` or `conv2d` for a convolution, whose units are its filters (absent for dense layers).
    public var kind: String? = nil

    enum CodingKeys: String, CodingKey {
        case name, weight, units, inputs, distinctUnits = "distinct_units", groups, activation, consumers, constant
        case weightStd = "weight_std", heStd = "he_std", xavierStd = "xavier_std", scale, scaleFactor = "scale_factor"
        case activationMean = "activation_mean", activationStd = "activation_std", deadFraction = "dead_fraction"
        case saturatedFraction = "saturated_fraction", gradientNorm = "gradient_norm", kind
    }
}

/// Units of one layer with the same incoming weights and bias.
public struct UnitGroup: Codable, Sendable, Equatable {
    /// `locked`: outgoing weights equal too, gradient descent cannot separate them; `duplicate`: free to diverge.
    public var kind: String
    public var units: [Int]
    /// With `--baseline`: `initial` (already one group in the baseline) or `collapsed` (came together later).
    public var origin: String?
    /// For a duplicate group: subsets of two or more members whose outgoing weights are equal as well.
    public var lockedSubsets: [[Int]]?

    public init(kind: String, units: [Int], origin: String? = nil, lockedSubsets: [[Int]]? = nil) {
        self.kind = kind
        self.units = units
        self.origin = origin
        self.lockedSubsets = lockedSubsets
    }

    enum CodingKeys: String, CodingKey {
        case kind, units, origin, lockedSubsets = "locked_subsets"
    }
}

/// A tensor holding NaN or infinite values.
public struct NonFiniteCount: Codable, Sendable, Equatable {
    public var tensor: String
    public var nan: Int
    public var infinite: Int

    public init(tensor: String, nan: Int, infinite: Int) {
        self.tensor = tensor
        self.nan = nan
        self.infinite = infinite
    }
}

/// Where the batch of a forward and backward pass came from.
public struct SignalSource: Codable, Sendable, Equatable {
    /// `data` or `probes` (standard-normal inputs with random targets).
    public var kind: String
    public var file: String?
    public var rows: Int
    /// The first layer's gradient norm over the last layer's.
    public var gradientRatio: Double?

    public init(kind: String, file: String?, rows: Int, gradientRatio: Double?) {
        self.kind = kind
        self.file = file
        self.rows = rows
        self.gradientRatio = gradientRatio
    }

    enum CodingKeys: String, CodingKey {
        case kind, file, rows, gradientRatio = "gradient_ratio"
    }
}

/// What `--repair` wrote.
public struct RepairSummary: Codable, Sendable, Equatable {
    public var output: String
    /// Units given fresh incoming weights.
    public var reinitializedUnits: Int
    /// Groups left as they are, each with the reason.
    public var skipped: [String]

    public init(output: String, reinitializedUnits: Int, skipped: [String]) {
        self.output = output
        self.reinitializedUnits = reinitializedUnits
        self.skipped = skipped
    }

    enum CodingKeys: String, CodingKey {
        case output, reinitializedUnits = "reinitialized_units", skipped
    }
}
