/// Statistics of a tensor's values, computed while saving and stored in the directory.
///
/// `min`, `max`, `mean` and `standardDeviation` (population) are over the finite values and are 0 when
/// there are none. Integer and bool tensors use their integer values (bool as 0/1).
///
/// On disk (64 bytes):
/// ```
///  0       8       16      24      32        40         48        56     57          64
///  +-------+-------+-------+-------+---------+----------+---------+------+-----------+
///  | min   | max   | mean  | std   | nanCount| infCount | zeroCnt | flags| reserved  |
///  | f64   | f64   | f64   | f64   | u64     | u64      | u64     | u8   | 7 bytes=0 |
///  +-------+-------+-------+-------+---------+----------+---------+------+-----------+
///  flags bit 0: allEqual; other bits reserved (0)
/// ```
public struct TensorStatistics: Sendable, Equatable, Codable {
    public var min: Double
    public var max: Double
    public var mean: Double
    public var standardDeviation: Double
    public var nanCount: Int64
    public var infinityCount: Int64
    public var zeroCount: Int64
    /// Every element bit-identical (true for 0 or 1 element).
    public var allEqual: Bool

    public init(
        min: Double = 0, max: Double = 0, mean: Double = 0, standardDeviation: Double = 0,
        nanCount: Int64 = 0, infinityCount: Int64 = 0, zeroCount: Int64 = 0, allEqual: Bool = true
    ) {
        self.min = min
        self.max = max
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.nanCount = nanCount
        self.infinityCount = infinityCount
        self.zeroCount = zeroCount
        self.allEqual = allEqual
    }

    /// The statistics of a whole tensor held in memory.
    public init(dtype: DType, bytes: UnsafeRawBufferPointer) {
        self = StatisticsAccumulator(dtype: dtype, bytes: bytes).statistics
    }

    static let encodedSize = 64

    func encode(into writer: inout ByteWriter) {
        writer.append(min)
        writer.append(max)
        writer.append(mean)
        writer.append(standardDeviation)
        writer.append(UInt64(nanCount))
        writer.append(UInt64(infinityCount))
        writer.append(UInt64(zeroCount))
        writer.append(UInt8(allEqual ? 1 : 0))
        writer.appendZeros(7)
    }

    /// Decodes and checks the statistics of a tensor of `elementCount` elements of `dtype` (spec section 5.3):
    /// counts within the element count, no NaN or infinity for integer and bool types, allEqual set for at most
    /// one element, reserved bits zero. The values themselves are not checked.
    static func decode(from cursor: inout ByteCursor, elementCount: Int64, dtype: DType) throws -> TensorStatistics {
        var stats = TensorStatistics()
        stats.min = try cursor.readDouble("statistics min")
        stats.max = try cursor.readDouble("statistics max")
        stats.mean = try cursor.readDouble("statistics mean")
        stats.standardDeviation = try cursor.readDouble("statistics standard deviation")
        let start = cursor.currentFileOffset
        let counts = [
            try cursor.read(UInt64.self, "NaN count"), try cursor.read(UInt64.self, "infinity count"),
            try cursor.read(UInt64.self, "zero count"),
        ]
        guard counts.allSatisfy({ $0 <= UInt64(elementCount) }), counts.reduce(0, +) <= UInt64(elementCount) else {
            throw CairnError(
                path: cursor.path, kind: .malformed("statistics count above the element count \(elementCount)"),
                tensor: cursor.tensor, offset: start)
        }
        guard dtype.isFloatingPoint || (counts[0] == 0 && counts[1] == 0) else {
            throw CairnError(
                path: cursor.path, kind: .malformed("NaN or infinity count on a \(dtype.name) tensor"),
                tensor: cursor.tensor, offset: start)
        }
        stats.nanCount = Int64(counts[0])
        stats.infinityCount = Int64(counts[1])
        stats.zeroCount = Int64(counts[2])
        let flagsOffset = cursor.currentFileOffset
        let flags = try cursor.read(UInt8.self, "statistics flags")
        guard flags & ~1 == 0 else {
            throw CairnError(
                path: cursor.path, kind: .malformed("statistics flags \(flags) use reserved bits"),
                tensor: cursor.tensor, offset: flagsOffset)
        }
        stats.allEqual = flags & 1 != 0
        guard stats.allEqual || elementCount > 1 else {
            throw CairnError(
                path: cursor.path, kind: .malformed("allEqual clear on a tensor of \(elementCount) element(s)"),
                tensor: cursor.tensor, offset: flagsOffset)
        }
        try cursor.expectZeros(7, "statistics reserved bytes")
        return stats
    }
}
