import CairnFormat
import Foundation

/// The golden checkpoint files in `Fixtures/checkpoints/`: how each was made (options and a
/// deterministic formula per tensor). `GoldenFileTests` reads the committed bytes and compares them
/// with these formulas; regenerate only for a new format version: `swift run cairn-fixtures golden
/// Fixtures/checkpoints`.
public enum GoldenFixtures {
    /// One golden file: its name, the writer options, its tensors in order and its manifest.
    public struct File {
        public var name: String
        public var options: WriteOptions
        public var tensors: [(name: String, role: TensorRole, tensor: Tensor)]
        public var manifest: String
    }

    /// A deterministic ramp of `count` values.
    public static func ramp(_ count: Int, scale: Float, offset: Float = 0) -> [Float] {
        (0..<count).map { Float(($0 * 37) % 101) * scale + offset }
    }

    /// Every golden file, in the order they are written.
    public static var files: [File] {
        get throws {
            let dtypes = try DType.allCases.map { dtype -> (String, TensorRole, Tensor) in
                (
                    "dtype.\(dtype.name)", .parameter,
                    try FixtureData.tensor(dtype, shape: [3, 5], seed: UInt64(dtype.rawValue))
                )
            }
            let multi = Tensor(shape: [64, 64], floats: FixtureData.weights(count: 4096, seed: 42))
            let special: [Float] = [
                0, -0.0, 1, -1, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p-126,
                3.14159,
            ]
            return [
                File(
                    name: "golden-dtypes.cairn", options: WriteOptions(threads: 1), tensors: dtypes,
                    manifest: #"{"fixture":"dtypes","note":"one 3x5 tensor per dtype, default options"}"#),
                File(
                    name: "golden-multichunk.cairn", options: WriteOptions(chunkSize: 1000, threads: 1),
                    tensors: [
                        ("dense.weight", .parameter, multi),
                        ("dense.bias", .parameter, Tensor(shape: [64], floats: ramp(64, scale: 0.001))),
                        (
                            "adam.m.dense.weight", .optimizerSlot,
                            Tensor(shape: [64, 64], floats: [Float](repeating: 0, count: 4096))
                        ),
                    ],
                    manifest: #"{"fixture":"multichunk","chunkSize":1000}"#),
                File(
                    name: "golden-unshuffled.cairn",
                    options: WriteOptions(chunkSize: 4096, level: 9, shuffle: false, threads: 1),
                    tensors: [
                        ("w", .parameter, multi),
                        ("ids", .buffer, Tensor(shape: [300], int64s: (0..<300).map { Int64($0 % 7) })),
                    ],
                    manifest: #"{"fixture":"unshuffled","level":9}"#),
                File(
                    name: "golden-special.cairn", options: WriteOptions(chunkSize: 256, threads: 1),
                    tensors: [
                        ("empty", .other, Tensor(shape: [0, 4], floats: [])),
                        ("scalar", .buffer, Tensor(shape: [], doubles: [2.5])),
                        ("constant", .parameter, Tensor(shape: [1000], floats: [Float](repeating: 0.25, count: 1000))),
                        (
                            "noise", .buffer,
                            try Tensor(dtype: .u8, shape: [700], bytes: FixtureData.bytes(count: 700, seed: 7))
                        ),
                        ("specials", .parameter, Tensor(shape: [11], floats: special)),
                        ("rng.state", .buffer, Tensor(shape: [4], uint64s: [0, 1, .max, 0x9E37_79B9_7F4A_7C15])),
                    ],
                    manifest: #"{"fixture":"special","nested":{"list":[1,2,3]}}"#),
                File(
                    name: "golden-level0.cairn", options: WriteOptions(chunkSize: 100, level: 0, threads: 1),
                    tensors: [
                        ("w", .parameter, Tensor(shape: [10, 10], floats: ramp(100, scale: 0.5, offset: -3))),
                        ("h", .parameter, Tensor(shape: [10, 10], floats: ramp(100, scale: 0.5)).converted(to: .f16)),
                    ],
                    manifest: #"{"fixture":"level0"}"#),
            ]
        }
    }

    /// Writes every file and `expected.json` (values per tensor, for the reference reader).
    public static func write(to directory: URL) throws {
        var expected: [String: Any] = [:]
        for file in try files {
            let writer = try CairnWriter(path: directory.appendingPathComponent(file.name).path, options: file.options)
            var tensors: [String: Any] = [:]
            for entry in file.tensors {
                try writer.write(name: entry.name, role: entry.role, tensor: entry.tensor)
                tensors[entry.name] = [
                    "dtype": entry.tensor.dtype.name, "shape": entry.tensor.shape, "role": entry.role.rawValue,
                    "values": jsonValues(entry.tensor),
                ]
            }
            try writer.commit(manifest: Data(file.manifest.utf8))
            expected[file.name] = [
                "manifest": try JSONSerialization.jsonObject(with: Data(file.manifest.utf8)), "tensors": tensors,
                "order": file.tensors.map(\.name),
            ]
        }
        let json = try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys])
        try json.write(to: directory.appendingPathComponent("expected.json"))
    }

    /// Values as JSON: integers exactly, floats as numbers, non-finite floats as "nan", "inf", "-inf".
    public static func jsonValues(_ tensor: Tensor) -> [Any] {
        if !tensor.dtype.isFloatingPoint { return tensor.int64s().map { NSNumber(value: $0) } }
        return tensor.doubles().map { value -> Any in
            if value.isNaN { return "nan" }
            if value.isInfinite { return value > 0 ? "inf" : "-inf" }
            return NSNumber(value: value)
        }
    }
}
