import CairnFormat
import Foundation
import Testing

/// cairn-eval end to end: the history reproduced exactly, reports, comparisons, run folders, imported
/// models, gates and every bad input.
@Suite struct EvalCommandTests {
    /// Short training runs shared by the tests (made once, on first use): the default run, and one with
    /// dropout, standardising, a batch above the default chunk and two threads.
    static let plain: String = train("eval-plain", [])
    static let varied: String = train(
        "eval-varied",
        [
            "--dropout", "0.2", "--standardize", "--batch-size", "300",
            "--threads", "2", "--hidden", "40", "--seed", "3",
        ])

    static func train(_ label: String, _ flags: [String]) -> String {
        let out = ToolRunner.temporaryFolder(label) + "/run"
        _ = try? ToolRunner.run("cairn-train", ["--epochs", "3", "--out", out, "--quiet"] + flags)
        return out
    }

    static func json(_ result: ToolRunner.Result) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    /// A number of the JSON output exactly as printed (JSONSerialization's parsing may round the last digit).
    static func printed(_ key: String, in result: ToolRunner.Result) -> String? {
        guard let range = result.stdout.range(of: "\"\(key)\" : ") else { return nil }
        return String(result.stdout[range.upperBound...].prefix { "0123456789.-e+".contains($0) })
    }

    /// history.csv's rows: epoch -> (val_loss, val_accuracy) as printed.
    static func history(_ run: String) throws -> [Int: (String, String)] {
        let text = try String(contentsOfFile: run + "/history.csv", encoding: .utf8)
        var rows: [Int: (String, String)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[Int(cells[0])!] = (cells[3], cells[4])
        }
        return rows
    }

