import CairnEngine
import CairnInspect
import CairnModel

/// Replays a run from one checkpoint to a later checkpoint's step, without saving, and compares every
/// tensor, the generator state and the data order bit for bit (`cairn-resume --verify`).
public enum ReplayVerification {
    /// What a replay needs: the checkpoint to start from, the later checkpoint of the same run, the data
    /// (nil fields: the files the checkpoint records) and the thread count (nil: the run's own).
    public struct Configuration: Equatable, Sendable {
        /// The checkpoint the replay starts from.
        public var checkpoint: String
        /// The later checkpoint of the same run to compare with.
        public var later: String
        /// The data; nil fields take the checkpoint's own (`scale`, `standardize`, `classes` must stay unset).
        public var data: RunDataRequest
        /// Must stay nil: a replay keeps the run's task.
        public var task: TrainingTask?
        /// `--threads`: nil takes the run's own count; bit-identity needs the count the run was trained with.
        public var threads: Int?

        public init(
            checkpoint: String, later: String, data: RunDataRequest = RunDataRequest(),
            task: TrainingTask? = nil, threads: Int? = nil
        ) {
            self.checkpoint = checkpoint
            self.later = later
            self.data = data
            self.task = task
            self.threads = threads
        }
    }

    /// Replays from `configuration.checkpoint` to the step of `configuration.later` and compares them.
    /// Notices (a different BLAS library or thread count) go to `observer`.
    public static func verify(_ configuration: Configuration, observer: (any RunObserver)? = nil) throws -> ReplayReport
    {
        let path = configuration.checkpoint, later = configuration.later
        let target = try Checkpoint.load(from: later)
        // The later checkpoint's target epoch count fixes the schedule's total steps.
        let optimization = OptimizationConfiguration(epochs: target.manifest.hyperparameters.epochs)
        let output = OutputConfiguration(threads: configuration.threads)
        try configuration.data.validate(task: nil)
        try optimization.validate()
        try output.validate()
        let run = try TrainingRun.prepare(
            ResumeConfiguration(
                checkpoint: path, data: configuration.data, task: configuration.task,
                changes: optimization, allowDifferentData: false, output: output),
            directory: nil, observer: observer)
        let trainer = run.trainer
        trainer.savesCheckpoints = false
        let goal = target.manifest.training.globalStep
        guard goal >= trainer.manifest.training.globalStep else {
            throw CairnError.incompatible(
                path: later, "is at step \(goal), before \(path) (step \(trainer.manifest.training.globalStep))")
        }
        _ = try trainer.run(stopAtStep: goal)
        let comparison = try ReplayComparison.compare(replay: trainer.snapshot(), target: target, targetPath: later)
        return ReplayReport(comparison: comparison, from: path, to: later)
    }
}
