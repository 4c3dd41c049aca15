import CairnModel
import CairnTraining
import Foundation
import Testing

/// `ReplayVerification` replays a run from one checkpoint to a later one's step and compares bit for bit.
@Suite struct ReplayVerificationTests {
    @Test func replayOfTheSameRunIsIdentical() throws {
        let folder = TestRuns.temporaryFolder("replay")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/run")).run()
        let before = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/run").sorted()
        for start in ["epoch-0001.cairn", "epoch-0000-step-00000030.cairn"] {
            let report = try ReplayVerification.verify(
                .init(checkpoint: "\(folder)/run/\(start)", later: "\(folder)/run/epoch-0003.cairn", threads: 1))
            #expect(report.isIdentical, "\(report.text)")
            #expect(report.comparison.step == 135)
            #expect(
                report.text.hasPrefix("identical: replay from \(folder)/run/\(start) to step 135 matches"),
                "\(report.text)")
            let json = try report.json()
            #expect(json.contains("\"identical\":true") && json.contains("\"divergence\":null"), "\(json)")
        }
        // A replay saves nothing.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder)/run").sorted() == before)
    }

    /// Compared with another run's checkpoint (another seed), the replay diverges and says where.
    @Test func replayAgainstAnotherRunDiverges() throws {
        let folder = TestRuns.temporaryFolder("diverge")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/a", epochs: 2)).run()
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/b", epochs: 2, seed: 8)).run()
        let report = try ReplayVerification.verify(
            .init(checkpoint: "\(folder)/a/epoch-0001.cairn", later: "\(folder)/b/epoch-0002.cairn", threads: 1))
        #expect(!report.isIdentical)
        #expect(report.comparison.divergence != nil)
        #expect(
            report.text.hasPrefix("diverged: replay from \(folder)/a/epoch-0001.cairn does not match"), "\(report.text)"
        )
    }

    @Test func aLaterCheckpointBeforeTheStartIsRefused() throws {
        let folder = TestRuns.temporaryFolder("backwards")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/run", epochs: 2)).run()
        #expect(throws: CairnError.self) {
            try ReplayVerification.verify(
                .init(
                    checkpoint: "\(folder)/run/epoch-0001-step-00000060.cairn",
                    later: "\(folder)/run/epoch-0000-step-00000030.cairn", threads: 1))
        }
    }
}
