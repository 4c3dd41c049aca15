import CairnEngine
import CairnModel
import Foundation

/// Scores checkpoints on held-out data: `cairn-eval`'s logic, from a configuration to a report.
public enum Evaluator {
    /// Progress: the checkpoint being scored (0-based), of how many, and the samples done of the total.
    public typealias Progress = (_ checkpoint: Int, _ of: Int, _ done: Int, _ total: Int) -> Void

    /// Loads the checkpoints and the samples, runs inference and scores each checkpoint, compares every
    /// pair, and returns the report and the predictions.
    public static func evaluate(
        _ configuration: EvaluationConfiguration, progress: Progress? = nil
    ) throws -> EvaluationResult {
        let (paths, folder) = try resolveCheckpoints(configuration.checkpoints)
        var models: [EvaluatedModel] = []
        for path in paths { models.append(try EvaluatedModel.open(path, options: configuration.model)) }
        try checkCompatible(models)
        let first = models[0]
        try checkOptions(configuration, fit: first)

        var samples: EvaluationSamples
        if let data = configuration.data {
            let labelColumn = configuration.labelColumn ?? first.manifest?.data.labelColumn
            let delimiter =
                configuration.delimiter ?? RunDataRequest.delimiter(recorded: first.manifest?.data.delimiter)
            samples = try EvaluationSamples.file(
                data, labels: configuration.labels, labelColumn: labelColumn, delimiter: delimiter, task: first.task,
                inputShape: configuration.inputShape)
        } else {
            samples = try EvaluationSamples.recorded(by: first, split: configuration.split)
            for model in models.dropFirst() {
                guard let manifest = model.manifest, let recorded = first.manifest,
                    manifest.data.fingerprint == recorded.data.fingerprint,
                    manifest.hyperparameters.seed == recorded.hyperparameters.seed,
                    manifest.data.validationSplit == recorded.data.validationSplit,
                    manifest.preprocessing == recorded.preprocessing
                else {
                    throw CairnError.incompatible(
                        path: model.path,
                        "was not trained on the same data, split and preprocessing as \(first.path); pass --data FILE to score both on it"
                    )
                }
            }
        }
        for model in models { try samples.check(fits: model) }

        var scores: [ModelScores] = []
        // Raw features are kept only when a second model needs them (one model: preprocessed in place).
        let raw = samples.applied == nil && models.count > 1 ? samples.data.features : []
        for (index, model) in models.enumerated() {
            // Each model sees the features preprocessed as it was trained (recorded data already is).
            // Regression targets standardised in training are too: the network works on that scale.
            let preprocessing = samples.applied ?? model.preprocessing ?? Preprocessing(scale: configuration.scale ?? 1)
            if samples.applied == nil {
                if index > 0 {
                    samples.data.features = raw
                    samples.data.targets = samples.unitTargets
                }
                samples.data.prepare(with: preprocessing)
            }
            // Losses in the targets' own units, as training reports them.
            var lossWeights: [Float]?
            if model.task == .regression, preprocessing.standardizesTargets,
                let std = preprocessing.targetStandardDeviation, std.count == model.outputWidth
            {
                lossWeights = std.map { $0 * $0 }
            }
            let inferer = try Inferer(
                model: model, maxBatch: batchSize(configuration, model: model, samples: samples),
                threads: threads(configuration, model: model), lossWeights: lossWeights,
                replicated: configuration.data != nil)
            let count = samples.data.count
            let started = DispatchTime.now().uptimeNanoseconds
            var inference = samples.data.features.withUnsafeBufferPointer { x in
                switch samples.data.targets {
                case .labels(let labels):
                    return labels.withUnsafeBufferPointer {
                        inferer.infer(x, .labels($0), count: count) { progress?(index, models.count, $0, count) }
                    }
                case .values(let values, _):
                    return values.withUnsafeBufferPointer {
                        inferer.infer(x, .values($0), count: count) { progress?(index, models.count, $0, count) }
                    }
                }
            }
            guard inference.loss.isFinite || count == 0 else {
                throw CairnError.incompatible(
                    path: model.path, "its outputs on \(samples.source) are not finite (NaN or infinite loss)")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            // Predictions in the targets' own units.
            if model.task == .regression {
                preprocessing.restoreTargets(&inference.outputs, columns: model.outputWidth)
            }
            var scored = ModelScores(
                model: model, inference: inference, samples: samples,
                topK: configuration.topK, worst: configuration.worst)
            scored.report.inferenceSeconds = seconds
            scored.report.samplesPerSecond = seconds > 0 ? Double(count) / seconds : nil
            scores.append(scored)
        }

        var comparisons: [Comparison] = []
        if folder == nil, scores.count > 1 {
            for a in 0..<scores.count {
                for b in (a + 1)..<scores.count {
                    comparisons.append(
                        PairComparison.compare(
                            scores[a], scores[b], letters: (letter(a), letter(b)),
                            configuration: configuration))
                }
            }
        }
        var report = EvaluationReport(
            primary: scores[0].report, data: samples.source,
            split: configuration.data == nil ? configuration.split : nil,
            models: scores.map(\.report), comparisons: comparisons)
        if let folder {
            let rows = scores.map { s in
                CheckpointRow(
                    checkpoint: s.report.checkpoint, epoch: s.report.epoch, step: s.report.step, loss: s.report.loss,
                    accuracy: s.report.accuracy, rmse: s.report.rmse)
            }
            let bestIndex = bestCheckpoint(scores.map(\.report))
            report.primary = scores[bestIndex].report
            report.checkpoints = rows
            report.best = scores[bestIndex].report.checkpoint
            let bestCairn = RunFolderListing.bestTarget(in: folder)
            report.bestIsBestCairn = bestCairn.map {
                $0 == URL(fileURLWithPath: report.best!).resolvingSymlinksInPath().path
            }
        }
        let predictions = scores.map {
            Predictions(checkpoint: $0.report.checkpoint, outputs: $0.outputs, width: $0.outputWidth)
        }
        return EvaluationResult(
            report: report, predictions: predictions, rows: samples.rows, targets: samples.unitTargets)
    }

    /// "A", "B", ... for the checkpoints in command-line order.
    static func letter(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "#\(index + 1)"
    }

    /// The best of a run's checkpoints on these samples: highest accuracy (then lowest loss), or lowest RMSE;
    /// the later checkpoint on a tie.
    static func bestCheckpoint(_ reports: [ModelReport]) -> Int {
        var best = 0
        for (i, r) in reports.enumerated() {
            let current = reports[best]
            let better: Bool
            if let accuracy = r.accuracy, let bestAccuracy = current.accuracy {
                better = accuracy > bestAccuracy || (accuracy == bestAccuracy && r.loss <= current.loss)
            } else {
                better = (r.rmse ?? .infinity) <= (current.rmse ?? .infinity)
            }
            if better { best = i }
        }
        return best
    }

    /// The files to score: the paths given, or the checkpoints of the one run folder given.
    static func resolveCheckpoints(_ arguments: [String]) throws -> (paths: [String], folder: String?) {
        guard !arguments.isEmpty else { throw CairnError.configuration("give at least one checkpoint") }
        var isDirectory: ObjCBool = false
        let folders = arguments.filter {
            FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let folder = folders.first {
            guard arguments.count == 1 else {
                throw CairnError.configuration(
                    path: folder, "is a run folder; give one run folder alone, or checkpoint files")
            }
            return (try RunFolderListing.checkpoints(in: folder), folder)
        }
        return (arguments, nil)
    }

    /// Checkpoints scored together must take the same inputs and give the same outputs.
    static func checkCompatible(_ models: [EvaluatedModel]) throws {
        let first = models[0]
        for model in models.dropFirst() {
            guard model.task == first.task else {
                throw CairnError.incompatible(
                    path: model.path,
                    "is a \(model.task.rawValue) model, \(first.path) a \(first.task.rawValue) model; they cannot be compared"
                )
            }
            guard model.inputWidth == first.inputWidth else {
                throw CairnError.incompatible(
                    path: model.path,
                    "takes \(model.inputWidth) features per sample, \(first.path) takes \(first.inputWidth); they cannot be scored on the same data"
                )
            }
            guard model.outputWidth == first.outputWidth else {
                let what = first.task == .classification ? "classes" : "outputs"
                throw CairnError.incompatible(
                    path: model.path,
                    "has \(model.outputWidth) \(what), \(first.path) has \(first.outputWidth); they cannot be compared")
            }
        }
    }

    /// Options that do not fit the checkpoint's task or its recorded preprocessing.
    static func checkOptions(_ configuration: EvaluationConfiguration, fit model: EvaluatedModel) throws {
        if model.task == .regression, let flag = configuration.classificationOptions.first {
            throw CairnError.incompatible(path: model.path, "is a regression model; \(flag) applies to classification")
        }
        if model.task == .classification, let flag = configuration.regressionOptions.first {
            throw CairnError.incompatible(path: model.path, "is a classification model; \(flag) applies to regression")
        }
        if configuration.scale != nil, let preprocessing = model.preprocessing {
            throw CairnError.configuration(
                path: model.path,
                "records its preprocessing (scale \(preprocessing.scale)\(preprocessing.isStandardizing ? ", standardised" : "")); --scale applies only to models that record none"
            )
        }
        if let k = configuration.topK, k > model.outputWidth {
            throw CairnError.configuration(path: model.path, "has \(model.outputWidth) classes; --top-k \(k) is more")
        }
    }

    /// Rows per batch: the flag, else for recorded data the training run's own (`max(batch, 256)`, so
    /// the loss is the history's bit for bit), else `ReplicatedInference.preferredBatch` (256).
    static func batchSize(
        _ configuration: EvaluationConfiguration, model: EvaluatedModel, samples: EvaluationSamples
    ) -> Int {
        if let asked = configuration.batchSize { return asked }
        if configuration.data == nil, let manifest = model.manifest {
            return max(manifest.hyperparameters.effectiveBatchSize(trainingCount: manifest.data.trainCount), 256)
        }
        return ReplicatedInference.preferredBatch
    }

    /// Threads: the flag, else for recorded data the run's own count when this machine has that many
    /// processors, else one per processor.
    static func threads(_ configuration: EvaluationConfiguration, model: EvaluatedModel) -> Int {
        if let asked = configuration.threads { return asked }
        let available = ThreadTeam.defaultThreadCount
        if configuration.data == nil, let recorded = model.manifest?.metadata["threads"].flatMap({ Int($0) }),
            (1...available).contains(recorded)
        {
            return recorded
        }
        return available
    }
}
