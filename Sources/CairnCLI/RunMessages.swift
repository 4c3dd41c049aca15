import CairnEngine
import CairnInspect
import CairnTraining

/// Prints what a run says while it is set up, on standard error: the data line (not with `--quiet`),
/// `notice:` lines, the audit of the initial weights, and with `--verbose` the BLAS library, data, model and
/// run folder.
final class RunMessages: RunObserver {
    private let quiet: Bool
    private let verbose: Bool

    init(quiet: Bool, verbose: Bool) {
        self.quiet = quiet
        self.verbose = verbose
    }

    func dataLoaded(_ data: RunData) {
        if !quiet { printError(data.description) }
    }

    func notice(_ text: String) {
        printError("notice: \(text)")
    }

    func initialWeightsAudited(_ result: Result<AuditReport, any Error>) {
        AuditLauncher.reportInitialAudit(result, quiet: quiet)
    }

    func prepared(_ run: TrainingRun) {
        guard verbose else { return }
        let data = run.data, network = run.trainer.network
        printError("blas: \(run.blas)")
        printError(
            "data: \(data.record.train.joined(separator: ", ")): \(data.train.count) training, \(data.validation?.count ?? 0) validation samples, \(data.loaded.width) features, fingerprint \(data.record.fingerprint)"
        )
        printError(
            "model: \(run.graph.nodes.map { $0.name }.joined(separator: " -> ")), \(network.parameters.reduce(0) { $0 + $1.values.count }) parameters"
        )
        printError("run folder: \(run.directory)")
    }
}
