import ArgumentParser
import CairnCLI
import CairnInspect
import CairnModel

@main
struct CairnDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-diff",
        abstract: "Show what changed between two checkpoints: graph, training state and every tensor.",
        discussion: """
            A and B may be .cairn, .safetensors, a sharded Hugging Face checkpoint (model.safetensors.index.json) or .npz, \
            mixed. Tensors stream chunk by chunk on all cores; .cairn chunks with equal stored lengths and CRCs are known \
            equal without being inflated. Two values are equal when |a - b| <= atol + rtol * |b| (NumPy's allclose; \
            defaults 0 and 0: exact). By default parameters and the graph are compared; --all adds optimiser slots and \
            buffers and makes the training state count; --strict makes metadata, timestamps and history count. \
            Exit status: 0 identical within tolerance; 1 different; 2 unreadable or damaged file; 64 usage.
            """)

    @Argument(
        help:
            "The first file (the reference: rtol is relative to B's values, as in NumPy, but statistics are relative to A)."
    )
    var a: String

    @Argument(help: "The second file.")
    var b: String

    @Option(help: "Absolute tolerance (NumPy's atol).")
    var atol = 0.0

    @Option(help: "Relative tolerance (NumPy's rtol), relative to B's values.")
    var rtol = 0.0

    @Flag(name: .customLong("equal-nan"), help: "Count NaN as equal to NaN.")
    var equalNaN = false

    @Flag(help: "Also compare optimiser slots and buffers; the training state counts towards the exit status.")
    var all = false

    @Flag(help: "Metadata, timestamps and history count towards the exit status too.")
    var strict = false

    @Flag(help: "Per dense or convolution weight, the units (rows, filters) whose incoming weights moved most.")
    var neurons = false

    @Flag(
        name: .customLong("match-neurons"),
        help: "Align B's hidden units (or filters) to A's (weight matching) and report the residual.")
    var matchNeurons = false

    @Option(help: "Rows of the tensor table, and units per weight with --neurons.")
    var top = 20

    @Option(
        help:
            "Activation assumed between dense layers of a graph inferred from tensor names (\(NodeKind.activationNames))."
    )
    var activation = "relu"

    private var activationKind: NodeKind? {
        NodeKind.activation(named: activation)
    }

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        if !atol.isFinite || atol < 0 { throw ValidationError("--atol must be a finite number >= 0") }
        if !rtol.isFinite || rtol < 0 { throw ValidationError("--rtol must be a finite number >= 0") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if activationKind == nil {
            throw ValidationError("--activation must be \(NodeKind.activationChoices)")
        }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-diff") {
            let options = DiffOptions(
                tolerance: DiffTolerance(absolute: atol, relative: rtol, equalNaN: equalNaN), includeAll: all,
                strict: strict, neurons: neurons, matchNeurons: matchNeurons, top: top)
            let status = try DiffLauncher.run(
                .init(a: a, b: b, options: options, top: top, json: json, activation: activationKind ?? .relu))
            if status != .ok { throw ExitCode(status.rawValue) }
        }
    }
}
