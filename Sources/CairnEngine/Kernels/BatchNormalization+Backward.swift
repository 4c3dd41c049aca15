import CairnModel

extension BatchNormalization {
    /// Gradients of the training forward pass (batch statistics), from the `savedMean` and
    /// `savedInverseDeviation` it wrote (PyTorch's formulas): with `M = N * L`, `s = sum(dy)` and
    /// `d = sum((x - mean) * dy)` per channel, `dshift = s`, `dscale = d * inv`, and
    /// `dx = (dy - s / M - (x - mean) * d * inv^2 / M) * inv * scale`.
    /// `scaleGradient` and `shiftGradient` are overwritten; `inputGradient` (nil: not needed) is
    /// overwritten or, with `accumulate`, added to.
    public func backwardTraining(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, savedMean: UnsafePointer<Float>,
        savedInverseDeviation: UnsafePointer<Float>,
        scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool, batch: Int,
        team: ThreadTeam?
    ) {
        backward(
            input: input, outputGradient: outputGradient, scale: scale, mean: savedMean,
            inverseDeviation: { savedInverseDeviation[$0] }, usesBatchStatistics: true,
            scaleGradient: scaleGradient, shiftGradient: shiftGradient, inputGradient: inputGradient,
            accumulate: accumulate, batch: batch, team: team)
    }

    /// Gradients of the evaluation forward pass (running statistics, which are constants):
    /// `dx = dy * inv * scale` with `inv = 1 / sqrt(runningVariance + epsilon)`,
    /// `dscale = sum((x - runningMean) * dy) * inv`, `dshift = sum(dy)`.
    public func backwardInference(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, runningMean: UnsafePointer<Float>,
        runningVariance: UnsafePointer<Float>,
        scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool, batch: Int,
        team: ThreadTeam?
    ) {
        let epsilon = Double(epsilon)
        backward(
            input: input, outputGradient: outputGradient, scale: scale, mean: runningMean,
            inverseDeviation: { Float(1 / (Double(runningVariance[$0]) + epsilon).squareRoot()) },
            usesBatchStatistics: false, scaleGradient: scaleGradient, shiftGradient: shiftGradient,
            inputGradient: inputGradient, accumulate: accumulate, batch: batch, team: team)
    }

    private func backward(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        inverseDeviation: (Int) -> Float, usesBatchStatistics: Bool,
        scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool, batch: Int,
        team: ThreadTeam?
    ) {
        let (channels, positions) = (channels, positions)
        let count = batch * positions
        ThreadTeam.forEachRange(team, count: channels, minimumPerPart: max(1, (1 << 15) / count)) { range in
            for c in range {
                let m = Lanes.Vector(repeating: mean[c])
                var sum = 0.0
                var dot = 0.0
                for n in 0..<batch {
                    let offset = (n * channels + c) * positions
                    let x = input + offset
                    let dy = outputGradient + offset
                    var sums = Lanes.Vector()
                    var dots = Lanes.Vector()
                    for k in stride(from: 0, to: positions, by: Lanes.width) {
                        let lanes = min(Lanes.width, positions - k)
                        let g = Lanes.load(dy + k, lanes)
                        var d = Lanes.load(x + k, lanes) - m
                        if lanes < Lanes.width { for lane in lanes..<Lanes.width { d[lane] = 0 } }
                        sums += g
                        dots += d * g
                    }
                    sum += Double(sums.sum())
                    dot += Double(dots.sum())
                }
                let inverse = inverseDeviation(c)
                shiftGradient[c] = Float(sum)
                scaleGradient[c] = Float(dot * Double(inverse))
                guard let inputGradient else { continue }
                let factor = Lanes.Vector(repeating: inverse * scale[c])
                // Batch statistics depend on x: subtract the mean gradient and the projection on x - mean.
                let meanGradient = Lanes.Vector(repeating: usesBatchStatistics ? Float(sum / Double(count)) : 0)
                let projection = Lanes.Vector(
                    repeating: usesBatchStatistics
                        ? Float(dot * Double(inverse) * Double(inverse) / Double(count)) : 0)
                for n in 0..<batch {
                    let offset = (n * channels + c) * positions
                    let x = input + offset
                    let dy = outputGradient + offset
                    let dx = inputGradient + offset
                    for k in stride(from: 0, to: positions, by: Lanes.width) {
                        let lanes = min(Lanes.width, positions - k)
                        var value: Lanes.Vector
                        if usesBatchStatistics {
                            let centred = (Lanes.load(x + k, lanes) - m) * projection
                            value = (Lanes.load(dy + k, lanes) - meanGradient - centred) * factor
                        } else {
                            value = Lanes.load(dy + k, lanes) * factor
                        }
                        if accumulate { value += Lanes.load(dx + k, lanes) }
                        Lanes.store(value, dx + k, lanes)
                    }
                }
            }
        }
    }
}
