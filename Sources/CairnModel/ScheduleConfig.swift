/// A learning-rate schedule (`--schedule`), stored in the manifest under `"schedule"`.
///
/// Command-line forms: `constant`, `step:EPOCHS:GAMMA` (multiply by GAMMA every EPOCHS epochs),
/// `exponential:GAMMA` (multiply by GAMMA every epoch, applied smoothly per step), `cosine` or
/// `cosine:MIN` (from the base rate down to MIN over the run's total steps). Any of them may be
/// preceded by `warmup:STEPS,` for a linear warm-up from 0 over the first STEPS steps.
public struct ScheduleConfig: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        case constant, step, exponential, cosine
    }

    public var kind: Kind
    /// `step`: epochs between decays.
    public var stepEpochs: Int
    /// `step` and `exponential`: the decay factor.
    public var gamma: Float
    /// `cosine`: the final learning rate.
    public var minimum: Float
    /// Linear warm-up steps (0 for none).
    public var warmupSteps: Int

    public init(kind: Kind = .constant, stepEpochs: Int = 1, gamma: Float = 1, minimum: Float = 0, warmupSteps: Int = 0)
    {
        self.kind = kind
        self.stepEpochs = stepEpochs
        self.gamma = gamma
        self.minimum = minimum
        self.warmupSteps = warmupSteps
    }

    public static let constant = ScheduleConfig()

    /// Parses the command-line form; nil when it is not one.
    public init?(parsing text: String) {
        var parts = text.split(separator: ",").map { String($0) }
        var warmup = 0
        if let first = parts.first, first.hasPrefix("warmup:") {
            guard let steps = Int(first.dropFirst("warmup:".count)), steps >= 0 else { return nil }
            warmup = steps
            parts.removeFirst()
            if parts.isEmpty { parts = ["constant"] }
        }
        guard parts.count == 1 else { return nil }
        let fields = parts[0].split(separator: ":").map(String.init)
        switch fields.first {
        case "constant" where fields.count == 1:
            self.init(kind: .constant, warmupSteps: warmup)
        case "step" where fields.count == 3:
            guard let every = Int(fields[1]), every > 0, let gamma = Float(fields[2]), gamma.isFinite, gamma > 0 else {
                return nil
            }
            self.init(kind: .step, stepEpochs: every, gamma: gamma, warmupSteps: warmup)
        case "exponential" where fields.count == 2:
            guard let gamma = Float(fields[1]), gamma.isFinite, gamma > 0 else { return nil }
            self.init(kind: .exponential, gamma: gamma, warmupSteps: warmup)
        case "cosine" where fields.count <= 2:
            let minimum = fields.count == 2 ? Float(fields[1]) : 0
            guard let minimum, minimum.isFinite, minimum >= 0 else { return nil }
            self.init(kind: .cosine, minimum: minimum, warmupSteps: warmup)
        default:
            return nil
        }
    }

    public var description: String {
        let body: String
        switch kind {
        case .constant: body = "constant"
        case .step: body = "step:\(stepEpochs):\(gamma)"
        case .exponential: body = "exponential:\(gamma)"
        case .cosine: body = minimum == 0 ? "cosine" : "cosine:\(minimum)"
        }
        return warmupSteps > 0 ? "warmup:\(warmupSteps),\(body)" : body
    }

    /// The learning rate for a step (0-based), given the base rate, the steps in one epoch and the
    /// run's total steps. Pure: the same arguments always give the same rate, so resume matches.
    public func rate(base: Float, step: Int, stepsPerEpoch: Int, totalSteps: Int) -> Float {
        let perEpoch = Double(max(stepsPerEpoch, 1))
        var rate: Double
        switch kind {
        case .constant:
            rate = Double(base)
        case .step:
            let epoch = step / max(stepsPerEpoch, 1)
            rate = Double(base) * pow(Double(gamma), Double(epoch / max(stepEpochs, 1)))
        case .exponential:
            rate = Double(base) * pow(Double(gamma), Double(step) / perEpoch)
        case .cosine:
            let total = Double(max(totalSteps - warmupSteps, 1))
            let progress = min(max(Double(step - warmupSteps) / total, 0), 1)
            rate = Double(minimum) + (Double(base) - Double(minimum)) * 0.5 * (1 + cos(Double.pi * progress))
        }
        if warmupSteps > 0, step < warmupSteps {
            rate *= Double(step + 1) / Double(warmupSteps)
        }
        return Float(rate)
    }

    private enum CodingKeys: String, CodingKey {
        case kind, stepEpochs = "step_epochs", gamma, minimum, warmupSteps = "warmup_steps"
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
