import CairnFormat
import CairnModel

/// The result of replaying a run and comparing it with a later checkpoint (`cairn-resume --verify`),
/// made by the same comparison as `cairn-diff --all` at exact tolerance.
public struct ReplayComparison: Sendable {
    /// Where the replay first differs, or nil when everything is identical.
    public var divergence: String?
    /// Tensors compared.
    public var tensorsCompared: Int
    /// The step both are at.
    public var step: Int

    public var isIdentical: Bool { divergence == nil }

    /// Compares the position, every tensor (exactly, then bit for bit), the generator state, the epoch's
    /// order and the optimiser's step count, and names the first difference in that order.
    public static func compare(replay: Checkpoint, target: Checkpoint, targetPath: String) throws -> ReplayComparison {
        let a = replay.manifest.training, b = target.manifest.training
        func result(_ divergence: String?) -> ReplayComparison {
            ReplayComparison(divergence: divergence, tensorsCompared: target.tensors.count, step: b.globalStep)
        }
        if a.globalStep != b.globalStep || a.epoch != b.epoch || a.stepInEpoch != b.stepInEpoch {
            return result(
                "position: replay at epoch \(a.epoch) batch \(a.stepInEpoch) step \(a.globalStep), \(targetPath) at epoch \(b.epoch) batch \(b.stepInEpoch) step \(b.globalStep)"
            )
        }
        let options = DiffOptions(tolerance: DiffTolerance(equalNaN: true), includeAll: true)
        let report = try CheckpointDiff.compare(
            DiffInput(checkpoint: replay, label: "the replay"),
            DiffInput(checkpoint: target, label: targetPath), options: options)
        let byName = Dictionary(report.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = report.tensors.filter { $0.status == .added }.map(\.name).sorted()
        let extra = report.tensors.filter { $0.status == .removed }.map(\.name).sorted()
        if !missing.isEmpty || !extra.isEmpty {
            return result("tensor sets differ (only in \(targetPath): \(missing); only in the replay: \(extra))")
        }
        for expected in target.tensors {
            guard let difference = byName[expected.name], difference.differs,
                let actual = replay.tensor(named: expected.name)
            else { continue }
            if difference.status == .reshaped {
                return result("tensor \(expected.name): shape \(actual.shape) vs \(expected.shape)")
            }
            let index = flatIndex(difference.firstMismatchIndex ?? [], shape: expected.shape)
            return result(
                "tensor \(expected.name): element \(index) is \(actual.values[index]) in the replay, \(expected.values[index]) in \(targetPath) (largest difference \(Float(difference.maxAbsDiff ?? 0)))"
            )
        }
        // Bit for bit: the comparison above counts 0 and -0, and NaNs of any payload, as equal.
        for expected in target.tensors {
            guard let actual = replay.tensor(named: expected.name), actual.values.count == expected.values.count,
                let index = actual.values.indices.first(where: {
                    actual.values[$0].bitPattern != expected.values[$0].bitPattern
                })
            else { continue }
            let bits = { (value: Float) in "0x" + String(value.bitPattern, radix: 16) }
            return result(
                "tensor \(expected.name): element \(index) has bits \(bits(actual.values[index])) in the replay, \(bits(expected.values[index])) in \(targetPath) (equal as numbers: a signed zero or a NaN payload)"
            )
        }
        if a.rng != b.rng { return result("random generator state differs (\(a.rng) vs \(b.rng))") }
        if byName[Checkpoint.orderTensorName]?.differs ?? false { return result("the epoch's sample order differs") }
        if a.optimizerSteps != b.optimizerSteps {
            return result("optimiser step count \(a.optimizerSteps) vs \(b.optimizerSteps)")
        }
        return result(nil)
    }

    private static func flatIndex(_ index: [Int], shape: [Int]) -> Int {
        zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
    }
}
