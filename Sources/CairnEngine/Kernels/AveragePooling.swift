import CairnModel

/// Average pooling, 1-D or 2-D, on row-major `[N, C, H, W]` float buffers (PyTorch's `avg_pool1d`/
/// `avg_pool2d` with `ceil_mode=False` and the default `count_include_pad=True`): each output is the sum
/// of its window divided by the window's size `kh * kw`, padding counted as zeros.
/// Every plane is done by one thread in a fixed order, so results do not depend on the thread count.
public struct AveragePooling: Hashable, Sendable {
    public let geometry: PoolingGeometry

    public init(geometry: PoolingGeometry) { self.geometry = geometry }

    /// `output[n, c, oh, ow]` = the window's sum / `(kh * kw)`.
    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int,
        team: ThreadTeam?
    ) {
        let g = geometry
        let divisor = Float(g.kernelHeight * g.kernelWidth)
        g.forEachPlane(batch: batch, team: team) { plane in
            let x = input + plane * g.inputPlane
            let y = output + plane * g.outputPlane
            g.forEachWindow { position, rows, columns in
                var sum: Float = 0
                for h in rows {
                    for w in columns { sum += x[h * g.inputWidth + w] }
                }
                y[position] = sum / divisor
            }
        }
    }

    /// Each output's gradient divided by the window size, added to every input of its window; each
    /// input plane is overwritten with zeros first unless `accumulate`.
    public func backward(
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        accumulate: Bool, batch: Int, team: ThreadTeam?
    ) {
        let g = geometry
        let divisor = Float(g.kernelHeight * g.kernelWidth)
        g.forEachPlane(batch: batch, team: team) { plane in
            let dx = inputGradient + plane * g.inputPlane
            let dy = outputGradient + plane * g.outputPlane
            if !accumulate { dx.update(repeating: 0, count: g.inputPlane) }
            g.forEachWindow { position, rows, columns in
                let share = dy[position] / divisor
                for h in rows {
                    for w in columns { dx[h * g.inputWidth + w] += share }
                }
            }
        }
    }
}
