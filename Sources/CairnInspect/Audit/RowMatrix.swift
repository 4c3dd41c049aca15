/// A layer's incoming parameters seen as rows: unit `i`'s row is its weights `W[i, 0..<width]` followed by its
/// bias `b[i]` (when the layer has one). Borrowed pointers: valid only while the arrays behind them are.
public struct RowMatrix {
    /// `[rows, width]`, row-major.
    public let weights: UnsafeBufferPointer<Float>
    /// `[rows]`, or nil for a layer without bias.
    public let bias: UnsafeBufferPointer<Float>?
    public let rows: Int
    public let width: Int

    public init(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, rows: Int, width: Int) {
        precondition(weights.count >= rows * width && (bias?.count ?? rows) >= rows, "RowMatrix: buffers too small")
        self.weights = weights
        self.bias = bias
        self.rows = rows
        self.width = width
    }

    /// Values per row including the bias.
    @inline(__always) var columns: Int { width + (bias == nil ? 0 : 1) }

    /// Element `column` of row `row` (the bias at `column == width`).
    @inline(__always) func value(_ row: Int, _ column: Int) -> Float {
        column < width ? weights[row * width + column] : bias![row]
    }

    /// The bit pattern the exact comparison uses: `-0.0` counts as `+0.0`; every other value (NaN payloads
    /// included) by its bits, so two NaNs are equal only when their bits are.
    @inline(__always) static func canonicalBits(_ value: Float) -> UInt32 {
        let bits = value.bitPattern
        return bits == 0x8000_0000 ? 0 : bits
    }

    /// Whether rows `a` and `b` are bit-for-bit equal (up to the sign of zero).
    func rowsEqual(_ a: Int, _ b: Int) -> Bool {
        let pa = weights.baseAddress! + a * width, pb = weights.baseAddress! + b * width
        for k in 0..<width where Self.canonicalBits(pa[k]) != Self.canonicalBits(pb[k]) { return false }
        if let bias, Self.canonicalBits(bias[a]) != Self.canonicalBits(bias[b]) { return false }
        return true
    }

    /// The largest element-wise difference of rows `a` and `b`, stopping early (returning a value above
    /// `limit`) once it exceeds `limit`. NaN anywhere gives infinity.
    func maxAbsDifference(_ a: Int, _ b: Int, limit: Float) -> Float {
        let pa = weights.baseAddress! + a * width, pb = weights.baseAddress! + b * width
        var largest: Float = 0
        for k in 0..<width {
            let d = abs(pa[k] - pb[k])
            if !(d <= limit) { return d.isNaN ? .infinity : d }
            largest = max(largest, d)
        }
        if let bias {
            let d = abs(bias[a] - bias[b])
            if !(d <= limit) { return d.isNaN ? .infinity : d }
            largest = max(largest, d)
        }
        return largest
    }
}
