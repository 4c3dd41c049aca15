/// Feature preprocessing applied before the first layer, stored in the manifest under
/// `"preprocessing"` so that evaluation applies exactly what training applied.
///
/// `x' = (x * scale - mean) / std`, where `mean` and `std` are per-feature vectors computed on the
/// training set when standardising (empty when not).
///
/// Regression targets are standardised too (`t' = (t - target_mean) / target_std`, per target column,
/// fitted on the training samples), so the network learns on a unit scale whatever the targets'
/// units; predictions are mapped back with `restoreTargets`. Both keys are optional: files written
/// before they existed (and classifiers) have neither, and their targets are used as they are.
public struct Preprocessing: Codable, Equatable, Sendable {
    public var scale: Float
    public var mean: [Float]
    public var standardDeviation: [Float]
    /// Per target column: the training targets' mean and standard deviation (regression), or nil.
    public var targetMean: [Float]?
    public var targetStandardDeviation: [Float]?

    public init(
        scale: Float = 1, mean: [Float] = [], standardDeviation: [Float] = [],
        targetMean: [Float]? = nil, targetStandardDeviation: [Float]? = nil
    ) {
        self.scale = scale
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.targetMean = targetMean
        self.targetStandardDeviation = targetStandardDeviation
    }

    /// Whether regression targets are standardised (both vectors present, of equal length).
    public var standardizesTargets: Bool {
        guard let targetMean, let targetStandardDeviation else { return false }
        return !targetMean.isEmpty && targetMean.count == targetStandardDeviation.count
    }

    /// The same transform of the features, without any target standardisation.
    public var featuresOnly: Preprocessing {
        Preprocessing(scale: scale, mean: mean, standardDeviation: standardDeviation)
    }

    /// Standardises row-major targets of `columns` columns in place (no change when not standardising).
    public func standardizeTargets(_ values: inout [Float], columns: Int) {
        guard standardizesTargets, let m = targetMean, let s = targetStandardDeviation, m.count == columns else {
            return
        }
        for i in values.indices { values[i] = (values[i] - m[i % columns]) / s[i % columns] }
    }

    /// Maps standardised targets or predictions back to the targets' own units, in place.
    public func restoreTargets(_ values: inout [Float], columns: Int) {
        guard standardizesTargets, let m = targetMean, let s = targetStandardDeviation, m.count == columns else {
            return
        }
        for i in values.indices { values[i] = values[i] * s[i % columns] + m[i % columns] }
    }

    /// Fits target standardisation to row-major targets of `columns` columns (a column with zero
    /// spread keeps std 1), keeping this transform's features part.
    public func fittingTargets(_ values: [Float], columns: Int) -> Preprocessing {
        let (mean, std) = Self.meanAndDeviation(values, width: columns, scale: 1)
        var copy = self
        copy.targetMean = mean
        copy.targetStandardDeviation = std
        return copy
    }

    /// A one-line description: `features x 0.0625, standardised (64 means and stds); targets standardised`.
    public var summary: String {
        var parts: [String] = []
        if scale != 1 { parts.append("features x \(scale)") }
        if isStandardizing { parts.append("features standardised (mean and std of \(mean.count) columns)") }
        if standardizesTargets, let m = targetMean, let s = targetStandardDeviation {
            let pairs = zip(m, s).prefix(3).map { "mean \($0.0), std \($0.1)" }.joined(separator: "; ")
            parts.append("targets standardised (\(pairs)\(m.count > 3 ? "; ..." : ""))")
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// No change to the data.
    public static let identity = Preprocessing()

    public var isStandardizing: Bool { !mean.isEmpty }

    /// Applies the transform in place to row-major features of `width` columns.
    public func apply(to features: inout [Float], width: Int) {
        if scale != 1 {
            for i in features.indices { features[i] *= scale }
        }
        guard isStandardizing, mean.count == width, standardDeviation.count == width else { return }
        features.withUnsafeMutableBufferPointer { x in
            mean.withUnsafeBufferPointer { m in
                standardDeviation.withUnsafeBufferPointer { s in
                    var i = 0
                    while i < x.count {
                        for c in 0..<width { x[i + c] = (x[i + c] - m[c]) / s[c] }
                        i += width
                    }
                }
            }
        }
    }

    /// The standardising transform fitted to scaled features (columns with zero spread keep std 1).
    public static func fitted(to features: [Float], width: Int, scale: Float) -> Preprocessing {
        let (mean, std) = meanAndDeviation(features, width: width, scale: scale)
        return Preprocessing(scale: scale, mean: mean, standardDeviation: std)
    }

    private static func meanAndDeviation(_ features: [Float], width: Int, scale: Float) -> ([Float], [Float]) {
        let rows = width == 0 ? 0 : features.count / width
        var sum = [Double](repeating: 0, count: width)
        var sumSquares = [Double](repeating: 0, count: width)
        for r in 0..<rows {
            for c in 0..<width {
                let v = Double(features[r * width + c] * scale)
                sum[c] += v
                sumSquares[c] += v * v
            }
        }
        let n = Double(max(rows, 1))
        let mean = sum.map { Float($0 / n) }
        let std = (0..<width).map { c -> Float in
            let variance = max(sumSquares[c] / n - (sum[c] / n) * (sum[c] / n), 0)
            let s = Float(variance.squareRoot())
            return s > 1e-12 ? s : 1
        }
        return (mean, std)
    }

    private enum CodingKeys: String, CodingKey {
        case scale, mean, standardDeviation = "std", targetMean = "target_mean", targetStandardDeviation = "target_std"
    }
}
