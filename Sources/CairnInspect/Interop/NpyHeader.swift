import Foundation
import CairnFormat

/// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0 read; 1.0 written, 2.0 when the
/// header does not fit in 65535 bytes).
///
/// ```
/// 0        6      7      8             10 (v1) / 12 (v2, v3)
/// +--------+------+------+-------------+------------------------------------------------+-------+
/// | \x93NUMPY | major | minor | headerLen u16 (v1) / u32 | {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } | data |
/// +--------+------+------+-------------+------------------------------------------------+-------+
/// ```
/// The header text is padded with spaces and ends in `\n`; data starts at a multiple of 64 bytes.
///
/// Dtypes (`descr`): f32 `<f4`, f64 `<f8`, f16 `<f2`, i8 `|i1`, u8 `|u1`, i32 `<i4`, i64 `<i8`,
/// bool `|b1`. bfloat16 has no NumPy dtype: it is written as its raw 16-bit patterns, `<u2`, and a
/// `<u2` array is read back as bf16 (Cairn has no u16 type, so the mapping is unambiguous).
public struct NpyHeader: Sendable, Equatable {
    public var dtype: DType
    public var shape: [Int]
    /// Bytes before the data (magic, version, length, header text).
    public var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// The most header bytes a reader accepts.
    public static let maximumHeaderBytes = 1 << 20

    public init(dtype: DType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
        dataOffset = 0
        dataOffset = encoded().count
    }

    /// The `descr` string for a dtype.
    public static func descr(_ dtype: DType) -> String {
        switch dtype {
        case .f32: return "<f4"
        case .f64: return "<f8"
        case .f16: return "<f2"
        case .bf16: return "<u2"
        case .i8: return "|i1"
        case .u8: return "|u1"
        case .i32: return "<i4"
        case .i64: return "<i8"
        case .bool: return "|b1"
        }
    }

    /// The dtype of a `descr` string, if Cairn has one.
    public static func dtype(descr: String) -> DType? {
        let aliases: [String: DType] = [
            "<f4": .f32, "<f8": .f64, "<f2": .f16, "<u2": .bf16, "|i1": .i8, "<i1": .i8, "i1": .i8,
            "|u1": .u8, "<u1": .u8, "u1": .u8, "<i4": .i32, "<i8": .i64, "|b1": .bool, "<b1": .bool, "b1": .bool,
        ]
        return aliases[descr]
    }

    /// The header bytes (version 1.0, or 2.0 for very long shapes), padded so data starts at a multiple of 64.
    public func encoded() -> [UInt8] {
        let dims = shape.map(String.init)
        let tuple = shape.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        let text = "{'descr': '\(NpyHeader.descr(dtype))', 'fortran_order': False, 'shape': \(tuple), }"
        var version: UInt8 = 1
        var prefix = 10
        if text.utf8.count + 1 + prefix > 65535 {
            version = 2
            prefix = 12
        }
        let unpadded = prefix + text.utf8.count + 1
        let total = (unpadded + 63) / 64 * 64
        let headerLength = total - prefix
        var bytes = NpyHeader.magic + [version, 0]
        if version == 1 {
            bytes += [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        } else {
            bytes += (0..<4).map { UInt8((headerLength >> (8 * $0)) & 0xFF) }
        }
        bytes += Array(text.utf8) + [UInt8](repeating: 0x20, count: total - unpadded) + [0x0A]
        return bytes
    }

    /// How many bytes of the file `decode` needs to see, given its first 12 bytes; nil if they are
    /// not an npy prefix.
    static func requiredPrefix(_ start: [UInt8]) -> Int? {
        guard start.count >= 10, Array(start[0..<6]) == magic else { return nil }
        if start[6] == 1 { return 10 + Int(start[8]) | Int(start[9]) << 8 }
        guard start.count >= 12, start[6] == 2 || start[6] == 3 else { return nil }
        return 12 + (0..<4).reduce(0) { $0 | Int(start[8 + $1]) << (8 * $1) }
    }

    /// Parses a header from the first bytes of an npy file; `path` and `item` name it in errors.
    public static func decode(_ bytes: [UInt8], path: String, item: String?) throws -> NpyHeader {
        func fail(_ what: String) -> CairnError { CairnError.malformed(path: path, item: item, "npy header: \(what)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("bad magic (not a .npy file)") }
        guard (1...3).contains(bytes[6]) else {
            throw CairnError.unsupported(path: path, item: item, "npy format version \(bytes[6]).\(bytes[7])")
        }
        guard let total = requiredPrefix(bytes) else { throw fail("cut short") }
        guard total - 10 <= maximumHeaderBytes else {
            throw CairnError.limitExceeded(
                path: path, item: item, "npy header of \(total) bytes (limit \(maximumHeaderBytes))")
        }
        guard bytes.count >= total else {
            throw CairnError.truncated(
                path: path, item: item, "npy header needs \(total) bytes, \(bytes.count) present")
        }
        let start = bytes[6] == 1 ? 10 : 12
        guard let text = String(bytes: bytes[start..<total], encoding: bytes[6] == 3 ? .utf8 : .isoLatin1) else {
            throw fail("not text")
        }
        let fields = try NpyDictionary.parse(text, fail: fail)
        guard let descr = fields.descr else { throw fail("no 'descr'") }
        guard let fortran = fields.fortranOrder else { throw fail("no 'fortran_order'") }
        guard let shape = fields.shape else { throw fail("no 'shape'") }
        guard !fortran else {
            throw CairnError.unsupported(
                path: path, item: item, "Fortran-order array (save it C-ordered: np.ascontiguousarray)")
        }
        guard let dtype = dtype(descr: descr) else {
            throw CairnError.unsupported(path: path, item: item, "NumPy dtype '\(descr)' has no Cairn equivalent")
        }
        guard Tensor.checkedElementCount(shape) != nil else {
            throw fail("shape \(shape) is negative, above rank 8 or too large")
        }
        var header = NpyHeader(dtype: dtype, shape: shape)
        header.dataOffset = total
        return header
    }
}
