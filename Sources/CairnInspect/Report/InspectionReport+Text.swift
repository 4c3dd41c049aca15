import CairnModel
import Foundation

extension InspectionReport {
    /// The human-readable report: file, manifest, graph table, tensors, metadata, training state and history.
    public func text(chartWidth: Int = 40) -> String {
        typealias F = ReportFormatting
        var lines: [String] = []
        lines.append("file      \(file) (\(F.grouped(fileBytes)) bytes, format \(formatVersion))")
        switch manifestKind {
        case .trainingCheckpoint: lines.append("manifest  training checkpoint")
        case .model: lines.append("manifest  model without training state: \(manifestNote ?? "")")
        case .other: lines.append("manifest  \(manifestNote ?? "not a training checkpoint")")
        }
        if let creator { lines.append("creator   \(creator)" + (created.map { ", \($0)" } ?? "")) }
        if let task { lines.append("task      \(task)") }
        if let graph {
            lines.append("")
            lines.append("graph (\(graph.count) nodes, \(F.grouped(parameterCount)) parameters)")
            var table = TextTable(header: ["node", "kind", "inputs", "output", "parameters"], rightAligned: [4])
            for node in graph {
                table.add([
                    node.name, node.kind, node.inputs.isEmpty ? "-" : node.inputs.joined(separator: ", "),
                    node.outputText, F.grouped(node.parameters),
                ])
            }
            lines += table.lines()
        } else {
            lines.append("parameters \(F.grouped(parameterCount)) (elements of parameter tensors; no graph)")
        }
        lines.append("")
        let totalRatio = storedBytes > 0 ? Double(rawBytes) / Double(storedBytes) : 1
        lines.append(
            "tensors (\(tensors.count), \(F.bytes(rawBytes)) raw, \(F.bytes(storedBytes)) stored, ratio \(String(format: "%.3f", totalRatio)))"
        )
        var table = TextTable(
            header: ["name", "dtype", "shape", "role", "raw", "stored", "ratio"], rightAligned: [4, 5, 6])
        for tensor in tensors {
            table.add([
                tensor.name, tensor.dtype, F.shape(tensor.shape), tensor.role, F.bytes(tensor.rawBytes),
                F.bytes(tensor.storedBytes), String(format: "%.3f", tensor.ratio),
            ])
        }
        lines += table.lines()
        if let metadata, !metadata.isEmpty {
            lines.append("")
            lines.append("metadata")
            var table = TextTable(header: ["key", "value"])
            for key in metadata.keys.sorted() { table.add([key, metadata[key]!]) }
            lines += table.lines().dropFirst()
        }
        if let training {
            lines.append("")
            lines.append("training")
            lines.append(
                "  epoch \(training.epoch), global step \(F.grouped(training.globalStep))"
                    + (training.stepInEpoch > 0
                        ? ", next batch \(training.stepInEpoch) of epoch \(training.epoch + 1)" : "")
                    + (training.stopReason.map { ", stopped: \($0)" } ?? ""))
            lines.append(
                "  optimizer \(training.optimizer), learning rate \(F.number(training.learningRate)) (schedule \(training.schedule)), "
                    + "batch size \(training.batchSize == 0 ? "full" : String(training.batchSize)), seed \(training.seed)"
            )
            lines.append(
                "  data \(training.data.joined(separator: ", ")): \(F.grouped(training.trainCount)) training, "
                    + "\(F.grouped(training.validationCount)) validation samples")
            if let classes = training.classes {
                var line = "  classes \(classes)"
                if let seen = training.classesSeen, seen.count < classes {
                    let missing = Set(0..<classes).subtracting(seen).sorted()
                    line +=
                        " (no training samples: \(missing.prefix(20).map(String.init).joined(separator: ", "))\(missing.count > 20 ? ", ..." : ""))"
                }
                lines.append(line)
            }
            if let best = training.bestEpoch, let loss = training.bestValidationLoss {
                lines.append("  best validation loss \(F.number(loss, digits: 5)) at epoch \(best)")
            }
        }
        if let preprocessing {
            lines.append("")
            lines += Self.preprocessingLines(preprocessing)
        }
        if let history, !history.isEmpty {
            lines.append("")
            lines.append("history (\(history.count) epochs)")
            let series: [(String, [Double?])] = [
                ("train loss", history.map { $0.trainLoss }),
                ("val loss", history.map { $0.validationLoss }),
                ("val accuracy", history.map { $0.validationAccuracy }),
                ("val R^2", history.map { $0.validationR2 }),
            ]
            for (label, values) in series where values.contains(where: { $0 != nil }) {
                let present = values.compactMap { $0 }
                let first = present.first.map { F.number($0, digits: 4) } ?? "-"
                let last = present.last.map { F.number($0, digits: 4) } ?? "-"
                let low = present.min().map { F.number($0, digits: 4) } ?? "-"
                let high = present.max().map { F.number($0, digits: 4) } ?? "-"
                lines.append(
                    "  " + label.padding(toLength: 13, withPad: " ", startingAt: 0)
                        + Sparkline.render(values, width: chartWidth)
                        + "  \(first) -> \(last) (min \(low), max \(high))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The stored preprocessing: `x' = (x * scale - mean) / std` and, for regression, the targets' own.
    static func preprocessingLines(_ p: Preprocessing) -> [String] {
        typealias F = ReportFormatting
        func list(_ values: [Float]) -> String {
            values.prefix(6).map { F.number(Double($0), digits: 5) }.joined(separator: ", ")
                + (values.count > 6 ? ", ... (\(values.count))" : "")
        }
        var lines = ["preprocessing (x' = (x * scale - mean) / std, before the first layer)"]
        lines.append("  scale \(F.number(Double(p.scale), digits: 6))")
        if p.isStandardizing {
            lines.append("  mean  [\(list(p.mean))]")
            lines.append("  std   [\(list(p.standardDeviation))]")
        } else {
            lines.append("  features not standardised")
        }
        if p.standardizesTargets, let m = p.targetMean, let sd = p.targetStandardDeviation {
            lines.append(
                "  targets standardised: mean [\(list(m))], std [\(list(sd))] (undone in predictions and reported losses)"
            )
        }
        return lines
    }
}
