import CairnEngine
import CairnModel

/// One checkpoint's outputs on the samples, and the scores computed from them.
struct ModelScores {
    var report: ModelReport
    /// Row-major `[samples, outputWidth]` probabilities or predictions.
    var outputs: [Float]
    var outputWidth: Int
    /// Per sample: 1 when classified correctly, else 0 (classification); the squared error summed over
    /// the outputs (regression).
    var perSample: [Double]
    /// Per sample loss.
    var rowLosses: [Double]

    /// Scores `inference` of `model` on `samples`.
    init(model: EvaluatedModel, inference: Network.Inference, samples: EvaluationSamples, topK: Int?, worst: Int) {
        let width = model.outputWidth
        let count = samples.data.count
        let manifest = model.manifest
        var report = ModelReport(
            checkpoint: model.path, epoch: manifest?.training.epoch, step: manifest?.training.globalStep,
            samples: count, task: model.task, loss: inference.loss)
        var perSample = [Double](repeating: 0, count: count)
        inference.outputs.withUnsafeBufferPointer { outputs in
            switch samples.unitTargets {
            case .labels(let labels):
                var predicted = [Int32](repeating: 0, count: count)
                var topHits = 0
                let k = topK ?? (width > 5 ? 5 : nil)
                for r in 0..<count {
                    let row = outputs.baseAddress! + r * width
                    var best = 0
                    for j in 1..<max(width, 1) where row[j] > row[best] { best = j }
                    predicted[r] = Int32(best)
                    perSample[r] = best == Int(labels[r]) ? 1 : 0
                    if let k {
                        let p = row[Int(labels[r])]
                        var above = 0
                        for j in 0..<width where row[j] > p { above += 1 }
                        if above < k { topHits += 1 }
                    }
                }
                report.accuracy = Double(inference.correct) / Double(max(count, 1))
                report.accuracyCI = WilsonInterval.interval(successes: inference.correct, trials: count)
                if let k {
                    report.topK = k
                    report.topKAccuracy = Double(topHits) / Double(max(count, 1))
                }
                let classification = ClassificationReport(truth: labels, predicted: predicted)
                report.perClass = classification.perClass
                report.macroAverage = classification.macroAverage
                report.weightedAverage = classification.weightedAverage
                report.confusion = classification.confusion
                let calibration = Calibration(probabilities: outputs, labels: labels, classes: width)
                report.ece = calibration.expectedError
                report.mce = calibration.maximumError
                report.brier = calibration.brier
                report.reliability = calibration.bins
                if worst > 0 {
                    let wrong = (0..<count).filter { predicted[$0] != labels[$0] }
                    let ranked = wrong.sorted { a, b in
                        let pa = outputs[a * width + Int(predicted[a])], pb = outputs[b * width + Int(predicted[b])]
                        return pa != pb ? pa > pb : a < b
                    }
                    report.worst = ranked.prefix(worst).map { r in
                        WrongSample(
                            index: samples.rows[r], truth: Int(labels[r]), predicted: Int(predicted[r]),
                            probability: Double(outputs[r * width + Int(predicted[r])]))
                    }
                }
            case .values(let targets, let columns):
                targets.withUnsafeBufferPointer { t in
                    let metrics = RegressionMetrics(predictions: outputs, targets: t, columns: columns)
                    report.mse = metrics.mse
                    report.rmse = metrics.rmse
                    report.mae = metrics.mae
                    report.r2 = metrics.r2
                    report.perOutput = metrics.perOutput
                    for r in 0..<count {
                        var sum = 0.0
                        for c in 0..<columns {
                            let e = Double(outputs[r * columns + c]) - Double(t[r * columns + c])
                            sum += e * e
                        }
                        perSample[r] = sum
                    }
                }
            }
        }
        self.report = report
        self.outputs = inference.outputs
        self.outputWidth = width
        self.perSample = perSample
        self.rowLosses = inference.rowLosses
    }
}
