import CairnModel
import Foundation
import Testing

/// Errors from the model layer keep the shape of every Cairn error: the file or node, what is wrong, and
/// the underlying cause, never flattened into a string.
@Suite struct CheckpointErrorTests {
    static func scratchFile(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cairn-model-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.appendingPathComponent(name).path
    }

    /// A sound container whose manifest is JSON but not a model manifest: `Checkpoint.load` keeps the
    /// `DecodingError` as the cause.
    @Test func loadKeepsTheManifestDecodingErrorAsTheCause() throws {
        let path = try Self.scratchFile("foreign.cairn")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let writer = try CairnWriter(path: path)
        try writer.commit(manifest: Data(#"{"creator": "somebody-else", "layers": 3}"#.utf8))

        let error = try #require(throws: CairnError.self) { try Checkpoint.load(from: path) }
        #expect(error.code == .invalidCheckpoint)
        #expect(error.path == path)
        let cause = try #require(error.cause as? DecodingError)
        guard case .keyNotFound(let key, _) = cause else {
            Issue.record("expected a missing key, got \(cause)")
            return
        }
        #expect(!key.stringValue.isEmpty)
        #expect(
            error.description == "\(path): not a Cairn training checkpoint: manifest: missing key '\(key.stringValue)'")
        #expect(!error.description.contains("\n"))
    }

    /// Bytes that are not JSON at all (the container refuses to write or read such a manifest, so this is the
    /// decoder alone): the cause is the decoder's `dataCorrupted`.
    @Test func manifestThatIsNotJSONHasTheDecodingErrorAsCause() throws {
        let error = try #require(throws: CairnError.self) { try CheckpointManifest.decode(Data("{\"a\": ".utf8)) }
        #expect(error.code == .invalidCheckpoint)
        let cause = try #require(error.cause as? DecodingError)
        guard case .dataCorrupted = cause else {
            Issue.record("expected dataCorrupted, got \(cause)")
            return
        }
        #expect(error.description == "manifest: not valid JSON")
    }

    @Test func graphErrorsNameTheNode() throws {
        var graph = GraphSpec.perceptron(
            inputs: 3, hidden: [4], outputs: 2, activation: .relu, alpha: 0.01, dropout: 0,
            classification: true)
        let twice = graph.nodes[0].name
        graph.nodes[1].name = twice
        let error = try #require(throws: CairnError.self) { try graph.validate() }
        #expect(error.code == .invalidGraph && error.node == twice)
        #expect(error.description == "graph node '\(twice)': name used twice")
        let empty = try #require(throws: CairnError.self) { try GraphSpec(nodes: []).validate() }
        #expect(empty.code == .invalidGraph && empty.node == nil && empty.description == "graph: has no nodes")
    }
}
