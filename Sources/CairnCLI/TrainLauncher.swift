import CairnEngine
import CairnTraining

/// Starts a fresh training run from `cairn-train`'s flags: maps them to a `TrainingConfiguration`, starts the
/// run through `TrainingRun`, and drives it.
public enum TrainLauncher {
    public static func train(
        data dataOptions: DataOptions, model: ModelOptions, optimization: OptimizationOptions,
        output: OutputOptions, transfer: TransferOptions, seed: UInt64, earlyStop: Int?,
        metadata: [String: String]
    ) throws {
        let configuration = TrainingConfiguration(
            data: dataOptions.request, task: dataOptions.task, model: model.configuration,
            optimization: optimization.configuration, output: output.configuration, transfer: transfer.configuration,
            seed: seed, earlyStopPatience: earlyStop, metadata: metadata)
        let run = try reportingConfigurationErrorsAsUsage {
            try TrainingRun.start(configuration, observer: RunMessages(quiet: output.quiet, verbose: output.verbose))
        }
        try RunDriver.drive(run, output: output)
    }
}
