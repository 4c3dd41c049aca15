import Foundation

import CairnModel

extension WeightAudit {
    /// The findings (exit status 1) and notes of an audit, one sentence each.
    static func describe(
        _ reports: [LayerReport], layers: [AuditedLayer], input: AuditInput,
        nonFinite: [NonFiniteCount], findings: inout [String], notes: inout [String]
    ) {
        let planned = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for report in reports {
            if !report.groups.isEmpty {
                let locked = report.groups.filter { $0.kind == "locked" }
                let symmetric = report.groups.reduce(0) { $0 + $1.units.count }
                let noun = report.kind == nil ? "units" : "filters"
                var parts = ["\(report.name): \(report.units) \(noun), \(report.distinctUnits) distinct"]
                let plural = report.groups.count == 1 ? "" : "s"
                parts.append("\(symmetric) \(noun) in \(report.groups.count) group\(plural)")
                if !locked.isEmpty {
                    parts.append("\(locked.count) locked (gradient descent cannot separate them)")
                }
                if planned[report.name]?.feedsLoss == true {
                    parts.append("output units, whose targets differ: duplicates, free to diverge")
                } else if planned[report.name]?.consumers == nil {
                    parts.append("consumers unknown (no graph), so none is called locked")
                }
                findings.append(parts.joined(separator: "; "))
            }
            if let constant = report.constant {
                findings.append("\(report.weight): every element is \(constant) (constant-initialised)")
            }
            if report.scale != "ok" {
                let sentence = scaleSentence(report)
                if input.beforeTraining == true && report.constant == nil {
                    findings.append(sentence)
                } else if input.beforeTraining != true {
                    let after = input.beforeTraining == false ? " (after training: drift, not a fault by itself)" : ""
                    notes.append(sentence + after)
                }
            }
        }
        for count in nonFinite {
            findings.append("\(count.tensor): \(count.nan) NaN and \(count.infinite) infinite values")
        }
        if input.graph?.nodes.contains(where: { $0.kind == .dropout && ($0.rate ?? 0) > 0 }) == true,
            reports.contains(where: { $0.groups.contains { $0.kind == "locked" } })
        {
            notes.append("the graph has dropout: its noise can separate locked units, slowly and by chance")
        }
    }

    static func scaleSentence(_ report: LayerReport) -> String {
        let f = report.scaleFactor
        let std = format(report.weightStd), he = format(report.heStd), xavier = format(report.xavierStd)
        if f < 1 {
            return "\(report.weight): std \(std) is \(format(1 / f))x below He \(he) and Xavier \(xavier): too small, "
                + "activations shrink by about \(format(1 / f))x per layer"
        }
        return "\(report.weight): std \(std) is \(format(f))x above He \(he) and Xavier \(xavier): too large, "
            + "activations grow by about \(format(f))x per layer"
    }

    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1000 || abs(value) < 0.001 { return String(format: "%.3g", value) }
        return String(format: "%.4g", value)
    }
}
