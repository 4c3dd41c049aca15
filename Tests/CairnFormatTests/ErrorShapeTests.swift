import CairnFormat
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One error shape for every layer: a code with a stable name, a one-line description naming the place,
/// and the underlying cause.
@Suite struct ErrorShapeTests {
    /// The names are part of the format's contract (spec section on errors, `--json` outputs): renaming one
    /// breaks readers of those outputs, so the list is spelled out here.
    @Test func everyCodeHasAStableName() {
        let names = CairnError.Code.allCases.map(\.name)
        #expect(
            names == [
                "notFound", "io", "truncated", "badMagic", "unsupportedVersion", "checksumMismatch", "limitExceeded",
                "malformed", "shapeMismatch", "noSuchTensor", "invalidArgument", "unsupportedFeature", "alreadyExists",
                "invalidCheckpoint", "invalidGraph", "invalidData", "incompatible", "diverged", "invalidConfiguration",
            ])
        #expect(Set(names).count == names.count)
        for code in CairnError.Code.allCases {
            #expect(CairnError.Code(name: code.name) == code)
            #expect(code.description == code.name)
        }
        #expect(CairnError.Code(name: "kind") == nil)
    }

    @Test func containerKindsGiveTheCodeOfTheSameName() {
        let kinds: [CairnError.Kind] = [
            .notFound, .io("x"), .truncated, .badMagic, .unsupportedVersion(major: 9, minor: 0), .checksumMismatch,
            .limitExceeded("x"), .malformed("x"), .shapeMismatch(expected: [1], actual: [2]), .noSuchTensor,
            .invalidArgument("x"), .unsupportedFeature("x"), .alreadyExists,
        ]
        for kind in kinds {
            #expect(kind.code.name == kind.name)
            #expect(CairnError(path: "m.cairn", kind: kind).code == kind.code)
        }
    }

    @Test func descriptionsAreOneLineAndNameThePlace() {
        let chunk = CairnError(
            path: "runs/a/latest.cairn", kind: .checksumMismatch, tensor: "dense2.weight", chunk: 3,
            offset: 18_874_368)
        #expect(
            chunk.description
                == "runs/a/latest.cairn: tensor dense2.weight, chunk 3 at byte 18874368: checksum mismatch (file damaged)"
        )

        let node = CairnError.graph(node: "dense1", "units must be positive", path: "model.cairn")
        #expect(node.code == .invalidGraph)
        #expect(node.description == "model.cairn: graph node 'dense1': units must be positive")
        #expect(CairnError.graph(node: nil, "no input node").description == "graph: no input node")

        let data = CairnError.data(path: "train.csv", line: 12, "3 fields, expected 5")
        #expect(data.description == "train.csv: line 12: 3 fields, expected 5")

        // Line breaks in names and in causes never split the line.
        let hostile = CairnError(
            .malformed, path: "m.cairn", node: "a\nb", tensor: "w\r\n", "bad",
            cause: CairnError.data(path: "x.csv", "first\nsecond"))
        #expect(!hostile.description.contains("\n") && !hostile.description.contains("\r"))
        #expect(
            hostile.description.hasPrefix("m.cairn: graph node 'a\\u{A}b': tensor w\\u{D}\\u{A}: bad: x.csv: first"))
    }

    @Test func theCauseEndsTheDescription() {
        let inner = CairnError.data(path: "train.csv", line: 4, "not a number")
        let outer = CairnError.incompatible(path: "model.cairn", "cannot be scored on that data", cause: inner)
        #expect(outer.description == "model.cairn: cannot be scored on that data: train.csv: line 4: not a number")
        #expect((outer.cause as? CairnError) == inner)
        #expect(outer != CairnError.incompatible(path: "model.cairn", "cannot be scored on that data"))
    }

    @Test func namingKeepsAnErrorThatAlreadyNamesThePath() {
        let own = CairnError(path: "a.cairn", kind: .truncated)
        #expect(CairnError.naming("a.cairn", own) == own)
        let other = CairnError.naming("b.cairn", own)
        #expect(
            other.path == "b.cairn" && other.code == .truncated && other.description.hasPrefix("b.cairn: a.cairn: "))
        let foreign = CairnError.naming("c.json", CocoaError(.fileReadCorruptFile), otherwise: .invalidData)
        #expect(foreign.code == .invalidData && foreign.cause is CocoaError)
    }

    @Test func ioErrorsCarryTheErrno() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        // A path through a regular file: open fails with ENOTDIR, which is trouble, not "no such file".
        let path = file.path + "/model.cairn"
        let error = try #require(throws: CairnError.self) { try CairnReader(path: path) }
        #expect(error.code == .io)
        let cause = try #require(error.cause as? SystemCallError)
        #expect(cause.errno == ENOTDIR && cause.call == "open")
        #expect(error.description == "\(path): I/O error: cannot open: \(String(cString: strerror(ENOTDIR)))")

        let write = try #require(throws: CairnError.self) { try CairnWriter(path: path) }
        #expect(write.code == .io && (write.cause as? SystemCallError)?.errno == ENOTDIR)
        #expect(write.path == path)
    }

    @Test func decodingErrorsAreDescribedByTheirKey() {
        struct Shape: Decodable { var rows: Int }
        let missing = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Shape.self, from: Data("{}".utf8))
        }
        #expect(missing.map(CairnError.describe) == "missing key 'rows'")
        let invalid = #expect(throws: DecodingError.self) { try JSONDecoder().decode(Shape.self, from: Data("{".utf8)) }
        #expect(invalid.map(CairnError.describe) == "not valid JSON")
    }
}
