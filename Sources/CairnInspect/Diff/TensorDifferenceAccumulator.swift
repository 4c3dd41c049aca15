/// Running statistics of the element-wise difference of two equally long runs of values, in double
/// precision: accumulated piece by piece (any piece size) and merged in element order, so a tensor
/// is compared without ever being whole in memory and the result does not depend on how it was split.
///
/// Sums and the maximum cover the pairs where both values are finite; pairs with a NaN or an infinity
/// count only towards `mismatched` (when the tolerance says they differ) and `nonFinitePairs`.
public struct TensorDifferenceAccumulator: Sendable, Equatable {
    /// Elements compared.
    public private(set) var count = 0
    /// Pairs with a NaN or an infinity on either side.
    public private(set) var nonFinitePairs = 0
    /// The largest |a - b| over finite pairs, and its flat (row-major) index (-1 when none).
    public private(set) var maxAbsDifference = 0.0
    public private(set) var maxAbsDifferenceIndex = -1
    /// Sum of |a - b| and of (a - b)^2 over finite pairs.
    public private(set) var sumAbsDifference = 0.0
    public private(set) var sumSquaredDifference = 0.0
    /// Sums of a^2, b^2 and a*b over finite pairs (for the relative change and the cosine).
    public private(set) var sumSquaresA = 0.0
    public private(set) var sumSquaresB = 0.0
    public private(set) var sumProducts = 0.0
    /// Elements outside the tolerance, and the flat index of the first (-1 when none).
    public private(set) var mismatched = 0
    public private(set) var firstMismatchIndex = -1

    public init() {}

    /// Adds the pairs `a[i]`, `b[i]`, whose flat indices start at `base`.
    public mutating func add<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>, base: Int,
                                                     tolerance: DiffTolerance) {
        let n = min(a.count, b.count)
        var maxAbs = maxAbsDifference, maxIndex = maxAbsDifferenceIndex
        var sumAbs = 0.0, sumSquared = 0.0, sumA = 0.0, sumB = 0.0, sumAB = 0.0
        var misses = 0, firstMiss = -1, nonFinite = 0
        let atol = tolerance.absolute, rtol = tolerance.relative
        for i in 0..<n {
            let x = Double(a[i]), y = Double(b[i])
            let d = abs(x - y)
            if d.isFinite && x.isFinite && y.isFinite {
                sumAbs += d
                sumSquared += d * d
                sumA += x * x
                sumB += y * y
                sumAB += x * y
                if d > maxAbs || maxIndex < 0 {
                    maxAbs = d
                    maxIndex = base + i
                }
                if d > atol + rtol * abs(y) {
                    misses += 1
                    if firstMiss < 0 { firstMiss = base + i }
                }
            } else {
                nonFinite += 1
                if !tolerance.isClose(x, y) {
                    misses += 1
                    if firstMiss < 0 { firstMiss = base + i }
                }
            }
        }
        maxAbsDifference = maxAbs
        maxAbsDifferenceIndex = maxIndex
        count += n
        nonFinitePairs += nonFinite
        sumAbsDifference += sumAbs
        sumSquaredDifference += sumSquared
        sumSquaresA += sumA
        sumSquaresB += sumB
        sumProducts += sumAB
        mismatched += misses
        if firstMismatchIndex < 0 { firstMismatchIndex = firstMiss }
    }

    /// Adds `count` pairs known to be bit-identical, whose first value's sum of squares is `sumSquares`
    /// (their differences are all 0 and none is outside any tolerance, unless they hold NaN).
    public mutating func addIdentical(count: Int, sumSquares: Double) {
        self.count += count
        sumSquaresA += sumSquares
        sumSquaresB += sumSquares
        sumProducts += sumSquares
    }

    /// Appends the statistics of the elements that follow this accumulator's (merging in element order
    /// keeps the first index of the largest difference and of the first mismatch).
    public mutating func append(_ later: TensorDifferenceAccumulator) {
        if later.maxAbsDifferenceIndex >= 0 && (later.maxAbsDifference > maxAbsDifference || maxAbsDifferenceIndex < 0) {
            maxAbsDifference = later.maxAbsDifference
            maxAbsDifferenceIndex = later.maxAbsDifferenceIndex
        }
        count += later.count
        nonFinitePairs += later.nonFinitePairs
        sumAbsDifference += later.sumAbsDifference
        sumSquaredDifference += later.sumSquaredDifference
        sumSquaresA += later.sumSquaresA
        sumSquaresB += later.sumSquaresB
        sumProducts += later.sumProducts
        mismatched += later.mismatched
        if firstMismatchIndex < 0 { firstMismatchIndex = later.firstMismatchIndex }
    }

    /// Mean |a - b| over the finite pairs (0 when there are none).
    public var meanAbsDifference: Double {
        let finite = count - nonFinitePairs
        return finite > 0 ? sumAbsDifference / Double(finite) : 0
    }

    /// ||a - b|| / ||a|| over the finite pairs: 0 when equal, infinity when `a` is all zero and `b` is not.
    public var relativeL2: Double {
        if sumSquaredDifference == 0 { return 0 }
        return sumSquaresA > 0 ? (sumSquaredDifference / sumSquaresA).squareRoot() : .infinity
    }

    /// The cosine of the angle between `a` and `b` over the finite pairs: 1 when both are all zero (equal),
    /// 0 when only one is.
    public var cosine: Double {
        if sumSquaresA == 0 && sumSquaresB == 0 { return 1 }
        if sumSquaresA == 0 || sumSquaresB == 0 { return 0 }
        return max(-1, min(1, sumProducts / (sumSquaresA.squareRoot() * sumSquaresB.squareRoot())))
    }

    /// The fraction of compared elements outside the tolerance.
    public var mismatchedFraction: Double { count > 0 ? Double(mismatched) / Double(count) : 0 }
}
