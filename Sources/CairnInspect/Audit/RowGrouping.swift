/// Groups the rows of a `RowMatrix` that are equal, without comparing all pairs.
///
/// Exact mode (`tolerance == 0`): every row is hashed over its canonical bit patterns (`-0.0` equals `+0.0`;
/// NaNs equal only bit for bit), inserted into an open-addressing table, and compared element by element
/// only with the rows of equal hash it meets there; a row equal to an earlier one joins that row's group.
/// Linear time in the matrix size.
///
/// Tolerance mode (`tolerance > 0`): rows are in one group when a chain of rows links them in which
/// neighbours differ by at most `tolerance` in every element (max-abs, single linkage). Exact duplicates
/// are collapsed first; the remaining rows are placed in a grid of cell size `tolerance` over the (up to)
/// three columns whose values spread most (as few as give about four cells per row), and each row is
/// verified, element by element, only against the rows of its own and the neighbouring cells (3^k cells
/// for k key columns). Rows that differ by at most `tolerance` are never more than one cell apart in any
/// column, so no pair is missed. Rows with NaN are grouped only with bit-identical rows. Many rows packed
/// within a few cells of each other (but not equal) make this quadratic in their number.
public enum RowGrouping {
    /// For every row, the smallest index of its group (itself when it is alone).
    public static func representatives(
        _ matrix: RowMatrix, tolerance: Float = 0,
        threads: Int = 2
    ) -> [Int32] {
        let exact = exactRepresentatives(matrix, threads: threads)
        guard tolerance > 0 else { return exact }
        return toleranceRepresentatives(matrix, exact: exact, tolerance: tolerance)
    }

    /// The groups of two or more rows, each sorted, ordered by their first row.
    public static func groups(representatives: [Int32]) -> [[Int]] {
        var counts = [Int32](repeating: 0, count: representatives.count)
        for r in representatives { counts[Int(r)] += 1 }
        var slot = [Int32](repeating: -1, count: representatives.count)
        var groups: [[Int]] = []
        for (row, r) in representatives.enumerated() where counts[Int(r)] > 1 {
            let root = Int(r)
            if slot[root] < 0 {
                slot[root] = Int32(groups.count)
                groups.append([])
                groups[groups.count - 1].reserveCapacity(Int(counts[root]))
            }
            groups[Int(slot[root])].append(row)
        }
        return groups
    }

