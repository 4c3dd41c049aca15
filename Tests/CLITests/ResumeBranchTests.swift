import CairnModel
import Foundation
import Testing

/// A resume never replaces or deletes a checkpoint it did not write: older checkpoints branch, loose
/// files get a run folder, `--out` refuses a folder with later checkpoints.
@Suite(.serialized) struct ResumeBranchTests {
    /// Every file in `folder` (not following links into subfolders) with its bytes; links as their targets.
    func snapshot(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                result[name] = Data(("-> " + target).utf8)
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return result
    }

    func subfolders(_ folder: String, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Test func resumingAnOlderCheckpointBranchesAndLeavesTheRunAlone() throws {
        let folder = ToolRunner.temporaryFolder("branch")
        let run = folder + "/r"
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "6", "--keep", "0", "--out", run, "--quiet"]).status == 0)
        let before = try snapshot(run)
        let resumed = try ToolRunner.run(
            "cairn-resume", ["\(run)/epoch-0003.cairn", "--lr", "0.0001", "--keep", "1", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try snapshot(run) == before, "the run's own files changed")
        let branches = subfolders(run, prefix: "branch-epoch-0003-")
        #expect(branches.count == 1)
        let branch = run + "/" + (branches.first ?? "")
        #expect(resumed.stderr.contains("new branch \(branch)/"), "\(resumed.stderr)")
        #expect(resumed.stderr.split(separator: "\n").filter { $0.contains("branch") }.count == 1)
        // The branch's history is the run's up to the branch point, then its own epochs.
        let original = try Checkpoint.load(from: "\(run)/epoch-0006.cairn").manifest.history
        let branched = try Checkpoint.load(from: "\(branch)/latest.cairn").manifest.history
        #expect(branched.count == 6)
        #expect(Array(branched.prefix(3)) == Array(original.prefix(3)))
        #expect(branched[3].note?.contains("lr") == true)
        let csv = try String(contentsOfFile: "\(branch)/history.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 7)
        // --keep 1 pruned inside the branch only.
        #expect(subfolders(branch, prefix: "epoch-").count <= 2)
    }

    @Test func resumingTheNewestCheckpointContinuesInPlace() throws {
        let folder = ToolRunner.temporaryFolder("in-place")
        let run = folder + "/r"
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "2", "--keep", "0", "--out", run, "--quiet"]).status == 0)
        let before = try snapshot(run)
        let resumed = try ToolRunner.run("cairn-resume", ["\(run)/epoch-0002.cairn", "--epochs", "3", "--quiet"])
        #expect(resumed.status == 0 && !resumed.stderr.contains("branch"), "\(resumed.stderr)")
        #expect(subfolders(run, prefix: "branch-").isEmpty)
        let after = try snapshot(run)
        for name in ["init.cairn", "epoch-0001.cairn", "epoch-0002.cairn"] { #expect(after[name] == before[name]) }
        #expect(FileManager.default.fileExists(atPath: "\(run)/epoch-0003.cairn"))
    }

    @Test func aLooseFileGetsARunFolderBesideIt() throws {
        let folder = ToolRunner.temporaryFolder("loose")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/r", "--quiet"]).status == 0)
        try FileManager.default.createDirectory(atPath: "\(folder)/loose", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(folder)/r/epoch-0001.cairn", toPath: "\(folder)/loose/mine.cairn")
        let resumed = try ToolRunner.run("cairn-resume", ["\(folder)/loose/mine.cairn", "--epochs", "2", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let made = subfolders("\(folder)/loose", prefix: "mine-resumed-")
        #expect(made.count == 1)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(folder)/loose").filter { $0.hasSuffix(".cairn") }
                == ["mine.cairn"])
        #expect(FileManager.default.fileExists(atPath: "\(folder)/loose/\(made.first ?? "")/epoch-0002.cairn"))
        #expect(resumed.stderr.contains("not in a run folder"))
    }

    @Test func outIntoAFolderWithLaterCheckpointsIsRefused() throws {
        let folder = ToolRunner.temporaryFolder("out-later")
        let run = folder + "/r"
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "4", "--keep", "0", "--out", run, "--quiet"]).status == 0)
        let before = try snapshot(run)
        let refused = try ToolRunner.run("cairn-resume", ["\(run)/epoch-0002.cairn", "--out", run, "--quiet"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(run): already holds checkpoints after"), "\(refused.stderr)")
        #expect(try snapshot(run) == before)
    }

    /// A save killed after its file was renamed into place but before `latest.cairn` moved: resuming
    /// `latest.cairn` continues from the newer complete checkpoint, in the same folder, replacing nothing.
    @Test func aLaggingLatestLinkResumesFromTheNewestCheckpoint() throws {
        let folder = ToolRunner.temporaryFolder("lagging")
        let run = folder + "/r"
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "3", "--keep", "0", "--out", run, "--quiet"]).status == 0)
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "5", "--keep", "0", "--out", "\(folder)/straight", "--quiet"]
            ).status == 0)
        try FileManager.default.removeItem(atPath: "\(run)/latest.cairn")
        try FileManager.default.createSymbolicLink(
            atPath: "\(run)/latest.cairn", withDestinationPath: "epoch-0002.cairn")
        let before = try snapshot(run)
        let resumed = try ToolRunner.run("cairn-resume", ["\(run)/latest.cairn", "--epochs", "5", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("epoch-0003.cairn is newer"), "\(resumed.stderr)")
        let after = try snapshot(run)
        for name in ["epoch-0001.cairn", "epoch-0002.cairn", "epoch-0003.cairn"] {
            #expect(after[name] == before[name])
        }
        let straight = try Checkpoint.load(from: "\(folder)/straight/latest.cairn")
        let continued = try Checkpoint.load(from: "\(run)/latest.cairn")
        #expect(continued.manifest.training.epoch == 5)
        for (a, b) in zip(straight.tensors, continued.tensors) {
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        }
    }

    /// The last save of a run killed after its file was renamed into place but before the links moved: the
    /// run has nothing left to train, and resuming `latest.cairn` moves `latest.cairn` and `best.cairn` to
    /// the newest complete checkpoint, so the folder reads as finished.
    @Test func aLaggingLinkOfAFinishedRunIsRepaired() throws {
        let run = ToolRunner.temporaryFolder("lagging-finished") + "/r"
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "3", "--keep", "0", "--out", run, "--quiet"]).status == 0)
        let best = try FileManager.default.destinationOfSymbolicLink(atPath: "\(run)/best.cairn")
        for link in ["latest.cairn", "best.cairn"] {
            try FileManager.default.removeItem(atPath: "\(run)/\(link)")
            try FileManager.default.createSymbolicLink(atPath: "\(run)/\(link)", withDestinationPath: "init.cairn")
        }
        let before = try snapshot(run)
        let resumed = try ToolRunner.run("cairn-resume", ["\(run)/latest.cairn", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("epoch-0003.cairn is newer"), "\(resumed.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(run)/latest.cairn") == "epoch-0003.cairn")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(run)/best.cairn") == best)
        let after = try snapshot(run)
        for name in ["init.cairn", "epoch-0001.cairn", "epoch-0002.cairn", "epoch-0003.cairn"] {
            #expect(after[name] == before[name])
        }
    }
}

extension ResumeBranchTests {
    /// A one-letter run folder (`--out r`, as people type it) trains and resumes.
    @Test func oneLetterRunFolder() throws {
        let folder = ToolRunner.temporaryFolder("one-letter")
        let process = Process()
        process.executableURL = ToolRunner.url("cairn-train")
        process.arguments = ["--epochs", "1", "--out", "r", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/r/epoch-0001.cairn"))
    }
}
