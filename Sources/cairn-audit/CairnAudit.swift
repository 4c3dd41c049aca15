import ArgumentParser
import CairnAudit
import CairnCLI
import CairnModel

@main
struct CairnAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-audit",
        abstract: "Find symmetric units and other initialisation faults in a model, explain them, repair them.",
        discussion: """
            Groups the units of every dense layer, and the filters of every convolution, whose incoming weights and \
            bias are identical (or equal within --tolerance): "locked" when their outgoing weights are equal too \
            (gradient descent can never separate them), "duplicate" otherwise. Flags constant-initialised weights, \
            NaN and infinite values, and weight scales \
            more than 3x away from both the He and the Xavier expectation in a checkpoint taken before any training step. \
            One forward and backward pass over --data (or standard-normal probes) gives per-layer activation statistics, \
            dead or saturated units and gradient norms. --repair OUT.cairn writes a checkpoint that computes the same \
            function with the symmetry broken (with --tolerance, to within what the tolerance lets differ). \
            Inputs: .cairn, .safetensors, sharded model.safetensors.index.json, .npz. --data uses its first 1024 rows. \
            Exit status: 0 no findings; 1 findings (of the audited file, also with --repair); 2 unreadable file or \
            bad data; 64 usage.
            """)

    @Argument(help: "The model: .cairn, .safetensors, model.safetensors.index.json or .npz.")
    var checkpoint: String

    @Option(
        help: ArgumentHelp(
            "Group units whose rows differ by at most this in every element (0: identical).",
            valueName: "x"))
    var tolerance = "0"

    @Option(
        help: ArgumentHelp(
            "Rows for the forward and backward pass (CSV with the model's label column, "
                + "or NPY/IDX features).",
            valueName: "file"))
    var data: String?

    @Option(
        help: ArgumentHelp(
            "The run's init.cairn: tells symmetry there from the start from units that "
                + "collapsed later.",
            valueName: "file"))
    var baseline: String?

    @Option(
        help: ArgumentHelp(
            "Write a repaired checkpoint (same function, symmetry broken) to this new file.",
            valueName: "out.cairn"))
    var repair: String?

    @Option(
        help: ArgumentHelp(
            "Without a usable graph: glob patterns of the 2-D weights that form a chain, in order "
                + "(comma-separated, e.g. 'encoder.*.weight,head.weight'); each feeds the next.",
            valueName: "patterns"))
    var layers: String?

    @Option(
        help: ArgumentHelp(
            "The activation between inferred or --layers layers (for He's gain): "
                + NodeKind.activationNames + ".",
            valueName: "kind"))
    var activation = "relu"

    @Option(help: "Seed of the probes, random targets and the repair's fresh weights.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-signal"), help: "Skip the forward and backward pass (weights only).")
    var noSignal = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if AuditLauncher.parseTolerance(tolerance) == nil { throw ValidationError("--tolerance takes a number >= 0") }
        if noSignal && data != nil { throw ValidationError("--no-signal and --data are exclusive") }
        if AuditLauncher.parseActivation(activation) == nil {
            throw ValidationError("--activation takes \(NodeKind.activationChoices)")
        }
        if let layers, AuditLauncher.parsePatterns(layers).isEmpty {
            throw ValidationError("--layers needs at least one pattern")
        }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-audit") {
            var configuration = Audit.Configuration(path: checkpoint)
            configuration.tolerance = AuditLauncher.parseTolerance(tolerance) ?? 0
            configuration.data = data
            configuration.baseline = baseline
            configuration.repair = repair
            configuration.seed = seed
            configuration.signal = !noSignal
            configuration.layers = layers.map(AuditLauncher.parsePatterns) ?? []
            configuration.activation = AuditLauncher.parseActivation(activation) ?? .relu
            try AuditLauncher.run(configuration, json: json)
        }
    }
}
