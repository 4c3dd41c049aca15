import CairnModel
import Foundation

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
        // This file is Sources/CairnEngine/Data/DataFiles.swift: four levels below the repository.
        var source = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { source = source.deletingLastPathComponent() }
        candidates.append(source.appendingPathComponent(relative).path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether `path` is read as CSV (anything not `.npy` or IDX).
    public static func isCSV(_ path: String) -> Bool {
        let lower = path.lowercased()
        return
            !(lower.hasSuffix(".npy") || lower.hasSuffix(".idx") || lower.hasSuffix("-ubyte") || lower.contains(".idx"))
    }

    /// Loads a dataset: `.idx`/`-ubyte` and `.npy` need `labels`; anything else is read as CSV with
    /// `delimiter` between cells. `inputShape` (`--input-shape`) reads each sample as that shape.
    public static func load(
        _ path: String, labels: String?, labelColumn: String?, task: TrainingTask,
        delimiter: UInt8 = UInt8(ascii: ","), inputShape: InputShape? = nil
    ) throws -> Dataset {
        let loaded = try load(path, labels: labels, labelColumn: labelColumn, task: task, delimiter: delimiter)
        return try inputShape?.applied(to: loaded) ?? loaded
    }

    private static func load(
        _ path: String, labels: String?, labelColumn: String?, task: TrainingTask,
        delimiter: UInt8
    ) throws -> Dataset {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") {
            guard let labels else { throw CairnError.data(path: path, "NPY data needs --labels FILE.npy") }
            guard task == .classification else {
                throw CairnError.data(path: path, "NPY data is supported for classification; use CSV for regression")
            }
            return try NPYLoader.load(features: path, labels: labels)
        }
        if !isCSV(path) {
            guard let labels else { throw CairnError.data(path: path, "IDX data needs --labels FILE") }
            guard task == .classification else { throw CairnError.data(path: path, "IDX data is for classification") }
            return try IDXLoader.load(images: path, labels: labels)
        }
        return try CSVLoader(labelColumn: labelColumn, task: task, delimiter: delimiter).load(path: path)
    }
}
