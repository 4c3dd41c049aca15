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
