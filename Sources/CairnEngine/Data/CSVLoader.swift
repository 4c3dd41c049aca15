import CairnModel
import Foundation

/// Reads a numeric CSV file: one sample a line, comma-separated, an optional header line (detected:
/// a first line with any non-numeric cell), blank lines skipped.
public struct CSVLoader: Sendable {
    /// Which column(s) hold the target: a header name, a 0-based index, or a comma-separated list of
    /// either (regression with several targets). nil: a column named `label`, else the first.
    public var labelColumn: String?
    public var task: TrainingTask

    public init(labelColumn: String? = nil, task: TrainingTask = .classification) {
        self.labelColumn = labelColumn
        self.task = task
    }

    /// The most bytes a data file may have (4 GiB): beyond that, use IDX or NPY.
    public static let maximumFileSize = 4 << 30

    public func load(path: String) throws -> Dataset {
        let data = try readFile(path, limit: Self.maximumFileSize)
        return try parse(data, path: path)
    }

    func parse(_ data: Data, path: String) throws -> Dataset {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(path: path, "is not UTF-8 text")
        }
        var lines: [(number: Int, cells: [Substring])] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((lineNumber, line.split(separator: ",", omittingEmptySubsequences: false)))
        }
        guard let first = lines.first else { throw DataError(path: path, "has no data rows") }
        let hasHeader = first.cells.contains { Float($0.trimmingCharacters(in: .whitespaces)) == nil }
        let header = hasHeader ? first.cells.map { $0.trimmingCharacters(in: .whitespaces) } : nil
        let rows = hasHeader ? Array(lines.dropFirst()) : lines
        guard !rows.isEmpty else { throw DataError(path: path, "has a header but no data rows") }
        let columnCount = first.cells.count
        let targetColumns = try resolveTargetColumns(header: header, columnCount: columnCount, path: path)
        let featureColumns = (0..<columnCount).filter { !targetColumns.contains($0) }
        guard !featureColumns.isEmpty else { throw DataError(path: path, "has no feature columns besides the target") }

        var features = [Float]()
        features.reserveCapacity(rows.count * featureColumns.count)
        var labels = [Int32]()
        var values = [Float]()
        var row = [Float](repeating: 0, count: columnCount)
        for (number, cells) in rows {
            guard cells.count == columnCount else {
                throw DataError(path: path, line: number, "has \(cells.count) cells, expected \(columnCount) (ragged row)")
            }
            for (c, cell) in cells.enumerated() {
                let trimmed = cell.trimmingCharacters(in: .whitespaces)
                guard let value = Float(trimmed) else {
                    throw DataError(path: path, line: number, "column \(c + 1): '\(trimmed.prefix(40))' is not a number")
                }
                guard value.isFinite else {
                    throw DataError(path: path, line: number, "column \(c + 1): \(trimmed) is not a finite number")
                }
                row[c] = value
            }
            for c in featureColumns { features.append(row[c]) }
            switch task {
            case .classification:
                let label = row[targetColumns[0]]
                guard label >= 0, label == label.rounded(), label < 1_000_000 else {
                    throw DataError(path: path, line: number, "label \(label) is not a class id (a whole number from 0)")
                }
                labels.append(Int32(label))
            case .regression:
                for c in targetColumns { values.append(row[c]) }
            }
        }
        let targets: DatasetTargets = task == .classification
            ? .labels(labels) : .values(values, columns: targetColumns.count)
        return Dataset(source: path, features: features, width: featureColumns.count, targets: targets)
    }

    private func resolveTargetColumns(header: [String]?, columnCount: Int, path: String) throws -> [Int] {
        guard let spec = labelColumn, !spec.isEmpty else {
            if let index = header?.firstIndex(of: "label") { return [index] }
            return [0]
        }
        let names = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var columns = [Int]()
        for name in names {
            if let index = header?.firstIndex(of: name) {
                columns.append(index)
            } else if let index = Int(name), index >= 0, index < columnCount {
                columns.append(index)
            } else {
                throw DataError(path: path, "has no column '\(name)' (columns: \(header?.joined(separator: ",").prefix(80) ?? "0..\(columnCount - 1)"))")
            }
        }
        if task == .classification, columns.count != 1 {
            throw DataError(path: path, "classification takes one label column, got \(columns.count)")
        }
        return columns
    }
}

/// Reads a whole file, refusing one larger than `limit` bytes, with errors naming the path.
func readFile(_ path: String, limit: Int) throws -> Data {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DataError(path: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw DataError(path: path, "is a directory, not a data file") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= limit else { throw DataError(path: path, "is \(size) bytes, more than the limit of \(limit)") }
    do {
        return try Data(contentsOf: url)
    } catch {
        throw DataError(path: path, "cannot be read (\(error.localizedDescription))")
    }
}
