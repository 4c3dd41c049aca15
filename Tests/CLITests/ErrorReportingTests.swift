import CairnModel
import Foundation
import Testing

/// Every bad input: one line naming the file and the cause, a non-zero exit, nothing left behind.
@Suite(.serialized) struct ErrorReportingTests {
    func expectFailure(_ tool: String, _ arguments: [String], status: Int32, mentions fragments: [String]) throws {
        let result = try ToolRunner.run(tool, arguments)
        #expect(result.status == status, "\(tool) \(arguments): \(result.stderr)")
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "stderr lacks '\(fragment)': \(result.stderr)")
        }
        if status == 2 {
            #expect(result.stderr.split(separator: "\n").count == 1, "expected one line: \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
    }

    @Test func missingDataFile() throws {
        let out = ToolRunner.temporaryFolder("missing") + "/run"
        try expectFailure("cairn-train", ["--data", "/nonexistent/train.csv", "--out", out], status: 2,
                          mentions: ["cairn-train: /nonexistent/train.csv: no such file"])
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func unknownFlagIsUsage() throws {
        try expectFailure("cairn-train", ["--no-such-flag"], status: 64, mentions: ["--no-such-flag"])
        try expectFailure("cairn-train", ["--batch-size", "zero"], status: 64, mentions: ["batch-size"])
        try expectFailure("cairn-resume", [], status: 64, mentions: ["checkpoint"])
    }

    @Test func raggedCSVNamesTheLine() throws {
        let folder = ToolRunner.temporaryFolder("ragged")
        try "label,a,b\n1,2,3\n0,1\n".write(toFile: "\(folder)/bad.csv", atomically: true, encoding: .utf8)
        try expectFailure("cairn-train", ["--data", "\(folder)/bad.csv", "--out", "\(folder)/run"], status: 2,
                          mentions: ["\(folder)/bad.csv: line 3: has 2 cells, expected 3"])
    }

    @Test func modelThatDoesNotFitTheData() throws {
        let folder = ToolRunner.temporaryFolder("fit")
        try #"{"nodes":[{"name":"input","kind":"input","size":10},{"name":"d","kind":"dense","inputs":["input"],"units":10},{"name":"s","kind":"softmax","inputs":["d"]}]}"#
            .write(toFile: "\(folder)/g.json", atomically: true, encoding: .utf8)
        try expectFailure("cairn-train", ["--model", "\(folder)/g.json", "--out", "\(folder)/run"], status: 2,
                          mentions: ["\(folder)/g.json: the graph's input takes 10 features, the data has 64"])
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        let out = ToolRunner.temporaryFolder("nan") + "/run"
        let result = try ToolRunner.run("cairn-train", ["--lr", "1e30", "--init", "normal:100", "--out", out, "--epochs", "5", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("loss became"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/init.cairn"))
        // Whatever was saved before the failure is whole.
        for name in try FileManager.default.contentsOfDirectory(atPath: out) where name.hasSuffix(".cairn") {
            _ = try Checkpoint.load(from: "\(out)/\(name)")
        }
    }

    @Test func existingRunIsNeverOverwritten() throws {
        let out = ToolRunner.temporaryFolder("exists") + "/run"
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", out, "--quiet"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(out)/init.cairn"))
        try expectFailure("cairn-train", ["--epochs", "1", "--out", out], status: 2, mentions: ["already holds a run"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/init.cairn")) == before)
    }

    @Test func corruptCheckpointIsReportedByResume() throws {
        let folder = ToolRunner.temporaryFolder("corrupt")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/run", "--quiet"]).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/run/latest.cairn"))
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/damaged.cairn"))
        try expectFailure("cairn-resume", ["\(folder)/damaged.cairn", "--out", "\(folder)/r"], status: 2, mentions: ["\(folder)/damaged.cairn"])
        try bytes.prefix(100).write(to: URL(fileURLWithPath: "\(folder)/short.cairn"))
        try expectFailure("cairn-resume", ["\(folder)/short.cairn"], status: 2, mentions: ["\(folder)/short.cairn"])
        try expectFailure("cairn-resume", ["\(folder)/none.cairn"], status: 2, mentions: ["\(folder)/none.cairn"])
        try expectFailure("cairn-train", ["--init-from", "\(folder)/short.cairn", "--out", "\(folder)/t"], status: 2, mentions: ["\(folder)/short.cairn"])
    }

    @Test func resumeOnOtherDataNeedsConsent() throws {
        let folder = ToolRunner.temporaryFolder("fingerprint")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/run", "--quiet"]).status == 0)
        let digits = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("Fixtures/datasets/digits.csv"), encoding: .utf8)
        var lines = digits.split(separator: "\n")
        lines.removeLast(7)
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(folder)/fewer.csv", atomically: true, encoding: .utf8)
        try expectFailure("cairn-resume", ["\(folder)/run/latest.cairn", "--data", "\(folder)/fewer.csv", "--epochs", "2"], status: 2,
                          mentions: ["\(folder)/fewer.csv", "--allow-different-data"])
        let allowed = try ToolRunner.run("cairn-resume", ["\(folder)/run/latest.cairn", "--data", "\(folder)/fewer.csv", "--epochs", "2",
                                                          "--allow-different-data", "--quiet"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}

