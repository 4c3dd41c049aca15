import CairnModel
import Foundation

/// Which data a run uses: the files and how to split and preprocess them. The plain values behind
/// `cairn-train`'s and `cairn-resume`'s data flags, and what `cairn-eval` rebuilds from a checkpoint.
public struct RunDataRequest: Sendable, Equatable {
    /// The training file; nil: the bundled digits.
    public var data: String?
    public var labels: String?
    public var labelColumn: String?
    /// The byte between CSV cells (nil: a comma).
    public var delimiter: UInt8?
    /// Classification: the number of classes (nil: the largest training label + 1).
    public var classes: Int?
    /// Multiply every feature by this first (nil: the data file's sidecar scale, else 1).
    public var scale: Float?
    /// Standardise each feature (fitted on the training part).
    public var standardize: Bool
    /// A separate validation file and its labels.
    public var validation: String?
    public var validationLabels: String?
    /// The fraction held out for validation when there is no validation file (nil: 0.2).
    public var validationSplit: Double?
    /// `--input-shape`: read each sample (training and validation) as this shape (nil: as the files give it).
    public var inputShape: InputShape?

    public static let comma = UInt8(ascii: ",")

    public init(
        data: String? = nil, labels: String? = nil, labelColumn: String? = nil, delimiter: UInt8? = nil,
        classes: Int? = nil, scale: Float? = nil, standardize: Bool = false, validation: String? = nil,
        validationLabels: String? = nil, validationSplit: Double? = nil, inputShape: InputShape? = nil
    ) {
        self.inputShape = inputShape
        self.data = data
        self.labels = labels
        self.labelColumn = labelColumn
        self.delimiter = delimiter
        self.classes = classes
        self.scale = scale
        self.standardize = standardize
        self.validation = validation
        self.validationLabels = validationLabels
        self.validationSplit = validationSplit
    }

    /// How a checkpoint records a delimiter (`DataRecord.delimiter`): nil for a comma, else the character.
    public static func recorded(_ delimiter: UInt8) -> String? {
        delimiter == comma ? nil : String(UnicodeScalar(delimiter))
    }

    /// The delimiter a checkpoint recorded: `;` or a tab, else a comma.
    public static func delimiter(recorded: String?) -> UInt8 {
        switch recorded {
        case ";": return UInt8(ascii: ";")
        case "\t": return UInt8(ascii: "\t")
        default: return comma
        }
    }

