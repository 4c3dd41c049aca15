import Foundation
import Testing

/// Each tool's `--help` is part of its interface: compared exactly with `HelpSnapshots/<tool>.txt`.
///
/// After an intended change to flags or help text, regenerate every snapshot with one command and
/// review the diff: `CAIRN_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests`.
@Suite struct HelpSnapshotTests {
    static let tools = [
        "cairn-train", "cairn-resume", "cairn-inspect", "cairn-convert", "cairn-eval", "cairn-diff",
        "cairn-audit",
    ]
    static let folder = ToolRunner.packageRoot.appendingPathComponent("Tests/CLITests/HelpSnapshots")
    static var updating: Bool { ProcessInfo.processInfo.environment["CAIRN_UPDATE_SNAPSHOTS"] == "1" }

    @Test(arguments: tools) func helpMatchesSnapshot(tool: String) throws {
        // Help is wrapped to the terminal's width; a pipe and no COLUMNS give the 80 columns of the snapshots.
        let result = try ToolRunner.run(tool, ["--help"], environment: ["COLUMNS": nil, "LINES": nil])
        #expect(result.status == 0, "\(tool) --help: exit \(result.status), \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(tool) --help wrote to stderr: \(result.stderr)")
        let snapshot = Self.folder.appendingPathComponent("\(tool).txt")
        if Self.updating {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(result.stdout.utf8).write(to: snapshot)
            print("\(tool): wrote \(snapshot.path)")
            return
        }
        let expected = try #require(
            try? String(contentsOf: snapshot, encoding: .utf8),
            "no snapshot \(snapshot.path): run CAIRN_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests")
        if result.stdout != expected {
            Issue.record(
                """
                \(tool) --help differs from HelpSnapshots/\(snapshot.lastPathComponent) (if intended: \
                CAIRN_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests):
                \(Self.lineDiff(expected: expected, actual: result.stdout))
                """)
        }
    }

    /// Every tool has a snapshot and every snapshot a tool: a renamed or removed tool leaves none behind.
    @Test(.disabled(if: updating, "the snapshots are being rewritten")) func snapshotsAreExactlyTheTools() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".txt")
        }
        #expect(Set(names) == Set(Self.tools.map { "\($0).txt" }))
    }

    /// The lines that differ, as `-` (snapshot) and `+` (now) with line numbers; at most 40 lines.
    static func lineDiff(expected: String, actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? String(old[index]) : nil, b = index < new.count ? String(new[index]) : nil
            if a == b { continue }
            if let a { lines.append("  line \(index + 1) - \(a)") }
            if let b { lines.append("  line \(index + 1) + \(b)") }
        }
        return (lines.count > 40 ? lines.prefix(40) + ["  ... \(lines.count - 40) more"] : lines).joined(
            separator: "\n")
    }
}
