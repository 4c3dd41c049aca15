import CairnFormat
import CairnModel

/// The weights an audit reads, one tensor at a time: a model file's tensors, or a network's parameters
/// in memory (`cairn-train` audits its initial weights before step 0).
public struct AuditInput {
    /// The file (or a description of the weights) named in the report and in errors.
    public var path: String
    /// `cairn`, `safetensors`, `safetensors-sharded`, `npz` or `memory`.
    public var format: String
    public var entries: [TensorEntry]
    public var graph: GraphSpec?
    /// `recorded`, `metadata`, `inferred` or `none`.
    public var graphOrigin: String
    /// Whether the weights are from before any training step (nil: unknown).
    public var beforeTraining: Bool?
    /// Tensor `index` of `entries` as floats.
    public var load: (Int) throws -> [Float]

    public init(
        path: String, format: String, entries: [TensorEntry], graph: GraphSpec?, graphOrigin: String,
        beforeTraining: Bool?, load: @escaping (Int) throws -> [Float]
    ) {
        self.path = path
        self.format = format
        self.entries = entries
        self.graph = graph
        self.graphOrigin = graphOrigin
        self.beforeTraining = beforeTraining
        self.load = load
    }

    /// Weights held in memory: `tensors` as name, shape and values (parameters).
    public static func memory(
        description: String, graph: GraphSpec?, beforeTraining: Bool?,
        tensors: [(name: String, shape: [Int], values: [Float])]
    ) -> AuditInput {
        let entries = tensors.map { TensorEntry(name: $0.name, dtype: .f32, shape: $0.shape, role: .parameter) }
        return AuditInput(
            path: description, format: "memory", entries: entries, graph: graph,
            graphOrigin: graph == nil ? "none" : "recorded", beforeTraining: beforeTraining,
            load: { tensors[$0].values })
    }

    public func index(of name: String) -> Int? {
        entries.firstIndex { $0.name == name }
    }
}
