import CairnFormat
import CairnModel
import Foundation

public enum ModelFileFormat: String, Sendable, Codable { case cairn, safetensors, shardedSafetensors = "safetensors-sharded", npz }

/// A model file of any kind Cairn reads: its tensors (read one at a time) and what it says about the model.
public struct ModelFile {
    public let path: String
    public let format: ModelFileFormat
    public let source: TensorSource
    public var entries: [TensorEntry] { source.entries }
    public let graph: GraphSpec?
    /// "recorded", "metadata", "inferred" or "none".
    public let graphOrigin: String
    public let task: TrainingTask?
    public let checkpointManifest: CheckpointManifest?
    public let manifestData: Data?

    public struct Options: Sendable {
        public var activation: NodeKind = .relu
        public var graph: GraphSpec? = nil
        public init() {}
    }

    /// Opens by extension (`.cairn`, `.safetensors`). Errors name the file.
    public static func open(_ path: String, options: Options = Options()) throws -> ModelFile {
        if path.lowercased().hasSuffix(".safetensors") {
            let source = try SafetensorsSource(path: path)
            var graph = options.graph
            var origin = graph == nil ? "none" : "given"
            if graph == nil, let text = source.header.metadata["graph"],
               let stored = try? JSONDecoder().decode(GraphSpec.self, from: Data(text.utf8)),
               (try? GraphInference.check(stored, against: source.entries, path: path)) != nil {
                graph = stored
                origin = "metadata"
            }
            if graph == nil {
                graph = try? GraphInference.perceptron(from: source.entries, activation: options.activation,
                                                       classification: source.header.metadata["task"] != "regression", path: path)
                if graph != nil { origin = "inferred" }
            }
            let task = source.header.metadata["task"].flatMap(TrainingTask.init(rawValue:))
                ?? graph.map { $0.hasSoftmaxHead ? .classification : .regression }
            return ModelFile(path: path, format: .safetensors, source: source, graph: graph, graphOrigin: origin,
                             task: task, checkpointManifest: nil, manifestData: nil)
        }
        let source = try CairnTensorSource(path: path)
        let data = source.reader.manifest
        if let manifest = try? CheckpointManifest.decode(data) {
            return ModelFile(path: path, format: .cairn, source: source, graph: manifest.graph, graphOrigin: "recorded",
                             task: manifest.task, checkpointManifest: manifest, manifestData: data)
        }
        struct Imported: Decodable { var graph: GraphSpec?; var task: TrainingTask? }
        let imported = try? JSONDecoder().decode(Imported.self, from: data)
        return ModelFile(path: path, format: .cairn, source: source, graph: imported?.graph,
                         graphOrigin: imported?.graph == nil ? "none" : "recorded", task: imported?.task,
                         checkpointManifest: nil, manifestData: data)
    }

    public func index(of name: String) -> Int? { entries.firstIndex { $0.name == name } }

    /// Tensor `index` converted to Float.
    public func floats(_ index: Int) throws -> [Float] {
        let entry = entries[index]
        let bytes = try source.load(index)
        return try Tensor(dtype: entry.dtype, shape: entry.shape, bytes: bytes).converted(to: .f32).floats()
    }

    public func floats(named name: String) throws -> [Float] {
        guard let index = index(of: name) else { throw CairnError(path: path, kind: .invalidArgument("no tensor \(name)")) }
        return try floats(index)
    }
}
