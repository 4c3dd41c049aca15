import CCairnKernels

extension StatisticsAccumulator {
    /// The f32 fast path: `cairn_f32_summarize` sums in eight lanes (AVX2 where available, a scalar
    /// path with the same per-lane order elsewhere, so results depend only on the bytes); the lanes are
    /// then combined in a fixed order. Same results as the generic scan up to summation order.
    init(float32 bytes: UnsafeRawBufferPointer) {
        self.init()
        let count = bytes.count / 4
        elementCount = Int64(count)
        guard count > 0, let base = bytes.baseAddress else { return }
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
        var summary = cairn_f32_summary()
        withUnsafeMutableBytes(of: &summary.low) { $0.bindMemory(to: Float.self).initialize(repeating: .infinity) }
        withUnsafeMutableBytes(of: &summary.high) { $0.bindMemory(to: Float.self).initialize(repeating: -.infinity) }
        cairn_f32_summarize(base.assumingMemoryBound(to: UInt8.self), count, first, shift, &summary)
        let sums = summary.sums, squares = summary.squares, low = summary.low, high = summary.high
        let sum = ((sums.0 + sums.1) + (sums.2 + sums.3)) + ((sums.4 + sums.5) + (sums.6 + sums.7))
        let squareSum =
            ((squares.0 + squares.1) + (squares.2 + squares.3)) + ((squares.4 + squares.5) + (squares.6 + squares.7))
        let lows = [low.0, low.1, low.2, low.3, low.4, low.5, low.6, low.7]
        let highs = [high.0, high.1, high.2, high.3, high.4, high.5, high.6, high.7]
        let finite = Int(summary.finite)
        finiteCount = summary.finite
        nanCount = summary.nans
        infinityCount = summary.infinities
        zeroCount = summary.zeros
        allEqual = summary.difference == 0
        if finite > 0 {
            mean = shift + sum / Double(finite)
            sumOfSquaredDeviations = Swift.max(0, squareSum - sum * sum / Double(finite))
            min = Double(lows.dropFirst().reduce(lows[0]) { $1 < $0 ? $1 : $0 })
            max = Double(highs.dropFirst().reduce(highs[0]) { $1 > $0 ? $1 : $0 })
        }
    }
}
