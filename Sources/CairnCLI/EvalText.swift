import CairnEvaluation
import CairnInspect
import Foundation

/// `cairn-eval`'s terminal report: aligned sections, colour only when asked (a terminal).
struct EvalText {
    var report: EvaluationReport
    var colour: Bool

    func lines() -> [String] {
        var out: [String] = []
        let primary = report.primary
        out.append(bold("\(primary.checkpoint)") + " on \(report.data): \(primary.samples) samples")
        if let rows = report.checkpoints {
            out += runFolder(rows)
            out.append("")
            out.append(bold("best on this data: \(primary.checkpoint)"))
        } else if report.models.count > 1 {
            out += sideBySide()
            out.append("")
            out.append(bold("first checkpoint (A) in detail:"))
        }
        out += primary.task == .classification ? classification(primary) : regression(primary)
        if !report.comparisons.isEmpty { out += comparisons() }
        return out
    }

    // MARK: - Classification

    func classification(_ m: ModelReport) -> [String] {
        var out: [String] = [""]
        let ci = m.accuracyCI ?? [.nan, .nan]
        out.append(
            "  accuracy   \(bold(percent(m.accuracy ?? .nan)))  (95% Wilson interval \(percent(ci[0])) to \(percent(ci[1])))"
        )
        out.append("  loss       \(fixed(m.loss, 4))  (mean cross-entropy)")
        if let k = m.topK, let topK = m.topKAccuracy { out.append("  top-\(k)      \(percent(topK))") }
        if let ece = m.ece, let mce = m.mce, let brier = m.brier {
            out.append("  calibration  ECE \(fixed(ece, 4))  MCE \(fixed(mce, 4))  Brier \(fixed(brier, 4))")
        }
        if let perClass = m.perClass, let macro = m.macroAverage, let weighted = m.weightedAverage {
            out.append("")
            var table = TextTable(
                header: ["", "precision", "recall", "f1-score", "support"], rightAligned: [0, 1, 2, 3, 4])
            for c in perClass {
                table.add([
                    String(c.label), fixed(c.precision, 4), fixed(c.recall, 4), fixed(c.f1, 4), String(c.support),
                ])
            }
            table.add(["", "", "", "", ""])
            table.add(["accuracy", "", "", fixed(m.accuracy ?? .nan, 4), String(m.samples)])
            table.add([
                "macro avg", fixed(macro.precision, 4), fixed(macro.recall, 4), fixed(macro.f1, 4),
                String(macro.support),
            ])
            table.add([
                "weighted avg", fixed(weighted.precision, 4), fixed(weighted.recall, 4), fixed(weighted.f1, 4),
                String(weighted.support),
            ])
            out += table.lines()
        }
        if let confusion = m.confusion, let labels = m.perClass?.map({ String($0.label) }) {
            out.append("")
            out.append("  confusion matrix (rows true, columns predicted)")
            let width = max(
                confusion.flatMap { $0 }.map { String($0).count }.max() ?? 1, labels.map(\.count).max() ?? 1)
            func pad(_ s: String) -> String { String(repeating: " ", count: max(width - s.count, 0)) + s }
            let labelWidth = labels.map(\.count).max() ?? 1
            func padLabel(_ s: String) -> String { String(repeating: " ", count: max(labelWidth - s.count, 0)) + s }
            out.append("    " + padLabel("") + "  " + labels.map(pad).joined(separator: " "))
            for (i, row) in confusion.enumerated() {
                let cells = row.enumerated().map { j, v -> String in
                    let text = pad(v == 0 && i != j ? "." : String(v))
                    if i == j { return green(text) }
                    return v > 0 ? red(text) : text
                }
                out.append("    " + padLabel(labels[i]) + "  " + cells.joined(separator: " "))
            }
        }
        if let worst = m.worst, !worst.isEmpty {
            out.append("")
            out.append("  most confidently wrong")
            var table = TextTable(header: ["index", "true", "predicted", "p"], rightAligned: [0, 1, 2, 3])
            for w in worst {
                table.add([String(w.index), String(w.truth), String(w.predicted), fixed(w.probability, 4)])
            }
            out += table.lines(indent: 4)
        }
        return out
    }

    // MARK: - Regression

    func regression(_ m: ModelReport) -> [String] {
        var out: [String] = [""]
        out.append(
            "  RMSE  \(bold(number(m.rmse ?? .nan)))   MSE \(number(m.mse ?? .nan))   MAE \(number(m.mae ?? .nan))   R² \(fixed(m.r2 ?? .nan, 4))"
        )
        out.append("  loss  \(number(m.loss))  (mean of |e|²/2)")
        if let perOutput = m.perOutput, perOutput.count > 1 {
            out.append("")
            var table = TextTable(header: ["output", "MSE", "RMSE", "MAE", "R²"], rightAligned: [0, 1, 2, 3, 4])
            for o in perOutput {
                table.add([String(o.column), number(o.mse), number(o.rmse), number(o.mae), fixed(o.r2, 4)])
            }
            out += table.lines()
        }
        return out
    }

