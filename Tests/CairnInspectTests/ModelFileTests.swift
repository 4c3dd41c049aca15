import CairnFormat
import CairnModel
import Foundation
import Testing
@testable import CairnInspect

@Suite struct ModelFileTests {
    let torch = TestFiles.fixture("Fixtures/interop/torch-sequential.safetensors")

    @Test func safetensorsGetsAnInferredGraph() throws {
        let model = try ModelFile.open(torch)
        #expect(model.format == .safetensors)
        #expect(model.graphOrigin == "inferred")
        #expect(model.graph?.denseNodes.map(\.name) == ["0", "2"])
        #expect(model.task == .classification)
        #expect(model.checkpointManifest == nil)
        #expect(try model.floats(named: "2.weight") == [0, 1, 2, 3, 4, 5])
        #expect(try model.floats(named: "0.bias") == [1, 2, 3])
    }

    @Test func importedCairnKeepsItsRecordedGraph() throws {
        let folder = TestFiles.folder("modelfile")
        let imported = folder + "/imported.cairn"
        _ = try Converter.convert(input: torch, output: imported)
        let model = try ModelFile.open(imported)
        #expect(model.format == .cairn)
        #expect(model.graphOrigin == "recorded")
        #expect(model.graph?.denseNodes.map(\.name) == ["0", "2"])
        #expect(model.checkpointManifest == nil)
        #expect(try model.floats(named: "2.weight") == [0, 1, 2, 3, 4, 5])
    }

    @Test func regressionOptionLeavesTheSoftmaxOff() throws {
        var options = ModelFile.Options()
        options.task = .regression
        options.activation = .tanh
        let model = try ModelFile.open(torch, options: options)
        #expect(model.task == .regression)
        #expect(model.graph?.nodes.map(\.kind) == [.input, .dense, .tanh, .dense])
    }

    @Test func halfTypesConvertExactly() throws {
        let model = try ModelFile.open(TestFiles.fixture("Fixtures/interop/half-types.safetensors"))
        let bf16 = try model.floats(named: "bf16"), f16 = try model.floats(named: "f16")
        for values in [bf16, f16] {
            #expect(values[0] == 1 && values[1] == -2 && values[2].isNaN && values[3] == -.infinity)
            #expect(values[5] == 0 && values[5].sign == .minus)
        }
        #expect(model.graph == nil && model.graphOrigin == "none" && !model.notices.isEmpty)
    }

    @Test func npzArchives() throws {
        let model = try ModelFile.open(TestFiles.fixture("Fixtures/interop/numpy-savez-compressed.npz"))
        #expect(model.format == .npz)
        #expect(try model.floats(named: "ids") == [-2, -1, 0, 1, 2])
        #expect(try model.floats(named: "mask") == [1, 0, 1])
    }

    /// Writes `torch`'s tensors as two shards and an index; returns the index's path.
    func writeShards(
        in folder: String,
        index: (String, String) -> String = { a, b in
            #"{"metadata": {"total_size": 64}, "weight_map": {"0.weight": "\#(a)", "0.bias": "\#(a)", "2.weight": "\#(b)", "2.bias": "\#(b)"}}"#
        }
    ) throws -> String {
        let source = try SafetensorsSource(path: torch)
        let names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        for (shard, prefix) in zip(names, ["0.", "2."]) {
            let indices = source.entries.indices.filter { source.entries[$0].name.hasPrefix(prefix) }
            let sink = try SafetensorsSink(
                path: folder + "/" + shard, entries: indices.map { source.entries[$0] }, metadata: ["format": "pt"])
            for index in indices {
                let bytes = try source.load(index)
                try bytes.withUnsafeBytes { try sink.write(source.entries[index], bytes: $0) }
            }
            try sink.commit()
        }
        let path = folder + "/model.safetensors.index.json"
        try Data(index(names[0], names[1]).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func shardedCheckpointReadsAsOneModel() throws {
        let path = try writeShards(in: TestFiles.folder("sharded"))
        let model = try ModelFile.open(path)
        #expect(model.format == .shardedSafetensors)
        #expect(Set(model.entries.map(\.name)) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(model.graph?.denseNodes.map(\.name) == ["0", "2"])
        #expect(try model.floats(named: "2.weight") == [0, 1, 2, 3, 4, 5])
        let sharded = try #require(model.source as? PiecewiseTensorSource)
        let index = try #require(model.index(of: "0.bias"))
        var buffer = [UInt8](repeating: 0, count: 4)
        try buffer.withUnsafeMutableBytes { try sharded.read(index, at: 4, into: $0) }
        #expect(buffer.withUnsafeBytes { $0.loadUnaligned(as: Float.self) } == 2)
    }

    @Test(arguments: [
        (#"{"weight_map": {"0.weight": "gone.safetensors"}}"#, "missing"),
        (#"{"weight_map": {"0.weight": "../model-00001-of-00002.safetensors"}}"#, "not a file beside the index"),
        (#"{"weight_map": {"0.weight": "/etc/passwd"}}"#, "not a file beside the index"),
        (#"{"weight_map": {"0.weight": "model-00002-of-00002.safetensors"}}"#, "not in its shard"),
        (#"{"weight_map": {"0.weight": 3}}"#, "not a file name"),
        (#"{"metadata": {}}"#, "no \"weight_map\""),
        (#"[1, 2]"#, "not a JSON object"),
    ])
    func badShardIndexes(index: String, expected: String) throws {
        let path = try writeShards(in: TestFiles.folder("badshards"), index: { _, _ in index })
        do {
            _ = try ModelFile.open(path)
            Issue.record("opened a bad index")
        } catch let error as CairnError {
            #expect(error.description.hasPrefix(path))
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func unknownExtensionAndMissingFile() throws {
        #expect(throws: CairnError.self) { try ModelFile.open("weights.bin") }
        #expect(throws: (any Error).self) { try ModelFile.open("/nonexistent/model.cairn") }
        #expect(throws: (any Error).self) { try ModelFile.open("/nonexistent/model.safetensors.index.json") }
    }
}
