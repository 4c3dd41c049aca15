import Testing
@testable import CairnInspect

/// Row grouping against a brute-force reference that compares every pair (fine at test sizes).
@Suite struct AuditGroupingTests {
    /// A small deterministic generator (splitmix64), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    }

    /// Rows with planted copies: `copies` random rows each copied to a few random places.
    static func planted(rows: Int, width: Int, copies: Int, seed: UInt64) -> (weights: [Float], bias: [Float]) {
        var g = Generator(state: seed)
        var w = (0..<rows * width).map { _ in g.uniform() }
        var b = (0..<rows).map { _ in g.uniform() }
        for _ in 0..<copies {
            let source = Int(g.next() % UInt64(rows)), target = Int(g.next() % UInt64(rows))
            for k in 0..<width { w[target * width + k] = w[source * width + k] }
            b[target] = b[source]
        }
        return (w, b)
    }

    /// Groups by comparing all pairs: exact (canonical bits) or max-abs within `tolerance`, single linkage.
    static func reference(_ w: [Float], _ b: [Float]?, rows: Int, width: Int, tolerance: Float) -> [[Int]] {
        func close(_ i: Int, _ j: Int) -> Bool {
            let ri = Array(w[i * width..<(i + 1) * width]) + (b.map { [$0[i]] } ?? [])
            let rj = Array(w[j * width..<(j + 1) * width]) + (b.map { [$0[j]] } ?? [])
            return zip(ri, rj).allSatisfy { x, y in
                tolerance == 0 ? RowMatrix.canonicalBits(x) == RowMatrix.canonicalBits(y) : abs(x - y) <= tolerance
            }
        }
        var label = Array(0..<rows)
        func find(_ x: Int) -> Int { label[x] == x ? x : find(label[x]) }
        for i in 0..<rows {
            for j in (i + 1)..<max(rows, i + 1) where close(i, j) {
                let a = find(i), c = find(j)
                label[max(a, c)] = min(a, c)
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in 0..<rows { groups[find(i), default: []].append(i) }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }

    static func grouped(
        _ w: [Float], _ b: [Float]?, rows: Int, width: Int, tolerance: Float, threads: Int = 2
    ) -> [[Int]] {
        w.withUnsafeBufferPointer { wp in
            let run = { (bp: UnsafeBufferPointer<Float>?) in
                RowGrouping.groups(
                    representatives: RowGrouping.representatives(
                        RowMatrix(weights: wp, bias: bp, rows: rows, width: width), tolerance: tolerance,
                        threads: threads))
            }
            return b.map { $0.withUnsafeBufferPointer { run($0) } } ?? run(nil)
        }
    }

    @Test(arguments: [(rows: 1, width: 3), (rows: 50, width: 1), (rows: 300, width: 7), (rows: 9000, width: 16)])
    func exactGroupsMatchAllPairs(shape: (rows: Int, width: Int)) {
        let (w, b) = Self.planted(
            rows: shape.rows, width: shape.width, copies: shape.rows / 5, seed: UInt64(shape.rows))
        let found = Self.grouped(w, b, rows: shape.rows, width: shape.width, tolerance: 0)
        if shape.rows <= 300 {
            #expect(found == Self.reference(w, b, rows: shape.rows, width: shape.width, tolerance: 0))
        }
        if shape.rows > 1 { #expect(!found.isEmpty || shape.rows / 5 == 0) }
        // Every member of a group really has the first member's row.
        for group in found {
            for m in group.dropFirst() {
                #expect(
                    Array(w[m * shape.width..<(m + 1) * shape.width])
                        == Array(w[group[0] * shape.width..<(group[0] + 1) * shape.width]))
                #expect(b[m] == b[group[0]])
            }
        }
        // One thread or two: the same groups.
        #expect(found == Self.grouped(w, b, rows: shape.rows, width: shape.width, tolerance: 0, threads: 1))
    }

    @Test func biasSeparatesOtherwiseEqualRows() {
        let w: [Float] = [1, 2, 1, 2, 1, 2]
        #expect(Self.grouped(w, [0, 1, 0], rows: 3, width: 2, tolerance: 0) == [[0, 2]])
        #expect(Self.grouped(w, nil, rows: 3, width: 2, tolerance: 0) == [[0, 1, 2]])
    }

    @Test func negativeZeroEqualsZeroAndNaNOnlyItsOwnBits() {
        let nan = Float(bitPattern: 0x7FC0_0000), otherNaN = Float(bitPattern: 0x7FC0_0001)
        let w: [Float] = [0, 1, -0.0, 1, nan, 1, nan, 1, otherNaN, 1]
        #expect(Self.grouped(w, nil, rows: 5, width: 2, tolerance: 0) == [[0, 1], [2, 3]])
        // With a tolerance, NaN rows stay with bit-identical rows only.
        #expect(Self.grouped(w, nil, rows: 5, width: 2, tolerance: 0.5) == [[0, 1], [2, 3]])
    }

    @Test(arguments: [Float(0.001), 0.01, 0.05])
    func toleranceGroupsMatchAllPairs(tolerance: Float) {
        // Clustered rows: centres plus noise below and above the tolerance, so chains and near misses occur.
        var g = Generator(state: 7)
        let rows = 400, width = 5
        var w = [Float](), b = [Float]()
        let centres = (0..<40).map { _ in (0..<width + 1).map { _ in g.uniform() } }
        for r in 0..<rows {
            let c = centres[r % centres.count]
            let row = c.map { $0 + g.uniform() * tolerance * 0.9 }
            w += row.prefix(width)
            b.append(row[width])
        }
        #expect(
            Self.grouped(w, b, rows: rows, width: width, tolerance: tolerance)
                == Self.reference(w, b, rows: rows, width: width, tolerance: tolerance))
    }

    @Test func toleranceFindsPairsAcrossGridCells() {
        // 0.0999 and 0.1001 lie in different cells of size 0.1 but within 0.1 of each other.
        let w: [Float] = [0.0999, 5, 0.1001, 5, 0.35, 5]
        #expect(Self.grouped(w, nil, rows: 3, width: 2, tolerance: 0.1) == [[0, 1]])
    }

    @Test func constantMatrixIsOneGroup() {
        let w = [Float](repeating: 0.5, count: 1000 * 8)
        let groups = Self.grouped(w, [Float](repeating: 0, count: 1000), rows: 1000, width: 8, tolerance: 0)
        #expect(groups == [Array(0..<1000)])
    }
}
