import CairnFormat
import CairnModel
import Foundation

/// One side of a comparison: a model file's tensors (read piece by piece) and what it says about the
/// model. Built from a `ModelFile`, or from tensors in memory (a replayed run).
public struct DiffInput {
    /// The file (or a label such as `the replay`).
    public var path: String
    public var source: TensorSource
    /// The graph, and where it came from: `recorded`, `metadata`, `inferred` or `none`.
    public var graph: GraphSpec?
    public var graphOrigin: String
    /// The training manifest when the file is a checkpoint written by Cairn.
    public var checkpointManifest: CheckpointManifest?

    public init(
        path: String, source: TensorSource, graph: GraphSpec?, graphOrigin: String,
        checkpointManifest: CheckpointManifest?
    ) {
        self.path = path
        self.source = source
        self.graph = graph
        self.graphOrigin = graphOrigin
        self.checkpointManifest = checkpointManifest
    }

    /// A checkpoint held in memory (as a replay produces it), labelled `label`.
    public init(checkpoint: Checkpoint, label: String) {
        self.init(
            path: label, source: InMemoryTensorSource(checkpoint: checkpoint, label: label),
            graph: checkpoint.manifest.graph,
            graphOrigin: "recorded", checkpointManifest: checkpoint.manifest)
    }
}

extension DiffInput {
    /// A model file as the shared loader opened it.
    public init(_ model: ModelFile) {
        self.init(
            path: model.path, source: model.source, graph: model.graph, graphOrigin: model.graphOrigin,
            checkpointManifest: model.checkpointManifest)
    }

    /// Opens any model file Cairn reads (`ModelFile.open`). Errors name the file and the cause.
    public static func open(_ path: String, options: ModelFile.Options = ModelFile.Options()) throws -> DiffInput {
        DiffInput(try ModelFile.open(path, options: options))
    }
}
