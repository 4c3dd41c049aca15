import CairnFormat
import Foundation

/// Compares two tensors of the same element count piece by piece on all cores, never holding either
/// whole: the pieces are the `.cairn` chunks when a side has them (so each chunk is decoded once), else
/// blocks of `blockElements`. When both sides are `.cairn` files with the same chunk layout, a chunk
/// whose lengths, CRC-32s and encoding are equal on both sides is a candidate: its stored bytes are
/// read from both files, their CRC-32s checked (so damage is still found) and compared byte for byte;
/// when equal, the chunk is known equal without inflating either side. A tensor made only of such
/// chunks is never inflated; in a tensor that also has other chunks, the first file's copy of an equal
/// chunk is inflated once, for the norms.
struct StreamingTensorComparison {
    /// One piece of the comparison: a range of elements, and whether it is a chunk known to be equal.
    struct Piece {
        var elements: Range<Int>
        /// The chunk, when both files have it with equal directory records (a candidate for equality).
        var candidateChunk: Int?
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
            chunksA.map(\.rawLength) == chunksB.map(\.rawLength),
            let pieces = chunkPieces(chunksA, dtype: a.entry.dtype)
        {
            return pieces.indices.map {
                Piece(elements: pieces[$0], candidateChunk: Self.sameStoredChunk(chunksA[$0], chunksB[$0]) ? $0 : nil)
            }
        }
        for side in [a, b] {
            if let chunks = side.cairnChunks, let pieces = chunkPieces(chunks, dtype: side.entry.dtype) {
                return pieces.map { Piece(elements: $0, candidateChunk: nil) }
            }
        }
        return stride(from: 0, to: count, by: Self.blockElements).map {
            Piece(elements: $0..<min($0 + Self.blockElements, count), candidateChunk: nil)
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
    func run() throws -> Outcome { try Self.run([self])[0].get() }

    /// Compares several pairs of tensors with one parallel loop per step over the pieces of all of them, so
    /// no core waits at the end of each tensor for the other to finish its last piece. Each outcome, or
    /// error, is the one `run()` gives for that pair alone (the first read error in piece order); the
    /// comparisons must share `threads` and `pool`. The caller throws the first error in pair order.
    static func run(_ comparisons: [StreamingTensorComparison]) -> [Result<Outcome, Error>] {
        guard let first = comparisons.first else { return [] }
        var pieces = comparisons.map { $0.pieces() }
        var outcomes = [Result<Outcome, Error>?](repeating: nil, count: comparisons.count)
        // Pairs made only of chunks with equal directory records: are their stored bytes equal?
        let candidates = comparisons.indices.filter { pair in
            let nanFree =
                comparisons[pair].tolerance.equalNaN || (comparisons[pair].a.cairnStatistics?.nanCount ?? 1) == 0
            return !pieces[pair].isEmpty && nanFree && pieces[pair].allSatisfy { $0.candidateChunk != nil }
        }
        let storedWork = candidates.flatMap { pair in pieces[pair].indices.map { (pair, $0) } }
        let stored = first.parallel(storedWork.count) { index, scratch in
            let (pair, piece) = storedWork[index]
            return try comparisons[pair].storedEqual(pieces[pair][piece].candidateChunk ?? 0, scratch: scratch)
        }
        var position = 0
        for pair in candidates {
            let results = stored[position..<(position + pieces[pair].count)]
            position += pieces[pair].count
            var failure: Error? = nil, equal: [Bool] = []
            for result in results {
                switch result {
                case .success(let same): equal.append(same)
                case .failure(let error): failure = failure ?? error
                }
            }
            if let failure {
                outcomes[pair] = .failure(failure)
            } else if equal.allSatisfy({ $0 }) {
                var accumulator = TensorDifferenceAccumulator()
                accumulator.addIdentical(count: comparisons[pair].a.entry.elementCount, sumSquares: 0)
                outcomes[pair] = .success(
                    Outcome(accumulator: accumulator, chunksKnownEqual: pieces[pair].count, skipped: true))
            } else {
                for piece in pieces[pair].indices where !equal[piece] { pieces[pair][piece].candidateChunk = nil }
            }
        }
        // Every other pair, piece by piece.
        let remaining = comparisons.indices.filter { outcomes[$0] == nil }
        let work = remaining.flatMap { pair in pieces[pair].indices.map { (pair, $0) } }
        let compared = first.parallel(work.count) { index, scratch in
            let (pair, piece) = work[index]
            return try comparisons[pair].compare(pieces[pair][piece], scratch: scratch)
        }
        position = 0
        for pair in remaining {
            let results = compared[position..<(position + pieces[pair].count)]
            position += pieces[pair].count
            outcomes[pair] = Result {
                var total = TensorDifferenceAccumulator(), knownEqual = 0
                for result in results {
                    let (accumulator, equal) = try result.get()
                    total.append(accumulator)
                    if equal { knownEqual += 1 }
                }
                try comparisons[pair].a.finish()
                try comparisons[pair].b.finish()
                return Outcome(accumulator: total, chunksKnownEqual: knownEqual, skipped: false)
            }
        }
        return outcomes.compactMap { $0 }  // every pair has its outcome by now
    }

    /// Runs `body` for `0..<count` on all cores (serially with one thread), each call with a worker's
    /// scratch; results in index order.
    private func parallel<T>(_ count: Int, _ body: (Int, DiffScratch) throws -> T) -> [Result<T, Error>] {
        var results = [Result<T, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            func run(_ index: Int) {
                let scratch = pool.take()
                defer { pool.put(scratch) }
                slots[index] = Result { try body(index, scratch) }
            }
            if count <= 1 || threads <= 1 {
                for index in 0..<count { run(index) }
            } else {
                withoutActuallyEscaping(run) { run in
                    // `concurrentPerform` takes a `@Sendable` closure. Call `index` writes only `slots[index]` and
                    // uses its own scratch; the bodies read shared state only; all calls end before the return.
                    nonisolated(unsafe) let run = run
                    DispatchQueue.concurrentPerform(iterations: count) { run($0) }
                }
            }
        }
        return results.map { $0! }  // every call has filled its slot
    }

    /// Whether chunk `index` holds the same stored bytes in both files (each checked against its CRC-32).
    private func storedEqual(_ index: Int, scratch: DiffScratch) throws -> Bool {
        guard let x = try a.readStored(chunk: index, scratch: scratch, slot: 0),
            let y = try b.readStored(chunk: index, scratch: scratch, slot: 1)
        else { return false }
        guard x.count == y.count else { return false }
        guard let first = x.baseAddress, let second = y.baseAddress else { return true }  // both empty
        return memcmp(first, second, x.count) == 0
    }

    /// Compares one piece; also says whether it was a chunk known equal from its stored bytes (then only
    /// the first file's copy is inflated, for the norms).
    private func compare(_ piece: Piece, scratch: DiffScratch) throws -> (TensorDifferenceAccumulator, Bool) {
        let n = piece.elements.count
        let knownEqual = try piece.candidateChunk.map { try storedEqual($0, scratch: scratch) } ?? false
        let sizeA = a.entry.dtype.byteSize, sizeB = b.entry.dtype.byteSize
        let bytesA = scratch.bytesA(n * sizeA)
        try a.read(at: piece.elements.lowerBound * sizeA, into: bytesA, scratch: scratch)
        let bytesB: UnsafeMutableRawBufferPointer
        if knownEqual {
            bytesB = bytesA
        } else {
            bytesB = scratch.bytesB(n * sizeB)
            try b.read(at: piece.elements.lowerBound * sizeB, into: bytesB, scratch: scratch)
        }
        var accumulator = TensorDifferenceAccumulator()
        let base = piece.elements.lowerBound
        switch (a.entry.dtype, b.entry.dtype) {
        case (.f32, .f32):
            accumulator.add(
                UnsafeBufferPointer(bytesA.bindMemory(to: Float.self)),
                UnsafeBufferPointer(bytesB.bindMemory(to: Float.self)),
                base: base, tolerance: tolerance)
        case (.f64, .f64):
            accumulator.add(
                UnsafeBufferPointer(bytesA.bindMemory(to: Double.self)),
                UnsafeBufferPointer(bytesB.bindMemory(to: Double.self)),
                base: base, tolerance: tolerance)
        default:
            let x = scratch.doublesA(n), y = scratch.doublesB(n)
            ElementConversion.doubles(a.entry.dtype, UnsafeRawBufferPointer(bytesA), into: x)
            ElementConversion.doubles(b.entry.dtype, UnsafeRawBufferPointer(bytesB), into: y)
            accumulator.add(UnsafeBufferPointer(x), UnsafeBufferPointer(y), base: base, tolerance: tolerance)
        }
        return (accumulator, knownEqual)
    }
}
