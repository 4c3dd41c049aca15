import CairnFormat
import Foundation

/// Reads any byte range of one tensor of one file, from several threads at once, never the whole
/// tensor unless the file allows nothing else (a deflated `.npz` member, loaded once).
///
/// - `.cairn`: decodes the chunks that overlap the range, straight into the destination when a chunk
///   lies wholly inside it, else through the worker's scratch.
/// - safetensors, stored `.npz` members, in-memory tensors: positioned reads of exactly the range.
final class TensorRangeReader: Sendable {
    enum Storage {
        case cairn(CairnReader, TensorInfo, chunkStarts: [Int])
        case piecewise(PiecewiseTensorSource, Int)
        case loaded([UInt8], Range<Int>)
    }

    let path: String
    let entry: TensorEntry
    let storage: Storage

    /// Prepares to read tensor `index` of `source`; loads it whole only when it cannot be read piecewise.
    init(source: TensorSource, index: Int) throws {
        path = source.path
        entry = source.entries[index]
        if let cairn = source as? CairnTensorSource, let info = cairn.reader.info(named: entry.name) {
            var starts: [Int] = [], offset = 0
            for chunk in info.chunks {
                starts.append(offset)
                offset += Int(chunk.rawLength)
            }
            storage = .cairn(cairn.reader, info, chunkStarts: starts)
        } else if let piecewise = source as? PiecewiseTensorSource, piecewise.readsPiecewise(index) {
            storage = .piecewise(piecewise, index)
        } else {
            var bytes: [UInt8] = []
            let range = try source.load(index, into: &bytes)
            storage = .loaded(bytes, range)
        }
    }

    /// The tensor's chunks when it is in a `.cairn` file.
    var cairnChunks: [ChunkInfo]? {
        if case .cairn(_, let info, _) = storage { return info.chunks }
        return nil
    }

    /// The byte offsets where the tensor's `.cairn` chunks start.
    var chunkStarts: [Int]? {
        if case .cairn(_, _, let starts) = storage { return starts }
        return nil
    }

    /// Fills `destination` with the tensor's bytes from `offset`.
    func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer, scratch: DiffScratch) throws {
        guard destination.count > 0 else { return }
        switch storage {
        case .piecewise(let source, let index):
            try source.read(index, at: offset, into: destination)
        case .loaded(let bytes, let range):
            bytes.withUnsafeBytes { all in
                destination.copyMemory(
                    from: UnsafeRawBufferPointer(
                        rebasing: all[(range.lowerBound + offset)..<(range.lowerBound + offset + destination.count)]))
            }
        case .cairn(let reader, let info, let starts):
            let end = offset + destination.count
            // The last chunk starting at or before `offset`.
            var low = 0, high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            var chunk = low
            while chunk < info.chunks.count && starts[chunk] < end {
                let start = starts[chunk], length = Int(info.chunks[chunk].rawLength)
                let from = max(start, offset), to = min(start + length, end)
                if from == start && to == start + length {
                    try reader.readChunk(
                        info.name, chunk,
                        into: UnsafeMutableRawBufferPointer(rebasing: destination[(from - offset)..<(to - offset)]),
                        context: scratch.chunkContext)
                } else {
                    let buffer = scratch.chunkBuffer(length)
                    try reader.readChunk(info.name, chunk, into: buffer, context: scratch.chunkContext)
                    UnsafeMutableRawBufferPointer(rebasing: destination[(from - offset)..<(to - offset)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[(from - start)..<(to - start)]))
                }
                chunk += 1
            }
        }
    }

    /// Reads `.cairn` chunk `index` as stored into the worker's stored-bytes slot `slot` and checks its
    /// stored CRC-32 (damage throws, naming file, tensor and chunk). Nil for other files.
    func readStored(chunk index: Int, scratch: DiffScratch, slot: Int) throws -> UnsafeMutableRawBufferPointer? {
        guard case .cairn(let reader, let info, _) = storage else { return nil }
        let buffer = scratch.storedBytes(slot, Int(info.chunks[index].storedLength))
        try reader.readStoredChunk(info.name, index, into: buffer)
        return buffer
    }

    /// Called once every piece has been read (checks an npz member's CRC-32 from the pieces).
    func finish() throws {
        if case .piecewise(let source, let index) = storage { try source.finishPiecewise(index) }
    }
}

extension TensorRangeReader {
    /// Reads the whole tensor piece by piece on all cores and throws if any piece is damaged (for
    /// tensors that are reported, not compared: added, removed, reshaped), so damage is never missed.
    func check(pool: DiffScratchPool) throws {
        let size = entry.dtype.byteSize, count = entry.elementCount
        let starts = Array(stride(from: 0, to: count, by: StreamingTensorComparison.blockElements))
        var failures = [Error?](repeating: nil, count: starts.count)
        failures.withUnsafeMutableBufferPointer { failed in
            // Piece `piece` writes only `failed[piece]`; all pieces end before `failures` is read.
            nonisolated(unsafe) let failed = failed
            DispatchQueue.concurrentPerform(iterations: starts.count) { piece in
                let scratch = pool.take()
                defer { pool.put(scratch) }
                let elements = min(StreamingTensorComparison.blockElements, count - starts[piece])
                do {
                    try read(at: starts[piece] * size, into: scratch.bytesA(elements * size), scratch: scratch)
                } catch {
                    failed[piece] = error
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        try finish()
    }

    /// The directory statistics of a `.cairn` tensor (NaN count and more), nil for other files.
    var cairnStatistics: TensorStatistics? {
        if case .cairn(_, let info, _) = storage { return info.statistics }
        return nil
    }
}
