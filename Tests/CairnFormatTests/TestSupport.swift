import CairnFormat
import CairnGoldenFiles
import Foundation

/// Shared helpers: package paths, scratch directories and deterministic test data.
enum TestSupport {
    /// The package root, found by walking up from this file to `Package.swift`.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    static func fixture(_ relative: String) -> URL {
        packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }

    /// A fresh empty directory under the system temporary directory.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Deterministic pseudo-random bytes (SplitMix64).
    static func bytes(count: Int, seed: UInt64) -> [UInt8] { FixtureData.bytes(count: count, seed: seed) }

    /// Floats shaped like trained weights: small, mostly varied, deterministic.
    static func weights(count: Int, seed: UInt64) -> [Float] { FixtureData.weights(count: count, seed: seed) }

    /// A tensor of `dtype` and `shape` filled with deterministic bytes that are valid for the dtype.
    static func tensor(_ dtype: DType, shape: [Int], seed: UInt64) throws -> Tensor {
        try FixtureData.tensor(dtype, shape: shape, seed: seed)
    }

    /// Writes `tensors` (name, tensor) to `url` and returns the file's bytes.
    @discardableResult
    static func write(
        _ tensors: [(String, Tensor)], to url: URL, options: WriteOptions = WriteOptions(),
        manifest: String = #"{"test":true}"#
    ) throws -> [UInt8] {
        let writer = try CairnWriter(path: url.path, options: options)
        for (name, tensor) in tensors { try writer.write(name: name, role: .parameter, tensor: tensor) }
        try writer.commit(manifest: Data(manifest.utf8))
        return [UInt8](try Data(contentsOf: url))
    }

    /// A small file with several tensors and chunks, used by the damage tests.
    static func smallFileTensors() throws -> [(String, Tensor)] {
        [
            ("w", Tensor(shape: [8, 16], floats: weights(count: 128, seed: 1))),
            ("c", Tensor(shape: [64], floats: [Float](repeating: 0.5, count: 64))),
            ("i", try tensor(.i32, shape: [5], seed: 2)),
        ]
    }

    static let smallFileOptions = WriteOptions(chunkSize: 128, level: 6, shuffle: true, threads: 1)
}
