import CairnFormat
import Foundation

/// The members of a ZIP archive (an `.npz` file), read from its central directory, with ZIP64 support.
/// Members may be stored (method 0) or deflated (method 8); every size and offset is checked against the
/// file before anything is read, and a member's CRC-32 is checked when its contents are read.
///
/// ```
/// [local header 30+n+e | data] ... [central header 46+n+e+c] ... [ZIP64 end record 56, locator 20] [end record 22+c]
/// ```
public struct ZipArchive: Sendable {
    /// One member of the archive.
    public struct Member: Sendable, Equatable {
        public var name: String
        /// 0 stored, 8 deflated.
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: Int64
        public var uncompressedSize: Int64
        /// Offset of the member's local header.
        public var headerOffset: Int64
    }

    public let members: [Member]
    /// Where the central directory starts: member data must end before it.
    let directoryOffset: Int64

    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50

    /// Reads and checks the central directory of `file`.
    public static func read(_ file: ReadOnlyFile) throws -> ZipArchive {
        let path = file.path
        func malformed(_ what: String) -> CairnError { CairnError.malformed(path: path, "ZIP archive: \(what)") }
        guard file.size >= 22 else {
            throw CairnError.truncated(path: path, "\(file.size) bytes, too short for a ZIP archive")
        }
        let tailLength = Int(min(file.size, 22 + 65535 + 20))
        let tail = try file.read(count: tailLength, at: file.size - Int64(tailLength))
        guard
            let end = stride(from: tailLength - 22, through: 0, by: -1).first(where: { at in
                tail[at] == 0x50 && tail[at + 1] == 0x4B && tail[at + 2] == 0x05 && tail[at + 3] == 0x06
            })
        else { throw malformed("no end-of-central-directory record (not a ZIP file, or truncated)") }
        var record = LittleEndianReader(tail, at: end + 4) { malformed("end record cut short") }
        let disk: UInt16 = try record.read(), directoryDisk: UInt16 = try record.read()
        _ = try record.read(UInt16.self)
        var count = Int64(try record.read(UInt16.self))
        var directorySize = Int64(try record.read(UInt32.self))
        var directoryOffset = Int64(try record.read(UInt32.self))
        guard disk == 0, directoryDisk == 0 else { throw CairnError.unsupported(path: path, "multi-disk ZIP archive") }
        if end >= 20, tail[end - 20] == 0x50, tail[end - 19] == 0x4B, tail[end - 18] == 0x06, tail[end - 17] == 0x07 {
            var locator = LittleEndianReader(tail, at: end - 16) { malformed("ZIP64 locator cut short") }
            _ = try locator.read(UInt32.self)
            let recordOffset = try locator.read(UInt64.self)
            guard recordOffset <= UInt64(file.size - 56) else {
                throw malformed("ZIP64 end record offset \(recordOffset) outside the file")
            }
            var zip64 = LittleEndianReader(try file.read(count: 56, at: Int64(recordOffset))) {
                malformed("ZIP64 end record cut short")
            }
            guard try zip64.read(UInt32.self) == zip64EndSignature else {
                throw malformed("bad ZIP64 end record signature")
            }
            try zip64.skip(8 + 2 + 2 + 4 + 4 + 8)
            count = try checkedInt64(zip64.read(UInt64.self), malformed)
            directorySize = try checkedInt64(zip64.read(UInt64.self), malformed)
            directoryOffset = try checkedInt64(zip64.read(UInt64.self), malformed)
        }
        guard directoryOffset <= file.size, directorySize <= file.size - directoryOffset else {
            throw CairnError.truncated(
                path: path, "central directory [\(directoryOffset), +\(directorySize)) runs past the end of the file")
        }
        guard count <= directorySize / 46 else {
            throw malformed("\(count) members cannot fit in a \(directorySize)-byte central directory")
        }
        let directory = try file.read(count: Int(directorySize), at: directoryOffset)
        var reader = LittleEndianReader(directory) { malformed("central directory cut short") }
        var members: [Member] = []
        var names = Set<String>()
        for _ in 0..<count {
            let member = try readCentralHeader(&reader, path: path, malformed)
            guard names.insert(member.name).inserted else { throw malformed("member '\(member.name)' appears twice") }
            guard member.headerOffset < directoryOffset, member.compressedSize <= directoryOffset - member.headerOffset
            else {
                throw CairnError.malformed(
                    path: path, item: member.name, "member data outside the archive's data region")
            }
            members.append(member)
        }
        return ZipArchive(members: members, directoryOffset: directoryOffset)
    }

    private static func checkedInt64(_ value: UInt64, _ malformed: (String) -> CairnError) throws -> Int64 {
        guard value <= UInt64(Int64.max) else { throw malformed("size \(value) out of range") }
        return Int64(value)
    }

