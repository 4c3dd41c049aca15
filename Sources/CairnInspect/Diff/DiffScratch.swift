import CairnFormat
import Foundation

/// One worker's reusable memory for comparing: the two sides' raw and stored bytes, a chunk buffer for chunks
/// that straddle a range, doubles for dtypes compared by conversion, and a chunk decoder. Workers take
/// one from a `DiffScratchPool`, so memory is bounded by the number of workers, not by the model.
final class DiffScratch {
    let chunkContext = ChunkReadContext()
    private var buffers: [UnsafeMutableRawBufferPointer] = Array(
        repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0), count: 7)

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    private func buffer(_ slot: Int, _ count: Int) -> UnsafeMutableRawBufferPointer {
        if buffers[slot].count < count {
            buffers[slot].deallocate()
            buffers[slot] = .allocate(byteCount: max(count, 64), alignment: 64)
        }
        return UnsafeMutableRawBufferPointer(rebasing: buffers[slot][0..<count])
    }

    /// The first file's bytes.
    func bytesA(_ count: Int) -> UnsafeMutableRawBufferPointer { buffer(0, count) }
    /// The second file's bytes.
    func bytesB(_ count: Int) -> UnsafeMutableRawBufferPointer { buffer(1, count) }
    /// One decoded chunk that only partly overlaps a range.
    func chunkBuffer(_ count: Int) -> UnsafeMutableRawBufferPointer { buffer(2, count) }
    /// A chunk's stored (compressed) bytes, of the first (slot 0) or second (slot 1) file.
    func storedBytes(_ slot: Int, _ count: Int) -> UnsafeMutableRawBufferPointer { buffer(5 + slot, count) }
    /// The first file's values as doubles.
    func doublesA(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        buffer(3, count * 8).bindMemory(to: Double.self)
    }
    /// The second file's values as doubles.
    func doublesB(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        buffer(4, count * 8).bindMemory(to: Double.self)
    }
}

/// Scratch memory shared by the workers of one comparison (taken and returned under a lock).
final class DiffScratchPool: Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`; a scratch taken out is used by one thread until it is put back. Not a `Mutex`:
    /// Swift 6 rejects moving a non-Sendable value into a `Mutex` from its closure (swiftlang/swift#77199).
    nonisolated(unsafe) private var free: [DiffScratch] = []

    func take() -> DiffScratch { lock.withLock { free.popLast() } ?? DiffScratch() }
    func put(_ scratch: DiffScratch) { lock.withLock { free.append(scratch) } }
}
