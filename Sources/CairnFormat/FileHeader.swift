/// The 16 bytes at offset 0 of every `.cairn` file.
///
/// ```
///  0                   8         10        12                  16
///  +-------------------+---------+---------+-------------------+
///  | magic (8 bytes)   | major   | minor   | crc32 of bytes    |
///  | 89 43 41 49 52 4E | u16 LE  | u16 LE  | 0..<12, u32 LE    |
///  | 0D 0A "\x89CAIRN\r\n"       |         |                   |
///  +-------------------+---------+---------+-------------------+
/// ```
struct FileHeader: Equatable {
    static let size = 16
    static let magic: [UInt8] = [0x89, 0x43, 0x41, 0x49, 0x52, 0x4E, 0x0D, 0x0A]

    var version: FormatVersion

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.append(contentsOf: Self.magic)
        writer.append(UInt16(version.major))
        writer.append(UInt16(version.minor))
        writer.append(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// Decodes and checks magic, CRC and major version.
    static func decode(_ bytes: [UInt8], path: String) throws -> FileHeader {
        guard bytes.count == size else { throw CairnError(path: path, kind: .truncated, offset: 0) }
        guard Array(bytes[0..<8]) == magic else { throw CairnError(path: path, kind: .badMagic, offset: 0) }
        var cursor = ByteCursor(bytes: bytes, fileOffset: 0, path: path)
        try cursor.skip(8, "magic")
        let major = Int(try cursor.read(UInt16.self, "major version"))
        let minor = Int(try cursor.read(UInt16.self, "minor version"))
        let stored = try cursor.read(UInt32.self, "header checksum")
        guard stored == CRC32.checksum(Array(bytes[0..<12])) else {
            throw CairnError(path: path, kind: .checksumMismatch, offset: 12)
        }
        guard major == FormatVersion.current.major else {
            throw CairnError(path: path, kind: .unsupportedVersion(major: major, minor: minor), offset: 8)
        }
        return FileHeader(version: FormatVersion(major: major, minor: minor))
    }
}
