import CairnEngine
import Foundation

extension RunData: CustomStringConvertible {
    /// The run's first line: what data it uses and how it is preprocessed.
    public var description: String {
        var what = "\(train.count) training + \(validation?.count ?? 0) validation samples, \(loaded.width) features"
        if !loaded.hasFlatSamples { what += " as \(loaded.sampleShape.map(String.init).joined(separator: "x"))" }
        if case .labels = train.targets {
            what += ", \(record.outputs) classes"
        } else {
            what += ", \(record.outputs) target\(record.outputs == 1 ? "" : "s")"
        }
        var line = "data: \(displayPath(loaded.source)) (\(what)); preprocessing: \(preprocessing.summary)"
        if let preprocessingSource { line += " (from \(displayPath(preprocessingSource)))" }
        return line
    }

    /// A path relative to the working directory when it is inside it.
    private func displayPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let here = FileManager.default.currentDirectoryPath + "/"
        return absolute.hasPrefix(here) ? String(absolute.dropFirst(here.count)) : path
    }
}
