import CairnTraining

/// Continues a checkpoint, or verifies a replay, from `cairn-resume`'s flags: maps them to a
/// `ResumeConfiguration` or `ReplayVerification.Configuration` and calls the library.
public enum ResumeLauncher {
    /// Continues `checkpoint` (notices on standard error) and drives the run.
    public static func resume(
        checkpoint: String, data: DataOptions, optimization: OptimizationOptions,
        allowDifferentData: Bool, output: OutputOptions
    ) throws {
        let configuration = ResumeConfiguration(
            checkpoint: checkpoint, data: data.request, task: data.task, changes: optimization.configuration,
            allowDifferentData: allowDifferentData, output: output.configuration)
        let run = try reportingConfigurationErrorsAsUsage {
            try TrainingRun.resume(configuration, observer: RunMessages(quiet: output.quiet, verbose: false))
        }
        try RunDriver.drive(run, output: output)
    }

    /// Replays `checkpoint` to the step of `later` and compares them bit for bit.
    public static func verify(
        checkpoint: String, against later: String, data: DataOptions,
        threads: Int?
    ) throws -> ReplayReport {
        let configuration = ReplayVerification.Configuration(
            checkpoint: checkpoint, later: later, data: data.request,
            task: data.task, threads: threads)
        return try reportingConfigurationErrorsAsUsage {
            try ReplayVerification.verify(configuration, observer: RunMessages(quiet: true, verbose: false))
        }
    }
}
