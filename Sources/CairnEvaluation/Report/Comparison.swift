/// A paired comparison of two checkpoints on the same samples (B against A).
///
/// Classification: `difference` is accuracy(B) - accuracy(A), `p_value` the exact McNemar test on the
/// discordant pairs, `ci` the paired-bootstrap 95% interval of the accuracy difference, and `loss_difference`
/// / `loss_ci` the same for the mean cross-entropy. Regression: `difference` is MSE(B) - MSE(A), `ci` its
/// paired-bootstrap interval and `p_value` the bootstrap's two-sided p-value.
public struct Comparison: Codable, Equatable, Sendable {
    public var a: String
    public var b: String
    public var difference: Double
    public var pValue: Double
    public var ci: [Double]
    public var lossDifference: Double
    public var lossCI: [Double]
    /// Samples only A classified correctly, and only B (classification).
    public var onlyA: Int?
    public var onlyB: Int?
    /// `"B is better"`, `"A is better"` or `"no significant difference (p = ...)"`, with the letters of
    /// the two checkpoints in command-line order.
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case a, b, difference, pValue = "p_value", ci, lossDifference = "loss_difference", lossCI = "loss_ci"
        case onlyA = "only_a", onlyB = "only_b", verdict
    }
}
