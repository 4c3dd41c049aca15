import Foundation

/// What `CheckpointDiff` compares and how (the flags of `cairn-diff`).
public struct DiffOptions: Sendable, Equatable {
    public var tolerance = DiffTolerance()
    /// `--all`: optimiser slots and buffers too, and the training state counts towards the verdict.
    public var includeAll = false
    /// `--strict`: metadata, timestamps and history count towards the verdict too.
    public var strict = false
    /// `--neurons`: per dense weight, the units that moved most (`top` of them).
    public var neurons = false
    /// `--match-neurons`: align hidden units layer by layer before comparing.
    public var matchNeurons = false
    /// How many units `--neurons` lists per weight.
    public var top = 10
    /// Threads for comparing pieces (default: one per processor).
    public var threads: Int

    public init(
        tolerance: DiffTolerance = DiffTolerance(), includeAll: Bool = false, strict: Bool = false,
        neurons: Bool = false,
        matchNeurons: Bool = false, top: Int = 10, threads: Int? = nil
    ) {
        self.tolerance = tolerance
        self.includeAll = includeAll
        self.strict = strict
        self.neurons = neurons
        self.matchNeurons = matchNeurons
        self.top = top
        self.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}
