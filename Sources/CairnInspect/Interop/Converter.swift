import CairnFormat
import CairnModel
import Foundation

/// Converts between `.cairn`, `.safetensors` and `.npz`, streaming: safetensors and stored npz into
/// `.cairn` go chunk by chunk (memory holds the container's window of chunks, whatever the tensor sizes); the other
/// directions go tensor by tensor (the tensor being written and the next one being read, plus the
/// chunk window). The output is written to a temporary file and renamed into place only when complete.
///
/// Metadata: `.cairn` -> safetensors stores the manifest's `graph`, `task`, `creator`, `created` and
/// `metadata` as strings in `__metadata__` (objects as JSON text), plus `cairn_manifest` (the whole
/// manifest) and `cairn_roles` (a JSON object of tensor name to role). Importing a file that has both,
/// with the same tensors, restores the manifest and roles exactly; otherwise see `ImportManifest`.
/// npz carries tensors only.
public enum Converter {
    /// Converts `input` to `output` (formats from their extensions).
    public static func convert(
        input: String, output: String, options: ConversionOptions = ConversionOptions()
    ) throws -> ConversionReport {
        let start = Date()
        guard let inputFormat = TensorFileFormat(path: input) else {
            throw CairnError(
                path: input, kind: .invalidArgument("unknown input format (expected .cairn, .safetensors or .npz)"))
        }
        guard let outputFormat = TensorFileFormat(path: output) else {
            throw CairnError(
                path: output, kind: .invalidArgument("unknown output format (expected .cairn, .safetensors or .npz)"))
        }
        let source: TensorSource
        var sourceMetadata: [String: String] = [:]
        var manifestObject: [String: Any]?
        switch inputFormat {
        case .cairn:
            let cairn = try CairnTensorSource(path: input)
            manifestObject = (try? JSONSerialization.jsonObject(with: cairn.reader.manifest)) as? [String: Any]
            source = cairn
        case .safetensors:
            let safetensors = try SafetensorsSource(path: input)
            sourceMetadata = safetensors.header.metadata
            source = safetensors
        case .npz:
            source = try NpzSource(path: input)
        }
        var entries = source.entries
        var indices = Array(entries.indices)
        var notices: [String] = []
        var graphOrigin: String?
        let sink: TensorSink
        switch outputFormat {
        case .cairn:
            let imported = try ImportManifest.make(
                entries: entries, sourcePath: input, sourceFormat: inputFormat,
                sourceMetadata: sourceMetadata, cairnManifest: manifestObject, options: options)
            entries = imported.entries
            notices += imported.notices
            graphOrigin = imported.graphOrigin
            let cairn = try CairnSink(path: output, replacesExisting: options.replacesExisting)
            cairn.manifest = imported.manifest
            sink = cairn
        case .safetensors, .npz:
            if options.parametersOnly { indices = indices.filter { entries[$0].role == .parameter } }
            if outputFormat == .safetensors {
                var metadata = sourceMetadata
                if let manifestObject {
                    metadata.merge(
                        try exportedMetadata(manifestObject, entries: entries), uniquingKeysWith: { _, new in new })
                }
                sink = try SafetensorsSink(
                    path: output, entries: indices.map { entries[$0] }, metadata: metadata,
                    replacesExisting: options.replacesExisting)
            } else {
                sink = try NpzSink(
                    path: output, forceZip64: options.forceZip64, replacesExisting: options.replacesExisting)
                if entries.contains(where: { $0.dtype == .bf16 }) {
                    notices.append(
                        "bf16 tensors are written as their raw 16-bit patterns with NumPy dtype <u2 (NumPy has no bfloat16); cairn-convert reads <u2 back as bf16"
                    )
                }
            }
        }
        var bytes: Int64 = 0
        do {
            if let cairn = sink as? CairnSink, let piecewise = source as? PiecewiseTensorSource,
                indices.allSatisfy(piecewise.readsPiecewise)
            {
                // Chunk by chunk: each chunk is read by the thread that compresses it.
                for index in indices {
                    do {
                        try cairn.write(entries[index], index: index, from: piecewise)
                    } catch let refused as CairnError where refused.code == .invalidArgument {
                        // Bytes the writer refuses (a bool other than 0 or 1) may be damage: the source's own
                        // checksum, over the whole tensor it has read, says so first.
                        try piecewise.finishPiecewise(index)
                        throw refused
                    }
                    try piecewise.finishPiecewise(index)
                    bytes += Int64(entries[index].byteCount)
                }
            } else {
                try TensorPrefetcher(source: source).forEach(indices) { index, data in
                    try sink.write(entries[index], bytes: data)
                    bytes += Int64(data.count)
                }
            }
            try sink.commit()
        } catch {
            sink.abort()
            throw error
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? NSNumber)?.int64Value ?? 0
        return ConversionReport(
            input: input, output: output, inputFormat: inputFormat, outputFormat: outputFormat,
            tensors: indices.count, skipped: entries.count - indices.count, bytes: bytes, outputBytes: size,
            seconds: Date().timeIntervalSince(start), graph: graphOrigin, notices: notices)
    }

    /// The safetensors `__metadata__` strings for a Cairn manifest.
    static func exportedMetadata(_ manifest: [String: Any], entries: [TensorEntry]) throws -> [String: String] {
        var metadata: [String: String] = [:]
        for key in ["graph", "task", "creator", "created", "metadata"] {
            guard let value = manifest[key] else { continue }
            metadata[key] = try value as? String ?? jsonText(value)
        }
        metadata["cairn_manifest"] = try jsonText(manifest)
        metadata["cairn_roles"] = try jsonText(
            Dictionary(entries.map { ($0.name, $0.role.rawValue) }, uniquingKeysWith: { first, _ in first }))
        return metadata
    }

    static func jsonText(_ value: Any) throws -> String {
        String(
            decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]),
            as: UTF8.self)
    }
}
