import CairnEngine
@testable import CairnEvaluation
import Testing

func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-300) || abs(a - b) < 1e-15
}

/// The statistics against numbers from the peers (statsmodels 0.15, scikit-learn 1.9, torch 2.15), computed
/// once and written here.
@Suite struct StatisticsTests {
    @Test(arguments: [
        (81, 100, 0.7222115462093562, 0.8748524849023126),
        (0, 10, 0.0, 0.27753279986288926),
        (10, 10, 0.7224672001371106, 1.0),
        (355, 359, 0.9717058731236893, 0.9956587746230671),
    ])
    func wilsonIntervalMatchesStatsmodels(_ c: (Int, Int, Double, Double)) {
        // statsmodels.stats.proportion.proportion_confint(successes, trials, alpha=0.05, method="wilson")
        let interval = WilsonInterval.interval(successes: c.0, trials: c.1)
        #expect(close(interval[0], c.2, relative: 1e-9) && close(interval[1], c.3, relative: 1e-9), "\(interval)")
    }

    @Test(arguments: [
        (3, 8, 0.2265625), (0, 0, 1.0), (0, 5, 0.0625), (50, 70, 0.08240747932752648),
        (400, 480, 0.007707305043339153), (10, 10, 1.0),
    ])
    func exactMcNemarMatchesStatsmodels(_ c: (Int, Int, Double)) {
        // statsmodels.stats.contingency_tables.mcnemar([[5, b], [c, 7]], exact=True).pvalue
        let p = McNemarTest.exactPValue(b: c.0, c: c.1)
        #expect(close(p, c.2, relative: 1e-10), "\(p) vs \(c.2)")
        #expect(McNemarTest.exactPValue(b: c.1, c: c.0) == p)
    }

    @Test func classificationReportMatchesScikitLearn() {
        // classification_report([0,0,1,1,2,2,2,3], [0,1,1,1,2,0,4,4], output_dict=True)
        let report = ClassificationReport(truth: [0, 0, 1, 1, 2, 2, 2, 3], predicted: [0, 1, 1, 1, 2, 0, 4, 4])
        #expect(report.perClass.map(\.label) == [0, 1, 2, 3, 4])
        let expected: [(Double, Double, Double, Int)] = [
            (0.5, 0.5, 0.5, 2), (0.6666666666666666, 1.0, 0.8, 2), (1.0, 0.3333333333333333, 0.5, 3),
            (0, 0, 0, 1), (0, 0, 0, 0),
        ]
        for (score, e) in zip(report.perClass, expected) {
            #expect(
                close(score.precision, e.0) && close(score.recall, e.1) && close(score.f1, e.2) && score.support == e.3,
                "\(score)")
        }
        #expect(
            close(report.macroAverage.precision, 0.4333333333333333)
                && close(report.macroAverage.recall, 0.36666666666666664)
                && close(report.macroAverage.f1, 0.36) && report.macroAverage.support == 8)
        #expect(
            close(report.weightedAverage.precision, 0.6666666666666666) && close(report.weightedAverage.recall, 0.5)
                && close(report.weightedAverage.f1, 0.5125))
        #expect(
            report.confusion == [
                [1, 1, 0, 0, 0], [0, 2, 0, 0, 0], [1, 0, 1, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0],
            ])
    }

    @Test func calibrationMatchesTorchmetricsBinning() {
        // Boundaries are torch.linspace(0, 1, 16) in float32; confidences 0.4 and 0.6 sit next to boundaries;
        // 1.0 falls in the last bin. ECE, MCE as torchmetrics' _ce_compute (l1, max) and the Brier score, from torch.
        let probabilities: [Float] = [
            0.4, 0.3, 0.3, 1.0, 0, 0, 0.2, 0.5, 0.3, 0.6, 0.4, 0, 0.34, 0.33, 0.33, 0.1, 0.1, 0.8,
        ]
        let boundaries = Calibration.boundaries(15)
        let torchBoundaries = [
            0.0, 0.06666667014360428, 0.13333334028720856, 0.20000001788139343, 0.2666666805744171,
            0.3333333432674408, 0.40000003576278687, 0.46666669845581055, 0.5333333015441895,
            0.5999999642372131, 0.6666666269302368, 0.7333333492279053, 0.800000011920929,
            0.8666666746139526, 0.9333333373069763, 1.0,
        ]
        #expect(boundaries.map(Double.init) == torchBoundaries)
        let calibration = probabilities.withUnsafeBufferPointer {
            Calibration(probabilities: $0, labels: [0, 0, 2, 1, 0, 2], classes: 3)
        }
        #expect(calibration.bins.enumerated().filter { $0.element.count > 0 }.map(\.offset) == [5, 7, 9, 11, 14])
        #expect(calibration.bins[5].count == 2)
        #expect(close(calibration.expectedError, 0.4266667068004608, relative: 1e-6), "\(calibration.expectedError)")
        #expect(close(calibration.maximumError, 0.6299999952316284, relative: 1e-6), "\(calibration.maximumError)")
        #expect(close(calibration.brier, 0.4589000035881998, relative: 1e-7), "\(calibration.brier)")
    }

    @Test func regressionMetricsMatchScikitLearn() {
        let targets: [Float] = [1, 2, 2, 2, 3, 2, 4, 2]
        let predictions: [Float] = [1.5, 2, 1.5, 2.5, 3.5, 2, 3, 2]
        let metrics = predictions.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { t in RegressionMetrics(predictions: p, targets: t, columns: 2) }
        }
        // mean_squared_error / mean_absolute_error / r2_score(multioutput="raw_values"), r2_score (uniform average)
        #expect(metrics.perOutput.map(\.mse) == [0.4375, 0.0625] && metrics.perOutput.map(\.mae) == [0.625, 0.125])
        #expect(close(metrics.perOutput[0].r2, 0.65) && metrics.perOutput[1].r2 == 0 && close(metrics.r2, 0.325))
        #expect(close(metrics.mse, 0.25) && close(metrics.rmse, (0.4375.squareRoot() + 0.0625.squareRoot()) / 2))
    }

    @Test func pairedBootstrapIsSeededAndCentred() {
        var rng = RandomGenerator(seed: 9)
        let differences = (0..<500).map { _ in Double(rng.nextUniform()) - 0.3 }
        let mean = differences.reduce(0, +) / 500
        let a = PairedBootstrap(resamples: 400, seed: 7).resampledMeans([differences])[0]
        let b = PairedBootstrap(resamples: 400, seed: 7).resampledMeans([differences])[0]
        let c = PairedBootstrap(resamples: 400, seed: 8).resampledMeans([differences])[0]
        #expect(a == b && a != c)
        let interval = PairedBootstrap.interval(a)
        #expect(interval[0] < mean && mean < interval[1] && interval[1] - interval[0] < 0.1)
        #expect(PairedBootstrap.pValue(a) < 0.01)
        #expect(
            PairedBootstrap.percentile([1, 2, 3, 4], 0.5) == 2.5
                && PairedBootstrap.percentile([1, 2, 3, 4], 0.025) == 1.075)
    }
}
