import ArgumentParser
import CairnEngine
import CairnModel
import CairnTraining

/// The model flags of `cairn-train`.
public struct ModelOptions: ParsableArguments {
    /// The perceptron's defaults (shown in `--help`), as `ModelConfiguration` defines them.
    public static let defaultHidden = ModelConfiguration.defaultHiddenWidths.map(String.init).joined(separator: ",")
    public static let defaultActivation = ModelConfiguration.defaultActivation.rawValue
    public static let defaultAlpha = ModelConfiguration.defaultAlpha
    /// The widest hidden layer `--hidden` accepts.
    public static let maximumHiddenWidth = ModelConfiguration.maximumHiddenWidth

    @Option(
        help:
            "Hidden layer widths of the perceptron, comma-separated (e.g. 128,64; '' for none). Default \(defaultHidden)."
    )
    public var hidden: String?

    @Option(help: "Hidden activation: \(NodeKind.activationChoices). Default \(defaultActivation).")
    public var activation: String?

    @Option(parsing: .unconditional, help: "Slope of leaky-relu for negative inputs. Default \(defaultAlpha).")
    public var alpha: Float?

    @Option(
        parsing: .unconditional, help: "Dropout rate after each hidden activation, from 0 (none) up to 1. Default 0.")
    public var dropout: Float?

    @Option(
        name: .customLong("model"),
        help: "A JSON layer graph (schema: Formats/graph-v1.schema.json) instead of --hidden.")
    public var model: String?

    @Option(
        name: .customLong("init"),
        help:
            "Weight initialisation: zeros, constant:C, normal:SIGMA, uniform:A, xavier, xavier-normal, he, he-uniform. Default: he (normal) for relu and leaky-relu, xavier (uniform) otherwise."
    )
    public var initialization: String?

    public init() {}

    /// Parses the flags' texts here; their ranges and how they fit together are `ModelConfiguration.validate`'s.
    public mutating func validate() throws {
        _ = try hiddenWidths()
        if let activation {
            guard NodeKind.activation(named: activation) != nil else {
                throw ValidationError("--activation '\(activation)': must be \(NodeKind.activationChoices)")
            }
        }
        if let initialization, InitScheme(parsing: initialization) == nil {
            throw ValidationError("--init '\(initialization)': \(Self.initProblem(initialization))")
        }
        try reportingConfigurationErrorsAsUsage { try configuration.validate() }
    }

    /// What is wrong with an `--init` text.
    static func initProblem(_ text: String) -> String {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let schemes = "zeros, constant:C, normal:SIGMA, uniform:A, xavier, xavier-normal, he, he-uniform"
        guard parts.count == 2, ["constant", "normal", "uniform"].contains(parts[0]) else {
            return "unknown scheme (\(schemes))"
        }
        guard let value = Float(parts[1]), value.isFinite else { return "'\(parts[1])' is not a finite number" }
        return parts[0] == "normal" ? "SIGMA is \(value); it must be 0 or more" : "A is \(value); it must be 0 or more"
    }

    /// The parsed `--hidden` widths (empty for `--hidden ''`: a linear model).
    public func hiddenWidths() throws -> [Int] {
        let text = hidden ?? Self.defaultHidden
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        var widths = [Int]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let cell = part.trimmingCharacters(in: .whitespaces)
            guard !cell.isEmpty else {
                throw ValidationError("--hidden '\(text)': an empty width between commas (write widths such as 64,64)")
            }
            guard let w = Int(cell) else {
                throw ValidationError("--hidden '\(text)': '\(cell)' is not a whole number")
            }
            widths.append(w)
        }
        return widths
    }

    /// The activation kind (validated).
    public var activationKind: NodeKind { NodeKind(rawValue: activation ?? Self.defaultActivation) ?? .leakyRelu }

    /// The model these flags ask for (after `validate`).
    public var configuration: ModelConfiguration {
        ModelConfiguration(
            hiddenWidths: hidden == nil ? nil : (try? hiddenWidths()) ?? [],
            activation: activation.flatMap(NodeKind.init(rawValue:)), alpha: alpha, dropout: dropout,
            graphFile: model, initialization: initialization.flatMap(InitScheme.init(parsing:)))
    }
}

/// The optimisation flags shared by `cairn-train` and `cairn-resume` (where each defaults to the run's own).
public struct OptimizationOptions: ParsableArguments {
    // The defaults shown in `--help` are `OptimizationConfiguration`'s.

    @Option(help: "sgd, momentum, adam or adamw. Default momentum (cairn-resume: the run's own).")
    public var optimizer: OptimizerConfig.Kind?

    @Option(
        parsing: .unconditional, help: "Momentum coefficient of the momentum optimiser, from 0 up to 1. Default 0.9.")
    public var momentum: Float?

    @Flag(help: "Nesterov momentum (momentum optimiser). Default off.")
    public var nesterov = false

    @Option(
        parsing: .unconditional,
        help: "Learning rate, above 0. Default 0.05 for sgd and momentum, 0.001 for adam and adamw.")
    public var lr: Float?

