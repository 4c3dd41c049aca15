import Dispatch
import Synchronization

/// Streams a source's tensors to a body, reading tensor k+1 on another thread while the body writes
/// tensor k, so reading the input overlaps compressing the output. Holds two tensor buffers, reused
/// from tensor to tensor.
final class TensorPrefetcher {
    /// A tensor buffer, filled on `queue` while the other is in use on the caller's thread; each is locked
    /// once per tensor.
    private final class Slot: Sendable {
        struct Contents {
            var bytes: [UInt8] = []
            var range: Range<Int> = 0..<0
            var error: Error?
        }

        let contents = Mutex(Contents())
    }

    private let source: TensorSource
    private let queue = DispatchQueue(label: "cairn.convert.prefetch")

    init(source: TensorSource) {
        self.source = source
    }

    /// Calls `body` with each tensor of `indices`, in order.
    func forEach(_ indices: [Int], _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        guard let first = indices.first else { return }
        var current = Slot(), next = Slot()
        try current.contents.withLock { $0.range = try source.load(first, into: &$0.bytes) }
        for (position, index) in indices.enumerated() {
            let group = DispatchGroup()
            if position + 1 < indices.count {
                let following = indices[position + 1], slot = next, source = self.source
                queue.async(group: group) {
                    slot.contents.withLock { slot in
                        do { slot.range = try source.load(following, into: &slot.bytes) } catch { slot.error = error }
                    }
                }
            }
            let result = current.contents.withLock { current in
                let range = current.range
                return Result {
                    try current.bytes.withUnsafeBytes { try body(index, UnsafeRawBufferPointer(rebasing: $0[range])) }
                }
            }
            group.wait()
            try result.get()
            if let error = next.contents.withLock({ $0.error }) { throw error }
            swap(&current, &next)
        }
    }
}
