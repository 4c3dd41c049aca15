import CairnFormat

/// One tensor of a file being converted: everything but its data.
public struct TensorEntry: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var role: TensorRole

    public init(name: String, dtype: DType, shape: [Int], role: TensorRole) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.role = role
    }

    /// Number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Size of the data in bytes.
    public var byteCount: Int { elementCount * dtype.byteSize }

    /// The role an imported tensor gets from its name: `optimizer` for optimiser slots (names ending
    /// in `.momentum`, `.adam_m` or `.adam_v`), `buffer` for batch-norm state (`.running_mean`, `.running_var`,
    /// `.num_batches_tracked`), `parameter` for everything else.
    public static func importedRole(forName name: String) -> TensorRole {
        let slots = [".momentum", ".adam_m", ".adam_v"]
        // PyTorch's batch-norm state: running statistics and its batch counter are buffers, not parameters.
        let buffers = [".running_mean", ".running_var", ".num_batches_tracked"]
        if buffers.contains(where: { name.hasSuffix($0) }) { return .buffer }
        return slots.contains { name.hasSuffix($0) } ? .optimizerSlot : .parameter
    }
}
