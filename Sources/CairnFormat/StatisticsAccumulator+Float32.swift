extension StatisticsAccumulator {
    /// The f32 fast path: blocks of four finite elements go through four independent accumulators
    /// (no per-element branches on the common path); blocks holding NaN or infinity, and the tail,
    /// go element by element. Same results as the generic scan up to summation order.
    init(float32 bytes: UnsafeRawBufferPointer) {
        self.init()
        let count = bytes.count / 4
        elementCount = Int64(count)
        guard count > 0 else { return }
        @inline(__always) func load(_ index: Int) -> UInt32 {
            UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
        }
        let exponentMask: UInt32 = 0x7F80_0000
        let first = load(0)
        firstBits = UInt64(first)
        // The shift: the first finite element (keeps the one-pass variance accurate).
        var shiftFloat: Float = 0
        for index in 0..<count where load(index) & exponentMask != exponentMask {
            shiftFloat = Float(bitPattern: load(index))
            break
        }
        let shift = Double(shiftFloat)
        var sums = (0.0, 0.0, 0.0, 0.0), squares = (0.0, 0.0, 0.0, 0.0)
        var low = Float.infinity, high = -Float.infinity
        var finite = 0, nans = 0, infinities = 0, zeros = 0
        var difference: UInt32 = 0
        @inline(__always) func single(_ bits: UInt32) {
            difference |= bits ^ first
            if bits & exponentMask == exponentMask {
                if bits & 0x007F_FFFF != 0 { nans &+= 1 } else { infinities &+= 1 }
                return
            }
            let x = Float(bitPattern: bits)
            let d = Double(x) - shift
            sums.0 += d
            squares.0 += d * d
            low = Swift.min(low, x)
            high = Swift.max(high, x)
            finite &+= 1
            if bits & 0x7FFF_FFFF == 0 { zeros &+= 1 }
        }
        var index = 0
        while index &+ 4 <= count {
            let b0 = load(index), b1 = load(index &+ 1), b2 = load(index &+ 2), b3 = load(index &+ 3)
            if b0 & exponentMask == exponentMask || b1 & exponentMask == exponentMask
                || b2 & exponentMask == exponentMask || b3 & exponentMask == exponentMask {
                single(b0); single(b1); single(b2); single(b3)
            } else {
                difference |= (b0 ^ first) | (b1 ^ first) | (b2 ^ first) | (b3 ^ first)
                let x0 = Float(bitPattern: b0), x1 = Float(bitPattern: b1), x2 = Float(bitPattern: b2), x3 = Float(bitPattern: b3)
                let d0 = Double(x0) - shift, d1 = Double(x1) - shift, d2 = Double(x2) - shift, d3 = Double(x3) - shift
                sums.0 += d0; sums.1 += d1; sums.2 += d2; sums.3 += d3
                squares.0 += d0 * d0; squares.1 += d1 * d1; squares.2 += d2 * d2; squares.3 += d3 * d3
                low = Swift.min(low, Swift.min(Swift.min(x0, x1), Swift.min(x2, x3)))
                high = Swift.max(high, Swift.max(Swift.max(x0, x1), Swift.max(x2, x3)))
                finite &+= 4
                zeros &+= (b0 & 0x7FFF_FFFF == 0 ? 1 : 0) &+ (b1 & 0x7FFF_FFFF == 0 ? 1 : 0)
                    &+ (b2 & 0x7FFF_FFFF == 0 ? 1 : 0) &+ (b3 & 0x7FFF_FFFF == 0 ? 1 : 0)
            }
            index &+= 4
        }
        while index < count {
            single(load(index))
            index &+= 1
        }
        let sum = (sums.0 + sums.1) + (sums.2 + sums.3)
        let squareSum = (squares.0 + squares.1) + (squares.2 + squares.3)
        finiteCount = Int64(finite)
        nanCount = Int64(nans)
        infinityCount = Int64(infinities)
        zeroCount = Int64(zeros)
        allEqual = difference == 0
        if finite > 0 {
            mean = shift + sum / Double(finite)
            sumOfSquaredDeviations = Swift.max(0, squareSum - sum * sum / Double(finite))
            min = Double(low)
            max = Double(high)
        }
    }
}
