import CairnModel
import Foundation

/// Where a resumed run writes, chosen so that a resume never replaces or deletes a checkpoint it did not
/// write itself.
///
/// - Resuming the newest checkpoint of a run folder continues in that folder.
/// - Resuming a run's `latest.cairn` when the folder holds a newer complete checkpoint (a save that was
///   killed after its file was renamed into place but before the link moved) resumes from that newer
///   checkpoint instead, in the same folder.
/// - Resuming any older checkpoint of a run branches into a new folder inside the run folder,
///   `branch-<checkpoint>-<time>/`; the run's later checkpoints and its `history.csv` stay as they are,
///   and the branch's history is the run's up to the branch point.
/// - Resuming a file that is not in a run folder (no `latest.cairn` or `history.csv` beside it) creates a
///   run folder beside it, `<checkpoint>-resumed-<time>/`.
/// - `--out DIR` writes into DIR, but only when DIR holds no checkpoint later than the resumed one.
public struct ResumePlan: Sendable, Equatable {
    /// The checkpoint to load.
    public var checkpoint: String
    /// The run folder the resumed run writes into (created with the first save).
    public var directory: String
    /// One line for the user when the plan is not simply "continue in the checkpoint's folder".
    public var notice: String?
    /// True when `latest.cairn` names an older checkpoint than `checkpoint` (a save stopped before the link
    /// moved): once `checkpoint` has loaded, the run points `latest.cairn` (and `best.cairn`, when it is the
    /// best) at it, so the folder's links name its newest complete checkpoint even if nothing is left to train.
    public var relinksLatest: Bool

    /// A plan to load `checkpoint` and write into `directory`.
    public init(checkpoint: String, directory: String, notice: String?, relinksLatest: Bool = false) {
        self.checkpoint = checkpoint
        self.directory = directory
        self.notice = notice
        self.relinksLatest = relinksLatest
    }

    /// The position of a checkpoint in its run, ordered like `CheckpointPolicy.order(ofFileName:)`:
    /// `(epochs completed, 0)` at an epoch boundary, `(epochs completed, global step)` mid-epoch.
    public static func position(of training: TrainingState) -> (Int, Int) {
        training.stepInEpoch == 0 ? (training.epoch, 0) : (training.epoch, training.globalStep)
    }

    /// Plans a resume of `path`, a checkpoint at `position` in its run; `out` is `--out`, if given.
    public static func plan(
        checkpoint path: String, position: (Int, Int), out: String?,
        now: Date = Date()
    ) throws -> ResumePlan {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let folder = resolved.deletingLastPathComponent().path
        if let out {
            let later = RunFolder(path: out).periodicCheckpoints().filter { isAfter($0, position) }
            if let first = later.first {
                throw CairnError(
                    .alreadyExists, path: out,
                    "already holds checkpoints after \(path) (\(first)\(later.count > 1 ? " and \(later.count - 1) more" : "")); resuming into it would replace them: choose another --out"
                )
            }
            return ResumePlan(checkpoint: path, directory: out, notice: nil)
        }
        let manager = FileManager.default
        let isRunFolder = ["latest.cairn", "history.csv"].contains {
            (try? manager.destinationOfSymbolicLink(atPath: folder + "/" + $0)) != nil
                || manager.fileExists(atPath: folder + "/" + $0)
        }
        let stem = resolved.deletingPathExtension().lastPathComponent
        guard isRunFolder else {
            let directory = freshFolder(in: folder, base: "\(stem)-resumed-\(stamp(now))")
            return ResumePlan(
                checkpoint: path, directory: directory,
                notice: "\(path) is not in a run folder; the resumed run writes into \(directory)/")
        }
        let later = RunFolder(path: folder).periodicCheckpoints().filter { isAfter($0, position) }
        guard let newest = later.last else {
            return ResumePlan(checkpoint: path, directory: folder, notice: nil)
        }
        if URL(fileURLWithPath: path).lastPathComponent == CheckpointPolicy.latestName {
            let newestPath = (folder as NSString).appendingPathComponent(newest)
            return ResumePlan(
                checkpoint: newestPath, directory: folder,
                notice:
                    "\(path) names \(resolved.lastPathComponent), but \(newest) is newer (a save was stopped before the link moved); resuming from \(newestPath)",
                relinksLatest: true)
        }
        let directory = freshFolder(in: folder, base: "branch-\(stem)-\(stamp(now))")
        return ResumePlan(
            checkpoint: path, directory: directory,
            notice:
                "\(path) is not the newest checkpoint of \(folder) (\(newest) is); continuing in a new branch \(directory)/, the run's later checkpoints stay as they are"
        )
    }

    static func isAfter(_ name: String, _ position: (Int, Int)) -> Bool {
        guard let order = CheckpointPolicy.order(ofFileName: name) else { return false }
        return order > position
    }

    /// `folder/base`, or `folder/base-2`, `-3`, ... when that exists.
    static func freshFolder(in folder: String, base: String) -> String {
        var candidate = (folder as NSString).appendingPathComponent(base)
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = (folder as NSString).appendingPathComponent("\(base)-\(suffix)")
            suffix += 1
        }
        return candidate
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}
