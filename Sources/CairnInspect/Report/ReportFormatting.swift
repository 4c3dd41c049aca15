import Foundation

/// Number formatting shared by the text reports.
enum ReportFormatting {
    /// `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func grouped(_ value: Int) -> String { grouped(Int64(value)) }

    /// `812 B`, `19.4 KB`, `3.20 MB`, `1.07 GB` (powers of 1000).
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value), unit = 0
        while amount >= 1000 && unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        return String(format: amount < 10 ? "%.2f" : "%.1f", amount) + " " + units[unit]
    }

    /// Shortest round-trip form for moderate magnitudes, scientific otherwise; `nan`, `inf`, `-inf`.
    static func number(_ value: Double, digits: Int = 6) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)g", value)
    }

    /// `[64, 10]`; `[]` for a scalar.
    static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
