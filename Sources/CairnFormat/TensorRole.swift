/// What a tensor is for, recorded in the tensor directory (one byte on disk, see `diskCode`).
public enum TensorRole: String, Codable, Sendable, CaseIterable {
    case parameter
    case optimizerSlot = "optimizer"
    case buffer
    case other

    /// The on-disk code (never changes).
    public var diskCode: UInt8 {
        switch self {
        case .parameter: return 0
        case .optimizerSlot: return 1
        case .buffer: return 2
        case .other: return 3
        }
    }

    /// The role with that on-disk code, if any.
    public init?(diskCode: UInt8) {
        guard let match = TensorRole.allCases.first(where: { $0.diskCode == diskCode }) else { return nil }
        self = match
    }
}
