/// The 16-byte header in front of each section of the index region.
///
/// ```
///  0         2         4                   8                                  16
///  +---------+---------+-------------------+----------------------------------+
///  | kind    | flags   | reserved u32 = 0  | payload length u64 LE            |
///  | u16 LE  | u16 LE  |                   |                                  |
///  +---------+---------+-------------------+----------------------------------+
///  followed by `length` payload bytes
/// ```
/// Flag bit 0 (`required`): a reader that does not know `kind` must reject the file; without it the
/// reader skips the section. Other flag bits are reserved and must be zero.
struct SectionHeader: Equatable {
    static let size = 16
    static let requiredFlag: UInt16 = 1

    enum Kind: UInt16 {
        case manifest = 1
        case tensorDirectory = 2
    }

    var kind: UInt16
    var flags: UInt16
    var length: Int64

    var isRequired: Bool { flags & Self.requiredFlag != 0 }

    func encode(into writer: inout ByteWriter) {
        writer.append(kind)
        writer.append(flags)
        writer.append(UInt32(0))
        writer.append(UInt64(length))
    }

    static func decode(from cursor: inout ByteCursor) throws -> SectionHeader {
        let start = cursor.currentFileOffset
        let kind = try cursor.read(UInt16.self, "section kind")
        let flags = try cursor.read(UInt16.self, "section flags")
        guard flags & ~requiredFlag == 0 else {
            throw CairnError(
                path: cursor.path, kind: .malformed("section flags \(flags) use reserved bits"), offset: start + 2)
        }
        try cursor.expectZeros(4, "section reserved field")
        let length = try cursor.read(UInt64.self, "section length")
        guard length <= UInt64(cursor.remaining) else {
            throw CairnError(
                path: cursor.path,
                kind: .malformed(
                    "section of kind \(kind) declares \(length) bytes but only \(cursor.remaining) remain in the index"),
                offset: start + 8)
        }
        return SectionHeader(kind: kind, flags: flags, length: Int64(length))
    }
}
