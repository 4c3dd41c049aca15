/// The 40 bytes at the end of every `.cairn` file: where the index region is and its checksum.
///
/// ```
///  0               8               16        20      22      24        28        32              40
///  +---------------+---------------+---------+-------+-------+---------+---------+---------------+
///  | indexOffset   | indexLength   | index   | major | minor | reserved| footer  | end magic     |
///  | u64 LE        | u64 LE        | crc32   | u16   | u16   | u32 = 0 | crc32 of| "CAIRNEND"    |
///  |               |               | u32 LE  |       |       |         | 0..<28  | 8 bytes ASCII |
///  +---------------+---------------+---------+-------+-------+---------+---------+---------------+
/// ```
/// The index region is `[indexOffset, indexOffset + indexLength)` and must end exactly where the footer
/// starts; the chunk data region is `[16, indexOffset)`.
struct FileFooter: Equatable {
    static let size = 40
    static let endMagic: [UInt8] = Array("CAIRNEND".utf8)

    var indexOffset: Int64
    var indexLength: Int64
    var indexCRC32: UInt32
    var version: FormatVersion

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.append(UInt64(indexOffset))
        writer.append(UInt64(indexLength))
        writer.append(indexCRC32)
        writer.append(UInt16(version.major))
        writer.append(UInt16(version.minor))
        writer.append(UInt32(0))
        writer.append(CRC32.checksum(writer.bytes))
        writer.append(contentsOf: Self.endMagic)
        return writer.bytes
    }

    /// Decodes the footer of a file of `fileSize` bytes whose header has `headerVersion`, and checks every
    /// field in the order of spec section 4.1: end magic, footer CRC, versions equal to the header's,
    /// reserved field, index length limit, index placement.
    static func decode(
        _ bytes: [UInt8], fileSize: Int64, headerVersion: FormatVersion, path: String
    ) throws -> FileFooter {
        let start = fileSize - Int64(size)
        guard bytes.count == size else { throw CairnError(path: path, kind: .truncated, offset: max(0, start)) }
        guard Array(bytes[32..<40]) == endMagic else {
            // The header magic was fine: a missing end magic means the file was cut short (or never finished).
            throw CairnError(path: path, kind: .truncated, offset: start + 32)
        }
        guard
            CRC32.checksum(Array(bytes[0..<28]))
                == bytes.withUnsafeBytes({ UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 28, as: UInt32.self)) }
                )
        else {
            throw CairnError(path: path, kind: .checksumMismatch, offset: start + 28)
        }
        var cursor = ByteCursor(bytes: bytes, fileOffset: start, path: path)
        let offset = try cursor.read(UInt64.self, "index offset")
        let length = try cursor.read(UInt64.self, "index length")
        let crc = try cursor.read(UInt32.self, "index checksum")
        let major = Int(try cursor.read(UInt16.self, "major version"))
        let minor = Int(try cursor.read(UInt16.self, "minor version"))
        // The header alone decides `unsupportedVersion`; a footer that disagrees with it is inconsistent.
        guard FormatVersion(major: major, minor: minor) == headerVersion else {
            throw CairnError(
                path: path,
                kind: .malformed("footer version \(major).\(minor) differs from header version \(headerVersion)"),
                offset: start + 20)
        }
        try cursor.expectZeros(4, "footer reserved field")
        guard length <= UInt64(FormatLimits.maxIndexBytes) else {
            throw CairnError(
                path: path,
                kind: .limitExceeded("index region of \(length) bytes (limit \(FormatLimits.maxIndexBytes))"),
                offset: start + 8)
        }
        guard offset >= UInt64(FileHeader.size), offset <= UInt64(start), UInt64(start) - offset == length else {
            throw CairnError(
                path: path,
                kind: .malformed(
                    "footer places the index at \(offset) with length \(length), which does not end at the footer (byte \(start))"
                ), offset: start)
        }
        return FileFooter(
            indexOffset: Int64(offset), indexLength: Int64(length), indexCRC32: crc,
            version: FormatVersion(major: major, minor: minor))
    }
}
