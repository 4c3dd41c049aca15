import Testing

@testable import CairnInspect

@Suite("Diff tolerance and difference statistics")
struct DiffToleranceTests {
    @Test func followsNumpyIsclose() {
        let exact = DiffTolerance()
        #expect(exact.isClose(1, 1))
        #expect(exact.isClose(0, -0.0))
        #expect(!exact.isClose(1, 1.0000001))
        #expect(!exact.isClose(.nan, .nan))
        #expect(DiffTolerance(equalNaN: true).isClose(.nan, .nan))
        #expect(!DiffTolerance(equalNaN: true).isClose(.nan, 1))
        #expect(exact.isClose(.infinity, .infinity))
        #expect(!exact.isClose(.infinity, -.infinity))
        #expect(!DiffTolerance(absolute: 1e300).isClose(.infinity, 1))
        // |a - b| <= atol + rtol * |b|: b is the reference, so the rule is not symmetric.
        let relative = DiffTolerance(relative: 0.1)
        #expect(relative.isClose(1.1, 1.0) == (0.10000000000000009 <= 0.1))
        #expect(relative.isClose(100, 111))
        #expect(!relative.isClose(111, 100))
        let both = DiffTolerance(absolute: 0.5, relative: 0.1)
        #expect(both.isClose(11.5, 10))
        #expect(!both.isClose(11.6, 10))
    }

    @Test func statisticsMatchADirectComputation() {
        let a = DiffTestModels.values(1000, seed: 1).map(Double.init)
        var b = a
        for i in stride(from: 0, to: 1000, by: 7) { b[i] += Double(i) / 1000 }
        let tolerance = DiffTolerance(absolute: 0.1, relative: 0.05)
        var whole = TensorDifferenceAccumulator()
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in whole.add(x, y, base: 0, tolerance: tolerance) }
        }
        var pieces = TensorDifferenceAccumulator()
        for start in stride(from: 0, to: 1000, by: 333) {
            var piece = TensorDifferenceAccumulator()
            let end = min(start + 333, 1000)
            a[start..<end].withUnsafeBufferPointer { x in
                b[start..<end].withUnsafeBufferPointer { y in piece.add(x, y, base: start, tolerance: tolerance) }
            }
            pieces.append(piece)
        }
        let differences = zip(a, b).map { abs($0 - $1) }
        let largest = differences.max()!
        #expect(whole.maxAbsDifference == largest)
        #expect(whole.maxAbsDifferenceIndex == differences.firstIndex(of: largest))
        #expect(whole.mismatched == zip(a, b).filter { abs($0 - $1) > 0.1 + 0.05 * abs($1) }.count)
        #expect(whole.firstMismatchIndex == a.indices.first { abs(a[$0] - b[$0]) > 0.1 + 0.05 * abs(b[$0]) })
        let normA = a.map { $0 * $0 }.reduce(0, +).squareRoot(), normB = b.map { $0 * $0 }.reduce(0, +).squareRoot()
        let normD = differences.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(whole.relativeL2 - normD / normA) <= 1e-12 * (normD / normA))
        #expect(abs(whole.cosine - zip(a, b).map(*).reduce(0, +) / (normA * normB)) <= 1e-12)
        #expect(abs(whole.meanAbsDifference - differences.reduce(0, +) / 1000) <= 1e-12)
        #expect(pieces.maxAbsDifferenceIndex == whole.maxAbsDifferenceIndex)
        #expect(pieces.mismatched == whole.mismatched)
        #expect(pieces.firstMismatchIndex == whole.firstMismatchIndex)
        #expect(abs(pieces.relativeL2 - whole.relativeL2) <= 1e-12 * whole.relativeL2)
    }

    @Test func nonFinitePairsCountOnlyAsMismatches() {
        let a: [Float] = [1, .nan, .infinity, -.infinity, .nan, 2]
        let b: [Float] = [1, .nan, .infinity, .infinity, 3, 2]
        var plain = TensorDifferenceAccumulator(), nanEqual = TensorDifferenceAccumulator()
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                plain.add(x, y, base: 0, tolerance: DiffTolerance())
                nanEqual.add(x, y, base: 0, tolerance: DiffTolerance(equalNaN: true))
            }
        }
        #expect(plain.mismatched == 3)  // NaN vs NaN, -inf vs inf, NaN vs 3
        #expect(nanEqual.mismatched == 2)
        #expect(plain.nonFinitePairs == 4)
        #expect(plain.maxAbsDifference == 0)
        #expect(plain.firstMismatchIndex == 1)
        #expect(nanEqual.firstMismatchIndex == 3)
    }

    /// The sums of a block-wise four-lane pass in double precision (blocks of 1024 pairs, lanes combined by
    /// `SIMD4.sum()`, the tail pair by pair), written with Swift SIMD types, for finite values.
    static func fourLaneSums(_ a: [Float], _ b: [Float]) -> [Double] {
        var totals = [Double](repeating: 0, count: 5)
        for start in stride(from: 0, to: a.count, by: 1024) {
            let end = min(start + 1024, a.count), vectorEnd = start + (end - start) / 4 * 4
            var lanes = [SIMD4<Double>](repeating: .zero, count: 5)
            for i in stride(from: start, to: vectorEnd, by: 4) {
                let x = SIMD4<Double>(SIMD4<Float>(a[i], a[i + 1], a[i + 2], a[i + 3]))
                let y = SIMD4<Double>(SIMD4<Float>(b[i], b[i + 1], b[i + 2], b[i + 3]))
                let difference = x - y
                lanes[0] += difference.replacing(with: -difference, where: difference .< 0)
                lanes[1] += difference * difference
                lanes[2] += x * x
                lanes[3] += y * y
                lanes[4] += x * y
            }
            var block = lanes.map { $0.sum() }
            var tail = [Double](repeating: 0, count: 4)
            for j in vectorEnd..<end {
                let x = Double(a[j]), y = Double(b[j])
                block[0] += abs(x - y)
                tail[0] += (x - y) * (x - y)
                tail[1] += x * x
                tail[2] += y * y
                tail[3] += x * y
            }
            totals[0] += block[0]
            for k in 1..<5 { totals[k] += block[k] + tail[k - 1] }
        }
        return totals
    }

    @Test func sumsEqualAFourLaneDoublePassBitForBit() {
        for count in [3, 4, 1_000, 1_024, 1_027, 5_000] {
            let a = DiffTestModels.values(count, seed: 3)
            let b = a.enumerated().map { $1 * (1 + Float($0 % 13) * 1e-5) }
            var accumulator = TensorDifferenceAccumulator()
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    accumulator.add(x, y, base: 0, tolerance: DiffTolerance(absolute: 1e-6, relative: 1e-5))
                }
            }
            let sums = [
                accumulator.sumAbsDifference, accumulator.sumSquaredDifference, accumulator.sumSquaresA,
                accumulator.sumSquaresB, accumulator.sumProducts,
            ]
            #expect(sums.map(\.bitPattern) == Self.fourLaneSums(a, b).map(\.bitPattern), "\(count) pairs")
        }
    }
}
