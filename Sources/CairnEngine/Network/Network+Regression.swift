extension Network {
    /// The coefficient of determination of a regressor on `count` rows: per target column
    /// `1 - sum((t - y)^2) / sum((t - mean(t))^2)`, averaged over the columns (scikit-learn's `r2_score`
    /// with its defaults: a column whose targets are all equal scores 1 when predicted exactly, else 0).
    /// R^2 does not change when targets and predictions are rescaled alike, so it may be computed on
    /// standardised targets. nil for classifiers or no rows.
    public func coefficientOfDetermination(
        inputs: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
        count: Int
    ) -> Double? {
        guard task == .regression, count > 0 else { return nil }
        let width = outputWidth
        precondition(targets.count >= count * width, "fewer targets than rows x output width")
        let predictions = predict(inputs, batch: count)
        var scores = 0.0
        for c in 0..<width {
            var mean = 0.0
            for r in 0..<count { mean += Double(targets[r * width + c]) }
            mean /= Double(count)
            var residual = 0.0, total = 0.0
            for r in 0..<count {
                let t = Double(targets[r * width + c])
                let e = t - Double(predictions[r * width + c])
                residual += e * e
                total += (t - mean) * (t - mean)
            }
            scores += total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
        }
        return scores / Double(width)
    }
}
