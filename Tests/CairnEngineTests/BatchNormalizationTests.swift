import CairnModel
import Testing

@testable import CairnEngine

/// Batch normalization: statistics and running averages as PyTorch defines them, backward passes against
/// finite differences (training and evaluation), and thread-count independence.
@Suite("Batch normalization kernel")
struct BatchNormalizationTests {
    typealias Support = KernelTestSupport

    struct State {
        var scale: [Float], shift: [Float], runningMean: [Float], runningVariance: [Float]
    }

    struct Result {
        var y: [Float], dx: [Float], dscale: [Float], dshift: [Float]
        /// The state after the pass (running statistics updated when training).
        var state: State
    }

    static func forward(
        _ bn: BatchNormalization, x: [Float], batch: Int, state: inout State, training: Bool,
        saved: inout [Float], team: ThreadTeam?
    ) throws -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        if training {
            try saved.withUnsafeMutableBufferPointer { saved in
                try bn.forwardTraining(
                    input: x, scale: state.scale, shift: state.shift, output: &y, batch: batch,
                    runningMean: &state.runningMean, runningVariance: &state.runningVariance,
                    savedMean: saved.baseAddress!, savedInverseDeviation: saved.baseAddress! + bn.channels,
                    team: team)
            }
        } else {
            bn.forwardInference(
                input: x, scale: state.scale, shift: state.shift, runningMean: state.runningMean,
                runningVariance: state.runningVariance, output: &y, batch: batch, team: team)
        }
        return y
    }

    static func run(
        _ bn: BatchNormalization, x: [Float], dy: [Float], batch: Int, state: State, training: Bool,
        team: ThreadTeam?, accumulateOnto prior: [Float]? = nil
    ) throws -> Result {
        var state = state
        let before = state
        var saved = [Float](repeating: .nan, count: 2 * bn.channels)
        let y = try forward(bn, x: x, batch: batch, state: &state, training: training, saved: &saved, team: team)
        var dx = prior ?? [Float](repeating: .nan, count: x.count)
        var dscale = [Float](repeating: .nan, count: bn.channels)
        var dshift = dscale
        if training {
            saved.withUnsafeBufferPointer { saved in
                bn.backwardTraining(
                    input: x, outputGradient: dy, scale: state.scale, savedMean: saved.baseAddress!,
                    savedInverseDeviation: saved.baseAddress! + bn.channels, scaleGradient: &dscale,
                    shiftGradient: &dshift, inputGradient: &dx, accumulate: prior != nil, batch: batch,
                    team: team)
            }
        } else {
            bn.backwardInference(
                input: x, outputGradient: dy, scale: before.scale, runningMean: before.runningMean,
                runningVariance: before.runningVariance, scaleGradient: &dscale, shiftGradient: &dshift,
                inputGradient: &dx, accumulate: prior != nil, batch: batch, team: team)
        }
        return Result(y: y, dx: dx, dscale: dscale, dshift: dshift, state: state)
    }

    static func randomState(channels: Int, _ rng: inout RandomGenerator) -> State {
        State(
            scale: Support.uniform(channels, &rng).map { 1 + 0.5 * $0 }, shift: Support.uniform(channels, &rng),
            runningMean: Support.uniform(channels, &rng),
            runningVariance: Support.uniform(channels, &rng).map { 1 + 0.5 * $0 })
    }

    /// Shapes `[N, C, L]`: 2-D maps flattened, a 1-D sequence, and `[N, C]`.
    static let shapes: [(batch: Int, channels: Int, positions: Int)] = [(3, 2, 12), (4, 3, 7), (6, 4, 1)]

    @Test(arguments: shapes.indices, [true, false]) func backwardMatchesFiniteDifferences(
        shape: Int, training: Bool
    )
        throws
    {
        let (batch, channels, positions) = Self.shapes[shape]
        let bn = try BatchNormalization(channels: channels, positions: positions)
        var rng = RandomGenerator(seed: 21)
        let x = Support.uniform(batch * channels * positions, &rng, scale: 2).map { $0 + 0.5 }
        let r = Support.uniform(x.count, &rng)
        let state = Self.randomState(channels: channels, &rng)
        let result = try Self.run(
            bn, x: x, dy: r, batch: batch, state: state, training: training, team: ThreadTeam(threads: 2))
        func loss(x: [Float], state: State) -> Double {
            var state = state
            var saved = [Float](repeating: 0, count: 2 * channels)
            let y =
                (try? Self.forward(bn, x: x, batch: batch, state: &state, training: training, saved: &saved, team: nil))
            return Support.dot(y ?? [], r)
        }
        let step: Float = 1e-2
        let dxError = Support.gradientError(result.dx, of: x, step: step) { loss(x: $0, state: state) }
        let dscaleError = Support.gradientError(result.dscale, of: state.scale, step: step) { scale in
            var changed = state
            changed.scale = scale
            return loss(x: x, state: changed)
        }
        let dshiftError = Support.gradientError(result.dshift, of: state.shift, step: step) { shift in
            var changed = state
            changed.shift = shift
            return loss(x: x, state: changed)
        }
        #expect(dxError < 2e-3, "input gradient")
        #expect(dscaleError < 2e-3, "scale gradient")
        #expect(dshiftError < 2e-3, "shift gradient")
    }

    /// Training normalises with the biased batch variance and moves the running variance towards the
    /// unbiased one; evaluation uses the running statistics.
    @Test func statisticsFollowPyTorchDefinitions() throws {
        let (batch, channels, positions) = (3, 2, 5)
        let bn = try BatchNormalization(channels: channels, positions: positions, momentum: 0.25, epsilon: 1e-3)
        var rng = RandomGenerator(seed: 22)
        let x = Support.uniform(batch * channels * positions, &rng)
        let state = Self.randomState(channels: channels, &rng)
        let trained = try Self.run(bn, x: x, dy: x, batch: batch, state: state, training: true, team: nil)
        let evaluated = try Self.run(bn, x: x, dy: x, batch: batch, state: state, training: false, team: nil)
        let m = Double(batch * positions)
        for c in 0..<channels {
            let values = (0..<batch).flatMap { n in
                (0..<positions).map { Double(x[(n * channels + c) * positions + $0]) }
            }
            let mean = values.reduce(0, +) / m
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            let expectedMean = 0.75 * Double(state.runningMean[c]) + 0.25 * mean
            let expectedVariance = 0.75 * Double(state.runningVariance[c]) + 0.25 * squares / (m - 1)
            #expect(abs(Double(trained.state.runningMean[c]) - expectedMean) < 1e-6)
            #expect(abs(Double(trained.state.runningVariance[c]) - expectedVariance) < 1e-6)
            for n in 0..<batch {
                for p in 0..<positions {
                    let i = (n * channels + c) * positions + p
                    let scale = Double(state.scale[c])
                    let shift = Double(state.shift[c])
                    let batchValue = (Double(x[i]) - mean) / (squares / m + 1e-3).squareRoot() * scale + shift
                    let runningValue =
                        (Double(x[i]) - Double(state.runningMean[c]))
                        / (Double(state.runningVariance[c]) + 1e-3).squareRoot() * scale + shift
                    #expect(abs(Double(trained.y[i]) - batchValue) < 1e-5)
                    #expect(abs(Double(evaluated.y[i]) - runningValue) < 1e-5)
                }
            }
        }
        #expect(evaluated.state.runningMean == state.runningMean, "evaluation leaves the running statistics alone")
    }

    @Test func accumulatesAndDoesNotDependOnThreads() throws {
        let bn = try BatchNormalization(channels: 5, positions: 9)
        var rng = RandomGenerator(seed: 23)
        let batch = 7
        let x = Support.uniform(batch * 45, &rng)
        let r = Support.uniform(batch * 45, &rng)
        let prior = Support.uniform(batch * 45, &rng)
        let state = Self.randomState(channels: 5, &rng)
        let one = try Self.run(
            bn, x: x, dy: r, batch: batch, state: state, training: true, team: ThreadTeam(threads: 1))
        let three = try Self.run(
            bn, x: x, dy: r, batch: batch, state: state, training: true, team: ThreadTeam(threads: 3))
        #expect(one.y.map(\.bitPattern) == three.y.map(\.bitPattern))
        #expect(one.dx.map(\.bitPattern) == three.dx.map(\.bitPattern))
        #expect(one.dscale.map(\.bitPattern) == three.dscale.map(\.bitPattern))
        #expect(one.state.runningVariance.map(\.bitPattern) == three.state.runningVariance.map(\.bitPattern))
        let added = try Self.run(
            bn, x: x, dy: r, batch: batch, state: state, training: true, team: nil, accumulateOnto: prior)
        #expect(Support.relativeError(added.dx, zip(one.dx, prior).map { Double($0) + Double($1) }) < 1e-6)
    }

    @Test func refusesBadAttributesAndSingleValues() throws {
        #expect(throws: KernelAttributeError.outOfRange(attribute: "momentum", value: 1.5, expected: "from 0 to 1")) {
            try BatchNormalization(channels: 2, momentum: 1.5)
        }
        #expect(throws: KernelAttributeError.self) { try BatchNormalization(channels: 2, epsilon: -1) }
        #expect(throws: KernelAttributeError.self) { try BatchNormalization(channels: 2, epsilon: .nan) }
        #expect(throws: KernelAttributeError.notPositive(attribute: "channels", value: 0)) {
            try BatchNormalization(channels: 0)
        }
        let bn = try BatchNormalization(channels: 2)
        var rng = RandomGenerator(seed: 24)
        let state = Self.randomState(channels: 2, &rng)
        #expect(throws: KernelAttributeError.singleValuePerChannel) {
            try Self.run(bn, x: [1, 2], dy: [1, 1], batch: 1, state: state, training: true, team: nil)
        }
    }
}
