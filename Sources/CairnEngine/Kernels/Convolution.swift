import CairnModel

/// A 1-D or 2-D convolution on row-major `[N, C, H, W]` float buffers, lowered to matrix products:
/// the input of a tile of samples is lowered to columns (`ConvolutionLowering`), one `GEMM.multiply`
/// gives every output of the tile, and the lowered gradient is added back (col2im) for the input gradient.
///
/// Threads: a batch of at least two samples (and `multiplyAddsPerPart` per thread) is cut into one
/// contiguous run of samples per thread (the fixed rule of `Split`); each thread lowers, multiplies
/// (single-threaded BLAS) and scatters its own tiles in its own part of the workspace, so the threads meet
/// only at the end of a pass. Weight gradients are summed per thread and the per-thread sums added in
/// thread order. Otherwise each product is split across the team (`GEMM`'s rule) and each loop by rows
/// or planes.
///
/// Memory: each thread's tile (its lowered columns and one `[C_out, tile * P]` product) holds at most
/// `maximumWorkspaceFloats` floats (or one sample's worth, when a single sample needs more), so the
/// workspace, `workspaceFloats(batch:threads:)`, stays bounded at any batch size; small images get one
/// product over many samples instead of one small product per sample.
///
/// Determinism: every step has a fixed order given the batch, the thread count and the bound, so with the
/// same BLAS a pass is bit-identical from run to run at the same thread count. Another thread count or
/// bound changes the order in which the weight gradient sums over samples, so its last bits may differ;
/// outputs and input gradients differ only where the BLAS rounds a column differently at another width.
public struct Convolution: Hashable, Sendable {
    /// The default bound on one thread's tile: 2^18 floats (1 MiB), so that the lowered columns a product
    /// reads are still in the core's cache.
    public static let defaultMaximumWorkspaceFloats = 1 << 18

    public let geometry: ConvolutionGeometry
    /// The bound on one thread's tile that `samplesPerTile` was chosen for.
    public let maximumWorkspaceFloats: Int
    /// Samples lowered and multiplied together: as many as fit in `maximumWorkspaceFloats`, at least 1.
    public let samplesPerTile: Int

    /// A convolution of `geometry` whose tiles hold at most `maximumWorkspaceFloats` floats each (clamped to
    /// `0...Int32.max`), or one sample's worth when a single sample needs more.
    public init(geometry: ConvolutionGeometry, maximumWorkspaceFloats: Int = defaultMaximumWorkspaceFloats) {
        self.geometry = geometry
        // Clamped so that a tile's widest product, `tile * P` columns, fits BLAS's 32-bit sizes.
        self.maximumWorkspaceFloats = min(max(maximumWorkspaceFloats, 0), Int(Int32.max))
        samplesPerTile = max(1, self.maximumWorkspaceFloats / Self.floatsPerSample(geometry))
    }

    /// Workspace floats one sample of a tile takes: its lowered columns and its product columns.
    static func floatsPerSample(_ g: ConvolutionGeometry) -> Int {
        g.outputPositions * (g.patchSize + g.outputChannels)
    }

    /// How a batch is shared: `parts` runs of samples (one per thread, or 1), tiles of `tile` samples.
    struct Plan {
        var parts: Int
        var tile: Int
        var split: Split
    }

    /// A thread's run of samples holds at least this many multiply-adds of the forward product, so that a
    /// small batch of a small layer is not split into parts shorter than starting them costs.
    static let multiplyAddsPerPart = 1 << 15

    func plan(batch: Int, threads: Int) -> Plan {
        let g = geometry
        let work = Double(batch) * Double(g.outputChannels) * Double(g.patchSize) * Double(g.outputPositions)
        let parts = max(1, Int(min(Double(min(threads, batch)), work / Double(Self.multiplyAddsPerPart))))
        let tile = max(1, min(samplesPerTile, (batch + parts - 1) / parts))
        return Plan(parts: parts, tile: tile, split: Split(count: batch, parts: parts))
    }

    /// Samples in each tile of a batch of `batch` on `threads` threads.
    public func tileSamples(batch: Int, threads: Int = 1) -> Int { plan(batch: batch, threads: threads).tile }

    /// The workspace floats `forward` and `backward` need for batches of up to `batch` samples on a team of
    /// `threads` threads: one tile per thread, and a weight-gradient sum per thread but the first.
    public func workspaceFloats(batch: Int, threads: Int = 1) -> Int {
        let plan = plan(batch: batch, threads: threads)
        return plan.parts * plan.tile * Self.floatsPerSample(geometry) + (plan.parts - 1) * geometry.weightCount
    }

