import CairnModel
@testable import CairnEngine

/// Buffers and plain reference loops shared by the kernel tests.
enum KernelTestSupport {
    static func uniform(_ count: Int, _ rng: inout RandomGenerator, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * scale }
    }

    /// A direct convolution in Double, written as the definition reads: for every output, the bias plus
    /// every tap whose input position lies inside the input.
    static func directConvolution(_ g: ConvolutionGeometry, x: [Float], w: [Float], b: [Float]?, batch: Int) -> [Double]
    {
        var y = [Double](repeating: 0, count: batch * g.outputSize)
        for n in 0..<batch {
            for o in 0..<g.outputChannels {
                for oh in 0..<g.outputHeight {
                    for ow in 0..<g.outputWidth {
                        var sum = Double(b?[o] ?? 0)
                        for c in 0..<g.inputChannels {
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let ih = oh * g.strideHeight - g.padTop + i * g.dilationHeight
                                    let iw = ow * g.strideWidth - g.padLeft + j * g.dilationWidth
                                    guard ih >= 0, ih < g.inputHeight, iw >= 0, iw < g.inputWidth else { continue }
                                    let xv = x[((n * g.inputChannels + c) * g.inputHeight + ih) * g.inputWidth + iw]
                                    let wv = w[((o * g.inputChannels + c) * g.kernelHeight + i) * g.kernelWidth + j]
                                    sum += Double(xv) * Double(wv)
                                }
                            }
                        }
                        y[((n * g.outputChannels + o) * g.outputHeight + oh) * g.outputWidth + ow] = sum
                    }
                }
            }
        }
        return y
    }

    /// Runs `Convolution.forward` on arrays.
    static func forward(
        _ convolution: Convolution, x: [Float], w: [Float], b: [Float]?, batch: Int,
        team: ThreadTeam?
    ) -> [Float] {
        var y = [Float](repeating: .nan, count: batch * convolution.geometry.outputSize)
        var workspace = [Float](
            repeating: .nan, count: convolution.workspaceFloats(batch: batch, threads: team?.threadCount ?? 1))
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { y in
                    workspace.withUnsafeMutableBufferPointer { workspace in
                        if let b {
                            b.withUnsafeBufferPointer { b in
                                convolution.forward(
                                    input: x.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!,
                                    output: y.baseAddress!, batch: batch, workspace: workspace, team: team)
                            }
                        } else {
                            convolution.forward(
                                input: x.baseAddress!, weight: w.baseAddress!, bias: nil,
                                output: y.baseAddress!, batch: batch, workspace: workspace, team: team)
                        }
                    }
                }
            }
        }
        return y
    }

    struct ConvolutionGradients {
        var weight: [Float]
        var bias: [Float]
        var input: [Float]
    }

    /// Runs `Convolution.backward` on arrays; `inputGradient` starts as `initialInputGradient` (or NaN when
    /// overwriting, so an element left unwritten shows).
    static func backward(
        _ convolution: Convolution, x: [Float], w: [Float], dy: [Float], batch: Int, team: ThreadTeam?,
        accumulateOnto initialInputGradient: [Float]? = nil
    ) -> ConvolutionGradients {
        let g = convolution.geometry
        var dw = [Float](repeating: .nan, count: g.weightCount)
        var db = [Float](repeating: .nan, count: g.outputChannels)
        var dx = initialInputGradient ?? [Float](repeating: .nan, count: batch * g.inputSize)
        var workspace = [Float](
            repeating: .nan, count: convolution.workspaceFloats(batch: batch, threads: team?.threadCount ?? 1))
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                dy.withUnsafeBufferPointer { dy in
                    dw.withUnsafeMutableBufferPointer { dw in
                        db.withUnsafeMutableBufferPointer { db in
                            dx.withUnsafeMutableBufferPointer { dx in
                                workspace.withUnsafeMutableBufferPointer { workspace in
                                    convolution.backward(
                                        input: x.baseAddress!, weight: w.baseAddress!,
                                        outputGradient: dy.baseAddress!,
                                        weightGradient: dw.baseAddress!, biasGradient: db.baseAddress!,
                                        inputGradient: dx.baseAddress!,
                                        accumulateInputGradient: initialInputGradient != nil,
                                        batch: batch, workspace: workspace, team: team)
                                }
                            }
                        }
                    }
                }
            }
        }
        return ConvolutionGradients(weight: dw, bias: db, input: dx)
    }

    /// The largest `|actual - expected|` over `scale + max |expected|`: a relative error on the whole
    /// tensor, so that values near zero are not judged on their own.
    static func relativeError(_ actual: [Float], _ expected: [Double], scale: Double = 0) -> Double {
        precondition(actual.count == expected.count, "\(actual.count) values against \(expected.count)")
        let size = expected.reduce(scale) { max($0, abs($1)) }
        var worst = 0.0
        for (a, e) in zip(actual, expected) {
            let difference = abs(Double(a) - e)
            worst = max(worst, difference.isNaN ? .infinity : difference)
        }
        return worst / max(size, 1e-30)
    }

    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
        relativeError(actual, expected.map(Double.init))
    }

    /// `sum(values * weights)` in Double: the scalar loss whose gradient with respect to the values is `weights`.
    static func dot(_ values: [Float], _ weights: [Float]) -> Double {
        zip(values, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Central differences `(L(v + h e_i) - L(v - h e_i)) / 2h` of `loss` at `indices` of `values`.
    static func numericGradient(
        _ values: [Float], at indices: [Int], step: Float, _ loss: ([Float]) -> Double
    )
        -> [Double]
    {
        var values = values
        return indices.map { i in
            let saved = values[i]
            values[i] = saved + step
            let plus = loss(values)
            values[i] = saved - step
            let minus = loss(values)
            values[i] = saved
            return (plus - minus) / (2 * Double(step))
        }
    }

    /// At most `limit` indices of `0..<count`, evenly spread, first and last included.
    static func sampledIndices(_ count: Int, limit: Int = 200) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
    }

    /// Checks an analytic gradient against central differences at up to 200 of its elements.
    static func gradientError(
        _ analytic: [Float], of values: [Float], step: Float, _ loss: ([Float]) -> Double
    )
        -> Double
    {
        let indices = sampledIndices(values.count)
        let numeric = numericGradient(values, at: indices, step: step, loss)
        return relativeError(indices.map { analytic[$0] }, numeric)
    }
}
