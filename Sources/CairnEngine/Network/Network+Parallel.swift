extension Network {
    /// Element-wise loops with fewer elements than this per thread run on the calling thread alone.
    static let elementsPerPart = 1 << 15

    /// Runs `body(offset, count)` over `0..<count` in up to `team.threadCount` pieces of whole
    /// eight-float chunks. For loops whose elements are independent: the result is the same for any
    /// split.
    @inline(__always)
    func elementsInParallel(_ count: Int, _ body: (_ offset: Int, _ count: Int) -> Void) {
        team.forEachRange(count: count, granule: Lanes.width, minimumPerPart: Self.elementsPerPart) { range in
            body(range.lowerBound, range.count)
        }
    }

    /// Runs `body(firstRow, rowCount)` over `rows` rows of `width` values in up to `team.threadCount`
    /// pieces. For loops whose rows are independent.
    @inline(__always)
    func rowsInParallel(_ rows: Int, width: Int, _ body: (_ firstRow: Int, _ rowCount: Int) -> Void) {
        team.forEachRange(count: rows, minimumPerPart: max(1, Self.elementsPerPart / max(width, 1))) { range in
            body(range.lowerBound, range.count)
        }
    }

    /// Runs `body(firstColumn, columnCount)` over the `width` columns of a `rows x width` matrix in up
    /// to `team.threadCount` pieces of whole eight-float chunks. For column reductions: each column is
    /// still summed over its rows in order, so the result is the same for any split.
    @inline(__always)
    func columnsInParallel(_ width: Int, rows: Int, _ body: (_ firstColumn: Int, _ columnCount: Int) -> Void) {
        team.forEachRange(count: width, granule: Lanes.width,
                          minimumPerPart: max(Lanes.width, Self.elementsPerPart / max(rows, 1))) { range in
            body(range.lowerBound, range.count)
        }
    }
}