    /// `output = conv(input, weight) + bias` for `batch` samples.
    ///
    /// - Parameters:
    ///   - input: `[batch, C_in, H, W]`.
    ///   - weight: `[C_out, C_in, kh, kw]` (PyTorch's layout).
    ///   - bias: `[C_out]`, or nil for none.
    ///   - output: `[batch, C_out, H_out, W_out]`, overwritten.
    ///   - workspace: at least `workspaceFloats(batch:threads:)` floats of scratch for the team's thread
    ///     count (not read before written).
    ///   - team: the threads to split the work across (nil: the calling thread only).
    public func forward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, batch: Int,
        workspace: UnsafeMutableBufferPointer<Float>, team: ThreadTeam?
    ) {
        precondition(batch >= 1, "batch \(batch) is below 1")
        let plan = plan(batch: batch, threads: team?.threadCount ?? 1)
        precondition(
            workspace.count >= workspaceFloats(batch: batch, threads: team?.threadCount ?? 1),
            "the convolution workspace is too small")
        let tileFloats = plan.tile * Self.floatsPerSample(geometry)
        let base = workspace.baseAddress!
        if plan.parts == 1 {
            for first in stride(from: 0, to: batch, by: plan.tile) {
                forwardTile(
                    input: input, weight: weight, bias: bias, output: output, first: first,
                    samples: min(plan.tile, batch - first), columns: base, team: team)
            }
            return
        }
        ThreadTeam.forEachRange(team, count: plan.parts, minimumPerPart: 1) { parts in
            for part in parts {
                let samples = plan.split.range(part)
                for first in stride(from: samples.lowerBound, to: samples.upperBound, by: plan.tile) {
                    forwardTile(
                        input: input, weight: weight, bias: bias, output: output, first: first,
                        samples: min(plan.tile, samples.upperBound - first), columns: base + part * tileFloats,
                        team: nil)
                }
            }
        }
    }

    /// The outputs of samples `first ..< first + samples`, lowered into `columns`.
    private func forwardTile(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, first: Int, samples: Int,
        columns: UnsafeMutablePointer<Float>, team: ThreadTeam?
    ) {
        let g = geometry
        let positions = g.outputPositions
        let rows = g.patchSize
        let channels = g.outputChannels
        let tileOutput = output + first * g.outputSize
        lower(input + first * g.inputSize, samples: samples, into: columns, team: team)
        let width = samples * positions
        // One sample's product is its output plane already; several samples' products are
        // [C_out, samples * P] and are moved to [samples, C_out, P] as the bias is added.
        let product = samples == 1 ? tileOutput : columns + rows * width
        GEMM.multiply(
            transposeA: false, transposeB: false, m: channels, n: width, k: rows, alpha: 1,
            a: weight, lda: rows, b: columns, ldb: width, beta: 0, c: product, ldc: width, team: team)
        ThreadTeam.forEachRange(team, count: samples * channels, minimumPerPart: max(1, (1 << 14) / positions)) {
            items in
            for item in items {
                let s = item / channels
                let o = item % channels
                let from = product + o * width + s * positions
                let to = tileOutput + item * positions
                if let bias {
                    Self.copy(UnsafePointer(from), to, count: positions, adding: bias[o])
                } else if from != to {
                    ConvolutionLowering.copy(from, to, count: positions)
                }
            }
        }
    }

    /// Lowers a tile of `samples` samples into `columns`, split across the team by (row, sample).
    func lower(
        _ tileInput: UnsafePointer<Float>, samples: Int, into columns: UnsafeMutablePointer<Float>,
        team: ThreadTeam?
    ) {
        let g = geometry
        ThreadTeam.forEachRange(
            team, count: g.patchSize * samples,
            minimumPerPart: max(1, (1 << 14) / g.outputPositions)
        ) { items in
            ConvolutionLowering.lower(g, input: tileInput, samples: samples, items: items, into: columns)
        }
    }

    /// `to[k] = from[k] + value` for `count` floats (`from` may equal `to`).
    @inline(__always)
    static func copy(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int, adding value: Float) {
        if count < Lanes.width {
            for k in 0..<count { to[k] = from[k] + value }
            return
        }
        let add = Lanes.Vector(repeating: value)
        for k in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - k)
            Lanes.store(Lanes.load(from + k, lanes) + add, to + k, lanes)
        }
    }
}