    @Test(arguments: ["plain", "varied"])
    func noDataReproducesTheHistoryToEveryDigit(_ which: String) throws {
        let run = which == "plain" ? Self.plain : Self.varied
        let history = try Self.history(run)
        #expect(history.count == 3)
        for epoch in 1...3 {
            let checkpoint = run + "/epoch-000\(epoch).cairn"
            let result = try ToolRunner.run("cairn-eval", [checkpoint, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try Self.json(result)
            // Printed with Swift's shortest round-trip formatting, as history.csv prints them.
            let loss = Self.printed("loss", in: result), accuracy = Self.printed("accuracy", in: result)
            #expect(loss == history[epoch]!.0, "epoch \(epoch): loss \(loss ?? "-") vs history \(history[epoch]!.0)")
            #expect(
                accuracy == history[epoch]!.1, "epoch \(epoch): accuracy \(accuracy ?? "-") vs \(history[epoch]!.1)")
            #expect(report["samples"] as? Int == 359 && report["split"] as? String == "val")
        }
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let result = try ToolRunner.run("cairn-eval", [Self.plain + "/latest.cairn", "--json", "--worst", "3"])
        let report = try Self.json(result)
        for key in [
            "samples", "task", "accuracy", "accuracy_ci", "loss", "top_k_accuracy", "per_class", "macro_avg",
            "weighted_avg", "confusion", "ece", "mce", "brier", "worst",
        ] {
            #expect(report[key] != nil, "missing \(key)")
        }
        let perClass = try #require(report["per_class"] as? [[String: Any]])
        #expect(perClass.count == 10 && Set(perClass[0].keys) == ["label", "precision", "recall", "f1", "support"])
        #expect((report["confusion"] as? [[Int]])?.count == 10 && (report["accuracy_ci"] as? [Double])?.count == 2)
        #expect((report["worst"] as? [[String: Any]])?.count == 3)
    }

    @Test func textReportOnDataFileAndSplits() throws {
        let result = try ToolRunner.run(
            "cairn-eval", [Self.plain + "/latest.cairn", "--data", "Fixtures/datasets/digits.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        for fragment in [
            "1797 samples", "accuracy", "Wilson", "top-5", "ECE", "macro avg", "weighted avg",
            "confusion matrix (rows true, columns predicted)",
        ] {
            #expect(result.stdout.contains(fragment), "missing '\(fragment)' in\n\(result.stdout)")
        }
        #expect(!result.stdout.contains("\u{1B}["), "colour on a pipe")
        let train = try Self.json(
            try ToolRunner.run("cairn-eval", [Self.plain + "/latest.cairn", "--split", "train", "--json"]))
        let all = try Self.json(
            try ToolRunner.run("cairn-eval", [Self.plain + "/latest.cairn", "--split", "all", "--json"]))
        #expect(train["samples"] as? Int == 1438 && all["samples"] as? Int == 1797)
        // IDX images of the same digits score the same as the CSV.
        let idx = try Self.json(
            try ToolRunner.run(
                "cairn-eval",
                [
                    Self.plain + "/latest.cairn", "--data", "Fixtures/datasets/digits-images.idx",
                    "--labels", "Fixtures/datasets/digits-labels.idx", "--json",
                ]))
        let csv = try Self.json(
            try ToolRunner.run(
                "cairn-eval", [Self.plain + "/latest.cairn", "--data", "Fixtures/datasets/digits.csv", "--json"]))
        #expect(idx["accuracy"] as? Double == csv["accuracy"] as? Double && idx["samples"] as? Int == 1797)
    }

    @Test func predictionsAndReliabilityFiles() throws {
        let folder = ToolRunner.temporaryFolder("eval-files")
        let result = try ToolRunner.run(
            "cairn-eval",
            [
                Self.plain + "/latest.cairn", "--predictions", "\(folder)/p.csv",
                "--reliability-svg", "\(folder)/r.svg", "--json",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: "\(folder)/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 360 && lines[0] == "index,true,predicted,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9")
        let svg = try String(contentsOfFile: "\(folder)/r.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("ECE") && svg.hasSuffix("</svg>\n"))
        let report = try Self.json(result)
        // The predictions file agrees with the report's accuracy.
        var correct = 0
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",")
            if cells[1] == cells[2] { correct += 1 }
        }
        #expect(abs(Double(correct) / 359 - (report["accuracy"] as? Double ?? 0)) < 1e-12)
    }

    @Test func comparingTwoCheckpoints() throws {
        let a = Self.plain + "/epoch-0001.cairn", b = Self.plain + "/epoch-0003.cairn"
        let result = try ToolRunner.run(
            "cairn-eval", [a, b, "--data", "Fixtures/datasets/digits.csv", "--json", "--bootstrap", "500"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result)
        let comparison = try #require((report["comparisons"] as? [[String: Any]])?.first)
        for key in ["a", "b", "difference", "p_value", "ci", "verdict"] {
            #expect(comparison[key] != nil, "missing \(key)")
        }
        let models = try #require(report["models"] as? [[String: Any]])
        let difference = (models[1]["accuracy"] as! Double) - (models[0]["accuracy"] as! Double)
        #expect(abs((comparison["difference"] as? Double ?? 0) - difference) < 1e-12)
        let ci = try #require(comparison["ci"] as? [Double])
        #expect(ci[0] <= difference && difference <= ci[1])
        #expect(comparison["verdict"] as? String == "B is better", "\(comparison)")
        // Same seed, same interval; the text names the verdict.
        let again = try Self.json(
            try ToolRunner.run(
                "cairn-eval", [a, b, "--data", "Fixtures/datasets/digits.csv", "--json", "--bootstrap", "500"]))
        #expect(((again["comparisons"] as? [[String: Any]])?.first?["ci"] as? [Double]) == ci)
        // Several checkpoints' predictions go in one file, a first column naming each line's checkpoint.
        let folder = ToolRunner.temporaryFolder("eval-pair")
        #expect(
            try ToolRunner.run("cairn-eval", [a, b, "--predictions", "\(folder)/p.csv", "--bootstrap", "10"]).status
                == 0)
        let lines = try String(contentsOfFile: "\(folder)/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 2 * 359 && lines[0].hasPrefix("checkpoint,index,true,predicted,p_0"))
        #expect(lines[1].hasPrefix(a + ",") && lines[360].hasPrefix(b + ","))
        let text = try ToolRunner.run("cairn-eval", [a, a, "--bootstrap", "200"])
        #expect(text.status == 0 && text.stdout.contains("A vs B: no significant difference (p = 1)"), "\(text.stdout)")
    }

    @Test func runFolderScoresEveryCheckpoint() throws {
        let result = try ToolRunner.run("cairn-eval", [Self.plain, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result)
        let rows = try #require(report["checkpoints"] as? [[String: Any]])
        #expect(rows.count == 4 && (rows[0]["checkpoint"] as? String)?.hasSuffix("init.cairn") == true)
        #expect(report["best"] as? String != nil && report["best_is_best_cairn"] as? Bool != nil)
        let text = try ToolRunner.run("cairn-eval", [Self.plain])
        #expect(text.stdout.contains("epoch-0003.cairn") && text.stdout.contains("best on this data"))
        #expect(text.stdout.contains(where: { "▁▂▃▄▅▆▇█".contains($0) }))
    }

    @Test func importedModelsAreScored() throws {
        let folder = ToolRunner.temporaryFolder("eval-import")
        let source = Self.plain + "/latest.cairn"
        #expect(
            try ToolRunner.run("cairn-convert", [source, "\(folder)/m.safetensors", "--parameters-only", "--quiet"])
                .status == 0)
        #expect(
            try ToolRunner.run(
                "cairn-convert",
                ["\(folder)/m.safetensors", "\(folder)/m.cairn", "--activation", "leaky-relu", "--quiet"]
            ).status == 0)
        let original = try Self.json(
            try ToolRunner.run("cairn-eval", [source, "--data", "Fixtures/datasets/digits.csv", "--json"]))
        // The imported model records no preprocessing: the bundled digits were scaled by 1/16 in training.
        for model in ["\(folder)/m.cairn", "\(folder)/m.safetensors"] {
            let result = try ToolRunner.run(
                "cairn-eval",
                [
                    model, "--data", "Fixtures/datasets/digits.csv", "--scale", "0.0625",
                    "--activation", "leaky-relu", "--json",
                ])
            #expect(result.status == 0, "\(model): \(result.stderr)")
            let report = try Self.json(result)
            #expect(report["accuracy"] as? Double == original["accuracy"] as? Double)
            let loss = try #require(report["loss"] as? Double), expected = try #require(original["loss"] as? Double)
            #expect(abs(loss - expected) <= 1e-9 * expected)
        }
        let noData = try ToolRunner.run("cairn-eval", ["\(folder)/m.cairn"])
        #expect(
            noData.status == 2 && noData.stderr.contains("records no training data") && noData.stderr.contains("--data")
        )
    }

    @Test func theTrainingLabelColumnNeedsNoFlag() throws {
        let folder = ToolRunner.temporaryFolder("eval-column")
        // The digits with the label column renamed and moved last.
        let text = try String(
            contentsOfFile: ToolRunner.packageRoot.path + "/Fixtures/datasets/digits.csv", encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        lines = lines.map { Array($0.dropFirst()) + [$0[0]] }
        lines[0][lines[0].count - 1] = "digit"
        try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
            .write(toFile: "\(folder)/d.csv", atomically: true, encoding: .utf8)
        #expect(
            try ToolRunner.run(
                "cairn-train",
                [
                    "--data", "\(folder)/d.csv", "--label-column", "digit", "--scale", "0.0625",
                    "--epochs", "2", "--out", "\(folder)/run", "--quiet",
                ]
            ).status == 0)
        let scored = try ToolRunner.run(
            "cairn-eval", ["\(folder)/run/latest.cairn", "--data", "\(folder)/d.csv", "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(try Self.json(scored)["samples"] as? Int == 1797)
    }

    @Test func semicolonCSVWithDelimiter() throws {
        let folder = ToolRunner.temporaryFolder("eval-delimiter")
        let text = try String(
            contentsOfFile: ToolRunner.packageRoot.path + "/Fixtures/datasets/digits.csv", encoding: .utf8)
        try text.replacingOccurrences(of: ",", with: ";").write(
            toFile: "\(folder)/d.csv", atomically: true, encoding: .utf8)
        let checkpoint = Self.plain + "/latest.cairn"
        let semicolons = try ToolRunner.run(
            "cairn-eval", [checkpoint, "--data", "\(folder)/d.csv", "--delimiter", ";", "--json"])
        let commas = try ToolRunner.run("cairn-eval", [checkpoint, "--data", "Fixtures/datasets/digits.csv", "--json"])
        #expect(semicolons.status == 0, "\(semicolons.stderr)")
        #expect(Self.printed("accuracy", in: semicolons) == Self.printed("accuracy", in: commas))
        #expect(try ToolRunner.run("cairn-eval", [checkpoint, "--delimiter", ";"]).status == 64)
    }

    @Test func gatesExitOne() throws {
        let checkpoint = Self.plain + "/latest.cairn"
        let pass = try ToolRunner.run("cairn-eval", [checkpoint, "--min-accuracy", "0.5", "--json"])
        #expect(pass.status == 0)
        let fail = try ToolRunner.run("cairn-eval", [checkpoint, "--min-accuracy", "0.9999", "--json"])
        #expect(fail.status == 1 && fail.stderr.contains("below --min-accuracy 0.9999"), "\(fail.stderr)")
        #expect(try Self.json(fail)["accuracy"] != nil)
    }
}
