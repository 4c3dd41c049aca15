import CairnFormat
import CairnEngine
import Foundation

/// The checkpoints of a run folder, in training order: `init.cairn`, then `epoch-NNNN[-step-SSSSSSSS].cairn`
/// by epoch and step. `latest.cairn` and `best.cairn` name files of the folder and are not listed twice.
enum RunFolderListing {
    static func checkpoints(in folder: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw CairnError(.io, path: folder, "cannot be listed", cause: error)
        }
        let ordered = names.compactMap { name -> (Int, Int, String)? in
            if name == CheckpointPolicy.initialName { return (-1, -1, name) }
            guard let order = CheckpointPolicy.order(ofFileName: name) else { return nil }
            return (order.0, order.1, name)
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        guard !ordered.isEmpty else {
            throw CairnError(.notFound, path: folder, "holds no checkpoints (init.cairn, epoch-NNNN.cairn)")
        }
        return ordered.map { (folder as NSString).appendingPathComponent($0.2) }
    }

    /// The file `best.cairn` of `folder` names (resolving its link), if any.
    static func bestTarget(in folder: String) -> String? {
        let best = (folder as NSString).appendingPathComponent(CheckpointPolicy.bestName)
        guard FileManager.default.fileExists(atPath: best) else { return nil }
        return URL(fileURLWithPath: best).resolvingSymlinksInPath().path
    }
}
