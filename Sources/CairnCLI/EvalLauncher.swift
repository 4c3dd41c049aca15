import ArgumentParser
import CairnEngine
import CairnEvaluation
import CairnFormat
import CairnModel
import Foundation

/// Maps `cairn-eval`'s flags to an `EvaluationConfiguration`, runs it, prints the report, writes the
/// requested files and decides the exit status.
public enum EvalLauncher {
    /// Runs the evaluation; throws `ExitCode(1)` when a gate (`--min-accuracy`, `--max-rmse`) fails.
    public static func run(
        checkpoints: [String], data: DataOptions, options: EvalOptions, graphPath: String?,
        activation: NodeKind
    ) throws {
        var configuration = EvaluationConfiguration(checkpoints: checkpoints)
        configuration.data = data.data
        configuration.labels = data.labels
        configuration.labelColumn = data.labelColumn
        configuration.delimiter = data.delimiter?.byte
        configuration.scale = data.scale
        configuration.inputShape = try data.parsedInputShape()
        configuration.split = options.split ?? .val
        configuration.topK = options.topK
        configuration.worst = options.worst ?? 0
        configuration.bootstrap = options.bootstrap
        configuration.seed = options.seed
        configuration.alpha = options.alpha
        configuration.batchSize = options.batchSize
        configuration.threads = options.threads
        configuration.model.activation = activation
        if let graphPath { configuration.model.graph = try ConvertLauncher.loadGraph(graphPath) }
        configuration.classificationOptions = [
            options.topK.map { _ in "--top-k" }, options.worst.map { _ in "--worst" },
            options.minAccuracy.map { _ in "--min-accuracy" }, options.reliabilitySVG.map { _ in "--reliability-svg" },
        ].compactMap { $0 }
        configuration.regressionOptions = options.maxRMSE == nil ? [] : ["--max-rmse"]

        let progress = EvalProgress(enabled: !options.quiet && isatty(STDERR_FILENO) == 1)
        let result: EvaluationResult
        do {
            result = try Evaluator.evaluate(configuration, progress: progress.update)
        } catch let error as CairnError where error.code == .invalidConfiguration {
            progress.finish()
            throw ValidationError(error.description)
        }
        progress.finish()

        if let path = options.predictions { try PredictionsFile.write(result, to: path) }
        if let path = options.reliabilitySVG { try writeReliability(result.report.primary, to: path) }

        if options.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(result.report), as: UTF8.self))
        } else {
            let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(EvalText(report: result.report, colour: colour).lines().joined(separator: "\n"))
        }
        try gate(result.report, options: options)
    }

    /// Exit 1 when a gated checkpoint falls short: every checkpoint given, or the best of a run folder.
    static func gate(_ report: EvaluationReport, options: EvalOptions) throws {
        let gated = report.checkpoints == nil ? report.models : [report.primary]
        var failed = false
        for model in gated {
            if let minimum = options.minAccuracy, let accuracy = model.accuracy, accuracy < minimum {
                printError(
                    "cairn-eval: \(model.checkpoint): accuracy \(String(format: "%.4f", accuracy)) is below --min-accuracy \(minimum)"
                )
                failed = true
            }
            if let maximum = options.maxRMSE, let rmse = model.rmse, !(rmse <= maximum) {
                printError(
                    "cairn-eval: \(model.checkpoint): RMSE \(String(format: "%.6g", rmse)) is above --max-rmse \(maximum)"
                )
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.found.rawValue) }
    }

    static func writeReliability(_ model: ModelReport, to path: String) throws {
        let svg = ReliabilityDiagram.svg(
            bins: model.reliability ?? [],
            title: "Reliability: \(URL(fileURLWithPath: model.checkpoint).lastPathComponent)",
            ece: model.ece ?? .nan, mce: model.mce ?? .nan)
        let output = try AtomicOutputFile(path: path)
        do {
            try output.write(Array(svg.utf8))
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }
}

/// Progress on standard error, shown once scoring has taken more than a second (terminal only).
final class EvalProgress {
    private let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(checkpoint: Int, of total: Int, done: Int, samples: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(started) > 1, now.timeIntervalSince(lastDraw) > 0.1 || done == samples else {
            return
        }
        lastDraw = now
        drawn = true
        let which = total > 1 ? "checkpoint \(checkpoint + 1)/\(total): " : ""
        FileHandle.standardError.write(Data("\r\u{1B}[2Kscoring \(which)\(done)/\(samples) samples".utf8))
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
