import CairnModel
import Foundation
import Testing

/// The resume promise: stopping and resuming ends bit-identical to never stopping.
@Suite(.serialized) struct ResumeCommandTests {
    static let configurations: [[String]] = [
        [],
        ["--dropout", "0.2"],
        ["--optimizer", "adam", "--lr", "0.002"],
        ["--batch-size", "full", "--lr", "0.5"],
        [
            "--optimizer", "momentum", "--nesterov", "--schedule", "step:2:0.5", "--weight-decay", "0.0001",
            "--clip-norm", "5",
        ],
    ]

    /// Every tensor and the generator state, bit for bit.
    func expectIdentical(_ a: String, _ b: String) throws {
        let x = try Checkpoint.load(from: a), y = try Checkpoint.load(from: b)
        #expect(x.tensors.map(\.name) == y.tensors.map(\.name))
        for (p, q) in zip(x.tensors, y.tensors) {
            #expect(p.values.map(\.bitPattern) == q.values.map(\.bitPattern), "\(p.name) differs")
        }
        #expect(x.manifest.training.rng == y.manifest.training.rng)
        #expect(x.manifest.training.globalStep == y.manifest.training.globalStep)
        #expect(x.manifest.history.map(\.trainLoss) == y.manifest.history.map(\.trainLoss))
    }

