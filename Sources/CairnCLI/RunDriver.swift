import ArgumentParser
import CairnEngine
import CairnTraining
import Foundation

/// Runs a prepared run the way `cairn-train` and `cairn-resume` both do: progress on standard error,
/// SIGINT/SIGTERM handled, the summary printed, the exit status chosen.
public enum RunDriver {
    public static func drive(_ run: TrainingRun, output: OutputOptions) throws {
        let epochs = run.trainer.manifest.hyperparameters.epochs
        let reporter = ProgressReporter(
            style: ProgressReporter.style(quiet: output.quiet || output.json && isatty(STDERR_FILENO) == 0),
            totalSteps: run.remainingSteps, epochs: epochs)
        let signals = SignalMonitor()
        let summary = try run.run(observer: reporter) { signals.signal != nil }
        if output.json {
            print(try summary.json())
        } else {
            print(summary.text)
        }
        if TrainingOutcome(rawValue: summary.outcome) == .interrupted, let status = signals.exitStatus {
            throw ExitCode(status.rawValue)
        }
    }
}
