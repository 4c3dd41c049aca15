import CairnFormat

/// Writes a ZIP archive of stored (uncompressed) members to an `AtomicOutputFile`, as `np.savez` does;
/// switches to ZIP64 records for members or offsets past 4 GiB (or always, with `forceZip64`). Times are
/// 1980-01-01 00:00 so equal contents give equal bytes.
final class ZipWriter {
    private struct Record {
        var name: [UInt8]
        var crc32: UInt32
        var size: Int64
        var offset: Int64
    }

    private let output: AtomicOutputFile
    private let forceZip64: Bool
    private var records: [Record] = []
    private static let limit: Int64 = 0xFFFF_FFFF

    init(output: AtomicOutputFile, forceZip64: Bool = false) {
        self.output = output
        self.forceZip64 = forceZip64
    }

    /// Appends a stored member whose contents are `parts` concatenated.
    func add(name: String, parts: [UnsafeRawBufferPointer]) throws {
        let crc = parts.reduce(UInt32(0)) { Zlib.crc32($1, seed: $0) }
        let size = parts.reduce(Int64(0)) { $0 + Int64($1.count) }
        let record = Record(name: Array(name.utf8), crc32: crc, size: size, offset: output.position)
        let zip64 = forceZip64 || size >= Self.limit || record.offset >= Self.limit
        var header = LittleEndianWriter()
        header.append(ZipArchive.localSignature)
        header.append(UInt16(zip64 ? 45 : 20))
        header.append(UInt16(0x0800))  // UTF-8 names
        header.append(UInt16(0))  // stored
        header.append(UInt16(0))  // time
        header.append(UInt16(0x0021))  // 1980-01-01
        header.append(crc)
        header.append(UInt32(zip64 ? Self.limit : size))
        header.append(UInt32(zip64 ? Self.limit : size))
        header.append(UInt16(record.name.count))
        header.append(UInt16(zip64 ? 20 : 0))
        header.append(record.name)
        if zip64 {
            header.append(UInt16(1))
            header.append(UInt16(16))
            header.append(UInt64(size))
            header.append(UInt64(size))
        }
        try output.write(header.bytes)
        for part in parts { try output.write(part) }
        records.append(record)
    }

    /// Writes the central directory and the end records.
    func finish() throws {
        let directoryOffset = output.position
        var directory = LittleEndianWriter()
        for record in records {
            let bigSize = forceZip64 || record.size >= Self.limit, bigOffset = forceZip64 || record.offset >= Self.limit
            var extra = LittleEndianWriter()
            if bigSize || bigOffset {
                extra.append(UInt16(1))
                extra.append(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
                if bigSize {
                    extra.append(UInt64(record.size))
                    extra.append(UInt64(record.size))
                }
                if bigOffset { extra.append(UInt64(record.offset)) }
            }
            directory.append(ZipArchive.centralSignature)
            directory.append(UInt16(bigSize || bigOffset ? 45 : 20))  // made by
            directory.append(UInt16(bigSize || bigOffset ? 45 : 20))  // needed
            directory.append(UInt16(0x0800))
            directory.append(UInt16(0))
            directory.append(UInt16(0))
            directory.append(UInt16(0x0021))
            directory.append(record.crc32)
            directory.append(UInt32(bigSize ? Self.limit : record.size))
            directory.append(UInt32(bigSize ? Self.limit : record.size))
            directory.append(UInt16(record.name.count))
            directory.append(UInt16(extra.bytes.count))
            directory.append(UInt16(0))  // comment
            directory.append(UInt16(0))  // disk
            directory.append(UInt16(0))  // internal attributes
            directory.append(UInt32(0o100644) << 16)  // external attributes: a regular file
            directory.append(UInt32(bigOffset ? Self.limit : record.offset))
            directory.append(record.name)
            directory.append(extra.bytes)
        }
        let directorySize = Int64(directory.bytes.count)
        let count = Int64(records.count)
        let zip64 = forceZip64 || count >= 0xFFFF || directoryOffset >= Self.limit || directorySize >= Self.limit
        var end = directory
        if zip64 {
            let recordOffset = directoryOffset + directorySize
            end.append(ZipArchive.zip64EndSignature)
            end.append(UInt64(44))
            end.append(UInt16(45))
            end.append(UInt16(45))
            end.append(UInt32(0))
            end.append(UInt32(0))
            end.append(UInt64(count))
            end.append(UInt64(count))
            end.append(UInt64(directorySize))
            end.append(UInt64(directoryOffset))
            end.append(ZipArchive.zip64LocatorSignature)
            end.append(UInt32(0))
            end.append(UInt64(recordOffset))
            end.append(UInt32(1))
        }
        end.append(ZipArchive.endSignature)
        end.append(UInt16(0))
        end.append(UInt16(0))
        end.append(UInt16(zip64 ? 0xFFFF : count))
        end.append(UInt16(zip64 ? 0xFFFF : count))
        end.append(UInt32(zip64 ? Self.limit : directorySize))
        end.append(UInt32(zip64 ? Self.limit : directoryOffset))
        end.append(UInt16(0))
        try output.write(end.bytes)
    }
}
