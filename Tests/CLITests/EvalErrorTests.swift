import Foundation
import Testing

/// cairn-eval's bad inputs: one line naming the file and the cause, exit 2 (64 for usage), no predictions file.
@Suite struct EvalErrorTests {
    static var checkpoint: String { EvalCommandTests.plain + "/latest.cairn" }

    func expectFailure(_ arguments: [String], status: Int32 = 2, mentions fragments: [String]) throws {
        let folder = ToolRunner.temporaryFolder("eval-error")
        let predictions = "\(folder)/p.csv"
        let result = try ToolRunner.run("cairn-eval", arguments + ["--predictions", predictions])
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "stderr lacks '\(fragment)': \(result.stderr)")
        }
        if status == 2 {
            #expect(result.stderr.split(separator: "\n").count == 1, "expected one line: \(result.stderr)")
            #expect(result.stderr.hasPrefix("cairn-eval: "))
        }
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: predictions), "partial predictions file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = ToolRunner.temporaryFolder("eval-data") + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func digitsRows(_ transform: (inout [String]) -> Void) throws -> String {
        var lines = try String(
            contentsOfFile: ToolRunner.packageRoot.path + "/Fixtures/datasets/digits.csv", encoding: .utf8
        )
        .split(separator: "\n").map(String.init)
        transform(&lines)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func featureCountThatDoesNotFit() throws {
        let path = try write("label,a,b,c\n1,2,3,4\n0,1,1,1\n", "narrow.csv")
        try expectFailure(
            [Self.checkpoint, "--data", path], mentions: ["\(path): has 3 features per sample", "takes 64"])
    }

    @Test func imageSizeThatDoesNotFit() throws {
        let folder = ToolRunner.temporaryFolder("eval-idx")
        // 2 images of 3x3 (IDX u8), 2 labels.
        var images: [UInt8] = [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3]
        images += [UInt8](repeating: 7, count: 18)
        let labels: [UInt8] = [0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2]
        try Data(images).write(to: URL(fileURLWithPath: "\(folder)/x.idx"))
        try Data(labels).write(to: URL(fileURLWithPath: "\(folder)/y.idx"))
        try expectFailure(
            [Self.checkpoint, "--data", "\(folder)/x.idx", "--labels", "\(folder)/y.idx"],
            mentions: ["\(folder)/x.idx: has 9 features per sample"])
    }

    @Test func labelOutsideTheClasses() throws {
        let path = try write(try digitsRows { $0[5] = "12" + $0[5].drop { $0 != "," } }, "label12.csv")
        try expectFailure(
            [Self.checkpoint, "--data", path], mentions: ["\(path): label 12 (sample 4) is outside the 10 classes"])
    }

    @Test func nanAndTextCells() throws {
        let nan = try write(try digitsRows { $0[3] = $0[3].replacingOccurrences(of: ",0,", with: ",nan,") }, "nan.csv")
        try expectFailure([Self.checkpoint, "--data", nan], mentions: ["\(nan): line 4", "not a finite number"])
        let text = try write(try digitsRows { $0[2] = $0[2].replacingOccurrences(of: ",0,", with: ",x,") }, "text.csv")
        try expectFailure([Self.checkpoint, "--data", text], mentions: ["\(text): line 3", "is not a number"])
    }

    @Test func emptyFile() throws {
        let path = try write("", "empty.csv")
        try expectFailure([Self.checkpoint, "--data", path], mentions: ["\(path): has no data rows"])
    }

    @Test func damagedCheckpoint() throws {
        let folder = ToolRunner.temporaryFolder("eval-damaged")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.checkpoint))
        bytes[bytes.count / 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/bad.cairn"))
        try expectFailure(["\(folder)/bad.cairn"], mentions: ["\(folder)/bad.cairn"])
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: "\(folder)/short.cairn"))
        try expectFailure(["\(folder)/short.cairn"], mentions: ["\(folder)/short.cairn"])
        try expectFailure(["\(folder)/none.cairn"], mentions: ["\(folder)/none.cairn: no such file"])
    }

    @Test func recordedDataChangedOrMissing() throws {
        let folder = ToolRunner.temporaryFolder("eval-recorded")
        let data = "\(folder)/my-digits.csv"
        try FileManager.default.copyItem(
            atPath: ToolRunner.packageRoot.path + "/Fixtures/datasets/digits.csv", toPath: data)
        let run = "\(folder)/run"
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--data", data, "--scale", "0.0625", "--epochs", "1", "--out", run, "--quiet"]
            ).status == 0)
        #expect(try ToolRunner.run("cairn-eval", ["\(run)/latest.cairn"]).status == 0)
        try (try digitsRows { $0[7] = $0[7].replacingOccurrences(of: ",0,", with: ",1,") }).write(
            toFile: data, atomically: true, encoding: .utf8)
        try expectFailure(
            ["\(run)/latest.cairn"], mentions: ["\(data): its samples", "are not the data", "pass --data FILE"])
        try FileManager.default.removeItem(atPath: data)
        try expectFailure(["\(run)/latest.cairn"], mentions: ["\(data): missing", "pass --data FILE"])
    }

    @Test func classificationFlagsOnARegressionCheckpoint() throws {
        let folder = ToolRunner.temporaryFolder("eval-regression")
        var csv = "y,a,b,c\n"
        var state: UInt64 = 1
        for _ in 0..<200 {
            var x: [Double] = []
            for _ in 0..<3 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                x.append(Double(state >> 40) / Double(1 << 24))
            }
            csv += "\(2 * x[0] - x[1] + 0.5 * x[2] + 3),\(x[0]),\(x[1]),\(x[2])\n"
        }
        try csv.write(toFile: "\(folder)/r.csv", atomically: true, encoding: .utf8)
        let run = "\(folder)/run"
        #expect(
            try ToolRunner.run(
                "cairn-train",
                [
                    "--data", "\(folder)/r.csv", "--task", "regression", "--label-column", "y",
                    "--epochs", "5", "--out", run, "--quiet",
                ]
            ).status == 0)
        let result = try ToolRunner.run("cairn-eval", ["\(run)/latest.cairn", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try EvalCommandTests.json(result)
        let history = try EvalCommandTests.history(run)
        #expect(EvalCommandTests.printed("loss", in: result) == history[5]!.0)
        for key in ["mse", "rmse", "mae", "r2", "per_output"] { #expect(report[key] != nil, "missing \(key)") }
        #expect(try ToolRunner.run("cairn-eval", ["\(run)/latest.cairn", "--max-rmse", "0.000001"]).status == 1)
        try expectFailure(
            ["\(run)/latest.cairn", "--top-k", "2"],
            mentions: ["is a regression model; --top-k applies to classification"])
        try expectFailure(
            ["\(run)/latest.cairn", "--min-accuracy", "0.9"], mentions: ["--min-accuracy applies to classification"])
        // A regression checkpoint and a classifier cannot be compared.
        try expectFailure(["\(run)/latest.cairn", Self.checkpoint, "--data", "\(folder)/r.csv"], mentions: ["cannot"])
    }

    @Test func usageErrors() throws {
        try expectFailure([], status: 64, mentions: ["checkpoint"])
        try expectFailure([Self.checkpoint, "--split", "test"], status: 64, mentions: ["split"])
        try expectFailure([Self.checkpoint, "--data", "x.csv", "--split", "val"], status: 64, mentions: ["--split"])
        try expectFailure([Self.checkpoint, "--alpha", "2"], status: 64, mentions: ["--alpha"])
        try expectFailure(
            [Self.checkpoint, "--data", "Fixtures/datasets/digits.csv", "--scale", "2"], status: 64,
            mentions: ["records its preprocessing"])
        try expectFailure([Self.checkpoint, "--top-k", "11"], status: 64, mentions: ["--top-k 11"])
    }

    @Test func checkpointsOfDifferentShapes() throws {
        let other = ToolRunner.temporaryFolder("eval-shape") + "/run"
        // Digits with 8 of the 64 pixels: a model of another input width.
        let narrow = try write(
            try digitsRows { lines in
                lines = lines.map { $0.split(separator: ",").prefix(9).joined(separator: ",") }
            }, "narrow-digits.csv")
        #expect(
            try ToolRunner.run("cairn-train", ["--data", narrow, "--epochs", "1", "--out", other + "2", "--quiet"])
                .status == 0)
        try expectFailure(
            [Self.checkpoint, other + "2/latest.cairn", "--data", "Fixtures/datasets/digits.csv"],
            mentions: ["takes 8 features per sample", "takes 64", "cannot be scored on the same data"])
        // Digits 0 to 4 only: a model with 5 classes.
        let fewer = try write(
            try digitsRows { lines in
                lines = [lines[0]] + lines.dropFirst().filter { Int($0.prefix { $0 != "," })! < 5 }
            }, "five-digits.csv")
        #expect(
            try ToolRunner.run("cairn-train", ["--data", fewer, "--epochs", "1", "--out", other + "3", "--quiet"])
                .status == 0)
        try expectFailure(
            [Self.checkpoint, other + "3/latest.cairn", "--data", fewer],
            mentions: ["has 5 classes", "has 10; they cannot be compared"])
    }
}
