import ArgumentParser
import CairnFormat
import CairnInspect
import Foundation

/// What `cairn-inspect` does once its arguments are parsed: opens the file, builds the report that was
/// asked for and prints it (text or `--json`) on standard output.
public enum InspectLauncher {
    /// The drawing formats of `--graph`.
    public enum GraphFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case dot
        case svg
    }

    /// `--verify`: prints the verdict; exit status 1 when the file is damaged (even unopenable), 2 when it is
    /// missing or cannot be read.
    public static func verify(path: String, json: Bool) throws {
        // A file that is not there, or cannot be read at all, is trouble (2), not damage (1).
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CairnError(path: path, kind: .notFound)
        }
        if isDirectory.boolValue { throw CairnError(path: path, kind: .io("is a directory, not a .cairn file")) }
        if !FileManager.default.isReadableFile(atPath: path) {
            throw CairnError(path: path, kind: .io("cannot be read (permission denied)"))
        }
        let report = VerificationReport.verify(path: path)
        print(json ? try ReportJSON.text(report) : report.text(), terminator: "")
        if !report.sound { throw ExitCode(ExitStatus.found.rawValue) }
    }

    /// The summary of the whole file.
    public static func summary(path: String, json: Bool, chartWidth: Int) throws {
        let report = InspectionReport(reader: try CairnReader(path: path))
        print(json ? try ReportJSON.text(report) : report.text(chartWidth: chartWidth), terminator: "")
    }

    /// `--tensor NAME`: statistics and a slice of values; with `npyPath`, also writes the tensor as .npy.
    public static func tensor(path: String, name: String, slice: Range<Int>, npyPath: String?, json: Bool) throws {
        let reader = try CairnReader(path: path)
        guard let info = reader.info(named: name) else {
            let known = reader.tensors.prefix(8).map(\.name).joined(separator: ", ")
            throw CairnError(
                path: path, kind: .noSuchTensor,
                tensor: name + " (the file has: \(known)\(reader.tensors.count > 8 ? ", ..." : ""))")
        }
        let tensor = try reader.read(name)
        if let npyPath {
            try NpyFile.write(tensor, to: npyPath)
            if tensor.dtype == .bf16 {
                printError(
                    "cairn-inspect: notice: \(name) is bf16, which NumPy lacks: \(npyPath) holds its raw 16-bit patterns as <u2 "
                        + "(as float32: (a.astype(np.uint32) << 16).view(np.float32))")
            }
        }
        let report = TensorReport(info: info, tensor: tensor, slice: slice)
        print(json ? try ReportJSON.text(report) : report.text(), terminator: "")
    }

    /// `--graph dot|svg`: the drawing on standard output (`--json`: `{"format", "graph"}`).
    public static func graph(path: String, format: GraphFormat, json: Bool) throws {
        let report = InspectionReport(reader: try CairnReader(path: path))
        guard let nodes = report.graph else {
            throw CairnError(
                path: path,
                kind: .invalidArgument(
                    "the manifest has no valid layer graph to draw (\(report.manifestNote ?? "no graph"))"))
        }
        let title = URL(fileURLWithPath: path).lastPathComponent
        let text = format == .dot ? GraphDrawing.dot(nodes, title: title) : GraphDrawing.svg(nodes, title: title)
        if json {
            print(try ReportJSON.text(["format": format.rawValue, "graph": text]), terminator: "")
        } else {
            print(text, terminator: "")
        }
    }

    /// Parses `START:END` (either side may be empty: `:10`, `100:`) into a flat element range.
    public static func parseSlice(_ text: String) -> Range<Int>? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let start = parts[0].isEmpty ? 0 : Int(parts[0])
        let end = parts[1].isEmpty ? Int.max : Int(parts[1])
        guard let start, let end, start >= 0, end >= start else { return nil }
        return start..<end
    }
}
