import CairnModel

/// Max pooling, 1-D or 2-D, on row-major `[N, C, H, W]` float buffers (PyTorch's `max_pool1d`/`max_pool2d`
/// with `ceil_mode=False`, dilation 1). Padding positions are never chosen. Within a window the first
/// largest value wins (row by row), and a NaN wins over any number (the last NaN, as in PyTorch).
///
/// The forward pass stores, per output, the index of the chosen input within its plane (`h * W + w`,
/// PyTorch's `return_indices`); the backward pass routes each output gradient to that input.
/// Every plane is done by one thread in a fixed order, so results do not depend on the thread count.
public struct MaxPooling: Hashable, Sendable {
    public let geometry: PoolingGeometry

    public init(geometry: PoolingGeometry) { self.geometry = geometry }

    /// `output[n, c, oh, ow]` = the largest input in its window; `indices` (same shape as the output)
    /// get the chosen inputs' positions within their planes.
    public func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        indices: UnsafeMutablePointer<Int32>, batch: Int, team: ThreadTeam?
    ) {
        let g = geometry
        g.forEachPlane(batch: batch, team: team) { plane in
            let x = input + plane * g.inputPlane
            let y = output + plane * g.outputPlane
            let chosen = indices + plane * g.outputPlane
            g.forEachWindow { position, rows, columns in
                var best = -Float.infinity
                var where_ = rows.lowerBound * g.inputWidth + columns.lowerBound
                for h in rows {
                    for w in columns {
                        let value = x[h * g.inputWidth + w]
                        if value > best || value.isNaN {
                            best = value
                            where_ = h * g.inputWidth + w
                        }
                    }
                }
                y[position] = best
                chosen[position] = Int32(where_)
            }
        }
    }

    /// `inputGradient[n, c, index] (+)= outputGradient[n, c, oh, ow]` for each output and its stored
    /// index; each input plane is overwritten with zeros first unless `accumulate`.
    public func backward(
        outputGradient: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
        inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool, batch: Int, team: ThreadTeam?
    ) {
        let g = geometry
        g.forEachPlane(batch: batch, team: team) { plane in
            let dx = inputGradient + plane * g.inputPlane
            let dy = outputGradient + plane * g.outputPlane
            let chosen = indices + plane * g.outputPlane
            if !accumulate { dx.update(repeating: 0, count: g.inputPlane) }
            for k in 0..<g.outputPlane { dx[Int(chosen[k])] += dy[k] }
        }
    }
}
