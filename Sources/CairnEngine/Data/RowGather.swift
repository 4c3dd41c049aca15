extension ThreadTeam {
    /// Rows with fewer floats than this per thread are gathered on the calling thread alone.
    static let gatherFloatsPerPart = 1 << 16

    /// Copies rows `indices` of a row-major matrix with `width` columns, in that order, into
    /// consecutive rows of `target` (a batch in shuffled order), split across the team by rows.
    public func gatherRows<Indices: RandomAccessCollection>(_ indices: Indices, from source: UnsafePointer<Float>,
                                                            width: Int, into target: UnsafeMutablePointer<Float>)
    where Indices.Element == Int, Indices.Index == Int {
        let first = indices.startIndex
        forEachRange(count: indices.count, minimumPerPart: max(1, Self.gatherFloatsPerPart / max(width, 1))) { rows in
            for r in rows {
                (target + r * width).update(from: source + indices[first + r] * width, count: width)
            }
        }
    }
}
