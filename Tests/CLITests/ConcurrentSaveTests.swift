import CairnFormat
import Foundation
import Testing

/// Two processes saving the same path at once leave one complete file (one writer's, whole), never a mix,
/// and no temporary file.
@Suite struct ConcurrentSaveTests {
    func tensors(_ path: String) throws -> [String: [UInt8]] {
        let reader = try CairnReader(path: path)
        #expect(reader.verify().isEmpty)
        return Dictionary(uniqueKeysWithValues: try reader.tensors.map { ($0.name, try reader.read($0.name).bytes) })
    }

    @Test func twoWritersOfOnePathLeaveOneWholeFile() throws {
        let folder = ToolRunner.temporaryFolder("concurrent-save")
        // Two different models of the same shape, as safetensors inputs for two racing conversions.
        for seed in ["1", "2"] {
            #expect(
                try ToolRunner.run(
                    "cairn-train",
                    [
                        "--epochs", "1", "--hidden", "256,256", "--seed", seed, "--out", "\(folder)/run\(seed)",
                        "--quiet",
                    ]
                ).status == 0)
            #expect(
                try ToolRunner.run(
                    "cairn-convert", ["\(folder)/run\(seed)/latest.cairn", "\(folder)/m\(seed).safetensors"]
                ).status == 0)
        }
        let expected = [try tensors("\(folder)/run1/latest.cairn"), try tensors("\(folder)/run2/latest.cairn")]
        let target = "\(folder)/out/shared.cairn"
        try FileManager.default.createDirectory(atPath: "\(folder)/out", withIntermediateDirectories: true)
        var winners = Set<Int>()
        for _ in 0..<8 {
            let first = try ToolRunner.start("cairn-convert", ["\(folder)/m1.safetensors", target, "--force"])
            let second = try ToolRunner.start("cairn-convert", ["\(folder)/m2.safetensors", target, "--force"])
            let results = [ToolRunner.finish(first), ToolRunner.finish(second)]
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            let written = try tensors(target)
            let winner = expected.firstIndex(of: written)
            #expect(winner != nil, "the file is neither writer's")
            if let winner { winners.insert(winner) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/out") == ["shared.cairn"])
        }
        #expect(!winners.isEmpty)
    }
}

extension ConcurrentSaveTests {
    /// Without `--force`, two conversions racing to a new path: exactly one wins, the other fails with
    /// exit 2 naming the path, and the winner's file is whole.
    @Test func withoutForceTheFirstSaveIsNeverReplaced() throws {
        let folder = ToolRunner.temporaryFolder("no-replace")
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "1", "--hidden", "256,256", "--out", "\(folder)/run", "--quiet"]
            ).status == 0)
        #expect(
            try ToolRunner.run("cairn-convert", ["\(folder)/run/latest.cairn", "\(folder)/m.safetensors"]).status == 0)
        for trial in 0..<6 {
            let target = "\(folder)/out-\(trial).cairn"
            let first = try ToolRunner.start("cairn-convert", ["\(folder)/m.safetensors", target])
            let second = try ToolRunner.start("cairn-convert", ["\(folder)/m.safetensors", target])
            let results = [ToolRunner.finish(first), ToolRunner.finish(second)]
            #expect(results.filter { $0.status == 0 }.count == 1, "\(results.map(\.stderr))")
            #expect(
                results.filter { $0.status == 2 && $0.stderr.contains(target) && $0.stderr.contains("exists") }.count
                    == 1)
            #expect(try CairnReader(path: target).verify().isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp") }.isEmpty)
    }
}
