import ArgumentParser
import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// Runs a prepared trainer the way `cairn-train` and `cairn-resume` both do: progress on standard
/// error, SIGINT/SIGTERM handled, history files written, the summary printed, the exit status chosen.
public enum RunDriver {
    /// `initialAudit`: the audit of the initial weights (`cairn-train`), included in `--json` under `audit`.
    public static func drive(_ trainer: Trainer, output: OutputOptions, tool: String,
                             initialAudit: AuditReport? = nil) throws {
        let blas = BLASLibrary.describe(threads: trainer.network.team.threadCount)
        let epochs = trainer.manifest.hyperparameters.epochs
        let remainingSteps = max(epochs * trainer.stepsPerEpoch - trainer.manifest.training.globalStep, 0)
        let reporter = ProgressReporter(style: ProgressReporter.style(quiet: output.quiet || output.json && isatty(STDERR_FILENO) == 0),
                                        totalSteps: remainingSteps, epochs: epochs)
        let signals = SignalMonitor()
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(observer: reporter) { signals.signal != nil }
        } catch {
            try? HistoryFiles.write(trainer.manifest.history, to: trainer.policy.directory, title: title(trainer))
            throw error
        }
        try HistoryFiles.write(trainer.manifest.history, to: trainer.policy.directory, title: title(trainer))
        var summary = RunSummary(trainer: trainer, outcome: outcome, blas: blas)
        summary.audit = initialAudit
        if output.json {
            print(try summary.json())
        } else {
            print(summary.text)
        }
        if outcome == .interrupted, let status = signals.exitStatus {
            throw ExitCode(status.rawValue)
        }
    }

    private static func title(_ trainer: Trainer) -> String {
        "\(URL(fileURLWithPath: trainer.policy.directory).lastPathComponent): \(trainer.manifest.task.rawValue)"
    }

    /// The write options for `--level`.
    public static func writeOptions(level: Int?) -> WriteOptions {
        var options = WriteOptions()
        if let level { options.level = level }
        return options
    }
}
