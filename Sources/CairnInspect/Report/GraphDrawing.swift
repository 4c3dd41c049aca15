import Foundation

/// Draws a layer graph as Graphviz DOT or as a self-contained SVG laid out here: nodes in topological
/// layers (a node's layer is one more than its deepest input's), top to bottom, each layer centred;
/// edges are arrows, curved when they skip layers.
public enum GraphDrawing {
    /// Graphviz DOT text.
    public static func dot(_ nodes: [InspectionReport.Node], title: String) -> String {
        var lines = [
            "digraph \"\(escapeDOT(title))\" {", "  rankdir=TB;",
            "  node [shape=box, style=rounded, fontname=\"Helvetica\"];",
        ]
        for node in nodes {
            var label = "\(node.name)\\n\(node.kind) \(node.outputText)"
            if !node.attributes.isEmpty { label += "\\n\(node.attributes)" }
            if node.parameters > 0 { label += "\\n\(ReportFormatting.grouped(node.parameters)) parameters" }
            lines.append("  \"\(escapeDOT(node.name))\" [label=\"\(escapeDOT(label, keepNewlines: true))\"];")
        }
        for node in nodes {
            for input in node.inputs { lines.append("  \"\(escapeDOT(input))\" -> \"\(escapeDOT(node.name))\";") }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The layer of each node (0 for nodes without inputs); nodes must come after their inputs.
    public static func layers(_ nodes: [InspectionReport.Node]) -> [Int] {
        var depth: [String: Int] = [:]
        return nodes.map { node in
            let layer = node.inputs.map { (depth[$0] ?? 0) + 1 }.max() ?? 0
            depth[node.name] = layer
            return layer
        }
    }

    /// A standalone SVG document.
    public static func svg(_ nodes: [InspectionReport.Node], title: String) -> String {
        let layerOf = layers(nodes)
        let boxHeight = 46.0, rowGap = 44.0, columnGap = 24.0, margin = 20.0
        let labels = nodes.map { node -> (String, String) in
            (
                node.name,
                "\(node.kind) \(node.outputText)" + (node.attributes.isEmpty ? "" : " · \(node.attributes)")
                    + (node.parameters > 0 ? " · \(ReportFormatting.grouped(node.parameters)) p" : "")
            )
        }
        let widths = labels.map { max(Double(max($0.0.count, $0.1.count)) * 7.2 + 24, 90) }
        let layerCount = (layerOf.max() ?? 0) + 1
        var rows = [[Int]](repeating: [], count: layerCount)
        for (index, layer) in layerOf.enumerated() { rows[layer].append(index) }
        let rowWidths = rows.map { row in
            row.reduce(0.0) { $0 + widths[$1] } + columnGap * Double(max(row.count - 1, 0))
        }
        let canvasWidth = (rowWidths.max() ?? 0) + 2 * margin + 120
        let canvasHeight = Double(layerCount) * (boxHeight + rowGap) - rowGap + 2 * margin + 24
        var x = [Double](repeating: 0, count: nodes.count), y = x
        for (layer, row) in rows.enumerated() {
            var left = (canvasWidth - rowWidths[layer]) / 2
            for index in row {
                x[index] = left + widths[index] / 2
                y[index] = margin + 24 + Double(layer) * (boxHeight + rowGap)
                left += widths[index] + columnGap
            }
        }
        let indexByName = Dictionary(nodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(canvasWidth))\" height=\"\(Int(canvasHeight))\" viewBox=\"0 0 \(Int(canvasWidth)) \(Int(canvasHeight))\" font-family=\"Helvetica, Arial, sans-serif\">",
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(Int(margin))\" y=\"\(Int(margin))\" font-size=\"13\" fill=\"#333\">\(escapeXML(title))</text>",
        ]
        for (index, node) in nodes.enumerated() {
            for input in node.inputs {
                guard let from = indexByName[input] else { continue }
                let x1 = x[from], y1 = y[from] + boxHeight, x2 = x[index], y2 = y[index]
                if layerOf[index] - layerOf[from] > 1 {
                    // Leave the source's right side, pass right of every box in the layers skipped, enter the
                    // target's right side. A cubic with both control points at cx peaks at (x1 + x2) / 8 + 0.75 cx.
                    let skipped = nodes.indices.filter { layerOf[$0] > layerOf[from] && layerOf[$0] < layerOf[index] }
                    let sx = x[from] + widths[from] / 2, sy = y[from] + boxHeight / 2
                    let tx = x[index] + widths[index] / 2, ty = y[index] + boxHeight / 2
                    let rightEdge = (skipped.map { x[$0] + widths[$0] / 2 } + [sx, tx]).max()!
                    let cx = (rightEdge + 18 - (sx + tx) / 8) / 0.75
                    svg.append(
                        String(
                            format:
                                "<path d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>",
                            sx, sy, cx, sy, cx, ty, tx, ty))
                } else {
                    svg.append(
                        String(
                            format:
                                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>",
                            x1, y1, x2, y2))
                }
            }
        }
        for (index, node) in nodes.enumerated() {
            let fill = node.kind == "dense" ? "#dbe9f6" : node.kind == "input" ? "#e3f1e0" : "#f4f4f4"
            svg.append(
                String(
                    format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" ",
                    x[index] - widths[index] / 2, y[index], widths[index], boxHeight)
                    + "fill=\"\(fill)\" stroke=\"#333\"/>")
            svg.append(
                String(format: "<text x=\"%.1f\" y=\"%.1f\" ", x[index], y[index] + 19)
                    + "text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escapeXML(labels[index].0))</text>"
            )
            svg.append(
                String(format: "<text x=\"%.1f\" y=\"%.1f\" ", x[index], y[index] + 36)
                    + "text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">\(escapeXML(labels[index].1))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func escapeDOT(_ text: String, keepNewlines: Bool = false) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return keepNewlines ? escaped.replacingOccurrences(of: "\\\\n", with: "\\n") : escaped
    }
}
