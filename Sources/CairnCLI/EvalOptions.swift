import ArgumentParser
import CairnEngine
import CairnEvaluation
import Foundation

extension EvaluationSplit: ExpressibleByArgument {}

/// `cairn-eval`'s flags besides the checkpoints and the data.
public struct EvalOptions: ParsableArguments {
    @Option(help: "Without --data: the part of the checkpoint's recorded data to score (val, train or all).")
    public var split: EvaluationSplit?

    @Option(
        name: .customLong("top-k"),
        help: "Also report top-K accuracy (default: K = 5 when the model has more than 5 classes).")
    public var topK: Int?

    @Option(help: "List the N most confidently wrong samples (index, true, predicted, p).")
    public var worst: Int?

    @Option(help: "Paired-bootstrap resamples for comparisons.")
    public var bootstrap: Int = 2000

    @Option(help: "Seed of the paired bootstrap.")
    public var seed: UInt64 = 0

    @Option(help: "Significance level of a comparison's verdict.")
    public var alpha: Double = 0.05

    @Option(name: .customLong("min-accuracy"), help: "Exit 1 when a checkpoint's accuracy is below X (0 to 1).")
    public var minAccuracy: Double?

    @Option(name: .customLong("max-rmse"), help: "Exit 1 when a checkpoint's RMSE is above X.")
    public var maxRMSE: Double?

    @Option(
        help: ArgumentHelp(
            "Write index, true value, prediction and each class's probability to a CSV file.", valueName: "file.csv"))
    public var predictions: String?

    @Option(
        name: .customLong("reliability-svg"),
        help: ArgumentHelp("Draw the reliability diagram (classification) to an SVG file.", valueName: "file.svg"))
    public var reliabilitySVG: String?

    @Option(
        name: .customLong("batch-size"),
        help: "Rows per inference batch (default: the run's own for its recorded data, else 256).")
    public var batchSize: Int?

    @Option(help: "Threads for inference (default: the run's own for its recorded data, else one per processor).")
    public var threads: Int?

    @Flag(help: "Print one JSON object instead of the report.")
    public var json = false

    @Flag(help: "No progress on standard error.")
    public var quiet = false

    public init() {}

    public mutating func validate() throws {
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        if let worst, worst < 0 { throw ValidationError("--worst must be 0 or more, got \(worst)") }
        guard (1...1_000_000).contains(bootstrap) else {
            throw ValidationError("--bootstrap must be 1 to 1000000, got \(bootstrap)")
        }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, got \(alpha)") }
        if let minAccuracy, !(minAccuracy >= 0 && minAccuracy <= 1) {
            throw ValidationError("--min-accuracy must be between 0 and 1, got \(minAccuracy)")
        }
        if let maxRMSE, !(maxRMSE >= 0 && maxRMSE.isFinite) {
            throw ValidationError("--max-rmse must be a finite number >= 0")
        }
        if let batchSize, !(1...Network.maximumBatch).contains(batchSize) {
            throw ValidationError("--batch-size must be 1 to \(Network.maximumBatch), got \(batchSize)")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be 1 to 256, got \(threads)")
        }
    }
}
