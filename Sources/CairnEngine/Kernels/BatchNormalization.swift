import CairnModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Batch normalization over the channels of row-major `[N, C, L]` float buffers (`L = H * W` for 2-D
/// inputs, `L = 1` for `[N, C]`), with PyTorch's semantics (`BatchNorm1d`/`BatchNorm2d`):
///
/// - training: each channel is normalised with the mean and biased variance of its `N * L` values;
///   the running statistics move towards them, `running = (1 - momentum) * running + momentum * batch`,
///   the variance term being the unbiased batch variance (`* M / (M - 1)`, `M = N * L`);
/// - evaluation: each channel is normalised with the running mean and variance;
/// - then `y = x_hat * scale + shift` (PyTorch's `weight` and `bias`).
///
/// Sums are taken per `(n, c)` plane in eight float lanes and added over samples in double, in a fixed
/// order; every channel is done by one thread, so results do not depend on the thread count.
public struct BatchNormalization: Hashable, Sendable {
    public let channels: Int
    /// Positions per channel plane, `L` (1 for `[N, C]` inputs).
    public let positions: Int
    /// The running statistics' update rate (PyTorch's default 0.1).
    public let momentum: Float
    /// Added to the variance before the square root (PyTorch's default 1e-5).
    public let epsilon: Float

    /// Throws for sizes below 1, a momentum outside `0...1` or a negative or non-finite epsilon.
    public init(
        channels: Int, positions: Int = 1, momentum: Float = 0.1, epsilon: Float = 1e-5
    )
        throws(KernelAttributeError)
    {
        try GeometryArithmetic.requirePositive([("channels", channels), ("positions", positions)])
        _ = try GeometryArithmetic.product([channels, positions], "one input sample")
        guard momentum.isFinite, momentum >= 0, momentum <= 1 else {
            throw .outOfRange(attribute: "momentum", value: Double(momentum), expected: "from 0 to 1")
        }
        guard epsilon.isFinite, epsilon >= 0 else {
            throw .outOfRange(attribute: "epsilon", value: Double(epsilon), expected: "finite and not negative")
        }
        (self.channels, self.positions, self.momentum, self.epsilon) = (channels, positions, momentum, epsilon)
    }

    /// Training forward pass: normalises with the batch's statistics, writes them to `savedMean` and
    /// `savedInverseDeviation` (`1 / sqrt(biased variance + epsilon)`, per channel, for `backwardTraining`)
    /// and updates `runningMean` and `runningVariance` in place. Throws `singleValuePerChannel` when
    /// `batch * positions == 1`, before writing anything.
    public func forwardTraining(
        input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, batch: Int,
        runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
        savedMean: UnsafeMutablePointer<Float>, savedInverseDeviation: UnsafeMutablePointer<Float>,
        team: ThreadTeam?
    ) throws(KernelAttributeError) {
        let count = batch * positions
        guard count > 1 else { throw .singleValuePerChannel }
        let (channels, positions, momentum) = (channels, positions, Double(momentum))
        let epsilon = Double(epsilon)
        ThreadTeam.forEachRange(team, count: channels, minimumPerPart: max(1, (1 << 15) / count)) { range in
            for c in range {
                var sum = 0.0
                for n in 0..<batch {
                    sum += Double(Convolution.planeSum(input + (n * channels + c) * positions, count: positions))
                }
                let mean = sum / Double(count)
                var squares = 0.0
                for n in 0..<batch {
                    squares += Double(
                        Self.squaredDeviations(
                            input + (n * channels + c) * positions, count: positions,
                            from: Float(mean)))
                }
                let inverse = 1 / (squares / Double(count) + epsilon).squareRoot()
                savedMean[c] = Float(mean)
                savedInverseDeviation[c] = Float(inverse)
                runningMean[c] = Float(momentum * mean + (1 - momentum) * Double(runningMean[c]))
                runningVariance[c] = Float(
                    momentum * squares / Double(count - 1)
                        + (1 - momentum) * Double(runningVariance[c]))
                Self.transform(
                    input, output, channel: c, channels: channels, positions: positions, batch: batch,
                    mean: Float(mean), inverseDeviation: Float(inverse), scale: scale[c], shift: shift[c])
            }
        }
    }

    /// Evaluation forward pass: normalises with `runningMean` and `runningVariance`.
    public func forwardInference(
        input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, batch: Int, team: ThreadTeam?
    ) {
        let (channels, positions, epsilon) = (channels, positions, Double(epsilon))
        ThreadTeam.forEachRange(team, count: channels, minimumPerPart: max(1, (1 << 15) / (batch * positions))) {
            range in
            for c in range {
                let inverse = Float(1 / (Double(runningVariance[c]) + epsilon).squareRoot())
                Self.transform(
                    input, output, channel: c, channels: channels, positions: positions, batch: batch,
                    mean: runningMean[c], inverseDeviation: inverse, scale: scale[c], shift: shift[c])
            }
        }
    }

    /// `y = x * a + b` over channel `c` with `a = inverseDeviation * scale`, `b = shift - mean * a`
    /// (PyTorch's CPU arithmetic).
    @inline(__always)
    static func transform(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, channel c: Int,
        channels: Int, positions: Int, batch: Int, mean: Float, inverseDeviation: Float,
        scale: Float, shift: Float
    ) {
        let alpha = inverseDeviation * scale
        let beta = shift - mean * alpha
        let a = Lanes.Vector(repeating: alpha)
        let b = Lanes.Vector(repeating: beta)
        for n in 0..<batch {
            let x = input + (n * channels + c) * positions
            let y = output + (n * channels + c) * positions
            for k in stride(from: 0, to: positions, by: Lanes.width) {
                let lanes = min(Lanes.width, positions - k)
                Lanes.store(Lanes.load(x + k, lanes) * a + b, y + k, lanes)
            }
        }
    }

    /// `sum((x - mean)^2)` over `count` floats in eight lanes.
    @inline(__always)
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, from mean: Float) -> Float {
        var lanes = Lanes.Vector()
        let m = Lanes.Vector(repeating: mean)
        for k in stride(from: 0, to: count, by: Lanes.width) {
            let lanes_ = min(Lanes.width, count - k)
            var d = Lanes.load(x + k, lanes_) - m
            if lanes_ < Lanes.width { for lane in lanes_..<Lanes.width { d[lane] = 0 } }
            lanes += d * d
        }
        return lanes.sum()
    }
}
