import CairnInspect
import CairnModel
import Foundation
import Testing

/// `cairn-resume --verify` is bit for bit: values equal as numbers but not as bits (a signed zero) diverge.
@Suite struct ReplayBitsTests {
    @Test func aSignedZeroIsADivergence() throws {
        let folder = ToolRunner.temporaryFolder("replay-bits")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", folder, "--quiet"]).status == 0)
        var replay = try Checkpoint.load(from: "\(folder)/latest.cairn")
        var target = replay
        replay.tensors[0].values[3] = 0
        target.tensors[0].values[3] = -0.0
        let comparison = try ReplayComparison.compare(replay: replay, target: target, targetPath: "later.cairn")
        #expect(!comparison.isIdentical)
        #expect(
            comparison.divergence?.contains("element 3 has bits 0x0 in the replay, 0x80000000 in later.cairn") == true,
            "\(comparison.divergence ?? "identical")")
        target.tensors[0].values[3] = 0
        #expect(try ReplayComparison.compare(replay: replay, target: target, targetPath: "later.cairn").isIdentical)
    }
}
