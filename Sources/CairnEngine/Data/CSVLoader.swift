import CairnModel
import Foundation

/// Reads a numeric CSV file as RFC 4180 describes it: one sample a record, cells separated by
/// `delimiter` (comma by default; `;` and tab are common), CRLF or LF line ends, cells optionally in
/// double quotes (`""` for a quote inside), a UTF-8 byte-order mark skipped, an optional header record
/// (detected: a first record with any non-numeric cell), blank lines skipped.
public struct CSVLoader: Sendable {
    /// Which column(s) hold the target: a header name, a 0-based index, or a comma-separated list of
    /// either (regression with several targets). nil: a column named `label`, else the first.
    public var labelColumn: String?
    public var task: TrainingTask
    /// The byte between cells.
    public var delimiter: UInt8

    public init(
        labelColumn: String? = nil, task: TrainingTask = .classification,
        delimiter: UInt8 = UInt8(ascii: ",")
    ) {
        self.labelColumn = labelColumn
        self.task = task
        self.delimiter = delimiter
    }

    /// The most bytes a data file may have (4 GiB): beyond that, use IDX or NPY.
    public static let maximumFileSize = 4 << 30

    /// The most classes a classifier may have; labels are class ids below it.
    public static let maximumClasses = 1_000_000
    /// The largest class id a label may be.
    public static let maximumClassID = Float(maximumClasses - 1)

    public func load(path: String) throws -> Dataset {
        let data = try readFile(path, limit: Self.maximumFileSize)
        return try parse(data, path: path)
    }

    func parse(_ data: Data, path: String) throws -> Dataset {
        try data.withUnsafeBytes { raw in
            do {
                return try parse(bytes: raw, path: path)
            } catch let error as CSVRecordReader.SyntaxError {
                throw CairnError.data(path: path, line: error.line, error.reason)
            }
        }
    }

    private func parse(bytes raw: UnsafeRawBufferPointer, path: String) throws -> Dataset {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw CairnError.data(path: path, "has no data rows")
        }
        try checkDelimiter(base, count: raw.count, path: path)
        var reader = CSVRecordReader(bytes: raw, delimiter: delimiter)
        var cells: [CSVRecordReader.Cell] = []
        var firstLine = 0
        while let line = try reader.next(into: &cells) {
            if !reader.isBlank(cells) { firstLine = line; break }
            cells.removeAll()
        }
        guard !cells.isEmpty else { throw CairnError.data(path: path, "has no data rows") }
        let columnCount = cells.count
        let hasHeader = cells.contains { DecimalParser.parse(base, $0.start, $0.end) == nil }
        let header = hasHeader ? cells.map { reader.text(of: $0) } : nil
        let targetColumns = try resolveTargetColumns(header: header, columnCount: columnCount, path: path)
        let featureColumns = (0..<columnCount).filter { !targetColumns.contains($0) }
        guard !featureColumns.isEmpty else {
            throw CairnError.data(path: path, "has no feature columns besides the target")
        }

