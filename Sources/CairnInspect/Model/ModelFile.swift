import CairnFormat
import CairnModel
import Foundation

/// A model file of any kind Cairn reads, as every reading tool sees it: its tensors, streamed one at a
/// time, and what the file says about the model (graph, task and, for training checkpoints, the whole
/// manifest).
///
/// The graph comes from, in order: a `.cairn` manifest's `graph` (a training checkpoint's or one that
/// `cairn-convert` recorded on import); `Options.graph`; for safetensors and npz, a Cairn manifest carried
/// in `__metadata__` by `cairn-convert`'s export, a `graph` metadata string that fits the tensors, or a
/// perceptron inferred from `<node>.weight` / `<node>.bias` names (`GraphInference`). It is nil when none
/// of these works (`notices` says why).
public struct ModelFile {
    public let path: String
    public let format: ModelFileFormat
    /// The tensors, read one at a time. For a sharded checkpoint, the tensors of every shard.
    public let source: TensorSource
    /// The graph, when the file records one or one can be inferred.
    public let graph: GraphSpec?
    /// Where `graph` came from: `recorded` (a `.cairn` manifest), `restored` (a Cairn manifest carried by an
    /// exported safetensors file), `given` (`Options.graph`), `metadata`, `inferred` or `none`.
    public let graphOrigin: String
    /// What the model was trained for, when known.
    public let task: TrainingTask?
    /// The whole training manifest, when the file is (or carries) a checkpoint written by `cairn-train`
    /// or `cairn-resume`; nil for imported models and plain tensor files.
    public let checkpointManifest: CheckpointManifest?
    /// The manifest JSON: a `.cairn` file's own, or for other formats the one `cairn-convert` would write
    /// on import.
    public let manifestData: Data?
    /// Why no graph could be found, and similar remarks for the user.
    public let notices: [String]

    /// How a file without a recorded graph is read.
    public struct Options: Sendable {
        /// The activation between dense layers of an inferred perceptron.
        public var activation: NodeKind = .relu
        /// A graph to use instead of the file's (checked against the tensors).
        public var graph: GraphSpec?
        /// The task of a model whose file does not say; nil: classification if the graph ends in softmax.
        public var task: TrainingTask?

        public init() {}
    }

    /// The tensors' entries, in file order.
    public var entries: [TensorEntry] { source.entries }

    /// Opens `path` by its name (`.cairn`, `.safetensors`, `*.index.json`, `.npz`). Errors name the file.
    public static func open(_ path: String, options: Options = Options()) throws -> ModelFile {
        guard let format = ModelFileFormat(path: path) else {
            throw CairnError(
                path: path,
                kind: .invalidArgument(
                    "unknown model format (expected .cairn, .safetensors, model.safetensors.index.json or .npz)"))
        }
        switch format {
        case .cairn:
            let cairn = try CairnTensorSource(path: path)
            let data = cairn.reader.manifest
            let checkpoint = try? CheckpointManifest.decode(data)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            var graph = checkpoint?.graph ?? decodeGraph(object?["graph"])
            var origin = graph == nil ? "none" : "recorded"
            var notices: [String] = []
            if let given = options.graph {
                try GraphInference.check(given, against: cairn.entries, path: path)
                graph = given
                origin = "given"
            } else if graph == nil {
                notices.append("\(path): the file records no graph")
            }
            let task =
                checkpoint?.task ?? (object?["task"] as? String).flatMap(TrainingTask.init(rawValue:))
                ?? options.task ?? graph.map { $0.hasSoftmaxHead ? .classification : .regression }
            return ModelFile(
                path: path, format: format, source: cairn, graph: graph, graphOrigin: origin, task: task,
                checkpointManifest: checkpoint, manifestData: data, notices: notices)
        case .safetensors, .shardedSafetensors, .npz:
            let source: TensorSource
            var metadata: [String: String] = [:]
            switch format {
            case .safetensors:
                let file = try SafetensorsSource(path: path)
                metadata = file.header.metadata
                source = file
            case .shardedSafetensors:
                let sharded = try ShardedSafetensorsSource(path: path)
                metadata = sharded.metadata
                source = sharded
            default:
                source = try NpzSource(path: path)
            }
            var conversion = ConversionOptions()
            conversion.activation = options.activation
            conversion.graph = options.graph
            conversion.task = options.task
            let sourceFormat: TensorFileFormat = format == .npz ? .npz : .safetensors
            let imported = try ImportManifest.make(
                entries: source.entries, sourcePath: path, sourceFormat: sourceFormat,
                sourceMetadata: metadata, cairnManifest: nil, options: conversion)
            let checkpoint = try? CheckpointManifest.decode(imported.manifest)
            let object = (try? JSONSerialization.jsonObject(with: imported.manifest)) as? [String: Any]
            let graph = checkpoint?.graph ?? decodeGraph(object?["graph"])
            let task = checkpoint?.task ?? (object?["task"] as? String).flatMap(TrainingTask.init(rawValue:))
            return ModelFile(
                path: path, format: format, source: RenamedRoles(base: source, entries: imported.entries),
                graph: graph, graphOrigin: graph == nil ? "none" : imported.graphOrigin, task: task,
                checkpointManifest: checkpoint, manifestData: imported.manifest, notices: imported.notices)
        }
    }

    /// The position of the tensor called `name` in `entries`, if there is one.
    public func index(of name: String) -> Int? {
        entries.firstIndex { $0.name == name }
    }

    /// Tensor `index` as a typed tensor.
    public func tensor(_ index: Int) throws -> Tensor {
        let entry = entries[index]
        var scratch: [UInt8] = []
        let range = try source.load(index, into: &scratch)
        let bytes = range == scratch.indices ? scratch : Array(scratch[range])
        do {
            return try Tensor(dtype: entry.dtype, shape: entry.shape, bytes: bytes)
        } catch {
            throw CairnError.malformed(
                path: path, item: entry.name,
                "\(bytes.count) bytes do not fit shape \(entry.shape) of \(entry.dtype.name)")
        }
    }

    /// Tensor `index` converted to `Float` (f16 and bf16 exactly, f64 rounded, integers by value, bool as 0/1).
    public func floats(_ index: Int) throws -> [Float] {
        try tensor(index).floats()
    }

    /// The tensor called `name` converted to `Float`; throws when the file has none of that name.
    public func floats(named name: String) throws -> [Float] {
        guard let index = index(of: name) else {
            throw CairnError(.noSuchTensor, path: path, item: name, "no tensor of this name")
        }
        return try floats(index)
    }

    private static func decodeGraph(_ value: Any?) -> GraphSpec? {
        guard let value, JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value)
        else { return nil }
        return try? JSONDecoder().decode(GraphSpec.self, from: data)
    }
}

/// A source whose entries carry the roles an import gives them (from `cairn_roles`, else by name).
private struct RenamedRoles: PiecewiseTensorSource {
    let base: TensorSource
    let entries: [TensorEntry]
    var path: String { base.path }

    func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        try base.load(index, into: &scratch)
    }

    func readsPiecewise(_ index: Int) -> Bool {
        (base as? PiecewiseTensorSource)?.readsPiecewise(index) ?? false
    }

    func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard let piecewise = base as? PiecewiseTensorSource else {
            throw CairnError(path: path, kind: .invalidArgument("\(entries[index].name) cannot be read piecewise"))
        }
        try piecewise.read(index, at: offset, into: buffer)
    }

    func finishPiecewise(_ index: Int) throws {
        try (base as? PiecewiseTensorSource)?.finishPiecewise(index)
    }
}
