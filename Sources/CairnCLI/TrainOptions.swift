import ArgumentParser
import CairnEngine
import CairnModel

/// The model flags of `cairn-train`.
public struct ModelOptions: ParsableArguments {
    @Option(help: "Hidden layer widths of the perceptron, comma-separated (e.g. 64,64).")
    public var hidden: String = "64"

    @Option(help: "Hidden activation: relu, leaky-relu, tanh, sigmoid or identity.")
    public var activation: String = "leaky-relu"

    @Option(help: "Slope of leaky-relu for negative inputs.")
    public var alpha: Float = 0.01

    @Option(help: "Dropout rate after each hidden activation (0: none).")
    public var dropout: Float = 0

    @Option(name: .customLong("model"), help: "A JSON layer graph (schema: Formats/graph-v1.schema.json) instead of --hidden.")
    public var model: String?

    @Option(name: .customLong("init"), help: "Weight initialisation: zeros, constant:C, normal:SIGMA, uniform:A, xavier, xavier-normal, he, he-uniform. Default: he for the ReLU family, xavier otherwise.")
    public var initialization: String?

    public init() {}

    public mutating func validate() throws {
        _ = try hiddenWidths()
        guard let kind = NodeKind(rawValue: activation), [.relu, .leakyRelu, .tanh, .sigmoid, .identity].contains(kind) else {
            throw ValidationError("--activation must be relu, leaky-relu, tanh, sigmoid or identity, got '\(activation)'")
        }
        guard alpha.isFinite else { throw ValidationError("--alpha must be finite") }
        guard dropout >= 0, dropout < 1 else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if let initialization, InitScheme(parsing: initialization) == nil {
            throw ValidationError("--init: unknown scheme '\(initialization)' (zeros, constant:C, normal:SIGMA, uniform:A, xavier, xavier-normal, he, he-uniform)")
        }
    }

    /// The parsed `--hidden` widths (empty for `--hidden ''`: a linear model).
    public func hiddenWidths() throws -> [Int] {
        let parts = hidden.split(separator: ",", omittingEmptySubsequences: true)
        var widths = [Int]()
        for part in parts {
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0, w <= GraphSpec.maximumWidth else {
                throw ValidationError("--hidden takes positive widths separated by commas, got '\(hidden)'")
            }
            widths.append(w)
        }
        return widths
    }

    /// The activation kind (validated).
    public var activationKind: NodeKind { NodeKind(rawValue: activation) ?? .leakyRelu }

    /// The initialisation: the flag, or the default for the activation.
    public var scheme: InitScheme {
        if let initialization, let scheme = InitScheme(parsing: initialization) { return scheme }
        return [.relu, .leakyRelu].contains(activationKind) ? .heNormal : .xavierUniform
    }
}

/// The optimisation flags shared by `cairn-train` and `cairn-resume`.
public struct OptimizationOptions: ParsableArguments {
    @Option(help: "sgd, momentum, adam or adamw.")
    public var optimizer: OptimizerConfig.Kind?

    @Option(help: "Momentum coefficient (momentum optimiser).")
    public var momentum: Float?

    @Flag(help: "Nesterov momentum.")
    public var nesterov = false

    @Option(help: "Learning rate.")
    public var lr: Float?

    @Option(help: "Learning-rate schedule: constant, step:EPOCHS:GAMMA, exponential:GAMMA, cosine[:MIN], optionally after warmup:STEPS, (e.g. warmup:100,cosine).")
    public var schedule: String?

    @Option(name: .customLong("weight-decay"), help: "L2 penalty (decoupled for adamw).")
    public var weightDecay: Float?

    @Option(name: .customLong("clip-norm"), help: "Clip the global gradient norm to this value.")
    public var clipNorm: Float?

    @Option(name: .customLong("batch-size"), help: "Samples per step, or 'full' for full-batch gradient descent; 1 is per-sample descent.")
    public var batchSize: BatchSize?

