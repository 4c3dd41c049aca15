import CairnModel
import Foundation

/// A run's folder of checkpoints: the links that name the newest and best ones, and pruning.
public struct RunFolder: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// Creates the folder and any missing parents; errors name the folder and the system's reason.
    public func create() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CairnError(.alreadyExists, path: path, "exists and is not a folder")
            }
            return
        }
        // URL, not NSString: Foundation's `deletingLastPathComponent` on a one-character NSString path
        // ("r") traps.
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !parent.isEmpty, parent != path, parent != URL(fileURLWithPath: path).path {
            try RunFolder(path: parent).create()
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw CairnError.io(path: path, "cannot create the run folder", call: "mkdir", errno: errno)
        }
    }

    /// Points the symbolic link `name` at `target` (a file in the same folder) atomically: a new link is
    /// made under a temporary name and renamed over the old one, so the link always names a complete file.
    public func pointLink(_ name: String, at target: String) throws {
        let linkPath = (path as NSString).appendingPathComponent(name)
        let temporary = (path as NSString).appendingPathComponent(".\(name).\(getpid()).tmp")
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw CairnError.io(path: linkPath, "cannot create link", call: "symlink", errno: errno)
        }
        guard rename(temporary, linkPath) == 0 else {
            let code = errno
            unlink(temporary)
            throw CairnError.io(path: linkPath, "cannot replace link", call: "rename", errno: code)
        }
        let directory = open(path, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// The periodic checkpoints in the folder (`epoch-*.cairn`), oldest first.
    public func periodicCheckpoints() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.compactMap { name in CheckpointPolicy.order(ofFileName: name).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    /// Removes periodic checkpoints beyond the newest `keepNewest`, except those named in `alsoKeep`.
    public func prune(keepNewest: Int, alsoKeep: [String]) {
        let all = periodicCheckpoints()
        guard all.count > keepNewest else { return }
        for name in all.dropLast(keepNewest) where !alsoKeep.contains(name) {
            unlink((path as NSString).appendingPathComponent(name))
        }
    }

    /// Removes temporary files that a killed process left behind (`.NAME.tmp-PID-...` from an atomic
    /// save, `.NAME.PID.tmp` from a link update) when that process no longer runs. Returns their names.
    @discardableResult
    public func removeStaleTemporaries() -> [String] {
        StaleTemporaries.remove(in: path)
    }
}
