import CairnCLI
import CairnModel
import Foundation
import Testing

/// The exit statuses README documents, reached by running each tool in a situation that must give
/// each one: 0 done, 1 found something, 2 trouble (one line on stderr naming the file), 64 usage,
/// 130/143 stopped by a signal after saving.
@Suite struct ExitStatusTests {
    /// A situation: a tool, its arguments (`$RUN` stands for the shared runs' folder), the status it
    /// must end with, and for trouble, text the one line on stderr must contain.
    struct Case: CustomTestStringConvertible, Sendable {
        var tool: String
        var arguments: [String]
        var status: Int32
        var stderrNames: String? = nil

        var testDescription: String { "\(tool) \(arguments.joined(separator: " ")) -> \(status)" }
    }

    static let missing = "Fixtures/no-such-checkpoint.cairn"
    static let damaged = "Fixtures/corrupt/flipped-bit-in-chunk-data.cairn"
    static let truncated = "Fixtures/corrupt/truncated-in-footer.cairn"
    static let csv = "Fixtures/datasets/digits.csv"

    static let cases: [Case] = [
        // cairn-train
        Case(tool: "cairn-train", arguments: ["--epochs", "1", "--out", "$RUN/fresh", "--quiet"], status: 0),
        Case(
            tool: "cairn-train", arguments: ["--data", "Fixtures/datasets/no-such.csv", "--out", "$RUN/x", "--quiet"],
            status: 2, stderrNames: "Fixtures/datasets/no-such.csv: no such file"),
        Case(
            tool: "cairn-train", arguments: ["--init-from", truncated, "--out", "$RUN/y", "--quiet"], status: 2,
            stderrNames: truncated),
        Case(tool: "cairn-train", arguments: ["--no-such-flag"], status: 64),
        Case(tool: "cairn-train", arguments: ["--lr", "-0.1"], status: 64),
        Case(tool: "cairn-train", arguments: ["--epochs", "0"], status: 64),
        // cairn-resume
        Case(
            tool: "cairn-resume", arguments: ["$RUN/run/epoch-0001.cairn", "--out", "$RUN/resumed", "--quiet"],
            status: 0),
        Case(
            tool: "cairn-resume",
            arguments: ["$RUN/run/epoch-0001.cairn", "--verify", "$RUN/run/epoch-0002.cairn", "--quiet"],
            status: 0),
        Case(
            tool: "cairn-resume",
            arguments: ["$RUN/run/epoch-0001.cairn", "--verify", "$RUN/tampered.cairn", "--quiet"],
            status: 1),
        Case(
            tool: "cairn-resume", arguments: [missing, "--quiet"], status: 2, stderrNames: "\(missing): no such file"),
        Case(tool: "cairn-resume", arguments: [damaged, "--quiet"], status: 2, stderrNames: damaged),
        Case(tool: "cairn-resume", arguments: ["$RUN/run/latest.cairn", "--no-such-flag"], status: 64),
        Case(tool: "cairn-resume", arguments: ["$RUN/run/latest.cairn", "--epochs", "-3"], status: 64),
        // cairn-inspect
        Case(tool: "cairn-inspect", arguments: ["$RUN/run/latest.cairn", "--verify"], status: 0),
        Case(tool: "cairn-inspect", arguments: [damaged, "--verify"], status: 1),
        Case(tool: "cairn-inspect", arguments: [missing], status: 2, stderrNames: "\(missing): no such file"),
        Case(tool: "cairn-inspect", arguments: [truncated], status: 2, stderrNames: truncated),
        Case(tool: "cairn-inspect", arguments: ["$RUN/run/latest.cairn", "--no-such-flag"], status: 64),
        Case(tool: "cairn-inspect", arguments: ["$RUN/run/latest.cairn", "--chart-width", "-1"], status: 64),
        // cairn-convert
        Case(
            tool: "cairn-convert", arguments: ["$RUN/run/latest.cairn", "$RUN/exported.safetensors", "--quiet"],
            status: 0),
        Case(
            tool: "cairn-convert", arguments: [missing, "$RUN/never.safetensors"], status: 2,
            stderrNames: "\(missing): no such file"),
        Case(tool: "cairn-convert", arguments: [truncated, "$RUN/never.npz"], status: 2, stderrNames: truncated),
        Case(tool: "cairn-convert", arguments: ["$RUN/run/latest.cairn", "$RUN/out.txt"], status: 64),
        Case(
            tool: "cairn-convert", arguments: ["$RUN/run/latest.cairn", "$RUN/out.npz", "--no-such-flag"], status: 64),
        // cairn-eval
        Case(
            tool: "cairn-eval", arguments: ["$RUN/run/latest.cairn", "--data", csv, "--min-accuracy", "0.5"], status: 0),
        Case(
            tool: "cairn-eval", arguments: ["$RUN/run/latest.cairn", "--data", csv, "--min-accuracy", "1"], status: 1),
        Case(
            tool: "cairn-eval", arguments: [missing, "--data", csv], status: 2, stderrNames: "\(missing): no such file"),
        Case(
            tool: "cairn-eval", arguments: ["$RUN/run/latest.cairn", "--data", "Fixtures/datasets/no-such.csv"],
            status: 2,
            stderrNames: "Fixtures/datasets/no-such.csv: no such file"),
        Case(tool: "cairn-eval", arguments: ["$RUN/run/latest.cairn", "--min-accuracy", "1.5"], status: 64),
        Case(tool: "cairn-eval", arguments: ["$RUN/run/latest.cairn", "--no-such-flag"], status: 64),
        // cairn-diff
        Case(tool: "cairn-diff", arguments: ["$RUN/run/latest.cairn", "$RUN/run/epoch-0002.cairn"], status: 0),
        Case(tool: "cairn-diff", arguments: ["$RUN/run/init.cairn", "$RUN/run/latest.cairn"], status: 1),
        Case(
            tool: "cairn-diff", arguments: ["$RUN/run/latest.cairn", missing], status: 2,
            stderrNames: "\(missing): no such file"),
        Case(tool: "cairn-diff", arguments: ["$RUN/run/latest.cairn", damaged], status: 2, stderrNames: damaged),
        Case(
            tool: "cairn-diff", arguments: ["$RUN/run/init.cairn", "$RUN/run/latest.cairn", "--atol", "-1"], status: 64),
        Case(tool: "cairn-diff", arguments: ["$RUN/run/init.cairn", "--no-such-flag"], status: 64),
        // cairn-audit
        Case(tool: "cairn-audit", arguments: ["$RUN/run/latest.cairn"], status: 0),
        Case(tool: "cairn-audit", arguments: ["$RUN/constant/init.cairn"], status: 1),
        Case(tool: "cairn-audit", arguments: [missing], status: 2, stderrNames: "\(missing): no such file"),
        Case(tool: "cairn-audit", arguments: [truncated], status: 2, stderrNames: truncated),
        Case(tool: "cairn-audit", arguments: ["$RUN/run/latest.cairn", "--tolerance", "-1"], status: 64),
        Case(tool: "cairn-audit", arguments: ["$RUN/run/latest.cairn", "--no-such-flag"], status: 64),
    ]

