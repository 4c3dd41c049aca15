import CairnModel

/// The result of replaying a run and comparing it with a later checkpoint, bit for bit.
public struct ReplayComparison: Sendable {
    /// Where the replay first differs, or nil when everything is bit-identical.
    public var divergence: String?
    /// Tensors compared.
    public var tensorsCompared: Int
    /// The step both are at.
    public var step: Int

    public var isIdentical: Bool { divergence == nil }

    /// Compares the step, the generator state, the epoch's order and every tensor by bit pattern.
    public static func compare(replay: Checkpoint, target: Checkpoint, targetPath: String) -> ReplayComparison {
        let a = replay.manifest.training, b = target.manifest.training
        func result(_ divergence: String?) -> ReplayComparison {
            ReplayComparison(divergence: divergence, tensorsCompared: target.tensors.count, step: b.globalStep)
        }
        if a.globalStep != b.globalStep || a.epoch != b.epoch || a.stepInEpoch != b.stepInEpoch {
            return result("position: replay at epoch \(a.epoch) batch \(a.stepInEpoch) step \(a.globalStep), \(targetPath) at epoch \(b.epoch) batch \(b.stepInEpoch) step \(b.globalStep)")
        }
        let replayNames = Set(replay.tensors.map(\.name)), targetNames = Set(target.tensors.map(\.name))
        if replayNames != targetNames {
            let missing = targetNames.subtracting(replayNames).sorted(), extra = replayNames.subtracting(targetNames).sorted()
            return result("tensor sets differ (only in \(targetPath): \(missing); only in the replay: \(extra))")
        }
        for expected in target.tensors {
            guard let actual = replay.tensor(named: expected.name) else { continue }
            if actual.shape != expected.shape {
                return result("tensor \(expected.name): shape \(actual.shape) vs \(expected.shape)")
            }
            if let index = actual.values.indices.first(where: { actual.values[$0].bitPattern != expected.values[$0].bitPattern }) {
                let maxDifference = zip(actual.values, expected.values).map { abs($0.0 - $0.1) }.max() ?? 0
                return result("tensor \(expected.name): element \(index) is \(actual.values[index]) in the replay, \(expected.values[index]) in \(targetPath) (largest difference \(maxDifference))")
            }
        }
        if a.rng != b.rng { return result("random generator state differs (\(a.rng) vs \(b.rng))") }
        if replay.order != target.order { return result("the epoch's sample order differs") }
        if a.optimizerSteps != b.optimizerSteps { return result("optimiser step count \(a.optimizerSteps) vs \(b.optimizerSteps)") }
        return result(nil)
    }
}
