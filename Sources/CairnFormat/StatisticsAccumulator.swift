/// Statistics of a run of elements, mergeable in order (Chan et al.'s parallel variance), so chunks can be
/// summarised on any thread and combined in file order: the result does not depend on the thread count.
struct StatisticsAccumulator: Sendable {
    var elementCount: Int64 = 0
    var finiteCount: Int64 = 0
    var mean: Double = 0
    var sumOfSquaredDeviations: Double = 0
    var min: Double = .infinity
    var max: Double = -.infinity
    var nanCount: Int64 = 0
    var infinityCount: Int64 = 0
    var zeroCount: Int64 = 0
    var allEqual = true
    var firstBits: UInt64 = 0

    init() {}

    /// Summarises `bytes`, a whole number of `dtype` elements.
    init(dtype: DType, bytes: UnsafeRawBufferPointer) {
        self.init()
        switch dtype {
        case .f32: self = StatisticsAccumulator(float32: bytes)
        case .f64: scan(bytes, UInt64.self) { Double(bitPattern: $0) }
        case .f16: scan(bytes, UInt16.self) { Double(HalfConversion.floatFromHalf($0)) }
        case .bf16: scan(bytes, UInt16.self) { Double(HalfConversion.floatFromBFloat16($0)) }
        case .i8: scan(bytes, UInt8.self) { Double(Int8(bitPattern: $0)) }
        case .u8, .bool: scan(bytes, UInt8.self) { Double($0) }
        case .i32: scan(bytes, UInt32.self) { Double(Int32(bitPattern: $0)) }
        case .i64: scan(bytes, UInt64.self) { Double(Int64(bitPattern: $0)) }
        }
    }

    private mutating func scan<Bits: FixedWidthInteger & UnsignedInteger>(
        _ bytes: UnsafeRawBufferPointer, _: Bits.Type, _ value: (Bits) -> Double
    ) {
        let stride = MemoryLayout<Bits>.size
        let count = bytes.count / stride
        elementCount = Int64(count)
        guard count > 0 else { return }
        let first = Bits(littleEndian: bytes.loadUnaligned(as: Bits.self))
        firstBits = UInt64(first)
        // One pass, shifted by the first finite value K: mean = K + S1/n, M2 = S2 - S1^2/n.
        var shift = 0.0, shiftSet = false
        var sum = 0.0, squares = 0.0, low = Double.infinity, high = -Double.infinity
        var finite = 0, nans = 0, infinities = 0, zeros = 0
        var equal = true
        for index in 0..<count {
            let bits = Bits(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* stride, as: Bits.self))
            equal = equal && bits == first
            let x = value(bits)
            if x.isFinite {
                if !shiftSet {
                    shift = x
                    shiftSet = true
                }
                finite &+= 1
                let d = x - shift
                sum += d
                squares += d * d
                low = Swift.min(low, x)
                high = Swift.max(high, x)
                if x == 0 { zeros &+= 1 }
            } else if x.isNaN {
                nans &+= 1
            } else {
                infinities &+= 1
            }
        }
        let average = finite > 0 ? shift + sum / Double(finite) : 0
        if finite > 0 { squares = Swift.max(0, squares - sum * sum / Double(finite)) }
        finiteCount = Int64(finite)
        mean = average
        sumOfSquaredDeviations = squares
        min = low
        max = high
        nanCount = Int64(nans)
        infinityCount = Int64(infinities)
        zeroCount = Int64(zeros)
        allEqual = equal
    }

    /// Appends the elements summarised by `next` (which come after these).
    mutating func merge(_ next: StatisticsAccumulator) {
        guard next.elementCount > 0 else { return }
        guard elementCount > 0 else { self = next; return }
        allEqual = allEqual && next.allEqual && firstBits == next.firstBits
        elementCount += next.elementCount
        nanCount += next.nanCount
        infinityCount += next.infinityCount
        zeroCount += next.zeroCount
        if next.finiteCount > 0 {
            if finiteCount == 0 {
                finiteCount = next.finiteCount
                mean = next.mean
                sumOfSquaredDeviations = next.sumOfSquaredDeviations
            } else {
                let a = Double(finiteCount), b = Double(next.finiteCount), n = a + b
                let delta = next.mean - mean
                mean += delta * b / n
                sumOfSquaredDeviations += next.sumOfSquaredDeviations + delta * delta * a * b / n
                finiteCount += next.finiteCount
            }
            min = Swift.min(min, next.min)
            max = Swift.max(max, next.max)
        }
    }

    var statistics: TensorStatistics {
        guard finiteCount > 0 else {
            return TensorStatistics(
                nanCount: nanCount, infinityCount: infinityCount, zeroCount: zeroCount, allEqual: allEqual)
        }
        let variance = Swift.max(0, sumOfSquaredDeviations / Double(finiteCount))
        return TensorStatistics(
            min: min, max: max, mean: mean, standardDeviation: variance.squareRoot(),
            nanCount: nanCount, infinityCount: infinityCount, zeroCount: zeroCount, allEqual: allEqual)
    }
}
