import CairnFormat
import CairnModel

/// Tensors held in memory, read as a file's would be (for comparing a replayed run with a checkpoint).
public struct InMemoryTensorSource: PiecewiseTensorSource {
    public let path: String
    public let entries: [TensorEntry]
    private let data: [[UInt8]]

    /// The tensors of `checkpoint` as f32, and its epoch order as the i64 buffer `training.order`,
    /// exactly as `Checkpoint.save` writes them.
    public init(checkpoint: Checkpoint, label: String) {
        path = label
        var entries = checkpoint.tensors.map { TensorEntry(name: $0.name, dtype: .f32, shape: $0.shape, role: $0.role) }
        var data = checkpoint.tensors.map { saved in saved.values.withUnsafeBytes { [UInt8]($0) } }
        if !checkpoint.order.isEmpty {
            entries.append(
                TensorEntry(
                    name: Checkpoint.orderTensorName, dtype: .i64, shape: [checkpoint.order.count], role: .buffer))
            data.append(checkpoint.order.map { Int64($0).littleEndian }.withUnsafeBytes { [UInt8]($0) })
        }
        self.entries = entries
        self.data = data
    }

    public func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        scratch = data[index]
        return scratch.indices
    }

    public func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard offset >= 0, offset + buffer.count <= data[index].count else {
            throw CairnError(path: path, kind: .invalidArgument("read past the end of \(entries[index].name)"))
        }
        data[index].withUnsafeBytes {
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + buffer.count)]))
        }
    }
}
