import Foundation
import Testing

/// A run folder removed while `cairn-train` trains: one line naming the folder and the cause, exit 2,
/// no crash, and no new folder holding only part of the run.
@Suite struct RunFolderRemovedTests {
    @Test(arguments: [100, 400, 900]) func removedFolderEndsTheRunWithOneLine(afterMilliseconds delay: Int) throws {
        let parent = ToolRunner.temporaryFolder("removed")
        let out = "\(parent)/run"
        // Small batches and saves every 20 steps: the folder goes while steps and saves are under way.
        let started = try ToolRunner.start(
            "cairn-train",
            [
                "--batch-size", "4", "--epochs", "200", "--save-every-steps", "20",
                "--out", out, "--quiet",
            ])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: "\(out)/latest.cairn"), Date() < deadline { usleep(10_000) }
        usleep(useconds_t(delay * 1000))
        // Renamed away first, so the path is gone at once (a recursive delete races with new files), then deleted.
        try FileManager.default.moveItem(atPath: out, toPath: "\(parent)/gone")
        try FileManager.default.removeItem(atPath: "\(parent)/gone")
        let result = ToolRunner.finish(started)
        #expect(started.0.terminationReason == .exit, "cairn-train died of signal \(result.status): \(result.stderr)")
        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        let line = lines.first.map(String.init) ?? ""
        #expect(line.hasPrefix("cairn-train: \(out)"), "the line names the run folder: \(line)")
        #expect(
            line.contains("the run folder was removed") || line.contains("No such file or directory"),
            "the line says why: \(line)")
        #expect(!FileManager.default.fileExists(atPath: out), "a new run folder was made: \(out)")
    }
}
