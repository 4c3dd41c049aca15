/// What `cairn-diff` found between two model files. The JSON keys are a contract (`--json`).
public struct DiffReport: Sendable, Codable, Equatable {
    /// The two files, first (`a`) and second (`b`).
    public var a: String
    public var b: String
    /// The tolerance tensors were compared with.
    public var tolerance: DiffTolerance
    /// `parameters` (the default) or `all` (with optimiser slots and buffers).
    public var scope: String
    /// Whether `--strict` was given (metadata, timestamps and history count towards `identical`).
    public var strict: Bool
    /// True when nothing that counts differs: the graph, the compared tensors (within tolerance), with
    /// `--all` the training state, with `--strict` also metadata, timestamps and history.
    public var identical: Bool
    /// Graph changes: nodes added, removed or changed.
    public var structure: [StructureChange]
    /// Changed fields of hyperparameters, preprocessing, data record and training state.
    public var training: [FieldChange]
    /// Changed metadata, timestamps, creator and history (count only with `--strict`).
    public var metadata: [FieldChange]
    /// Every tensor of either file in scope, largest changes first.
    public var tensors: [TensorDifference]
    /// `--neurons`: per dense weight, the output units that moved most.
    public var neurons: [NeuronChanges]?
    /// `--match-neurons`: per hidden layer, the alignment of the second file's units to the first's.
    public var matching: NeuronMatching?
    /// Notes that qualify the comparison (an inferred graph, tensors out of scope, ...).
    public var notes: [String]

    public init(
        a: String, b: String, tolerance: DiffTolerance, scope: String, strict: Bool, identical: Bool,
        structure: [StructureChange], training: [FieldChange], metadata: [FieldChange], tensors: [TensorDifference],
        neurons: [NeuronChanges]? = nil, matching: NeuronMatching? = nil, notes: [String] = []
    ) {
        self.a = a
        self.b = b
        self.tolerance = tolerance
        self.scope = scope
        self.strict = strict
        self.identical = identical
        self.structure = structure
        self.training = training
        self.metadata = metadata
        self.tensors = tensors
        self.neurons = neurons
        self.matching = matching
        self.notes = notes
    }

    /// How many tensors have each status.
    public var statusCounts: [TensorDifference.Status: Int] {
        Dictionary(grouping: tensors, by: \.status).mapValues(\.count)
    }
}

/// One graph node added, removed or changed.
public struct StructureChange: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case added, removed, changed }
    public var change: Kind
    /// The node's name.
    public var node: String
    /// For `changed`: the differing fields (`kind`, `inputs`, `units`, ...).
    public var fields: [String]
    /// The node as JSON in each file (nil where absent).
    public var a: String?
    public var b: String?
    /// Whether the change counts towards the exit status (not when a graph was only inferred).
    public var counts: Bool

    public init(change: Kind, node: String, fields: [String] = [], a: String?, b: String?, counts: Bool) {
        self.change = change
        self.node = node
        self.fields = fields
        self.a = a
        self.b = b
        self.counts = counts
    }
}

/// One field whose value differs between the files (`training.global_step`, `hyperparameters.lr`, ...).
public struct FieldChange: Sendable, Codable, Equatable {
    /// Dotted name, as in the manifest JSON.
    public var field: String
    /// The value in each file as JSON text (nil where absent).
    public var a: String?
    public var b: String?
    /// Whether the change counts towards the exit status under the options given.
    public var counts: Bool

    public init(field: String, a: String?, b: String?, counts: Bool) {
        self.field = field
        self.a = a
        self.b = b
        self.counts = counts
    }
}
