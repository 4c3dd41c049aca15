import CairnModel

/// Receives a run's progress. Every method has an empty default, so an observer implements only what
/// it shows. Called on the training thread.
public protocol TrainingObserver: AnyObject {
    /// After each step: 0-based epoch, 1-based batch of `batches`, the batch loss and the epoch's
    /// training throughput so far.
    func batchFinished(epoch: Int, batch: Int, batches: Int, loss: Double, samplesPerSecond: Double)
    /// After each epoch's validation.
    func epochFinished(_ record: EpochRecord, of epochs: Int)
    /// After a checkpoint is on disk.
    func checkpointSaved(path: String, reason: CheckpointReason)
}

extension TrainingObserver {
    public func batchFinished(epoch: Int, batch: Int, batches: Int, loss: Double, samplesPerSecond: Double) {}
    public func epochFinished(_ record: EpochRecord, of epochs: Int) {}
    public func checkpointSaved(path: String, reason: CheckpointReason) {}
}

/// Why a checkpoint was written.
public enum CheckpointReason: String, Sendable {
    /// `best`: an epoch off the `--save-every` schedule whose validation loss is the best so far.
    case initial, epoch, steps, best, final, interrupted
}
