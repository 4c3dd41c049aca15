import CairnEngine

/// A paired bootstrap of mean differences: `resamples` times, draw `n` sample indices with replacement
/// (xoshiro256** seeded with `seed`, Lemire's bounded draws), and take the mean of each per-sample
/// difference series over the same indices. Intervals are the 2.5th and 97.5th percentiles of those
/// means (linear interpolation between order statistics, numpy's default).
public struct PairedBootstrap: Sendable {
    public var resamples: Int
    public var seed: UInt64

    public init(resamples: Int, seed: UInt64) {
        self.resamples = resamples
        self.seed = seed
    }

    /// The resampled means of each series (all of length n, paired by index): `[series][resample]`.
    public func resampledMeans(_ series: [[Double]]) -> [[Double]] {
        let n = series.first?.count ?? 0
        let width = series.count
        var means = [[Double]](repeating: [Double](repeating: 0, count: resamples), count: width)
        guard n > 0, width > 0 else { return means }
        // Sample-major, so one draw reads its values from one place.
        var interleaved = [Double](repeating: 0, count: n * width)
        for (s, values) in series.enumerated() {
            for i in 0..<n { interleaved[i * width + s] = values[i] }
        }
        var rng = RandomGenerator(seed: seed)
        var sums = [Double](repeating: 0, count: width)
        interleaved.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                for r in 0..<resamples {
                    for s in 0..<width { sums[s] = 0 }
                    for _ in 0..<n {
                        let row = Int(truncatingIfNeeded: rng.boundedDraw(UInt64(n))) * width
                        for s in 0..<width { sums[s] += values[row + s] }
                    }
                    for s in 0..<width { means[s][r] = sums[s] / Double(n) }
                }
            }
        }
        return means
    }

    /// The 95% percentile interval of resampled means.
    public static func interval(_ means: [Double], level: Double = 0.95) -> [Double] {
        let sorted = means.sorted()
        let tail = (1 - level) / 2
        return [percentile(sorted, tail), percentile(sorted, 1 - tail)]
    }

    /// A two-sided bootstrap p-value for "the mean difference is 0": twice the share of resampled means on
    /// the smaller side of 0, counted as `(k + 1) / (B + 1)` so that it is never 0 (at most 1).
    public static func pValue(_ means: [Double]) -> Double {
        guard !means.isEmpty else { return 1 }
        let below = means.filter { $0 <= 0 }.count, above = means.filter { $0 >= 0 }.count
        return min(1, 2 * Double(min(below, above) + 1) / Double(means.count + 1))
    }

    /// The `q` quantile of sorted values, numpy's `linear` method.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
