#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The element-wise forward and backward loops of the activation nodes, on raw buffers of `count`
/// floats. Backward functions either overwrite `inputGradient` or add to it (`accumulate`).
enum ElementwiseKernels {
    @inline(__always)
    static func store(_ value: Float, at pointer: UnsafeMutablePointer<Float>, accumulate: Bool) {
        if accumulate { pointer.pointee += value } else { pointer.pointee = value }
    }

    static func leakyReLU(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, alpha: Float) {
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            let v = Lanes.load(x + i, lanes)
            Lanes.store(v.replacing(with: alpha * v, where: v .<= 0), y + i, lanes)
        }
    }

    static func leakyReLUBackward(
        x: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>,
        inputGradient d: UnsafeMutablePointer<Float>, count: Int, alpha: Float,
        accumulate: Bool
    ) {
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            let gradient = Lanes.load(g + i, lanes)
            var value = (alpha * gradient).replacing(with: gradient, where: Lanes.load(x + i, lanes) .> 0)
            if accumulate { value += Lanes.load(d + i, lanes) }
            Lanes.store(value, d + i, lanes)
        }
    }

    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = tanhf(x[i]) }
    }

    static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            // Stable on both sides: exp of a non-positive number only.
            if v >= 0 {
                y[i] = 1 / (1 + expf(-v))
            } else {
                let e = expf(v)
                y[i] = e / (1 + e)
            }
        }
    }

    /// `d = g * (1 - y^2)` for tanh, `d = g * y * (1 - y)` for sigmoid, from the outputs `y`.
    static func smoothBackward(
        tanh isTanh: Bool, y: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>,
        inputGradient d: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool
    ) {
        for i in 0..<count {
            let v = y[i]
            let derivative = isTanh ? 1 - v * v : v * (1 - v)
            store(g[i] * derivative, at: d + i, accumulate: accumulate)
        }
    }

    /// `d (+)= scale * g`.
    static func scaledCopy(
        _ g: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>, count: Int,
        scale: Float, accumulate: Bool
    ) {
        if !accumulate && scale == 1 {
            d.update(from: g, count: count)
            return
        }
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            var value = scale * Lanes.load(g + i, lanes)
            if accumulate { value += Lanes.load(d + i, lanes) }
            Lanes.store(value, d + i, lanes)
        }
    }

    /// `d (+)= g * m`.
    static func multiply(
        _ g: UnsafePointer<Float>, _ m: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
        count: Int, accumulate: Bool
    ) {
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            var value = Lanes.load(g + i, lanes) * Lanes.load(m + i, lanes)
            if accumulate { value += Lanes.load(d + i, lanes) }
            Lanes.store(value, d + i, lanes)
        }
    }

    /// `rows[r] += vector` for each of `rows` rows of `width` (bias add, bias-gradient sums).
    static func addToEachRow(
        _ vector: UnsafePointer<Float>, _ matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int
    ) {
        for r in 0..<rows {
            let row = matrix + r * width
            for j in stride(from: 0, to: width, by: Lanes.width) {
                let lanes = min(Lanes.width, width - j)
                Lanes.store(Lanes.load(row + j, lanes) + Lanes.load(vector + j, lanes), row + j, lanes)
            }
        }
    }

    /// `sums = column sums of a rows x width matrix` whose rows start `rowStride` floats apart, rows
    /// added in order.
    static func columnSums(
        _ matrix: UnsafePointer<Float>, rows: Int, width: Int, rowStride: Int,
        into sums: UnsafeMutablePointer<Float>
    ) {
        sums.update(from: matrix, count: width)
        for r in 1..<max(rows, 1) {
            let row = matrix + r * rowStride
            for j in stride(from: 0, to: width, by: Lanes.width) {
                let lanes = min(Lanes.width, width - j)
                Lanes.store(Lanes.load(sums + j, lanes) + Lanes.load(row + j, lanes), sums + j, lanes)
            }
        }
    }

    /// Row-wise softmax of `rows x width` values.
    static func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = x + r * width, out = y + r * width
            var largest = row[0]
            for j in 1..<max(width, 1) where row[j] > largest { largest = row[j] }
            var sum: Float = 0
            for j in 0..<width {
                let e = expf(row[j] - largest)
                out[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<width { out[j] *= inverse }
        }
    }
}
