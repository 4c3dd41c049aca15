import CairnModel
import Testing
@testable import CairnEngine

/// Graphs whose values have shapes (`[C, H, W]`) run through the same kernels as feature vectors: a
/// flatten is a row-major copy, so a shaped graph computes bit for bit what the flat graph computes.
@Suite struct ShapedGraphTests {
    static func graph(shaped: Bool) -> GraphSpec {
        var nodes = [NodeSpec(name: "input", kind: .input, size: shaped ? nil : 18, shape: shaped ? [2, 3, 3] : nil)]
        var previous = "input"
        if shaped {
            nodes.append(NodeSpec(name: "flat", kind: .flatten, inputs: ["input"]))
            previous = "flat"
        }
        nodes += [
            NodeSpec(name: "d1", kind: .dense, inputs: [previous], units: 5),
            NodeSpec(name: "a1", kind: .tanh, inputs: ["d1"]),
            NodeSpec(name: "d2", kind: .dense, inputs: ["a1"], units: 3),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["d2"]),
        ]
        return GraphSpec(nodes: nodes)
    }

    @Test func flattenedImagesMatchFlatInputsBitForBit() throws {
        let shaped = try Network(graph: Self.graph(shaped: true), maxBatch: 8, threads: 1)
        let flat = try Network(graph: Self.graph(shaped: false), maxBatch: 8, threads: 1)
        #expect(shaped.inputWidth == 18 && shaped.parameters.map(\.shape) == flat.parameters.map(\.shape))
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        shaped.initialize(.heNormal, rng: &a)
        flat.initialize(.heNormal, rng: &b)
        #expect(shaped.parameters.map(\.values) == flat.parameters.map(\.values))
        var rng = RandomGenerator(seed: 3)
        let inputs = (0..<8 * 18).map { _ in rng.nextUniform() * 2 - 1 }
        let labels: [Int32] = (0..<8).map { Int32($0 % 3) }
        let lossShaped = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { l in
                shaped.lossAndGradients(inputs: x, targets: .labels(l), batch: 8, training: true, rng: &a)
            }
        }
        let lossFlat = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { l in
                flat.lossAndGradients(inputs: x, targets: .labels(l), batch: 8, training: true, rng: &b)
            }
        }
        #expect(lossShaped == lossFlat)
        #expect(shaped.parameters.map(\.gradient) == flat.parameters.map(\.gradient))
    }

    @Test func flattenPassesGradientsBack() throws {
        try GradientCheckTests.check([
            NodeSpec(name: "input", kind: .input, shape: [2, 2, 2]),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["input"]),
            NodeSpec(name: "d1", kind: .dense, inputs: ["flat"], units: 4),
            NodeSpec(name: "a1", kind: .sigmoid, inputs: ["d1"]),
            NodeSpec(name: "flat2", kind: .flatten, inputs: ["a1"]),
            NodeSpec(name: "d2", kind: .dense, inputs: ["flat2"], units: 3),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["d2"]),
        ])
    }

    @Test func initializationUsesTheKindsFans() throws {
        let network = try Network(graph: Self.graph(shaped: true), maxBatch: 1, threads: 1)
        let weight = try #require(network.parameter(named: "d1.weight"))
        #expect(weight.fanIn == 18 && weight.fanOut == 5 && weight.initialization == .scheme)
        #expect(network.parameter(named: "d1.bias")?.initialization == .zeros)
    }
}
