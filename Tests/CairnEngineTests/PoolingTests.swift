import CairnModel
import Testing

@testable import CairnEngine

/// Max, average and global average pooling: forward against plain loops, backward against finite
/// differences, accumulation and thread-count independence.
@Suite("Pooling kernels")
struct PoolingTests {
    typealias Support = KernelTestSupport

    static func maxPool(
        _ pooling: MaxPooling, x: [Float], dy: [Float], batch: Int, team: ThreadTeam?,
        accumulateOnto prior: [Float]? = nil
    ) -> (y: [Float], indices: [Int32], dx: [Float]) {
        let g = pooling.geometry
        var y = [Float](repeating: .nan, count: batch * g.outputSize)
        var indices = [Int32](repeating: -1, count: batch * g.outputSize)
        var dx = prior ?? [Float](repeating: .nan, count: batch * g.inputSize)
        pooling.forward(input: x, output: &y, indices: &indices, batch: batch, team: team)
        pooling.backward(
            outputGradient: dy, indices: indices, inputGradient: &dx, accumulate: prior != nil,
            batch: batch, team: team)
        return (y, indices, dx)
    }

    static func averagePool(
        _ pooling: AveragePooling, x: [Float], dy: [Float], batch: Int, team: ThreadTeam?,
        accumulateOnto prior: [Float]? = nil
    ) -> (y: [Float], dx: [Float]) {
        let g = pooling.geometry
        var y = [Float](repeating: .nan, count: batch * g.outputSize)
        var dx = prior ?? [Float](repeating: .nan, count: batch * g.inputSize)
        pooling.forward(input: x, output: &y, batch: batch, team: team)
        pooling.backward(outputGradient: dy, inputGradient: &dx, accumulate: prior != nil, batch: batch, team: team)
        return (y, dx)
    }

    static func globalPool(
        _ pooling: GlobalAveragePooling, x: [Float], dy: [Float], batch: Int, team: ThreadTeam?,
        accumulateOnto prior: [Float]? = nil
    ) -> (y: [Float], dx: [Float]) {
        var y = [Float](repeating: .nan, count: batch * pooling.channels)
        var dx = prior ?? [Float](repeating: .nan, count: batch * pooling.channels * pooling.positions)
        pooling.forward(input: x, output: &y, batch: batch, team: team)
        pooling.backward(outputGradient: dy, inputGradient: &dx, accumulate: prior != nil, batch: batch, team: team)
        return (y, dx)
    }

