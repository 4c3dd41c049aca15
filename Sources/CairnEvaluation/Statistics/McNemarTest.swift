import Foundation

/// The exact McNemar test of two classifiers on the same samples: of the discordant pairs (`b`: only A
/// right, `c`: only B right), under the null hypothesis each is A's with probability 1/2, so
/// `p = min(1, 2 · P(X ≤ min(b, c)))` with `X ~ Binomial(b + c, 1/2)`. This is statsmodels'
/// `mcnemar(table, exact=True)` (`2 · binom.cdf(min(b, c), b + c, 0.5)`, capped at 1).
public enum McNemarTest {
    /// The two-sided exact p-value for discordant counts `b` and `c`.
    public static func exactPValue(b: Int, c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        return min(1, 2 * binomialCDF(min(b, c), trials: n))
    }

    /// P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so large n neither overflows nor underflows
    /// before the terms that matter.
    static func binomialCDF(_ k: Int, trials n: Int) -> Double {
        guard k < n else { return 1 }
        let logHalfN = Double(n) * log(0.5)
        var logTerms: [Double] = []
        logTerms.reserveCapacity(k + 1)
        var logChoose = 0.0  // log C(n, 0)
        for i in 0...k {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            logTerms.append(logChoose + logHalfN)
        }
        let largest = logTerms.max() ?? 0
        let sum = logTerms.reduce(0) { $0 + exp($1 - largest) }
        return min(1, exp(largest + log(sum)))
    }
}
