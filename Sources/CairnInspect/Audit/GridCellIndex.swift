/// Rows bucketed by their grid cell (up to three cell coordinates): the rows sorted by cell, and an
/// open-addressing table from a cell to its run in that order, so finding the rows of a neighbouring cell is
/// one hash probe and allocates nothing.
struct GridCellIndex {
    struct Cell: Equatable {
        var a: Int64, b: Int64, c: Int64

        var hash: Int {
            var h = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15
            h = (h ^ UInt64(bitPattern: b)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ UInt64(bitPattern: c)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: h ^ (h >> 29))
        }
    }

    /// Row positions sorted by cell.
    let order: [Int32]
    /// Per table slot: the start of a cell's run in `order` (-1: empty), and the run's length.
    private let starts: [Int32]
    private let counts: [Int32]
    private let cells: [Cell]
    private let mask: Int

    init(cells: [Cell]) {
        self.cells = cells
        let sorted = cells.indices.sorted {
            let x = cells[$0], y = cells[$1]
            return (x.a, x.b, x.c, $0) < (y.a, y.b, y.c, $1)
        }
        order = sorted.map { Int32($0) }
        var capacity = 16
        while capacity < 2 * cells.count { capacity <<= 1 }
        mask = capacity - 1
        var starts = [Int32](repeating: -1, count: capacity), counts = [Int32](repeating: 0, count: capacity)
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && cells[sorted[j]] == cells[sorted[i]] { j += 1 }
            var slot = cells[sorted[i]].hash & mask
            while starts[slot] >= 0 { slot = (slot + 1) & mask }
            starts[slot] = Int32(i)
            counts[slot] = Int32(j - i)
            i = j
        }
        self.starts = starts
        self.counts = counts
    }

    /// The positions in `order` of the rows in `cell`.
    func rows(in cell: Cell) -> Range<Int> {
        var slot = cell.hash & mask
        while starts[slot] >= 0 {
            let start = Int(starts[slot])
            if cells[Int(order[start])] == cell { return start..<(start + Int(counts[slot])) }
            slot = (slot + 1) & mask
        }
        return 0..<0
    }
}
