import CairnModel
import Foundation

/// Writes a run's per-epoch history beside its checkpoints: `history.csv` and `curves.svg`.
public enum HistoryFiles {
    /// The CSV: `epoch,step,train_loss,val_loss,val_accuracy,learning_rate,seconds,note,val_r2`.
    public static func csv(_ history: [EpochRecord]) -> String {
        var lines = ["epoch,step,train_loss,val_loss,val_accuracy,learning_rate,seconds,note,val_r2"]
        for r in history {
            let note = (r.note ?? "").replacingOccurrences(of: "\"", with: "'")
            lines.append(
                [
                    String(r.epoch), String(r.step), "\(r.trainLoss)", r.validationLoss.map { "\($0)" } ?? "",
                    r.validationAccuracy.map { "\($0)" } ?? "", "\(r.learningRate)", String(format: "%.4f", r.seconds),
                    note.isEmpty ? "" : "\"\(note)\"", r.validationR2.map { "\($0)" } ?? "",
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained SVG chart: losses on the left axis; on the right, validation accuracy
    /// (classification) or validation R^2 (regression), when the history has it. Ticks fall on round
    /// numbers (`AxisTicks`).
    public static func svg(_ history: [EpochRecord], title: String) -> String {
        let width = 720.0, height = 420.0, left = 70.0, right = 70.0, top = 40.0, bottom = 76.0
        let plotW = width - left - right, plotH = height - top - bottom
        let epochs = history.map { Double($0.epoch) }
        let losses = history.flatMap { [$0.trainLoss] + ($0.validationLoss.map { [$0] } ?? []) }.filter { $0.isFinite }
        let lossTicks = AxisTicks(from: 0, to: max(losses.max() ?? 1, 1e-9))
        let minEpoch = epochs.min() ?? 0, maxEpoch = max(epochs.max() ?? 1, minEpoch + 1)
        let epochTicks = AxisTicks(from: minEpoch, to: maxEpoch, integers: true)
        let accuracy = history.compactMap { r in r.validationAccuracy.map { (Double(r.epoch), $0) } }
        let r2 = history.compactMap { r in r.validationR2.flatMap { $0.isFinite ? (Double(r.epoch), $0) : nil } }
        // The right axis: accuracy (0-100%) or R^2 (from a round number at or below its lowest value, to 1).
        let rightName = accuracy.isEmpty ? (r2.isEmpty ? nil : "validation R²") : "validation accuracy"
        let rightPoints = accuracy.isEmpty ? r2 : accuracy
        let rightTicks = AxisTicks(from: min(0, max(rightPoints.map(\.1).min() ?? 0, -10)), to: 1)
        func x(_ e: Double) -> Double { left + (e - epochTicks.lower) / (epochTicks.upper - epochTicks.lower) * plotW }
        func y(_ v: Double, _ ticks: AxisTicks) -> Double {
            top + plotH - min(max((v - ticks.lower) / (ticks.upper - ticks.lower), 0), 1) * plotH
        }
        func path(_ points: [(Double, Double)]) -> String {
            points.enumerated().map { i, p in
                "\(i == 0 ? "M" : "L")\(String(format: "%.1f", p.0)),\(String(format: "%.1f", p.1))"
            }.joined(separator: " ")
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        for value in lossTicks.values {
            let yy = y(value, lossTicks)
            svg += "<line x1=\"\(left)\" y1=\"\(yy)\" x2=\"\(left + plotW)\" y2=\"\(yy)\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(left - 6)\" y=\"\(yy + 4)\" text-anchor=\"end\">\(lossTicks.label(value))</text>\n"
        }
        if let rightName {
            for value in rightTicks.values {
                let label = accuracy.isEmpty ? rightTicks.label(value) : "\(rightTicks.label(value * 100))%"
                svg += "<text x=\"\(left + plotW + 6)\" y=\"\(y(value, rightTicks) + 4)\">\(label)</text>\n"
            }
            svg +=
                "<text x=\"\(width - 14)\" y=\"\(top + plotH / 2)\" transform=\"rotate(90 \(width - 14) \(top + plotH / 2))\" text-anchor=\"middle\">\(rightName)</text>\n"
        }
        svg +=
            "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#999\"/>\n"
        for value in epochTicks.values where !history.isEmpty {
            svg +=
                "<text x=\"\(x(value))\" y=\"\(top + plotH + 18)\" text-anchor=\"middle\">\(epochTicks.label(value))</text>\n"
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(top + plotH + 36)\" text-anchor=\"middle\">epoch</text>\n"
        svg +=
            "<text x=\"16\" y=\"\(top + plotH / 2)\" transform=\"rotate(-90 16 \(top + plotH / 2))\" text-anchor=\"middle\">loss</text>\n"
        let series: [(String, String, [(Double, Double)])] = [
            (
                "train loss", "#1f77b4",
                history.filter { $0.trainLoss.isFinite }.map { (x(Double($0.epoch)), y($0.trainLoss, lossTicks)) }
            ),
            (
                "validation loss", "#ff7f0e",
                history.compactMap { r in
                    r.validationLoss.flatMap { $0.isFinite ? (x(Double(r.epoch)), y($0, lossTicks)) : nil }
                }
            ),
            (rightName ?? "", "#2ca02c", rightPoints.map { (x($0.0), y($0.1, rightTicks)) }),
        ]
        for (index, (name, color, points)) in series.enumerated() where !points.isEmpty {
            svg += "<path d=\"\(path(points))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            let lx = left + 50 + Double(index) * 170, ly = height - 14
            svg +=
                "<line x1=\"\(lx)\" y1=\"\(ly - 4)\" x2=\"\(lx + 20)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
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
                throw CairnError(.io, path: url.path, "cannot be written", cause: error)
            }
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
