import CairnEngine
import CairnFormat
import CairnModel

/// Where and how a run saves: its folder, the checkpoint policy, the compression level and the thread count.
/// On resume every nil keeps the run's own value. `cairn-train`'s flag is named on each property.
public struct OutputConfiguration: Equatable, Sendable {
    /// `--out`: the run folder (fresh run default: `runs/<data>-<time>`; resume: chosen by `ResumePlan`).
    public var out: String?
    /// `--save-every`: save every N epochs, and at any epoch with a new best validation loss (0: only at the end).
    public var saveEvery: Int?
    /// `--save-every-steps`: also save every N optimiser steps (0: never).
    public var saveEverySteps: Int?
    /// `--keep`: keep the K newest checkpoints plus the best by validation loss (0: keep all).
    public var keep: Int?
    /// `--level`: compression level 0 (stored) to 9.
    public var level: Int?
    /// `--threads`: threads for training, 1 to 1024 (fresh run default: one per processor; resume: the run's own).
    public var threads: Int?

    public init(
        out: String? = nil, saveEvery: Int? = nil, saveEverySteps: Int? = nil, keep: Int? = nil,
        level: Int? = nil, threads: Int? = nil
    ) {
        self.out = out
        self.saveEvery = saveEvery
        self.saveEverySteps = saveEverySteps
        self.keep = keep
        self.level = level
        self.threads = threads
    }

    /// The threads a network trains on: `threads`, or one per processor.
    public var threadCount: Int { threads ?? ThreadTeam.defaultThreadCount }

    /// The checkpoint policy for a run folder: these values over `base` (a resumed run's own policy).
    public func policy(directory: String, base: CheckpointingRecord = CheckpointingRecord()) -> CheckpointPolicy {
        CheckpointPolicy(
            directory: directory, everyEpochs: saveEvery ?? base.everyEpochs,
            everySteps: saveEverySteps ?? base.everySteps, keep: keep ?? base.keep)
    }

    /// The write options for `level`.
    public var writeOptions: WriteOptions {
        var options = WriteOptions()
        if let level { options.level = level }
        return options
    }

    /// Checks the values' ranges; throws `ConfigurationError` naming the option.
    public func validate() throws {
        for (flag, value) in [("--save-every", saveEvery), ("--save-every-steps", saveEverySteps), ("--keep", keep)] {
            if let value, value < 0 {
                throw CairnError.configuration(option: flag, "\(flag) \(value): must be 0 or more")
            }
        }
        if let level, !(0...9).contains(level) {
            throw CairnError.configuration(option: "--level", "--level \(level): must be from 0 to 9")
        }
        if let threads, threads < 1 || threads > 1024 {
            throw CairnError.configuration(option: "--threads", "--threads \(threads): must be from 1 to 1024")
        }
    }
}
