import CCairnKernels

/// Copies chosen rows of a row-major matrix, in a given order, into consecutive rows of a batch.
struct RowGather: TeamJob {
    /// Rows with fewer floats than this per thread are gathered on the calling thread alone.
    static let floatsPerPart = 1 << 16

    var indices: UnsafePointer<Int>
    var source: UnsafePointer<Float>
    var width: Int
    var target: UnsafeMutablePointer<Float>
    var split: Split

    func run(part: Int) {
        for r in split.range(part) {
            (target + r * width).update(from: source + indices[r] * width, count: width)
        }
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: RowGather.self).pointee.run(part: part) }
    }
}

extension ThreadTeam {
    /// Copies rows `indices` of a row-major matrix with `width` columns, in that order, into
    /// consecutive rows of `target` (a batch in shuffled order), split across the team by rows.
    public func gatherRows(
        _ indices: ArraySlice<Int>, from source: UnsafePointer<Float>, width: Int,
        into target: UnsafeMutablePointer<Float>
    ) {
        indices.withUnsafeBufferPointer { indices in
            guard let first = indices.baseAddress else { return }
            run(
                RowGather(
                    indices: first, source: source, width: width, target: target,
                    split: split(indices.count, minimumPerPart: max(1, RowGather.floatsPerPart / max(width, 1)))))
        }
    }
}
