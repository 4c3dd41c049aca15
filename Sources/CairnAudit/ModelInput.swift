import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// Opens a model file for an audit: a `.cairn` file (its training manifest's graph, or one inferred from
/// its tensors) or a `.safetensors` file (graph from the tensors' names and shapes when they chain).
/// Tensors are read one at a time, when the audit asks for them.
public struct ModelInput {
    public let input: AuditInput
    /// The whole training checkpoint's manifest, when the file is a `.cairn` training checkpoint.
    public let manifest: CheckpointManifest?

    public static func open(_ path: String, activation: NodeKind = .relu) throws -> ModelInput {
        guard FileManager.default.fileExists(atPath: path) else {
            throw AuditError(path: path, "no such file")
        }
        if path.hasSuffix(".safetensors") {
            let source = try SafetensorsSource(path: path)
            let entries = source.entries
            let graph = try? GraphInference.perceptron(from: entries, activation: activation, classification: false, path: path)
            let input = AuditInput(path: path, format: "safetensors", entries: entries, graph: graph,
                                   graphOrigin: graph == nil ? "none" : "inferred", beforeTraining: nil) { index in
                try Self.floats(source, index)
            }
            return ModelInput(input: input, manifest: nil)
        }
        let reader = try CairnReader(path: path)
        let entries = reader.tensors.map { TensorEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape, role: $0.role) }
        let manifest = try? CheckpointManifest.decode(reader.manifest)
        var graph = manifest?.graph
        var origin = graph == nil ? "none" : "recorded"
        if graph == nil, let inferred = try? GraphInference.perceptron(from: entries, activation: activation,
                                                                       classification: false, path: path) {
            graph = inferred
            origin = "inferred"
        }
        let input = AuditInput(path: path, format: "cairn", entries: entries, graph: graph, graphOrigin: origin,
                               beforeTraining: manifest.map { $0.training.globalStep == 0 }) { index in
            try reader.read(entries[index].name).floats()
        }
        return ModelInput(input: input, manifest: manifest)
    }

    /// A safetensors tensor as floats: f32 read straight into the result, other dtypes converted.
    static func floats(_ source: SafetensorsSource, _ index: Int) throws -> [Float] {
        let entry = source.entries[index]
        if entry.dtype == .f32 {
            return try [Float](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
                try source.read(index, at: 0, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = entry.elementCount
            }
        }
        return try Tensor(dtype: entry.dtype, shape: entry.shape, bytes: source.load(index)).floats()
    }
}
