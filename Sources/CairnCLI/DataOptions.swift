import ArgumentParser
import CairnEngine
import CairnModel
import Foundation

/// The data flags shared by `cairn-train`, `cairn-resume` and `cairn-eval`.
public struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Training data: CSV, IDX images (with --labels) or NPY (with --labels). Default: the bundled digits fixture.")
    public var data: String?

    @Option(help: "Labels for IDX or NPY data.")
    public var labels: String?

    @Option(name: .customLong("label-column"), help: "CSV target column(s): a name or 0-based index; comma-separated for several regression targets. Default: a column named 'label', else the first.")
    public var labelColumn: String?

    @Option(help: "classification or regression.")
    public var task: TrainingTask?

    @Option(help: "Multiply every feature by X before anything else.")
    public var scale: Float?

    @Flag(help: "Standardise each feature to zero mean and unit variance (fitted on the training samples).")
    public var standardize = false

    @Option(help: "Validation data file (same format as --data).")
    public var val: String?

    @Option(name: .customLong("val-labels"), help: "Labels for IDX or NPY validation data.")
    public var valLabels: String?

    @Option(name: .customLong("val-split"), help: "Fraction of the training data held out for validation, stratified and seeded (0: train on every sample). Default 0.2 when there is no --val.")
    public var valSplit: Double?

    public init() {}

    public mutating func validate() throws {
        if let valSplit, !(valSplit >= 0 && valSplit < 1) {
            throw ValidationError("--val-split must be in [0, 1), got \(valSplit)")
        }
        if val != nil, let valSplit, valSplit > 0 {
            throw ValidationError("give either --val or --val-split, not both")
        }
        if let scale, !scale.isFinite || scale == 0 {
            throw ValidationError("--scale must be a finite non-zero number")
        }
    }
}

extension TrainingTask: ExpressibleByArgument {}

/// Loads the data file(s) named by a path pair, choosing the reader by file name.
public enum DataFiles {
    /// The bundled digits CSV: found beside the working directory, the executable, or the source tree.
    public static func bundledDigits() -> String? {
        let relative = "Fixtures/datasets/digits.csv"
        var candidates = [relative]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relative).path)
            folder = folder.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent(relative).path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Loads a dataset: `.idx`/`-ubyte` and `.npy` need `labels`; anything else is read as CSV.
    public static func load(_ path: String, labels: String?, labelColumn: String?, task: TrainingTask) throws -> Dataset {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") {
            guard let labels else { throw DataError(path: path, "NPY data needs --labels FILE.npy") }
            guard task == .classification else { throw DataError(path: path, "NPY data is supported for classification; use CSV for regression") }
            return try NPYLoader.load(features: path, labels: labels)
        }
        if lower.hasSuffix(".idx") || lower.hasSuffix("-ubyte") || lower.contains(".idx") {
            guard let labels else { throw DataError(path: path, "IDX data needs --labels FILE") }
            guard task == .classification else { throw DataError(path: path, "IDX data is for classification") }
            return try IDXLoader.load(images: path, labels: labels)
        }
        return try CSVLoader(labelColumn: labelColumn, task: task).load(path: path)
    }
}
