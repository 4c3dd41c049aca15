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
    /// in `.momentum`, `.adam_m` or `.adam_v`), `parameter` for everything else.
    public static func importedRole(forName name: String) -> TensorRole {
        let slots = [".momentum", ".adam_m", ".adam_v"]
        return slots.contains { name.hasSuffix($0) } ? .optimizerSlot : .parameter
    }

    /// The element count of `shape`, or nil when a dimension is negative, the rank is above 8 or the
    /// count overflows 2^56 elements (the `.cairn` limits).
    public static func checkedElementCount(_ shape: [Int]) -> Int? {
        guard shape.count <= 8 else { return nil }
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= 1 << 56 else { return nil }
            count = product
        }
        return count
    }
}
