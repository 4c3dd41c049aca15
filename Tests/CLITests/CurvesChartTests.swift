import CairnCLI
import CairnModel
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing

/// `curves.svg`: ticks at round numbers; a regression run has no accuracy axis.
@Suite struct CurvesChartTests {
    @Test(arguments: [
        (0.0, 1.6, ["0", "0.5", "1", "1.5", "2"]),
        (0.0, 0.802, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (0.0, 2370.0, ["0", "500", "1000", "1500", "2000", "2500"]),
        (0.0, 0.0123, ["0", "0.0025", "0.005", "0.0075", "0.01", "0.0125"]),
        (-0.37, 1.0, ["-0.5", "0", "0.5", "1"]),
    ])
    func ticksAreRound(low: Double, high: Double, labels: [String]) {
        let ticks = AxisTicks(from: low, to: high)
        #expect(ticks.values.map(ticks.label) == labels)
        #expect(ticks.lower <= low && ticks.upper >= high)
    }

    @Test func epochTicksAreWholeNumbers() {
        let ticks = AxisTicks(from: 1, to: 30, integers: true)
        #expect(ticks.values.map(ticks.label) == ["0", "10", "20", "30"])
        let few = AxisTicks(from: 1, to: 3, integers: true)
        #expect(few.values.map(few.label) == ["1", "2", "3"])
    }

    static func history(accuracy: Bool) -> [EpochRecord] {
        (1...12).map { e in
            EpochRecord(
                epoch: e, step: e * 10, trainLoss: 1.6 / Double(e), validationLoss: 1.7 / Double(e),
                validationAccuracy: accuracy ? 0.5 + Double(e) / 30 : nil, learningRate: 0.05, seconds: 0.1,
                validationR2: accuracy ? nil : -0.2 + Double(e) / 15)
        }
    }

    @Test func regressionChartHasNoAccuracyAxis() {
        let regression = HistoryFiles.svg(Self.history(accuracy: false), title: "run: regression")
        #expect(!regression.contains("accuracy"))
        #expect(regression.contains(">validation R²<"))
        #expect(!regression.contains("%<"))
        let classification = HistoryFiles.svg(Self.history(accuracy: true), title: "run: classification")
        #expect(classification.contains(">validation accuracy<") && classification.contains(">100%<"))
        for label in [">0.5<", ">1<", ">1.5<", ">2<"] { #expect(classification.contains(label), "\(label)") }
        #expect(!classification.contains(">1.6<") && !classification.contains("0.802"))
        // The SVG parses as XML.
        for text in [regression, classification] {
            #expect(throws: Never.self) { _ = try XMLDocument(data: Data(text.utf8)) }
        }
    }
}
