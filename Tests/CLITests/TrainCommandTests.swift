import CairnModel
import Foundation
import Testing

@Suite(.serialized) struct TrainCommandTests {
    @Test func defaultRunWritesCheckpointsHistoryAndJSON() throws {
        let out = ToolRunner.temporaryFolder("train") + "/run"
        let result = try ToolRunner.run("cairn-train", ["--epochs", "8", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["epochs", "steps", "train_loss", "val_loss", "val_accuracy", "samples_per_second", "checkpoint"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["epochs"] as? Int == 8)
        #expect((json["val_accuracy"] as? Double ?? 0) > 0.9)
        for file in ["init.cairn", "latest.cairn", "history.csv", "curves.svg", "epoch-0008.cairn"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "missing \(file)")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/latest.cairn") == "epoch-0008.cairn")
        let history = try String(contentsOfFile: "\(out)/history.csv", encoding: .utf8)
        #expect(history.split(separator: "\n").count == 9)
        let checkpoint = try Checkpoint.load(from: "\(out)/latest.cairn")
        #expect(checkpoint.manifest.history.count == 8)
        #expect(checkpoint.manifest.graph.nodes.map(\.name) == ["input", "dense1", "act1", "dense2", "softmax"])
        #expect(checkpoint.tensor(named: "dense1.weight")?.shape == [64, 64])
        #expect(checkpoint.tensor(named: "dense1.weight.momentum") != nil)
        #expect(checkpoint.manifest.metadata["blas"] != nil)
        // --keep 3 (the default): the three newest periodic checkpoints plus the best, and nothing else.
        let bestEpoch = try #require(checkpoint.manifest.training.bestEpoch)
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/best.cairn")
                == String(format: "epoch-%04d.cairn", bestEpoch))
        let kept = Set([6, 7, 8, bestEpoch].map { String(format: "epoch-%04d.cairn", $0) })
        let expected = kept.union(["init.cairn", "latest.cairn", "best.cairn", "history.csv", "curves.svg"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out)) == expected)
    }

    /// With `--save-every 4`, epochs off the schedule that improve the validation loss are saved
    /// too, so `best.cairn` always names the best epoch's weights.
    @Test func bestCairnIsTheBestEpochEvenOffTheSaveSchedule() throws {
        let out = ToolRunner.temporaryFolder("best") + "/run"
        let result = try ToolRunner.run(
            "cairn-train", ["--epochs", "9", "--save-every", "4", "--keep", "0", "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let latest = try Checkpoint.load(from: "\(out)/latest.cairn")
        let bestEpoch = try #require(latest.manifest.training.bestEpoch)
        let losses = latest.manifest.history.map { $0.validationLoss ?? .infinity }
        #expect(losses[bestEpoch - 1] == losses.min())
        let best = try Checkpoint.load(from: "\(out)/best.cairn")
        #expect(best.manifest.training.epoch == bestEpoch)
        #expect(best.manifest.training.stepInEpoch == 0)
        // Saved: the schedule (4, 8), the end (9), and each epoch that set a new best.
        let saved = Set(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix("epoch-") })
        var record = Double.infinity
        for (index, loss) in losses.enumerated() {
            let epoch = index + 1, improved = loss < record
            record = min(record, loss)
            let expected = epoch % 4 == 0 || epoch == 9 || improved
            #expect(saved.contains(String(format: "epoch-%04d.cairn", epoch)) == expected, "epoch \(epoch)")
        }
    }

    @Test func initCairnHoldsTheWeightsBeforeStepZero() throws {
        let out = ToolRunner.temporaryFolder("init") + "/run"
        let result = try ToolRunner.run(
            "cairn-train", ["--epochs", "1", "--out", out, "--quiet", "--init", "constant:0.1"])
        #expect(result.status == 0)
        // The audit of the initial weights replaces a hand-written warning: one locked group of 64 units.
        #expect(result.stderr.contains("audit: dense1: 64 units, 1 distinct"))
        #expect(result.stderr.contains("locked"))
        #expect(result.stderr.contains("dense1.weight: every element is 0.1 (constant-initialised)"))
        let initial = try Checkpoint.load(from: "\(out)/init.cairn")
        #expect(initial.manifest.training.globalStep == 0)
        #expect(initial.tensor(named: "dense1.weight")!.values.allSatisfy { $0 == 0.1 })
        #expect(initial.tensor(named: "dense1.bias")!.values.allSatisfy { $0 == 0 })
    }

    @Test func sameSeedSameWeights() throws {
        let a = ToolRunner.temporaryFolder("seed") + "/a", b = ToolRunner.temporaryFolder("seed") + "/b"
        for out in [a, b] {
            #expect(
                try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", out, "--quiet", "--dropout", "0.1"]).status
                    == 0)
        }
        let x = try Checkpoint.load(from: "\(a)/latest.cairn"), y = try Checkpoint.load(from: "\(b)/latest.cairn")
        #expect(x.tensors == y.tensors)
    }

    @Test func graphFileWithSkipConnectionTrains() throws {
        let out = ToolRunner.temporaryFolder("graph") + "/run"
        let result = try ToolRunner.run(
            "cairn-train", ["--model", "Fixtures/models/residual-digits.json", "--epochs", "3", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let checkpoint = try Checkpoint.load(from: "\(out)/latest.cairn")
        #expect(checkpoint.manifest.graph.node(named: "skip")?.scales == [1, 0.5])
    }

    @Test func regressionOnCSVTargets() throws {
        let folder = ToolRunner.temporaryFolder("regression")
        var csv = "x1,x2,y\n"
        for i in 0..<200 {
            let x1 = Double(i % 17) / 17, x2 = Double(i % 7) / 7
            csv += "\(x1),\(x2),\(2 * x1 - x2 + 0.5)\n"
        }
        try csv.write(toFile: "\(folder)/line.csv", atomically: true, encoding: .utf8)
        let result = try ToolRunner.run(
            "cairn-train",
            [
                "--data", "\(folder)/line.csv", "--task", "regression", "--label-column", "y",
                "--hidden", "16", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.01",
                "--epochs", "60", "--out", "\(folder)/run", "--json",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["val_loss"] as? Double ?? 1) < 0.01)
        #expect(json["val_accuracy"] == nil)
    }
}
