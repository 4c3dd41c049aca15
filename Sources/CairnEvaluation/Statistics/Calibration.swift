/// How well a classifier's top-1 confidence matches its accuracy, as torchmetrics'
/// `multiclass_calibration_error` defines it (`n_bins=15`):
///
/// - confidence = the largest probability; correct = the top-1 class is the label;
/// - bins: the intervals `(b[i], b[i+1]]` of the boundaries `b = linspace(0, 1, bins + 1)` in float32
///   (right-inclusive, as `torch.bucketize(confidence, b) - 1` assigns them);
/// - ECE (`norm="l1"`) = Σ |accuracy(bin) - confidence(bin)| · count(bin) / n;
/// - MCE (`norm="max"`) = max over bins of |accuracy(bin) - confidence(bin)| (an empty bin counts 0).
///
/// Brier score (multi-class): the mean over samples of Σ_k (p_k - [k = label])².
public struct Calibration: Codable, Equatable, Sendable {
    public var expectedError: Double
    public var maximumError: Double
    public var brier: Double
    /// The reliability diagram's bins.
    public var bins: [ReliabilityBin]

    public static let defaultBinCount = 15

    /// `torch.linspace(0, 1, bins + 1)` in float32, value for value: `i · step` for the first half,
    /// `1 - (bins - i) · step` for the rest (one rounding, as its fused kernel), `step = 1 / bins`.
    public static func boundaries(_ bins: Int) -> [Float] {
        let step = Float(1) / Float(bins)
        let halfway = (bins + 1) / 2
        return (0...bins).map { i in
            i < halfway ? Float(0).addingProduct(Float(i), step) : Float(1).addingProduct(-Float(bins - i), step)
        }
    }

    /// Computes the calibration of `count` rows of `classes` probabilities against their labels.
    public init(
        probabilities: UnsafeBufferPointer<Float>, labels: [Int32], classes: Int, binCount: Int = Self.defaultBinCount
    ) {
        let count = labels.count
        let boundaries = Self.boundaries(binCount)
        var binCounts = [Int](repeating: 0, count: binCount)
        var confidenceSums = [Double](repeating: 0, count: binCount)
        var correctCounts = [Int](repeating: 0, count: binCount)
        var brierSum = 0.0
        for r in 0..<count {
            let row = probabilities.baseAddress! + r * classes
            var best = 0
            for j in 1..<max(classes, 1) where row[j] > row[best] { best = j }
            let confidence = row[best]
            let label = Int(labels[r])
            // The first boundary at or above the confidence closes its bin.
            var bin = 0
            while bin < binCount - 1 && confidence > boundaries[bin + 1] { bin += 1 }
            binCounts[bin] += 1
            confidenceSums[bin] += Double(confidence)
            if best == label { correctCounts[bin] += 1 }
            var squares = 0.0
            for j in 0..<classes {
                let e = Double(row[j]) - (j == label ? 1 : 0)
                squares += e * e
            }
            brierSum += squares
        }
        var expected = 0.0, maximum = 0.0
        var bins: [ReliabilityBin] = []
        for b in 0..<binCount {
            let n = binCounts[b]
            let accuracy = n > 0 ? Double(correctCounts[b]) / Double(n) : 0
            let confidence = n > 0 ? confidenceSums[b] / Double(n) : 0
            let gap = abs(accuracy - confidence)
            if count > 0 { expected += gap * Double(n) / Double(count) }
            maximum = max(maximum, gap)
            bins.append(
                ReliabilityBin(
                    lower: Double(boundaries[b]), upper: Double(boundaries[b + 1]), count: n,
                    accuracy: accuracy, confidence: confidence))
        }
        expectedError = expected
        maximumError = maximum
        brier = count > 0 ? brierSum / Double(count) : .nan
        self.bins = bins
    }
}

/// One bin of a reliability diagram: confidences in `(lower, upper]`.
public struct ReliabilityBin: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    /// The fraction of the bin's samples classified correctly (0 when empty).
    public var accuracy: Double
    /// The mean top-1 confidence of the bin's samples (0 when empty).
    public var confidence: Double
}
