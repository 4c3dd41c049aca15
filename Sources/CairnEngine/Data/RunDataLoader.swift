import CairnModel
import Foundation

/// Which data a run uses: the files and how to split and preprocess them. The plain values behind
/// `cairn-train`'s and `cairn-resume`'s data flags, and what `cairn-eval` rebuilds from a checkpoint.
public struct RunDataRequest: Sendable, Equatable {
    /// The training file; nil: the bundled digits.
    public var data: String?
    public var labels: String?
    public var labelColumn: String?
    /// Multiply every feature by this first (nil: 1, or the bundled scale for the bundled digits).
    public var scale: Float?
    /// Standardise each feature (fitted on the training part).
    public var standardize: Bool
    /// A separate validation file and its labels.
    public var validation: String?
    public var validationLabels: String?
    /// The fraction held out for validation when there is no validation file (nil: 0.2).
    public var validationSplit: Double?

    public init(
        data: String? = nil, labels: String? = nil, labelColumn: String? = nil, scale: Float? = nil,
        standardize: Bool = false, validation: String? = nil, validationLabels: String? = nil,
        validationSplit: Double? = nil
    ) {
        self.data = data
        self.labels = labels
        self.labelColumn = labelColumn
        self.scale = scale
        self.standardize = standardize
        self.validation = validation
        self.validationLabels = validationLabels
        self.validationSplit = validationSplit
    }

    /// The data a checkpoint records, with what the caller gave taking precedence: the recorded files
    /// (and their labels, label column and validation files) when `data` is nil, the recorded split when
    /// neither a validation file nor a split is given. The bundled fixtures move with the repository:
    /// a recorded bundled file that no longer exists is looked for where it is now.
    public func filledIn(from record: DataRecord) -> RunDataRequest {
        var request = self
        if request.data == nil {
            request.data = record.train.first
            if record.train.count > 1, request.labels == nil { request.labels = record.train[1] }
            if request.validation == nil, let validation = record.validation {
                request.validation = validation.first
                if validation.count > 1, request.validationLabels == nil { request.validationLabels = validation[1] }
            }
            if request.labelColumn == nil { request.labelColumn = record.labelColumn }
        }
        if request.validation == nil, request.validationSplit == nil {
            request.validationSplit = record.validationSplit
        }
        if let data = request.data, !FileManager.default.fileExists(atPath: data), self.data == nil,
            let bundled = DataFiles.bundledDigits(),
            URL(fileURLWithPath: bundled).lastPathComponent == URL(fileURLWithPath: data).lastPathComponent
        {
            request.data = bundled
        }
        return request
    }
}

/// A run's data, loaded and split, before and after preprocessing.
public struct RunData {
    /// The whole training file as loaded (its fingerprint goes into the checkpoint).
    public var loaded: Dataset
    /// Training and validation samples after the split and preprocessing.
    public var train: Dataset
    public var validation: Dataset?
    public var preprocessing: Preprocessing
    public var record: DataRecord

    public init(loaded: Dataset, train: Dataset, validation: Dataset?, preprocessing: Preprocessing, record: DataRecord)
    {
        self.loaded = loaded
        self.train = train
        self.validation = validation
        self.preprocessing = preprocessing
        self.record = record
    }

    /// Loads `request`'s data and splits it with `seed` (stratified for classification). `bundledScale`
    /// applies when the bundled digits are used without preprocessing flags. `fixed` (a checkpoint's
    /// preprocessing) replaces the flags when given.
    public static func load(
        _ request: RunDataRequest, task: TrainingTask, seed: UInt64,
        preprocessing fixed: Preprocessing? = nil, bundledScale: Float = 1.0 / 16
    ) throws -> RunData {
        var scale = request.scale
        let trainPath: String
        if let data = request.data {
            trainPath = data
        } else {
            guard let bundled = DataFiles.bundledDigits() else {
                throw DataError(
                    path: "Fixtures/datasets/digits.csv",
                    "bundled data not found; run from the repository or pass --data FILE")
            }
            trainPath = bundled
            if scale == nil, !request.standardize, fixed == nil { scale = bundledScale }
        }
        let loaded = try DataFiles.load(trainPath, labels: request.labels, labelColumn: request.labelColumn, task: task)
        guard loaded.count > 0 else { throw DataError(path: trainPath, "has no samples") }
        var train = loaded
        var validation: Dataset?
        var split = 0.0
        if let valPath = request.validation {
            let loadedValidation = try DataFiles.load(
                valPath, labels: request.validationLabels,
                labelColumn: request.labelColumn, task: task)
            guard loadedValidation.width == loaded.width else {
                throw DataError(
                    path: valPath, "has \(loadedValidation.width) features per sample, \(trainPath) has \(loaded.width)"
                )
            }
            validation = loadedValidation
        } else {
            split = request.validationSplit ?? 0.2
            if split > 0 {
                let parts = loaded.stratifiedSplit(fraction: split, seed: seed)
                train = loaded.subset(parts.train)
                validation =
                    parts.validation.isEmpty
                    ? nil : loaded.subset(parts.validation, source: trainPath + " (validation split)")
            }
        }
        let preprocessing =
            fixed
            ?? (request.standardize
                ? Preprocessing.fitted(to: train.features, width: train.width, scale: scale ?? 1)
                : Preprocessing(scale: scale ?? 1))
        preprocessing.apply(to: &train.features, width: train.width)
        if validation != nil { preprocessing.apply(to: &validation!.features, width: validation!.width) }
        let outputs = max(train.targets.outputWidth, validation?.targets.outputWidth ?? 0)
        // Absolute paths, so a run resumes from any working directory.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let labelFiles = ([trainPath] + (request.labels.map { [$0] } ?? [])).map(absolute)
        let validationFiles = request.validation.map { v in
            (request.validationLabels.map { [v, $0] } ?? [v]).map(absolute)
        }
        let record = DataRecord(
            train: labelFiles, validation: validationFiles,
            validationSplit: split, labelColumn: request.labelColumn, fingerprint: loaded.fingerprint,
            features: loaded.width, outputs: outputs, trainCount: train.count,
            validationCount: validation?.count ?? 0)
        return RunData(
            loaded: loaded, train: train, validation: validation, preprocessing: preprocessing, record: record)
    }
}
