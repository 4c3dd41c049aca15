/// Splits a group of units with equal incoming weights by their outgoing weights: the columns of a consumer
/// layer's weight `[out, units * block]` that read each unit, a block of `block` contiguous columns per unit
/// (1 for a dense consumer of a dense layer; a convolution consumer's kernel area, or the positions per
/// channel of a dense layer after a flatten). Refined consumer by consumer, so only one consumer is in memory
/// at a time.
enum OutgoingSymmetry {
    /// Refines every class of `classes` so that its members have equal column blocks `m * block ..< (m + 1) *
    /// block` of `weights` (`[rows, columns]`) in every row, exactly (canonical bits) or within `tolerance`.
    static func refine(
        _ classes: [[Int]], weights: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
        block: Int = 1, tolerance: Float
    ) -> [[Int]] {
        var result: [[Int]] = []
        for members in classes where members.count > 1 {
            var buckets: [UInt64: [Int]] = [:]  // column hash -> indices into `parts`
            var parts: [[Int]] = []
            for m in members {
                let key = tolerance == 0 ? hash(column: m, weights, rows: rows, columns: columns, block: block) : 0
                var placed = false
                for part in buckets[key] ?? []
                where equal(
                    parts[part][0], m, weights, rows: rows, columns: columns,
                    block: block, tolerance: tolerance)
                {
                    parts[part].append(m)
                    placed = true
                    break
                }
                if !placed {
                    buckets[key, default: []].append(parts.count)
                    parts.append([m])
                }
            }
            result.append(contentsOf: parts)
        }
        return result.filter { $0.count > 1 }
    }

    static func hash(column: Int, _ w: UnsafeBufferPointer<Float>, rows: Int, columns: Int, block: Int = 1) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for r in 0..<rows {
            let start = r * columns + column * block
            for j in 0..<block { h = (h ^ UInt64(RowMatrix.canonicalBits(w[start + j]))) &* 0x100_0000_01B3 }
        }
        return h
    }

    static func equal(
        _ a: Int, _ b: Int, _ w: UnsafeBufferPointer<Float>, rows: Int, columns: Int, block: Int = 1,
        tolerance: Float
    ) -> Bool {
        for r in 0..<rows {
            let startA = r * columns + a * block, startB = r * columns + b * block
            for j in 0..<block {
                let x = w[startA + j], y = w[startB + j]
                if tolerance == 0 {
                    if RowMatrix.canonicalBits(x) != RowMatrix.canonicalBits(y) { return false }
                } else if !(abs(x - y) <= tolerance) {
                    return false
                }
            }
        }
        return true
    }

    /// Refines classes so that members share a representative in `representatives` (a partner layer's groups).
    static func refine(_ classes: [[Int]], sameAs representatives: [Int32]) -> [[Int]] {
        classes.flatMap { members in
            Dictionary(grouping: members) { representatives[$0] }.values.map { $0.sorted() }
        }.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }
}
