import CairnFormat
import Foundation

/// A training checkpoint as Cairn's tools see it: the manifest plus named float tensors (parameters,
/// optimiser slots) and the epoch's sample order.
///
/// Tensor names: parameters are `<node>.weight` (`[out, in]`) and `<node>.bias` (`[out]`), role
/// `parameter`; optimiser slots are `<parameter>.<slot>` (`dense1.weight.momentum`,
/// `dense1.weight.adam_m`, `dense1.weight.adam_v`), role `optimizer`; `training.order` (i64, role
/// `buffer`) is the shuffled order of the epoch in progress.
public struct Checkpoint: Sendable {
    /// The name of the tensor holding the epoch's sample order.
    public static let orderTensorName = "training.order"

    public var manifest: CheckpointManifest
    /// Parameters and optimiser slots, in file order.
    public var tensors: [SavedTensor]
    /// The shuffled sample order of the epoch in progress (empty when no epoch is in progress).
    public var order: [Int]

    public init(manifest: CheckpointManifest, tensors: [SavedTensor], order: [Int]) {
        self.manifest = manifest
        self.tensors = tensors
        self.order = order
    }

    /// The tensor with this name, if the checkpoint has one.
    public func tensor(named name: String) -> SavedTensor? {
        tensors.first { $0.name == name }
    }

    /// Writes the checkpoint atomically: the old file at `path`, if any, stays whole until the new one
    /// is complete on disk.
    public func save(to path: String, options: WriteOptions = WriteOptions()) throws {
        let writer = try CairnWriter(path: path, options: options)
        do {
            for saved in tensors {
                try saved.values.withUnsafeBytes { bytes in
                    try writer.write(name: saved.name, role: saved.role, dtype: .f32, shape: saved.shape, bytes: bytes)
                }
            }
            if !order.isEmpty {
                let order64 = order.map { Int64($0) }
                try order64.withUnsafeBytes { bytes in
                    try writer.write(
                        name: Self.orderTensorName, role: .buffer, dtype: .i64, shape: [order.count], bytes: bytes)
                }
            }
            try writer.commit(manifest: try manifest.encoded())
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Reads a whole checkpoint. Errors name the file and the cause.
    public static func load(from path: String) throws -> Checkpoint {
        let reader = try CairnReader(path: path)
        let manifest: CheckpointManifest
        do {
            manifest = try CheckpointManifest.decode(reader.manifest)
        } catch let error as CairnError where error.code == .invalidCheckpoint {
            throw CairnError.checkpoint(path: path, "not a Cairn training checkpoint: manifest", cause: error.cause)
        }
        var tensors = [SavedTensor]()
        var order = [Int]()
        for info in reader.tensors {
            let tensor = try reader.read(info.name)
            if info.name == orderTensorName {
                order = tensor.int64s().map { Int($0) }
            } else {
                tensors.append(
                    SavedTensor(name: info.name, role: info.role, shape: info.shape, values: tensor.floats()))
            }
        }
        return Checkpoint(manifest: manifest, tensors: tensors, order: order)
    }
}

/// One float tensor of a checkpoint.
public struct SavedTensor: Sendable, Equatable {
    public var name: String
    public var role: TensorRole
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, role: TensorRole, shape: [Int], values: [Float]) {
        self.name = name
        self.role = role
        self.shape = shape
        self.values = values
    }
}
