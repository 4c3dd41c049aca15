import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// `cairn-audit`'s core: the weight audit (symmetric units, constant tensors, non-finite values, scale), the
/// signal statistics of one forward and backward pass, and the repair.
public enum Audit {
    /// What to audit and how: the command's flags as plain values.
    public struct Configuration: Sendable {
        public var path: String
        public var tolerance: Float = 0
        /// `--data`: rows for the forward/backward pass; nil: standard-normal probes (when `signal` is on).
        public var data: String?
        /// Whether to run the forward/backward pass at all (on by default whenever the model has a graph).
        public var signal = true
        public var baseline: String?
        public var repair: String?
        public var seed: UInt64 = 0
        /// Threads for hashing rows and for the forward/backward pass (default: one per processor).
        public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// The activation assumed between layers of a model whose graph is inferred (or of a `layers` chain).
        public var activation: NodeKind = .relu
        /// `--layers`: glob patterns of the 2-D weights that form a chain, for files without a usable graph.
        public var layers: [String] = []
        /// Probes run by themselves only on models with at most this many parameters (the pass holds the whole
        /// model); `data` runs it whatever the size.
        public var probeParameterLimit = 50_000_000

        public init(path: String) {
            self.path = path
        }
    }

    /// Audits the file; with `repair`, writes the repaired checkpoint and audits it again (its result in
    /// `report.repair`). The report's findings decide the exit status (of the input file, not the repair).
    public static func run(_ configuration: Configuration) throws -> AuditReport {
        let model = try ModelInput.open(configuration.path, activation: configuration.activation)
        let baseline = try configuration.baseline.map {
            try ModelInput.open($0, activation: configuration.activation).input
        }
        var options = WeightAudit.Options(tolerance: configuration.tolerance, threads: configuration.threads)
        options.chain = configuration.layers
        options.chainActivation = configuration.activation
        var report = try WeightAudit.run(model.input, options: options, baseline: baseline)
        let parameters = model.input.entries.filter { $0.role == .parameter }.reduce(0) { $0 + $1.elementCount }
        if configuration.signal && configuration.data == nil && parameters > configuration.probeParameterLimit {
            report.notes.append(
                "no forward/backward pass: the model has \(parameters) parameters (it would be held "
                    + "in memory whole); --data FILE runs it anyway")
        } else if configuration.signal || configuration.data != nil {
            if let graph = model.input.graph {
                try SignalPropagation.measure(
                    &report, input: model.input, graph: graph, manifest: model.manifest,
                    data: configuration.data, seed: configuration.seed,
                    threads: configuration.threads)
            } else if configuration.data != nil {
                throw CairnError(
                    .invalidGraph, path: configuration.path,
                    "has no layer graph (none recorded, none inferred), so --data cannot run through it")
            }
        }
        if let out = configuration.repair {
            report.repair = try repair(configuration.path, report: report, to: out, seed: configuration.seed)
        }
        return report
    }

    /// The audit `cairn-train` runs on its initial weights before step 0: weights and scale only (no data
    /// pass), with the network's graph.
    public static func initialWeights(of network: Network, threads: Int = 2) throws -> AuditReport {
        let tensors = network.parameters.map { (name: $0.name, shape: $0.shape, values: $0.values) }
        let input = AuditInput.memory(
            description: "initial weights", graph: network.graph, beforeTraining: true,
            tensors: tensors)
        return try WeightAudit.run(input, options: WeightAudit.Options(threads: threads))
    }

    static func repair(_ path: String, report: AuditReport, to out: String, seed: UInt64) throws -> RepairSummary {
        let resolved = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        guard resolved(out) != resolved(path) else {
            throw CairnError(
                .invalidArgument, path: out, "--repair must write a new file, not overwrite the checkpoint it repairs")
        }
        guard report.format == "cairn" else {
            throw CairnError.checkpoint(
                path: path,
                "--repair needs a Cairn training checkpoint (convert it with cairn-convert first)")
        }
        let checkpoint = try Checkpoint.load(from: path)
        let outcome = try UnitRepair.repair(checkpoint, report: report, path: path, seed: seed)
        try outcome.checkpoint.save(to: out)
        return RepairSummary(output: out, reinitializedUnits: outcome.reinitialized, skipped: outcome.skipped)
    }
}