    @Test(arguments: cases) func toolEndsWithTheDocumentedStatus(_ situation: Case) throws {
        let folder = try #require(Runs.folder, "could not prepare the runs the cases use")
        let arguments = situation.arguments.map { $0.replacingOccurrences(of: "$RUN", with: folder) }
        let result = try ToolRunner.run(situation.tool, arguments)
        #expect(result.status == situation.status, "stdout: \(result.stdout.suffix(600))\nstderr: \(result.stderr)")
        switch situation.status {
        case 2:
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "trouble is one line on stderr, got: \(result.stderr)")
            if let name = situation.stderrNames {
                #expect(result.stderr.contains(name), "stderr does not name \(name): \(result.stderr)")
            }
        case 64:
            #expect(result.stdout.isEmpty, "usage errors print nothing on stdout: \(result.stdout)")
            #expect(result.stderr.contains("Error:") || result.stderr.contains("error"), "\(result.stderr)")
            #expect(result.stderr.contains("Usage:"), "a usage error shows the usage: \(result.stderr)")
        default:
            break
        }
    }

    /// Every tool appears in the cases with each status it can give (train and convert have no "found").
    @Test func everyToolIsCoveredForEveryStatusItCanGive() {
        let tools = [
            "cairn-train", "cairn-resume", "cairn-inspect", "cairn-convert", "cairn-eval", "cairn-diff", "cairn-audit",
        ]
        for tool in tools {
            let statuses = Set(Self.cases.filter { $0.tool == tool }.map(\.status))
            let expected: Set<Int32> = ["cairn-train", "cairn-convert"].contains(tool) ? [0, 2, 64] : [0, 1, 2, 64]
            #expect(statuses == expected, "\(tool)")
        }
    }

    /// SIGINT and SIGTERM stop a run after saving a checkpoint: 130 and 143, and the saved file resumes.
    @Test(arguments: [("cairn-train", SIGINT, Int32(130)), ("cairn-resume", SIGTERM, Int32(143))])
    func signalStopsARunAfterSaving(tool: String, signal: Int32, status: Int32) throws {
        let folder = try #require(Runs.folder, "could not prepare the runs the cases use")
        let out = ToolRunner.temporaryFolder("signal") + "/run"
        // Long enough (600 epochs of batch 1) that the signal always lands while it trains.
        let arguments =
            tool == "cairn-train"
            ? ["--batch-size", "1", "--epochs", "600", "--out", out, "--quiet"]
            : ["\(folder)/run/epoch-0001.cairn", "--batch-size", "1", "--epochs", "600", "--out", out, "--quiet"]
        let started = try ToolRunner.start(tool, arguments)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: "\(out)/latest.cairn"), Date() < deadline { usleep(20_000) }
        usleep(200_000)
        kill(started.0.processIdentifier, signal)
        let stopped = ToolRunner.finish(started)
        #expect(stopped.status == status, "\(stopped.stderr)")
        let saved = try Checkpoint.load(from: "\(out)/latest.cairn")
        #expect(saved.manifest.training.globalStep > 0, "the signal's checkpoint holds the steps done")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains { $0.contains(".tmp") })
    }

    /// README's table of exit statuses lists exactly `ExitStatus`'s cases, by code and name.
    @Test func readmeTableMatchesExitStatus() throws {
        let readme = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(
            lines.firstIndex { $0.hasPrefix("| exit status |") }, "README has no exit status table")
        var documented: [Int32: String] = [:]
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let code = try #require(Int32(cells[0]), "not a status: \(line)")
            #expect(documented[code] == nil, "status \(code) documented twice")
            documented[code] = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        var cases: [Int32: String] = [:]
        for code in Int32(0)...255 {
            if let status = ExitStatus(rawValue: code) { cases[code] = String(describing: status) }
        }
        #expect(documented == cases)
    }
}

/// The runs the cases share, made once: a 2-epoch run keeping every checkpoint, a constant-initialised
/// run, and a copy of the run's second checkpoint with one weight changed (a replay cannot match it).
enum Runs {
    static let folder: String? = {
        let folder = ToolRunner.temporaryFolder("exit-status")
        do {
            let run = try ToolRunner.run(
                "cairn-train", ["--epochs", "2", "--keep", "0", "--out", "\(folder)/run", "--quiet"])
            let constant = try ToolRunner.run(
                "cairn-train",
                [
                    "--epochs", "1", "--init", "constant:0.1", "--out",
                    "\(folder)/constant", "--quiet",
                ])
            guard run.status == 0, constant.status == 0 else { return nil }
            var tampered = try Checkpoint.load(from: "\(folder)/run/epoch-0002.cairn")
            tampered.tensors[0].values[0] += 1
            try tampered.save(to: "\(folder)/tampered.cairn")
            return folder
        } catch {
            return nil
        }
    }()
}
