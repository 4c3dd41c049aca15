import CairnFormat
import CairnModel
import Foundation
import Testing
@testable import CairnInspect

@Suite struct GraphInferenceTests {
    func entries(_ layers: [(String, Int, Int)]) -> [TensorEntry] {
        layers.flatMap { name, out, input in
            [
                TensorEntry(name: "\(name).weight", dtype: .f32, shape: [out, input], role: .parameter),
                TensorEntry(name: "\(name).bias", dtype: .f32, shape: [out], role: .parameter),
            ]
        }
    }

    @Test(arguments: [
        ["dense1", "dense2", "dense3"], ["fc1", "fc2", "fc3"], ["0", "2", "4"], ["layers.0", "layers.1", "layers.2"],
    ])
    func namingStyles(names: [String]) throws {
        let tensors = entries([(names[2], 3, 8), (names[0], 16, 4), (names[1], 8, 16)]).reversed()
        let graph = try GraphInference.perceptron(
            from: Array(tensors), activation: .tanh, classification: true, path: "m")
        #expect(graph.nodes.map(\.kind) == [.input, .dense, .tanh, .dense, .tanh, .dense, .softmax])
        #expect(graph.denseNodes.map(\.name) == names)
        #expect(graph.inputWidth == 4)
        try GraphInference.check(graph, against: Array(tensors), path: "m")
    }

    @Test func naturalOrderPutsTenAfterTwo() throws {
        let names = (0...10).map { "layers.\($0)" }
        let tensors = entries(names.enumerated().map { ($1, 5, 5) }.shuffled())
        let graph = try GraphInference.perceptron(from: tensors, activation: .relu, classification: false, path: "m")
        #expect(graph.denseNodes.map(\.name) == names)
        #expect(graph.output?.kind == .dense)
    }

    @Test func optimizerSlotsAreIgnored() throws {
        var tensors = entries([("fc1", 3, 2)])
        tensors.append(TensorEntry(name: "fc1.weight.adam_m", dtype: .f32, shape: [3, 2], role: .optimizerSlot))
        #expect(
            try GraphInference.perceptron(from: tensors, activation: .relu, classification: true, path: "m").nodes.count
                == 3)
    }

    @Test(arguments: [
        ([("fc1", 16, 4), ("fc2", 3, 9)], "takes 9 inputs but the layer before gives 16"),
        ([("fc1", 16, 4)], ""),
    ])
    func chainsThatDoNotFit(layers: [(String, Int, Int)], fragment: String) throws {
        var tensors = entries(layers)
        if fragment.isEmpty {
            tensors.append(TensorEntry(name: "embedding.table", dtype: .f32, shape: [3, 3], role: .parameter))
        }
        let error = try #require(throws: CairnError.self) {
            try GraphInference.perceptron(from: tensors, activation: .relu, classification: true, path: "m.safetensors")
        }
        #expect(error.description.contains(fragment.isEmpty ? "embedding.table" : fragment), "\(error)")
        #expect(error.description.contains("--model"))
    }

    @Test func givenGraphMustFitTheTensors() throws {
        let graph = GraphSpec.perceptron(inputs: 4, hidden: [8], outputs: 2, activation: .relu, classification: true)
        try GraphInference.check(graph, against: entries([("dense1", 8, 4), ("dense2", 2, 8)]), path: "m")
        let error = try #require(throws: CairnError.self) {
            try GraphInference.check(graph, against: entries([("dense1", 8, 5), ("dense2", 2, 8)]), path: "m")
        }
        #expect(error.description.contains("dense1.weight has shape [8, 5], the graph needs [8, 4]"))
        #expect(error.code == .shapeMismatch && error.path == "m")
    }

    @Test func torchSequentialFixtureImportsWithInferredGraph() throws {
        let folder = TestFiles.folder("torch")
        let report = try Converter.convert(
            input: TestFiles.fixture("Fixtures/interop/torch-sequential.safetensors"), output: "\(folder)/m.cairn")
        #expect(report.graph == "inferred")
        let reader = try CairnReader(path: "\(folder)/m.cairn")
        let manifest = try #require(try JSONSerialization.jsonObject(with: reader.manifest) as? [String: Any])
        #expect(manifest["creator"] as? String == "cairn-convert 0.1.0")
        #expect(manifest["task"] as? String == "classification")
        #expect(manifest["source_format"] as? String == "safetensors")
        #expect((manifest["metadata"] as? [String: String])?["format"] == "pt")
        let graph = try JSONDecoder().decode(
            GraphSpec.self, from: JSONSerialization.data(withJSONObject: manifest["graph"]!))
        #expect(graph.nodes.map(\.name) == ["input", "0", "act1", "2", "softmax"])
        #expect(reader.info(named: "2.weight")?.dtype == .f16)
    }
}
