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
        try expectFailure(
            "cairn-train", ["--data", "/nonexistent/train.csv", "--out", out], status: 2,
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
        try expectFailure(
            "cairn-train", ["--data", "\(folder)/bad.csv", "--out", "\(folder)/run"], status: 2,
            mentions: ["\(folder)/bad.csv: line 3: has 2 cells, expected 3"])
    }

    @Test func modelThatDoesNotFitTheData() throws {
        let folder = ToolRunner.temporaryFolder("fit")
        try
            #"{"nodes":[{"name":"input","kind":"input","size":10},{"name":"d","kind":"dense","inputs":["input"],"units":10},{"name":"s","kind":"softmax","inputs":["d"]}]}"#
            .write(toFile: "\(folder)/g.json", atomically: true, encoding: .utf8)
        try expectFailure(
            "cairn-train", ["--model", "\(folder)/g.json", "--out", "\(folder)/run"], status: 2,
            mentions: ["\(folder)/g.json: the graph's input takes 10 features, the data has 64"])
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        let out = ToolRunner.temporaryFolder("nan") + "/run"
        let result = try ToolRunner.run(
            "cairn-train", ["--lr", "1e30", "--init", "normal:100", "--out", out, "--epochs", "5", "--quiet"])
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
        try expectFailure(
            "cairn-resume", ["\(folder)/damaged.cairn", "--out", "\(folder)/r"], status: 2,
            mentions: ["\(folder)/damaged.cairn"])
        try bytes.prefix(100).write(to: URL(fileURLWithPath: "\(folder)/short.cairn"))
        try expectFailure("cairn-resume", ["\(folder)/short.cairn"], status: 2, mentions: ["\(folder)/short.cairn"])
        try expectFailure("cairn-resume", ["\(folder)/none.cairn"], status: 2, mentions: ["\(folder)/none.cairn"])
        try expectFailure(
            "cairn-train", ["--init-from", "\(folder)/short.cairn", "--out", "\(folder)/t"], status: 2,
            mentions: ["\(folder)/short.cairn"])
    }

    @Test func resumeOnOtherDataNeedsConsent() throws {
        let folder = ToolRunner.temporaryFolder("fingerprint")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/run", "--quiet"]).status == 0)
        let digits = try String(
            contentsOf: ToolRunner.packageRoot.appendingPathComponent("Fixtures/datasets/digits.csv"), encoding: .utf8)
        var lines = digits.split(separator: "\n")
        lines.removeLast(7)
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: "\(folder)/fewer.csv", atomically: true, encoding: .utf8)
        try expectFailure(
            "cairn-resume", ["\(folder)/run/latest.cairn", "--data", "\(folder)/fewer.csv", "--epochs", "2"], status: 2,
            mentions: ["\(folder)/fewer.csv", "--allow-different-data"])
        let allowed = try ToolRunner.run(
            "cairn-resume",
            [
                "\(folder)/run/latest.cairn", "--data", "\(folder)/fewer.csv", "--epochs", "2",
                "--allow-different-data", "--quiet",
            ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}

extension ErrorReportingTests {
    @Test func newerMajorVersionFailsClearly() throws {
        let folder = ToolRunner.temporaryFolder("major")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/run", "--quiet"]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/run/latest.cairn")))
        // Header: magic (8), major u16 at 8, minor u16 at 10, CRC-32 of [0, 12) at 12. Make it major 2.
        bytes[8] = 2
        let crc = CRC32.checksum(bytes[0..<12])
        for i in 0..<4 { bytes[12 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/v2.cairn"))
        try expectFailure(
            "cairn-resume", ["\(folder)/v2.cairn"], status: 2, mentions: ["\(folder)/v2.cairn", "version 2"])
    }

    @Test func earlyStopNeedsValidation() throws {
        try expectFailure(
            "cairn-train", ["--early-stop", "3", "--val-split", "0"], status: 64, mentions: ["--early-stop"])
    }
}

/// CRC-32 (zlib's polynomial), computed bitwise: the test does not borrow the library's.
enum CRC32 {
    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
