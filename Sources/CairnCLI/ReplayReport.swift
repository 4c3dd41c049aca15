import CairnInspect
import Foundation

/// Prints the result of `cairn-resume --verify`.
public enum ReplayReport {
    public static func print(_ comparison: ReplayComparison, from start: String, to later: String, json: Bool) throws {
        if json {
            var object: [String: Any] = ["identical": comparison.isIdentical, "step": comparison.step,
                                         "tensors_compared": comparison.tensorsCompared, "from": start, "to": later]
            object["divergence"] = comparison.divergence ?? NSNull()
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        } else if let divergence = comparison.divergence {
            Swift.print("diverged: replay from \(start) does not match \(later) at step \(comparison.step): \(divergence)")
        } else {
            Swift.print("identical: replay from \(start) to step \(comparison.step) matches \(later) bit for bit (\(comparison.tensorsCompared) tensors, generator state and data order)")
        }
    }
}
