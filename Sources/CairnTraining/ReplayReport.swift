import CairnInspect
import Foundation

/// The result of a replay verification (`cairn-resume --verify`): whether replaying from one checkpoint to
/// a later checkpoint's step is bit-identical to it, and where it first diverges when not.
public struct ReplayReport: Sendable {
    /// The comparison of the replay with the later checkpoint.
    public var comparison: ReplayComparison
    /// The checkpoint the replay started from.
    public var from: String
    /// The later checkpoint it was compared with.
    public var to: String

    public init(comparison: ReplayComparison, from: String, to: String) {
        self.comparison = comparison
        self.from = from
        self.to = to
    }

    /// True when every tensor, the generator state and the data order are bit-identical.
    public var isIdentical: Bool { comparison.isIdentical }

    /// One JSON object: `identical`, `step`, `tensors_compared`, `from`, `to`, `divergence` (null when identical).
    public func json() throws -> String {
        let start = from, later = to
        var object: [String: Any] = [
            "identical": comparison.isIdentical, "step": comparison.step,
            "tensors_compared": comparison.tensorsCompared, "from": start, "to": later,
        ]
        object["divergence"] = comparison.divergence ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The human line: `identical: ...` or `diverged: ...`.
    public var text: String {
        let start = from, later = to
        if let divergence = comparison.divergence {
            return "diverged: replay from \(start) does not match \(later) at step \(comparison.step): \(divergence)"
        } else {
            return
                "identical: replay from \(start) to step \(comparison.step) matches \(later) bit for bit (\(comparison.tensorsCompared) tensors, generator state and data order)"
        }
    }
}