    /// Windows as the definition reads: for each output, the input values inside the padded window.
    static func windows(_ g: PoolingGeometry, _ x: [Float], batch: Int) -> [[Float]] {
        var result: [[Float]] = []
        for plane in 0..<batch * g.channels {
            for oh in 0..<g.outputHeight {
                for ow in 0..<g.outputWidth {
                    var window: [Float] = []
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let h = oh * g.strideHeight - g.padHeight + i
                            let w = ow * g.strideWidth - g.padWidth + j
                            if h >= 0, h < g.inputHeight, w >= 0, w < g.inputWidth {
                                window.append(x[(plane * g.inputHeight + h) * g.inputWidth + w])
                            }
                        }
                    }
                    result.append(window)
                }
            }
        }
        return result
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var geometry: PoolingGeometry
        var batch: Int
        var testDescription: String {
            let g = geometry
            return "\(g.channels)x\(g.inputHeight)x\(g.inputWidth) k\(g.kernelHeight)x\(g.kernelWidth) "
                + "s\(g.strideHeight)x\(g.strideWidth) p\(g.padHeight)x\(g.padWidth)"
        }
    }

    static let cases: [Case] = [
        Case(
            geometry: try! PoolingGeometry(channels: 2, inputHeight: 6, inputWidth: 6, kernelHeight: 2, kernelWidth: 2),
            batch: 2),
        Case(
            geometry: try! PoolingGeometry(
                channels: 3, inputHeight: 7, inputWidth: 5, kernelHeight: 3, kernelWidth: 3,
                strideHeight: 2, strideWidth: 2, padHeight: 1, padWidth: 1), batch: 2),
        Case(
            geometry: try! PoolingGeometry(
                channels: 1, inputHeight: 9, inputWidth: 8, kernelHeight: 3, kernelWidth: 2,
                strideHeight: 1, strideWidth: 3, padHeight: 1, padWidth: 0), batch: 3),
        Case(
            geometry: try! PoolingGeometry.oneDimensional(channels: 4, length: 11, kernel: 3, stride: 2, padding: 1),
            batch: 2),
        Case(geometry: try! PoolingGeometry.oneDimensional(channels: 2, length: 10, kernel: 4), batch: 3),
    ]

    /// Distinct values a fixed gap apart, shuffled: no two values in a window are within a finite-difference
    /// step of each other, so the maximum does not move.
    static func distinctInputs(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        var values = (0..<count).map { Float($0 - count / 2) * 0.01 }
        for i in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(i, Int(rng.boundedDraw(UInt64(i + 1))))
        }
        return values
    }

    @Test(arguments: cases) func maxPoolingMatchesWindowsAndDifferences(_ c: Case) {
        let g = c.geometry
        let x = Self.distinctInputs(c.batch * g.inputSize, seed: 1)
        var rng = RandomGenerator(seed: 2)
        let r = Support.uniform(c.batch * g.outputSize, &rng)
        let pooling = MaxPooling(geometry: g)
        let (y, indices, dx) = Self.maxPool(pooling, x: x, dy: r, batch: c.batch, team: ThreadTeam(threads: 2))
        #expect(y == Self.windows(g, x, batch: c.batch).map { $0.max()! })
        let outputPlane = g.outputHeight * g.outputWidth
        let inputPlane = g.inputHeight * g.inputWidth
        for k in 0..<y.count {
            #expect(x[(k / outputPlane) * inputPlane + Int(indices[k])] == y[k], "index \(indices[k]) of output \(k)")
        }
        let error = Support.gradientError(dx, of: x, step: 1e-3) { x in
            Support.dot(Self.maxPool(pooling, x: x, dy: r, batch: c.batch, team: nil).y, r)
        }
        #expect(error < 1e-4)
        let prior = Support.uniform(dx.count, &rng)
        let added = Self.maxPool(pooling, x: x, dy: r, batch: c.batch, team: nil, accumulateOnto: prior).dx
        #expect(Support.relativeError(added, zip(dx, prior).map { Double($0) + Double($1) }) < 1e-6)
    }

    @Test(arguments: cases) func averagePoolingMatchesWindowsAndDifferences(_ c: Case) {
        let g = c.geometry
        var rng = RandomGenerator(seed: 3)
        let x = Support.uniform(c.batch * g.inputSize, &rng)
        let r = Support.uniform(c.batch * g.outputSize, &rng)
        let pooling = AveragePooling(geometry: g)
        let (y, dx) = Self.averagePool(pooling, x: x, dy: r, batch: c.batch, team: ThreadTeam(threads: 2))
        // count_include_pad: the divisor is the whole window, padding included.
        let divisor = Double(g.kernelHeight * g.kernelWidth)
        let expected = Self.windows(g, x, batch: c.batch).map { $0.reduce(0.0) { $0 + Double($1) } / divisor }
        #expect(Support.relativeError(y, expected) < 1e-6)
        let error = Support.gradientError(dx, of: x, step: 0.25) { x in
            Support.dot(Self.averagePool(pooling, x: x, dy: r, batch: c.batch, team: nil).y, r)
        }
        #expect(error < 1e-4)
        let prior = Support.uniform(dx.count, &rng)
        let added = Self.averagePool(pooling, x: x, dy: r, batch: c.batch, team: nil, accumulateOnto: prior).dx
        #expect(Support.relativeError(added, zip(dx, prior).map { Double($0) + Double($1) }) < 1e-6)
    }

    @Test(arguments: [(3, 25), (2, 7), (4, 1)]) func globalAveragePoolingMatchesMeansAndDifferences(
        channels: Int, positions: Int
    ) throws {
        let pooling = try GlobalAveragePooling(channels: channels, positions: positions)
        var rng = RandomGenerator(seed: 4)
        let batch = 3
        let x = Support.uniform(batch * channels * positions, &rng)
        let r = Support.uniform(batch * channels, &rng)
        let (y, dx) = Self.globalPool(pooling, x: x, dy: r, batch: batch, team: ThreadTeam(threads: 2))
        let means = (0..<batch * channels).map { plane in
            x[plane * positions..<(plane + 1) * positions].reduce(0.0) { $0 + Double($1) } / Double(positions)
        }
        #expect(Support.relativeError(y, means) < 1e-6)
        let error = Support.gradientError(dx, of: x, step: 0.25) { x in
            Support.dot(Self.globalPool(pooling, x: x, dy: r, batch: batch, team: nil).y, r)
        }
        #expect(error < 1e-4)
        let prior = Support.uniform(dx.count, &rng)
        let added = Self.globalPool(pooling, x: x, dy: r, batch: batch, team: nil, accumulateOnto: prior).dx
        #expect(Support.relativeError(added, zip(dx, prior).map { Double($0) + Double($1) }) < 1e-6)
    }

    /// Every plane is pooled by one thread: results are the same bits at any thread count.
    @Test func resultsDoNotDependOnThreads() {
        let c = Self.cases[1]
        let g = c.geometry
        var rng = RandomGenerator(seed: 5)
        let batch = 16
        let x = Support.uniform(batch * g.inputSize, &rng)
        let r = Support.uniform(batch * g.outputSize, &rng)
        let one = Self.averagePool(AveragePooling(geometry: g), x: x, dy: r, batch: batch, team: ThreadTeam(threads: 1))
        let three = Self.averagePool(
            AveragePooling(geometry: g), x: x, dy: r, batch: batch, team: ThreadTeam(threads: 3))
        #expect(one.y.map(\.bitPattern) == three.y.map(\.bitPattern))
        #expect(one.dx.map(\.bitPattern) == three.dx.map(\.bitPattern))
        let maxOne = Self.maxPool(MaxPooling(geometry: g), x: x, dy: r, batch: batch, team: ThreadTeam(threads: 1))
        let maxThree = Self.maxPool(MaxPooling(geometry: g), x: x, dy: r, batch: batch, team: ThreadTeam(threads: 3))
        #expect(maxOne.indices == maxThree.indices)
        #expect(maxOne.dx.map(\.bitPattern) == maxThree.dx.map(\.bitPattern))
    }

    /// A NaN in a window is the maximum, as in PyTorch; padding is never chosen even when every value is negative.
    @Test func maxPoolingPicksNaNAndIgnoresPadding() throws {
        let g = try PoolingGeometry.oneDimensional(channels: 1, length: 5, kernel: 3, stride: 2, padding: 1)
        let x: [Float] = [-3, .nan, -1, -2, -5]
        let (y, indices, _) = Self.maxPool(MaxPooling(geometry: g), x: x, dy: [1, 1, 1], batch: 1, team: nil)
        #expect(y[0].isNaN && y[1].isNaN)
        #expect(indices == [1, 1, 3])
        #expect(y[2] == -2)
    }
}
