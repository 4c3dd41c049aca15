import CairnEngine
import CairnEvaluation
import CairnModel
import Foundation
import Testing

/// A PyTorch CNN saved with safetensors (`Fixtures/interop/torch-cnn`, written by
/// `Tests/EndToEnd/make_torch_cnn.py`) computes in Cairn the logits PyTorch computed.
@Suite struct TorchCNNImportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/interop/torch-cnn").path

    @Test func safetensorsCNNGivesPyTorchsLogits() throws {
        let graph = try JSONDecoder().decode(
            GraphSpec.self,
            from: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/graph.json")))
        var options = EvaluatedModel.Options()
        options.graph = graph
        let model = try EvaluatedModel.open(Self.folder + "/model.safetensors", options: options)
        let inputs = try NPYLoader.read(path: Self.folder + "/inputs.npy")
        let expected = try NPYLoader.read(path: Self.folder + "/logits.npy")
        #expect(inputs.shape == [5, 1, 8, 8] && expected.shape == [5, 10])
        let network = try model.network(maxBatch: 5, threads: 2)
        #expect(network.parameter(named: "1.running_var")?.isBuffer == true)
        let logits = inputs.values.withUnsafeBufferPointer { network.predict($0, batch: 5) }
        #expect(logits.count == expected.values.count)
        var worst: Float = 0
        for (a, b) in zip(logits, expected.values) { worst = max(worst, abs(a - b) / max(1, abs(b))) }
        #expect(worst <= 1e-5, "largest difference from PyTorch's logits: \(worst)")
    }
}
