import Foundation

extension DiffReport {
    /// The terminal form: structure and training changes, the tensor table (largest changes first, at
    /// most `top` rows), neurons and matching when asked, and a one-line summary at the end.
    public func text(top: Int) -> String {
        var lines: [String] = []
        let f = { (value: Double?) in value.map { ReportFormatting.number($0, digits: 4) } ?? "-" }
        lines.append("a: \(a)")
        lines.append("b: \(b)")
        if !structure.isEmpty {
            lines.append("")
            lines.append("graph:")
            var table = TextTable(header: ["", "node", "fields", "a", "b"])
            for change in structure {
                table.add([
                    change.change.rawValue + (change.counts ? "" : " (not counted)"), change.node,
                    change.fields.joined(separator: ","),
                    change.a ?? "-", change.b ?? "-",
                ])
            }
            lines += table.lines()
        }
        for (title, fields) in [
            ("training state (counts with --all)", training), ("metadata and history (count with --strict)", metadata),
        ]
        where !fields.isEmpty {
            lines.append("")
            lines.append(title + ":")
            var table = TextTable(header: ["field", "a", "b"])
            for field in fields {
                table.add([field.field + (field.counts ? " *" : ""), clip(field.a ?? "-"), clip(field.b ?? "-")])
            }
            lines += table.lines()
        }
        lines.append("")
        let shown = tensors.prefix(top)
        lines.append("tensors (\(shown.count) of \(tensors.count), largest changes first):")
        var table = TextTable(
            header: [
                "tensor", "status", "dtype", "shape", "max |a-b|", "at", "mean |a-b|", "rel L2", "cosine", "mismatched",
            ],
            rightAligned: [4, 6, 7, 8, 9])
        for t in shown {
            let dtype =
                t.dtypeA == t.dtypeB || t.dtypeB == nil
                ? (t.dtypeA ?? "-") : t.dtypeA == nil ? t.dtypeB ?? "-" : "\(t.dtypeA ?? "-")->\(t.dtypeB ?? "-")"
            let shapeA = t.shapeA.map(ReportFormatting.shape), shapeB = t.shapeB.map(ReportFormatting.shape)
            let shape =
                shapeA == shapeB || shapeB == nil
                ? (shapeA ?? "-") : shapeA == nil ? shapeB ?? "-" : "\(shapeA ?? "-")->\(shapeB ?? "-")"
            let mismatched =
                t.mismatched.map {
                    "\(ReportFormatting.grouped($0)) (\(String(format: "%.2f", 100 * (t.mismatchedFraction ?? 0)))%)"
                } ?? "-"
            table.add([
                t.name, t.status.rawValue, dtype, shape, f(t.maxAbsDiff),
                t.maxAbsDiffIndex.map(ReportFormatting.shape) ?? "-",
                f(t.meanAbsDiff), f(t.relL2), f(t.cosine), mismatched,
            ])
        }
        lines += table.lines()
        if let neurons {
            lines.append("")
            lines.append("units whose incoming weights moved most (row-wise ||a-b|| / ||a||):")
            for layer in neurons {
                let top = layer.top.map { "\($0.index): \(ReportFormatting.number($0.relativeChange, digits: 3))" }
                    .joined(separator: ", ")
                lines.append(
                    "  \(layer.tensor): \(layer.changedUnits) of \(layer.units) units changed; \(top.isEmpty ? "none" : top)"
                )
            }
        }
        if let matching {
            lines.append("")
            lines.append("neuron matching (weight matching, optimal assignment per layer):")
            var table = TextTable(
                header: ["layer", "units", "cosine > 0.9", "residual before", "residual after", "permutation"],
                rightAligned: [1, 2, 3, 4])
            for layer in matching.layers {
                let permutation =
                    layer.permuted
                    ? layer.permutation.prefix(12).map(String.init).joined(separator: " ")
                        + (layer.permutation.count > 12 ? " ..." : "") : "(outputs, not permuted)"
                table.add([
                    layer.weight, String(layer.units), String(layer.matchedAbove09), f(layer.residualBefore),
                    f(layer.residualAfter), permutation,
                ])
            }
            lines += table.lines()
            lines.append("  residual after alignment: \(f(matching.residual))")
        }
        for note in notes { lines.append("note: \(note)") }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The last line: the verdict and what it rests on.
    public var summary: String {
        let counts = statusCounts
        let differing = tensors.filter(\.differs).count
        let parts = TensorDifference.Status.allCases.compactMap { status in
            counts[status].map { "\($0) \(status.rawValue)" }
        }
        let tolerance =
            "atol \(ReportFormatting.number(self.tolerance.absolute)), rtol \(ReportFormatting.number(self.tolerance.relative))"
            + (self.tolerance.equalNaN ? ", NaN equal" : "")
        let graph = structure.filter(\.counts).count,
            fields = training.filter(\.counts).count + metadata.filter(\.counts).count
        let verdict = identical ? "identical" : "different"
        var text = "\(verdict): \(differing) of \(tensors.count) tensors differ (\(parts.joined(separator: ", ")))"
        text += ", \(graph) graph change\(graph == 1 ? "" : "s")"
        if scope == "all" || strict { text += ", \(fields) changed field\(fields == 1 ? "" : "s") counted" }
        return text + "; \(tolerance)"
    }

    private func clip(_ text: String) -> String { text.count > 60 ? String(text.prefix(57)) + "..." : text }
}
