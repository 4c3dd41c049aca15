import CCairnKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed team of threads, the caller plus `threadCount - 1` workers, that runs one task in parts
/// at once: the engine's GEMMs (each split into row or column blocks, one single-threaded BLAS call
/// per block) and its element-wise loops and batch gathers.
///
/// Work is split by a fixed rule that depends only on the sizes and `threadCount`, never on timing,
/// so results are bit-identical from run to run at the same thread count. Workers spin for a moment
/// between tasks (a training step issues them back to back), then sleep. A team is used by one
/// thread at a time: the network that owns it.
public final class ThreadTeam {
    /// The number of threads that share each task, the caller included.
    public let threadCount: Int
    private let team: OpaquePointer?

    /// One thread per online processor.
    public static var defaultThreadCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Starts `threads - 1` workers (`threads` is clamped to 1...1024). When the system refuses to
    /// start some, the team runs with the ones it has: `threadCount` says how many.
    public init(threads: Int = ThreadTeam.defaultThreadCount) {
        let wanted = min(max(threads, 1), 1024)
        if wanted > 1, let team = cairn_team_create(Int32(wanted)) {
            self.team = team
            threadCount = Int(cairn_team_threads(team))
        } else {
            team = nil
            threadCount = 1
        }
    }

    deinit {
        if let team { cairn_team_destroy(team) }
    }

    /// Runs `body(part)` for every part in `0..<parts` (at most `threadCount`), part 0 on the calling
    /// thread, and returns when all have finished.
    public func run(parts: Int, _ body: (Int) -> Void) {
        precondition(parts <= threadCount, "\(parts) parts for a team of \(threadCount) threads")
        guard parts > 1, let team else {
            for part in 0..<max(parts, 0) { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                cairn_team_run(team, Int32(parts), { context, part in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }, pointer)
            }
        }
    }

    /// How many parts `count` items are split into: at most `threadCount`, and at least
    /// `minimumPerPart` items in each.
    public func parts(for count: Int, minimumPerPart: Int) -> Int {
        max(1, min(threadCount, count / max(minimumPerPart, 1)))
    }

    /// Part `part` of `parts` of `0..<count`, in whole granules of `granule` items (the last part
    /// takes the remainder): a fixed split that depends only on its arguments.
    public static func range(part: Int, of parts: Int, count: Int, granule: Int = 1) -> Range<Int> {
        let granules = (count + granule - 1) / granule
        let each = granules / parts, extra = granules % parts
        let start = (part * each + min(part, extra)) * granule
        let end = ((part + 1) * each + min(part + 1, extra)) * granule
        return min(start, count) ..< min(end, count)
    }

    /// Runs `body(range)` over `0..<count` split into up to `threadCount` ranges of whole granules,
    /// with at least `minimumPerPart` items in each part.
    public func forEachRange(count: Int, granule: Int = 1, minimumPerPart: Int, _ body: (Range<Int>) -> Void) {
        let parts = parts(for: count, minimumPerPart: minimumPerPart)
        run(parts: parts) { part in
            let range = Self.range(part: part, of: parts, count: count, granule: granule)
            if !range.isEmpty { body(range) }
        }
    }
}
