import ArgumentParser
import CairnCLI

@main
struct CairnTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-train",
        abstract: "Train a network from scratch into .cairn checkpoints.",
        discussion: """
            With no options, trains a 64-64-10 leaky-ReLU perceptron on the bundled digits data \
            (Fixtures/datasets/digits.csv, features x 1/16 as its digits.csv.preprocessing.json says; the same as \
            --data Fixtures/datasets/digits.csv), SGD with momentum 0.9, lr 0.05, batch 32, 30 epochs, seed 0, \
            20% held out for validation; the run's first line (on standard error) names the data and preprocessing. \
            Writes checkpoints to runs/digits-<time>/ (init.cairn, epoch-NNNN.cairn, latest.cairn, history.csv, curves.svg) and prints \
            the validation accuracy. Exit status: 0 done, 2 trouble (bad data, non-finite loss, I/O), 64 usage, \
            130/143 stopped by SIGINT/SIGTERM after saving a checkpoint.
            """)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimisation") var optimization: OptimizationOptions
    @OptionGroup(title: "Checkpoints and output") var output: OutputOptions
    @OptionGroup(title: "Transfer learning") var transfer: TransferOptions

    @Option(
        parsing: .unconditional,
        help:
            "Seed of the run's random generator (initialisation, split, shuffling, dropout), a whole number from 0 to 18446744073709551615."
    )
    var seed: UInt64 = 0

    @Option(
        name: .customLong("early-stop"), parsing: .unconditional,
        help: "Stop after N epochs without a better validation loss, 1 or more. Default: never.")
    var earlyStop: Int?

    @Option(name: .customLong("meta"), help: "Free-form metadata KEY=VALUE stored in the checkpoint (repeatable).")
    var meta: [String] = []

    func validate() throws {
        if let earlyStop, earlyStop < 1 { throw ValidationError("--early-stop \(earlyStop): must be 1 or more") }
        if earlyStop != nil, data.val == nil, data.valSplit == 0 {
            throw ValidationError(
                "--early-stop watches the validation loss; it needs --val FILE or a --val-split above 0")
        }
        for item in meta where !item.contains("=") { throw ValidationError("--meta takes KEY=VALUE, got '\(item)'") }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-train") {
            let metadata = Dictionary(
                meta.map { item -> (String, String) in
                    let parts = item.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { _, last in last })
            try TrainLauncher.train(
                data: data, model: model, optimization: optimization, output: output,
                transfer: transfer, seed: seed, earlyStop: earlyStop, metadata: metadata)
        }
    }
}
