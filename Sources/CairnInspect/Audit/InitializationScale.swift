import CairnModel

/// What the He (Kaiming) and Xavier (Glorot) initialisations expect of a weight's standard deviation, and how
/// far a weight is from both.
///
/// He: `gain / sqrt(fan_in)` with PyTorch's `calculate_gain` for the activation that follows (ReLU `sqrt(2)`,
/// leaky ReLU `sqrt(2 / (1 + alpha^2))`, tanh `5/3`, sigmoid and identity `1`). Xavier: `sqrt(2 / (fan_in +
/// fan_out))` (Glorot's normal form, gain 1; the same standard deviation as its uniform form).
public struct InitializationScale: Sendable, Equatable {
    public var he: Double
    public var xavier: Double

    public init(fanIn: Int, fanOut: Int, activation: NodeKind, alpha: Float) {
        let gain: Double
        switch activation {
        case .relu: gain = 2.0.squareRoot()
        case .leakyRelu: gain = (2 / (1 + Double(alpha) * Double(alpha))).squareRoot()
        case .tanh: gain = 5.0 / 3
        default: gain = 1
        }
        he = gain / Double(max(fanIn, 1)).squareRoot()
        xavier = (2 / Double(max(fanIn + fanOut, 1))).squareRoot()
    }

    /// How far off a weight with this standard deviation is: the factor to the nearer expectation, below 1
    /// when too small. 1 when it lies between the two.
    public func factor(std: Double) -> Double {
        let low = min(he, xavier), high = max(he, xavier)
        if std < low { return std / low }
        if std > high { return std / high }
        return 1
    }

    /// The verdict for a standard deviation: "ok", "too small" or "too large" (more than `limit` times away
    /// from both expectations).
    public func verdict(std: Double, limit: Double = 3) -> String {
        let f = factor(std: std)
        if f < 1 / limit { return "too small" }
        if f > limit { return "too large" }
        return "ok"
    }
}