    /// The data a checkpoint records, with what the caller gave taking precedence: the recorded files
    /// (their labels, label column, delimiter and validation files) when `data` is nil, the recorded split
    /// when neither a validation file nor a split is given. The bundled fixtures move with the repository:
    /// a recorded bundled file that no longer exists is looked for where it is now.
    public func filledIn(from record: DataRecord) -> RunDataRequest {
        var request = self
        if request.delimiter == nil, request.data == nil {
            request.delimiter = Self.delimiter(recorded: record.delimiter)
        }
        if request.data == nil {
            request.data = record.train.first
            if record.train.count > 1, request.labels == nil { request.labels = record.train[1] }
            if request.validation == nil, let validation = record.validation {
                request.validation = validation.first
                if validation.count > 1, request.validationLabels == nil { request.validationLabels = validation[1] }
            }
            if request.labelColumn == nil { request.labelColumn = record.labelColumn }
            if request.inputShape == nil { request.inputShape = record.inputShape.flatMap { try? InputShape($0) } }
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
    /// Notices for the user (classes without training samples).
    public var notices: [String]
    /// Where the preprocessing came from when no flag gave it: the data file's sidecar or the --init-from source.
    public var preprocessingSource: String?

    public init(
        loaded: Dataset, train: Dataset, validation: Dataset?, preprocessing: Preprocessing, record: DataRecord,
        notices: [String] = [], preprocessingSource: String? = nil
    ) {
        self.loaded = loaded
        self.train = train
        self.validation = validation
        self.preprocessing = preprocessing
        self.record = record
        self.notices = notices
        self.preprocessingSource = preprocessingSource
    }

    /// Reads plain feature rows as samples of `shape` (rank 2 or 3, as many values as a row), recording it;
    /// data that already has a shape, or rows of another width, are left as they are.
    public mutating func readSamples(as shape: [Int]) {
        guard shape.count > 1, loaded.hasFlatSamples, shape.reduce(1, *) == loaded.width else { return }
        loaded.sampleShape = shape
        train.sampleShape = shape
        validation?.sampleShape = shape
        record.inputShape = shape
    }

    /// Loads `request`'s data and splits it with `seed` (stratified for classification). The feature
    /// scale is the request's, else the data file's sidecar (`DatasetDefaults`), else 1. `fixed` and
    /// `fixedClasses` (from a checkpoint) replace the request's and the data's own when given.
    public static func load(
        _ request: RunDataRequest, task: TrainingTask, seed: UInt64,
        preprocessing fixed: Preprocessing? = nil, classes fixedClasses: Int? = nil
    ) throws -> RunData {
        var scale = request.scale
        let trainPath: String
        if let data = request.data {
            trainPath = data
        } else {
            guard let bundled = DataFiles.bundledDigits() else {
                throw CairnError.data(
                    path: "Fixtures/datasets/digits.csv",
                    "bundled data not found; run from the repository or pass --data FILE")
            }
            trainPath = bundled
        }
        var preprocessingSource: String?
        if scale == nil, fixed == nil, let defaults = try DatasetDefaults.read(for: trainPath),
            let sidecar = defaults.scale
        {
            scale = sidecar
            preprocessingSource = defaults.path
        }
        let delimiter = request.delimiter ?? RunDataRequest.comma
        let loaded = try DataFiles.load(
            trainPath, labels: request.labels, labelColumn: request.labelColumn, task: task,
            delimiter: delimiter, inputShape: request.inputShape)
        guard loaded.count > 0 else { throw CairnError.data(path: trainPath, "has no samples") }
        var train = loaded
        var validation: Dataset?
        var split = 0.0
        if let valPath = request.validation {
            let loadedValidation = try DataFiles.load(
                valPath, labels: request.validationLabels,
                labelColumn: request.labelColumn, task: task, delimiter: delimiter,
                inputShape: request.inputShape)
            guard loadedValidation.width == loaded.width else {
                throw CairnError.data(
                    path: valPath, "has \(loadedValidation.width) features per sample, \(trainPath) has \(loaded.width)"
                )
            }
            guard loadedValidation.sampleShape == loaded.sampleShape else {
                throw CairnError.data(
                    path: valPath,
                    "holds samples of shape \(ValueShape(loadedValidation.sampleShape)), \(trainPath) of \(ValueShape(loaded.sampleShape)); give --input-shape"
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
        let classes = try DataPreparation.classes(
            train: train, validation: validation,
            asked: fixedClasses ?? request.classes, fromCheckpoint: fixedClasses != nil)
        let outputs = classes?.census.classes ?? train.targets.outputWidth
        var preprocessing =
            fixed
            ?? (request.standardize
                ? Preprocessing.fitted(to: train.features, width: train.width, scale: scale ?? 1)
                : Preprocessing(scale: scale ?? 1))
        if fixed == nil, case .values(let values, let columns) = train.targets {
            preprocessing = preprocessing.fittingTargets(values, columns: columns)
        }
        train.prepare(with: preprocessing)
        validation?.prepare(with: preprocessing)
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
            validationCount: validation?.count ?? 0, delimiter: RunDataRequest.recorded(delimiter),
            classesSeen: classes?.census.seen,
            inputShape: loaded.hasFlatSamples ? nil : loaded.sampleShape)
        return RunData(
            loaded: loaded, train: train, validation: validation, preprocessing: preprocessing, record: record,
            notices: classes?.notices ?? [], preprocessingSource: preprocessingSource)
    }
}