    @Option(
        help:
            "Learning-rate schedule: constant, step:EPOCHS:GAMMA, exponential:GAMMA, cosine[:MIN], optionally after warmup:STEPS, (e.g. warmup:100,cosine). Default constant."
    )
    public var schedule: String?

    @Option(
        name: .customLong("weight-decay"), parsing: .unconditional,
        help: "L2 penalty, 0 or more (decoupled for adamw). Default 0.")
    public var weightDecay: Float?

    @Option(
        name: .customLong("clip-norm"), parsing: .unconditional,
        help: "Clip the global gradient norm to this value, above 0. Default: no clipping.")
    public var clipNorm: Float?

    @Option(
        name: .customLong("batch-size"), parsing: .unconditional,
        help:
            "Samples per step (1 to 16777216; 1 is per-sample descent), or 'full' for full-batch gradient descent. Default 32."
    )
    public var batchSize: BatchSize?

    @Option(
        parsing: .unconditional, help: "Epochs to train, 1 to 1000000 (cairn-resume: the total to reach). Default 30.")
    public var epochs: Int?

    public init() {}

    /// Parses the flags' texts here; their ranges and how they fit together are
    /// `OptimizationConfiguration.validate`'s.
    public mutating func validate() throws {
        if let schedule, ScheduleConfig(parsing: schedule) == nil {
            throw ValidationError(
                "--schedule '\(schedule)': cannot be read (constant, step:EPOCHS:GAMMA, exponential:GAMMA, cosine[:MIN], warmup:STEPS,...)"
            )
        }
        if let batchSize, let text = batchSize.text {
            throw ValidationError(
                "--batch-size \(text): must be a whole number from 1 to \(BatchSize.maximum), or 'full'")
        }
        try reportingConfigurationErrorsAsUsage { try configuration.validate() }
    }

    /// The optimisation these flags ask for (after `validate`); nil where a flag was not given.
    public var configuration: OptimizationConfiguration {
        OptimizationConfiguration(
            optimizer: optimizer, momentum: momentum, nesterov: nesterov, learningRate: lr,
            schedule: schedule.flatMap(ScheduleConfig.init(parsing:)), weightDecay: weightDecay,
            clipNorm: clipNorm, batchSize: batchSize?.value, epochs: epochs)
    }
}

extension OptimizerConfig.Kind: ExpressibleByArgument {}

/// `--batch-size N|full`.
public struct BatchSize: ExpressibleByArgument, Equatable, Sendable {
    /// The largest batch.
    public static let maximum = OptimizationConfiguration.maximumBatchSize
    /// Samples per step; 0 for the full training set.
    public var value: Int
    /// The argument when it was not a size (reported by `validate`).
    var text: String?

    public init?(argument: String) {
        if argument == "full" { value = 0; return }
        if let n = Int(argument) {
            value = n
            if n < 1 { text = argument }
        } else {
            value = 0
            text = argument
        }
    }

    public init(_ value: Int) { self.value = value }
}

/// The checkpoint and output flags shared by `cairn-train` and `cairn-resume`.
public struct OutputOptions: ParsableArguments {
    @Option(
        help:
            "Run folder for checkpoints (cairn-train default: runs/<data>-<time>; cairn-resume default: the checkpoint's folder)."
    )
    public var out: String?

    @Option(
        name: .customLong("save-every"), parsing: .unconditional,
        help:
            "Save a checkpoint every N epochs, and at any epoch with a new best validation loss (0: only at the end). Default 1; cairn-resume: the run's own."
    )
    public var saveEvery: Int?

    @Option(
        name: .customLong("save-every-steps"), parsing: .unconditional,
        help:
            "Also save every N optimiser steps, mid-epoch included (0: never). Default 0; cairn-resume: the run's own.")
    public var saveEverySteps: Int?

    @Option(
        parsing: .unconditional,
        help:
            "Keep the K newest checkpoints plus the best by validation loss (0: keep all). Default 3; cairn-resume: the run's own."
    )
    public var keep: Int?

    @Option(parsing: .unconditional, help: "Compression level 0 (stored) to 9. Default 6.")
    public var level: Int?

    @Flag(help: "Print one JSON object with the results on standard output.")
    public var json = false

    @Flag(help: "No progress output.")
    public var quiet = false

    @Flag(help: "More detail on standard error (BLAS library, data, model).")
    public var verbose = false

    @Option(
        parsing: .unconditional,
        help:
            "Threads for training, 1 to 1024 (default: one per processor; cairn-resume: the run's own count). Bit-identical resume needs the same count."
    )
    public var threads: Int?

    public init() {}

    /// Where and how to save, as these flags ask (after `validate`).
    public var configuration: OutputConfiguration {
        OutputConfiguration(
            out: out, saveEvery: saveEvery, saveEverySteps: saveEverySteps, keep: keep, level: level,
            threads: threads)
    }

    /// The ranges are `OutputConfiguration.validate`'s.
    public mutating func validate() throws {
        try reportingConfigurationErrorsAsUsage { try configuration.validate() }
    }
}
