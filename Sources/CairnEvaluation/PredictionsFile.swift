import CairnEngine
import CairnFormat
import Foundation

/// Writes `--predictions FILE.csv`: one line per sample, written atomically (a failure leaves no file).
///
/// Classification: `index,true,predicted,p_0,...,p_{K-1}` (the class probabilities). Regression:
/// `index,true,predicted` for one output, `index,true_0,...,predicted_0,...` for several. `index` is the
/// sample's row in its file. With several checkpoints a first column `checkpoint` names each line's.
public enum PredictionsFile {
    public static func write(_ result: EvaluationResult, to path: String) throws {
        let several = result.predictions.count > 1
        let output: AtomicOutputFile
        do { output = try AtomicOutputFile(path: path) } catch {
            throw CairnError.naming(path, error)
        }
        do {
            let width = result.predictions.first?.width ?? 0
            var header = several ? ["checkpoint", "index"] : ["index"]
            switch result.targets {
            case .labels: header += ["true", "predicted"] + (0..<width).map { "p_\($0)" }
            case .values(_, let columns):
                header +=
                    columns == 1
                    ? ["true", "predicted"]
                    : (0..<columns).map { "true_\($0)" } + (0..<columns).map { "predicted_\($0)" }
            }
            try output.write(Array((header.joined(separator: ",") + "\n").utf8))
            var buffer = ""
            for predictions in result.predictions {
                let name = csvField(predictions.checkpoint)
                try predictions.outputs.withUnsafeBufferPointer { out in
                    for r in 0..<result.rows.count {
                        if several { buffer += name + "," }
                        buffer += String(result.rows[r])
                        let row = out.baseAddress! + r * width
                        switch result.targets {
                        case .labels(let labels):
                            var best = 0
                            for j in 1..<max(width, 1) where row[j] > row[best] { best = j }
                            buffer += ",\(labels[r]),\(best)"
                            for j in 0..<width { buffer += ",\(row[j])" }
                        case .values(let values, let columns):
                            for c in 0..<columns { buffer += ",\(values[r * columns + c])" }
                            for c in 0..<columns { buffer += ",\(row[c])" }
                        }
                        buffer += "\n"
                        if buffer.utf8.count > 1 << 20 {
                            try output.write(Array(buffer.utf8))
                            buffer = ""
                        }
                    }
                }
            }
            try output.write(Array(buffer.utf8))
            try output.commit()
        } catch {
            output.discard()
            throw CairnError.naming(path, error)
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"")
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
