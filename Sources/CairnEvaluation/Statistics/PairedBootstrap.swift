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
        var means = [[Double]](repeating: [Double](repeating: 0, count: resamples), count: series.count)
        guard n > 0 else { return means }
        var rng = RandomGenerator(seed: seed)
        var sums = [Double](repeating: 0, count: series.count)
        for r in 0..<resamples {
            for s in sums.indices { sums[s] = 0 }
            for _ in 0..<n {
                let i = Int(truncatingIfNeeded: rng.boundedDraw(UInt64(n)))
                for s in series.indices { sums[s] += series[s][i] }
            }
            for s in series.indices { means[s][r] = sums[s] / Double(n) }
        }
        return means
    }

    /// The 95% percentile interval of resampled means.
    public static func interval(_ means: [Double], level: Double = 0.95) -> [Double] {
        let sorted = means.sorted()
        let tail = (1 - level) / 2
        return [percentile(sorted, tail), percentile(sorted, 1 - tail)]
    }

    /// A two-sided bootstrap p-value for "the mean difference is 0": twice the smaller share of resampled
    /// means on either side of 0 (at most 1).
    public static func pValue(_ means: [Double]) -> Double {
        guard !means.isEmpty else { return 1 }
        let below = means.filter { $0 <= 0 }.count, above = means.filter { $0 >= 0 }.count
        return min(1, 2 * Double(min(below, above)) / Double(means.count))
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
