/// A tensor directory entry: everything about a tensor except its data.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var role: TensorRole
    public var statistics: TensorStatistics
    public var chunks: [ChunkInfo]

    public init(
        name: String, dtype: DType, shape: [Int], role: TensorRole, statistics: TensorStatistics, chunks: [ChunkInfo]
    ) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.role = role
        self.statistics = statistics
        self.chunks = chunks
    }

    /// Number of elements (1 for a scalar, 0 when any dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Uncompressed size of the data.
    public var rawByteCount: Int64 { chunks.reduce(0) { $0 + $1.rawLength } }

    /// Size of the data as stored in the file.
    public var storedByteCount: Int64 { chunks.reduce(0) { $0 + $1.storedLength } }
}
