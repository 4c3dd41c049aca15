import CairnModel
import Testing
@testable import CairnEngine

/// Backward passes against central finite differences. The loss is perturbed in Float with a step
/// large enough to beat its rounding and small enough for the O(h^2) error; gradients are compared
/// with a relative tolerance on the whole vector and per element.
@Suite("Gradient checks")
struct GradientCheckTests {
    static func node(
        _ name: String, _ kind: NodeKind, _ inputs: [String] = [], size: Int? = nil, units: Int? = nil,
        alpha: Float? = nil, rate: Float? = nil, scales: [Float]? = nil
    ) -> NodeSpec {
        NodeSpec(
            name: name, kind: kind, inputs: inputs, size: size, units: units, alpha: alpha, rate: rate, scales: scales)
    }

    /// Builds the network, gives it random inputs and targets, and compares every parameter's
    /// gradient (and, through the first layer, the whole chain) with finite differences.
    static func check(
        _ nodes: [NodeSpec], batch: Int = 4, training: Bool = false, seed: UInt64 = 1,
        step: Float = 1e-2, tolerance: Double = 2e-3
    ) throws {
        let network = try Network(graph: GraphSpec(nodes: nodes), maxBatch: batch)
        var rng = RandomGenerator(seed: seed)
        network.initialize(.normal(sigma: 0.6), rng: &rng)
        for parameter in network.parameters where parameter.shape.count == 1 {
            // Buffers (running statistics) stay positive: a running variance below zero has no square root.
            let offset: Float = parameter.isBuffer ? 0.5 : -0.5
            parameter.values = parameter.values.map { _ in rng.nextUniform() + offset }
        }
        let inputs = (0..<batch * network.inputWidth).map { _ in rng.nextUniform() * 2 - 1 }
        let labels = (0..<batch).map { _ in Int32(rng.boundedDraw(UInt64(network.outputWidth))) }
        let values = (0..<batch * network.outputWidth).map { _ in rng.nextUniform() * 2 - 1 }
        let maskState = rng  // every evaluation draws the same dropout masks

        func loss() -> Double {
            var local = maskState
            return inputs.withUnsafeBufferPointer { x in
                labels.withUnsafeBufferPointer { l in
                    values.withUnsafeBufferPointer { v in
                        let targets: Targets = network.task == .classification ? .labels(l) : .values(v)
                        return network.lossAndGradients(
                            inputs: x, targets: targets, batch: batch, training: training, rng: &local)
                    }
                }
            }
        }
        _ = loss()
        let analytic = network.parameters.map(\.gradient)
        for (index, parameter) in network.parameters.enumerated() {
            if parameter.isBuffer {
                // Buffers (running statistics) are state, not trained: no gradient.
                #expect(analytic[index].allSatisfy { $0 == 0 }, "\(parameter.name): a buffer got a gradient")
                continue
            }
            var numeric = [Double](repeating: 0, count: parameter.count)
            for i in 0..<parameter.count {
                let saved = parameter.values[i]
                parameter.values[i] = saved + step
                let plus = loss()
                parameter.values[i] = saved - step
                let minus = loss()
                parameter.values[i] = saved
                numeric[i] = (plus - minus) / (2 * Double(step))
            }
            var difference = 0.0, size = 0.0
            for i in 0..<parameter.count {
                let a = Double(analytic[index][i])
                difference += (a - numeric[i]) * (a - numeric[i])
                size += max(a * a, numeric[i] * numeric[i])
                #expect(
                    abs(a - numeric[i]) <= 2e-2 * max(abs(a), abs(numeric[i])) + 2e-3,
                    "\(parameter.name)[\(i)]: analytic \(a), numeric \(numeric[i])")
            }
            let relative = (difference / max(size, 1e-12)).squareRoot()
            #expect(relative < tolerance, "\(parameter.name): relative error \(relative)")
            #expect(size > 0, "\(parameter.name): gradient is all zero")
        }
    }

    @Test func smoothActivationsWithSoftmaxCrossEntropy() throws {
        try Self.check([
            Self.node("input", .input, size: 5),
            Self.node("dense1", .dense, ["input"], units: 6), Self.node("tanh1", .tanh, ["dense1"]),
            Self.node("dense2", .dense, ["tanh1"], units: 5), Self.node("sig2", .sigmoid, ["dense2"]),
            Self.node("dense3", .dense, ["sig2"], units: 4), Self.node("id3", .identity, ["dense3"]),
            Self.node("dense4", .dense, ["id3"], units: 3), Self.node("softmax", .softmax, ["dense4"]),
        ])
    }

    @Test func reluFamilyWithSoftmaxCrossEntropy() throws {
        try Self.check(
            [
                Self.node("input", .input, size: 4),
                Self.node("dense1", .dense, ["input"], units: 7), Self.node("act1", .leakyRelu, ["dense1"], alpha: 0.1),
                Self.node("dense2", .dense, ["act1"], units: 6), Self.node("act2", .relu, ["dense2"]),
                Self.node("dense3", .dense, ["act2"], units: 4), Self.node("softmax", .softmax, ["dense3"]),
            ], step: 1e-3, tolerance: 5e-3)
    }

    @Test func multiOutputSquaredError() throws {
        try Self.check(
            [
                Self.node("input", .input, size: 3),
                Self.node("dense1", .dense, ["input"], units: 5), Self.node("act1", .tanh, ["dense1"]),
                Self.node("dense2", .dense, ["act1"], units: 3),
            ], batch: 5)
    }

    /// `a = W (x + lambda * y)` with `y = tanh(V x)`: a skip connection through `add` with scales, so
    /// `x` gets gradient from two paths.
    @Test func skipConnectionThroughScaledAdd() throws {
        try Self.check([
            Self.node("input", .input, size: 4),
            Self.node("dense0", .dense, ["input"], units: 4), Self.node("x", .sigmoid, ["dense0"]),
            Self.node("dense1", .dense, ["x"], units: 4), Self.node("y", .tanh, ["dense1"]),
            Self.node("sum", .add, ["x", "y"], scales: [1, 0.7]),
            Self.node("dense2", .dense, ["sum"], units: 2),
        ])
    }

    /// One node used twice by the same add, and an add of the raw input (which needs no gradient).
    @Test func repeatedInputsAndInputSkip() throws {
        try Self.check([
            Self.node("input", .input, size: 3),
            Self.node("dense1", .dense, ["input"], units: 3), Self.node("h", .tanh, ["dense1"]),
            Self.node("twice", .add, ["h", "h", "input"], scales: [0.5, -1.5, 2]),
            Self.node("dense2", .dense, ["twice"], units: 3), Self.node("softmax", .softmax, ["dense2"]),
        ])
    }

    @Test func dropoutWithFixedMask() throws {
        try Self.check(
            [
                Self.node("input", .input, size: 5),
                Self.node("dense1", .dense, ["input"], units: 8), Self.node("act1", .tanh, ["dense1"]),
                Self.node("drop1", .dropout, ["act1"], rate: 0.4),
                Self.node("dense2", .dense, ["drop1"], units: 3), Self.node("softmax", .softmax, ["dense2"]),
            ], batch: 6, training: true)
    }

    /// A dense branch that does not reach the output gets a zero gradient, not garbage.
    @Test func deadBranchHasZeroGradient() throws {
        let network = try Network(
            graph: GraphSpec(nodes: [
                Self.node("input", .input, size: 2),
                Self.node("side", .dense, ["input"], units: 2),
                Self.node("out", .dense, ["input"], units: 1),
            ]), maxBatch: 2)
        var rng = RandomGenerator(seed: 3)
        network.initialize(.heNormal, rng: &rng)
        let x: [Float] = [1, 2, 3, 4], t: [Float] = [1, -1]
        _ = x.withUnsafeBufferPointer { x in
            t.withUnsafeBufferPointer { t in
                network.lossAndGradients(inputs: x, targets: .values(t), batch: 2, training: true, rng: &rng)
            }
        }
        #expect(network.parameter(named: "side.weight")!.gradient.allSatisfy { $0 == 0 })
        #expect(network.parameter(named: "out.weight")!.gradient.contains { $0 != 0 })
    }
}
