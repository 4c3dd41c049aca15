import CairnModel

/// The file formats `Converter` reads and writes, chosen by file extension.
public enum TensorFileFormat: String, Sendable, Codable, CaseIterable {
    case cairn
    case safetensors
    case npz

    /// The format of a path from its extension (`.cairn`, `.safetensors`, `.npz`), if known.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."),
            let format = TensorFileFormat(rawValue: path[path.index(after: dot)...].lowercased())
        else {
            return nil
        }
        self = format
    }
}

/// What `Converter.convert` does besides copying tensors.
public struct ConversionOptions: Sendable {
    /// Export only tensors of role `parameter` (safetensors and npz output).
    public var parametersOnly = false
    /// The graph to record on import (`--model`); nil to take it from the file's metadata or infer an MLP.
    public var graph: GraphSpec?
    /// The activation between dense layers of an inferred MLP.
    public var activation: NodeKind = .relu
    /// The task of an imported model; nil: classification if the graph ends in softmax, else regression.
    /// `regression` also leaves the softmax off an inferred MLP.
    public var task: TrainingTask?
    /// The `creator` written into an imported file's manifest.
    public var creator = "cairn-convert 0.1.0"
    /// Write ZIP64 records in npz output even when not needed (for tests).
    public var forceZip64 = false
    /// Replace a file already at the output path. When false, a file that appears there while the
    /// conversion runs (another process's) is kept and the conversion fails with `alreadyExists`.
    public var replacesExisting = true

    public init() {}
}

/// What a conversion did, as printed by `cairn-convert` (`--json` keys in parentheses).
public struct ConversionReport: Codable, Sendable, Equatable {
    public var input: String
    public var output: String
    /// (`input_format`, `output_format`)
    public var inputFormat: TensorFileFormat
    public var outputFormat: TensorFileFormat
    /// Tensors written.
    public var tensors: Int
    /// Tensors of the input left out (`--parameters-only`).
    public var skipped: Int
    /// Raw bytes of tensor data written (`bytes`).
    public var bytes: Int64
    /// Size of the output file (`output_bytes`).
    public var outputBytes: Int64
    public var seconds: Double
    /// On import to .cairn: `restored` (the original Cairn manifest came back), `given` (--model),
    /// `metadata` (the graph stored in the input's metadata), `inferred` (MLP), `none`; nil otherwise.
    public var graph: String?
    /// Things the user should know (a graph that could not be inferred, bf16 written as raw bits).
    public var notices: [String]

    private enum CodingKeys: String, CodingKey {
        case input, output, inputFormat = "input_format", outputFormat = "output_format", tensors, skipped, bytes
        case outputBytes = "output_bytes", seconds, graph, notices
    }
}
