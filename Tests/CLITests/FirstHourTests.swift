import CairnModel
import Foundation
import Testing

/// What a new user meets in the first hour: data as people have it, class counts, regression on real
/// units, transfer from imported models, flags that say what is wrong, one wording for a missing file.
@Suite(.serialized) struct FirstHourTests {
    static let digits = ToolRunner.packageRoot.appendingPathComponent("Fixtures/datasets/digits.csv").path
    static let diabetes = ToolRunner.packageRoot.appendingPathComponent("Fixtures/datasets/diabetes.csv").path

    func json(_ result: ToolRunner.Result) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    func usage(_ tool: String, _ arguments: [String], mentions fragments: [String]) throws {
        let result = try ToolRunner.run(tool, arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "\(arguments): stderr lacks '\(fragment)': \(result.stderr)")
        }
    }

    // MARK: - Data as people have it

    @Test func windowsLineEndsQuotesAndSemicolonsTrainLikeThePlainFile() throws {
        let folder = ToolRunner.temporaryFolder("csv")
        let text = try String(contentsOfFile: Self.digits, encoding: .utf8)
        let lines = text.split(separator: "\n")
        try ("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").write(
            toFile: "\(folder)/crlf.csv", atomically: true, encoding: .utf8)
        let semicolons = lines.enumerated().map { index, line in
            line.split(separator: ",").map { index == 0 ? "\"\($0)\"" : String($0) }.joined(separator: ";")
        }
        try semicolons.joined(separator: "\r\n").write(toFile: "\(folder)/semi.csv", atomically: true, encoding: .utf8)
        var fingerprints: [String] = []
        var losses: [Double] = []
        // The copies have no preprocessing sidecar: give the bundled file's scale to all three.
        for (name, extra) in [
            ("plain", ["--data", Self.digits]), ("crlf", ["--data", "\(folder)/crlf.csv"]),
            ("semi", ["--data", "\(folder)/semi.csv", "--delimiter", ";"]),
        ] {
            let result = try ToolRunner.run(
                "cairn-train", extra + ["--scale", "0.0625", "--epochs", "2", "--out", "\(folder)/\(name)", "--json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            losses.append(try json(result)["val_loss"] as? Double ?? -1)
            let manifest = try Checkpoint.load(from: "\(folder)/\(name)/latest.cairn").manifest
            fingerprints.append(manifest.data.fingerprint)
            #expect(manifest.data.delimiter == (name == "semi" ? ";" : nil))
        }
        #expect(Set(fingerprints).count == 1, "\(fingerprints)")
        #expect(Set(losses).count == 1, "\(losses)")
        // The recorded delimiter lets a resume read the file again without the flag.
        let resumed = try ToolRunner.run("cairn-resume", ["\(folder)/semi/latest.cairn", "--epochs", "3", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let plainSemicolons = try ToolRunner.run(
            "cairn-train", ["--data", "\(folder)/semi.csv", "--out", "\(folder)/x"])
        #expect(
            plainSemicolons.status == 2 && plainSemicolons.stderr.contains("--delimiter ';'"),
            "\(plainSemicolons.stderr)")
    }

    // MARK: - Classes

    @Test func classesComeFromTheDataOrClassesAndStrayLabelsAreNamed() throws {
        let folder = ToolRunner.temporaryFolder("classes")
        var rows = try String(contentsOfFile: Self.digits, encoding: .utf8).split(separator: "\n").map(String.init)
        rows[5] = "25" + rows[5].drop { $0 != "," }  // one stray label
        try rows.joined(separator: "\n").write(toFile: "\(folder)/stray.csv", atomically: true, encoding: .utf8)
        let stray = try ToolRunner.run(
            "cairn-train", ["--data", "\(folder)/stray.csv", "--epochs", "1", "--out", "\(folder)/a", "--quiet"])
        #expect(stray.status == 0, "\(stray.stderr)")
        #expect(stray.stderr.contains("15 classes 10-24 of 26 have no training samples"), "\(stray.stderr)")
        let manifest = try Checkpoint.load(from: "\(folder)/a/latest.cairn").manifest
        #expect(manifest.data.outputs == 26)
        #expect(manifest.data.classesSeen == Array(0...9) + [25])
        // --classes 10 refuses the stray label, naming it and the file.
        let fixed = try ToolRunner.run(
            "cairn-train", ["--data", "\(folder)/stray.csv", "--classes", "10", "--out", "\(folder)/b"])
        #expect(fixed.status == 2)
        #expect(
            fixed.stderr.contains("stray.csv: label 25 is outside the 10 classes of --classes 10 (0 to 9)"),
            "\(fixed.stderr)")
        // --classes 12 makes a 12-class head and names the two empty classes.
        let wider = try ToolRunner.run(
            "cairn-train", ["--classes", "12", "--epochs", "1", "--out", "\(folder)/c", "--quiet"])
        #expect(
            wider.status == 0 && wider.stderr.contains("classes 10, 11 of 12 have no training samples"),
            "\(wider.stderr)")
        #expect(try Checkpoint.load(from: "\(folder)/c/latest.cairn").tensor(named: "dense2.bias")?.shape == [12])
        // A validation label outside the training classes is an error, not a bigger head.
        let train = rows.filter { !$0.hasPrefix("9,") && !$0.hasPrefix("25,") }
        try train.joined(separator: "\n").write(toFile: "\(folder)/train.csv", atomically: true, encoding: .utf8)
        let validation = try ToolRunner.run(
            "cairn-train",
            [
                "--data", "\(folder)/train.csv", "--val", Self.digits,
                "--out", "\(folder)/d",
            ])
        #expect(validation.status == 2)
        #expect(
            validation.stderr.contains("digits.csv: label 9 is not one of the 9 training classes (0 to 8)"),
            "\(validation.stderr)")
        try usage("cairn-train", ["--classes", "0"], mentions: ["--classes 0", "from 1 to 1000000"])
        try usage("cairn-train", ["--task", "regression", "--classes", "3"], mentions: ["--classes"])
    }

    // MARK: - Regression in real units

    @Test func regressionOnPricesInTheHundredsConvergesAndReportsRealUnits() throws {
        let folder = ToolRunner.temporaryFolder("prices")
        var generator = SystemRandomNumberGenerator()
        var lines = ["rooms,area,price"]
        for _ in 0..<300 {
            let rooms = Double(Int.random(in: 1...6, using: &generator)),
                area = Double.random(in: 30...200, using: &generator)
            lines.append(
                "\(rooms),\(area),\(100 + 40 * rooms + 2.5 * area + Double.random(in: -5...5, using: &generator))")
        }
        try lines.joined(separator: "\n").write(toFile: "\(folder)/houses.csv", atomically: true, encoding: .utf8)
        let result = try ToolRunner.run(
            "cairn-train",
            [
                "--data", "\(folder)/houses.csv", "--task", "regression", "--label-column", "price",
                "--standardize", "--epochs", "40", "--out", "\(folder)/run", "--json",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try json(result)
        let r2 = try #require(summary["val_r2"] as? Double)
        #expect(r2 > 0.9, "R^2 \(r2)")
        let manifest = try Checkpoint.load(from: "\(folder)/run/latest.cairn").manifest
        let mean = try #require(manifest.preprocessing.targetMean?.first)
        let std = try #require(manifest.preprocessing.targetStandardDeviation?.first)
        #expect(mean > 200 && mean < 700 && std > 50, "target mean \(mean), std \(std)")
        // Losses are in the targets' units (squared dollars / 2), not the standardised scale.
        let valLoss = try #require(summary["val_loss"] as? Double)
        #expect(abs(valLoss - (1 - r2) * Double(std * std) / 2) < Double(std * std) * 0.1, "val_loss \(valLoss)")
        #expect(result.stderr.contains("targets standardised"), "\(result.stderr)")
    }

    @Test func diabetesRegressionReportsR2() throws {
        let folder = ToolRunner.temporaryFolder("diabetes")
        let result = try ToolRunner.run(
            "cairn-train",
            [
                "--data", Self.diabetes, "--task", "regression", "--label-column", "progression",
                "--standardize", "--out", "\(folder)/run",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let r2 = try #require(
            result.stdout.split(separator: " ").last {
                $0.contains(".") && Double($0.trimmingCharacters(in: .punctuationCharacters)) != nil
            })
        #expect(result.stdout.contains("validation R^2 0."), "\(result.stdout)")
        #expect(!r2.isEmpty)
        let inspect = try ToolRunner.run("cairn-inspect", ["\(folder)/run/latest.cairn"])
        #expect(inspect.stdout.contains("targets standardised: mean [15"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("val R^2"))
    }

    // MARK: - The default run is the bundled file's run

    @Test func defaultRunAndExplicitDigitsTrainTheSame() throws {
        let folder = ToolRunner.temporaryFolder("default")
        let implicit = try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", "\(folder)/a", "--json"])
        let explicit = try ToolRunner.run(
            "cairn-train",
            ["--data", "Fixtures/datasets/digits.csv", "--epochs", "2", "--out", "\(folder)/b", "--json"])
        #expect(implicit.status == 0 && explicit.status == 0)
        #expect(try json(implicit)["val_loss"] as? Double == (try json(explicit)["val_loss"] as? Double))
        let a = try Checkpoint.load(from: "\(folder)/a/latest.cairn"),
            b = try Checkpoint.load(from: "\(folder)/b/latest.cairn")
        #expect(a.manifest.preprocessing == b.manifest.preprocessing)
        #expect(a.manifest.preprocessing.scale == 0.0625)
        #expect(a.tensors == b.tensors)
        let quietless = try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/c"])
        let first = quietless.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("data: Fixtures/datasets/digits.csv ("), "\(first)")
        #expect(first.contains("features x 0.0625 (from Fixtures/datasets/digits.csv.preprocessing.json)"), "\(first)")
    }

    @Test func helpShowsEveryDefaultAndAdamStartsAt0001() throws {
        let help = try ToolRunner.run("cairn-train", ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(
            separator: " ")
        for fragment in [
            "Default momentum", "Default 0.9", "Default 0.05 for sgd and momentum, 0.001 for adam and adamw",
            "Default 32", "Default 30", "Default: he (normal)", "Default 64", "Default leaky-relu", "Default constant",
            "Fixtures/datasets/digits.csv", "features x 1/16",
        ] {
            #expect(help.contains(fragment), "--help lacks '\(fragment)'")
        }
        let folder = ToolRunner.temporaryFolder("adam")
        let result = try ToolRunner.run(
            "cairn-train", ["--optimizer", "adam", "--epochs", "1", "--out", "\(folder)/run", "--quiet"])
        #expect(result.status == 0)
        #expect(
            try Checkpoint.load(from: "\(folder)/run/latest.cairn").manifest.hyperparameters.optimizer.learningRate
                == 0.001)
    }

    // MARK: - Transfer from checkpoints and imported models

    @Test func initFromImportedModelAndPreprocessingReuse() throws {
        let folder = ToolRunner.temporaryFolder("transfer")
        var result = try ToolRunner.run(
            "cairn-train", ["--standardize", "--epochs", "3", "--out", "\(folder)/source", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try ToolRunner.run(
            "cairn-convert",
            ["\(folder)/source/latest.cairn", "\(folder)/model.safetensors", "--parameters-only", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try ToolRunner.run(
            "cairn-convert",
            ["\(folder)/model.safetensors", "\(folder)/imported.cairn", "--activation", "leaky-relu", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // An imported model trains (it records no preprocessing: a notice says so).
        result = try ToolRunner.run(
            "cairn-train",
            ["--init-from", "\(folder)/imported.cairn", "--epochs", "1", "--out", "\(folder)/a", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("records no preprocessing"), "\(result.stderr)")
        #expect((try json(result)["val_accuracy"] as? Double ?? 0) > 0.9)
        // The safetensors file itself works too.
        result = try ToolRunner.run(
            "cairn-train",
            ["--init-from", "\(folder)/model.safetensors", "--epochs", "1", "--out", "\(folder)/s", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // From a checkpoint: its preprocessing is reused without --standardize, and said so.
        result = try ToolRunner.run(
            "cairn-train",
            [
                "--init-from", "\(folder)/source/best.cairn", "--new-head", "10", "--freeze", "dense1",
                "--epochs", "1", "--out", "\(folder)/b",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("features standardised") && result.stderr.contains("(from --init-from"),
            "\(result.stderr)")
        let source = try Checkpoint.load(from: "\(folder)/source/best.cairn").manifest.preprocessing
        #expect(try Checkpoint.load(from: "\(folder)/b/latest.cairn").manifest.preprocessing == source)
        // Preprocessing flags that contradict the source's are refused.
        try usage(
            "cairn-train", ["--init-from", "\(folder)/source/best.cairn", "--scale", "1", "--out", "\(folder)/c"],
            mentions: ["--scale 1.0", "reuses the preprocessing of", "drop --scale"])
        let plain = "\(folder)/plain"
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", plain, "--quiet"]).status == 0)
        try usage(
            "cairn-train", ["--init-from", "\(plain)/latest.cairn", "--standardize", "--out", "\(folder)/d"],
            mentions: ["--standardize", "drop --standardize"])
        try usage(
            "cairn-train", ["--init-from", "\(plain)/latest.cairn", "--hidden", "32", "--out", "\(folder)/e"],
            mentions: ["--hidden", "--init-from"])
        // cairn-inspect shows the stored preprocessing.
        let inspect = try ToolRunner.run("cairn-inspect", ["\(folder)/b/latest.cairn"])
        #expect(
            inspect.stdout.contains("preprocessing (x' = (x * scale - mean) / std")
                && inspect.stdout.contains("scale 0.0625"), "\(inspect.stdout)")
        let inspectJSON = try json(try ToolRunner.run("cairn-inspect", ["\(folder)/b/latest.cairn", "--json"]))
        #expect((inspectJSON["preprocessing"] as? [String: Any])?["std"] != nil)
    }

    // MARK: - Flags that say what is wrong

    @Test func badValuesNameTheFlagTheValueAndTheRange() throws {
        try usage("cairn-train", ["--lr", "-0.1"], mentions: ["--lr -0.1", "positive"])
        try usage("cairn-train", ["--hidden", "100000000"], mentions: ["--hidden", "100000000", "from 1 to 1048576"])
        try usage("cairn-train", ["--hidden", "64,,64"], mentions: ["--hidden '64,,64'", "empty width"])
        try usage("cairn-train", ["--init", "normal:-1"], mentions: ["--init 'normal:-1'", "0 or more"])
        try usage("cairn-train", ["--batch-size", "-5"], mentions: ["--batch-size -5", "from 1 to"])
        try usage("cairn-train", ["--epochs", "-2"], mentions: ["--epochs -2", "from 1 to 1000000"])
        try usage("cairn-train", ["--momentum", "-0.5"], mentions: ["--momentum -0.5", "from 0"])
        try usage("cairn-train", ["--val-split", "-0.1"], mentions: ["--val-split -0.1"])
        try usage("cairn-train", ["--dropout", "1.5"], mentions: ["--dropout 1.5"])
        try usage("cairn-train", ["--keep", "-1"], mentions: ["--keep -1", "0 or more"])
    }

    @Test func silentlyIgnoredCombinationsAreRefused() throws {
        try usage(
            "cairn-train", ["--data", Self.digits, "--labels", "labels.idx"],
            mentions: ["--labels labels.idx", "--label-column"])
        try usage(
            "cairn-train", ["--model", "Fixtures/models/residual-digits.json", "--hidden", "32"],
            mentions: ["--hidden", "--model"])
        try usage("cairn-train", ["--optimizer", "adam", "--nesterov"], mentions: ["--nesterov", "adam"])
        try usage("cairn-train", ["--optimizer", "sgd", "--momentum", "0.5"], mentions: ["--momentum 0.5", "sgd"])
        try usage("cairn-train", ["--nesterov", "--momentum", "0"], mentions: ["--nesterov"])
        try usage("cairn-train", ["--activation", "tanh", "--alpha", "0.2"], mentions: ["--alpha 0.2", "leaky-relu"])
        try usage(
            "cairn-train",
            [
                "--data", "Fixtures/datasets/digits-images.idx", "--labels", "Fixtures/datasets/digits-labels.idx",
                "--delimiter", ";",
            ], mentions: ["--delimiter"])
        try usage(
            "cairn-train", ["--val-labels", "Fixtures/datasets/digits-labels.idx"], mentions: ["--val-labels", "--val"])
        let folder = ToolRunner.temporaryFolder("resume-epochs")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "3", "--out", "\(folder)/run", "--quiet"]).status == 0)
        try usage(
            "cairn-resume", ["\(folder)/run/latest.cairn", "--epochs", "2"],
            mentions: ["--epochs 2", "already completed 3 epochs"])
        try usage(
            "cairn-resume", ["\(folder)/run/latest.cairn", "--epochs", "5", "--standardize"],
            mentions: ["--standardize"])
    }

    // MARK: - One wording for a missing file

    @Test func missingFilesAreWordedAlikeEverywhere() throws {
        let cases: [(String, [String])] = [
            ("cairn-train", ["--data", "/nonexistent/a.csv"]),
            ("cairn-train", ["--init-from", "/nonexistent/a.cairn"]),
            ("cairn-train", ["--model", "/nonexistent/a.json"]),
            ("cairn-resume", ["/nonexistent/a.cairn"]),
            ("cairn-inspect", ["/nonexistent/a.cairn"]),
            ("cairn-inspect", ["/nonexistent/a.cairn", "--verify"]),
            ("cairn-convert", ["/nonexistent/a.safetensors", "/tmp/never.cairn"]),
            ("cairn-convert", ["/nonexistent/a.cairn", "/tmp/never.npz"]),
        ]
        for (tool, arguments) in cases {
            let result = try ToolRunner.run(tool, arguments)
            let path = arguments.first { $0.hasPrefix("/nonexistent/") }!
            #expect(result.status == 2, "\(tool) \(arguments): \(result.status)")
            #expect(result.stderr == "\(tool): \(path): no such file\n", "\(tool) \(arguments): \(result.stderr)")
        }
    }

    /// A checkpoint damaged inside a compressed chunk: resume and convert call it damage.
    @Test func damageInsideAChunkIsCalledDamage() throws {
        let folder = ToolRunner.temporaryFolder("damage")
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "1", "--out", "\(folder)/run", "--quiet", "--hidden", "256"]
            ).status == 0)
        let path = "\(folder)/run/epoch-0001.cairn"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var checked = 0
        // Flip bits across the data region (the first quarter of the file holds dense1.weight's chunks).
        for offset in stride(from: 64, to: original.count / 4, by: max(1, original.count / 4 / 24)) {
            var damaged = original
            damaged[offset] ^= 0x20
            let copy = "\(folder)/damaged.cairn"
            try damaged.write(to: URL(fileURLWithPath: copy))
            for (tool, arguments) in [
                ("cairn-resume", [copy, "--epochs", "2", "--out", "\(folder)/r\(offset)", "--quiet"]),
                ("cairn-convert", [copy, "\(folder)/c\(offset).safetensors"]),
            ] {
                let result = try ToolRunner.run(tool, arguments)
                guard result.status != 0 else { continue }
                checked += 1
                #expect(result.status == 2)
                #expect(
                    result.stderr.contains("checksum mismatch (file damaged)"),
                    "\(tool), byte \(offset): \(result.stderr)")
                #expect(
                    !result.stderr.contains("decompression bomb") && !result.stderr.contains("deflate"),
                    "\(result.stderr)")
            }
        }
        #expect(checked > 10)
    }
}
