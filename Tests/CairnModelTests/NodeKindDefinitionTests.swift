import CairnModel
import Foundation
import Testing

/// Each node kind is described once; the graph schema, validation and parameter lists follow from it.
@Suite struct NodeKindDefinitionTests {
    /// `Formats/graph-v1.schema.json`, parsed.
    static func schema() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Formats/graph-v1.schema.json")
        return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func nodeSchema() throws -> [String: Any] {
        let defs = try #require(try schema()["$defs"] as? [String: Any])
        return try #require(defs["node"] as? [String: Any])
    }

    @Test func schemaListsExactlyTheCodesKinds() throws {
        let properties = try #require(try Self.nodeSchema()["properties"] as? [String: Any])
        let kind = try #require(properties["kind"] as? [String: Any])
        let listed = try #require(kind["enum"] as? [String])
        #expect(listed == NodeKind.allCases.map(\.rawValue))
        for kind in NodeKind.allCases { #expect(kind.definition.kind == kind) }
    }

    @Test func schemaHasEveryAttributeAndTheRequiredOnes() throws {
        let node = try Self.nodeSchema()
        let properties = try #require(node["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(["name", "kind", "inputs"] + NodeAttribute.allCases.map(\.rawValue)))
        // Every kind's required attributes are required by the schema, and nothing more.
        var required: [String: Set<String>] = [:]
        for rule in try #require(node["allOf"] as? [[String: Any]]) {
            let condition = try #require((rule["if"] as? [String: Any])?["properties"] as? [String: Any])
            let kind = try #require((condition["kind"] as? [String: Any])?["const"] as? String)
            let then = try #require(rule["then"] as? [String: Any])
            required[kind] = Set((then["required"] as? [String] ?? []).filter { $0 != "inputs" })
        }
        for kind in NodeKind.allCases {
            #expect(
                required[kind.rawValue, default: []] == Set(kind.definition.requiredAttributes.map(\.rawValue)),
                "schema and definition disagree on \(kind.rawValue)'s required attributes")
        }
    }

    @Test func activationsComeFromTheDefinitions() {
        #expect(NodeKind.activations == [.relu, .leakyRelu, .tanh, .sigmoid, .identity])
        #expect(NodeKind.activationChoices == "relu, leaky-relu, tanh, sigmoid or identity")
        #expect(NodeKind.activation(named: "leaky-relu") == .leakyRelu)
        #expect(NodeKind.activation(named: "dense") == nil)
    }

    @Test func denseOwnsWeightAndBiasWithItsFans() throws {
        let graph = GraphSpec.perceptron(inputs: 5, hidden: [3], outputs: 2, activation: .relu, classification: true)
        let parameters = try graph.parameterDefinitions()
        #expect(parameters.map(\.name) == ["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"])
        #expect(parameters[0].shape == [3, 5] && parameters[0].fanIn == 5 && parameters[0].fanOut == 3)
        #expect(parameters[0].initialization == .scheme && parameters[1].initialization == .zeros)
        #expect(parameters[2].shape == [2, 3] && parameters[3].shape == [2])
    }

    @Test func shapedInputsFlowThroughFlatten() throws {
        let graph = GraphSpec(nodes: [
            NodeSpec(name: "image", kind: .input, shape: [1, 8, 8]),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["image"]),
            NodeSpec(name: "out", kind: .dense, inputs: ["flat"], units: 10),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["out"]),
        ])
        let shapes = try graph.validate()
        #expect(shapes.shape(of: "image") == ValueShape([1, 8, 8]))
        #expect(shapes.shape(of: "flat") == .features(64))
        #expect(shapes["image"] == 64)
        #expect(graph.inputWidth == 64 && graph.inputShape == ValueShape([1, 8, 8]))
        #expect(try graph.parameterDefinitions().first?.shape == [10, 64])
    }

    @Test func shapeErrorsNameTheNodeAndBothShapes() throws {
        let direct = GraphSpec(nodes: [
            NodeSpec(name: "image", kind: .input, shape: [1, 8, 8]),
            NodeSpec(name: "out", kind: .dense, inputs: ["image"], units: 10),
        ])
        #expect { try direct.validate() } throws: { error in
            "\(error)".contains("'out'") && "\(error)".contains("'image' gives [1, 8, 8]")
                && "\(error)".contains("flatten")
        }
        let mismatch = GraphSpec(nodes: [
            NodeSpec(name: "in", kind: .input, size: 4),
            NodeSpec(name: "a", kind: .dense, inputs: ["in"], units: 3),
            NodeSpec(name: "skip", kind: .add, inputs: ["in", "a"]),
        ])
        #expect { try mismatch.validate() } throws: { error in
            "\(error)" == "graph node 'skip': inputs have different shapes: 'in' gives [4], 'a' gives [3]"
        }
        let both = GraphSpec(nodes: [NodeSpec(name: "in", kind: .input, size: 10, shape: [2, 4])])
        #expect { try both.validate() } throws: { error in "\(error)".contains("size 10 does not match shape [2, 4]") }
        let rank4 = GraphSpec(nodes: [NodeSpec(name: "in", kind: .input, shape: [1, 2, 3, 4])])
        #expect(throws: (any Error).self) { try rank4.validate() }
        let huge = GraphSpec(nodes: [NodeSpec(name: "in", kind: .input, shape: [1 << 20, 1 << 20, 1 << 20])])
        #expect(throws: (any Error).self) { try huge.validate() }
    }

    @Test func version10GraphsDecodeAndEncodeUnchanged() throws {
        let json =
            #"{"nodes":[{"kind":"input","name":"input","size":4},{"inputs":["input"],"kind":"dense","name":"d","units":2}]}"#
        let graph = try JSONDecoder().decode(GraphSpec.self, from: Data(json.utf8))
        #expect(graph.nodes[0].shape == nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(graph), as: UTF8.self) == json)
    }

    @Test func summariesShowAttributes() {
        let node = NodeSpec(name: "act", kind: .leakyRelu, inputs: ["d"], alpha: 0.2)
        #expect(node.kind.definition.attributeSummary(of: node) == "alpha 0.2")
        let dense = NodeSpec(name: "d", kind: .dense, inputs: ["in"], units: 64)
        #expect(dense.kind.definition.attributeSummary(of: dense) == "units 64")
    }
}
