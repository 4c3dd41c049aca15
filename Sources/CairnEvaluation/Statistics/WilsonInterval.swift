import Foundation

/// The Wilson score interval of a binomial proportion (Wilson 1927): for `successes` out of `trials`
/// at normal quantile `z`,
/// `(p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)`. Unlike `p ± z√(p(1-p)/n)` it stays inside
/// [0, 1] and is sound near 0 and 1.
public enum WilsonInterval {
    /// The two-sided 95% normal quantile, Φ⁻¹(0.975).
    public static let z95 = 1.959963984540054

    /// `[low, high]`; `[0, 1]` when there are no trials.
    public static func interval(successes: Int, trials: Int, z: Double = z95) -> [Double] {
        guard trials > 0 else { return [0, 1] }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return [max(0, centre - half), min(1, centre + half)]
    }
}
