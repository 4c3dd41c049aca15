import CairnEngine
import CairnModel
import Foundation

extension TrainingRun {
    /// Trains on until the run's epochs are done, early stopping, or `shouldStop` answers true (checked after
    /// every step; a checkpoint is saved before returning), then writes `history.csv` and `curves.svg` into the
    /// run folder (also when training fails) and returns the summary. Progress goes to `observer`.
    public func run(
        observer: (any TrainingObserver)? = nil, until shouldStop: () -> Bool = { false }
    ) throws -> RunSummary {
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(observer: observer, shouldStop: shouldStop)
        } catch {
            try? HistoryFiles.write(trainer.manifest.history, to: trainer.policy.directory, title: title)
            throw error
        }
        try HistoryFiles.write(trainer.manifest.history, to: trainer.policy.directory, title: title)
        var summary = RunSummary(trainer: trainer, outcome: outcome, blas: blas)
        summary.audit = initialAudit
        return summary
    }

    /// The steps left to the run's target epoch count.
    public var remainingSteps: Int {
        max(trainer.manifest.hyperparameters.epochs * trainer.stepsPerEpoch - trainer.manifest.training.globalStep, 0)
    }

    private var title: String {
        "\(URL(fileURLWithPath: trainer.policy.directory).lastPathComponent): \(trainer.manifest.task.rawValue)"
    }
}
