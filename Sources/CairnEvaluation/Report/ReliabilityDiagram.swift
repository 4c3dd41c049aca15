import Foundation

/// A self-contained SVG reliability diagram: for each confidence bin a bar at the bin's accuracy, the
/// gap to its mean confidence shaded, the diagonal of perfect calibration, and a histogram of the bins'
/// sample counts underneath.
public enum ReliabilityDiagram {
    public static func svg(bins: [ReliabilityBin], title: String, ece: Double, mce: Double) -> String {
        let width = 520.0, left = 60.0, right = 20.0, top = 46.0, plot = 400.0, histogram = 70.0, gapBelow = 40.0
        let height = top + plot + gapBelow + histogram + 40
        let plotW = width - left - right
        func x(_ v: Double) -> Double { left + v * plotW }
        func y(_ v: Double) -> Double { top + plot - v * plot }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="20" text-anchor="middle" font-size="14">\(escape(title))</text>
            <text x="\(f(width / 2))" y="37" text-anchor="middle" fill="#555">ECE \(String(format: "%.4f", ece)), MCE \(String(format: "%.4f", mce)) (\(bins.count) bins)</text>

            """
        for i in 0...5 {
            let v = Double(i) / 5
            s +=
                "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\" stroke=\"#eee\"/>\n"
            s +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", v))</text>\n"
            s +=
                "<text x=\"\(f(x(v)))\" y=\"\(f(top + plot + 16))\" text-anchor=\"middle\">\(String(format: "%.1f", v))</text>\n"
        }
        for bin in bins where bin.count > 0 {
            let x0 = x(bin.lower) + 1, w = max((bin.upper - bin.lower) * plotW - 2, 1)
            s +=
                "<rect x=\"\(f(x0))\" y=\"\(f(y(bin.accuracy)))\" width=\"\(f(w))\" height=\"\(f(bin.accuracy * plot))\" fill=\"#4c78a8\"><title>(\(String(format: "%.3f", bin.lower)), \(String(format: "%.3f", bin.upper))]: \(bin.count) samples, accuracy \(String(format: "%.4f", bin.accuracy)), confidence \(String(format: "%.4f", bin.confidence))</title></rect>\n"
            let low = min(bin.accuracy, bin.confidence), high = max(bin.accuracy, bin.confidence)
            s +=
                "<rect x=\"\(f(x0))\" y=\"\(f(y(high)))\" width=\"\(f(w))\" height=\"\(f((high - low) * plot))\" fill=\"#e45756\" fill-opacity=\"0.45\"/>\n"
        }
        s +=
            "<line x1=\"\(f(x(0)))\" y1=\"\(f(y(0)))\" x2=\"\(f(x(1)))\" y2=\"\(f(y(1)))\" stroke=\"#333\" stroke-dasharray=\"5,4\"/>\n"
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plot))\" fill=\"none\" stroke=\"#999\"/>\n"
        s +=
            "<text x=\"16\" y=\"\(f(top + plot / 2))\" transform=\"rotate(-90 16 \(f(top + plot / 2)))\" text-anchor=\"middle\">accuracy</text>\n"
        s +=
            "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plot + 32))\" text-anchor=\"middle\">top-1 confidence</text>\n"
        let histogramTop = top + plot + gapBelow
        let largest = Double(max(bins.map(\.count).max() ?? 1, 1))
        for bin in bins where bin.count > 0 {
            let h = Double(bin.count) / largest * histogram
            let x0 = x(bin.lower) + 1, w = max((bin.upper - bin.lower) * plotW - 2, 1)
            s +=
                "<rect x=\"\(f(x0))\" y=\"\(f(histogramTop + histogram - h))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"#9d9d9d\"><title>\(bin.count) samples</title></rect>\n"
        }
        s += "<text x=\"\(f(left - 6))\" y=\"\(f(histogramTop + 10))\" text-anchor=\"end\">\(Int(largest))</text>\n"
        s +=
            "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(histogramTop + histogram + 16))\" text-anchor=\"middle\">samples per bin</text>\n"
        let legendY = top + 16
        s +=
            "<rect x=\"\(f(left + 10))\" y=\"\(f(legendY - 10))\" width=\"12\" height=\"12\" fill=\"#4c78a8\"/><text x=\"\(f(left + 28))\" y=\"\(f(legendY))\">accuracy</text>\n"
        s +=
            "<rect x=\"\(f(left + 10))\" y=\"\(f(legendY + 8))\" width=\"12\" height=\"12\" fill=\"#e45756\" fill-opacity=\"0.45\"/><text x=\"\(f(left + 28))\" y=\"\(f(legendY + 18))\">gap to mean confidence</text>\n"
        s += "</svg>\n"
        return s
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
