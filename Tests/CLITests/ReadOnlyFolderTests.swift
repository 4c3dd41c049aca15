import CairnFormat
import CairnModel
import Foundation
import Testing

/// A run folder that became read-only (a tmpfs remounted read-only, which binds root too): resuming fails
/// with one line naming the file and the cause, exit 2, and the saved checkpoints stay as they were.
@Suite(
    .serialized,
    .enabled(
        if: ReadOnlyDisk.mounted || Prerequisites.required,
        "cannot mount a tmpfs (needs root); CAIRN_REQUIRE_ALL_TESTS=1 fails instead"))
struct ReadOnlyFolderTests {
    @Test func resumingIntoAReadOnlyFolderFailsCleanly() throws {
        try #require(ReadOnlyDisk.mounted, "could not mount a tmpfs at \(ReadOnlyDisk.mountPoint) (needs root)")
        defer { _ = try? ToolRunner.shell("umount \(ReadOnlyDisk.mountPoint)") }
        let run = ReadOnlyDisk.mountPoint + "/run"
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", run, "--quiet"]).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: run).sorted()
        #expect(try ToolRunner.shell("mount -o remount,ro \(ReadOnlyDisk.mountPoint)") == 0)
        let result = try ToolRunner.run("cairn-resume", ["\(run)/latest.cairn", "--epochs", "2", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(run) && result.stderr.contains("Read-only file system"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run).sorted() == before)
        #expect(try CairnReader(path: "\(run)/latest.cairn").verify().isEmpty)
    }
}

/// A small tmpfs, mounted once when first asked for.
enum ReadOnlyDisk {
    static let mountPoint = NSTemporaryDirectory() + "cairn-read-only-\(getpid())"

    static let mounted: Bool = {
        try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        return (try? ToolRunner.shell("mount -t tmpfs -o size=4m tmpfs \(mountPoint)")) == 0
    }()
}
