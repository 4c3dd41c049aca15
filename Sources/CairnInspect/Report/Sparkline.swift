/// One-line charts of a series, for terminals: `▁▂▃▄▅▆▇█`, one character per value, scaled between the
/// series' minimum and maximum; a missing or non-finite value is a space.
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The chart of `values`; at most `width` characters (longer series are averaged into buckets).
    public static func render(_ values: [Double?], width: Int = 60) -> String {
        let series = bucket(values, width: max(1, width))
        let finite = series.compactMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return String(repeating: " ", count: series.count)
        }
        return String(
            series.map { value -> Character in
                guard let value, value.isFinite else { return " " }
                guard high > low else { return levels[levels.count / 2] }
                let level = Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())
                return levels[min(max(level, 0), levels.count - 1)]
            })
    }

    /// Averages consecutive values so that at most `width` remain.
    static func bucket(_ values: [Double?], width: Int) -> [Double?] {
        guard values.count > width else { return values }
        return (0..<width).map { index in
            let range = (index * values.count / width)..<((index + 1) * values.count / width)
            let present = values[range].compactMap { $0 }.filter(\.isFinite)
            return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
        }
    }
}
