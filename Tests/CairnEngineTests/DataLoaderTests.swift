@testable import CairnEngine
import CairnModel
import Foundation
import Testing

@Suite struct DataLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Fixtures/datasets/\(name)").path }

    func parse(_ text: String, labelColumn: String? = nil, task: TrainingTask = .classification) throws -> Dataset {
        try CSVLoader(labelColumn: labelColumn, task: task).parse(Data(text.utf8), path: "t.csv")
    }

    @Test func digitsCSVLoads() throws {
        let digits = try CSVLoader().load(path: Self.fixture("digits.csv"))
        #expect(digits.count == 1797)
        #expect(digits.width == 64)
        #expect(digits.targets.outputWidth == 10)
        #expect(digits.features.max() == 16)
    }

    @Test func idxMatchesCSV() throws {
        let csv = try CSVLoader().load(path: Self.fixture("digits.csv"))
        let idx = try IDXLoader.load(
            images: Self.fixture("digits-images.idx"), labels: Self.fixture("digits-labels.idx"))
        #expect(idx.features == csv.features)
        #expect(idx.targets == csv.targets)
        #expect(idx.fingerprint == csv.fingerprint)
    }

    @Test func headerIsDetectedAndLabelColumnChosen() throws {
        let withHeader = try parse("a,label,b\n1,2,3\n4,0,6\n")
        #expect(withHeader.features == [1, 3, 4, 6])
        #expect(withHeader.targets == .labels([2, 0]))
        let noHeader = try parse("2,1,3\n0,4,6\n")
        #expect(noHeader.targets == .labels([2, 0]))
        let byIndex = try parse("1,2,3\n4,0,6\n", labelColumn: "1")
        #expect(byIndex.targets == .labels([2, 0]))
        let regression = try parse("x,y1,y2\n1,2,3\n4,5,6\n", labelColumn: "y1,y2", task: .regression)
        #expect(regression.targets == .values([2, 3, 5, 6], columns: 2))
        #expect(regression.features == [1, 4])
    }

    @Test(arguments: [
        ("a,label\n1,2\n3\n", "line 3: has 1 cells, expected 2 (ragged row)"),
        ("a,label\n1,x\n", "line 2: column 2: 'x' is not a number"),
        ("a,label\n1,nan\n", "line 2: column 2: nan is not a finite number"),
        ("a,label\n1,-1\n", "line 2: label -1.0 is not a class id"),
        ("a,label\n1,\"2\n", "line 2: a quoted cell is never closed"),
        ("a,label\n1,\"2\"x\n", "line 2: text after the closing quote"),
        ("a,label\r\n1,2\r\n3,x\r\n", "line 3: column 2: 'x' is not a number"),
        ("a,label\n1,1.5\n", "label 1.5 is not a class id"),
        ("a,label\n", "has a header but no data rows"),
        ("", "has no data rows"),
    ])
    func badCSVFailsWithLineAndCause(text: String, message: String) {
        #expect { try parse(text) } throws: { error in
            "\(error)".hasPrefix("t.csv: ") && "\(error)".contains(message)
        }
    }

    @Test func rfc4180CSVLoadsLikeItsPlainTwin() throws {
        let plain = try parse("a,b,label\n1,2.5,0\n3,4,1\n")
        let variants = [
            "a,b,label\r\n1,2.5,0\r\n3,4,1\r\n",  // Windows line ends
            "a,b,label\r\n1,2.5,0\r\n3,4,1",  // no line end at the end
            "\u{FEFF}a,b,label\n1,2.5,0\n3,4,1\n",  // UTF-8 byte-order mark
            "\"a\",\"b\",\"label\"\n\"1\",\"2.5\",0\n3,\" 4 \",\"1\"\n",  // quoted cells
            "a,b,label\n\n1,2.5,0\n   \n3,4,1\n\n\n",  // blank lines, blank last lines
            "a,b,label\r1,2.5,0\r3,4,1\r",  // old Mac line ends
        ]
        for text in variants {
            let loaded = try parse(text)
            #expect(loaded.features == plain.features, "\(text.debugDescription)")
            #expect(loaded.targets == plain.targets, "\(text.debugDescription)")
        }
    }

    @Test func quotedHeaderNamesWithDelimitersQuotesAndLineBreaks() throws {
        let text = "\"size, m\u{00B2}\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n1,2,3\r\n4,5,6\r\n"
        let loaded = try parse(text, labelColumn: "two\r\nlines", task: .regression)
        #expect(loaded.targets == .values([3, 6], columns: 1))
        let byQuotedName = try parse(text, labelColumn: "say \"hi\"", task: .regression)
        #expect(byQuotedName.targets == .values([2, 5], columns: 1))
        #expect(byQuotedName.features == [1, 3, 4, 6])
    }

    @Test(arguments: [(UInt8(ascii: ";"), ";"), (UInt8(ascii: "\t"), "\t")])
    func otherDelimiters(delimiter: UInt8, separator: String) throws {
        let text =
            ["x", "y,z", "label"].joined(separator: separator) + "\r\n"
            + ["1.5", "\"2\"", "1"].joined(separator: separator) + "\r\n"
            + ["-3", "4e2", "0"].joined(separator: separator) + "\r\n"
        let loaded = try CSVLoader(delimiter: delimiter).parse(Data(text.utf8), path: "t.csv")
        #expect(loaded.features == [1.5, 2, -3, 400])
        #expect(loaded.targets == .labels([1, 0]))
    }

    @Test func semicolonFileReadAsCommaSaysWhichDelimiter() {
        #expect { try parse("a;b;label\n1;2;0\n") } throws: { "\($0)".contains("--delimiter ';'") }
    }

    /// Every number form the fast path takes agrees with the standard library's correctly rounded parse.
    @Test func numbersAreCorrectlyRounded() throws {
        var cells = [
            "0", "-0", "255", "+7", "0.0625", "3.14159", "-2.5", ".5", "5.", "16777216", "16777217", "0.1",
            "123456.7", "0.0000001", "1e-3", "1.5E+2", "99999999", "0.333333333333333333", "1e30",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let whole = Int.random(in: 0..<100_000, using: &generator)
            let fraction = Int.random(in: 0..<100_000, using: &generator)
            cells.append("\(whole).\(String(fraction).padding(toLength: 5, withPad: "0", startingAt: 0))")
        }
        let text = "v,label\n" + cells.map { "\($0),0" }.joined(separator: "\n")
        let loaded = try parse(text)
        for (cell, value) in zip(cells, loaded.features) {
            #expect(value.bitPattern == Float(cell)!.bitPattern, "\(cell)")
        }
    }

    @Test func missingFileIsNamed() {
        #expect { try CSVLoader().load(path: "/nonexistent/data.csv") } throws: {
            "\($0)" == "/nonexistent/data.csv: no such file"
        }
    }

    @Test func hostileIDXHeadersAreRejected() {
        // Declares 2^31 x 2^31 elements in a 20-byte file.
        let bytes: [UInt8] = [0, 0, 8, 2, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
        for hostile in [bytes, [0, 0, 8], [1, 2, 3, 4, 5]] {
            let error = #expect(throws: CairnError.self) { try IDXLoader.decode(Data(hostile), path: "x.idx") }
            #expect(error?.code == .invalidData && error?.path == "x.idx")
        }
    }

    @Test func npyRoundTripsThroughNumpyLayout() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        var padded = header
        while (10 + padded.count + 1) % 64 != 0 { padded += " " }
        padded += "\n"
        var bytes: [UInt8] = [
            0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(padded.count & 0xFF), UInt8(padded.count >> 8),
        ]
        bytes += Array(padded.utf8)
        for v: Float in [1, 2, 3, 4, 5, 6] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        let array = try NPYLoader.decode(Data(bytes), path: "x.npy")
        #expect(array.shape == [2, 3])
        #expect(array.values == [1, 2, 3, 4, 5, 6])
        let truncated = Data(bytes.dropLast(2))
        #expect { try NPYLoader.decode(truncated, path: "x.npy") } throws: { "\($0)".contains("needs 24") }
    }

    /// A `.npy` file of `count` values of dtype `descr`, each written by `encode`.
    static func npyFile(_ descr: String, shape: [Int], values: [[UInt8]]) -> [UInt8] {
        let header =
            "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        var padded = header
        while (10 + padded.count + 1) % 64 != 0 { padded += " " }
        padded += "\n"
        var bytes: [UInt8] = [
            0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(padded.count & 0xFF), UInt8(padded.count >> 8),
        ]
        bytes += Array(padded.utf8)
        for v in values { bytes += v }
        return bytes
    }

    @Test(arguments: ["<f4", ">f4", "<f8", "<i2"])
    func npyFilesReadChunkByChunk(_ descr: String) throws {
        // More than one 4 MiB chunk, so chunk boundaries are crossed.
        let count = 1_200_003
        let values = (0..<count).map { Float($0 % 1000) - 500 }
        let encoded: [[UInt8]] = values.map { v in
            switch descr {
            case "<f4": return withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
            case ">f4": return withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) }
            case "<f8": return withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { Array($0) }
            default: return withUnsafeBytes(of: Int16(v).littleEndian) { Array($0) }
            }
        }
        let path = NSTemporaryDirectory() + "cairn-npy-\(UUID().uuidString).npy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Self.npyFile(descr, shape: [count], values: encoded)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let array = try NPYLoader.read(path: path)
        #expect(array.shape == [count] && array.values == values)
        try Data(bytes.dropLast(3)).write(to: URL(fileURLWithPath: path))
        #expect { try NPYLoader.read(path: path) } throws: { "\($0)".contains("data bytes") }
        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CairnError.self) { try NPYLoader.read(path: path) }
        #expect(error?.code == .invalidData && error?.description.hasPrefix(path) == true)
    }

    @Test func stratifiedSplitIsSeededAndBalanced() throws {
        let digits = try CSVLoader().load(path: Self.fixture("digits.csv"))
        let a = digits.stratifiedSplit(fraction: 0.2, seed: 1)
        let b = digits.stratifiedSplit(fraction: 0.2, seed: 1)
        let c = digits.stratifiedSplit(fraction: 0.2, seed: 2)
        #expect(a.train == b.train && a.validation == b.validation)
        #expect(a.validation != c.validation)
        #expect(Set(a.train).isDisjoint(with: a.validation))
        #expect(a.train.count + a.validation.count == 1797)
        #expect(abs(a.validation.count - 360) <= 5)
        guard case .labels(let labels) = digits.targets else { Issue.record("labels expected"); return }
        for k in Int32(0)..<10 {
            let inClass = labels.filter { $0 == k }.count
            let held = a.validation.filter { labels[$0] == k }.count
            #expect(abs(Double(held) - Double(inClass) * 0.2) <= 1)
        }
    }

    @Test func preprocessingStandardizes() {
        let features: [Float] = [1, 10, 3, 10, 5, 10]
        let p = Preprocessing.fitted(to: features, width: 2, scale: 0.5)
        var x = features
        p.apply(to: &x, width: 2)
        #expect(abs(x[0] + x[2] + x[4]) < 1e-5)
        #expect(x[1] == 0 && x[3] == 0)  // a constant column keeps std 1
        #expect(p.standardDeviation[1] == 1)
    }
}
