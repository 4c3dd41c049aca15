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

    /// Notices for the user (classes without training samples).
    public var notices: [String] = []
    /// Where the preprocessing came from when no flag gave it: the data file's sidecar or the --init-from source.
    public var preprocessingSource: String?

    /// Loads `options`' data. The feature scale is `--scale`, else the data file's sidecar
    /// (`DatasetDefaults`), else 1. `preprocessing` and `classes` (from a checkpoint) replace the flags
    /// and the data's own when given.
    public static func load(_ options: DataOptions, task: TrainingTask, seed: UInt64,
                            preprocessing fixed: Preprocessing? = nil, classes fixedClasses: Int? = nil) throws -> RunData {
        var scale = options.scale
        let trainPath: String
        if let data = options.data {
            trainPath = data
        } else {
            guard let bundled = DataFiles.bundledDigits() else {
                throw DataError(path: "Fixtures/datasets/digits.csv", "bundled data not found; run from the repository or pass --data FILE")
            }
            trainPath = bundled
        }
        var preprocessingSource: String?
        if scale == nil, fixed == nil, let defaults = try DatasetDefaults.read(for: trainPath), let sidecar = defaults.scale {
            scale = sidecar
            preprocessingSource = defaults.path
        }
        let delimiter = options.delimiter ?? .comma
        let loaded = try DataFiles.load(trainPath, labels: options.labels, labelColumn: options.labelColumn, task: task,
                                        delimiter: delimiter)
        guard loaded.count > 0 else { throw DataError(path: trainPath, "has no samples") }
        var train = loaded
        var validation: Dataset?
        var split = 0.0
        if let valPath = options.val {
            validation = try DataFiles.load(valPath, labels: options.valLabels, labelColumn: options.labelColumn, task: task,
                                            delimiter: delimiter)
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
        let classes = try DataPreparation.classes(train: train, validation: validation, asked: fixedClasses ?? options.classes,
                                                  fromCheckpoint: fixedClasses != nil)
        let outputs = classes?.census.classes ?? train.targets.outputWidth
        var preprocessing = fixed ?? (options.standardize
            ? Preprocessing.fitted(to: train.features, width: train.width, scale: scale ?? 1)
            : Preprocessing(scale: scale ?? 1))
        if fixed == nil, case .values(let values, let columns) = train.targets {
            preprocessing = preprocessing.fittingTargets(values, columns: columns)
        }
        train.prepare(with: preprocessing)
        validation?.prepare(with: preprocessing)
        // Absolute paths, so a run resumes from any working directory.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let labelFiles = ([trainPath] + (options.labels.map { [$0] } ?? [])).map(absolute)
        let record = DataRecord(train: labelFiles, validation: options.val.map { v in (options.valLabels.map { [v, $0] } ?? [v]).map(absolute) },
                                validationSplit: split, labelColumn: options.labelColumn, fingerprint: loaded.fingerprint,
                                features: loaded.width, outputs: outputs, trainCount: train.count,
                                validationCount: validation?.count ?? 0, delimiter: delimiter.recorded,
                                classesSeen: classes?.census.seen)
        return RunData(loaded: loaded, train: train, validation: validation, preprocessing: preprocessing, record: record,
                       notices: classes?.notices ?? [], preprocessingSource: preprocessingSource)
    }
}
