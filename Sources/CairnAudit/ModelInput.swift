import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// A model file opened for an audit through the shared `ModelFile` loader (`.cairn`, `.safetensors`, sharded
/// `model.safetensors.index.json`, `.npz`), its tensors read one at a time when the audit asks for them.
public struct ModelInput {
    public let input: AuditInput
    /// The training manifest, when the file is (or carries) a Cairn training checkpoint.
    public let manifest: CheckpointManifest?

    public static func open(_ path: String, activation: NodeKind = .relu) throws -> ModelInput {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CairnError(path: path, kind: .notFound)
        }
        var options = ModelFile.Options()
        options.activation = activation
        let file = try ModelFile.open(path, options: options)
        let input = AuditInput(
            path: path, format: file.format.rawValue, entries: file.entries, graph: file.graph,
            graphOrigin: file.graphOrigin,
            beforeTraining: file.checkpointManifest.map { $0.training.globalStep == 0 }
        ) { index in
            try Self.floats(file, index)
        }
        return ModelInput(input: input, manifest: file.checkpointManifest)
    }

    /// Tensor `index` as floats: little-endian f32 that can be read piecewise goes straight from the file
    /// into the result; everything else through `ModelFile`'s conversion.
    static func floats(_ file: ModelFile, _ index: Int) throws -> [Float] {
        let entry = file.entries[index]
        if entry.dtype == .f32, let source = file.source as? PiecewiseTensorSource, source.readsPiecewise(index) {
            let values = try [Float](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
                try source.read(index, at: 0, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = entry.elementCount
            }
            try source.finishPiecewise(index)
            return values
        }
        return try file.floats(index)
    }
}
