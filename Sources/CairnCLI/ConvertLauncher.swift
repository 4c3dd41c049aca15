import ArgumentParser
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// What `cairn-convert` does once its arguments are parsed.
public enum ConvertLauncher {
    /// Converts `input` to `output` and prints what was done (text or `--json`); notices go to stderr.
    public static func convert(
        input: String, output: String, options: ConversionOptions, modelPath: String?,
        force: Bool, json: Bool, quiet: Bool
    ) throws {
        var options = options
        options.replacesExisting = force
        if let modelPath { options.graph = try loadGraph(modelPath) }
        if !force && FileManager.default.fileExists(atPath: output) {
            throw CairnError(path: output, kind: .invalidArgument("already exists (give --force to replace it)"))
        }
        let report = try Converter.convert(input: input, output: output, options: options)
        for notice in report.notices { printError("cairn-convert: notice: \(notice)") }
        if json {
            print(try ReportJSON.text(report), terminator: "")
        } else if !quiet {
            let graph = report.graph.map { ", graph \($0)" } ?? ""
            let skipped = report.skipped > 0 ? " (\(report.skipped) non-parameter tensors left out)" : ""
            print(
                "wrote \(output): \(report.tensors) tensors\(skipped), \(report.bytes) bytes of data, \(report.outputBytes)-byte file "
                    + "(\(report.inputFormat.rawValue) -> \(report.outputFormat.rawValue)\(graph)) in \(format(report.seconds, 2)) s"
            )
        }
    }

    /// Reads a `--model` graph file; errors name the file.
    static func loadGraph(_ path: String) throws -> GraphSpec {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileManager.default.fileExists(atPath: path)
                ? CairnError(.io, path: path, "I/O error: cannot read", cause: error)
                : CairnError(path: path, kind: .notFound)
        }
        do {
            return try JSONDecoder().decode(GraphSpec.self, from: data)
        } catch let error as DecodingError {
            throw CairnError(.invalidGraph, path: path, "not a graph", cause: error)
        }
    }
}
