import CairnModel
import Testing
@testable import CairnEngine

/// Convolutional node kinds inside whole networks: central finite differences through every kind, batch
/// normalisation's training and evaluation statistics, frozen statistics, and bit-identical repeats.
@Suite struct ConvolutionalNetworkTests {
    static func image2D() -> [NodeSpec] {
        [
            NodeSpec(name: "input", kind: .input, shape: [2, 6, 6]),
            // No bias before a batch-norm: normalising removes it, so its gradient is exactly zero in training.
            NodeSpec(
                name: "conv1", kind: .conv2d, inputs: ["input"], channels: 3, kernel: [3], padding: .same, bias: false),
            NodeSpec(name: "bn1", kind: .batchNorm, inputs: ["conv1"]),
            NodeSpec(name: "act1", kind: .tanh, inputs: ["bn1"]),
            NodeSpec(name: "pool1", kind: .maxPool, inputs: ["act1"], kernel: [2]),
            NodeSpec(
                name: "conv2", kind: .conv2d, inputs: ["pool1"], channels: 4, kernel: [2, 3], stride: [1, 2],
                padding: .zeros([1, 1]), bias: false),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["conv2"]),
            NodeSpec(name: "dense", kind: .dense, inputs: ["flat"], units: 3),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["dense"]),
        ]
    }

    @Test func conv2dBatchNormMaxPoolTrainingGradients() throws {
        try GradientCheckTests.check(Self.image2D(), batch: 3, training: true, step: 1e-3, tolerance: 5e-3)
    }

    @Test func conv2dBatchNormEvaluationGradients() throws {
        try GradientCheckTests.check(Self.image2D(), batch: 2, training: false, step: 1e-3, tolerance: 5e-3)
    }

    @Test func conv1dAveragePoolGlobalPoolRegressionGradients() throws {
        try GradientCheckTests.check(
            [
                NodeSpec(name: "input", kind: .input, shape: [2, 11]),
                NodeSpec(
                    name: "conv1", kind: .conv1d, inputs: ["input"], channels: 3, kernel: [3], stride: [2],
                    padding: .zeros([1])),
                NodeSpec(name: "act1", kind: .sigmoid, inputs: ["conv1"]),
                NodeSpec(name: "pool1", kind: .avgPool, inputs: ["act1"], kernel: [2], padding: .zeros([1])),
                NodeSpec(
                    name: "conv2", kind: .conv1d, inputs: ["pool1"], channels: 4, kernel: [2], padding: .same,
                    dilation: [2], bias: false),
                NodeSpec(name: "bn2", kind: .batchNorm, inputs: ["conv2"], momentum: 0.3),
                NodeSpec(name: "gap", kind: .globalAvgPool, inputs: ["bn2"]),
                NodeSpec(name: "out", kind: .dense, inputs: ["gap"], units: 2),
            ], batch: 4, training: true, step: 1e-3, tolerance: 5e-3)
    }

    @Test func shapesAndParametersFollowPyTorch() throws {
        let graph = GraphSpec(nodes: Self.image2D())
        let shapes = try graph.validate()
        #expect(shapes.shape(of: "conv1") == ValueShape([3, 6, 6]))
        #expect(shapes.shape(of: "pool1") == ValueShape([3, 3, 3]))
        #expect(shapes.shape(of: "conv2") == ValueShape([4, 4, 2]))
        let parameters = try graph.parameterDefinitions()
        #expect(
            parameters.map(\.name) == [
                "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                "bn1.running_var", "conv2.weight", "dense.weight", "dense.bias",
            ])
        #expect(parameters[0].shape == [3, 2, 3, 3] && parameters[0].fanIn == 18 && parameters[0].fanOut == 27)
        #expect(parameters[3].kind == .buffer && parameters[4].initialization == .ones)
        #expect(parameters[5].shape == [4, 3, 2, 3])
    }

    @Test func shapeErrorsNameTheNodeAndShapes() throws {
        let flat = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, size: 64),
            NodeSpec(name: "conv", kind: .conv2d, inputs: ["input"], channels: 2, kernel: [3]),
        ])
        #expect { try flat.validate() } throws: { error in
            "\(error)".contains("'conv'") && "\(error)".contains("[channels, height, width]")
                && "\(error)".contains("'input' gives [64]")
        }
        let tooBig = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 4, 4]),
            NodeSpec(name: "conv", kind: .conv2d, inputs: ["input"], channels: 2, kernel: [5]),
        ])
        #expect { try tooBig.validate() } throws: { error in
            "\(error)".contains("'conv'") && "\(error)".contains("[1, 4, 4]")
        }
        let strided = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 9]),
            NodeSpec(
                name: "conv", kind: .conv1d, inputs: ["input"], channels: 2, kernel: [3], stride: [2], padding: .same),
        ])
        #expect { try strided.validate() } throws: { error in "\(error)".contains("same") }
    }

    /// Trains `steps` steps on fixed data and returns every parameter's values.
    static func train(frozenBatchNorm: Bool = false, steps: Int = 4, threads: Int = 2) throws -> Network {
        let network = try Network(graph: GraphSpec(nodes: image2D()), maxBatch: 8, threads: threads)
        var rng = RandomGenerator(seed: 11)
        network.initialize(.heNormal, rng: &rng)
        if frozenBatchNorm {
            for parameter in network.parameters where parameter.node == "bn1" { parameter.isFrozen = true }
        }
        let optimizer = Optimizer(
            config: OptimizerConfig(kind: .adam, learningRate: 0.01), parameters: network.parameters)
        let inputs = (0..<8 * 72).map { _ in rng.nextUniform() * 2 - 1 }
        let labels: [Int32] = (0..<8).map { Int32($0 % 3) }
        for _ in 0..<steps {
            _ = inputs.withUnsafeBufferPointer { x in
                labels.withUnsafeBufferPointer { l in
                    network.trainStep(
                        inputs: x, targets: .labels(l), batch: 8, optimizer: optimizer, learningRate: 0.01,
                        rng: &rng)
                }
            }
        }
        return network
    }

    @Test func runningStatisticsMoveWhileTrainingAndNotWhenFrozen() throws {
        let trained = try Self.train()
        #expect(trained.parameter(named: "bn1.running_mean")!.values.contains { $0 != 0 })
        #expect(trained.parameter(named: "bn1.running_var")!.values.contains { $0 != 1 })
        let frozen = try Self.train(frozenBatchNorm: true)
        #expect(frozen.parameter(named: "bn1.running_mean")!.values.allSatisfy { $0 == 0 })
        #expect(frozen.parameter(named: "bn1.running_var")!.values.allSatisfy { $0 == 1 })
        #expect(frozen.parameter(named: "bn1.weight")!.values.allSatisfy { $0 == 1 })
        #expect(frozen.parameter(named: "conv1.weight")!.values != trained.parameter(named: "conv1.weight")!.values)
    }

    @Test func trainingRepeatsBitForBitAtAThreadCount() throws {
        for threads in [1, 2] {
            let a = try Self.train(threads: threads), b = try Self.train(threads: threads)
            #expect(a.parameters.map(\.values) == b.parameters.map(\.values))
        }
    }
}
