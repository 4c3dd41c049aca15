import CairnModel

extension Network {
    /// What `infer` returns: every row's output and loss, and the totals `evaluate` reports.
    public struct Inference: Sendable {
        /// Row-major `[count, outputWidth]`: probabilities for classifiers, the last node's values otherwise.
        public var outputs: [Float]
        /// Each row's loss: `-log p(label)` computed from the logits, or `|y - t|^2 / 2`.
        public var rowLosses: [Double]
        /// The mean loss, summed chunk by chunk exactly as `evaluate` sums it (bit-identical to it).
        public var loss: Double
        /// The summed loss (before the mean).
        public var lossSum: Double
        /// Rows whose largest probability is at the label (classifiers; ties go to the lowest index).
        public var correct: Int
    }

    /// Runs `count` rows through the network in chunks of `maxBatch`, dropout off, on the network's
    /// thread team, keeping every row's output and loss. Its `loss` and `correct` are those of
    /// `evaluate(inputs:targets:count:)` on the same rows, bit for bit; calls `progress` with the rows
    /// done after each chunk.
    public func infer(
        inputs: UnsafeBufferPointer<Float>, targets: Targets, count: Int,
        progress: ((Int) -> Void)? = nil
    ) -> Inference {
        precondition(inputs.count >= count * inputWidth, "fewer inputs than rows x input width")
        precondition(targets.rowCount(width: outputWidth) >= count, "fewer targets than rows")
        let width = outputWidth
        let last = nodes.count - 1
        var rng = RandomGenerator(seed: 0)  // unused: dropout is off
        var total = 0.0
        var correct = 0
        var rowLosses = [Double](repeating: 0, count: count)
        let outputs = rowLosses.withUnsafeMutableBufferPointer { losses in
            [Float](unsafeUninitializedCapacity: count * width) { result, initialized in
                var start = 0
                while start < count {
                    let rows = min(maxBatch, count - start)
                    forward(inputs.baseAddress! + start * inputWidth, batch: rows, training: false, rng: &rng)
                    let part = lossSum(
                        targets: targets.rows(from: start, count: rows, width: width), batch: rows,
                        gradientScale: nil, rowLosses: losses.baseAddress! + start)
                    total += part.loss
                    correct += part.correct
                    (result.baseAddress! + start * width).initialize(from: self.outputs[last], count: rows * width)
                    start += rows
                    progress?(start)
                }
                initialized = count * width
            }
        }
        return Inference(
            outputs: outputs, rowLosses: rowLosses, loss: count > 0 ? total / Double(count) : .nan, lossSum: total,
            correct: correct)
    }
}
