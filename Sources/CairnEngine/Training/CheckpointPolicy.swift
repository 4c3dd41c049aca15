/// Where and when a run writes checkpoints.
public struct CheckpointPolicy: Sendable {
    /// The run folder (created if missing).
    public var directory: String
    /// Save after every this many epochs (0: only at the end).
    public var everyEpochs: Int
    /// Save after every this many optimiser steps (0: never by steps).
    public var everySteps: Int
    /// Keep this many newest periodic checkpoints, plus the best by validation loss (0: keep all).
    public var keep: Int

    public init(directory: String, everyEpochs: Int = 1, everySteps: Int = 0, keep: Int = 3) {
        self.directory = directory
        self.everyEpochs = everyEpochs
        self.everySteps = everySteps
        self.keep = keep
    }

    /// The checkpoint written before step 0.
    public static let initialName = "init.cairn"
    /// The link that always names the newest complete checkpoint.
    public static let latestName = "latest.cairn"
    /// The link that names the checkpoint with the best validation loss.
    public static let bestName = "best.cairn"

    /// `epoch-0003.cairn` at the end of epoch 3; `epoch-0003-step-00000140.cairn` for a save at global
    /// step 140 while epoch 4 is in progress (3 complete).
    public static func fileName(completedEpochs: Int, globalStep: Int, midEpoch: Bool) -> String {
        let epoch = pad(completedEpochs, 4)
        return midEpoch ? "epoch-\(epoch)-step-\(pad(globalStep, 8)).cairn" : "epoch-\(epoch).cairn"
    }

    /// The sort key of a periodic checkpoint name (newer is larger), nil for other names.
    public static func order(ofFileName name: String) -> (Int, Int)? {
        guard name.hasPrefix("epoch-"), name.hasSuffix(".cairn") else { return nil }
        let body = name.dropFirst("epoch-".count).dropLast(".cairn".count)
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, let epoch = Int(parts[0]) { return (epoch, 0) }
        if parts.count == 3, parts[1] == "step", let epoch = Int(parts[0]), let step = Int(parts[2]) {
            return (epoch, step)
        }
        return nil
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
