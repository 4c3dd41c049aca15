import ArgumentParser
import CairnCLI

@main
struct CairnInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-inspect",
        abstract: "Show what is inside a .cairn file, verify it, or extract a tensor.",
        discussion: """
            Without options: format version, creator, the layer graph with parameter counts, every tensor (dtype, \
            shape, raw and stored size, compression ratio), metadata, training state and the history as sparklines. \
            Works on any .cairn container; a manifest that is not a training checkpoint is shown as such. \
            --tensor NAME --npy OUT.npy writes the tensor for NumPy (dtype kept; bf16, which NumPy lacks, as raw <u2 bits). \
            Exit status: 0 ok; 1 --verify found damage (a file that cannot be opened as .cairn included); 2 missing or unreadable file, I/O error; 64 usage.
            """)

    @Argument(help: "The .cairn file.")
    var file: String

    @Flag(help: "Check every chunk's checksums and every structural rule; exit 1 if anything is damaged.")
    var verify = false

    @Option(help: ArgumentHelp("Show statistics and values of one tensor.", valueName: "name"))
    var tensor: String?

    @Option(help: ArgumentHelp("With --tensor: the flat (row-major) element range to print.", valueName: "start:end"))
    var slice = "0:16"

    @Option(help: ArgumentHelp("With --tensor: also write the tensor as a NumPy .npy file.", valueName: "out.npy"))
    var npy: String?

    @Option(help: "Print the layer graph as Graphviz DOT or a standalone SVG.")
    var graph: InspectLauncher.GraphFormat?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(
        name: .customLong("chart-width"), parsing: .unconditional,
        help: "Most characters of a history sparkline, 1 or more. Default 40.")
    var chartWidth = 40

    func validate() throws {
        let modes = [verify, tensor != nil, graph != nil].filter { $0 }.count
        if modes > 1 { throw ValidationError("--verify, --tensor and --graph are exclusive") }
        if npy != nil && tensor == nil { throw ValidationError("--npy needs --tensor NAME") }
        if InspectLauncher.parseSlice(slice) == nil {
            throw ValidationError("--slice takes START:END with 0 <= START <= END")
        }
        if chartWidth < 1 { throw ValidationError("--chart-width \(chartWidth): must be 1 or more") }
    }

    func run() throws {
        try runReportingErrors(tool: "cairn-inspect") {
            if verify {
                try InspectLauncher.verify(path: file, json: json)
            } else if let tensor {
                try InspectLauncher.tensor(
                    path: file, name: tensor, slice: InspectLauncher.parseSlice(slice)!, npyPath: npy, json: json)
            } else if let graph {
                try InspectLauncher.graph(path: file, format: graph, json: json)
            } else {
                try InspectLauncher.summary(path: file, json: json, chartWidth: chartWidth)
            }
        }
    }
}
