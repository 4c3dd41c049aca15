import ArgumentParser
import CairnInspect
import CairnModel
import Foundation

/// What `cairn-diff` does once its arguments are parsed: opens both files, compares them, prints the
/// table (or `--json`) on standard output and returns the exit status (0 identical within tolerance,
/// 1 different). Unreadable or damaged files throw (exit 2, one line naming file, tensor and chunk).
public enum DiffLauncher {
    /// The flags, mapped to library options.
    public struct Request: Sendable {
        public var a: String
        public var b: String
        public var options: DiffOptions
        public var top: Int
        public var json: Bool
        public var activation: NodeKind

        public init(a: String, b: String, options: DiffOptions, top: Int, json: Bool, activation: NodeKind = .relu) {
            self.a = a
            self.b = b
            self.options = options
            self.top = top
            self.json = json
            self.activation = activation
        }
    }

    /// Runs the comparison and prints it; the exit status to end with.
    public static func run(_ request: Request) throws -> ExitStatus {
        var modelOptions = ModelFile.Options()
        modelOptions.activation = request.activation
        let a = try DiffInput.open(request.a, options: modelOptions)
        let b = try DiffInput.open(request.b, options: modelOptions)
        let report = try CheckpointDiff.compare(a, b, options: request.options)
        print(request.json ? try ReportJSON.text(report) : report.text(top: request.top), terminator: "")
        return report.identical ? .ok : .found
    }
}
