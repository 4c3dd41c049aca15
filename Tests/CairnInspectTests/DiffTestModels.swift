import CairnFormat
import CairnModel
import Foundation

@testable import CairnInspect

/// Small models written in every format, for the diff tests.
enum DiffTestModels {
    /// A named tensor of any dtype.
    struct Item {
        var name: String
        var dtype: DType
        var shape: [Int]
        var bytes: [UInt8]
        var role: TensorRole = .parameter

        var entry: TensorEntry { TensorEntry(name: name, dtype: dtype, shape: shape, role: role) }

        static func f32(_ name: String, _ shape: [Int], _ values: [Float], role: TensorRole = .parameter) -> Item {
            Item(name: name, dtype: .f32, shape: shape, bytes: values.withUnsafeBytes { [UInt8]($0) }, role: role)
        }
    }

    /// Deterministic pseudo-random floats in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
    }

    static func writeCairn(
        _ items: [Item], to path: String, options: WriteOptions = WriteOptions(), manifest: Data = Data("{}".utf8)
    ) throws {
        let writer = try CairnWriter(path: path, options: options)
        for item in items {
            try item.bytes.withUnsafeBytes {
                try writer.write(name: item.name, role: item.role, dtype: item.dtype, shape: item.shape, bytes: $0)
            }
        }
        try writer.commit(manifest: manifest)
    }

    static func writeSafetensors(_ items: [Item], to path: String) throws {
        let sink = try SafetensorsSink(path: path, entries: items.map(\.entry), metadata: [:])
        for item in items { try item.bytes.withUnsafeBytes { try sink.write(item.entry, bytes: $0) } }
        try sink.commit()
    }

    static func writeNpz(_ items: [Item], to path: String) throws {
        let sink = try NpzSink(path: path)
        for item in items { try item.bytes.withUnsafeBytes { try sink.write(item.entry, bytes: $0) } }
        try sink.commit()
    }

    /// A diff input for a file written by the helpers above (by extension).
    static func input(_ path: String) throws -> DiffInput {
        let source: TensorSource
        switch URL(fileURLWithPath: path).pathExtension {
        case "cairn": source = try CairnTensorSource(path: path)
        case "safetensors": source = try SafetensorsSource(path: path)
        default: source = try NpzSource(path: path)
        }
        return DiffInput(path: path, source: source, graph: nil, graphOrigin: "none", checkpointManifest: nil)
    }

    static func compare(_ a: String, _ b: String, _ options: DiffOptions = DiffOptions()) throws -> DiffReport {
        try CheckpointDiff.compare(try input(a), try input(b), options: options)
    }
}
