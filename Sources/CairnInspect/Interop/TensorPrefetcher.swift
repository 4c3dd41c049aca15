import Dispatch

/// Streams a source's tensors to a body, reading tensor k+1 on another thread while the body writes
/// tensor k, so reading the input overlaps compressing the output. Holds two tensor buffers, reused
/// from tensor to tensor.
final class TensorPrefetcher {
    private final class Slot: @unchecked Sendable {
        var bytes: [UInt8] = []
        var range: Range<Int> = 0..<0
        var error: Error?
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
        current.range = try source.load(first, into: &current.bytes)
        for (position, index) in indices.enumerated() {
            let group = DispatchGroup()
            if position + 1 < indices.count {
                let following = indices[position + 1], slot = next, source = self.source
                queue.async(group: group) {
                    do { slot.range = try source.load(following, into: &slot.bytes) } catch { slot.error = error }
                }
            }
            let range = current.range
            let result = Result { try current.bytes.withUnsafeBytes { try body(index, UnsafeRawBufferPointer(rebasing: $0[range])) } }
            group.wait()
            try result.get()
            if let error = next.error { throw error }
            swap(&current, &next)
        }
    }
}
