import CairnEngine
import CairnInspect

/// Receives what a run has to say while it is set up, besides the training progress of `TrainingObserver`:
/// the data it loaded, notices, the audit of the initial weights, and the prepared run. Library code never
/// prints; a command-line tool prints these, a program may collect them. Every method has an empty default.
/// Called on the calling thread, in this order: `dataLoaded`, `notice`s, `initialWeightsAudited`, `prepared`.
public protocol RunObserver: TrainingObserver {
    /// A fresh run's data is loaded, split and preprocessed (`RunData.description` is its one-line summary).
    func dataLoaded(_ data: RunData)
    /// One line for the user that is neither progress nor an error, e.g. "resuming into a branch folder".
    func notice(_ text: String)
    /// A fresh run audited its initial weights (the same audit as `cairn-audit`), or could not; either
    /// way the run goes on.
    func initialWeightsAudited(_ result: Result<AuditReport, any Error>)
    /// The run is built, before its initial checkpoint (fresh runs) or first step (resumed runs).
    func prepared(_ run: TrainingRun)
}

extension RunObserver {
    public func dataLoaded(_ data: RunData) {}
    public func notice(_ text: String) {}
    public func initialWeightsAudited(_ result: Result<AuditReport, any Error>) {}
    public func prepared(_ run: TrainingRun) {}
}
