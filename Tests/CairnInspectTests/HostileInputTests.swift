import CairnFormat
import Foundation
import Testing
@testable import CairnInspect

/// Malformed safetensors and npz inputs: a typed error naming the file and the cause, and no output
/// file (not even a temporary one) left behind.
@Suite struct HostileInputTests {
    static let f32x2 = #""a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}"#

    /// (fixture name, file bytes, a fragment the message must contain)
    static let safetensorsCases: [(String, [UInt8], String)] = [
        ("shorter-than-length-field", [1, 2, 3], "not even the 8-byte header length"),
        (
            "header-length-beyond-file",
            TestFiles.safetensors("{\(f32x2)}", buffer: [UInt8](repeating: 0, count: 8), declaredLength: 4000),
            "runs past the end"
        ),
        (
            "huge-header-length", TestFiles.safetensors("{}", buffer: [], declaredLength: UInt64.max - 3),
            "limit exceeded"
        ),
        ("non-json-header", TestFiles.safetensors("{not json", buffer: []), "not UTF-8 JSON"),
        ("header-not-object", TestFiles.safetensors("[1, 2]", buffer: []), "not a JSON object"),
        (
            "unknown-dtype",
            TestFiles.safetensors(
                #"{"a": {"dtype": "F7", "shape": [2], "data_offsets": [0, 8]}}"#,
                buffer: [UInt8](repeating: 0, count: 8)),
            "dtype 'F7'"
        ),
        (
            "unsupported-dtype-u16",
            TestFiles.safetensors(
                #"{"a": {"dtype": "U16", "shape": [2], "data_offsets": [0, 4]}}"#,
                buffer: [UInt8](repeating: 0, count: 4)),
            "dtype 'U16'"
        ),
        (
            "offsets-beyond-buffer",
            TestFiles.safetensors(
                #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
                buffer: [UInt8](repeating: 0, count: 8)),
            "outside the 8-byte buffer"
        ),
        (
            "overlapping-offsets",
            TestFiles.safetensors(
                #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
                buffer: [UInt8](repeating: 0, count: 12)), "overlaps tensor a"
        ),
        (
            "shape-offset-mismatch",
            TestFiles.safetensors(
                #"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#,
                buffer: [UInt8](repeating: 0, count: 8)),
            "needs 12"
        ),
        (
            "reversed-offsets",
            TestFiles.safetensors(
                #"{"a": {"dtype": "U8", "shape": [0], "data_offsets": [8, 0]}}"#,
                buffer: [UInt8](repeating: 0, count: 8)),
            "outside"
        ),
        (
            "negative-shape",
            TestFiles.safetensors(#"{"a": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 0]}}"#, buffer: []),
            "shape"
        ),
        (
            "overflowing-shape",
            TestFiles.safetensors(
                #"{"a": {"dtype": "U8", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}"#, buffer: []),
            "shape"
        ),
        ("metadata-not-strings", TestFiles.safetensors(#"{"__metadata__": {"a": 1}}"#, buffer: []), "not a string"),
    ]

    @Test(arguments: safetensorsCases)
    func malformedSafetensors(name: String, bytes: [UInt8], fragment: String) throws {
        let folder = TestFiles.folder("hostile-st")
        let input = "\(folder)/\(name).safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let error = try #require(throws: CairnError.self) {
            try Converter.convert(input: input, output: "\(folder)/out.cairn")
        }
        #expect(error.description.hasPrefix(input + ": "), "\(error)")
        #expect(error.description.contains(fragment), "\(name): \(error)")
        #expect(!error.description.contains("\n"))
        #expect(TestFiles.contents(folder) == ["\(name).safetensors"])
    }

    @Test func emptyTensorsSharingAnOffsetAreFine() throws {
        let folder = TestFiles.folder("empty")
        let header =
            #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "c": {"dtype": "I8", "shape": [0, 3], "data_offsets": [8, 8]}}"#
        try Data(TestFiles.safetensors(header, buffer: [UInt8](repeating: 7, count: 8))).write(
            to: URL(fileURLWithPath: "\(folder)/e.safetensors"))
        #expect(try Converter.convert(input: "\(folder)/e.safetensors", output: "\(folder)/e.cairn").tensors == 3)
        #expect(try TestFiles.read("\(folder)/e.cairn")["c"]?.1 == [0, 3])
    }

    @Test func truncatedNpzAndDamagedMember() throws {
        let folder = TestFiles.folder("hostile-npz")
        try TestFiles.writeAllDTypes(to: "\(folder)/in.cairn", shape: [64])
        _ = try Converter.convert(input: "\(folder)/in.cairn", output: "\(folder)/good.npz")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/good.npz"))
        try bytes.prefix(bytes.count - 30).write(to: URL(fileURLWithPath: "\(folder)/truncated.npz"))
        try Data("PK, but not really a ZIP archive at all".utf8).write(
            to: URL(fileURLWithPath: "\(folder)/not-zip.npz"))
        bytes[200] ^= 0x01  // inside the first member's data
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/flipped-member-byte.npz"))
        for (name, fragment) in [
            ("truncated", "end-of-central-directory"), ("not-zip", "end-of-central-directory"),
            ("flipped-member-byte", "CRC-32 mismatch"),
        ] {
            let input = "\(folder)/\(name).npz"
            let error = try #require(throws: CairnError.self) {
                try Converter.convert(input: input, output: "\(folder)/\(name).cairn")
            }
            #expect(error.description.hasPrefix(input + ": "))
            #expect(error.description.contains(fragment), "\(name): \(error)")
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(name).cairn"))
        }
        #expect(TestFiles.contents(folder).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func damageInTheLastMemberRemovesThePartlyWrittenOutput() throws {
        let folder = TestFiles.folder("late-damage")
        try TestFiles.writeAllDTypes(to: "\(folder)/in.cairn", shape: [64])
        _ = try Converter.convert(input: "\(folder)/in.cairn", output: "\(folder)/good.npz")
        let directoryOffset = try ZipArchive.read(ReadOnlyFile(path: "\(folder)/good.npz")).directoryOffset
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/good.npz"))
        bytes[Int(directoryOffset) - 3] ^= 0x80  // the last member's data: found only after eight tensors were written
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/late.npz"))
        for output in ["out.cairn", "out.safetensors"] {
            let error = try #require(throws: CairnError.self) {
                try Converter.convert(input: "\(folder)/late.npz", output: "\(folder)/\(output)")
            }
            #expect(
                error.description.contains("t.bool.npy") && error.description.contains("CRC-32 mismatch"), "\(error)")
        }
        #expect(TestFiles.contents(folder) == ["good.npz", "in.cairn", "late.npz"])
    }

