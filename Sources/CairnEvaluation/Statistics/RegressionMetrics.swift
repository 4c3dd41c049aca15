/// Regression scores in the targets' own units, per output column and averaged over the columns
/// (scikit-learn's `multioutput="uniform_average"`): MSE, RMSE (the square root of each MSE; the
/// average is the mean of the columns' RMSEs), MAE, R² (`1 - SS_res / SS_tot`; a constant column gives
/// 1 when predicted exactly, else 0, as scikit-learn's `force_finite`), and the mean loss
/// `L = |e|²/2` per sample.
public struct RegressionMetrics: Codable, Equatable, Sendable {
    public var mse: Double
    public var rmse: Double
    public var mae: Double
    public var r2: Double
    public var perOutput: [OutputScore]

    /// Scores row-major `[count, columns]` predictions against targets of the same shape.
    public init(predictions: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, columns: Int) {
        let count = columns > 0 ? targets.count / columns : 0
        var scores: [OutputScore] = []
        for c in 0..<columns {
            var mean = 0.0
            for r in 0..<count { mean += Double(targets[r * columns + c]) }
            mean /= Double(max(count, 1))
            var squared = 0.0, absolute = 0.0, total = 0.0
            for r in 0..<count {
                let t = Double(targets[r * columns + c])
                let e = Double(predictions[r * columns + c]) - t
                squared += e * e
                absolute += abs(e)
                total += (t - mean) * (t - mean)
            }
            let n = Double(max(count, 1))
            let r2 = total > 0 ? 1 - squared / total : (squared == 0 ? 1 : 0)
            scores.append(
                OutputScore(column: c, mse: squared / n, rmse: (squared / n).squareRoot(), mae: absolute / n, r2: r2))
        }
        func average(_ value: (OutputScore) -> Double) -> Double {
            scores.isEmpty ? .nan : scores.reduce(0) { $0 + value($1) } / Double(scores.count)
        }
        mse = average(\.mse)
        rmse = average(\.rmse)
        mae = average(\.mae)
        r2 = average(\.r2)
        perOutput = scores
    }

    enum CodingKeys: String, CodingKey {
        case mse, rmse, mae, r2, perOutput = "per_output"
    }
}

/// One output column's regression scores.
public struct OutputScore: Codable, Equatable, Sendable {
    /// The 0-based output column.
    public var column: Int
    public var mse: Double
    public var rmse: Double
    public var mae: Double
    public var r2: Double
}
