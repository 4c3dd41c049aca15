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
    /// Where the features' scale came from when no flag or checkpoint gave it (a sidecar file), else nil.
    public var scaleSource: String?

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
        var scaleSource: String?
        if scale == nil, fixed == nil, let defaults = try DatasetDefaults.read(for: trainPath), let sidecar = defaults.scale {
            scale = sidecar
            scaleSource = defaults.path
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
        var notices: [String] = []
        var classesSeen: [Int]?
        var outputs = train.targets.outputWidth
        if case .labels(let labels) = train.targets {
            let census = try classCensus(labels, asked: fixedClasses ?? options.classes, flag: fixedClasses == nil,
                                         source: trainPath)
            outputs = census.classes
            classesSeen = census.seen
            if !census.missing.isEmpty {
                let missing = census.missing
                notices.append("\(trainPath): \(missing.count == 1 ? "class" : "\(missing.count) classes") "
                               + "\(ClassCensus.ranges(missing)) of \(census.classes) \(missing.count == 1 ? "has" : "have") no training samples"
                               + (options.classes == nil && fixedClasses == nil ? " (the class count is the largest label + 1; set it with --classes N)" : ""))
            }
            if let validation, case .labels(let valLabels) = validation.targets, ClassCensus(labels: valLabels, classes: outputs) == nil {
                let bad = valLabels.first { Int($0) >= outputs } ?? 0
                throw DataError(path: validation.source, "label \(bad) is not one of the \(outputs) training classes (0 to \(outputs - 1))")
            }
        }
        var preprocessing = fixed ?? (options.standardize
            ? Preprocessing.fitted(to: train.features, width: train.width, scale: scale ?? 1)
            : Preprocessing(scale: scale ?? 1))
        if fixed == nil, case .values(let values, let columns) = train.targets {
            preprocessing = preprocessing.fittingTargets(values, columns: columns)
        }
        preprocessing.apply(to: &train.features, width: train.width)
        if validation != nil { preprocessing.apply(to: &validation!.features, width: validation!.width) }
        for index in 0..<2 {
            guard var set = index == 0 ? train : validation, case .values(var values, let columns) = set.targets else { continue }
            preprocessing.standardizeTargets(&values, columns: columns)
            set.targets = .values(values, columns: columns)
            if index == 0 { train = set } else { validation = set }
        }
        // Absolute paths, so a run resumes from any working directory.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let labelFiles = ([trainPath] + (options.labels.map { [$0] } ?? [])).map(absolute)
        let record = DataRecord(train: labelFiles, validation: options.val.map { v in (options.valLabels.map { [v, $0] } ?? [v]).map(absolute) },
                                validationSplit: split, labelColumn: options.labelColumn, fingerprint: loaded.fingerprint,
                                features: loaded.width, outputs: outputs, trainCount: train.count,
                                validationCount: validation?.count ?? 0, delimiter: delimiter.recorded,
                                classesSeen: classesSeen)
        return RunData(loaded: loaded, train: train, validation: validation, preprocessing: preprocessing, record: record,
                       notices: notices, scaleSource: scaleSource)
    }

    /// The classes of training labels: `asked` (`--classes` or a checkpoint's count) or the largest label + 1.
    static func classCensus(_ labels: [Int32], asked: Int?, flag: Bool, source: String) throws -> ClassCensus {
        let classes = asked ?? (Int(labels.max() ?? -1) + 1)
        guard let census = ClassCensus(labels: labels, classes: max(classes, 1)) else {
            let bad = labels.first { Int($0) >= classes } ?? 0
            throw DataError(path: source, "label \(bad) is outside the \(classes) classes "
                            + (flag ? "of --classes \(classes)" : "the checkpoint was trained on") + " (0 to \(classes - 1))")
        }
        return census
    }

    /// The run's first line: what data it uses and how it is preprocessed.
    public var description: String {
        var what = "\(train.count) training + \(validation?.count ?? 0) validation samples, \(loaded.width) features"
        if case .labels = train.targets { what += ", \(record.outputs) classes" } else { what += ", \(record.outputs) target\(record.outputs == 1 ? "" : "s")" }
        let source = train.source == record.train[0] ? record.train[0] : train.source
        var line = "data: \(displayPath(source)) (\(what)); preprocessing: \(preprocessing.summary)"
        if let scaleSource { line += " (from \(displayPath(scaleSource)))" }
        return line
    }

    /// A path relative to the working directory when it is inside it.
    private func displayPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let here = FileManager.default.currentDirectoryPath + "/"
        return absolute.hasPrefix(here) ? String(absolute.dropFirst(here.count)) : path
    }
}
