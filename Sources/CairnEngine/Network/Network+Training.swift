import CairnModel

extension Network {
    /// One training step on `batch` rows (`1...maxBatch`): forward in training mode, the loss (fused
    /// softmax cross-entropy, or squared error `|e|^2 / 2` per row), backward, then `optimizer.step`.
    /// Returns the batch's mean loss. When it is not finite (NaN or infinite) the optimizer step is
    /// skipped, so parameters and optimizer state stay those of the last good step for the caller
    /// to save or inspect. Allocates nothing at steady state.
    ///
    /// Dropout masks come from `rng` in this fixed order: dropout nodes in graph order; for each,
    /// one `rng.nextUniform()` per element of its `[batch, width]` output, row-major; an element is
    /// kept (and scaled by `1 / (1 - rate)`) when its draw is `>= rate`. Nodes with rate 0 and every
    /// other node draw nothing, so a graph without dropout leaves `rng` untouched.
    @discardableResult
    public func trainStep(
        inputs: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, optimizer: Optimizer,
        learningRate: Float, rng: inout RandomGenerator
    ) -> Double {
        let loss = lossAndGradients(inputs: inputs, targets: targets, batch: batch, training: true, rng: &rng)
        if loss.isFinite { optimizer.step(parameters, learningRate: learningRate, team: team) }
        return loss
    }

    /// Forward and backward on `batch` rows (`1...maxBatch`): leaves the gradient of the mean loss in
    /// every parameter's `gradient` and returns the mean loss. With `training` false dropout is off
    /// and `rng` is not touched.
    public func lossAndGradients(
        inputs: UnsafeBufferPointer<Float>, targets: Targets, batch: Int, training: Bool,
        rng: inout RandomGenerator
    ) -> Double {
        precondition(inputs.count >= batch * inputWidth, "fewer inputs than batch rows x input width")
        precondition(targets.rowCount(width: outputWidth) >= batch, "fewer targets than batch rows")
        forward(inputs.baseAddress!, batch: batch, training: training, rng: &rng)
        let sum = lossSum(targets: targets, batch: batch, gradientScale: 1 / Float(batch)).loss
        backward(batch: batch, training: training)
        return sum / Double(batch)
    }

    /// The mean loss over `count` rows and, for classifiers, the fraction classified correctly
    /// (argmax of the probabilities equals the label). Runs in chunks of `maxBatch`, dropout off.
    public func evaluate(
        inputs: UnsafeBufferPointer<Float>, targets: Targets, count: Int
    ) -> (loss: Double, accuracy: Double?) {
        precondition(inputs.count >= count * inputWidth, "fewer inputs than rows x input width")
        precondition(targets.rowCount(width: outputWidth) >= count, "fewer targets than rows")
        guard count > 0 else { return (.nan, task == .classification ? .nan : nil) }
        var rng = RandomGenerator(seed: 0)  // unused: dropout is off
        var total = 0.0
        var correct = 0
        var start = 0
        while start < count {
            let rows = min(maxBatch, count - start)
            forward(inputs.baseAddress! + start * inputWidth, batch: rows, training: false, rng: &rng)
            let part = lossSum(
                targets: targets.rows(from: start, count: rows, width: outputWidth), batch: rows,
                gradientScale: nil)
            total += part.loss
            correct += part.correct
            start += rows
        }
        let accuracy: Double? = task == .classification ? Double(correct) / Double(count) : nil
        return (total / Double(count), accuracy)
    }
}
