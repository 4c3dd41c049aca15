import CairnEngine
@testable import CairnEvaluation
import Foundation
import Testing

/// The evaluator on small hand-made models: a safetensors MLP read directly, scored against a forward pass
/// written out here in Double.
@Suite struct EvaluatorTests {
    /// Writes a safetensors file of float32 tensors (name, shape, values), names in the order given.
    static func safetensors(_ tensors: [(String, [Int], [Float])], to path: String) throws {
        var offset = 0
        var entries: [String] = []
        var body = Data()
        for (name, shape, values) in tensors {
            let bytes = values.count * 4
            entries.append(
                "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            )
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            offset += bytes
        }
        var header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        file.append(body)
        try file.write(to: URL(fileURLWithPath: path))
    }

    static let w1: [Float] = [0.5, -1, 1, 0.25, -0.5, 0.75, 2, -0.25]  // [4, 2]
    static let b1: [Float] = [0.1, 0, -0.2, 0.05]
    static let w2: [Float] = [1, -1, 0.5, 0, -0.5, 1, 0.25, 1, 0.3, 0.2, -1, 0.5]  // [3, 4]
    static let b2: [Float] = [0, 0.1, -0.1]

    /// Probabilities of the model above for one sample, in Double.
    static func forward(_ x: [Double], w1: [Float] = w1, w2: [Float] = w2) -> [Double] {
        let hidden = (0..<4).map { j in max(0, Double(w1[j * 2]) * x[0] + Double(w1[j * 2 + 1]) * x[1] + Double(b1[j]))
        }
        let logits = (0..<3).map { k in (0..<4).reduce(Double(b2[k])) { $0 + Double(w2[k * 4 + $1]) * hidden[$1] } }
        let largest = logits.max()!
        let e = logits.map { Foundation.exp($0 - largest) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    static func fixture(_ label: String) throws -> (folder: String, data: String, rows: [(Int, [Double])]) {
        let folder = NSTemporaryDirectory() + "cairn-eval-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try safetensors(
            [("fc1.weight", [4, 2], w1), ("fc1.bias", [4], b1), ("fc2.weight", [3, 4], w2), ("fc2.bias", [3], b2)],
            to: folder + "/a.safetensors")
        var rng = RandomGenerator(seed: 5)
        var rows: [(Int, [Double])] = []
        var csv = "label,x1,x2\n"
        for i in 0..<40 {
            let x = [Double(rng.nextUniform() * 4 - 2), Double(rng.nextUniform() * 4 - 2)]
            let label = i % 3
            rows.append((label, x))
            csv += "\(label),\(Float(x[0])),\(Float(x[1]))\n"
        }
        try csv.write(toFile: folder + "/data.csv", atomically: true, encoding: .utf8)
        // The values the file holds, as Float.
        rows = rows.map { ($0.0, $0.1.map { Double(Float($0)) }) }
        return (folder, folder + "/data.csv", rows)
    }

    @Test func scoresASafetensorsModelAsItsForwardPassSays() throws {
        let (folder, data, rows) = try Self.fixture("forward")
        var configuration = EvaluationConfiguration(checkpoints: [folder + "/a.safetensors"])
        configuration.data = data
        configuration.scale = 0.5
        let result = try Evaluator.evaluate(configuration)
        let report = result.report.primary
        var loss = 0.0, correct = 0
        var predicted: [Int] = []
        for (label, x) in rows {
            let p = Self.forward(x.map { $0 * 0.5 })
            loss -= Foundation.log(p[label])
            let best = p.indices.max { p[$0] < p[$1] }!
            predicted.append(best)
            if best == label { correct += 1 }
            let row = predicted.count - 1
            for k in 0..<3 { #expect(abs(Double(result.predictions[0].outputs[row * 3 + k]) - p[k]) < 1e-6) }
        }
        #expect(report.samples == 40 && report.task == .classification && report.topK == nil)
        #expect(abs(report.loss - loss / 40) < 1e-6, "\(report.loss) vs \(loss / 40)")
        #expect(report.accuracy == Double(correct) / 40)
        let expected = ClassificationReport(truth: rows.map { Int32($0.0) }, predicted: predicted.map(Int32.init))
        #expect(report.perClass == expected.perClass && report.confusion == expected.confusion)
        #expect(result.rows == Array(0..<40))
    }

    @Test func comparesTwoModelsPairBySample() throws {
        let (folder, data, rows) = try Self.fixture("pair")
        var w2b = Self.w2
        w2b[0] = -1
        w2b[5] = 2
        try Self.safetensors(
            [
                ("fc1.weight", [4, 2], Self.w1), ("fc1.bias", [4], Self.b1), ("fc2.weight", [3, 4], w2b),
                ("fc2.bias", [3], Self.b2),
            ], to: folder + "/b.safetensors")
        var configuration = EvaluationConfiguration(checkpoints: [folder + "/a.safetensors", folder + "/b.safetensors"])
        configuration.data = data
        configuration.bootstrap = 300
        let result = try Evaluator.evaluate(configuration)
        let comparison = try #require(result.report.comparisons.first)
        var onlyA = 0, onlyB = 0
        for (label, x) in rows {
            let pa = Self.forward(x), pb = Self.forward(x, w2: w2b)
            let a = pa.indices.max { pa[$0] < pa[$1] }! == label, b = pb.indices.max { pb[$0] < pb[$1] }! == label
            if a && !b { onlyA += 1 }
            if b && !a { onlyB += 1 }
        }
        #expect(onlyA + onlyB > 0, "the two models should disagree somewhere")
        #expect(comparison.onlyA == onlyA && comparison.onlyB == onlyB)
        #expect(comparison.pValue == McNemarTest.exactPValue(b: onlyA, c: onlyB))
        #expect(abs(comparison.difference - Double(onlyB - onlyA) / 40) < 1e-12)
        #expect(comparison.ci[0] <= comparison.difference && comparison.difference <= comparison.ci[1])
        #expect(result.report.models.count == 2 && result.predictions.count == 2)
    }

    @Test func refusesDataThatDoesNotFit() throws {
        let (folder, _, _) = try Self.fixture("refuse")
        try "label,x1,x2\n0,1,1\n3,0,0\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        var configuration = EvaluationConfiguration(checkpoints: [folder + "/a.safetensors"])
        configuration.data = folder + "/bad.csv"
        #expect { try Evaluator.evaluate(configuration) } throws: {
            "\($0)"
                == "\(folder)/bad.csv: label 3 (sample 1) is outside the 3 classes of \(folder)/a.safetensors (0 to 2)"
        }
        try "label,x1,x2,x3\n0,1,1,1\n".write(toFile: folder + "/wide.csv", atomically: true, encoding: .utf8)
        configuration.data = folder + "/wide.csv"
        #expect { try Evaluator.evaluate(configuration) } throws: { "\($0)".contains("has 3 features per sample") }
        configuration.data = nil
        #expect { try Evaluator.evaluate(configuration) } throws: { "\($0)".contains("records no training data") }
    }
}
