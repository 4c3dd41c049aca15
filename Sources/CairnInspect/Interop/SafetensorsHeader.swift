import CairnFormat
import Foundation

/// The header of a safetensors file, checked completely against the file before any data is read.
///
/// ```
/// 0               8                     8 + N                                   end of file
/// +---------------+---------------------+---------------------------------------+
/// | N: u64 LE     | N bytes UTF-8 JSON  | byte buffer: tensors' data, row-major  |
/// +---------------+---------------------+---------------------------------------+
/// JSON: {"<name>": {"dtype": "F32", "shape": [4, 8], "data_offsets": [begin, end]}, ...,
///        "__metadata__": {"key": "value", ...}}     offsets relative to the buffer's start
/// ```
/// Rules checked: N fits in the file and is at most 100 MB (safetensors' own limit); the JSON is an
/// object; every tensor has a known dtype, a shape of non-negative integers, `begin <= end <= buffer
/// size`, `end - begin` equal to the shape's byte count; no two tensors' ranges overlap;
/// `__metadata__`, if present, maps strings to strings.
public struct SafetensorsHeader: Sendable, Equatable {
    /// One tensor: where its bytes are (absolute file offset).
    public struct Item: Sendable, Equatable {
        public var entry: TensorEntry
        public var offset: Int64
    }

    /// Tensors in the order of their data in the file.
    public var items: [Item]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    /// The largest header a reader accepts (safetensors' own limit).
    public static let maximumHeaderBytes: Int64 = 100_000_000

    static let dtypeNames: [String: DType] = [
        "F32": .f32, "F64": .f64, "F16": .f16, "BF16": .bf16, "I8": .i8,
        "U8": .u8, "I32": .i32, "I64": .i64, "BOOL": .bool,
    ]

    /// The safetensors name of a dtype (`F32`, `BF16`, ...).
    public static func name(of dtype: DType) -> String {
        dtypeNames.first { $0.value == dtype }!.key
    }

    /// Reads and checks the header of `file`.
    public static func read(_ file: ReadOnlyFile) throws -> SafetensorsHeader {
        let path = file.path
        guard file.size >= 8 else {
            throw CairnError.truncated(path: path, "\(file.size) bytes, not even the 8-byte header length")
        }
        let lengthBytes = try file.read(count: 8, at: 0)
        let length = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(maximumHeaderBytes) else {
            throw CairnError.limitExceeded(path: path, "header length \(length) bytes (limit \(maximumHeaderBytes))")
        }
        guard Int64(length) <= file.size - 8 else {
            throw CairnError.truncated(
                path: path, "header length \(length) runs past the end of the \(file.size)-byte file")
        }
        let json = try file.read(count: Int(length), at: 8)
        let bufferStart = 8 + Int64(length)
        return try parse(json, bufferStart: bufferStart, bufferSize: file.size - bufferStart, path: path)
    }

    static func parse(_ json: [UInt8], bufferStart: Int64, bufferSize: Int64, path: String) throws -> SafetensorsHeader
    {
        func malformed(_ item: String?, _ what: String) -> CairnError {
            CairnError.malformed(path: path, item: item, what)
        }
        guard String(bytes: json, encoding: .utf8) != nil,
            let object = try? JSONSerialization.jsonObject(with: Data(json))
        else {
            throw malformed(nil, "header is not UTF-8 JSON")
        }
        guard let top = object as? [String: Any] else { throw malformed(nil, "header is not a JSON object") }
        var metadata: [String: String] = [:]
        var items: [Item] = []
        for (name, value) in top {
            if name == "__metadata__" {
                guard let strings = value as? [String: Any] else {
                    throw malformed(nil, "__metadata__ is not an object")
                }
                for (key, text) in strings {
                    guard let text = text as? String else {
                        throw malformed(nil, "__metadata__ value of '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            guard !name.isEmpty, name.utf8.count <= 4096 else {
                throw malformed(nil, "tensor name of \(name.utf8.count) bytes (must be 1...4096)")
            }
            guard let fields = value as? [String: Any] else { throw malformed(name, "entry is not an object") }
            guard let dtypeName = fields["dtype"] as? String else { throw malformed(name, "no dtype string") }
            guard let dtype = dtypeNames[dtypeName] else {
                throw CairnError.unsupported(
                    path: path, item: name,
                    "dtype '\(dtypeName)' (Cairn converts F32, F64, F16, BF16, I8, U8, I32, I64, BOOL)")
            }
            guard let shapeValues = fields["shape"] as? [Any] else { throw malformed(name, "no shape array") }
            let shape = shapeValues.compactMap(integer)
            guard shape.count == shapeValues.count, let count = Tensor.checkedElementCount(shape) else {
                throw malformed(
                    name,
                    "shape \(shapeValues) is not a list of at most 8 non-negative integers of at most 2^56 elements")
            }
            guard let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
                let begin = integer(offsets[0]), let end = integer(offsets[1])
            else {
                throw malformed(name, "data_offsets is not a pair of non-negative integers")
            }
            guard begin <= end, Int64(end) <= bufferSize else {
                throw malformed(name, "data_offsets [\(begin), \(end)) outside the \(bufferSize)-byte buffer")
            }
            guard end - begin == count * dtype.byteSize else {
                throw malformed(
                    name,
                    "data_offsets [\(begin), \(end)) hold \(end - begin) bytes, shape \(shape) of \(dtypeName) needs \(count * dtype.byteSize)"
                )
            }
            items.append(
                Item(
                    entry: TensorEntry(
                        name: name, dtype: dtype, shape: shape, role: TensorEntry.importedRole(forName: name)),
                    offset: bufferStart + Int64(begin)))
        }
        items.sort { ($0.offset, $0.entry.byteCount, $0.entry.name) < ($1.offset, $1.entry.byteCount, $1.entry.name) }
        let filled = items.filter { $0.entry.byteCount > 0 }  // empty tensors occupy no bytes and overlap nothing
        for (previous, next) in zip(filled, filled.dropFirst())
        where next.offset < previous.offset + Int64(previous.entry.byteCount) {
            throw malformed(next.entry.name, "data overlaps tensor \(previous.entry.name)")
        }
        return SafetensorsHeader(items: items, metadata: metadata)
    }

    /// A JSON number that is a non-negative integer.
    private static func integer(_ value: Any) -> Int? {
        guard let int = value as? Int, int >= 0 else { return nil }
        return int
    }

    /// The header bytes (length prefix included) for tensors laid out back to back in `entries` order,
    /// padded with spaces to a multiple of 8 as the safetensors library does.
    public static func encode(_ entries: [TensorEntry], metadata: [String: String]) throws -> [UInt8] {
        var object: [String: Any] = [:]
        var offset = 0
        for entry in entries {
            object[entry.name] =
                [
                    "dtype": name(of: entry.dtype), "shape": entry.shape,
                    "data_offsets": [offset, offset + entry.byteCount],
                ] as [String: Any]
            offset += entry.byteCount
        }
        if !metadata.isEmpty { object["__metadata__"] = metadata }
        var json = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        let length = UInt64(json.count)
        return (0..<8).map { UInt8((length >> (8 * UInt64($0))) & 0xFF) } + json
    }
}
