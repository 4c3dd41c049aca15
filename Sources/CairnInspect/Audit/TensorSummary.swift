import Dispatch

/// One pass over a tensor's values: mean, standard deviation, non-finite counts, and whether every element is
/// the same value (`-0` and `+0` alike). Sums in Double over two threads' halves.
public struct TensorSummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var nan: Int
    public var infinite: Int
    /// The single value of a tensor whose elements are all equal (nil otherwise or when empty).
    public var constant: Float?

    public init(_ values: UnsafeBufferPointer<Float>, threads: Int = 2) {
        let n = values.count
        let parts = max(1, min(threads, n / 65536))
        var partials = [(sum: Double, squares: Double, nan: Int, inf: Int, equal: Bool)](
            repeating: (0, 0, 0, 0, true), count: parts)
        let first = n > 0 ? RowMatrix.canonicalBits(values[0]) : 0
        partials.withUnsafeMutableBufferPointer { out in
            // Part `part` writes only `slots[part]`; `values` is read; all parts end before `partials` is read.
            nonisolated(unsafe) let slots = out.baseAddress!, values = values
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = n * part / parts, end = n * (part + 1) / parts
                var sum = 0.0, squares = 0.0, nan = 0, inf = 0, equal = true
                for i in start..<end {
                    let v = values[i]
                    if v.isFinite {
                        let d = Double(v)
                        sum += d
                        squares += d * d
                    } else if v.isNaN {
                        nan += 1
                    } else {
                        inf += 1
                    }
                    if equal && RowMatrix.canonicalBits(v) != first { equal = false }
                }
                slots[part] = (sum, squares, nan, inf, equal)
            }
        }
        count = n
        nan = partials.reduce(0) { $0 + $1.nan }
        infinite = partials.reduce(0) { $0 + $1.inf }
        let finite = Double(max(n - nan - infinite, 1))
        let sum = partials.reduce(0) { $0 + $1.sum }, squares = partials.reduce(0) { $0 + $1.squares }
        mean = sum / finite
        std = max(0, squares / finite - mean * mean).squareRoot()
        constant = n > 0 && partials.allSatisfy(\.equal) ? values[0] : nil
        if constant != nil { std = 0 }
    }
}
