import CairnFormat
import CairnModel
import Foundation

extension Trainer {
    /// The checkpoint of the run as it stands now.
    public func snapshot() -> Checkpoint {
        var manifest = self.manifest
        manifest.created = CheckpointManifest.now()
        manifest.training.setRNG(rng.words)
        manifest.training.optimizerSteps = optimizer.stepCount
        var tensors = network.parameters.map {
            SavedTensor(name: $0.name, role: $0.isBuffer ? .buffer : .parameter, shape: $0.shape, values: $0.values)
        }
        for slot in optimizer.slots() {
            tensors.append(SavedTensor(name: slot.name, role: .optimizerSlot, shape: slot.shape, values: slot.values))
        }
        return Checkpoint(manifest: manifest, tensors: tensors, order: manifest.training.stepInEpoch > 0 ? order : [])
    }

    /// Writes the run's checkpoint as `fileName` in the run folder, atomically; returns its path.
    ///
    /// A run folder this run has saved into and that is gone was removed under the run: that is an error
    /// naming the folder, not a new folder without the run's earlier checkpoints.
    func write(fileName: String) throws -> String {
        try checkRunFolderStillThere()
        try RunFolder(path: policy.directory).create()
        let path = (policy.directory as NSString).appendingPathComponent(fileName)
        do {
            try snapshot().save(to: path, options: writeOptions)
        } catch {
            try checkRunFolderStillThere()
            throw error
        }
        return path
    }

    /// Throws when this run has saved a checkpoint into its folder and the folder no longer exists.
    private func checkRunFolderStillThere() throws {
        guard lastCheckpoint != nil else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: policy.directory, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        throw CairnError(
            .notFound, path: policy.directory, "the run folder was removed while the run was going on; stopping")
    }

    /// Saves a periodic checkpoint, points `latest.cairn` (and `best.cairn`) at it, and prunes old ones.
    func savePeriodic(midEpoch: Bool, reason: CheckpointReason, observer: TrainingObserver?) throws {
        guard savesCheckpoints else { return }
        let state = manifest.training
        let name = CheckpointPolicy.fileName(
            completedEpochs: state.epoch, globalStep: state.globalStep, midEpoch: midEpoch)
        // A checkpoint at the end of the best epoch so far becomes the best checkpoint.
        if !midEpoch, let bestEpoch = state.bestEpoch, bestEpoch == state.epoch {
            manifest.training.bestCheckpoint = name
        }
        let path = try write(fileName: name)
        lastCheckpoint = path
        try RunFolder(path: policy.directory).pointLink(CheckpointPolicy.latestName, at: name)
        if manifest.training.bestCheckpoint == name {
            try RunFolder(path: policy.directory).pointLink(CheckpointPolicy.bestName, at: name)
        }
        if policy.keep > 0 {
            RunFolder(path: policy.directory).prune(
                keepNewest: policy.keep, alsoKeep: [name, manifest.training.bestCheckpoint].compactMap { $0 })
        }
        observer?.checkpointSaved(path: path, reason: reason)
    }
}