    @Test(arguments: configurations)
    func stoppedAtAnEpochAndResumedMatchesStraight(flags: [String]) throws {
        let folder = ToolRunner.temporaryFolder("resume")
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "6", "--out", "\(folder)/straight", "--quiet"] + flags)
                .status == 0)
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", "\(folder)/split", "--quiet"] + flags).status
                == 0)
        let resumed = try ToolRunner.run("cairn-resume", ["\(folder)/split/latest.cairn", "--epochs", "6", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn")
    }

    /// A model big enough that products, element-wise passes and updates are split across 3 threads:
    /// resuming (and `--verify`) on the same thread count is bit-identical; the thread count is in
    /// the checkpoint's `blas` metadata, and resuming on another count says it will not be.
    /// A run trained on 1 thread resumes on 1 thread without being told, and stays bit-identical.
    @Test func resumeUsesTheRunsOwnThreadCountByDefault() throws {
        let folder = ToolRunner.temporaryFolder("own-threads")
        let flags = ["--hidden", "512,256", "--batch-size", "256", "--lr", "0.02", "--threads", "1", "--quiet"]
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "3", "--out", "\(folder)/straight"] + flags).status == 0)
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "1", "--out", "\(folder)/split"] + flags).status == 0)
        let resumed = try ToolRunner.run("cairn-resume", ["\(folder)/split/latest.cairn", "--epochs", "3", "--quiet"])
        #expect(resumed.status == 0 && !resumed.stderr.contains("bit-identical"), "\(resumed.stderr)")
        let latest = try Checkpoint.load(from: "\(folder)/split/latest.cairn")
        #expect(latest.manifest.metadata["threads"] == "1")
        #expect(latest.manifest.metadata["blas"]?.hasSuffix(", 1 thread") == true)
        try expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn")
    }

    @Test func splitWorkResumesBitIdenticallyOnTheSameThreadCount() throws {
        let folder = ToolRunner.temporaryFolder("threads")
        let flags = [
            "--hidden", "512,256", "--batch-size", "256", "--lr", "0.02", "--dropout", "0.1", "--threads", "3",
            "--quiet",
        ]
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "4", "--out", "\(folder)/straight"] + flags).status == 0)
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", "\(folder)/split"] + flags).status == 0)
        let blas = try Checkpoint.load(from: "\(folder)/split/latest.cairn").manifest.metadata["blas"]
        #expect(blas?.hasSuffix(", 3 threads") == true, "\(blas ?? "no blas metadata")")
        let resumed = try ToolRunner.run(
            "cairn-resume", ["\(folder)/split/latest.cairn", "--epochs", "4", "--threads", "3", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("bit-identical"), "\(resumed.stderr)")
        try expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/split/latest.cairn")
        let verify = try ToolRunner.run(
            "cairn-resume",
            [
                "\(folder)/straight/epoch-0002.cairn", "--verify",
                "\(folder)/straight/epoch-0004.cairn", "--threads", "3",
            ])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(try Checkpoint.load(from: "\(folder)/split/latest.cairn").manifest.metadata["threads"] == "3")
        // Without --threads, cairn-resume takes the run's own count (3 here, when the machine has 3 processors).
        if ProcessInfo.processInfo.activeProcessorCount >= 3 {
            let own = try ToolRunner.run(
                "cairn-resume", ["\(folder)/straight/epoch-0002.cairn", "--out", "\(folder)/own", "--quiet"])
            #expect(own.status == 0 && !own.stderr.contains("bit-identical"), "\(own.stderr)")
            try expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/own/latest.cairn")
        }
        let other = try ToolRunner.run(
            "cairn-resume",
            [
                "\(folder)/straight/epoch-0002.cairn", "--out", "\(folder)/other",
                "--threads", "1", "--quiet",
            ])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stderr.contains("1 thread; the continuation will not be bit-identical"), "\(other.stderr)")
    }

    @Test(arguments: configurations)
    func stoppedMidEpochAndResumedMatchesStraight(flags: [String]) throws {
        let folder = ToolRunner.temporaryFolder("mid")
        let train = try ToolRunner.run(
            "cairn-train",
            [
                "--epochs", "4", "--out", "\(folder)/run", "--quiet", "--keep", "0",
                "--save-every-steps", "25",
            ] + flags)
        #expect(train.status == 0, "\(train.stderr)")
        let middle = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/run").filter {
            $0.contains("-step-")
        }.sorted()
        if flags.contains("full") {
            #expect(middle.isEmpty)  // one step per epoch: no step is mid-epoch
            return
        }
        let start = try #require(middle.first)
        let resumed = try ToolRunner.run(
            "cairn-resume", ["\(folder)/run/\(start)", "--out", "\(folder)/again", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectIdentical("\(folder)/run/latest.cairn", "\(folder)/again/latest.cairn")
        let verify = try ToolRunner.run(
            "cairn-resume", ["\(folder)/run/\(start)", "--verify", "\(folder)/run/epoch-0004.cairn"])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("identical:"))
    }

    @Test func verifyReportsDivergence() throws {
        let folder = ToolRunner.temporaryFolder("diverge")
        #expect(
            try ToolRunner.run("cairn-train", ["--epochs", "3", "--out", "\(folder)/a", "--quiet", "--keep", "0"])
                .status == 0)
        // Same data and seed, other learning rate: a later checkpoint this replay cannot reproduce.
        #expect(
            try ToolRunner.run(
                "cairn-resume", ["\(folder)/a/epoch-0001.cairn", "--lr", "0.01", "--out", "\(folder)/b", "--quiet"]
            ).status == 0)
        let result = try ToolRunner.run(
            "cairn-resume", ["\(folder)/a/epoch-0001.cairn", "--verify", "\(folder)/b/epoch-0003.cairn", "--json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["identical"] as? Bool == false)
        #expect((json["divergence"] as? String ?? "").contains("tensor dense1.weight"))
    }

    @Test func changesOfCourseAreRecorded() throws {
        let folder = ToolRunner.temporaryFolder("course")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", "\(folder)/run", "--quiet"]).status == 0)
        let result = try ToolRunner.run(
            "cairn-resume",
            [
                "\(folder)/run/latest.cairn", "--epochs", "4", "--lr", "0.01",
                "--optimizer", "adam", "--quiet",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("notice: switching optimizer"))
        let checkpoint = try Checkpoint.load(from: "\(folder)/run/latest.cairn")
        #expect(checkpoint.manifest.hyperparameters.optimizer.kind == .adam)
        #expect(checkpoint.manifest.hyperparameters.optimizer.learningRate == 0.01)
        let note = try #require(checkpoint.manifest.history[2].note)
        #expect(note.contains("lr 0.05 -> 0.01") && note.contains("optimizer momentum -> adam"))
        #expect(checkpoint.tensor(named: "dense1.weight.adam_m") != nil)
    }

    /// A change of course's note waits in `training.pending_note` until its epoch ends, so a run
    /// stopped mid-epoch and resumed again still records it.
    @Test func aChangeOfCourseNoteSurvivesAMidEpochCheckpoint() throws {
        let folder = ToolRunner.temporaryFolder("note")
        #expect(try ToolRunner.run("cairn-train", ["--epochs", "2", "--out", "\(folder)/run", "--quiet"]).status == 0)
        let changed = try ToolRunner.run(
            "cairn-resume",
            [
                "\(folder)/run/latest.cairn", "--epochs", "3", "--lr", "0.01",
                "--save-every-steps", "20", "--keep", "0", "--quiet",
            ])
        #expect(changed.status == 0, "\(changed.stderr)")
        let middle = try #require(
            try FileManager.default.contentsOfDirectory(atPath: "\(folder)/run")
                .filter { $0.hasPrefix("epoch-0002-step-") }.sorted().first)  // two epochs done, the third under way
        let saved = try Checkpoint.load(from: "\(folder)/run/\(middle)")
        #expect(saved.manifest.training.pendingNote?.contains("lr 0.05 -> 0.01") == true)
        let again = try ToolRunner.run(
            "cairn-resume", ["\(folder)/run/\(middle)", "--out", "\(folder)/again", "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        let finished = try Checkpoint.load(from: "\(folder)/again/latest.cairn")
        #expect(finished.manifest.history.count == 3)
        #expect(finished.manifest.history[2].note?.contains("lr 0.05 -> 0.01") == true)
        #expect(finished.manifest.training.pendingNote == nil)
    }

    @Test func sigtermSavesAndResumeCompletesTheSameRun() throws {
        let folder = ToolRunner.temporaryFolder("sigterm")
        let flags = ["--batch-size", "1", "--epochs", "6", "--quiet", "--keep", "0"]
        #expect(try ToolRunner.run("cairn-train", flags + ["--out", "\(folder)/straight"]).status == 0)
        let started = try ToolRunner.start("cairn-train", flags + ["--out", "\(folder)/stopped"])
        // Wait until training is under way (init.cairn exists), then stop it.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: "\(folder)/stopped/init.cairn"), Date() < deadline {
            usleep(20_000)
        }
        usleep(150_000)
        kill(started.0.processIdentifier, SIGTERM)
        let stopped = ToolRunner.finish(started)
        if stopped.status == 0 { return }  // finished before the signal landed: nothing to resume
        #expect(stopped.status == 143, "\(stopped.stderr)")
        let resumed = try ToolRunner.run("cairn-resume", ["\(folder)/stopped/latest.cairn", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try expectIdentical("\(folder)/straight/latest.cairn", "\(folder)/stopped/latest.cairn")
    }

    @Test func frozenNodesDoNotMove() throws {
        let folder = ToolRunner.temporaryFolder("freeze")
        #expect(
            try ToolRunner.run(
                "cairn-train", ["--epochs", "2", "--hidden", "32,16", "--out", "\(folder)/base", "--quiet"]
            ).status == 0)
        let result = try ToolRunner.run(
            "cairn-train",
            [
                "--init-from", "\(folder)/base/latest.cairn", "--freeze", "dense1,dense2",
                "--new-head", "10", "--epochs", "2", "--out", "\(folder)/tuned", "--quiet",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let base = try Checkpoint.load(from: "\(folder)/base/latest.cairn")
        let tuned = try Checkpoint.load(from: "\(folder)/tuned/latest.cairn")
        for name in ["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"] {
            #expect(base.tensor(named: name)!.values == tuned.tensor(named: name)!.values, "\(name) moved")
        }
        #expect(base.tensor(named: "dense3.weight")!.values != tuned.tensor(named: "dense3.weight")!.values)
        #expect(tuned.manifest.hyperparameters.frozen == ["dense1", "dense2"])
        // Resuming keeps them frozen.
        #expect(
            try ToolRunner.run("cairn-resume", ["\(folder)/tuned/latest.cairn", "--epochs", "3", "--quiet"]).status == 0
        )
        let resumed = try Checkpoint.load(from: "\(folder)/tuned/latest.cairn")
        #expect(base.tensor(named: "dense1.weight")!.values == resumed.tensor(named: "dense1.weight")!.values)
    }
}
