import CairnModel

/// `batch-norm`: batch statistics while training (updating the running mean and variance buffers), running
/// statistics at evaluation, and always when the node is frozen (`--freeze`), so a frozen body's statistics
/// never move. A training batch with a single value per channel (batch 1 over features) has no variance;
/// it is normalised with the running statistics, which it leaves unchanged.
///
/// Parameters, in the order the kind defines them: weight (scale), bias (shift), running_mean, running_var.
final class BatchNormKernel: NodeKernel {
    let normalization: BatchNormalization
    private let savedMean: UnsafeMutableBufferPointer<Float>
    private let savedInverseDeviation: UnsafeMutableBufferPointer<Float>
    /// Whether the last forward pass used batch statistics (its backward pass must match).
    private var usedBatchStatistics = false

    init(normalization: BatchNormalization) {
        self.normalization = normalization
        savedMean = .allocate(capacity: normalization.channels)
        savedMean.initialize(repeating: 0)
        savedInverseDeviation = .allocate(capacity: normalization.channels)
        savedInverseDeviation.initialize(repeating: 0)
    }

    deinit {
        savedMean.deallocate()
        savedInverseDeviation.deallocate()
    }

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let first = network.nodes[position].weightIndex
        let scale = network.parameters[first], shift = network.parameters[first + 1]
        let mean = network.parameters[first + 2], variance = network.parameters[first + 3]
        let input = network.firstInput(of: position), output = network.outputs[position]
        usedBatchStatistics = training && !scale.isFrozen && batch * normalization.positions > 1
        scale.values.withUnsafeBufferPointer { s in
            shift.values.withUnsafeBufferPointer { b in
                mean.values.withUnsafeMutableBufferPointer { m in
                    variance.values.withUnsafeMutableBufferPointer { v in
                        if usedBatchStatistics {
                            // Cannot throw: batch * positions > 1 was checked above.
                            try? normalization.forwardTraining(
                                input: input, scale: s.baseAddress!, shift: b.baseAddress!, output: output,
                                batch: batch,
                                runningMean: m.baseAddress!, runningVariance: v.baseAddress!,
                                savedMean: savedMean.baseAddress!,
                                savedInverseDeviation: savedInverseDeviation.baseAddress!,
                                team: network.team)
                        } else {
                            normalization.forwardInference(
                                input: input, scale: s.baseAddress!, shift: b.baseAddress!, runningMean: m.baseAddress!,
                                runningVariance: v.baseAddress!, output: output, batch: batch, team: network.team)
                        }
                    }
                }
            }
        }
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let node = network.nodes[position]
        let first = node.weightIndex
        let scale = network.parameters[first], shift = network.parameters[first + 1]
        let mean = network.parameters[first + 2], variance = network.parameters[first + 3]
        let source = network.edgeSources[node.firstEdge]
        let input = network.values(of: source), g = UnsafePointer(network.gradients[position])
        let inputGradient = network.nodes[source].needsGradient ? network.gradients[source] : nil
        let accumulate = network.edgeAccumulates[node.firstEdge]
        scale.values.withUnsafeBufferPointer { s in
            scale.gradient.withUnsafeMutableBufferPointer { ds in
                shift.gradient.withUnsafeMutableBufferPointer { db in
                    if usedBatchStatistics {
                        normalization.backwardTraining(
                            input: input, outputGradient: g, scale: s.baseAddress!, savedMean: savedMean.baseAddress!,
                            savedInverseDeviation: savedInverseDeviation.baseAddress!, scaleGradient: ds.baseAddress!,
                            shiftGradient: db.baseAddress!, inputGradient: inputGradient, accumulate: accumulate,
                            batch: batch, team: network.team)
                    } else {
                        mean.values.withUnsafeBufferPointer { m in
                            variance.values.withUnsafeBufferPointer { v in
                                normalization.backwardInference(
                                    input: input, outputGradient: g, scale: s.baseAddress!, runningMean: m.baseAddress!,
                                    runningVariance: v.baseAddress!, scaleGradient: ds.baseAddress!,
                                    shiftGradient: db.baseAddress!, inputGradient: inputGradient,
                                    accumulate: accumulate,
                                    batch: batch, team: network.team)
                            }
                        }
                    }
                }
            }
        }
    }
}
