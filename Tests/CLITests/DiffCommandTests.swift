import CairnFormat
import CairnInspect
import Foundation
import Testing

/// cairn-diff end to end: verdicts and exit statuses, the JSON contract, mixed formats, a sharded Hugging
/// Face checkpoint, damage and bad flags.
@Suite struct DiffCommandTests {
    static var run: String { InspectCommandTests.run }
    static var latest: String { InspectCommandTests.checkpoint }

    @Test func aFileIsIdenticalToItself() throws {
        let result = try ToolRunner.run("cairn-diff", [Self.latest, Self.latest, "--all"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.last?.hasPrefix("identical: 0 of 8 tensors differ (8 same)") == true, "\(result.stdout)")
        #expect(result.stderr.isEmpty)
    }

    @Test func twoEpochsDifferAndTheJSONKeepsItsContract() throws {
        let result = try ToolRunner.run(
            "cairn-diff",
            ["\(Self.run)/epoch-0002.cairn", "\(Self.run)/epoch-0003.cairn", "--all", "--json", "--neurons"])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["identical"] as? Bool == false)
        #expect(report["structure"] as? [Any] != nil)
        let training = try #require(report["training"] as? [[String: Any]])
        #expect(training.contains { $0["field"] as? String == "training.global_step" && $0["counts"] as? Bool == true })
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == 8)
        for tensor in tensors {
            for key in [
                "name", "status", "max_abs_diff", "max_abs_diff_index", "mean_abs_diff", "rel_l2", "cosine",
                "mismatched", "mismatched_fraction",
            ] {
                #expect(tensor[key] != nil, "missing \(key)")
            }
            #expect(tensor["status"] as? String == "changed")
        }
        let neurons = try #require(report["neurons"] as? [[String: Any]])
        #expect(neurons.map { $0["tensor"] as? String } == ["dense1.weight", "dense2.weight"])
        #expect(report["matching"] == nil)
        // Parameters only, within a loose tolerance, and with the training state not counted: identical.
        let loose = try ToolRunner.run(
            "cairn-diff", ["\(Self.run)/epoch-0002.cairn", "\(Self.run)/epoch-0003.cairn", "--atol", "100"])
        #expect(loose.status == 0, "\(loose.stdout)")
        #expect(loose.stdout.contains("training.global_step"))
    }

    @Test func formatsMixAndAShardedCheckpointReadsAsOne() throws {
        let folder = ToolRunner.temporaryFolder("diff-formats")
        #expect(try ToolRunner.run("cairn-convert", [Self.latest, "\(folder)/m.safetensors", "--quiet"]).status == 0)
        #expect(try ToolRunner.run("cairn-convert", [Self.latest, "\(folder)/m.npz", "--quiet"]).status == 0)
        for (a, b) in [
            (Self.latest, "\(folder)/m.safetensors"), ("\(folder)/m.npz", Self.latest),
            ("\(folder)/m.safetensors", "\(folder)/m.npz"),
        ] {
            let result = try ToolRunner.run("cairn-diff", [a, b, "--all"])
            #expect(result.status == 0, "\(a) vs \(b): \(result.stdout)\(result.stderr)")
        }
        // Two shards and an index, as Hugging Face writes them.
        let reader = try CairnReader(path: Self.latest)
        let parameters = reader.tensors.filter { $0.role == .parameter }
        var weightMap: [String: String] = [:]
        for (shard, names) in [
            ("model-00001-of-00002.safetensors", ["dense1.weight", "dense1.bias"]),
            ("model-00002-of-00002.safetensors", ["dense2.weight", "dense2.bias"]),
        ] {
            let infos = parameters.filter { names.contains($0.name) }
            let entries = infos.map { TensorEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape, role: .parameter) }
            var bytes = try SafetensorsHeader.encode(entries, metadata: ["format": "pt"])
            for info in infos { bytes += try reader.read(info.name).bytes }
            try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(shard)"))
            for name in names { weightMap[name] = shard }
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": 0], "weight_map": weightMap])
        try index.write(to: URL(fileURLWithPath: "\(folder)/model.safetensors.index.json"))
        let sharded = try ToolRunner.run("cairn-diff", [Self.latest, "\(folder)/model.safetensors.index.json"])
        #expect(sharded.status == 0, "\(sharded.stdout)\(sharded.stderr)")
        try FileManager.default.removeItem(atPath: "\(folder)/model-00002-of-00002.safetensors")
        let missing = try ToolRunner.run("cairn-diff", [Self.latest, "\(folder)/model.safetensors.index.json"])
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("model-00002-of-00002.safetensors")
                && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        #expect(missing.stdout.isEmpty)
    }

    @Test func damageIsReportedAsDamageNotAsADifference() throws {
        let golden = "Fixtures/checkpoints/golden-multichunk.cairn"
        for (a, b) in [
            (golden, "Fixtures/corrupt/flipped-bit-in-chunk-data.cairn"),
            ("Fixtures/corrupt/flipped-bit-in-chunk-data.cairn", golden),
        ] {
            let result = try ToolRunner.run("cairn-diff", [a, b, "--all"])
            #expect(result.status == 2)
            #expect(
                result.stderr.contains("flipped-bit-in-chunk-data.cairn: tensor dense.weight, chunk 2"),
                "\(result.stderr)")
            #expect(result.stderr.contains("checksum mismatch"))
            #expect(result.stdout.isEmpty)
        }
        for file in [
            "Fixtures/corrupt/truncated-in-chunk-data.cairn", "Fixtures/corrupt/bad-magic.cairn",
            "/nonexistent/model.safetensors",
        ] {
            let result = try ToolRunner.run("cairn-diff", [golden, file])
            #expect(result.status == 2, "\(file)")
            #expect(
                result.stderr.hasPrefix("cairn-diff: \(file)") && result.stderr.split(separator: "\n").count == 1,
                "\(result.stderr)")
        }
    }

    /// Every corrupt fixture, against a sound file: status 2 and one line, even when the damaged tensor is
    /// only in the corrupt file (reported as added, but read through).
    @Test func everyCorruptFixtureIsTrouble() throws {
        let folder = ToolRunner.packageRoot.appendingPathComponent("Fixtures/corrupt").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".cairn") }
            .sorted()
        #expect(names.count > 20)
        for name in names {
            let result = try ToolRunner.run(
                "cairn-diff", ["Fixtures/checkpoints/golden-multichunk.cairn", "Fixtures/corrupt/\(name)", "--all"])
            #expect(result.status == 2, "\(name): \(result.status) \(result.stdout)")
            #expect(
                result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(name),
                "\(name): \(result.stderr)")
        }
    }

    @Test func badFlagsAreUsageErrors() throws {
        for flags in [
            ["--atol", "-1"], ["--rtol", "nan"], ["--top", "0"], ["--activation", "softmax"], ["--frobnicate"],
        ] {
            let result = try ToolRunner.run("cairn-diff", [Self.latest, Self.latest] + flags)
            #expect(result.status == 64, "\(flags): \(result.stderr)")
        }
        #expect(try ToolRunner.run("cairn-diff", [Self.latest]).status == 64)
        #expect(try ToolRunner.run("cairn-diff", [Self.latest, "model.unknown"]).status == 2)
    }

    @Test func aResumedRunIsProvenIdenticalByTheExitStatus() throws {
        let folder = ToolRunner.temporaryFolder("diff-resume")
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "4", "--out", "\(folder)/straight", "--quiet", "--threads", "2"]
            ).status == 0)
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "2", "--out", "\(folder)/split", "--quiet", "--threads", "2"]
            ).status == 0)
        #expect(
            try ToolRunner.run("cairn-resume", ["\(folder)/split/latest.cairn", "--epochs", "4", "--quiet"]).status == 0
        )
        let same = try ToolRunner.run(
            "cairn-diff", ["--all", "\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn"])
        #expect(same.status == 0, "\(same.stdout)")
        // --strict counts the metadata and history too: the creator differs (cairn-resume wrote the split
        // run's file), and the timestamps when the runs did not finish within the same second.
        let strict = try ToolRunner.run(
            "cairn-diff", ["--all", "--strict", "\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("creator *"), "\(strict.stdout)")
    }
}
