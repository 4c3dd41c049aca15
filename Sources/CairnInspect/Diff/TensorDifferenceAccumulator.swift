import CCairnKernels

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
    public mutating func add(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, base: Int, tolerance: DiffTolerance
    ) {
        addBlocks(
            count: min(a.count, b.count), base: base, tolerance: tolerance,
            lanes: { start, count, lanes in
                cairn_f32_difference_lanes(
                    Self.bytes(a, start), Self.bytes(b, start), count, tolerance.absolute, tolerance.relative, &lanes)
            }, scalar: { i in (Double(a[i]), Double(b[i])) })
    }

    /// Adds the pairs `a[i]`, `b[i]`, whose flat indices start at `base`.
    public mutating func add(
        _ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, base: Int, tolerance: DiffTolerance
    ) {
        addBlocks(
            count: min(a.count, b.count), base: base, tolerance: tolerance,
            lanes: { start, count, lanes in
                cairn_f64_difference_lanes(
                    Self.bytes(a, start), Self.bytes(b, start), count, tolerance.absolute, tolerance.relative, &lanes)
            }, scalar: { i in (a[i], b[i]) })
    }

    /// The bytes of `values` from element `start` on, for the C kernels.
    @inline(__always)
    private static func bytes<T>(_ values: UnsafeBufferPointer<T>, _ start: Int) -> UnsafePointer<UInt8>? {
        values.baseAddress.map { UnsafeRawPointer($0 + start).assumingMemoryBound(to: UInt8.self) }
    }

    /// Elements per block of the vector pass.
    private static let blockSize = 1024

    /// The vector pass: each block of `blockSize` pairs is summed four lanes at a time without branches
    /// (`cairn_difference_lanes`: lane `k` adds pairs `k`, `k + 4`, ... of the block, in double precision),
    /// the lanes combined in a fixed order; a block with a NaN or an infinity (its sum of |a - b| is not
    /// finite) is redone pair by pair, and the position of a new maximum or of the first mismatch is found
    /// by a scan of its block.
    @inline(__always)
    private mutating func addBlocks(
        count n: Int, base: Int, tolerance: DiffTolerance,
        lanes vectorPass: (_ start: Int, _ count: Int, _ lanes: inout cairn_difference_lanes) -> Void,
        scalar: (Int) -> (Double, Double)
    ) {
        var start = 0
        while start < n {
            let end = min(start + Self.blockSize, n)
            let vectorEnd = start + (end - start) / 4 * 4
            var lanes = cairn_difference_lanes()
            if vectorEnd > start { vectorPass(start, vectorEnd - start, &lanes) }
            var blockSumAbs = Self.vector(lanes.sum_abs).sum()
            var tailSquared = 0.0, tailA = 0.0, tailB = 0.0, tailAB = 0.0, tailLargest = 0.0, tailMisses = 0
            for j in vectorEnd..<end {
                let (x, y) = scalar(j)
                let d = abs(x - y)
                blockSumAbs += d
                tailSquared += (x - y) * (x - y)
                tailA += x * x
                tailB += y * y
                tailAB += x * y
                tailLargest = Swift.max(tailLargest, d)
                if d > tolerance.absolute + tolerance.relative * abs(y) { tailMisses += 1 }
            }
            guard blockSumAbs.isFinite else {
                addPairs(start..<end, base: base, tolerance: tolerance, scalar: scalar)
                start = end
                continue
            }
            sumAbsDifference += blockSumAbs
            sumSquaredDifference += Self.vector(lanes.sum_squared).sum() + tailSquared
            sumSquaresA += Self.vector(lanes.sum_squares_a).sum() + tailA
            sumSquaresB += Self.vector(lanes.sum_squares_b).sum() + tailB
            sumProducts += Self.vector(lanes.sum_products).sum() + tailAB
            let blockMisses = Int(lanes.mismatched) + tailMisses
            let blockLargest = Swift.max(Self.vector(lanes.largest).max(), tailLargest)
            if blockLargest > maxAbsDifference || maxAbsDifferenceIndex < 0 {
                for j in start..<end {
                    let (x, y) = scalar(j)
                    if abs(x - y) == blockLargest {
                        maxAbsDifference = blockLargest
                        maxAbsDifferenceIndex = base + j
                        break
                    }
                }
            }
            if blockMisses > 0 && firstMismatchIndex < 0 {
                for j in start..<end {
                    let (x, y) = scalar(j)
                    if abs(x - y) > tolerance.absolute + tolerance.relative * abs(y) {
                        firstMismatchIndex = base + j
                        break
                    }
                }
            }
            mismatched += blockMisses
            count += end - start
            start = end
        }
    }

    /// Four lanes of a `cairn_difference_lanes` field as a vector, combined with its `sum()` or `max()`.
    @inline(__always)
    private static func vector(_ lanes: (Double, Double, Double, Double)) -> SIMD4<Double> {
        SIMD4(lanes.0, lanes.1, lanes.2, lanes.3)
    }

    /// Adds pairs one at a time (blocks holding a NaN or an infinity).
    private mutating func addPairs(
        _ range: Range<Int>, base: Int, tolerance: DiffTolerance, scalar: (Int) -> (Double, Double)
    ) {
        for i in range {
            let (x, y) = scalar(i)
            let d = abs(x - y)
            count += 1
            if d.isFinite {
                sumAbsDifference += d
                sumSquaredDifference += d * d
                sumSquaresA += x * x
                sumSquaresB += y * y
                sumProducts += x * y
                if d > maxAbsDifference || maxAbsDifferenceIndex < 0 {
                    maxAbsDifference = d
                    maxAbsDifferenceIndex = base + i
                }
                if d > tolerance.absolute + tolerance.relative * abs(y) {
                    mismatched += 1
                    if firstMismatchIndex < 0 { firstMismatchIndex = base + i }
                }
            } else {
                nonFinitePairs += 1
                if !tolerance.isClose(x, y) {
                    mismatched += 1
                    if firstMismatchIndex < 0 { firstMismatchIndex = base + i }
                }
            }
        }
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
        if later.maxAbsDifferenceIndex >= 0 && (later.maxAbsDifference > maxAbsDifference || maxAbsDifferenceIndex < 0)
        {
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
