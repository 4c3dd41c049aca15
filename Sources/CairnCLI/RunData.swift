import CairnEngine
import CairnModel
import Foundation

/// A run's data, loaded and split, before and after preprocessing.
public struct RunData {
    /// The whole training file as loaded (its fingerprint goes into the checkpoint).
    public var loaded: Dataset
    /// Training and validation samples after the split and preprocessing.
    public var train: Dataset
    public var validation: Dataset?
    public var preprocessing: Preprocessing
    public var record: DataRecord

    /// Loads `options`' data. `bundledScale` applies when the bundled digits are used without
    /// preprocessing flags. `preprocessing` (from a checkpoint) replaces the flags when given.
    public static func load(_ options: DataOptions, task: TrainingTask, seed: UInt64,
                            preprocessing fixed: Preprocessing? = nil, bundledScale: Float = 1.0 / 16) throws -> RunData {
        var scale = options.scale
        let trainPath: String
        if let data = options.data {
            trainPath = data
        } else {
            guard let bundled = DataFiles.bundledDigits() else {
                throw DataError(path: "Fixtures/datasets/digits.csv", "bundled data not found; run from the repository or pass --data FILE")
            }
            trainPath = bundled
            if scale == nil, !options.standardize, fixed == nil { scale = bundledScale }
        }
        let loaded = try DataFiles.load(trainPath, labels: options.labels, labelColumn: options.labelColumn, task: task)
        guard loaded.count > 0 else { throw DataError(path: trainPath, "has no samples") }
        var train = loaded
        var validation: Dataset?
        var split = 0.0
        if let valPath = options.val {
            validation = try DataFiles.load(valPath, labels: options.valLabels, labelColumn: options.labelColumn, task: task)
            guard validation!.width == loaded.width else {
                throw DataError(path: valPath, "has \(validation!.width) features per sample, \(trainPath) has \(loaded.width)")
            }
        } else {
            split = options.valSplit ?? 0.2
            if split > 0 {
                let parts = loaded.stratifiedSplit(fraction: split, seed: seed)
                train = loaded.subset(parts.train)
                validation = parts.validation.isEmpty ? nil : loaded.subset(parts.validation, source: trainPath + " (validation split)")
            }
        }
        let preprocessing = fixed ?? (options.standardize
            ? Preprocessing.fitted(to: train.features, width: train.width, scale: scale ?? 1)
            : Preprocessing(scale: scale ?? 1))
        preprocessing.apply(to: &train.features, width: train.width)
        if validation != nil { preprocessing.apply(to: &validation!.features, width: validation!.width) }
        let outputs = max(train.targets.outputWidth, validation?.targets.outputWidth ?? 0)
        // Absolute paths, so a run resumes from any working directory.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let labelFiles = ([trainPath] + (options.labels.map { [$0] } ?? [])).map(absolute)
        let record = DataRecord(train: labelFiles, validation: options.val.map { v in (options.valLabels.map { [v, $0] } ?? [v]).map(absolute) },
                                validationSplit: split, labelColumn: options.labelColumn, fingerprint: loaded.fingerprint,
                                features: loaded.width, outputs: outputs, trainCount: train.count,
                                validationCount: validation?.count ?? 0)
        return RunData(loaded: loaded, train: train, validation: validation, preprocessing: preprocessing, record: record)
    }
}
