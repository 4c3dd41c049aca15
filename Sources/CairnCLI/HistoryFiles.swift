import CairnModel
import Foundation

/// Writes a run's per-epoch history beside its checkpoints: `history.csv` and `curves.svg`.
public enum HistoryFiles {
    /// The CSV: `epoch,step,train_loss,val_loss,val_accuracy,learning_rate,seconds,note`.
    public static func csv(_ history: [EpochRecord]) -> String {
        var lines = ["epoch,step,train_loss,val_loss,val_accuracy,learning_rate,seconds,note"]
        for r in history {
            let note = (r.note ?? "").replacingOccurrences(of: "\"", with: "'")
            lines.append([String(r.epoch), String(r.step), "\(r.trainLoss)", r.validationLoss.map { "\($0)" } ?? "",
                          r.validationAccuracy.map { "\($0)" } ?? "", "\(r.learningRate)", String(format: "%.4f", r.seconds),
                          note.isEmpty ? "" : "\"\(note)\""].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained SVG chart: losses on the left axis, validation accuracy on the right.
    public static func svg(_ history: [EpochRecord], title: String) -> String {
        let width = 720.0, height = 420.0, left = 60.0, right = 60.0, top = 40.0, bottom = 76.0
        let plotW = width - left - right, plotH = height - top - bottom
        let epochs = history.map { Double($0.epoch) }
        let losses = history.flatMap { [$0.trainLoss] + ($0.validationLoss.map { [$0] } ?? []) }.filter { $0.isFinite }
        let maxLoss = max(losses.max() ?? 1, 1e-9) * 1.05
        let minEpoch = epochs.min() ?? 0, maxEpoch = max(epochs.max() ?? 1, minEpoch + 1)
        func x(_ e: Double) -> Double { left + (e - minEpoch) / (maxEpoch - minEpoch) * plotW }
        func yLoss(_ v: Double) -> Double { top + plotH - min(max(v / maxLoss, 0), 1) * plotH }
        func yAccuracy(_ v: Double) -> Double { top + plotH - min(max(v, 0), 1) * plotH }
        func path(_ points: [(Double, Double)]) -> String {
            points.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(String(format: "%.1f", p.0)),\(String(format: "%.1f", p.1))" }.joined(separator: " ")
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>
        <rect x="\(left)" y="\(top)" width="\(plotW)" height="\(plotH)" fill="none" stroke="#999"/>

        """
        for i in 0...4 {
            let f = Double(i) / 4
            let y = top + plotH - f * plotH
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + plotW)\" y2=\"\(y)\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(String(format: "%.3g", maxLoss * f))</text>\n"
            svg += "<text x=\"\(left + plotW + 6)\" y=\"\(y + 4)\">\(Int(f * 100))%</text>\n"
        }
        let ticks = Swift.min(history.count, 10)
        for i in 0..<max(ticks, 1) where !history.isEmpty {
            let e = minEpoch + (maxEpoch - minEpoch) * Double(i) / Double(max(ticks - 1, 1))
            svg += "<text x=\"\(x(e))\" y=\"\(top + plotH + 18)\" text-anchor=\"middle\">\(Int(e.rounded()))</text>\n"
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(top + plotH + 36)\" text-anchor=\"middle\">epoch</text>\n"
        svg += "<text x=\"16\" y=\"\(top + plotH / 2)\" transform=\"rotate(-90 16 \(top + plotH / 2))\" text-anchor=\"middle\">loss</text>\n"
        svg += "<text x=\"\(width - 14)\" y=\"\(top + plotH / 2)\" transform=\"rotate(90 \(width - 14) \(top + plotH / 2))\" text-anchor=\"middle\">validation accuracy</text>\n"
        let series: [(String, String, [(Double, Double)])] = [
            ("train loss", "#1f77b4", history.filter { $0.trainLoss.isFinite }.map { (x(Double($0.epoch)), yLoss($0.trainLoss)) }),
            ("validation loss", "#ff7f0e", history.compactMap { r in r.validationLoss.flatMap { $0.isFinite ? (x(Double(r.epoch)), yLoss($0)) : nil } }),
            ("validation accuracy", "#2ca02c", history.compactMap { r in r.validationAccuracy.map { (x(Double(r.epoch)), yAccuracy($0)) } }),
        ]
        for (index, (name, color, points)) in series.enumerated() where !points.isEmpty {
            svg += "<path d=\"\(path(points))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            let lx = left + 60 + Double(index) * 170, ly = height - 14
            svg += "<line x1=\"\(lx)\" y1=\"\(ly - 4)\" x2=\"\(lx + 20)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(lx + 26)\" y=\"\(ly)\">\(name)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Writes both files into `directory` (each atomically).
    public static func write(_ history: [EpochRecord], to directory: String, title: String) throws {
        let folder = URL(fileURLWithPath: directory)
        for (name, text) in [("history.csv", csv(history)), ("curves.svg", svg(history, title: title))] {
            let url = folder.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw CheckpointError(path: url.path, "cannot be written (\(describe(error)))")
            }
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
