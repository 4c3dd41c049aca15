/// Splits RFC 4180 CSV bytes into records of cells without copying them: fields separated by one
/// delimiter byte, records ended by CRLF, LF or a lone CR, cells optionally enclosed in double quotes
/// (a quote inside a quoted cell is written twice; quoted cells may hold delimiters and line breaks),
/// a UTF-8 byte-order mark at the start skipped, a missing line break at the end allowed.
///
/// A cell is a byte range of the input; a quoted cell's range excludes its quotes and `hasEscapes`
/// says whether it holds doubled quotes (`text(of:)` unescapes). The reader works on a borrowed
/// buffer, so it lives only inside the closure that owns the bytes.
struct CSVRecordReader {
    /// One cell of a record: `start..<end` in the input, quotes excluded.
    struct Cell {
        var start: Int
        var end: Int
        var quoted: Bool
        var hasEscapes: Bool
    }

    /// A problem in the CSV text itself (the caller adds the file name).
    struct SyntaxError: Error {
        var line: Int
        var reason: String
    }

    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    let bytes: UnsafeRawBufferPointer
    let delimiter: UInt8
    /// The next byte to read.
    private(set) var position: Int
    /// The 1-based line of `position`.
    private(set) var line = 1

    init(bytes: UnsafeRawBufferPointer, delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        position = bytes.count >= 3 && bytes[0] == bom[0] && bytes[1] == bom[1] && bytes[2] == bom[2] ? 3 : 0
    }

    /// Whether every byte has been read.
    var atEnd: Bool { position >= bytes.count }

    /// Reads the next record into `cells` (cleared first) and returns the line it starts on, or nil at
    /// the end of the input. A blank line is a record of one empty unquoted cell.
    mutating func next(into cells: inout [Cell]) throws -> Int? {
        cells.removeAll(keepingCapacity: true)
        return try next { cells.append($0) }
    }

    /// Reads the next record, handing each cell to `visit` in order, and returns the line it starts on,
    /// or nil at the end of the input.
    @inline(__always)
    mutating func next(_ visit: (Cell) throws -> Void) throws -> Int? {
        guard position < bytes.count else { return nil }
        let startLine = line
        let count = bytes.count
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var p = position
        while true {
            var cell: Cell
            if p < count && base[p] == Self.quote {
                cell = try readQuoted(base, count: count, from: &p)
            } else {
                let start = p
                while p < count {
                    let byte = base[p]
                    if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    p += 1
                }
                cell = Cell(start: start, end: p, quoted: false, hasEscapes: false)
            }
            try visit(cell)
            if p >= count { break }
            let byte = base[p]
            p += 1
            if byte == delimiter { continue }
            if byte == Self.carriageReturn && p < count && base[p] == Self.lineFeed { p += 1 }
            line += 1
            break
        }
        position = p
        return startLine
    }

    /// Reads the next record as numbers into `row` (at most `capacity` of them) and returns the line it
    /// starts on, the number of cells, and the first cell (index and range) that is not a number; nil at
    /// the end of the input. The fast path of a numeric file: no closure, no cell list.
    mutating func nextNumbers(
        into row: UnsafeMutablePointer<Float>, capacity: Int
    ) throws
        -> (line: Int, cells: Int, bad: (index: Int, cell: Cell)?)?
    {
        guard position < bytes.count, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return nil
        }
        let count = bytes.count
        let startLine = line
        var p = position
        var cells = 0
        var bad: (index: Int, cell: Cell)?
        while true {
            let start: Int, end: Int
            var quoted = false
            if p < count && base[p] == Self.quote {
                // Quoted cells are rare in numeric files: the general path reads them.
                let one = try readQuoted(base, count: count, from: &p)
                start = one.start
                end = one.end
                quoted = true
                if one.hasEscapes, bad == nil, cells < capacity { bad = (cells, one) }
            } else {
                start = p
                while p < count {
                    let byte = base[p]
                    if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    p += 1
                }
                end = p
            }
            if cells < capacity {
                if let value = DecimalParser.parse(base, start, end) {
                    row[cells] = value
                } else if bad == nil {
                    bad = (cells, Cell(start: start, end: end, quoted: quoted, hasEscapes: false))
                }
            }
            cells += 1
            if p >= count { break }
            let byte = base[p]
            p += 1
            if byte == delimiter { continue }
            if byte == Self.carriageReturn && p < count && base[p] == Self.lineFeed { p += 1 }
            line += 1
            break
        }
        position = p
        return (startLine, cells, bad)
    }

    /// Reads a quoted cell starting at the opening quote `p`; leaves `p` after the closing quote.
    private mutating func readQuoted(_ base: UnsafePointer<UInt8>, count: Int, from p: inout Int) throws -> Cell {
        let opened = line
        p += 1
        let start = p
        var escapes = false
        while true {
            guard p < count else { throw SyntaxError(line: opened, reason: "a quoted cell is never closed") }
            let byte = base[p]
            if byte == Self.quote {
                if p + 1 < count && base[p + 1] == Self.quote {
                    escapes = true
                    p += 2
                    continue
                }
                break
            }
            if byte == Self.lineFeed
                || (byte == Self.carriageReturn && (p + 1 >= count || base[p + 1] != Self.lineFeed))
            {
                line += 1
            }
            p += 1
        }
        let cell = Cell(start: start, end: p, quoted: true, hasEscapes: escapes)
        p += 1
        if p < count {
            let byte = base[p]
            guard byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn else {
                throw SyntaxError(line: line, reason: "text after the closing quote of a quoted cell")
            }
        }
        return cell
    }

    /// The text of a cell, quotes unescaped, surrounding spaces and tabs removed.
    func text(of cell: Cell) -> String {
        var raw = Array(UnsafeRawBufferPointer(rebasing: bytes[cell.start..<cell.end]))
        if cell.hasEscapes {
            var unescaped = [UInt8]()
            unescaped.reserveCapacity(raw.count)
            var i = 0
            while i < raw.count {
                unescaped.append(raw[i])
                i += raw[i] == Self.quote && i + 1 < raw.count && raw[i + 1] == Self.quote ? 2 : 1
            }
            raw = unescaped
        }
        return String(decoding: raw, as: UTF8.self).trimmingCharacters(in: [" ", "\t"])
    }

    /// Whether a record is a blank line (one empty or all-blank unquoted cell).
    func isBlank(_ cells: [Cell]) -> Bool {
        guard cells.count == 1, !cells[0].quoted else { return false }
        for i in cells[0].start..<cells[0].end where bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") {
            return false
        }
        return true
    }
}

extension String {
    /// Removes leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
