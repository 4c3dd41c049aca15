/// Why the engine refused a request: each case names the thing at fault.
public enum EngineError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A network's `maxBatch` must be from 1 to the limit.
    case invalidMaxBatch(Int)
    /// Workspaces of `maxBatch` rows of this graph would be too large.
    case workspaceTooLarge(elements: Int)
    /// An optimizer slot this optimizer needs is not in the restored set.
    case missingSlot(String)
    /// A restored optimizer slot has the wrong number of elements.
    case slotSizeMismatch(slot: String, expected: Int, actual: Int)
    /// A restored slot this optimizer does not have (e.g. Adam state given to a momentum optimizer).
    case unexpectedSlot(String)
    /// A restored step count below zero.
    case invalidStepCount(Int)
    /// Parameter values with the wrong number of elements, or for a parameter the network lacks.
    case parameterMismatch(name: String, expected: Int, actual: Int)
    case unknownParameter(String)

    public var description: String {
        switch self {
        case .invalidMaxBatch(let n): return "maxBatch \(n) is out of range (1 to \(Network.maximumBatch))"
        case .workspaceTooLarge(let n): return "network workspaces would need \(n) floats, more than the limit"
        case .missingSlot(let s): return "optimizer slot '\(s)' is missing"
        case .slotSizeMismatch(let s, let e, let a): return "optimizer slot '\(s)' has \(a) values, expected \(e)"
        case .unexpectedSlot(let s): return "optimizer slot '\(s)' does not belong to this optimizer"
        case .invalidStepCount(let n): return "optimizer step count \(n) is negative"
        case .parameterMismatch(let p, let e, let a): return "parameter '\(p)' has \(a) values, expected \(e)"
        case .unknownParameter(let p): return "the network has no parameter '\(p)'"
        }
    }
}
