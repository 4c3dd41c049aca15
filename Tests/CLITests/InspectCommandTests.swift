import CairnFormat
import Foundation
import Testing

/// cairn-inspect end to end: summary, --json, --verify, --tensor/--npy, --graph, errors.
@Suite struct InspectCommandTests {
    /// One short training run shared by the tests (made once, on first use).
    static let run: String = {
        let out = ToolRunner.temporaryFolder("inspect") + "/run"
        _ = try? ToolRunner.run("cairn-train", ["--epochs", "3", "--out", out, "--quiet"])
        return out
    }()

    static var checkpoint: String { run + "/latest.cairn" }

    @Test func summaryShowsGraphTensorsTrainingAndHistory() throws {
        let result = try ToolRunner.run("cairn-inspect", [Self.checkpoint])
        #expect(result.status == 0, "\(result.stderr)")
        for fragment in [
            "format 1.0", "manifest  training checkpoint", "creator   cairn-train", "graph (5 nodes, 4,810 parameters)",
            "dense1   dense       input   [*, 64]       4,160", "dense1.weight.momentum", "optimizer momentum",
            "seed 0", "history (3 epochs)", "train loss", "val accuracy", "blas",
        ] {
            #expect(result.stdout.contains(fragment), "missing '\(fragment)' in:\n\(result.stdout)")
        }
        #expect(result.stdout.contains(where: { "▁▂▃▄▅▆▇█".contains($0) }))
        #expect(result.stderr.isEmpty)
    }

