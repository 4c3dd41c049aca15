import ArgumentParser
import CairnCLI
import CairnModel

extension NodeKind: ExpressibleByArgument {
    /// The kinds `--activation` accepts.
    public static var allValueStrings: [String] { [relu, leakyRelu, tanh, sigmoid, identity].map(\.rawValue) }
}

@main
struct CairnEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-eval",
        abstract: "Score checkpoints on held-out data: accuracy, per-class report, calibration, paired A/B tests.",
        discussion: """
            Rebuilds each model from its file (graph and weights; .cairn from cairn-train or cairn-convert, or \
            .safetensors), applies the preprocessing the checkpoint records and runs inference with dropout off. \
            Without --data it scores the run's own validation split (--split train|all for the other parts) and \
            reproduces history.csv's val_loss and val_accuracy for that checkpoint exactly. A run folder scores \
            every checkpoint in it. Several checkpoints are compared pair by pair: exact McNemar test and paired \
            bootstrap intervals. Exit status: 0 done; 1 below --min-accuracy or above --max-rmse; 2 trouble (bad \
            file or data; one line on stderr); 64 usage.
            """)

    @Argument(help: "Checkpoint files (.cairn or .safetensors), or one run folder.")
    var checkpoints: [String]

    @Option(
        help: "Data to score: CSV (with header), IDX or NPY (with --labels). Default: the checkpoint's recorded data.")
    var data: String?

    @Option(help: "Labels for IDX or NPY data.")
    var labels: String?

    @Option(
        name: .customLong("label-column"),
        help: "CSV target column(s). Default: the training data's, else 'label', else the first.")
    var labelColumn: String?

    @Option(help: "CSV cell separator: ',' ';' or tab. Default: the training data's, else ','.")
    var delimiter: CSVDelimiter?

    @Option(help: "Multiply every feature by X first (only for models that record no preprocessing).")
    var scale: Float?

    @Option(
        name: .customLong("input-shape"),
        help: ArgumentHelp(
            "Read each sample of --data as this shape: CxHxW (1x8x8), CxL (1x40) or N.", valueName: "shape"))
    var inputShape: String?

    @Option(
        help: ArgumentHelp(
            "A .safetensors file's layer graph (JSON) when it records none and none can be inferred.",
            valueName: "graph.json"))
    var model: String?

    @Option(help: "The activation between the dense layers of an MLP inferred from a .safetensors file.")
    var activation: NodeKind = .relu

    @OptionGroup(title: "Report")
    var options: EvalOptions

    func validate() throws {
        if data == nil, labels != nil || labelColumn != nil || scale != nil || delimiter != nil || inputShape != nil {
            throw ValidationError("--labels, --label-column, --delimiter, --scale and --input-shape apply with --data")
        }
        var shape = DataOptions()
        shape.inputShape = inputShape
        _ = try shape.parsedInputShape()
        if data != nil, options.split != nil {
            throw ValidationError("--split picks part of the recorded data; it does not apply with --data")
        }
        if let scale, !scale.isFinite || scale == 0 {
            throw ValidationError("--scale must be a finite non-zero number")
        }
        if !NodeKind.activations.contains(activation) {
            throw ValidationError("--activation must be \(NodeKind.activationChoices)")
        }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-eval") {
            var dataOptions = DataOptions()
            dataOptions.data = data
            dataOptions.labels = labels
            dataOptions.labelColumn = labelColumn
            dataOptions.scale = scale
            dataOptions.delimiter = delimiter
            dataOptions.inputShape = inputShape
            try EvalLauncher.run(
                checkpoints: checkpoints, data: dataOptions, options: options, graphPath: model,
                activation: activation)
        }
    }
}
