/// Per-class precision, recall, F1 and support with macro and weighted averages, exactly as
/// scikit-learn's `classification_report` defines them (default arguments):
///
/// - The labels are those present in the true or the predicted classes, ascending
///   (`unique_labels(y_true, y_pred)`).
/// - precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·P·R / (P + R); a zero denominator
///   gives 0.0 (`zero_division="warn"`: scikit-learn warns and returns 0.0).
/// - macro average: the unweighted mean over the labels; weighted average: weighted by support.
public struct ClassificationReport: Codable, Equatable, Sendable {
    public var perClass: [ClassScore]
    public var macroAverage: AverageScore
    public var weightedAverage: AverageScore
    /// Rows: true label, columns: predicted label, both over `perClass`' labels in order
    /// (scikit-learn's `confusion_matrix(y_true, y_pred)`).
    public var confusion: [[Int]]

    /// The report for true and predicted class ids (equal counts).
    public init(truth: [Int32], predicted: [Int32]) {
        let labels = Array(Set(truth).union(predicted)).sorted()
        var position: [Int32: Int] = [:]
        for (i, label) in labels.enumerated() { position[label] = i }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for (t, p) in zip(truth, predicted) { confusion[position[t]!][position[p]!] += 1 }
        var scores: [ClassScore] = []
        for (i, label) in labels.enumerated() {
            let truePositives = confusion[i][i]
            let predictedCount = confusion.reduce(0) { $0 + $1[i] }
            let support = confusion[i].reduce(0, +)
            let precision = Self.ratio(truePositives, predictedCount)
            let recall = Self.ratio(truePositives, support)
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(ClassScore(label: Int(label), precision: precision, recall: recall, f1: f1, support: support))
        }
        let total = scores.reduce(0) { $0 + $1.support }
        func mean(_ value: (ClassScore) -> Double) -> Double {
            scores.isEmpty ? 0 : scores.reduce(0) { $0 + value($1) } / Double(scores.count)
        }
        func weighted(_ value: (ClassScore) -> Double) -> Double {
            total == 0 ? 0 : scores.reduce(0) { $0 + value($1) * Double($1.support) } / Double(total)
        }
        perClass = scores
        macroAverage = AverageScore(
            precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
        weightedAverage = AverageScore(
            precision: weighted(\.precision), recall: weighted(\.recall),
            f1: weighted(\.f1), support: total)
        self.confusion = confusion
    }

    /// `a / b`, or 0 when `b` is 0 (scikit-learn's default zero-division result).
    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    enum CodingKeys: String, CodingKey {
        case perClass = "per_class", macroAverage = "macro_avg", weightedAverage = "weighted_avg", confusion
    }
}

/// One class's line of a classification report.
public struct ClassScore: Codable, Equatable, Sendable {
    public var label: Int
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}

/// An averaged line of a classification report (`support`: all samples).
public struct AverageScore: Codable, Equatable, Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
}
