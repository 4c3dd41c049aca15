/// Decodes and checks one chunk record of a tensor directory entry (layout: see `ChunkInfo`).
enum ChunkRecordDecoder {
    static func decode(
        _ entry: inout ByteCursor, index: Int, dtype: DType, expectedOffset: Int64,
        dataRegion: Range<Int64>
    ) throws -> ChunkInfo {
        let recordOffset = entry.currentFileOffset
        func fail(_ kind: CairnError.Kind) -> CairnError {
            CairnError(path: entry.path, kind: kind, tensor: entry.tensor, chunk: index, offset: recordOffset)
        }
        let offset = try entry.read(UInt64.self, "chunk offset")
        let stored = try entry.read(UInt64.self, "chunk stored length")
        let raw = try entry.read(UInt64.self, "chunk raw length")
        let rawCRC = try entry.read(UInt32.self, "chunk raw CRC")
        let storedCRC = try entry.read(UInt32.self, "chunk stored CRC")
        let filterCode = try entry.read(UInt8.self, "chunk filter")
        let planeCount = Int(try entry.read(UInt8.self, "chunk plane count"))
        try entry.expectZeros(2, "chunk reserved field")
        guard offset == UInt64(expectedOffset) else {
            throw fail(
                .malformed(
                    "chunk at byte \(offset), expected \(expectedOffset) (chunks must follow each other without gaps)"))
        }
        guard stored > 0, stored <= UInt64(dataRegion.upperBound - expectedOffset) else {
            throw fail(
                .malformed(
                    "chunk of \(stored) stored bytes does not fit in the data region ending at \(dataRegion.upperBound)"
                ))
        }
        guard raw > 0, raw <= UInt64(FormatLimits.maxChunkRawBytes) else {
            throw fail(.limitExceeded("chunk raw length \(raw) (must be 1...\(FormatLimits.maxChunkRawBytes))"))
        }
        guard let filter = ChunkFilter(rawValue: filterCode) else {
            throw fail(.unsupportedFeature("chunk filter code \(filterCode)"))
        }
        let expectedPlanes = filter == .shuffle ? dtype.byteSize : 1
        guard planeCount == expectedPlanes, raw % UInt64(dtype.byteSize) == 0 else {
            throw fail(
                .malformed(
                    "\(planeCount) planes and \(raw) raw bytes for filter \(filter) on \(dtype.name) (need \(expectedPlanes) planes and whole elements)"
                ))
        }
        let planeRaw = Int64(raw) / Int64(planeCount)
        var planes: [PlaneInfo] = []
        var storedSum: Int64 = 0
        for _ in 0..<planeCount {
            let codecCode = try entry.read(UInt8.self, "plane codec")
            try entry.expectZeros(3, "plane reserved bytes")
            let planeStored = Int64(try entry.read(UInt32.self, "plane stored length"))
            guard let codec = PlaneCodec(rawValue: codecCode) else {
                throw fail(.unsupportedFeature("plane codec code \(codecCode)"))
            }
            switch codec {
            case .stored:
                guard planeStored == planeRaw else {
                    throw fail(.malformed("stored plane of \(planeStored) bytes, raw plane is \(planeRaw)"))
                }
            case .deflate, .deflateHuffman:
                guard planeStored > 0 else { throw fail(.malformed("empty deflate plane")) }
                guard planeRaw <= planeStored * FormatLimits.maxDeflateExpansion + FormatLimits.deflateExpansionSlack
                else {
                    throw fail(
                        .limitExceeded(
                            "deflate plane of \(planeStored) bytes declares \(planeRaw) raw bytes, beyond deflate's expansion limit"
                        ))
                }
            }
            storedSum += planeStored
            planes.append(PlaneInfo(codec: codec, storedLength: planeStored))
        }
        guard storedSum == Int64(stored) else {
            throw fail(.malformed("planes hold \(storedSum) stored bytes, chunk declares \(stored)"))
        }
        return ChunkInfo(
            offset: Int64(offset), storedLength: Int64(stored), rawLength: Int64(raw), crc32: rawCRC,
            storedCRC32: storedCRC, filter: filter, planes: planes)
    }
}
