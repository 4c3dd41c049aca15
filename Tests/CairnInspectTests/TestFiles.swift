import CairnFormat
import Foundation
@testable import CairnInspect

/// Temporary folders and small files for the tests.
enum TestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fixture(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }

    static func folder(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "cairn-inspect-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Names in `folder` (to check nothing, not even a temporary file, was left behind).
    static func contents(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Bytes of `count` elements of `dtype` with awkward bit patterns (NaN payloads, infinities,
    /// subnormals, negative zero for floats; extremes for integers).
    static func awkwardBytes(_ dtype: DType, count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<(count * dtype.byteSize)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let specials: [[UInt8]]
        switch dtype {
        case .f32:
            specials = [[0, 0, 0xC0, 0x7F], [1, 0, 0x80, 0x7F], [0, 0, 0x80, 0xFF], [1, 0, 0, 0], [0, 0, 0, 0x80]]
        case .f16: specials = [[0x01, 0x7E], [0x00, 0x7C], [0x01, 0x00], [0x00, 0x80]]
        case .bf16: specials = [[0xC1, 0x7F], [0x80, 0xFF], [0x01, 0x00], [0x00, 0x80]]
        case .bool: bytes = bytes.map { $0 & 1 }; specials = []
        default: specials = []
        }
        for (index, special) in specials.enumerated() where index < count {
            bytes.replaceSubrange((index * dtype.byteSize)..<((index + 1) * dtype.byteSize), with: special)
        }
        return bytes
    }

    /// A `.cairn` file with one tensor per dtype (`t.f32`, `t.bf16`, ...) of shape `shape`; returns the
    /// tensors' bytes by name.
    @discardableResult
    static func writeAllDTypes(to path: String, shape: [Int], manifest: String = "{}") throws -> [String: [UInt8]] {
        let writer = try CairnWriter(path: path)
        var written: [String: [UInt8]] = [:]
        for dtype in DType.allCases {
            let bytes = awkwardBytes(dtype, count: shape.reduce(1, *))
            try bytes.withUnsafeBytes {
                try writer.write(name: "t.\(dtype.name)", role: .parameter, dtype: dtype, shape: shape, bytes: $0)
            }
            written["t.\(dtype.name)"] = bytes
        }
        try writer.commit(manifest: Data(manifest.utf8))
        return written
    }

    /// Every tensor of a `.cairn` file: name -> (dtype, shape, bytes, role).
    static func read(_ path: String) throws -> [String: (DType, [Int], [UInt8], TensorRole)] {
        let reader = try CairnReader(path: path)
        var result: [String: (DType, [Int], [UInt8], TensorRole)] = [:]
        for info in reader.tensors {
            result[info.name] = (info.dtype, info.shape, try reader.read(info.name).bytes, info.role)
        }
        return result
    }

    /// A safetensors file from a header object (as JSON text) and a buffer.
    static func safetensors(_ header: String, buffer: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return (0..<8).map { UInt8((length >> (8 * UInt64($0))) & 0xFF) } + json + buffer
    }
}
