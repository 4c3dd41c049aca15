import ArgumentParser
import CairnEngine
import CairnModel
import CairnTraining
import Foundation

/// The data flags shared by `cairn-train`, `cairn-resume` and `cairn-eval`.
public struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data"),
        help:
            "Training data: CSV, IDX images (with --labels) or NPY (with --labels). Default: the bundled digits, Fixtures/datasets/digits.csv (features x 1/16, from its digits.csv.preprocessing.json)."
    )
    public var data: String?

    @Option(help: "Labels for IDX or NPY data (a CSV holds its own: --label-column).")
    public var labels: String?

    @Option(
        name: .customLong("label-column"),
        help:
            "CSV target column(s): a name or 0-based index; comma-separated for several regression targets. Default: a column named 'label', else the first."
    )
    public var labelColumn: String?

    @Option(help: "CSV cell separator: ',' ';' or tab. Default ','.")
    public var delimiter: CSVDelimiter?

    @Option(help: "classification or regression. Default classification (--init-from: the source's task).")
    public var task: TrainingTask?

    @Option(
        parsing: .unconditional,
        help:
            "Classification: the number of classes, labels 0 to N-1. Default: the largest training label + 1 (classes without training samples are named in a notice)."
    )
    public var classes: Int?

    @Option(
        parsing: .unconditional,
        help:
            "Multiply every feature by X before anything else. Default: the data file's <file>.preprocessing.json 'scale', else 1."
    )
    public var scale: Float?

    @Flag(
        help:
            "Standardise each feature to zero mean and unit variance (fitted on the training samples). Regression targets are always standardised (undone in every loss, R^2 and prediction)."
    )
    public var standardize = false

    @Option(help: "Validation data file (same format as --data).")
    public var val: String?

    @Option(name: .customLong("val-labels"), help: "Labels for IDX or NPY validation data.")
    public var valLabels: String?

    @Option(
        name: .customLong("val-split"), parsing: .unconditional,
        help:
            "Fraction of the training data held out for validation, stratified and seeded (0: train on every sample). Default 0.2 when there is no --val."
    )
    public var valSplit: Double?

    @Option(
        name: .customLong("input-shape"),
        help: ArgumentHelp(
            "Read each sample as this shape: CxHxW images (1x8x8), CxL sequences (1x40) or N features; the product must be the values per row. NPY/IDX data that carries a shape must agree. Default: the file's own ([N, H, W] IDX: 1xHxW).",
            valueName: "shape"))
    public var inputShape: String?

    public init() {}

    /// Ranges and how the values fit together are `RunDataRequest.validate`'s; the checks here are about the
    /// files' kinds and the flags' texts.
    public mutating func validate() throws {
        try reportingConfigurationErrorsAsUsage { try request.validate(task: task) }
        if let labels, let data, DataFiles.isCSV(data) {
            throw ValidationError(
                "--labels \(labels): a CSV file (\(data)) holds its own labels; name the column with --label-column")
        }
        if let valLabels, let val, DataFiles.isCSV(val) {
            throw ValidationError(
                "--val-labels \(valLabels): a CSV file (\(val)) holds its own labels; name the column with --label-column"
            )
        }
        _ = try parsedInputShape()
        if let delimiter, delimiter != .comma, let data, !DataFiles.isCSV(data) {
            throw ValidationError("--delimiter applies to CSV data, not \(data)")
        }
    }
}

/// `--delimiter`: the byte between CSV cells.
public enum CSVDelimiter: String, ExpressibleByArgument, CaseIterable, Sendable {
    case comma = ","
    case semicolon = ";"
    case tab

    public init?(argument: String) {
        switch argument {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "tab", "\t", "\\t": self = .tab
        default: return nil
        }
    }

    public static var allValueStrings: [String] { [",", ";", "tab"] }

    /// The separator byte.
    public var byte: UInt8 {
        switch self {
        case .comma: return UInt8(ascii: ",")
        case .semicolon: return UInt8(ascii: ";")
        case .tab: return UInt8(ascii: "\t")
        }
    }

    /// How a checkpoint records it (`DataRecord.delimiter`): nil for a comma.
    public var recorded: String? { self == .comma ? nil : (self == .tab ? "\t" : rawValue) }

    /// The delimiter a checkpoint recorded.
    public init(recorded: String?) {
        switch recorded {
        case ";": self = .semicolon
        case "\t": self = .tab
        default: self = .comma
        }
    }
}

extension TrainingTask: ExpressibleByArgument {}
