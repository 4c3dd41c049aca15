/// The tensor directory section: a count, then one length-prefixed entry per tensor.
///
/// ```
///  section payload:  | tensorCount u32 | reserved u32 = 0 | entry 0 | entry 1 | ...
///
///  entry:  0            4          6       7      8      9             12
///          +------------+----------+-------+------+------+-------------+
///          | entryLength| nameLen  | dtype | role | rank | reserved 3=0|
///          | u32 (bytes | u16      | u8    | u8   | u8   |             |
///          | after this)|          |       |      |      |             |
///          +------------+----------+-------+------+------+-------------+
///          | name (nameLen bytes UTF-8) | dims (rank x u64) | statistics (64 bytes)        |
///          | chunkCount u32 | reserved u32 = 0 | chunk records (see ChunkInfo)              |
///          | bytes up to entryLength: fields of later minor versions (skipped by 1.0 readers) |
/// ```
enum TensorDirectory {
    /// Bytes of the smallest valid entry, its length field included: a 1-byte name, rank 1 with a zero
    /// dimension (an empty tensor needs no chunks), statistics and the chunk count (spec section 5.2).
    static let minimumEntrySize = 4 + 8 + 1 + 8 + TensorStatistics.encodedSize + 8
    /// Bytes of the smallest chunk record: the fixed part and one plane record.
    static let minimumChunkRecordSize = ChunkInfo.fixedSize + ChunkInfo.planeRecordSize

    static func encode(_ tensors: [TensorInfo]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(UInt32(tensors.count))
        writer.append(UInt32(0))
        for tensor in tensors {
            var entry = ByteWriter()
            let name = Array(tensor.name.utf8)
            entry.append(UInt16(name.count))
            entry.append(tensor.dtype.rawValue)
            entry.append(tensor.role.diskCode)
            entry.append(UInt8(tensor.shape.count))
            entry.appendZeros(3)
            entry.append(contentsOf: name)
            for dimension in tensor.shape { entry.append(UInt64(dimension)) }
            tensor.statistics.encode(into: &entry)
            entry.append(UInt32(tensor.chunks.count))
            entry.append(UInt32(0))
            for chunk in tensor.chunks { chunk.encode(into: &entry) }
            writer.append(UInt32(entry.count))
            writer.append(contentsOf: entry.bytes)
        }
        return writer.bytes
    }

    /// Decodes and checks the directory: every field in range, names unique, chunk sizes consistent
    /// with the shape, and the chunks of all tensors, in order, tiling `dataRegion` exactly.
    static func decode(_ cursor: inout ByteCursor, dataRegion: Range<Int64>) throws -> [TensorInfo] {
        let path = cursor.path
        let count = try cursor.read(UInt32.self, "tensor count")
        try cursor.expectZeros(4, "directory reserved field")
        // A count above what the payload can hold at the smallest valid entry is a lie, caught before allocating.
        guard Int(count) <= cursor.remaining / minimumEntrySize else {
            throw cursor.error(
                .malformed("directory declares \(count) tensors, more than its \(cursor.remaining) bytes can hold"))
        }
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(Int(count))
        var names = Set<[UInt8]>()
        var nextChunkOffset = dataRegion.lowerBound
        for _ in 0..<count {
            cursor.tensor = nil
            let entryStart = cursor.currentFileOffset
            let entryLength = Int(try cursor.read(UInt32.self, "entry length"))
            var entry = ByteCursor(
                bytes: Array(try cursor.readBytes(entryLength, "tensor entry")),
                fileOffset: entryStart + 4, path: path)
            let info = try decodeEntry(&entry, nextChunkOffset: &nextChunkOffset, dataRegion: dataRegion, names: &names)
            tensors.append(info)
        }
        guard cursor.remaining == 0 else {
            throw cursor.error(.malformed("\(cursor.remaining) bytes after the last directory entry"))
        }
        guard nextChunkOffset == dataRegion.upperBound else {
            throw CairnError(
                path: path,
                kind: .malformed(
                    "chunks end at byte \(nextChunkOffset) but the data region ends at \(dataRegion.upperBound) (unaccounted bytes)"
                ), offset: nextChunkOffset)
        }
        return tensors
    }