    @Option(help: "Epochs to train (cairn-resume: the total to reach).")
    public var epochs: Int?

    public init() {}

    public mutating func validate() throws {
        if let lr, !(lr.isFinite && lr > 0) { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let momentum, !(momentum >= 0 && momentum < 1) { throw ValidationError("--momentum must be in [0, 1), got \(momentum)") }
        if let schedule, ScheduleConfig(parsing: schedule) == nil {
            throw ValidationError("--schedule: cannot read '\(schedule)' (constant, step:EPOCHS:GAMMA, exponential:GAMMA, cosine[:MIN], warmup:STEPS,...)")
        }
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) { throw ValidationError("--weight-decay must be >= 0") }
        if let clipNorm, !(clipNorm.isFinite && clipNorm > 0) { throw ValidationError("--clip-norm must be positive") }
        if let epochs, epochs < 1 || epochs > 1_000_000 { throw ValidationError("--epochs must be from 1 to 1000000, got \(epochs)") }
    }
}

extension OptimizerConfig.Kind: ExpressibleByArgument {}

/// `--batch-size N|full`.
public struct BatchSize: ExpressibleByArgument, Equatable, Sendable {
    /// Samples per step; 0 for the full training set.
    public var value: Int

    public init?(argument: String) {
        if argument == "full" { value = 0; return }
        guard let n = Int(argument), n >= 1, n <= 1 << 24 else { return nil }
        value = n
    }

    public init(_ value: Int) { self.value = value }
}

/// The checkpoint and output flags shared by `cairn-train` and `cairn-resume`.
public struct OutputOptions: ParsableArguments {
    @Option(help: "Run folder for checkpoints (cairn-train default: runs/<data>-<time>; cairn-resume default: the checkpoint's folder).")
    public var out: String?

    @Option(name: .customLong("save-every"), help: "Save a checkpoint every N epochs, and at any epoch with a new best validation loss (0: only at the end). Default 1; cairn-resume: the run's own.")
    public var saveEvery: Int?

    @Option(name: .customLong("save-every-steps"), help: "Also save every N optimiser steps, mid-epoch included (0: never). Default 0; cairn-resume: the run's own.")
    public var saveEverySteps: Int?

    @Option(help: "Keep the K newest checkpoints plus the best by validation loss (0: keep all). Default 3; cairn-resume: the run's own.")
    public var keep: Int?

    @Option(help: "Compression level 0 (stored) to 9.")
    public var level: Int?

    @Flag(help: "Print one JSON object with the results on standard output.")
    public var json = false

    @Flag(help: "No progress output.")
    public var quiet = false

    @Flag(help: "More detail on standard error (BLAS library, data, model).")
    public var verbose = false

    @Option(help: "Threads for training (default: one per processor; cairn-resume: the run's own count). Bit-identical resume needs the same count.")
    public var threads: Int?

    public init() {}

    /// The threads a network trains on: `--threads`, or one per processor.
    public var threadCount: Int { threads ?? ThreadTeam.defaultThreadCount }

    /// The checkpoint policy for a run folder: these flags over `base` (a resumed run's own policy).
    public func policy(directory: String, base: CheckpointingRecord = CheckpointingRecord()) -> CheckpointPolicy {
        CheckpointPolicy(directory: directory, everyEpochs: saveEvery ?? base.everyEpochs,
                         everySteps: saveEverySteps ?? base.everySteps, keep: keep ?? base.keep)
    }

    public mutating func validate() throws {
        guard (saveEvery ?? 0) >= 0, (saveEverySteps ?? 0) >= 0, (keep ?? 0) >= 0 else {
            throw ValidationError("--save-every, --save-every-steps and --keep take numbers >= 0")
        }
        if let level, !(0...9).contains(level) { throw ValidationError("--level must be from 0 to 9") }
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be from 1 to 1024") }
    }
}
