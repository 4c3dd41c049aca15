import Foundation

extension AuditReport {
    /// The human report: one table row per layer, the groups (member lists shortened), findings and notes.
    public func text() -> String {
        var lines: [String] = []
        var about = ["\(format)", "graph \(graphOrigin)"]
        if let beforeTraining { about.append(beforeTraining ? "before training" : "trained") }
        if tolerance > 0 { about.append("tolerance \(tolerance)") }
        lines.append("\(file) (\(about.joined(separator: ", ")))")
        let withSignal = layers.contains { $0.activationStd != nil }
        var header = ["layer", "units", "distinct", "groups", "std", "He", "Xavier", "scale"]
        if withSignal { header += ["act mean", "act std", "dead", "saturated", "grad norm"] }
        var table = TextTable(header: header, rightAligned: Set(1...7).union(withSignal ? Set(8...12) : []))
        for layer in layers {
            var row = [
                layer.name, "\(layer.units)", "\(layer.distinctUnits)", "\(layer.groups.count)",
                Self.number(layer.weightStd), Self.number(layer.heStd), Self.number(layer.xavierStd),
                layer.scale == "ok"
                    ? "ok"
                    : layer.weightStd == 0
                        ? "\(layer.scale) (std 0)"
                        : "\(layer.scale) (\(Self.number(layer.scaleFactor))x)",
            ]
            if withSignal {
                row += [
                    layer.activationMean.map(Self.number) ?? "-", layer.activationStd.map(Self.number) ?? "-",
                    layer.deadFraction.map(Self.percent) ?? "-", layer.saturatedFraction.map(Self.percent) ?? "-",
                    layer.gradientNorm.map(Self.number) ?? "-",
                ]
            }
            table.add(row)
        }
        lines.append(contentsOf: table.lines())
        lines.append("total: \(totalUnits) units, \(distinctUnits) distinct, \(symmetricUnits) in symmetric groups")
        if let signal {
            var line =
                "signal: one forward and backward pass over \(signal.rows) "
                + (signal.kind == "data" ? "rows of \(signal.file ?? "the data")" : "standard-normal probe rows")
            if let ratio = signal.gradientRatio {
                line += "; first layer's gradient norm is \(Self.number(ratio))x the last's"
            }
            lines.append(line)
        }
        let grouped = layers.filter { !$0.groups.isEmpty }
        if !grouped.isEmpty {
            lines.append("groups:")
            for layer in grouped {
                for group in layer.groups.prefix(8) {
                    var line =
                        "  \(layer.name): \(group.kind) \(Self.members(group.units))"
                        + " (\(group.units.count) \(layer.kind == nil ? "units" : "filters"))"
                    if let origin = group.origin {
                        line += origin == "initial" ? ", there from the start" : ", collapsed during training"
                    }
                    if let subsets = group.lockedSubsets {
                        line += "; locked within: " + subsets.prefix(4).map { Self.members($0) }.joined(separator: ", ")
                    }
                    lines.append(line)
                }
                if layer.groups.count > 8 { lines.append("  \(layer.name): ... \(layer.groups.count - 8) more groups") }
            }
        }
        if !findings.isEmpty {
            lines.append("findings:")
            lines.append(contentsOf: findings.map { "  " + $0 })
        }
        if !notes.isEmpty {
            lines.append("notes:")
            lines.append(contentsOf: notes.map { "  " + $0 })
        }
        if let repair {
            lines.append("repaired: \(repair.output) (\(repair.reinitializedUnits) units given fresh incoming weights)")
            lines.append(contentsOf: repair.skipped.map { "  not repaired: " + $0 })
        }
        if findings.isEmpty { lines.append("no findings") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Member indices with runs collapsed (`0-63`), at most 12 items shown.
    public static func members(_ units: [Int]) -> String {
        var runs: [String] = []
        var i = 0
        while i < units.count {
            var j = i
            while j + 1 < units.count && units[j + 1] == units[j] + 1 { j += 1 }
            runs.append(j > i ? "\(units[i])-\(units[j])" : "\(units[i])")
            i = j + 1
        }
        return runs.count > 12
            ? runs.prefix(12).joined(separator: ",") + ",... (\(runs.count - 12) more)"
            : runs.joined(separator: ",")
    }

    public static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
        if !value.isFinite { return "\(value)" }
        if abs(value) >= 10000 || abs(value) < 0.001 { return String(format: "%.3g", value) }
        return String(format: "%.4g", value)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