        // About as many rows as the file has bytes per first record, and never more than it can hold
        // (every cell takes at least one byte and a separator).
        let firstRecordBytes = max(reader.position - (raw.count >= 3 && raw[0] == 0xEF ? 3 : 0), 1)
        let estimatedRows = min(raw.count / firstRecordBytes, raw.count / (2 * columnCount)) + 1
        var features = [Float]()
        features.reserveCapacity(estimatedRows * featureColumns.count)
        var labels = [Int32]()
        var values = [Float]()
        if task == .classification {
            labels.reserveCapacity(estimatedRows)
        } else {
            values.reserveCapacity(estimatedRows * targetColumns.count)
        }
        // Feature columns as runs of consecutive columns, copied a run at a time.
        var runs: [Range<Int>] = []
        for c in featureColumns {
            if let last = runs.last, last.upperBound == c {
                runs[runs.count - 1] = last.lowerBound..<(c + 1)
            } else {
                runs.append(c..<(c + 1))
            }
        }
        var row = [Float](repeating: 0, count: columnCount)
        var first: [CSVRecordReader.Cell]? = hasHeader ? nil : cells
        try row.withUnsafeMutableBufferPointer { rowBuffer in
            let row = rowBuffer.baseAddress!
            while true {
                var filled = 0
                var bad: (index: Int, cell: CSVRecordReader.Cell)?
                let line: Int
                if let record = first {
                    line = firstLine
                    for cell in record {
                        if filled < columnCount {
                            if let v = DecimalParser.parse(base, cell.start, cell.end) {
                                row[filled] = v
                            } else if bad == nil {
                                bad = (filled, cell)
                            }
                        }
                        filled += 1
                    }
                    first = nil
                } else {
                    guard let next = try reader.nextNumbers(into: row, capacity: columnCount) else { break }
                    (line, filled, bad) = next
                }
                // A blank line.
                if filled == 1, let bad, !bad.cell.quoted, reader.text(of: bad.cell).isEmpty { continue }
                guard filled == columnCount else {
                    throw CairnError.data(
                        path: path, line: line, "has \(filled) cells, expected \(columnCount) (ragged row)")
                }
                if let bad {
                    let text = reader.text(of: bad.cell)
                    throw CairnError.data(
                        path: path, line: line,
                        "column \(bad.index + 1): '\(text.prefix(40))' is not a number")
                }
                for c in 0..<columnCount where !row[c].isFinite {
                    throw CairnError.data(path: path, line: line, "column \(c + 1): \(row[c]) is not a finite number")
                }
                for run in runs {
                    features.append(contentsOf: UnsafeBufferPointer(start: row + run.lowerBound, count: run.count))
                }
                switch task {
                case .classification:
                    let label = row[targetColumns[0]]
                    guard label >= 0, label == label.rounded(), label <= Self.maximumClassID else {
                        throw CairnError.data(
                            path: path, line: line,
                            "label \(label) is not a class id (a whole number from 0 to 999999)")
                    }
                    labels.append(Int32(label))
                case .regression:
                    for c in targetColumns { values.append(row[c]) }
                }
            }
        }
        guard !features.isEmpty else { throw CairnError.data(path: path, "has a header but no data rows") }
        let targets: DatasetTargets =
            task == .classification
            ? .labels(labels) : .values(values, columns: targetColumns.count)
        return Dataset(source: path, features: features, width: featureColumns.count, targets: targets)
    }

    /// A comma-separated read of a file whose first line has no comma but semicolons or tabs is refused
    /// with the flag that reads it.
    private func checkDelimiter(_ base: UnsafePointer<UInt8>, count: Int, path: String) throws {
        guard delimiter == UInt8(ascii: ",") else { return }
        var semicolons = 0, tabs = 0, i = 0
        while i < count && base[i] != CSVRecordReader.lineFeed && base[i] != CSVRecordReader.carriageReturn {
            switch base[i] {
            case UInt8(ascii: ","): return
            case UInt8(ascii: ";"): semicolons += 1
            case UInt8(ascii: "\t"): tabs += 1
            default: break
            }
            i += 1
        }
        if semicolons > 0 || tabs > 0 {
            let (found, flag) = semicolons >= tabs ? ("semicolons", "';'") : ("tabs", "tab")
            throw CairnError.data(
                path: path, line: 1, "has no comma but \(found) in its first line; read it with --delimiter \(flag)")
        }
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
                throw CairnError.data(
                    path: path,
                    "has no column '\(name)' (columns: \(header?.joined(separator: ",").prefix(80) ?? "0..\(columnCount - 1)"))"
                )
            }
        }
        if task == .classification, columns.count != 1 {
            throw CairnError.data(path: path, "classification takes one label column, got \(columns.count)")
        }
        return columns
    }
}

/// Reads a whole file, refusing one larger than `limit` bytes, with errors naming the path.
func readFile(_ path: String, limit: Int) throws -> Data {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CairnError(path: path, kind: .notFound)
    }
    guard !isDirectory.boolValue else { throw CairnError.data(path: path, "is a directory, not a data file") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= limit else { throw CairnError.data(path: path, "is \(size) bytes, more than the limit of \(limit)") }
    do {
        return try Data(contentsOf: url)
    } catch {
        throw CairnError(.io, path: path, "cannot be read", cause: error)
    }
}
