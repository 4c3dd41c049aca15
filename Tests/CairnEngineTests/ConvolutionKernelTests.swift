import CairnModel
import Testing

@testable import CairnEngine

/// The convolution kernel: forward against a direct convolution, backward against finite differences,
/// tiling over the batch and determinism.
@Suite("Convolution kernel")
struct ConvolutionKernelTests {
    typealias Support = KernelTestSupport

    /// A geometry and a batch size, with a label for failure messages.
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var geometry: ConvolutionGeometry
        var batch: Int
        var bias = true
        var testDescription: String { label }
    }

    static let cases: [Case] = {
        func two(
            _ label: String, _ c: Int, _ o: Int, _ h: Int, _ w: Int, _ kh: Int, _ kw: Int, sh: Int = 1, sw: Int = 1,
            padding: ConvolutionPadding = .zeros(0), dh: Int = 1, dw: Int = 1, batch: Int = 2, bias: Bool = true
        ) -> Case {
            // The geometries below are all valid; a throw here fails every test that reads `cases`.
            let g = try? ConvolutionGeometry(
                inputChannels: c, outputChannels: o, inputHeight: h, inputWidth: w,
                kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw,
                padding: padding, dilationHeight: dh, dilationWidth: dw)
            return Case(label: label, geometry: g!, batch: batch, bias: bias)
        }
        func one(
            _ label: String, _ c: Int, _ o: Int, _ length: Int, _ k: Int, stride: Int = 1,
            padding: ConvolutionPadding = .zeros(0), dilation: Int = 1, batch: Int = 3
        ) -> Case {
            let g = try? ConvolutionGeometry.oneDimensional(
                inputChannels: c, outputChannels: o, length: length, kernel: k,
                stride: stride, padding: padding, dilation: dilation)
            return Case(label: label, geometry: g!, batch: batch)
        }
        return [
            two("plain 3x3", 1, 2, 5, 5, 3, 3),
            two("stride 2x1, padding 1, rectangular kernel", 3, 4, 7, 6, 3, 2, sh: 2, padding: .zeros(1), batch: 3),
            two("same, even kernel, dilation 2", 2, 3, 9, 8, 4, 4, padding: .same, dh: 2, dw: 2),
            two("same, odd and even kernel", 2, 5, 6, 7, 4, 3, padding: .same, batch: 1),
            two(
                "explicit sides, stride 3x2, dilation 2x1", 3, 2, 10, 9, 3, 3, sh: 3, sw: 2,
                padding: .explicit(top: 2, bottom: 0, left: 1, right: 3), dh: 2),
            two("LeNet first layer", 1, 6, 28, 28, 5, 5, batch: 3),
            two("LeNet second layer, no bias", 6, 16, 12, 12, 5, 5, batch: 2, bias: false),
            two("1x1", 4, 3, 5, 5, 1, 1, batch: 5),
            two("kernel larger than the input, padded", 2, 2, 3, 3, 5, 5, padding: .zeros(2)),
            two(
                "stride larger than the kernel", 2, 3, 11, 10, 2, 2, sh: 4, sw: 3,
                padding: .zerosPerAxis(height: 1, width: 0)),
            one("1-D, stride 2 (1-D CNN first layer)", 1, 25, 40, 5, stride: 2),
            one("1-D, 25 channels, stride 2", 25, 25, 18, 3, stride: 2, batch: 4),
            one("1-D same, dilation 2", 3, 4, 11, 4, padding: .same, dilation: 2),
            one("1-D stride 3, padding 1", 2, 3, 7, 3, stride: 3, padding: .zeros(1)),
        ]
    }()

    static func data(_ c: Case, seed: UInt64) -> (x: [Float], w: [Float], b: [Float]?) {
        var rng = RandomGenerator(seed: seed)
        let g = c.geometry
        return (
            Support.uniform(c.batch * g.inputSize, &rng), Support.uniform(g.weightCount, &rng, scale: 0.5),
            c.bias ? Support.uniform(g.outputChannels, &rng) : nil
        )
    }

    /// Forward matches the direct convolution, on one thread and two, with the workspace bound forcing
    /// one sample per tile and with room for the whole batch.
    @Test(arguments: cases) func forwardMatchesDirectConvolution(_ c: Case) {
        let (x, w, b) = Self.data(c, seed: 3)
        let expected = Support.directConvolution(c.geometry, x: x, w: w, b: b, batch: c.batch)
        for threads in [1, 2] {
            let team = ThreadTeam(threads: threads)
            for limit in [1, Convolution.defaultMaximumWorkspaceFloats] {
                let convolution = Convolution(geometry: c.geometry, maximumWorkspaceFloats: limit)
                let y = Support.forward(convolution, x: x, w: w, b: b, batch: c.batch, team: team)
                let error = Support.relativeError(y, expected)
                #expect(
                    error < 1e-5, "\(c.label), \(threads) threads, workspace limit \(limit): relative error \(error)")
            }
        }
    }

    /// Weight, bias and input gradients agree with central differences of `L = sum(y * r)`. The loss is
    /// linear in each of them, so the differences are exact but for rounding.
    @Test(arguments: cases) func backwardMatchesFiniteDifferences(_ c: Case) {
        let (x, w, b) = Self.data(c, seed: 5)
        var rng = RandomGenerator(seed: 6)
        let r = Support.uniform(c.batch * c.geometry.outputSize, &rng)
        let team = ThreadTeam(threads: 2)
        let convolution = Convolution(
            geometry: c.geometry, maximumWorkspaceFloats: 3 * Convolution.floatsPerSample(c.geometry) / 2)
        func loss(x: [Float], w: [Float], b: [Float]?) -> Double {
            Support.dot(Support.forward(convolution, x: x, w: w, b: b, batch: c.batch, team: team), r)
        }
        let analytic = Support.backward(convolution, x: x, w: w, dy: r, batch: c.batch, team: team)
        let step: Float = 0.25
        let weightError = Support.gradientError(analytic.weight, of: w, step: step) { loss(x: x, w: $0, b: b) }
        let inputError = Support.gradientError(analytic.input, of: x, step: step) { loss(x: $0, w: w, b: b) }
        #expect(weightError < 1e-4, "\(c.label): weight gradient")
        #expect(inputError < 1e-4, "\(c.label): input gradient")
        if let b {
            let biasError = Support.gradientError(analytic.bias, of: b, step: step) { loss(x: x, w: w, b: $0) }
            #expect(biasError < 1e-4, "\(c.label): bias gradient")
        }
    }

    /// With `accumulateInputGradient` the input gradient is added to what the buffer held.
    @Test func inputGradientAccumulates() throws {
        let c = Self.cases[1]
        let (x, w, _) = Self.data(c, seed: 8)
        var rng = RandomGenerator(seed: 9)
        let dy = Support.uniform(c.batch * c.geometry.outputSize, &rng)
        let prior = Support.uniform(c.batch * c.geometry.inputSize, &rng)
        let convolution = Convolution(geometry: c.geometry)
        let fresh = Support.backward(convolution, x: x, w: w, dy: dy, batch: c.batch, team: nil).input
        let added = Support.backward(convolution, x: x, w: w, dy: dy, batch: c.batch, team: nil, accumulateOnto: prior)
            .input
        #expect(Support.relativeError(added, zip(fresh, prior).map { Double($0) + Double($1) }) < 1e-6)
    }

    /// Tiling: each thread's tile never exceeds the bound (or one sample, when a sample alone is larger),
    /// tiled and untiled passes agree to rounding, and a pass repeated at the same thread count and bound is
    /// bit-identical. Tiles and threads add their weight gradients one after another, so another tile size
    /// or thread count may change the last bits of the weight gradient; the forward pass and input gradient
    /// are computed per column.
    @Test func tilingIsBoundedAndDeterministic() throws {
        let geometry = try ConvolutionGeometry(
            inputChannels: 6, outputChannels: 16, inputHeight: 12, inputWidth: 12,
            kernelHeight: 5, kernelWidth: 5)
        let batch = 37
        let perSample = Convolution.floatsPerSample(geometry)
        var rng = RandomGenerator(seed: 11)
        let x = Support.uniform(batch * geometry.inputSize, &rng)
        let w = Support.uniform(geometry.weightCount, &rng)
        let b = Support.uniform(16, &rng)
        let dy = Support.uniform(batch * geometry.outputSize, &rng)
        let whole = Convolution(geometry: geometry, maximumWorkspaceFloats: batch * perSample)
        #expect(whole.tileSamples(batch: batch) == batch)
        #expect(whole.workspaceFloats(batch: batch) == batch * perSample)
        let reference = Support.forward(whole, x: x, w: w, b: b, batch: batch, team: nil)
        let referenceGradients = Support.backward(whole, x: x, w: w, dy: dy, batch: batch, team: nil)
        for (limit, perTile) in [(perSample * 5, 5), (perSample * 8 + perSample / 2, 8), (perSample / 3, 1)] {
            let tiled = Convolution(geometry: geometry, maximumWorkspaceFloats: limit)
            #expect(tiled.samplesPerTile == perTile)
            for threads in [1, 2, 3] {
                #expect(
                    tiled.tileSamples(batch: batch, threads: threads) == min(perTile, (batch + threads - 1) / threads))
                #expect(
                    tiled.workspaceFloats(batch: batch, threads: threads)
                        <= threads * max(limit, perSample) + (threads - 1) * geometry.weightCount)
                let team = ThreadTeam(threads: threads)
                let y = Support.forward(tiled, x: x, w: w, b: b, batch: batch, team: team)
                let gradients = Support.backward(tiled, x: x, w: w, dy: dy, batch: batch, team: team)
                #expect(Support.relativeError(y, reference) < 1e-6, "limit \(limit), \(threads) threads")
                #expect(Support.relativeError(gradients.weight, referenceGradients.weight) < 1e-5)
                #expect(Support.relativeError(gradients.bias, referenceGradients.bias) < 1e-6)
                #expect(Support.relativeError(gradients.input, referenceGradients.input) < 1e-6)
                let again = Support.forward(tiled, x: x, w: w, b: b, batch: batch, team: team)
                let gradientsAgain = Support.backward(tiled, x: x, w: w, dy: dy, batch: batch, team: team)
                #expect(again.map(\.bitPattern) == y.map(\.bitPattern), "forward repeats bit for bit")
                #expect(gradientsAgain.weight.map(\.bitPattern) == gradients.weight.map(\.bitPattern))
                #expect(gradientsAgain.bias.map(\.bitPattern) == gradients.bias.map(\.bitPattern))
                #expect(gradientsAgain.input.map(\.bitPattern) == gradients.input.map(\.bitPattern))
            }
        }
    }

    /// A small batch of a small layer is not worth splitting: one run of samples, one tile, no per-thread sums.
    @Test func smallWorkStaysInOneRun() throws {
        let tiny = Convolution(
            geometry: try .oneDimensional(inputChannels: 1, outputChannels: 2, length: 8, kernel: 3))
        #expect(tiny.tileSamples(batch: 4, threads: 2) == 4)
        #expect(tiny.workspaceFloats(batch: 4, threads: 2) == 4 * Convolution.floatsPerSample(tiny.geometry))
    }

    /// The bias gradient and the input gradient, computed per channel and per input plane by one thread
    /// each, do not depend on the thread count.
    @Test func planeWiseResultsDoNotDependOnThreads() throws {
        let geometry = try ConvolutionGeometry(
            inputChannels: 3, outputChannels: 4, inputHeight: 9, inputWidth: 9,
            kernelHeight: 3, kernelWidth: 3, padding: .same)
        var rng = RandomGenerator(seed: 12)
        let batch = 9
        let x = Support.uniform(batch * geometry.inputSize, &rng)
        let w = Support.uniform(geometry.weightCount, &rng)
        let dy = Support.uniform(batch * geometry.outputSize, &rng)
        let convolution = Convolution(geometry: geometry)
        let one = Support.backward(convolution, x: x, w: w, dy: dy, batch: batch, team: ThreadTeam(threads: 1))
        let three = Support.backward(convolution, x: x, w: w, dy: dy, batch: batch, team: ThreadTeam(threads: 3))
        #expect(one.bias.map(\.bitPattern) == three.bias.map(\.bitPattern))
        #expect(Support.relativeError(three.input, one.input) < 1e-6)
        #expect(Support.relativeError(three.weight, one.weight) < 1e-6)
    }
}
