import CairnModel
import Foundation
import Testing

/// Image data end to end: IDX images and CSV rows read as `1x8x8` train a perceptron that flattens first, a
/// shaped `--model` graph, resume and eval of such runs on their recorded data, and one-line errors.
@Suite(.serialized) struct ImageDataCommandTests {
    static let images = [
        "--data", "Fixtures/datasets/digits-images.idx", "--labels", "Fixtures/datasets/digits-labels.idx",
    ]
    static let csvImages = ["--data", "Fixtures/datasets/digits.csv", "--input-shape", "1x8x8"]

    /// Trains `flags` for `epochs` into a fresh folder; returns the folder.
    func train(_ flags: [String], epochs: Int = 3, label: String = "images") throws -> String {
        let out = ToolRunner.temporaryFolder(label) + "/run"
        let result = try ToolRunner.run("cairn-train", flags + ["--epochs", String(epochs), "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    /// One line on stderr, naming the tool, exit `status`.
    func expectOneLineFailure(
        _ result: ToolRunner.Result, status: Int32, contains text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [images, csvImages])
    func imagesTrainAPerceptronThatFlattensFirst(flags: [String]) throws {
        let out = try train(flags)
        let checkpoint = try Checkpoint.load(from: "\(out)/latest.cairn")
        #expect(
            checkpoint.manifest.graph.nodes.map(\.name) == ["input", "flatten", "dense1", "act1", "dense2", "softmax"])
        #expect(checkpoint.manifest.graph.nodes[0].shape == [1, 8, 8])
        #expect(checkpoint.manifest.data.inputShape == [1, 8, 8])
        #expect(checkpoint.tensor(named: "dense1.weight")?.shape == [64, 64])
        #expect((checkpoint.manifest.history.last?.validationAccuracy ?? 0) > 0.85)
        let inspect = try ToolRunner.run("cairn-inspect", ["\(out)/latest.cairn"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let inputLine = inspect.stdout.split(separator: "\n").first {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("input ")
        }
        #expect(inputLine?.contains("[*, 1, 8, 8]") == true, "\(inspect.stdout)")
        #expect(inspect.stdout.contains("flatten"))
    }

    @Test func theSameImagesFromCSVAndIDXTrainTheSameWeights() throws {
        let idx = try Checkpoint.load(from: try train(Self.images, epochs: 2) + "/latest.cairn")
        let csv = try Checkpoint.load(from: try train(Self.csvImages, epochs: 2, label: "csv") + "/latest.cairn")
        #expect(idx.manifest.data.fingerprint == csv.manifest.data.fingerprint)
        for (p, q) in zip(idx.tensors, csv.tensors) {
            #expect(p.values.map(\.bitPattern) == q.values.map(\.bitPattern), "\(p.name) differs")
        }
    }

    @Test func aShapedRunResumesAndEvaluatesOnItsRecordedData() throws {
        let straight = try train(Self.csvImages, epochs: 4, label: "straight")
        let split = try train(Self.csvImages, epochs: 2, label: "split")
        let resumed = try ToolRunner.run("cairn-resume", ["\(split)/latest.cairn", "--epochs", "4", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let x = try Checkpoint.load(from: "\(straight)/latest.cairn"),
            y = try Checkpoint.load(from: "\(split)/latest.cairn")
        #expect(y.manifest.training.epoch == 4 && y.manifest.data.inputShape == [1, 8, 8])
        for (p, q) in zip(x.tensors, y.tensors) {
            #expect(p.values.map(\.bitPattern) == q.values.map(\.bitPattern), "\(p.name) differs")
        }
        let eval = try ToolRunner.run("cairn-eval", ["\(split)/latest.cairn", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        // The recorded validation split, scored as history.csv scored it.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        #expect(json["samples"] as? Int == 359 && json["data"] as? String == "digits.csv (validation split)")
        let accuracy = try #require(json["accuracy"] as? Double),
            recorded = try #require(y.manifest.history.last?.validationAccuracy)
        #expect(abs(accuracy - Double(recorded)) < 1e-6, "eval \(accuracy), history \(recorded)")
        // Given again, the data must have the shape the graph takes (plain rows of 64 values are read as it).
        let other = try ToolRunner.run(
            "cairn-resume",
            [
                "\(split)/latest.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--input-shape", "4x16", "--epochs", "5", "--quiet",
            ])
        expectOneLineFailure(
            other, status: 2, contains: "latest.cairn: the graph's input takes [1, 8, 8], the data has [4, 16]")
        let flat = try ToolRunner.run(
            "cairn-resume",
            [
                "\(split)/latest.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--epochs", "5", "--quiet", "--out", ToolRunner.temporaryFolder("flat"),
            ])
        #expect(flat.status == 0, "\(flat.stderr)")
        let shaped = try ToolRunner.run(
            "cairn-resume",
            [
                "\(split)/latest.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--input-shape", "1x8x8", "--epochs", "5", "--quiet",
            ])
        #expect(shaped.status == 0, "\(shaped.stderr)")
        let evalIDX = try ToolRunner.run("cairn-eval", ["\(split)/latest.cairn"] + Self.images)
        #expect(evalIDX.status == 0, "\(evalIDX.stderr)")
        let wrong = try ToolRunner.run(
            "cairn-eval",
            [
                "\(split)/latest.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--input-shape", "4x4x4",
            ])
        expectOneLineFailure(
            wrong, status: 2, contains: "holds samples of shape [4, 4, 4], \(split)/latest.cairn takes [1, 8, 8]")
    }

    @Test func aShapedModelGraphTrainsOnIDXImages() throws {
        let out = try train(["--model", "Fixtures/models/image-digits.json"] + Self.images)
        let checkpoint = try Checkpoint.load(from: "\(out)/latest.cairn")
        #expect(checkpoint.manifest.graph.nodes.map(\.kind) == [.input, .flatten, .dense, .relu, .dense, .softmax])
        #expect((checkpoint.manifest.history.last?.validationAccuracy ?? 0) > 0.85)
        // The same graph on data of another shape: one line naming both shapes.
        let other = try ToolRunner.run(
            "cairn-train",
            [
                "--model", "Fixtures/models/image-digits.json", "--input-shape", "2x32",
                "--epochs", "1", "--out", ToolRunner.temporaryFolder("other") + "/run",
            ])
        expectOneLineFailure(
            other, status: 2, contains: "image-digits.json: the graph's input takes [1, 8, 8], the data has [2, 32]")
        // Plain rows of 64 values are read as the graph's shape, and the run records it.
        let flat = try train(["--model", "Fixtures/models/image-digits.json"], epochs: 1, label: "flat")
        #expect(try Checkpoint.load(from: "\(flat)/latest.cairn").manifest.data.inputShape == [1, 8, 8])
        // Starting from a shaped model needs data of its shape.
        let from = try ToolRunner.run(
            "cairn-train",
            [
                "--init-from", "\(out)/latest.cairn", "--epochs", "1", "--input-shape", "8x8",
                "--out", ToolRunner.temporaryFolder("from") + "/run",
            ])
        expectOneLineFailure(from, status: 2, contains: "the graph's input takes [1, 8, 8], the data has [8, 8]")
        let fromImages = try ToolRunner.run(
            "cairn-train",
            [
                "--init-from", "\(out)/latest.cairn", "--epochs", "1", "--quiet",
                "--out", ToolRunner.temporaryFolder("from") + "/run",
            ] + Self.images)
        #expect(fromImages.status == 0, "\(fromImages.stderr)")
    }

    @Test func aConvolutionalNetworkTrainsResumesAndScoresOnImages() throws {
        let flags = ["--model", "Fixtures/models/digits-cnn.json"] + Self.images
        let straight = try train(flags, epochs: 3, label: "cnn-straight")
        let split = try train(flags, epochs: 2, label: "cnn-split")
        let resumed = try ToolRunner.run("cairn-resume", ["\(split)/latest.cairn", "--epochs", "3", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let x = try Checkpoint.load(from: "\(straight)/latest.cairn"),
            y = try Checkpoint.load(from: "\(split)/latest.cairn")
        #expect(x.tensors.map(\.name) == y.tensors.map(\.name) && !x.tensors.isEmpty)
        for (p, q) in zip(x.tensors, y.tensors) {
            #expect(p.values.map(\.bitPattern) == q.values.map(\.bitPattern), "\(p.name) differs")
        }
        #expect((x.manifest.history.last?.validationAccuracy ?? 0) > 0.85)
        let eval = try ToolRunner.run(
            "cairn-eval",
            [
                "\(split)/latest.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--input-shape", "1x8x8", "--json",
            ])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        #expect(json["samples"] as? Int == 1797 && (json["accuracy"] as? Double ?? 0) > 0.85)
    }

    @Test func anInputNodeWithoutSizeOrShapeTakesTheDataShape() throws {
        let folder = ToolRunner.temporaryFolder("open")
        let graph = """
            {"nodes": [{"name": "input", "kind": "input"}, {"name": "flatten", "kind": "flatten", "inputs": ["input"]},
              {"name": "dense1", "kind": "dense", "inputs": ["flatten"], "units": 10},
              {"name": "softmax", "kind": "softmax", "inputs": ["dense1"]}]}
            """
        try Data(graph.utf8).write(to: URL(fileURLWithPath: "\(folder)/open.json"))
        let out = try train(["--model", "\(folder)/open.json"] + Self.images, epochs: 1)
        #expect(try Checkpoint.load(from: "\(out)/latest.cairn").manifest.graph.nodes[0].shape == [1, 8, 8])
        let flatOut = try train(["--model", "\(folder)/open.json"], epochs: 1, label: "open-flat")
        let flat = try Checkpoint.load(from: "\(flatOut)/latest.cairn").manifest.graph.nodes[0]
        #expect(flat.size == 64 && flat.shape == nil)
    }

    @Test func aPlainSizeInputTakesImagesOfThatManyValues() throws {
        let out = try train(["--model", "Fixtures/models/residual-digits.json"] + Self.images, epochs: 1)
        #expect(try Checkpoint.load(from: "\(out)/latest.cairn").manifest.graph.nodes[0].size == 64)
    }

    @Test(arguments: [
        (
            ["--input-shape", "1x8x9"], Int32(2),
            "Fixtures/datasets/digits.csv: rows have 64 features, --input-shape 1x8x9 needs 72"
        ),
        (
            ["--input-shape", "64"] + images, Int32(2),
            "digits-images.idx: holds samples of shape [1, 8, 8], --input-shape 64 asks for [64]"
        ),
    ])
    func mismatchedShapesFailWithOneLine(flags: [String], status: Int32, message: String) throws {
        let args = flags.contains("--data") ? flags : flags + ["--data", "Fixtures/datasets/digits.csv"]
        let out = ToolRunner.temporaryFolder("mismatch") + "/run"
        let result = try ToolRunner.run("cairn-train", args + ["--epochs", "1", "--out", out])
        expectOneLineFailure(result, status: status, contains: message)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: ["0x8x8", "1x8x8x1", "99999999999x99999999999", "8by8", ""])
    func malformedInputShapeIsAUsageError(value: String) throws {
        let result = try ToolRunner.run(
            "cairn-train",
            [
                "--input-shape", value, "--epochs", "1",
                "--out", ToolRunner.temporaryFolder("usage") + "/run",
            ])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--input-shape '\(value)'"), "\(result.stderr)")
        let eval = try ToolRunner.run(
            "cairn-eval",
            [
                "Fixtures/checkpoints/none.cairn", "--data", "Fixtures/datasets/digits.csv",
                "--input-shape", value,
            ])
        #expect(eval.status == 64, "\(eval.stderr)")
    }
}
