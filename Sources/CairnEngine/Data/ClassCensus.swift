/// Which classes a classification dataset's labels use, and how many samples each has: the class
/// count of a run comes from here (or from `--classes`), never silently from one stray label.
public struct ClassCensus: Equatable, Sendable {
    /// Samples per class id, `0 ..< classes`.
    public let counts: [Int]

    /// Counts `labels` into `classes` classes; nil when a label is `classes` or more.
    public init?(labels: [Int32], classes: Int) {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels {
            guard label >= 0, Int(label) < classes else { return nil }
            counts[Int(label)] += 1
        }
        self.counts = counts
    }

    /// The number of classes.
    public var classes: Int { counts.count }

    /// The class ids with at least one sample, ascending.
    public var seen: [Int] { counts.indices.filter { counts[$0] > 0 } }

    /// The class ids with no sample, ascending.
    public var missing: [Int] { counts.indices.filter { counts[$0] == 0 } }

    /// Ids written compactly as ranges: `3, 5-9, 12`.
    public static func ranges(_ ids: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < ids.count {
            var j = i
            while j + 1 < ids.count && ids[j + 1] == ids[j] + 1 { j += 1 }
            parts.append(j == i ? "\(ids[i])" : j == i + 1 ? "\(ids[i]), \(ids[j])" : "\(ids[i])-\(ids[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
