import CairnModel

/// Global average pooling: `[N, C, H, W]` (or `[N, C, L]`) to `[N, C]`, each output the mean of its
/// channel's plane (PyTorch's `adaptive_avg_pool2d(x, 1)` flattened). Every plane is done by one thread,
/// so results do not depend on the thread count.
public struct GlobalAveragePooling: Hashable, Sendable {
    public let channels: Int
    /// Positions per plane, `H * W` (1-D: `L`).
    public let positions: Int

    /// Throws when `channels` or `positions` is below 1 or a sample would not fit 32-bit sizes.
    public init(channels: Int, positions: Int) throws(KernelAttributeError) {
        try GeometryArithmetic.requirePositive([("channels", channels), ("positions", positions)])
        _ = try GeometryArithmetic.product([channels, positions], "one input sample")
        self.channels = channels
        self.positions = positions
    }

    /// `output[n, c]` = the mean of plane `(n, c)`: eight running lanes, added, then divided by `H * W`.
    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        team: ThreadTeam?
    ) {
        let positions = positions
        let divisor = Float(positions)
        ThreadTeam.forEachRange(team, count: batch * channels, minimumPerPart: max(1, (1 << 15) / positions)) {
            planes in
            for plane in planes {
                output[plane] = Convolution.planeSum(input + plane * positions, count: positions) / divisor
            }
        }
    }

    /// `inputGradient[n, c, p] (+)= outputGradient[n, c] / (H * W)`.
    public func backward(
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        accumulate: Bool, batch: Int, team: ThreadTeam?
    ) {
        let positions = positions
        let divisor = Float(positions)
        ThreadTeam.forEachRange(team, count: batch * channels, minimumPerPart: max(1, (1 << 15) / positions)) {
            planes in
            for plane in planes {
                let share = Lanes.Vector(repeating: outputGradient[plane] / divisor)
                let dx = inputGradient + plane * positions
                for k in stride(from: 0, to: positions, by: Lanes.width) {
                    let lanes = min(Lanes.width, positions - k)
                    Lanes.store(accumulate ? Lanes.load(dx + k, lanes) + share : share, dx + k, lanes)
                }
            }
        }
    }
}
