import CCairnKernels

/// A loop over `0..<count` split across a team by the fixed rule of `ThreadTeam.split`: each part runs
/// `body` on its range. The kernels of this folder (lowering, pooling, batch normalization) use it for
/// work that falls into independent items (rows, channel planes, channels), so every item is computed
/// by one thread in one fixed order and the result does not depend on how the items were split.
struct RangeJob: TeamJob {
    let body: (Range<Int>) -> Void
    var split: Split

    func run(part: Int) {
        let range = split.range(part)
        if !range.isEmpty { body(range) }
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: RangeJob.self).pointee.run(part: part) }
    }
}

extension ThreadTeam {
    /// Runs `body` over `0..<count` in parts of at least `minimumPerPart` items, on this team; the
    /// closure never escapes, so starting the job allocates nothing.
    static func forEachRange(_ team: ThreadTeam?, count: Int, minimumPerPart: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        guard let team, team.threadCount > 1 else {
            body(0..<count)
            return
        }
        let split = team.split(count, minimumPerPart: max(1, minimumPerPart))
        withoutActuallyEscaping(body) { body in team.run(RangeJob(body: body, split: split)) }
    }
}
