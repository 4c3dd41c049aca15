import CairnModel

extension Convolution {
    /// Gradients of `output = conv(input, weight) + bias` for `batch` samples, from the output gradient.
    ///
    /// - Parameters:
    ///   - input: the forward pass's `[batch, C_in, H, W]`.
    ///   - weight: `[C_out, C_in, kh, kw]`.
    ///   - outputGradient: `[batch, C_out, H_out, W_out]`.
    ///   - weightGradient: `[C_out, C_in, kh, kw]`, overwritten with the sum over the batch.
    ///   - biasGradient: `[C_out]`, overwritten with the sums of the output gradient per channel; nil when
    ///     the convolution has no bias.
    ///   - inputGradient: `[batch, C_in, H, W]`, or nil when the input needs no gradient (a first layer).
    ///   - accumulateInputGradient: add to `inputGradient` (true) or overwrite it (false).
    ///   - workspace: at least `workspaceFloats(batch:threads:)` floats of scratch for the team's thread count.
    public func backward(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>?, inputGradient: UnsafeMutablePointer<Float>?,
        accumulateInputGradient: Bool, batch: Int,
        workspace: UnsafeMutableBufferPointer<Float>, team: ThreadTeam?
    ) {
        let g = geometry
        precondition(batch >= 1, "batch \(batch) is below 1")
        let plan = plan(batch: batch, threads: team?.threadCount ?? 1)
        precondition(
            workspace.count >= workspaceFloats(batch: batch, threads: team?.threadCount ?? 1),
            "the convolution workspace is too small")
        if let biasGradient {
            Self.channelSums(
                outputGradient, batch: batch, channels: g.outputChannels, positions: g.outputPositions,
                into: biasGradient, team: team)
        }
        let tileFloats = plan.tile * Self.floatsPerSample(g)
        let base = workspace.baseAddress!
        if plan.parts == 1 {
            for first in stride(from: 0, to: batch, by: plan.tile) {
                backwardTile(
                    input: input, weight: weight, outputGradient: outputGradient, weightGradient: weightGradient,
                    addToWeightGradient: first > 0, inputGradient: inputGradient,
                    accumulateInputGradient: accumulateInputGradient, first: first,
                    samples: min(plan.tile, batch - first), columns: base, team: team)
            }
            return
        }
        // Each thread sums its samples' weight gradient: the first into `weightGradient`, the others
        // into the workspace after the tiles; the sums are then added in thread order.
        let sums = base + plan.parts * tileFloats
        ThreadTeam.forEachRange(team, count: plan.parts, minimumPerPart: 1) { parts in
            for part in parts {
                let samples = plan.split.range(part)
                let partGradient = part == 0 ? weightGradient : sums + (part - 1) * g.weightCount
                for first in stride(from: samples.lowerBound, to: samples.upperBound, by: plan.tile) {
                    backwardTile(
                        input: input, weight: weight, outputGradient: outputGradient,
                        weightGradient: partGradient, addToWeightGradient: first > samples.lowerBound,
                        inputGradient: inputGradient, accumulateInputGradient: accumulateInputGradient,
                        first: first, samples: min(plan.tile, samples.upperBound - first),
                        columns: base + part * tileFloats, team: nil)
                }
            }
        }
        ThreadTeam.forEachRange(team, count: g.weightCount, minimumPerPart: 1 << 13) { range in
            for part in 1..<plan.parts {
                ConvolutionLowering.addInPlace(
                    sums + (part - 1) * g.weightCount + range.lowerBound,
                    weightGradient + range.lowerBound, count: range.count)
            }
        }
    }

    /// The gradients of samples `first ..< first + samples`: their weight gradient written to (or added to)
    /// `weightGradient`, their input gradient to `inputGradient`.
    private func backwardTile(
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        addToWeightGradient: Bool, inputGradient: UnsafeMutablePointer<Float>?,
        accumulateInputGradient: Bool, first: Int, samples: Int,
        columns: UnsafeMutablePointer<Float>, team: ThreadTeam?
    ) {
        let g = geometry
        let positions = g.outputPositions
        let rows = g.patchSize
        let channels = g.outputChannels
        let width = samples * positions
        lower(input + first * g.inputSize, samples: samples, into: columns, team: team)
        // The tile's output gradient as [C_out, samples * P]: one sample's is its plane already.
        let tileGradient = outputGradient + first * g.outputSize
        var gathered = tileGradient
        if samples > 1 {
            let buffer = columns + rows * width
            ThreadTeam.forEachRange(team, count: samples * channels, minimumPerPart: max(1, (1 << 14) / positions)) {
                items in
                for item in items {
                    let s = item / channels
                    let o = item % channels
                    ConvolutionLowering.copy(
                        tileGradient + item * positions, buffer + o * width + s * positions,
                        count: positions)
                }
            }
            gathered = UnsafePointer(buffer)
        }
        // dW (+)= dY[C_out, samples * P] * columns[K, samples * P]^T, tiles added in order.
        GEMM.multiply(
            transposeA: false, transposeB: true, m: channels, n: rows, k: width, alpha: 1,
            a: gathered, lda: width, b: columns, ldb: width, beta: addToWeightGradient ? 1 : 0,
            c: weightGradient, ldc: rows, team: team)
        guard let inputGradient else { return }
        // Lowered input gradient W^T dY, [K, samples * P], over the columns (no longer needed), then col2im.
        GEMM.multiply(
            transposeA: true, transposeB: false, m: rows, n: width, k: channels, alpha: 1,
            a: weight, lda: rows, b: gathered, ldb: width, beta: 0, c: columns, ldc: width, team: team)
        let tileInputGradient = inputGradient + first * g.inputSize
        ThreadTeam.forEachRange(
            team, count: samples * g.inputChannels,
            minimumPerPart: max(1, (1 << 14) / max(1, g.inputPositions))
        ) { items in
            ConvolutionLowering.accumulate(
                g, columns: columns, samples: samples, items: items,
                into: tileInputGradient, accumulate: accumulateInputGradient)
        }
    }

    /// `sums[o] = sum over samples n and positions p of values[n, o, p]`, each channel summed by one
    /// thread: eight running lanes over a sample's plane, lanes then added, samples added in order.
    static func channelSums(
        _ values: UnsafePointer<Float>, batch: Int, channels: Int, positions: Int,
        into sums: UnsafeMutablePointer<Float>, team: ThreadTeam?
    ) {
        ThreadTeam.forEachRange(team, count: channels, minimumPerPart: max(1, (1 << 15) / max(1, batch * positions))) {
            range in
            for o in range {
                var total: Float = 0
                for n in 0..<batch {
                    total += planeSum(values + (n * channels + o) * positions, count: positions)
                }
                sums[o] = total
            }
        }
    }

    /// The sum of `count` floats: eight lanes, then the lanes in order (fewer than eight: in order).
    @inline(__always)
    static func planeSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        if count < Lanes.width {
            var sum: Float = 0
            for k in 0..<count { sum += values[k] }
            return sum
        }
        var lanes = Lanes.Vector()
        for k in stride(from: 0, to: count, by: Lanes.width) {
            lanes += Lanes.load(values + k, min(Lanes.width, count - k))
        }
        return lanes.sum()
    }
}