    /// Decodes one entry, checking its fields in the order of spec section 5.4.
    private static func decodeEntry(
        _ entry: inout ByteCursor, nextChunkOffset: inout Int64, dataRegion: Range<Int64>,
        names: inout Set<[UInt8]>
    ) throws -> TensorInfo {
        let path = entry.path
        let nameLength = Int(try entry.read(UInt16.self, "name length"))
        let dtypeOffset = entry.currentFileOffset
        let dtypeCode = try entry.read(UInt8.self, "dtype")
        let roleCode = try entry.read(UInt8.self, "role")
        let rank = Int(try entry.read(UInt8.self, "rank"))
        try entry.expectZeros(3, "entry reserved bytes")
        let nameOffset = entry.currentFileOffset
        guard nameLength > 0 else { throw entry.error(.malformed("empty tensor name")) }
        guard nameLength <= FormatLimits.maxNameBytes else {
            throw entry.error(.limitExceeded("tensor name of \(nameLength) bytes (limit \(FormatLimits.maxNameBytes))"))
        }
        let nameBytes = try entry.readBytes(nameLength, "tensor name")
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard name.utf8.elementsEqual(nameBytes) else {
            throw CairnError(path: path, kind: .malformed("tensor name is not valid UTF-8"), offset: nameOffset)
        }
        guard names.insert(Array(nameBytes)).inserted else {
            throw CairnError(
                path: path, kind: .malformed("tensor name appears twice"), tensor: name, offset: nameOffset)
        }
        entry.tensor = name
        guard let dtype = DType(rawValue: dtypeCode) else {
            throw CairnError(
                path: path, kind: .malformed("unknown dtype code \(dtypeCode)"), tensor: name, offset: dtypeOffset)
        }
        guard let role = TensorRole(diskCode: roleCode) else {
            throw CairnError(
                path: path, kind: .malformed("unknown role code \(roleCode)"), tensor: name, offset: dtypeOffset + 1)
        }
        guard rank <= FormatLimits.maxRank else {
            throw CairnError(
                path: path, kind: .limitExceeded("rank \(rank) (limit \(FormatLimits.maxRank))"), tensor: name,
                offset: dtypeOffset + 2)
        }
        var shape: [Int] = []
        var elements: Int64 = 1
        for _ in 0..<rank {
            let dimension = try entry.read(UInt64.self, "dimension")
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int64(truncatingIfNeeded: dimension))
            guard dimension <= UInt64(FormatLimits.maxElementCount), !overflow, product <= FormatLimits.maxElementCount
            else {
                throw entry.error(.limitExceeded("shape has more than \(FormatLimits.maxElementCount) elements"))
            }
            elements = product
            shape.append(Int(dimension))
        }
        let statistics = try TensorStatistics.decode(from: &entry, elementCount: elements, dtype: dtype)
        let chunkCount = Int(try entry.read(UInt32.self, "chunk count"))
        try entry.expectZeros(4, "chunk count reserved field")
        guard chunkCount <= entry.remaining / minimumChunkRecordSize else {
            throw entry.error(.malformed("\(chunkCount) chunks declared, more than the entry can hold"))
        }
        var chunks: [ChunkInfo] = []
        chunks.reserveCapacity(chunkCount)
        var rawTotal: Int64 = 0
        let rawNeeded = elements * Int64(dtype.byteSize)
        for index in 0..<chunkCount {
            let recordOffset = entry.currentFileOffset
            let chunk = try ChunkRecordDecoder.decode(
                &entry, index: index, dtype: dtype, expectedOffset: nextChunkOffset, dataRegion: dataRegion)
            nextChunkOffset += chunk.storedLength
            rawTotal += chunk.rawLength
            // Every chunk but the last has chunk 0's raw length; the last is not longer (spec section 6).
            if index > 0, chunk.rawLength > chunks[0].rawLength || chunks[index - 1].rawLength != chunks[0].rawLength {
                throw CairnError(
                    path: path, kind: .malformed("chunks of uneven raw length (only the last may be shorter)"),
                    tensor: name, chunk: index, offset: recordOffset)
            }
            guard rawTotal <= rawNeeded else {
                throw CairnError(
                    path: path, kind: .malformed("chunks hold more than the \(rawNeeded) raw bytes of shape \(shape)"),
                    tensor: name, chunk: index, offset: recordOffset)
            }
            chunks.append(chunk)
        }
        guard rawTotal == elements * Int64(dtype.byteSize) else {
            throw CairnError(
                path: path,
                kind: .malformed(
                    "chunks hold \(rawTotal) raw bytes but shape \(shape) of \(dtype.name) needs \(elements * Int64(dtype.byteSize))"
                ),
                tensor: name, offset: dtypeOffset)
        }
        // Remaining bytes of the entry belong to later minor versions: skipped (they are covered by the index CRC).
        return TensorInfo(name: name, dtype: dtype, shape: shape, role: role, statistics: statistics, chunks: chunks)
    }
}
