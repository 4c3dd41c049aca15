import CCairnKernels
import CairnModel

/// Inference split by rows across a thread team: each thread runs its own single-threaded copy of the
/// network on a contiguous range of whole batches, so threads meet once per call instead of at every
/// product of every batch (which small batches cannot amortise).
///
/// Each replica packs its dense weights once (`Network.packWeightsForInference`): a BLAS would repack them
/// in every product, which dominates batches of a few dozen rows. Every row's output and loss are those of a
/// single-threaded network; the summed loss adds the parts' sums in part order, so results depend only on
/// the row count, the batch size and the thread count.
public final class ReplicatedInference {
    /// The batch to run when the caller has no reason to choose: the largest that takes the packed
    /// small-batch product (`PackedDenseWeights.maximumRows`); on CPUs with that kernel it beats the BLAS at
    /// every batch size up to there.
    public static let preferredBatch = PackedDenseWeights.maximumRows

    /// One network per thread, each on a team of one.
    public let replicas: [Network]
    /// The team whose threads run the replicas.
    public let team: ThreadTeam

    /// Copies of a network of `graph` with `values` (parameter name to values, as `Network.load`), for batches
    /// of `maxBatch` rows on `threads` threads.
    public init(
        graph: GraphSpec, values: [String: [Float]], maxBatch: Int, threads: Int,
        reportedLossWeights: [Float]? = nil
    ) throws {
        team = ThreadTeam(threads: threads)
        var replicas: [Network] = []
        for _ in 0..<team.threadCount {
            let network = try Network(graph: graph, maxBatch: maxBatch, threads: 1)
            try network.load(values: values)
            network.packWeightsForInference()
            network.reportedLossWeights = reportedLossWeights
            replicas.append(network)
        }
        self.replicas = replicas
    }

    /// Runs `count` rows as `Network.infer` does, the rows split into one range of whole batches per thread.
    /// `progress` is called from the calling thread with an estimate of the rows done.
    public func infer(
        inputs: UnsafeBufferPointer<Float>, targets: Targets, count: Int,
        progress: ((Int) -> Void)? = nil
    ) -> Network.Inference {
        let first = replicas[0]
        precondition(inputs.count >= count * first.inputWidth, "fewer inputs than rows x input width")
        precondition(targets.rowCount(width: first.outputWidth) >= count, "fewer targets than rows")
        let split = team.split(count, granule: first.maxBatch, minimumPerPart: first.maxBatch)
        let results = UnsafeMutablePointer<Network.Inference?>.allocate(capacity: split.parts)
        results.initialize(repeating: nil, count: split.parts)
        defer {
            results.deinitialize(count: split.parts)
            results.deallocate()
        }
        let job = ReplicaJob(
            replicas: replicas, inputs: inputs, targets: targets, split: split, results: results,
            progress: progress.map { report in { done in report(done * split.parts) } })
        team.run(job)
        let width = first.outputWidth
        var outputs: [Float] = []
        var rowLosses: [Double] = []
        outputs.reserveCapacity(count * width)
        rowLosses.reserveCapacity(count)
        var total = 0.0
        var correct = 0
        for part in 0..<split.parts {
            guard let result = results[part] else { continue }
            outputs += result.outputs
            rowLosses += result.rowLosses
            total += result.lossSum
            correct += result.correct
        }
        progress?(count)
        return Network.Inference(
            outputs: outputs, rowLosses: rowLosses, loss: count > 0 ? total / Double(count) : .nan,
            lossSum: total, correct: correct)
    }
}

/// One thread's share of a replicated inference: its replica over its range of rows.
struct ReplicaJob: TeamJob {
    let replicas: [Network]
    let inputs: UnsafeBufferPointer<Float>
    let targets: Targets
    let split: Split
    let results: UnsafeMutablePointer<Network.Inference?>
    /// Called by part 0 only (the calling thread).
    let progress: ((Int) -> Void)?

    func run(part: Int) {
        let range = split.range(part)
        guard !range.isEmpty else { return }
        let network = replicas[part]
        let width = network.inputWidth
        let rows = UnsafeBufferPointer(rebasing: inputs[(range.lowerBound * width)..<(range.upperBound * width)])
        let mine = targets.rows(from: range.lowerBound, count: range.count, width: network.outputWidth)
        results[part] = network.infer(
            inputs: rows, targets: mine, count: range.count,
            progress: part == 0 ? progress : nil)
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: ReplicaJob.self).pointee.run(part: part) }
    }
}
