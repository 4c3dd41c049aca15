import Foundation

/// Compares two checkpoints' scores on the same samples (see `Comparison`).
enum PairComparison {
    static func compare(
        _ a: ModelScores, _ b: ModelScores, letters: (String, String),
        configuration: EvaluationConfiguration
    ) -> Comparison {
        let n = a.perSample.count
        let bootstrap = PairedBootstrap(resamples: configuration.bootstrap, seed: configuration.seed)
        let lossDifferences = (0..<n).map { b.rowLosses[$0] - a.rowLosses[$0] }
        let lossDifference = b.report.loss - a.report.loss
        if a.report.task == .classification {
            var onlyA = 0, onlyB = 0
            for i in 0..<n where a.perSample[i] != b.perSample[i] {
                if a.perSample[i] > b.perSample[i] { onlyA += 1 } else { onlyB += 1 }
            }
            let accuracyDifferences = (0..<n).map { b.perSample[$0] - a.perSample[$0] }
            let means = bootstrap.resampledMeans([accuracyDifferences, lossDifferences])
            let p = McNemarTest.exactPValue(b: onlyA, c: onlyB)
            let difference = (b.report.accuracy ?? 0) - (a.report.accuracy ?? 0)
            let verdict =
                p < configuration.alpha
                ? (onlyB > onlyA ? "\(letters.1) is better" : "\(letters.0) is better")
                : "no significant difference (p = \(formatP(p)))"
            return Comparison(
                a: a.report.checkpoint, b: b.report.checkpoint, difference: difference, pValue: p,
                ci: PairedBootstrap.interval(means[0]), lossDifference: lossDifference,
                lossCI: PairedBootstrap.interval(means[1]), onlyA: onlyA, onlyB: onlyB, verdict: verdict)
        }
        let columns = Double(max(a.outputWidth, 1))
        let squaredDifferences = (0..<n).map { (b.perSample[$0] - a.perSample[$0]) / columns }
        let means = bootstrap.resampledMeans([squaredDifferences, lossDifferences])
        let ci = PairedBootstrap.interval(means[0])
        let p = PairedBootstrap.pValue(means[0])
        let difference = (b.report.mse ?? 0) - (a.report.mse ?? 0)
        let verdict: String
        if p < configuration.alpha, ci[1] < 0 {
            verdict = "\(letters.1) is better"
        } else if p < configuration.alpha, ci[0] > 0 {
            verdict = "\(letters.0) is better"
        } else {
            verdict = "no significant difference (p = \(formatP(p)))"
        }
        return Comparison(
            a: a.report.checkpoint, b: b.report.checkpoint, difference: difference, pValue: p, ci: ci,
            lossDifference: lossDifference, lossCI: PairedBootstrap.interval(means[1]), onlyA: nil, onlyB: nil,
            verdict: verdict)
    }

    /// A p-value for a sentence: 3 significant digits, or `< 1e-300`-style for tiny ones.
    static func formatP(_ p: Double) -> String {
        if p == 0 { return "0" }
        return p < 0.001 ? String(format: "%.2e", p) : String(format: "%.3g", p)
    }
}