    @Test func summaryJSONHasTheDocumentedKeys() throws {
        let result = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in [
            "file", "file_bytes", "format_version", "manifest_kind", "creator", "created", "task", "graph",
            "parameter_count",
            "tensors", "raw_bytes", "stored_bytes", "metadata", "training", "history",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["parameter_count"] as? Int == 4810)
        #expect(object["manifest_kind"] as? String == "training-checkpoint")
        let training = try #require(object["training"] as? [String: Any])
        #expect(training["epoch"] as? Int == 3 && training["optimizer"] as? String == "momentum")
        let tensor = try #require((object["tensors"] as? [[String: Any]])?.first)
        #expect(
            Set(tensor.keys) == [
                "name", "dtype", "shape", "role", "elements", "raw_bytes", "stored_bytes", "ratio", "chunks",
            ])
        #expect((object["history"] as? [[String: Any]])?.count == 3)
    }

    @Test func goldenContainerIsNotATrainingCheckpoint() throws {
        let result = try ToolRunner.run("cairn-inspect", ["Fixtures/checkpoints/golden-multichunk.cairn"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("not a training checkpoint"))
        #expect(result.stdout.contains("tensors ("))
    }

    @Test func verifySoundDamagedAndTruncated() throws {
        let folder = ToolRunner.temporaryFolder("verify")
        let sound = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--verify"])
        #expect(sound.status == 0, "\(sound.stdout)\(sound.stderr)")
        #expect(sound.stdout.contains("sound"))

        let reader = try CairnReader(path: Self.checkpoint)
        let chunk = try #require(reader.info(named: "dense2.weight")?.chunks.first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.checkpoint))
        bytes[Int(chunk.offset) + 5] ^= 0x08
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/flipped.cairn"))
        let damaged = try ToolRunner.run("cairn-inspect", ["\(folder)/flipped.cairn", "--verify"])
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("tensor dense2.weight, chunk 0 at byte \(chunk.offset)"), "\(damaged.stdout)")
        #expect(damaged.stdout.contains("DAMAGED"))
        let json = try ToolRunner.run("cairn-inspect", ["\(folder)/flipped.cairn", "--verify", "--json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["sound"] as? Bool == false && object["damaged_tensors"] as? [String] == ["dense2.weight"])

        let original = try Data(contentsOf: URL(fileURLWithPath: Self.checkpoint))
        try original.prefix(original.count - 100).write(to: URL(fileURLWithPath: "\(folder)/truncated.cairn"))
        let truncated = try ToolRunner.run("cairn-inspect", ["\(folder)/truncated.cairn", "--verify"])
        #expect(truncated.status == 1)
        #expect(
            truncated.stdout.contains("\(folder)/truncated.cairn") && truncated.stdout.contains("truncated"),
            "\(truncated.stdout)")
        let summary = try ToolRunner.run("cairn-inspect", ["\(folder)/truncated.cairn"])
        #expect(summary.status == 2)
        #expect(
            summary.stderr.split(separator: "\n").count == 1 && summary.stderr.contains("\(folder)/truncated.cairn"))
    }

    @Test func tensorStatisticsSliceAndNpy() throws {
        let folder = ToolRunner.temporaryFolder("tensor")
        let result = try ToolRunner.run(
            "cairn-inspect", [Self.checkpoint, "--tensor", "dense2.bias", "--slice", "2:5", "--npy", "\(folder)/b.npy"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("min ") && result.stdout.contains("NaN 0")
                && result.stdout.contains("values [2..<5]"))
        let npy = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/b.npy"))
        #expect(npy.count == 128 + 40)  // 10 + 58 header characters + newline, padded to 128 (as NumPy does)
        #expect(
            String(decoding: npy.prefix(128), as: UTF8.self).contains(
                "'descr': '<f4', 'fortran_order': False, 'shape': (10,)"))
        let expected = try CairnReader(path: Self.checkpoint).read("dense2.bias").bytes
        #expect([UInt8](npy.suffix(40)) == expected)

        let json = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--tensor", "dense1.weight", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["values"] as? [Any])?.count == 16)
        #expect(object["statistics_match"] as? Bool == true)
        #expect(
            Set((object["statistics"] as? [String: Any])?.keys.map { $0 } ?? []) == [
                "min", "max", "mean", "std", "zeros", "nan", "inf", "all_equal",
            ])

        let missing = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--tensor", "nope"])
        #expect(missing.status == 2 && missing.stderr.contains("no such tensor"))
        let usage = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--npy", "x.npy"])
        #expect(usage.status == 64)
    }

    @Test func bf16TensorToNpyWithNotice() throws {
        let folder = ToolRunner.temporaryFolder("bf16")
        let result = try ToolRunner.run(
            "cairn-inspect",
            ["Fixtures/checkpoints/golden-dtypes.cairn", "--tensor", "dtype.bf16", "--npy", "\(folder)/b.npy"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("notice") && result.stderr.contains("<u2"))
        let npy = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/b.npy"))
        #expect(String(decoding: npy.prefix(64), as: UTF8.self).contains("'descr': '<u2'"))
    }

    @Test func graphAsDotAndSVG() throws {
        let dot = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--graph", "dot"])
        #expect(dot.status == 0 && dot.stdout.hasPrefix("digraph") && dot.stdout.contains("\"act1\" -> \"dense2\";"))
        let svg = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--graph", "svg"])
        #expect(svg.status == 0 && svg.stdout.hasPrefix("<svg") && svg.stdout.hasSuffix("</svg>\n"))
        #expect(svg.stdout.components(separatedBy: "<rect x=").count - 1 == 5)
        let json = try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--graph", "svg", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String])
        #expect(object["format"] == "svg" && object["graph"] == svg.stdout)
        let none = try ToolRunner.run("cairn-inspect", ["Fixtures/checkpoints/golden-dtypes.cairn", "--graph", "dot"])
        #expect(none.status == 2 && none.stderr.contains("no valid layer graph"))
        #expect(try ToolRunner.run("cairn-inspect", [Self.checkpoint, "--graph", "png"]).status == 64)
    }

    @Test func missingFileIsTrouble() throws {
        let result = try ToolRunner.run("cairn-inspect", ["/nonexistent/x.cairn"])
        #expect(result.status == 2)
        #expect(result.stderr == "cairn-inspect: /nonexistent/x.cairn: no such file\n")
    }
}
