import CairnModel
import Testing
@testable import CairnEngine

/// Updates against values worked out by hand from the rules in `OptimizerConfig`'s doc comments.
@Suite("Optimizers")
struct OptimizerTests {
    /// w = [1, -2], g = [0.5, 0.25].
    static func parameter(
        _ values: [Float] = [1, -2], gradient: [Float] = [0.5, 0.25], name: String = "p"
    ) -> Parameter {
        let p = Parameter(name: name + ".weight", node: name, shape: [values.count])
        p.values = values
        p.gradient = gradient
        return p
    }

    static func run(_ config: OptimizerConfig, steps: Int = 1, _ parameters: [Parameter]? = nil) -> [Parameter] {
        let parameters = parameters ?? [parameter()]
        let optimizer = Optimizer(config: config, parameters: parameters)
        for _ in 0..<steps { optimizer.step(parameters, learningRate: config.learningRate) }
        #expect(optimizer.stepCount == steps)
        return parameters
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 1e-6) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) {
            #expect(abs(Double(a) - e) <= tolerance * max(1, abs(e)), "got \(actual), expected \(expected)")
        }
    }

    @Test func sgd() {
        Self.expectClose(Self.run(.init(kind: .sgd, learningRate: 0.1))[0].values, [0.95, -2.025])
        // g + 0.01 w = [0.51, 0.23]
        Self.expectClose(Self.run(.init(kind: .sgd, learningRate: 0.1, weightDecay: 0.01))[0].values, [0.949, -2.023])
    }

    @Test func momentum() {
        // v1 = g; w1 = w - 0.1 g; v2 = 0.9 g + g = 1.9 g; w2 = w1 - 0.19 g
        Self.expectClose(
            Self.run(.init(kind: .momentum, learningRate: 0.1, momentum: 0.9), steps: 2)[0].values, [0.855, -2.0725])
    }

    @Test func nesterov() {
        // step 1: w -= 0.1 (g + 0.9 g); step 2: v = 1.9 g, w -= 0.1 (g + 0.9 * 1.9 g) = 0.271 g
        Self.expectClose(
            Self.run(.init(kind: .momentum, learningRate: 0.1, momentum: 0.9, nesterov: true), steps: 2)[0].values,
            [0.7695, -2.11525])
    }

    @Test func adam() {
        // With a constant gradient the bias-corrected m/sqrt(v) is sign(g): each step moves lr.
        Self.expectClose(
            Self.run(.init(kind: .adam, learningRate: 0.1), steps: 2)[0].values, [0.8, -2.2], tolerance: 1e-5)
        // L2: g + 0.2 w = [0.7, -0.15]: the second weight now moves up.
        Self.expectClose(
            Self.run(.init(kind: .adam, learningRate: 0.1, weightDecay: 0.2))[0].values, [0.9, -1.9], tolerance: 1e-5)
        // A changing gradient: g1 = [0.5, 0.25], g2 = [-1, 0.25].
        let p = Self.parameter()
        let optimizer = Optimizer(config: .init(kind: .adam, learningRate: 0.1), parameters: [p])
        optimizer.step([p], learningRate: 0.1)
        p.gradient = [-1, 0.25]
        optimizer.step([p], learningRate: 0.1)
        let m = 0.9 * 0.05 + 0.1 * -1.0, v = 0.999 * 0.00025 + 0.001 * 1.0
        let expected = 0.9 - 0.1 * (m / 0.19) / ((v / (1 - 0.999 * 0.999)).squareRoot() + 1e-8)
        Self.expectClose([p.values[0]], [expected], tolerance: 1e-5)
    }

    @Test func adamW() {
        // w *= 1 - 0.1 * 0.1, then the Adam step moves lr against sign(g).
        Self.expectClose(
            Self.run(.init(kind: .adamw, learningRate: 0.1, weightDecay: 0.1))[0].values, [0.89, -2.08], tolerance: 1e-5
        )
    }

    @Test func clipNorm() {
        // Global norm over two parameters: g = [3] and [4], norm 5, clipped to 1: [0.6] and [0.8].
        let a = Self.parameter([1], gradient: [3], name: "a"), b = Self.parameter([-2], gradient: [4], name: "b")
        _ = Self.run(.init(kind: .sgd, learningRate: 1, clipNorm: 1), [a, b])
        Self.expectClose(a.values + b.values, [0.4, -2.8])
        #expect(a.gradient == [3])  // stored gradients are left alone
        // Below the limit: unchanged gradient.
        let c = Self.parameter([1], gradient: [3], name: "c")
        _ = Self.run(.init(kind: .sgd, learningRate: 1, clipNorm: 10), [c])
        Self.expectClose(c.values, [-2])
        // Clipping happens before weight decay: g = 0.6 + 0.5 * 1.
        let d = Self.parameter([1], gradient: [3], name: "d"), e = Self.parameter([0], gradient: [4], name: "e")
        _ = Self.run(.init(kind: .sgd, learningRate: 1, weightDecay: 0.5, clipNorm: 1), [d, e])
        Self.expectClose(d.values, [-0.1])
    }

    @Test(arguments: [OptimizerConfig.Kind.sgd, .momentum, .adam, .adamw])
    func frozenParametersAreUnchangedAndUnclipped(kind: OptimizerConfig.Kind) {
        let live = Self.parameter([1], gradient: [3], name: "live"),
            frozen = Self.parameter([5, 6], gradient: [4, 4], name: "frozen")
        frozen.isFrozen = true
        _ = Self.run(.init(kind: kind, learningRate: 1, weightDecay: 0.1, clipNorm: 1), steps: 3, [live, frozen])
        #expect(frozen.values == [5, 6])
        if kind == .sgd {
            // norm 3 (the frozen gradient is left out): g = 1, plus decay 0.1 w, three times.
            var w = 1.0
            for _ in 0..<3 { w -= 1 + 0.1 * w }
            Self.expectClose(live.values, [w])
        }
    }

    @Test func slotNamesAndRestoreErrors() throws {
        let p = Self.parameter()
        let momentum = Optimizer(config: .init(kind: .momentum, learningRate: 0.1), parameters: [p])
        #expect(momentum.slots().map(\.name) == ["p.weight.momentum"])
        let adam = Optimizer(config: .init(kind: .adam, learningRate: 0.1), parameters: [p])
        #expect(adam.slots().map(\.name) == ["p.weight.adam_m", "p.weight.adam_v"])
        #expect(adam.slots().map(\.shape) == [[2], [2]])
        #expect(Optimizer(config: .init(kind: .sgd, learningRate: 0.1), parameters: [p]).slots().isEmpty)

        #expect(throws: CairnError(.invalidCheckpoint, "optimizer slot 'p.weight.adam_v' is missing")) {
            try adam.restore(slots: ["p.weight.adam_m": [0, 0]], stepCount: 3)
        }
        #expect(throws: CairnError(.invalidCheckpoint, "optimizer slot 'p.weight.momentum' has 3 values, expected 2")) {
            try momentum.restore(slots: ["p.weight.momentum": [0, 0, 0]], stepCount: 3)
        }
        #expect(
            throws: CairnError(.invalidCheckpoint, "optimizer slot 'p.weight.adam_m' does not belong to this optimizer")
        ) {
            try momentum.restore(slots: ["p.weight.momentum": [0, 0], "p.weight.adam_m": [0, 0]], stepCount: 3)
        }
        try momentum.restore(slots: ["p.weight.momentum": [1, 2]], stepCount: 7)
        #expect(momentum.stepCount == 7)
        #expect(momentum.slots()[0].values == [1, 2])
    }
}
