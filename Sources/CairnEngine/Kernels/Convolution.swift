/// A 1-D or 2-D convolution on row-major `[N, C, H, W]` float buffers, lowered to matrix products:
/// the input of a tile of samples is lowered to columns (`ConvolutionLowering`), one `GEMM.multiply`
/// on the thread team gives every output of the tile, and the lowered gradient is added back (col2im)
/// for the input gradient.
///
/// Memory: the lowered columns of a tile, plus one `[C_out, tile * P]` product, live in a caller's
/// workspace of `workspaceFloats(batch:)` floats. A batch is cut into tiles of `samplesPerTile` samples,
/// as many as fit in `maximumWorkspaceFloats` (at least one sample, whatever its size), so memory stays
/// bounded at any batch size; small images get one large product over many samples instead of one
/// small product per sample.
///
/// Determinism: tiles run in order; within a tile every lowered row, output plane and input-gradient
/// plane is computed by one thread in a fixed order, and the products are split by `GEMM`'s fixed rule.
/// So with the same BLAS, thread count and `maximumWorkspaceFloats` a pass is bit-identical from run to
/// run. A different tile size changes the order in which the weight gradient sums over samples (tiles
/// add up one after another), so its last bits may differ; outputs and input gradients differ only
/// where the BLAS itself rounds a column differently at another matrix width.
public struct Convolution: Hashable, Sendable {
    /// The default bound on the workspace: 2^21 floats (8 MiB).
    public static let defaultMaximumWorkspaceFloats = 1 << 21

    public let geometry: ConvolutionGeometry
    /// The bound `samplesPerTile` was chosen for.
    public let maximumWorkspaceFloats: Int
    /// Samples lowered and multiplied together: as many as fit in `maximumWorkspaceFloats`, at least 1.
    public let samplesPerTile: Int

    /// A convolution of `geometry` whose workspace holds at most `maximumWorkspaceFloats` floats, or one
    /// sample's worth when a single sample needs more.
    public init(geometry: ConvolutionGeometry, maximumWorkspaceFloats: Int = defaultMaximumWorkspaceFloats) {
        self.geometry = geometry
        self.maximumWorkspaceFloats = maximumWorkspaceFloats
        samplesPerTile = max(1, maximumWorkspaceFloats / Self.floatsPerSample(geometry))
    }

    /// Workspace floats one sample of a tile takes: its lowered columns and its product columns.
    static func floatsPerSample(_ g: ConvolutionGeometry) -> Int {
        g.outputPositions * (g.patchSize + g.outputChannels)
    }

    /// Samples in the tiles of a batch of `batch`.
    public func tileSamples(batch: Int) -> Int { max(1, min(batch, samplesPerTile)) }

    /// The workspace floats `forward` and `backward` need for batches of up to `batch` samples.
    public func workspaceFloats(batch: Int) -> Int { tileSamples(batch: batch) * Self.floatsPerSample(geometry) }

    /// `output = conv(input, weight) + bias` for `batch` samples.
    ///
    /// - Parameters:
    ///   - input: `[batch, C_in, H, W]`.
    ///   - weight: `[C_out, C_in, kh, kw]` (PyTorch's layout).
    ///   - bias: `[C_out]`, or nil for none.
    ///   - output: `[batch, C_out, H_out, W_out]`, overwritten.
    ///   - workspace: at least `workspaceFloats(batch:)` floats of scratch (not read before written).
    ///   - team: the threads to split the work across (nil: the calling thread only).
    public func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        output: UnsafeMutablePointer<Float>, batch: Int,
                        workspace: UnsafeMutableBufferPointer<Float>, team: ThreadTeam?) {
        let g = geometry
        precondition(batch >= 1, "batch \(batch) is below 1")
        precondition(workspace.count >= workspaceFloats(batch: batch), "the convolution workspace is too small")
        let positions = g.outputPositions, rows = g.patchSize, channels = g.outputChannels
        let columns = workspace.baseAddress!
        let tile = tileSamples(batch: batch)
        for first in stride(from: 0, to: batch, by: tile) {
            let samples = min(tile, batch - first)
            let tileInput = input + first * g.inputSize, tileOutput = output + first * g.outputSize
            lower(tileInput, samples: samples, into: columns, team: team)
            let width = samples * positions
            // One sample's product is its output plane already; several samples' products are
            // [C_out, samples * P] and are moved to [samples, C_out, P] as the bias is added.
            let product = samples == 1 ? tileOutput : columns + rows * width
            GEMM.multiply(transposeA: false, transposeB: false, m: channels, n: width, k: rows, alpha: 1,
                          a: weight, lda: rows, b: columns, ldb: width, beta: 0, c: product, ldc: width, team: team)
            ThreadTeam.forEachRange(team, count: samples * channels, minimumPerPart: max(1, (1 << 14) / positions)) {
                items in
                for item in items {
                    let s = item / channels, o = item % channels
                    let from = product + o * width + s * positions, to = tileOutput + item * positions
                    if let bias {
                        Self.copy(UnsafePointer(from), to, count: positions, adding: bias[o])
                    } else if from != to {
                        ConvolutionLowering.copy(from, to, count: positions)
                    }
                }
            }
        }
    }

    /// Lowers a tile of `samples` samples into `columns`, split across the team by (row, sample).
    func lower(_ tileInput: UnsafePointer<Float>, samples: Int, into columns: UnsafeMutablePointer<Float>,
               team: ThreadTeam?) {
        let g = geometry
        ThreadTeam.forEachRange(team, count: g.patchSize * samples,
                                minimumPerPart: max(1, (1 << 14) / g.outputPositions)) { items in
            ConvolutionLowering.lower(g, input: tileInput, samples: samples, items: items, into: columns)
        }
    }

    /// `to[k] = from[k] + value` for `count` floats (`from` may equal `to`).
    @inline(__always)
    static func copy(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int, adding value: Float) {
        if count < Lanes.width {
            for k in 0 ..< count { to[k] = from[k] + value }
            return
        }
        let add = Lanes.Vector(repeating: value)
        for k in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - k)
            Lanes.store(Lanes.load(from + k, lanes) + add, to + k, lanes)
        }
    }
}
