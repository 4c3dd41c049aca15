/// Feature preprocessing applied before the first layer, stored in the manifest under
/// `"preprocessing"` so that evaluation applies exactly what training applied.
///
/// `x' = (x * scale - mean) / std`, where `mean` and `std` are per-feature vectors computed on the
/// training set when standardising (empty when not).
public struct Preprocessing: Codable, Equatable, Sendable {
    public var scale: Float
    public var mean: [Float]
    public var standardDeviation: [Float]

    public init(scale: Float = 1, mean: [Float] = [], standardDeviation: [Float] = []) {
        self.scale = scale
        self.mean = mean
        self.standardDeviation = standardDeviation
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
        return Preprocessing(scale: scale, mean: mean, standardDeviation: std)
    }

    private enum CodingKeys: String, CodingKey {
        case scale, mean, standardDeviation = "std"
    }
}
