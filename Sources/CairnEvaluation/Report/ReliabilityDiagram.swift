import Foundation

/// A self-contained SVG reliability diagram: for each confidence bin a bar at the bin's accuracy, a dark
/// tick at its mean confidence with the gap between them outlined in red, the diagonal of perfect
/// calibration, and a histogram of the bins' sample counts underneath.
public enum ReliabilityDiagram {
    public static func svg(bins: [ReliabilityBin], title: String, ece: Double, mce: Double) -> String {
        let width = 520.0, left = 60.0, right = 20.0, top = 46.0, plot = 400.0, gapBelow = 44.0, histogram = 70.0
        let height = top + plot + gapBelow + histogram + 26
        let plotW = width - left - right
        func x(_ v: Double) -> Double { left + v * plotW }
        func y(_ v: Double) -> Double { top + plot - v * plot }
        var svg = Drawing()
        svg.add(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">")
        svg.rect(0, 0, width, height, "fill=\"white\"")
        svg.text(width / 2, 20, escape(title), "text-anchor=\"middle\" font-size=\"14\"")
        let summary = "ECE \(String(format: "%.4f", ece)), MCE \(String(format: "%.4f", mce)) (\(bins.count) bins)"
        svg.text(width / 2, 37, summary, "text-anchor=\"middle\" fill=\"#555\"")
        for i in 0...5 {
            let v = Double(i) / 5
            svg.line(left, y(v), left + plotW, y(v), "stroke=\"#eee\"")
            svg.text(left - 6, y(v) + 4, String(format: "%.1f", v), "text-anchor=\"end\"")
            svg.text(x(v), top + plot + 16, String(format: "%.1f", v), "text-anchor=\"middle\"")
        }
        for bin in bins where bin.count > 0 {
            let x0 = x(bin.lower) + 1, w = max((bin.upper - bin.lower) * plotW - 2, 1)
            let tip = String(
                format: "(%.3f, %.3f]: %d samples, accuracy %.4f, mean confidence %.4f", bin.lower, bin.upper,
                bin.count,
                bin.accuracy, bin.confidence)
            svg.rect(x0, y(bin.accuracy), w, bin.accuracy * plot, "fill=\"#4c78a8\"", title: tip)
            let low = min(bin.accuracy, bin.confidence), high = max(bin.accuracy, bin.confidence)
            svg.rect(x0, y(high), w, (high - low) * plot, "fill=\"#e45756\" fill-opacity=\"0.25\" stroke=\"#e45756\"")
            svg.line(x0, y(bin.confidence), x0 + w, y(bin.confidence), "stroke=\"#222\" stroke-width=\"2\"")
        }
        svg.line(x(0), y(0), x(1), y(1), "stroke=\"#333\" stroke-dasharray=\"5,4\"")
        svg.rect(left, top, plotW, plot, "fill=\"none\" stroke=\"#999\"")
        svg.text(
            16, top + plot / 2, "accuracy", "transform=\"rotate(-90 16 \(top + plot / 2))\" text-anchor=\"middle\"")
        svg.text(left + plotW / 2, top + plot + 32, "top-1 confidence", "text-anchor=\"middle\"")

        let histogramTop = top + plot + gapBelow
        let largest = Double(max(bins.map(\.count).max() ?? 1, 1))
        for bin in bins where bin.count > 0 {
            let h = max(Double(bin.count) / largest * histogram, 1)
            let x0 = x(bin.lower) + 1, w = max((bin.upper - bin.lower) * plotW - 2, 1)
            svg.rect(x0, histogramTop + histogram - h, w, h, "fill=\"#9d9d9d\"", title: "\(bin.count) samples")
            svg.text(
                x0 + w / 2, histogramTop + histogram - h - 3, String(bin.count),
                "text-anchor=\"middle\" font-size=\"9\"")
        }
        svg.line(left, histogramTop + histogram, left + plotW, histogramTop + histogram, "stroke=\"#999\"")
        svg.text(left - 6, histogramTop + histogram / 2, "samples", "text-anchor=\"end\"")
        svg.text(left + plotW / 2, histogramTop + histogram + 16, "samples per bin", "text-anchor=\"middle\"")

        let legend = top + 16
        svg.rect(left + 10, legend - 10, 12, 12, "fill=\"#4c78a8\"")
        svg.text(left + 28, legend, "accuracy")
        svg.line(left + 10, legend + 14, left + 22, legend + 14, "stroke=\"#222\" stroke-width=\"2\"")
        svg.text(left + 28, legend + 18, "mean confidence")
        svg.rect(left + 10, legend + 26, 12, 12, "fill=\"#e45756\" fill-opacity=\"0.25\" stroke=\"#e45756\"")
        svg.text(left + 28, legend + 36, "gap")
        svg.add("</svg>")
        return svg.text
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// SVG elements, one per line, coordinates to one decimal.
    struct Drawing {
        var text = ""

        mutating func add(_ element: String) { text += element + "\n" }

        static func f(_ v: Double) -> String { String(format: "%.1f", v) }

        mutating func rect(
            _ x: Double, _ y: Double, _ w: Double, _ h: Double, _ attributes: String, title: String? = nil
        ) {
            let position = "x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(w))\" height=\"\(Self.f(h))\""
            add(
                title.map { "<rect \(position) \(attributes)><title>\($0)</title></rect>" }
                    ?? "<rect \(position) \(attributes)/>")
        }

        mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ attributes: String) {
            add(
                "<line x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y1))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y2))\" \(attributes)/>"
            )
        }

        mutating func text(_ x: Double, _ y: Double, _ content: String, _ attributes: String = "") {
            add(
                "<text x=\"\(Self.f(x))\" y=\"\(Self.f(y))\"\(attributes.isEmpty ? "" : " " + attributes)>\(content)</text>"
            )
        }
    }
}
