/// Reads and decodes one chunk at a time: positioned read, inflate each plane within its declared
/// length, unshuffle, CRC. Owns its scratch buffers; one decoder per in-flight chunk.
final class ChunkDecoder {
    private var stored = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var planes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var raw = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    deinit {
        stored.deallocate()
        planes.deallocate()
        raw.deallocate()
    }

    private static func ensure(_ buffer: inout UnsafeMutableRawBufferPointer, _ count: Int) {
        guard buffer.count < count else { return }
        buffer.deallocate()
        buffer = .allocate(byteCount: count, alignment: 16)
    }

    /// Decodes into the decoder's own buffer (for verification).
    func verify(_ chunk: ChunkInfo, index: Int, tensor: String, dtype: DType, from source: FileSource) -> CairnError? {
        Self.ensure(&raw, Int(chunk.rawLength))
        let destination = UnsafeMutableRawBufferPointer(rebasing: raw[0..<Int(chunk.rawLength)])
        return decode(
            chunk, index: index, tensor: tensor, dtype: dtype, from: source, into: destination, checkStored: true)
    }

    /// Decodes `chunk` of a `dtype` tensor into `destination` (exactly `chunk.rawLength` bytes), checking in the
    /// order of spec section 10: stored CRC (when `checkStored`), decoding, raw CRC, bool values. Returns the
    /// error, if any.
    func decode(
        _ chunk: ChunkInfo, index: Int, tensor: String, dtype: DType, from source: FileSource,
        into destination: UnsafeMutableRawBufferPointer, checkStored: Bool
    ) -> CairnError? {
        precondition(destination.count == Int(chunk.rawLength))
        func failure(_ kind: CairnError.Kind, at offset: Int64 = chunk.offset) -> CairnError {
            CairnError(path: source.path, kind: kind, tensor: tensor, chunk: index, offset: offset)
        }
        do {
            let storedCount = Int(chunk.storedLength)
            if chunk.filter == .none && chunk.planes.first?.codec == .stored {
                try source.read(into: destination, at: chunk.offset)
                if checkStored && CRC32.checksum(UnsafeRawBufferPointer(destination)) != chunk.storedCRC32 {
                    return failure(.checksumMismatch)
                }
            } else {
                Self.ensure(&stored, storedCount)
                let input = UnsafeMutableRawBufferPointer(rebasing: stored[0..<storedCount])
                try source.read(into: input, at: chunk.offset)
                if checkStored && CRC32.checksum(UnsafeRawBufferPointer(input)) != chunk.storedCRC32 {
                    return failure(.checksumMismatch)
                }
                if let error = decodePlanes(
                    chunk, input: UnsafeRawBufferPointer(input), into: destination, failure: failure)
                {
                    // Reads skip the stored CRC for speed; a chunk that fails to decode is checked now, so
                    // damage (a flipped bit) is called damage rather than bad deflate data.
                    if !checkStored && CRC32.checksum(UnsafeRawBufferPointer(input)) != chunk.storedCRC32 {
                        return failure(.checksumMismatch)
                    }
                    return error
                }
            }
        } catch let error as CairnError {
            var located = error
            located.tensor = tensor
            located.chunk = index
            return located
        } catch {
            return CairnError(
                .io, path: source.path, tensor: tensor, chunk: index, offset: chunk.offset, "I/O error", cause: error)
        }
        if CRC32.checksum(UnsafeRawBufferPointer(destination)) != chunk.crc32 {
            return failure(.checksumMismatch)
        }
        if dtype == .bool, let bad = destination.firstIndex(where: { $0 > 1 }) {
            return failure(.malformed("bool element \(bad) of the chunk holds \(destination[bad]), not 0 or 1"))
        }
        return nil
    }

    private func decodePlanes(
        _ chunk: ChunkInfo, input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
        failure: (CairnError.Kind, Int64) -> CairnError
    ) -> CairnError? {
        let planeCount = chunk.planes.count
        let planeRaw = Int(chunk.rawLength) / planeCount
        if chunk.filter == .shuffle { Self.ensure(&planes, Int(chunk.rawLength)) }
        var pointers: [UnsafeRawPointer] = []
        pointers.reserveCapacity(planeCount)
        var position = 0
        for (number, plane) in chunk.planes.enumerated() {
            let length = Int(plane.storedLength)
            let bytes = UnsafeRawBufferPointer(rebasing: input[position..<(position + length)])
            let planeOffset = chunk.offset + Int64(position)
            position += length
            let target =
                chunk.filter == .shuffle
                ? UnsafeMutableRawBufferPointer(rebasing: planes[(number * planeRaw)..<((number + 1) * planeRaw)])
                : destination
            switch plane.codec {
            case .stored:
                pointers.append(bytes.baseAddress!)
                if chunk.filter == .none { target.copyMemory(from: bytes) }
            case .deflate, .deflateHuffman:
                if let problem = Deflate.decompress(bytes, into: target) {
                    let why: String
                    switch problem {
                    case .corrupt(let message): why = "plane \(number): invalid deflate data (\(message))"
                    case .tooLong:
                        why =
                            "plane \(number): inflates to more than its declared \(planeRaw) bytes (decompression bomb?)"
                    case .lengthMismatch:
                        why =
                            "plane \(number): deflate stream does not produce exactly \(planeRaw) bytes from exactly \(length)"
                    }
                    return failure(.malformed(why), planeOffset)
                }
                pointers.append(UnsafeRawPointer(target.baseAddress!))
            }
        }
        if chunk.filter == .shuffle {
            ByteShuffle.unshuffle(planes: pointers, count: planeRaw, into: destination.baseAddress!)
        }
        return nil
    }
}
