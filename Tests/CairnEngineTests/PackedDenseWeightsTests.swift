import CairnModel
import Testing

@testable import CairnEngine

/// The packed small-batch product against the BLAS product on awkward sizes.
@Suite("Packed dense weights")
struct PackedDenseWeightsTests {
    /// The panel widths this CPU runs: 16 (AVX-512) and 8 (AVX2 with FMA), or 8 alone.
    static let widths = [16, 8].filter { $0 <= PackedDenseWeights.panelWidth }

    /// `y = x w^T` on every combination of rows (1 to 17, past a tile), units (around the 16- and 8-wide
    /// panels and pairs of them) and inputs, with row strides wider than the rows: within float rounding of
    /// the BLAS, every row independent of the rows around it, and nothing written outside the outputs.
    @Test(.enabled(if: !widths.isEmpty, "this CPU has neither AVX-512 nor AVX2 with FMA"), arguments: widths)
    func agreesWithTheBLASOnAwkwardSizes(width: Int) throws {
        var rng = RandomGenerator(seed: 5)
        for units in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 70] {
            for inputs in [1, 3, 16, 37] {
                let weight = Parameter(name: "d.weight", node: "d", shape: [units, inputs])
                weight.values = (0..<(units * inputs)).map { _ in rng.nextGaussian() }
                let packed = try #require(PackedDenseWeights(weight: weight, width: width))
                for rows in [1, 2, 5, 6, 7, 8, 9, 13, 17] {
                    let ldx = inputs + 2, ldy = units + 3
                    let x = (0..<(rows * ldx)).map { _ in rng.nextGaussian() }
                    var y = [Float](repeating: .nan, count: rows * ldy)
                    var reference = [Float](repeating: 0, count: rows * units)
                    x.withUnsafeBufferPointer { x in
                        y.withUnsafeMutableBufferPointer { y in
                            packed.multiply(rows: rows, x: x.baseAddress!, ldx: ldx, y: y.baseAddress!, ldy: ldy)
                        }
                        weight.values.withUnsafeBufferPointer { w in
                            reference.withUnsafeMutableBufferPointer { c in
                                GEMM.multiply(
                                    transposeA: false, transposeB: true, m: rows, n: units, k: inputs, alpha: 1,
                                    a: x.baseAddress!, lda: ldx, b: w.baseAddress!, ldb: inputs, beta: 0,
                                    c: c.baseAddress!, ldc: units)
                            }
                        }
                    }
                    for r in 0..<rows {
                        for u in 0..<units {
                            let got = y[r * ldy + u], want = reference[r * units + u]
                            #expect(
                                abs(got - want) <= 1e-5 * max(1, abs(want)), "\(rows)x\(units)x\(inputs) [\(r), \(u)]")
                        }
                        for gap in units..<ldy { #expect(y[r * ldy + gap].isNaN, "wrote past the row's outputs") }
                    }
                    // The last row alone gives the same bits as inside the batch.
                    var alone = [Float](repeating: 0, count: units)
                    x.withUnsafeBufferPointer { x in
                        alone.withUnsafeMutableBufferPointer { a in
                            packed.multiply(
                                rows: 1, x: x.baseAddress! + (rows - 1) * ldx, ldx: ldx, y: a.baseAddress!, ldy: units)
                        }
                    }
                    #expect(Array(y[((rows - 1) * ldy)..<((rows - 1) * ldy + units)]) == alone)
                }
            }
        }
    }
}
