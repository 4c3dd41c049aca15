import CairnModel

/// How a run optimises: the optimiser and its settings, the schedule, batch size and epochs. For a fresh
/// run every nil takes the default below; on resume every nil keeps the run's own value and every value
/// given is a change of course, recorded in the history. `cairn-train`'s flag is named on each property.
public struct OptimizationConfiguration: Equatable, Sendable {
    /// The defaults of a fresh run: SGD with momentum 0.9, batches of 32, 30 epochs.
    public static let defaultOptimizer = OptimizerConfig.Kind.momentum
    public static let defaultMomentum: Float = 0.9, defaultBatchSize = 32, defaultEpochs = 30
    /// The largest batch.
    public static let maximumBatchSize = 1 << 24
    /// The default learning rate of an optimiser: 0.05 for SGD with or without momentum, 0.001 for Adam
    /// and AdamW (as in PyTorch and Keras).
    public static func defaultLearningRate(_ kind: OptimizerConfig.Kind) -> Float {
        kind == .adam || kind == .adamw ? 0.001 : 0.05
    }

    /// `--optimizer`.
    public var optimizer: OptimizerConfig.Kind?
    /// `--momentum`: the momentum coefficient of the momentum optimiser, from 0 up to 1.
    public var momentum: Float?
    /// `--nesterov`: Nesterov momentum (turned on, never off, on resume).
    public var nesterov: Bool
    /// `--lr`: the learning rate, above 0.
    public var learningRate: Float?
    /// `--schedule`: the learning-rate schedule.
    public var schedule: ScheduleConfig?
    /// `--weight-decay`: the L2 penalty, 0 or more (decoupled for AdamW).
    public var weightDecay: Float?
    /// `--clip-norm`: clip the global gradient norm to this value, above 0.
    public var clipNorm: Float?
    /// `--batch-size`: samples per step, 1 to `maximumBatchSize`, or 0 for the full training set.
    public var batchSize: Int?
    /// `--epochs`: epochs to train, 1 to 1000000 (on resume: the total to reach).
    public var epochs: Int?

    public init(
        optimizer: OptimizerConfig.Kind? = nil, momentum: Float? = nil, nesterov: Bool = false,
        learningRate: Float? = nil, schedule: ScheduleConfig? = nil, weightDecay: Float? = nil,
        clipNorm: Float? = nil, batchSize: Int? = nil, epochs: Int? = nil
    ) {
        self.optimizer = optimizer
        self.momentum = momentum
        self.nesterov = nesterov
        self.learningRate = learningRate
        self.schedule = schedule
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
        self.batchSize = batchSize
        self.epochs = epochs
    }

    /// The optimiser of a fresh run: these values over the defaults.
    public var optimizerConfig: OptimizerConfig {
        let kind = optimizer ?? Self.defaultOptimizer
        return OptimizerConfig(
            kind: kind,
            learningRate: learningRate ?? Self.defaultLearningRate(kind),
            momentum: momentum ?? Self.defaultMomentum,
            nesterov: nesterov,
            weightDecay: weightDecay ?? 0,
            clipNorm: clipNorm)
    }

    /// Checks the values' ranges and that they fit together; throws `ConfigurationError` naming the option.
    public func validate() throws {
        let lr = learningRate
        if let lr, !(lr.isFinite && lr > 0) {
            throw CairnError.configuration(option: "--lr", "--lr \(lr): must be a positive number")
        }
        if let momentum, !(momentum >= 0 && momentum < 1) {
            throw CairnError.configuration(
                option: "--momentum", "--momentum \(momentum): must be from 0 up to (not including) 1")
        }
        if let optimizer, optimizer != .momentum {
            if let momentum {
                throw CairnError.configuration(
                    option: "--momentum",
                    "--momentum \(momentum): applies to --optimizer momentum, not \(optimizer.rawValue)")
            }
            if nesterov {
                throw CairnError.configuration(
                    option: "--nesterov", "--nesterov applies to --optimizer momentum, not \(optimizer.rawValue)")
            }
        }
        if nesterov, momentum == 0 {
            throw CairnError.configuration(option: "--nesterov", "--nesterov needs a --momentum above 0, got 0")
        }
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw CairnError.configuration(option: "--weight-decay", "--weight-decay \(weightDecay): must be 0 or more")
        }
        if let clipNorm, !(clipNorm.isFinite && clipNorm > 0) {
            throw CairnError.configuration(option: "--clip-norm", "--clip-norm \(clipNorm): must be a positive number")
        }
        if let batchSize, batchSize < 0 || batchSize > Self.maximumBatchSize {
            throw CairnError.configuration(
                option: "--batch-size",
                "--batch-size \(batchSize): must be a whole number from 1 to \(Self.maximumBatchSize), or 'full'")
        }
        if let epochs, epochs < 1 || epochs > 1_000_000 {
            throw CairnError.configuration(option: "--epochs", "--epochs \(epochs): must be from 1 to 1000000")
        }
    }
}
