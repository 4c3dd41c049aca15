import CairnEngine
import CairnModel
import CairnTraining
import Foundation
import Testing

/// A Swift program trains and resumes a run through `CairnTraining` alone, with the resume promise: a run
/// continued from any of its checkpoints ends bit-identical to the run that never stopped.
@Suite struct TrainingRunTests {
    @Test func trainsAndReportsThroughTheObserver() throws {
        let folder = TestRuns.temporaryFolder("train")
        let observer = RecordingObserver()
        let run = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/run"), observer: observer)
        #expect(observer.loaded.count == 1)
        #expect(observer.loaded.first?.description.hasPrefix("data: ") == true)
        #expect(observer.loaded.first?.train.count == 1438)
        #expect(observer.audits.count == 1)
        #expect((try? observer.audits.first?.get())?.hasFindings == false)
        #expect(observer.prepared == ["\(folder)/run"])
        #expect(observer.notices.isEmpty, "\(observer.notices)")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/run/init.cairn"))
        let parameterCount = run.trainer.network.parameters.reduce(0) { $0 + $1.values.count }
        #expect(parameterCount == 1210)  // 64 x 16 + 16 + 16 x 10 + 10

        let summary = try run.run(observer: observer)
        #expect(summary.outcome == "completed")
        #expect(summary.epochs == 3 && summary.steps == 135)
        #expect(summary.checkpoint == "\(folder)/run/epoch-0003.cairn")
        #expect(summary.audit != nil)
        #expect((summary.valAccuracy ?? 0) > 0.8, "\(summary.valAccuracy ?? -1)")
        #expect(observer.steps == 135)
        #expect(observer.epochs.map(\.epoch) == [1, 2, 3])
        #expect(observer.saved.map(\.1).contains(.steps))
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/run")
        for name in [
            "history.csv", "curves.svg", "epoch-0000-step-00000030.cairn", "epoch-0001-step-00000060.cairn",
            "epoch-0002.cairn", "epoch-0003.cairn",
        ] {
            #expect(names.contains(name), "\(name) missing from \(names.sorted())")
        }
        let history = try String(contentsOfFile: "\(folder)/run/history.csv", encoding: .utf8)
        #expect(history.split(separator: "\n").count == 4)
        // The summary's JSON keys are the tools' contract.
        let json = try summary.json()
        #expect(json.contains("\"outcome\":\"completed\"") && json.contains("\"run_dir\":"))
    }

    /// Resumed from an epoch boundary and from mid-epoch checkpoints (older than the run's newest, so each
    /// continues in a branch folder, said in a notice), the continuations end bit-identical to the straight run.
    @Test(arguments: ["epoch-0001.cairn", "epoch-0000-step-00000030.cairn", "epoch-0002-step-00000120.cairn"])
    func resumedFromAnIntermediateCheckpointMatchesTheStraightRun(start: String) throws {
        let folder = TestRuns.temporaryFolder("resume")
        let straight = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/straight"))
        _ = try straight.run()

        let observer = RecordingObserver()
        let resumed = try TrainingRun.resume(
            ResumeConfiguration(checkpoint: "\(folder)/straight/\(start)"),
            observer: observer)
        #expect(observer.notices.count == 1)
        #expect(observer.notices.first?.contains("is not the newest checkpoint of") == true, "\(observer.notices)")
        #expect(observer.notices.first?.contains("continuing in a new branch") == true)
        #expect(resumed.directory.hasPrefix("\(folder)/straight/branch-"))
        #expect(observer.loaded.isEmpty && observer.audits.isEmpty)
        #expect(observer.prepared == [resumed.directory])
        let summary = try resumed.run(observer: observer)
        #expect(summary.outcome == "completed" && summary.steps == 135)
        #expect(summary.checkpoint == "\(resumed.directory)/epoch-0003.cairn")
        try TestRuns.expectIdentical("\(folder)/straight/epoch-0003.cairn", "\(resumed.directory)/epoch-0003.cairn")
        // The straight run's own checkpoints stay as they were.
        #expect(FileManager.default.fileExists(atPath: "\(folder)/straight/epoch-0003.cairn"))
    }

    /// A run stopped early (as by a signal) and continued in its own folder matches the straight run.
    @Test func stoppedAndContinuedInItsFolderMatchesTheStraightRun() throws {
        let folder = TestRuns.temporaryFolder("stop")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/straight")).run()
        let split = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/split"))
        var steps = 0
        let stopped = try split.run {
            steps += 1; return steps == 50
        }
        #expect(stopped.outcome == "interrupted" && stopped.steps == 50)
        let observer = RecordingObserver()
        let resumed = try TrainingRun.resume(
            ResumeConfiguration(checkpoint: "\(folder)/split/latest.cairn"),
            observer: observer)
        #expect(observer.notices.isEmpty, "\(observer.notices)")
        #expect(resumed.directory.hasSuffix("/split"))
        _ = try resumed.run()
        try TestRuns.expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn")
    }

    /// A change of course on resume is applied, noticed when it resets the optimiser, and recorded.
    @Test func changesOfCourseAreAppliedAndRecorded() throws {
        let folder = TestRuns.temporaryFolder("changes")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/run", epochs: 1)).run()
        let observer = RecordingObserver()
        let resumed = try TrainingRun.resume(
            ResumeConfiguration(
                checkpoint: "\(folder)/run/latest.cairn",
                changes: OptimizationConfiguration(optimizer: .adam, learningRate: 0.002, epochs: 2)),
            observer: observer)
        #expect(observer.notices == ["switching optimizer from momentum to adam; its state starts fresh"])
        let summary = try resumed.run()
        #expect(summary.epochs == 2)
        let latest = try Checkpoint.load(from: "\(folder)/run/latest.cairn")
        #expect(latest.manifest.hyperparameters.optimizer.kind == .adam)
        #expect(latest.manifest.hyperparameters.optimizer.learningRate == 0.002)
        #expect(latest.manifest.creator == TrainingRun.resumeCreator)
        #expect(
            latest.manifest.history.last?.note?.contains("optimizer momentum -> adam (fresh state)") == true,
            "\(latest.manifest.history.last?.note ?? "no note")")
    }
}
