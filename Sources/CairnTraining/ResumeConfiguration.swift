import CairnEngine
import CairnModel

/// What continuing a checkpoint needs, as plain values: the checkpoint, the data (nil fields: the files the
/// checkpoint records), the changes of course, and where to write.
public struct ResumeConfiguration: Equatable, Sendable {
    /// The checkpoint to continue (e.g. `runs/x/latest.cairn`).
    public var checkpoint: String
    /// The data; nil fields take the checkpoint's own. Its `scale`, `standardize` and `classes` must stay
    /// unset: a resumed run keeps the preprocessing and classes it was trained with.
    public var data: RunDataRequest
    /// Must stay nil: a resumed run keeps its task (given only to be refused, as `--task` is).
    public var task: TrainingTask?
    /// Changes of course; nil keeps the run's own value. Recorded in the history.
    public var changes: OptimizationConfiguration
    /// `--allow-different-data`: continue even if the data's fingerprint differs from the checkpoint's.
    public var allowDifferentData: Bool
    /// Where and how to save; nil keeps the run's own value (`out`: see `ResumePlan`).
    public var output: OutputConfiguration

    public init(
        checkpoint: String, data: RunDataRequest = RunDataRequest(), task: TrainingTask? = nil,
        changes: OptimizationConfiguration = OptimizationConfiguration(), allowDifferentData: Bool = false,
        output: OutputConfiguration = OutputConfiguration()
    ) {
        self.checkpoint = checkpoint
        self.data = data
        self.task = task
        self.changes = changes
        self.allowDifferentData = allowDifferentData
        self.output = output
    }
}
