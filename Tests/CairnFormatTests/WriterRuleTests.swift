import CairnFormat
import Foundation
import Testing

/// The writer never produces a file the spec's reader rules reject: manifests that are not strict JSON
/// objects and bool tensors holding bytes other than 0 and 1 are refused (`invalidArgument`), and nothing
/// is left at the target.
@Suite struct WriterRuleTests {
    static let rejectedManifests: [String] = [
        "\u{FEFF}{}",  // byte order mark
        #"{"a":"\ud800"}"#,  // lone high surrogate escape
        #"{"a":"\udc00"}"#,  // lone low surrogate escape
        #"{"a":1,"a":2}"#,  // duplicate key
        #"{"n":{"a":1,"\u0061":2}}"#,  // duplicate key after unescaping, nested
        #"{"a":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}",  // 65 deep
        #"{"a":NaN}"#, #"{"a":01}"#, #"{"a":1,}"#, #"{"a":1} x"#, "[]", "", #"{"a":"\x"}"#, "{\"a\":\"\t\"}",
    ]

    @Test(arguments: rejectedManifests)
    func commitRefusesAManifestThatIsNotStrictJSON(manifest: String) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.cairn").path
        let writer = try CairnWriter(path: path, options: WriteOptions(threads: 1))
        let error = try #require(throws: CairnError.self) { try writer.commit(manifest: Data(manifest.utf8)) }
        #expect(error.code.name == "invalidArgument")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func commitAcceptsStrictJSONEdgeCases() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.cairn").path
        let manifest =
            #"{"pair":"\ud83d\ude00","esc":"a\/b\u00E9\n","A":1,"a":-0.0,"n":{"a":1E+2},"m":{"a":[true,null]},"#
            + #""deep":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"
        let writer = try CairnWriter(path: path, options: WriteOptions(threads: 1))
        try writer.commit(manifest: Data(manifest.utf8))
        #expect(try CairnReader(path: path).manifest == Data(manifest.utf8))
    }

    @Test func boolBytesOtherThanZeroAndOneAreRefused() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("b.cairn").path
        let bad = try Tensor(dtype: .bool, shape: [4], bytes: [0, 1, 2, 1])
        let fromMemory = try CairnWriter(path: path, options: WriteOptions(threads: 1))
        let memoryError = try #require(throws: CairnError.self) {
            try fromMemory.write(name: "mask", role: .buffer, tensor: bad)
        }
        #expect(memoryError.code.name == "invalidArgument" && memoryError.tensor == "mask")
        fromMemory.abort()
        let piecewise = try CairnWriter(path: path, options: WriteOptions(chunkSize: 2, threads: 2))
        let readError = try #require(throws: CairnError.self) {
            try piecewise.write(name: "mask", role: .buffer, dtype: .bool, shape: [4]) { offset, buffer in
                buffer.copyBytes(from: bad.bytes[offset..<(offset + buffer.count)])
            }
        }
        #expect(readError.code.name == "invalidArgument")
        #expect(!FileManager.default.fileExists(atPath: path))
        let good = try CairnWriter(path: path, options: WriteOptions(threads: 1))
        try good.write(name: "mask", role: .buffer, tensor: try Tensor(dtype: .bool, shape: [4], bytes: [0, 1, 1, 0]))
        try good.commit(manifest: Data("{}".utf8))
        #expect(try CairnReader(path: path).read("mask").bytes == [0, 1, 1, 0])
    }
}