    @Test func npzMemberSizeDisagreesWithItsHeader() throws {
        let folder = TestFiles.folder("npz-size")
        let output = try AtomicOutputFile(path: "\(folder)/short.npz")
        let zip = ZipWriter(output: output)
        let header = NpyHeader(dtype: .f32, shape: [4]).encoded()
        let data = [UInt8](repeating: 0, count: 12)
        try header.withUnsafeBytes { h in try data.withUnsafeBytes { d in try zip.add(name: "a.npy", parts: [h, d]) } }
        try zip.finish()
        try output.commit()
        let error = try #require(throws: CairnError.self) {
            try Converter.convert(input: "\(folder)/short.npz", output: "\(folder)/o.cairn")
        }
        #expect(error.description.contains("a.npy") && error.description.contains("needs"), "\(error)")
    }
}

/// Conversions into `.cairn` from safetensors and stored npz read each chunk on the thread that
/// compresses it; an npz member's CRC-32 is then rebuilt from the pieces' CRCs.
@Suite("Piecewise import")
struct PiecewiseImportTests {
    /// Three tensors, the middle one 3.2 MB (four 1 MiB chunks), written as stored npz members.
    static func writeNpz(_ path: String) throws -> [String: [UInt8]] {
        let tensors: [(String, [Int])] = [("small", [10]), ("big", [800_000]), ("tail", [3, 5])]
        var contents: [String: [UInt8]] = [:]
        let sink = try NpzSink(path: path)
        for (name, shape) in tensors {
            let bytes = TestFiles.awkwardBytes(.f32, count: shape.reduce(1, *))
            contents[name] = bytes
            try bytes.withUnsafeBytes {
                try sink.write(TensorEntry(name: name, dtype: .f32, shape: shape, role: .parameter), bytes: $0)
            }
        }
        try sink.commit()
        return contents
    }

    @Test func storedNpzAndSafetensorsImportExactly() throws {
        let folder = TestFiles.folder("piecewise")
        let expected = try Self.writeNpz("\(folder)/in.npz")
        _ = try Converter.convert(input: "\(folder)/in.npz", output: "\(folder)/from-npz.cairn")
        _ = try Converter.convert(input: "\(folder)/from-npz.cairn", output: "\(folder)/in.safetensors")
        _ = try Converter.convert(input: "\(folder)/in.safetensors", output: "\(folder)/from-safetensors.cairn")
        for file in ["from-npz.cairn", "from-safetensors.cairn"] {
            let read = try TestFiles.read("\(folder)/\(file)")
            for (name, bytes) in expected { #expect(read[name]?.2 == bytes, "\(file): \(name)") }
            #expect(try CairnReader(path: "\(folder)/\(file)").verify().isEmpty)
        }
    }

    /// Damage in the third chunk of the big member: only the combined CRC-32 shows it, after the
    /// tensor was compressed; the output is removed.
    @Test func damageInAMiddleChunkOfAStoredMemberIsFound() throws {
        let folder = TestFiles.folder("piecewise-damage")
        _ = try Self.writeNpz("\(folder)/good.npz")
        let archive = try ZipArchive.read(ReadOnlyFile(path: "\(folder)/good.npz"))
        let big = try #require(archive.members.first { $0.name == "big.npy" })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/good.npz"))
        bytes[Int(big.headerOffset) + 2_500_000] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/bad.npz"))
        let error = try #require(throws: CairnError.self) {
            try Converter.convert(input: "\(folder)/bad.npz", output: "\(folder)/out.cairn")
        }
        #expect(error.description.contains("big.npy") && error.description.contains("CRC-32 mismatch"), "\(error)")
        #expect(TestFiles.contents(folder) == ["bad.npz", "good.npz"])
    }

    @Test func crcCombineMatchesOnePass() {
        let bytes = TestFiles.awkwardBytes(.f32, count: 10_000)
        for split in [0, 1, 17, 20_000, 40_000] {
            let first = Zlib.crc32(Array(bytes[..<split])), second = Zlib.crc32(Array(bytes[split...]))
            #expect(Zlib.crc32Combine(first, second, secondLength: bytes.count - split) == Zlib.crc32(bytes))
        }
    }
}
