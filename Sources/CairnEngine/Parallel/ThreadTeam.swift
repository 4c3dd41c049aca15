import CCairnKernels

/// A fixed team of threads, the caller plus `threadCount - 1` workers, that runs one job in parts at
/// once: the engine's GEMMs (each split into row or column blocks, one single-threaded BLAS call per
/// block), its element-wise loops, batch gathers and optimiser updates.
///
/// Work is split by a fixed rule (`Split`) that depends only on the sizes and `threadCount`, never on
/// timing, so results are bit-identical from run to run at the same thread count. Jobs are plain
/// structs handed to the workers by address, so starting one allocates nothing. Workers spin for a
/// moment between jobs (a training step issues them back to back), then sleep. A team is used by one
/// thread at a time: the network that owns it.
public final class ThreadTeam {
    /// The number of threads that share each job, the caller included.
    public let threadCount: Int
    private let team: OpaquePointer?

    /// How long an idle worker spins for the next job before it sleeps: a training step issues jobs
    /// back to back, microseconds apart.
    static let spinNanoseconds = 200_000

    /// One thread per processor this process may run on (its CPU affinity on Linux, so `taskset`
    /// and container cpusets are honoured).
    public static var defaultThreadCount: Int {
        max(1, Int(cairn_available_processors()))
    }

    /// A team of `threads` threads (clamped to 1...1024). Its `threads - 1` workers start with the
    /// first job that is split, so a network whose work never splits costs no threads; the parts of
    /// any worker the system refuses to start run on the calling thread, same split, same results.
    public init(threads: Int = ThreadTeam.defaultThreadCount) {
        let wanted = min(max(threads, 1), 1024)
        // Spinning pays when every thread has a processor; with more threads than processors a
        // spinning worker takes the processor a working one needs, so workers then sleep at once.
        let spin = wanted <= Self.defaultThreadCount ? Self.spinNanoseconds : 0
        if wanted > 1, let team = cairn_team_create(Int32(wanted), spin) {
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

    /// Runs `job.run(part:)` for every part of `job.split`, part 0 on the calling thread, and returns
    /// when all have finished.
    func run<Job: TeamJob>(_ job: Job) {
        let parts = job.split.parts
        precondition(parts <= threadCount, "\(parts) parts for a team of \(threadCount) threads")
        guard parts > 1, let team else {
            for part in 0..<parts { job.run(part: part) }
            return
        }
        var job = job
        withUnsafeMutablePointer(to: &job) { pointer in
            cairn_team_run(team, Int32(parts), Job.entry, pointer)
        }
    }

    /// `count` items split into at most `threadCount` parts of whole `granule`s, with at least
    /// `minimumPerPart` items in each.
    func split(_ count: Int, granule: Int = 1, minimumPerPart: Int) -> Split {
        Split(
            count: count, granule: granule,
            parts: max(1, min(threadCount, count / max(minimumPerPart, 1), (count + granule - 1) / granule)))
    }
}

/// `0..<count` cut into `parts` consecutive ranges of whole granules (the last takes the remainder):
/// a fixed split that depends only on its three numbers.
struct Split: Equatable, Sendable {
    var count: Int
    var granule: Int
    var parts: Int

    init(count: Int, granule: Int = 1, parts: Int) {
        precondition(count >= 0 && granule >= 1 && parts >= 1, "invalid split")
        self.count = count
        self.granule = granule
        self.parts = parts
    }

    /// The range of part `part`.
    func range(_ part: Int) -> Range<Int> {
        let granules = (count + granule - 1) / granule
        let each = granules / parts, extra = granules % parts
        let start = (part * each + min(part, extra)) * granule
        let end = ((part + 1) * each + min(part + 1, extra)) * granule
        return min(start, count)..<min(end, count)
    }
}

/// Work a `ThreadTeam` runs in parts: a plain struct holding its pointers and sizes.
protocol TeamJob {
    /// How the work is cut into parts.
    var split: Split { get }
    /// Does part `part` (`0..<split.parts`); called on any of the team's threads.
    func run(part: Int)
    /// The C entry point the workers call with the job's address; each conforming type writes
    /// `{ context, part in context!.assumingMemoryBound(to: Self.self).pointee.run(part: part) }`
    /// (a C function pointer cannot be generic).
    static var entry: cairn_team_task { get }
}
