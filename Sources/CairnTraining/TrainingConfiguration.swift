import CairnEngine
import CairnModel

/// Everything a fresh training run needs, as plain values: the data, the model, the optimisation, where
/// checkpoints go, transfer learning, the seed, early stopping and free-form metadata. The defaults are
/// `cairn-train`'s: the bundled digits, a 64-unit leaky-ReLU perceptron, SGD with momentum, 30 epochs, seed 0.
public struct TrainingConfiguration: Equatable, Sendable {
    /// The training (and validation) data; `data.data == nil`: the bundled digits.
    public var data: RunDataRequest
    /// `--task`: classification or regression (nil: classification, or the `--init-from` source's task).
    public var task: TrainingTask?
    public var model: ModelConfiguration
    public var optimization: OptimizationConfiguration
    public var output: OutputConfiguration
    public var transfer: TransferConfiguration
    /// `--seed`: the run's random generator (initialisation, split, shuffling, dropout).
    public var seed: UInt64
    /// `--early-stop`: stop after this many epochs without a better validation loss (nil: never).
    public var earlyStopPatience: Int?
    /// `--meta`: free-form metadata stored in every checkpoint.
    public var metadata: [String: String]

    public init(
        data: RunDataRequest = RunDataRequest(), task: TrainingTask? = nil,
        model: ModelConfiguration = ModelConfiguration(),
        optimization: OptimizationConfiguration = OptimizationConfiguration(),
        output: OutputConfiguration = OutputConfiguration(), transfer: TransferConfiguration = TransferConfiguration(),
        seed: UInt64 = 0, earlyStopPatience: Int? = nil, metadata: [String: String] = [:]
    ) {
        self.data = data
        self.task = task
        self.model = model
        self.optimization = optimization
        self.output = output
        self.transfer = transfer
        self.seed = seed
        self.earlyStopPatience = earlyStopPatience
        self.metadata = metadata
    }

    /// Checks every value's range and that they fit together; throws `ConfigurationError` naming the option.
    /// `TrainingRun.start` calls it first.
    public func validate() throws {
        try data.validate(task: task)
        try model.validate()
        try optimization.validate()
        try output.validate()
        try transfer.validate()
        if let earlyStopPatience, earlyStopPatience < 1 {
            throw CairnError.configuration(
                option: "--early-stop", "--early-stop \(earlyStopPatience): must be 1 or more")
        }
        if earlyStopPatience != nil, data.validation == nil, data.validationSplit == 0 {
            throw CairnError.configuration(
                option: "--early-stop",
                "--early-stop watches the validation loss; it needs --val FILE or a --val-split above 0")
        }
    }
}
