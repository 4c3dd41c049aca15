import CairnFormat
import Foundation

/// Compares two tensors of the same element count piece by piece on all cores, never holding either
/// whole: the pieces are the `.cairn` chunks when a side has them (so each chunk is decoded once), else
/// blocks of `blockElements`. When both sides are `.cairn` files with the same chunk layout, a chunk
/// whose stored length, raw length, CRC-32s and encoding are equal on both sides is known equal
/// without being inflated; a tensor made only of such chunks is not read at all.
struct StreamingTensorComparison {
    /// One piece of the comparison: a range of elements, and whether it is a chunk known to be equal.
    struct Piece {
        var elements: Range<Int>
        var knownEqual: Bool
    }

    /// The outcome for one tensor.
    struct Outcome {
        var accumulator: TensorDifferenceAccumulator
        /// Chunks known equal from their CRCs and lengths.
        var chunksKnownEqual: Int
        /// Whether no data was read at all (every chunk known equal).
        var skipped: Bool
    }

    /// Elements per piece when neither side is a `.cairn` file (1 MiB of f32).
    static let blockElements = 262_144

    let a: TensorRangeReader
    let b: TensorRangeReader
    let tolerance: DiffTolerance
    let pool: DiffScratchPool
    let threads: Int

    /// Whether two chunks are known to hold the same bytes: same lengths, CRC-32s and encoding.
    static func sameStoredChunk(_ x: ChunkInfo, _ y: ChunkInfo) -> Bool {
        x.storedLength == y.storedLength && x.rawLength == y.rawLength && x.crc32 == y.crc32
            && x.storedCRC32 == y.storedCRC32 && x.filter == y.filter && x.planes == y.planes
    }

    /// The pieces, in element order.
    func pieces() -> [Piece] {
        let count = a.entry.elementCount
        if a.entry.dtype == b.entry.dtype, let chunksA = a.cairnChunks, let chunksB = b.cairnChunks,
           chunksA.map(\.rawLength) == chunksB.map(\.rawLength), let pieces = chunkPieces(chunksA, dtype: a.entry.dtype) {
            return zip(pieces, zip(chunksA, chunksB)).map { Piece(elements: $0.0, knownEqual: Self.sameStoredChunk($0.1.0, $0.1.1)) }
        }
        for side in [a, b] {
            if let chunks = side.cairnChunks, let pieces = chunkPieces(chunks, dtype: side.entry.dtype) {
                return pieces.map { Piece(elements: $0, knownEqual: false) }
            }
        }
        return stride(from: 0, to: count, by: Self.blockElements).map {
            Piece(elements: $0..<min($0 + Self.blockElements, count), knownEqual: false)
        }
    }

    /// Element ranges of `.cairn` chunks, or nil when a chunk does not hold whole elements.
    private func chunkPieces(_ chunks: [ChunkInfo], dtype: DType) -> [Range<Int>]? {
        var ranges: [Range<Int>] = [], start = 0
        for chunk in chunks {
            guard chunk.rawLength % Int64(dtype.byteSize) == 0 else { return nil }
            let end = start + Int(chunk.rawLength) / dtype.byteSize
            ranges.append(start..<end)
            start = end
        }
        return start == a.entry.elementCount ? ranges : nil
    }

    /// Compares the two tensors. Throws the first read error (damage or I/O), naming file, tensor, chunk.
    func run() throws -> Outcome {
        let pieces = pieces()
        let knownEqual = pieces.filter(\.knownEqual).count
        let nanFree = tolerance.equalNaN || (a.cairnStatistics?.nanCount ?? 1) == 0
        if !pieces.isEmpty && knownEqual == pieces.count && nanFree {
            var accumulator = TensorDifferenceAccumulator()
            accumulator.addIdentical(count: a.entry.elementCount, sumSquares: 0)
            return Outcome(accumulator: accumulator, chunksKnownEqual: knownEqual, skipped: true)
        }
        var results = [Result<TensorDifferenceAccumulator, Error>?](repeating: nil, count: pieces.count)
        results.withUnsafeMutableBufferPointer { slots in
            func body(_ index: Int) {
                let scratch = pool.take()
                defer { pool.put(scratch) }
                slots[index] = Result { try compare(pieces[index], scratch: scratch) }
            }
            if pieces.count <= 1 || threads <= 1 {
                for index in pieces.indices { body(index) }
            } else {
                DispatchQueue.concurrentPerform(iterations: pieces.count) { body($0) }
            }
        }
        var total = TensorDifferenceAccumulator()
        for result in results {
            switch result {
            case .success(let accumulator): total.append(accumulator)
            case .failure(let error): throw error
            case nil: break
            }
        }
        try a.finish()
        try b.finish()
        return Outcome(accumulator: total, chunksKnownEqual: knownEqual, skipped: false)
    }

    /// Compares one piece. A chunk known equal is read from the first file only (for the norms).
    private func compare(_ piece: Piece, scratch: DiffScratch) throws -> TensorDifferenceAccumulator {
        let n = piece.elements.count
        let sizeA = a.entry.dtype.byteSize, sizeB = b.entry.dtype.byteSize
        let bytesA = scratch.bytesA(n * sizeA)
        try a.read(at: piece.elements.lowerBound * sizeA, into: bytesA, scratch: scratch)
        let bytesB: UnsafeMutableRawBufferPointer
        if piece.knownEqual {
            bytesB = bytesA
        } else {
            bytesB = scratch.bytesB(n * sizeB)
            try b.read(at: piece.elements.lowerBound * sizeB, into: bytesB, scratch: scratch)
        }
        var accumulator = TensorDifferenceAccumulator()
        let base = piece.elements.lowerBound
        switch (a.entry.dtype, b.entry.dtype) {
        case (.f32, .f32):
            accumulator.add(UnsafeBufferPointer(bytesA.bindMemory(to: Float.self)), UnsafeBufferPointer(bytesB.bindMemory(to: Float.self)),
                            base: base, tolerance: tolerance)
        case (.f64, .f64):
            accumulator.add(UnsafeBufferPointer(bytesA.bindMemory(to: Double.self)), UnsafeBufferPointer(bytesB.bindMemory(to: Double.self)),
                            base: base, tolerance: tolerance)
        default:
            let x = scratch.doublesA(n), y = scratch.doublesB(n)
            ElementConversion.doubles(a.entry.dtype, UnsafeRawBufferPointer(bytesA), into: x)
            ElementConversion.doubles(b.entry.dtype, UnsafeRawBufferPointer(bytesB), into: y)
            accumulator.add(UnsafeBufferPointer(x), UnsafeBufferPointer(y), base: base, tolerance: tolerance)
        }
        return accumulator
    }
}
