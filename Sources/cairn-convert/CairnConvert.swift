import ArgumentParser
import CairnCLI
import CairnInspect
import CairnModel

extension NodeKind: ExpressibleByArgument {
    /// The kinds `--activation` accepts.
    public static var allValueStrings: [String] { [relu, leakyRelu, tanh, sigmoid, identity].map(\.rawValue) }
}

@main
struct CairnConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-convert",
        abstract: "Convert checkpoints between .cairn, .safetensors and .npz (chosen by extension).",
        discussion: """
            Tensors stream one at a time; dtypes are kept (f16 and bf16 bit for bit; in .npz, bf16 is stored as raw \
            <u2 bits and read back as bf16). Export (.cairn -> .safetensors/.npz) writes all tensors unless \
            --parameters-only; .safetensors gets the graph, task, creator and metadata as strings in __metadata__ \
            (plus cairn_manifest and cairn_roles, so importing it back restores the file). Import (-> .cairn): roles \
            by name (*.momentum, *.adam_m, *.adam_v: optimizer; the rest: parameter); the manifest records \
            creator, created, source, source_format, metadata and, when one is given (--model) or can be inferred \
            (a plain MLP of <node>.weight [out, in] / <node>.bias [out] pairs chained by shape in natural name order), \
            the graph and task. Imported files carry no training state: cairn-resume refuses them. \
            Exit status: 0 done; 2 unreadable or malformed input, I/O error (no output left behind); 64 usage.
            """)

    @Argument(help: "The input file (.cairn, .safetensors or .npz).")
    var input: String

    @Argument(help: "The output file (.cairn, .safetensors or .npz).")
    var output: String

    @Flag(
        name: .customLong("parameters-only"), help: "Export only tensors of role parameter (to .safetensors or .npz).")
    var parametersOnly = false

    @Option(
        help: ArgumentHelp(
            "Import: the layer graph (JSON, Formats/graph-v1.schema.json) to record instead of inferring one.",
            valueName: "graph.json"))
    var model: String?

    @Option(help: "Import: the activation between the dense layers of an inferred MLP.")
    var activation: NodeKind = .relu

    @Option(help: "Import: classification (an inferred MLP ends in softmax) or regression (no softmax).")
    var task: TrainingTask?

    @Flag(help: "npz output: write ZIP64 records even when the archive does not need them (for testing readers).")
    var zip64 = false

    @Flag(help: "Replace OUTPUT if it exists.")
    var force = false

    @Flag(help: "Print one JSON object describing the conversion.")
    var json = false

    @Flag(help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        guard let inputFormat = TensorFileFormat(path: input) else {
            throw ValidationError("cannot tell the format of '\(input)' (use .cairn, .safetensors or .npz)")
        }
        guard let outputFormat = TensorFileFormat(path: output) else {
            throw ValidationError("cannot tell the format of '\(output)' (use .cairn, .safetensors or .npz)")
        }
        if parametersOnly && outputFormat == .cairn {
            throw ValidationError("--parameters-only applies to .safetensors and .npz output")
        }
        if (model != nil || task != nil) && outputFormat != .cairn {
            throw ValidationError("--model and --task apply when writing .cairn")
        }
        if model != nil && inputFormat == .cairn {
            throw ValidationError("--model applies when importing .safetensors or .npz")
        }
        if !NodeKind.activations.contains(activation) {
            throw ValidationError("--activation must be \(NodeKind.activationChoices)")
        }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-convert") {
            var options = ConversionOptions()
            options.parametersOnly = parametersOnly
            options.activation = activation
            options.task = task
            options.forceZip64 = zip64
            try ConvertLauncher.convert(
                input: input, output: output, options: options, modelPath: model,
                force: force, json: json, quiet: quiet)
        }
    }
}
