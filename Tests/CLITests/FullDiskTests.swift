import CairnModel
import Foundation
import Testing

/// Runs that hit a full disk: a 40 KiB tmpfs holds `init.cairn` but not the next checkpoint.
@Suite(
    .serialized,
    .enabled(
        if: SmallDisk.mounted || Prerequisites.required,
        "cannot mount a 40 KiB tmpfs (needs root); CAIRN_REQUIRE_ALL_TESTS=1 fails instead"))
struct FullDiskTests {
    @Test func fullDiskFailsCleanlyAndKeepsWhatWasSaved() throws {
        try #require(SmallDisk.mounted, "could not mount a 40 KiB tmpfs at \(SmallDisk.mountPoint) (needs root)")
        defer { _ = try? ToolRunner.shell("umount \(SmallDisk.mountPoint)") }
        let out = SmallDisk.mountPoint + "/run"
        let result = try ToolRunner.run("cairn-train", ["--epochs", "3", "--out", out, "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!names.contains { $0.contains(".tmp") }, "temporary file left: \(names)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/latest.cairn") == "init.cairn")
        _ = try Checkpoint.load(from: "\(out)/latest.cairn")
    }
}

/// A 40 KiB tmpfs, mounted once when first asked for.
enum SmallDisk {
    static let mountPoint = NSTemporaryDirectory() + "cairn-full-disk-\(getpid())"

    static let mounted: Bool = {
        try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        return (try? ToolRunner.shell("mount -t tmpfs -o size=40k tmpfs \(mountPoint)")) == 0
    }()
}