    static func exactRepresentatives(_ matrix: RowMatrix, threads: Int) -> [Int32] {
        let rows = matrix.rows
        guard rows > 0 else { return [] }
        let hashes = RowHasher.hashes(matrix, threads: threads)
        var capacity = 16
        while capacity < 2 * rows { capacity <<= 1 }
        let mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        var result = [Int32](repeating: 0, count: rows)
        hashes.withUnsafeBufferPointer { h in
            table.withUnsafeMutableBufferPointer { t in
                result.withUnsafeMutableBufferPointer { rep in
                    for row in 0..<rows {
                        let hash = h[row]
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let held = Int(t[slot])
                            if held < 0 {
                                t[slot] = Int32(row)
                                rep[row] = Int32(row)
                                break
                            }
                            if h[held] == hash && matrix.rowsEqual(held, row) {
                                rep[row] = Int32(held)
                                break
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
        return result
    }

    /// Grid cell of one value: `floor(x / size)` with a size a hair above `tolerance` (so two values whose
    /// Float difference rounds to at most `tolerance` are never two cells apart), clamped; NaN gets its own
    /// cell far from all others.
    @inline(__always) static func cell(_ x: Float, _ tolerance: Float) -> Int64 {
        let c = (Double(x) / (Double(tolerance) * (1 + 1e-6))).rounded(.down)
        if c.isNaN { return Int64.min }
        return Int64(max(-9.0e18, min(9.0e18, c)))
    }

    static func toleranceRepresentatives(_ matrix: RowMatrix, exact: [Int32], tolerance: Float) -> [Int32] {
        let distinct = exact.indices.filter { Int(exact[$0]) == $0 }
        let columns = matrix.columns
        guard distinct.count > 1, columns > 0 else { return exact }
        // Key columns: the (up to) three whose finite values spread most over the distinct rows (one row-major
        // pass: rows are contiguous in memory, columns are not).
        var low = [Float](repeating: .infinity, count: columns), high = [Float](repeating: -.infinity, count: columns)
        for row in distinct {
            for column in 0..<columns {
                let v = matrix.value(row, column)
                if v.isFinite {
                    low[column] = min(low[column], v)
                    high[column] = max(high[column], v)
                }
            }
        }
        // As many key columns (at most three, most spread first) as make the grid fine enough: about four
        // cells per row, so neighbourhoods hold few rows and a row looks up 3, 9 or 27 cells.
        let spread = (0..<columns).map { (column: $0, range: high[$0] >= low[$0] ? high[$0] - low[$0] : 0) }
            .sorted { $0.range > $1.range }
        var keys: [Int] = []
        var cellsAcross = 1.0
        for candidate in spread.prefix(3) where cellsAcross < 4 * Double(distinct.count) {
            keys.append(candidate.column)
            cellsAcross *= max(1, Double(candidate.range) / Double(tolerance))
        }
        typealias Cell = GridCellIndex.Cell
        func key(_ row: Int) -> Cell {
            Cell(
                a: keys.count > 0 ? cell(matrix.value(row, keys[0]), tolerance) : 0,
                b: keys.count > 1 ? cell(matrix.value(row, keys[1]), tolerance) : 0,
                c: keys.count > 2 ? cell(matrix.value(row, keys[2]), tolerance) : 0)
        }
        let rowCells = distinct.map(key)
        let index = GridCellIndex(cells: rowCells)
        var sets = UnionFind(count: distinct.count)
        let offsets: [Int64] = [-1, 0, 1]
        let spans = (0..<3).map { $0 < keys.count ? offsets : [0] }
        for (position, row) in distinct.enumerated() {
            let k = rowCells[position]
            guard k.a != Int64.min, k.b != Int64.min, k.c != Int64.min else { continue }
            for da in spans[0] {
                for db in spans[1] {
                    for dc in spans[2] {
                        for slot in index.rows(in: Cell(a: k.a &+ da, b: k.b &+ db, c: k.c &+ dc)) {
                            let o = Int(index.order[slot])
                            guard o > position, sets.find(o) != sets.find(position) else { continue }
                            if matrix.maxAbsDifference(row, distinct[o], limit: tolerance) <= tolerance {
                                sets.union(position, o)
                            }
                        }
                    }
                }
            }
        }
        var result = exact
        var rootRow = [Int32](repeating: -1, count: distinct.count)
        for (position, row) in distinct.enumerated() {
            let root = sets.find(position)
            if rootRow[root] < 0 { rootRow[root] = Int32(row) }  // distinct rows ascend: the smallest row
            result[row] = rootRow[root]
        }
        for row in result.indices where Int(exact[row]) != row { result[row] = result[Int(exact[row])] }
        return result
    }

    /// When a layer's distinct rows (at most 256 of them, more than one) all lie within float rounding of one
    /// another (max-abs difference at most `1e-5` times the largest magnitude), the largest difference; nil
    /// otherwise. Units split only by rounding are worth a note: a tolerance joins them.
    public static func roundingSpread(
        _ matrix: RowMatrix,
        representatives: [Int32]
    ) -> (absolute: Float, relative: Float)? {
        var distinct: [Int] = []
        for (row, r) in representatives.enumerated() where Int(r) == row {
            distinct.append(row)
            if distinct.count > 256 { return nil }
        }
        guard distinct.count > 1 else { return nil }
        var magnitude: Float = 0
        for column in 0..<matrix.columns { magnitude = max(magnitude, abs(matrix.value(distinct[0], column))) }
        let limit = max(magnitude, Float.leastNormalMagnitude) * 1e-5
        var largest: Float = 0
        for row in distinct.dropFirst() {
            let d = matrix.maxAbsDifference(distinct[0], row, limit: limit)
            guard d <= limit else { return nil }
            largest = max(largest, d)
        }
        return largest > 0 ? (largest, largest / max(magnitude, Float.leastNormalMagnitude)) : nil
    }
}
