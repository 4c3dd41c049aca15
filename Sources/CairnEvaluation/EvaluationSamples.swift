import CairnEngine
import CairnModel
import Foundation

/// The samples an evaluation scores: features and targets (raw, or already prepared for the network for
/// recorded data), the targets in their own units, and each sample's row in its file.
struct EvaluationSamples {
    /// What the samples are, for reports: a path, or a path and the part of it.
    var source: String
    /// The file named in data errors.
    var path: String
    /// What the network is given: raw (`applied == nil`), or features and targets prepared with `applied`.
    var data: Dataset
    /// The targets in their own units (regression targets not standardised), for the scores.
    var unitTargets: DatasetTargets
    /// Row in the source file of each sample (for the validation split: its row in the training file).
    var rows: [Int]
    /// The preprocessing already applied to `data.features` (nil: the features are raw).
    var applied: Preprocessing?

    /// The samples a checkpoint records: its data files, split with its seed, preprocessed as it was
    /// trained. Fails (naming the file, with a hint to pass `--data`) when the data is missing or its
    /// fingerprint differs from the recorded one.
    static func recorded(by model: EvaluatedModel, split: EvaluationSplit) throws -> EvaluationSamples {
        guard let manifest = model.manifest else {
            throw CairnError.checkpoint(
                path: model.path, "records no training data (an imported model); pass --data FILE")
        }
        let request = RunDataRequest().filledIn(from: manifest.data)
        for file in [request.data, request.labels, request.validation, request.validationLabels].compactMap({ $0 }) {
            guard FileManager.default.fileExists(atPath: file) else {
                throw CairnError(
                    .notFound, path: file, "missing (the data \(model.path) was trained on); pass --data FILE")
            }
        }
        let run: RunData
        do {
            run = try RunData.load(
                request, task: manifest.task, seed: manifest.hyperparameters.seed,
                preprocessing: manifest.preprocessing,
                classes: manifest.task == .classification ? manifest.data.outputs : nil)
        } catch var error as CairnError {
            error.message += "; pass --data FILE"
            throw error
        }
        guard run.record.fingerprint == manifest.data.fingerprint else {
            throw CairnError.incompatible(
                path: run.record.train[0],
                "its samples (\(run.record.fingerprint)) are not the data \(model.path) was trained on (\(manifest.data.fingerprint)); pass --data FILE to score on it"
            )
        }
        let file = run.record.train[0]
        let name = URL(fileURLWithPath: file).lastPathComponent
        let parts =
            request.validation == nil && run.record.validationSplit > 0
            ? run.loaded.stratifiedSplit(fraction: run.record.validationSplit, seed: manifest.hyperparameters.seed)
            : (train: Array(0..<run.loaded.count), validation: [])
        switch split {
        case .val:
            guard let validation = run.validation, validation.count > 0 else {
                throw CairnError.incompatible(
                    path: model.path, "its run held out no validation samples; pass --split train|all or --data FILE")
            }
            let rows = request.validation == nil ? parts.validation : Array(0..<validation.count)
            let source =
                request.validation.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "\(name) (validation split)"
            // The split's targets as loaded; a separate validation file's mapped back from the network's scale.
            let units =
                request.validation == nil
                ? run.loaded.subset(rows).targets : restored(validation.targets, with: run.preprocessing)
            return EvaluationSamples(
                source: source, path: request.validation ?? file, data: validation, unitTargets: units, rows: rows,
                applied: run.preprocessing)
        case .train:
            return EvaluationSamples(
                source: "\(name) (training split)", path: file, data: run.train,
                unitTargets: run.loaded.subset(parts.train).targets, rows: parts.train, applied: run.preprocessing)
        case .all:
            var all = run.loaded
            all.prepare(with: run.preprocessing)
            var units = run.loaded.targets
            if request.validation != nil, let validation = run.validation {
                all.features += validation.features
                all.targets = joined(all.targets, validation.targets)
                units = joined(units, restored(validation.targets, with: run.preprocessing))
            }
            return EvaluationSamples(
                source: "\(name) (all samples)", path: file, data: all, unitTargets: units, rows: Array(0..<all.count),
                applied: run.preprocessing)
        }
    }

    /// The samples of a data file given with `--data`.
    static func file(
        _ path: String, labels: String?, labelColumn: String?, delimiter: UInt8, task: TrainingTask,
        inputShape: InputShape? = nil
    ) throws -> EvaluationSamples {
        let data: Dataset
        data = try DataFiles.load(
            path, labels: labels, labelColumn: labelColumn, task: task, delimiter: delimiter, inputShape: inputShape)
        guard data.count > 0 else { throw CairnError.data(path: path, "has no samples") }
        return EvaluationSamples(
            source: URL(fileURLWithPath: path).lastPathComponent, path: path, data: data, unitTargets: data.targets,
            rows: Array(0..<data.count), applied: nil)
    }

    /// Targets mapped back from the network's scale to their own units (regression with standardised targets).
    static func restored(_ targets: DatasetTargets, with preprocessing: Preprocessing) -> DatasetTargets {
        guard case .values(var values, let columns) = targets else { return targets }
        preprocessing.restoreTargets(&values, columns: columns)
        return .values(values, columns: columns)
    }

    /// One set of targets after the other.
    static func joined(_ a: DatasetTargets, _ b: DatasetTargets) -> DatasetTargets {
        switch (a, b) {
        case (.labels(let x), .labels(let y)): return .labels(x + y)
        case (.values(let x, let columns), .values(let y, _)): return .values(x + y, columns: columns)
        default: return a
        }
    }

    /// Checks that the samples fit `model`: its input width, its classes or its target columns.
    func check(fits model: EvaluatedModel) throws {
        guard data.width == model.inputWidth else {
            throw CairnError.incompatible(
                path: path, "has \(data.width) features per sample, \(model.path) takes \(model.inputWidth)")
        }
        // Samples that carry a shape must have the shape of a model input that has one (a plain size takes any
        // samples of that many values; flat rows of the same width are read as the model's shape).
        if !data.hasFlatSamples, let shape = model.graph.nodes.first(where: { $0.kind == .input })?.shape,
            shape != data.sampleShape
        {
            throw CairnError.incompatible(
                path: path,
                "holds samples of shape \(ValueShape(data.sampleShape)), \(model.path) takes \(ValueShape(shape))")
        }
        switch (model.task, data.targets) {
        case (.classification, .labels(let labels)):
            let classes = model.outputWidth
            if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw CairnError.incompatible(
                    path: path,
                    "label \(labels[bad]) (sample \(rows[bad])) is outside the \(classes) classes of \(model.path) (0 to \(classes - 1))"
                )
            }
        case (.regression, .values(_, let columns)):
            guard columns == model.outputWidth else {
                throw CairnError.incompatible(
                    path: path, "has \(columns) target columns, \(model.path) predicts \(model.outputWidth)")
            }
        default:
            throw CairnError.incompatible(
                path: path, "its targets do not fit \(model.path), a \(model.task.rawValue) model")
        }
    }
}
