/// How a run trains, stored in the manifest under `"hyperparameters"`.
public struct Hyperparameters: Codable, Equatable, Sendable {
    public var initialization: InitScheme
    public var optimizer: OptimizerConfig
    public var schedule: ScheduleConfig
    /// Samples per step; 0 means the whole training set (full-batch gradient descent).
    public var batchSize: Int
    /// The epoch count the run trains to.
    public var epochs: Int
    public var seed: UInt64
    /// Stop after this many epochs without a better validation loss; nil for never.
    public var earlyStopPatience: Int?
    /// Nodes whose parameters never change (transfer learning); nil or empty for none.
    public var frozen: [String]?
    /// The checkpoint whose weights this run started from (`--init-from`), if any.
    public var initializedFrom: String?

    public init(
        initialization: InitScheme, optimizer: OptimizerConfig, schedule: ScheduleConfig, batchSize: Int,
        epochs: Int, seed: UInt64, earlyStopPatience: Int?, frozen: [String]? = nil, initializedFrom: String? = nil
    ) {
        self.frozen = frozen
        self.initializedFrom = initializedFrom
        self.initialization = initialization
        self.optimizer = optimizer
        self.schedule = schedule
        self.batchSize = batchSize
        self.epochs = epochs
        self.seed = seed
        self.earlyStopPatience = earlyStopPatience
    }

    /// The batch size for a training set of `count` samples (full batch resolved).
    public func effectiveBatchSize(trainingCount count: Int) -> Int {
        batchSize <= 0 ? max(count, 1) : min(batchSize, max(count, 1))
    }

    private enum CodingKeys: String, CodingKey {
        case initialization = "init", optimizer, schedule, batchSize = "batch_size", epochs, seed
        case earlyStopPatience = "early_stop_patience", frozen, initializedFrom = "initialized_from"
    }
}

/// Where a run's data came from, stored in the manifest under `"data"`.
public struct DataRecord: Codable, Equatable, Sendable {
    /// The training data file(s) as given on the command line.
    public var train: [String]
    /// A validation file, if one was given.
    public var validation: [String]?
    /// The fraction of the training file held out for validation (0 when a file or none is used).
    public var validationSplit: Double
    /// The label column specification (`--label-column`), nil for the default.
    public var labelColumn: String?
    /// `fnv1a64:...` of the whole training file's samples as loaded (before the split and preprocessing).
    public var fingerprint: String
    public var features: Int
    /// Classes (classification) or target columns (regression).
    public var outputs: Int
    public var trainCount: Int
    public var validationCount: Int
    /// The CSV cell separator when it is not a comma (`;` or a tab), else nil.
    public var delimiter: String?
    /// Classification: the class ids that have training samples, ascending (nil in older files and for
    /// regression). Classes below `outputs` missing here had no training sample.
    public var classesSeen: [Int]?
    /// The shape of one sample (`[C, L]`, `[C, H, W]`) when it is not a plain `[features]` vector, else nil
    /// (and absent from the JSON, as in older files).
    public var inputShape: [Int]?

    public init(
        train: [String], validation: [String]?, validationSplit: Double, labelColumn: String?, fingerprint: String,
        features: Int, outputs: Int, trainCount: Int, validationCount: Int, delimiter: String? = nil,
        classesSeen: [Int]? = nil, inputShape: [Int]? = nil
    ) {
        self.inputShape = inputShape
        self.delimiter = delimiter
        self.classesSeen = classesSeen
        self.train = train
        self.validation = validation
        self.validationSplit = validationSplit
        self.labelColumn = labelColumn
        self.fingerprint = fingerprint
        self.features = features
        self.outputs = outputs
        self.trainCount = trainCount
        self.validationCount = validationCount
    }

    private enum CodingKeys: String, CodingKey {
        case train, validation, validationSplit = "validation_split", labelColumn = "label_column", fingerprint
        case features, outputs, trainCount = "train_count", validationCount = "validation_count", delimiter
        case classesSeen = "classes_seen", inputShape
    }
}

/// When a run saves checkpoints (`--save-every`, `--save-every-steps`, `--keep`), stored in the
/// manifest under `"checkpointing"` so a resumed run keeps its own policy.
public struct CheckpointingRecord: Codable, Equatable, Sendable {
    public var everyEpochs: Int
    public var everySteps: Int
    public var keep: Int

    public init(everyEpochs: Int = 1, everySteps: Int = 0, keep: Int = 3) {
        self.everyEpochs = everyEpochs
        self.everySteps = everySteps
        self.keep = keep
    }

    private enum CodingKeys: String, CodingKey {
        case everyEpochs = "every_epochs", everySteps = "every_steps", keep
    }
}