    private static func readCentralHeader(
        _ reader: inout LittleEndianReader, path: String, _ malformed: @escaping (String) -> CairnError
    ) throws -> Member {
        guard try reader.read(UInt32.self) == centralSignature else {
            throw malformed("bad central directory header signature")
        }
        try reader.skip(4)
        let flags: UInt16 = try reader.read(), method: UInt16 = try reader.read()
        try reader.skip(4)
        let crc: UInt32 = try reader.read()
        var compressed = UInt64(try reader.read(UInt32.self)), uncompressed = UInt64(try reader.read(UInt32.self))
        let nameLength = Int(try reader.read(UInt16.self)), extraLength = Int(try reader.read(UInt16.self))
        let commentLength = Int(try reader.read(UInt16.self))
        try reader.skip(8)
        var offset = UInt64(try reader.read(UInt32.self))
        let nameBytes = try reader.bytes(nameLength)
        var extra = LittleEndianReader(try reader.bytes(extraLength)) { malformed("extra field cut short") }
        try reader.skip(commentLength)
        guard let name = String(bytes: nameBytes, encoding: .utf8) else { throw malformed("member name is not UTF-8") }
        while extra.position + 4 <= extra.bytes.count {
            let id: UInt16 = try extra.read(), size = Int(try extra.read(UInt16.self))
            guard id == 1 else { try extra.skip(size); continue }
            if uncompressed == 0xFFFF_FFFF { uncompressed = try extra.read() }
            if compressed == 0xFFFF_FFFF { compressed = try extra.read() }
            if offset == 0xFFFF_FFFF { offset = try extra.read() }
            break
        }
        guard flags & 1 == 0 else { throw CairnError.unsupported(path: path, item: name, "encrypted ZIP member") }
        guard method == 0 || method == 8 else {
            throw CairnError.unsupported(
                path: path, item: name, "ZIP compression method \(method) (only stored and deflated)")
        }
        return Member(
            name: name, method: method, crc32: crc, compressedSize: try checkedInt64(compressed, malformed),
            uncompressedSize: try checkedInt64(uncompressed, malformed),
            headerOffset: try checkedInt64(offset, malformed))
    }

    /// Where a member's data starts (after its local header), checked against the archive.
    func dataOffset(of member: Member, in file: ReadOnlyFile) throws -> Int64 {
        let error = CairnError.malformed(path: file.path, item: member.name, "bad local header")
        guard member.headerOffset <= directoryOffset - 30 else { throw error }
        var local = LittleEndianReader(try file.read(count: 30, at: member.headerOffset)) { error }
        guard try local.read(UInt32.self) == Self.localSignature else { throw error }
        try local.skip(22)
        let skip = Int64(try local.read(UInt16.self)) + Int64(try local.read(UInt16.self))
        let start = member.headerOffset + 30 + skip
        guard start <= directoryOffset, member.compressedSize <= directoryOffset - start else {
            throw CairnError.truncated(
                path: file.path, item: member.name, "member data runs past the archive's data region")
        }
        return start
    }

    /// The first bytes (at most `limit`) of a member's uncompressed contents.
    public func prefix(of member: Member, limit: Int, in file: ReadOnlyFile) throws -> [UInt8] {
        let start = try dataOffset(of: member, in: file)
        if member.method == 0 {
            return try file.read(count: Int(min(Int64(limit), member.compressedSize)), at: start)
        }
        let compressed = try file.read(count: Int(min(Int64(limit) + 1024, member.compressedSize)), at: start)
        guard let bytes = compressed.withUnsafeBytes({ Zlib.inflateRawPrefix($0, limit: limit) }) else {
            throw CairnError.malformed(path: file.path, item: member.name, "corrupt deflate stream")
        }
        return bytes
    }

    /// Decodes a member's whole contents into `destination` (exactly `uncompressedSize` bytes) and checks its CRC-32.
    public func extract(_ member: Member, into destination: UnsafeMutableRawBufferPointer, in file: ReadOnlyFile) throws
    {
        let start = try dataOffset(of: member, in: file)
        func fail(_ what: String) -> CairnError { CairnError.malformed(path: file.path, item: member.name, what) }
        guard Int64(destination.count) == member.uncompressedSize else { throw fail("size differs from the directory") }
        if member.method == 0 {
            guard member.compressedSize == member.uncompressedSize else {
                throw fail("stored member with different sizes")
            }
            try file.read(into: destination, at: start)
        } else {
            guard member.uncompressedSize <= 1032 * member.compressedSize + 1024 else {
                throw CairnError.limitExceeded(
                    path: file.path, item: member.name,
                    "declares \(member.uncompressedSize) bytes from \(member.compressedSize) deflated bytes (more than deflate can expand)"
                )
            }
            let compressed = try file.read(count: Int(member.compressedSize), at: start)
            if let failure = compressed.withUnsafeBytes({ Zlib.inflateRaw($0, into: destination) }) {
                throw fail(failure)
            }
        }
        guard Zlib.crc32(UnsafeRawBufferPointer(destination)) == member.crc32 else {
            throw fail("CRC-32 mismatch (file damaged)")
        }
    }
}