    // MARK: - Several checkpoints

    func sideBySide() -> [String] {
        var out: [String] = [""]
        let classification = report.primary.task == .classification
        var table = TextTable(
            header: ["", "checkpoint", "loss", classification ? "accuracy" : "RMSE", classification ? "95% CI" : "R²"],
            rightAligned: [2, 3])
        for (i, m) in report.models.enumerated() {
            if classification {
                let ci = m.accuracyCI ?? [.nan, .nan]
                table.add([
                    letter(i), m.checkpoint, fixed(m.loss, 4), percent(m.accuracy ?? .nan),
                    "\(percent(ci[0])) to \(percent(ci[1]))",
                ])
            } else {
                table.add([letter(i), m.checkpoint, number(m.loss), number(m.rmse ?? .nan), fixed(m.r2 ?? .nan, 4)])
            }
        }
        out += table.lines()
        return out
    }

    func comparisons() -> [String] {
        var out: [String] = ["", "  paired comparisons (same samples)"]
        // Comparisons come pair by pair in command-line order: (A, B), (A, C), ..., (B, C), ...
        let pairs = report.models.indices.flatMap { i in report.models.indices.filter { $0 > i }.map { (i, $0) } }
        for (c, pair) in zip(report.comparisons, pairs) {
            let a = letter(pair.0), b = letter(pair.1)
            if report.primary.task == .classification {
                out.append(
                    "    \(b) - \(a): accuracy \(signedPoints(c.difference)) points (bootstrap 95% CI \(signedPoints(c.ci[0])) to \(signedPoints(c.ci[1]))), exact McNemar p = \(pValue(c.pValue)) (only \(a) right: \(c.onlyA ?? 0), only \(b) right: \(c.onlyB ?? 0))"
                )
                out.append(
                    "    \(String(repeating: " ", count: a.count + b.count + 3))  loss \(signed(c.lossDifference)) (95% CI \(signed(c.lossCI[0])) to \(signed(c.lossCI[1])))"
                )
            } else {
                out.append(
                    "    \(b) - \(a): MSE \(signed(c.difference)) (bootstrap 95% CI \(signed(c.ci[0])) to \(signed(c.ci[1])), p = \(pValue(c.pValue)))"
                )
            }
            out.append("    " + bold("\(a) vs \(b): \(c.verdict)"))
        }
        return out
    }

    // MARK: - Run folders

    func runFolder(_ rows: [CheckpointRow]) -> [String] {
        var out: [String] = [""]
        let classification = rows.first?.accuracy != nil
        var table = TextTable(
            header: ["checkpoint", "epoch", "step", "loss", classification ? "accuracy" : "RMSE"],
            rightAligned: [1, 2, 3, 4])
        let best = report.best
        for row in rows {
            let name = URL(fileURLWithPath: row.checkpoint).lastPathComponent + (row.checkpoint == best ? " *" : "")
            table.add([
                name, row.epoch.map(String.init) ?? "", row.step.map(String.init) ?? "", fixed(row.loss, 4),
                classification ? percent(row.accuracy ?? .nan) : number(row.rmse ?? .nan),
            ])
        }
        out += table.lines()
        let series = rows.map { classification ? $0.accuracy : $0.rmse }
        out.append("  \(classification ? "accuracy" : "RMSE") \(Sparkline.render(series))")
        if let isBest = report.bestIsBestCairn {
            out.append(
                "  * best on this data\(isBest ? ", and it is best.cairn" : "; best.cairn (the best validation loss in training) is another")"
            )
        } else {
            out.append("  * best on this data (the folder has no best.cairn)")
        }
        return out
    }

    // MARK: - Formatting

    func letter(_ i: Int) -> String { i < 26 ? String(UnicodeScalar(UInt8(65 + i))) : "#\(i + 1)" }
    func percent(_ v: Double) -> String { v.isFinite ? String(format: "%.2f%%", v * 100) : "-" }
    func fixed(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "-" }
    func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "-" }
    func signed(_ v: Double) -> String { v.isFinite ? String(format: "%+.4f", v) : "-" }
    func signedPoints(_ v: Double) -> String { v.isFinite ? String(format: "%+.2f", v * 100) : "-" }
    func pValue(_ p: Double) -> String { p < 0.0001 ? String(format: "%.2e", p) : String(format: "%.4f", p) }
    func bold(_ s: String) -> String { colour ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { colour ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { colour ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
}
