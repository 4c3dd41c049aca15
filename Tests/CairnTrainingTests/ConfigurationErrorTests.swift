import CairnEngine
import CairnFormat
import CairnModel
import CairnTraining
import Foundation
import Testing

/// A configuration that cannot be used throws a `ConfigurationError` naming the option (the tools' flag),
/// before anything is written; a bad file throws the file's typed error.
@Suite struct ConfigurationErrorTests {
    static func expectRefused(
        _ configuration: TrainingConfiguration, option: String, mentions: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try TrainingRun.start(configuration)
            Issue.record(
                "started; expected an invalidConfiguration CairnError for \(option)", sourceLocation: sourceLocation)
        } catch let error as CairnError where error.code == .invalidConfiguration {
            #expect(error.option == option, sourceLocation: sourceLocation)
            #expect(error.message.contains(mentions), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record(
                "\(type(of: error)): \(error); expected an invalidConfiguration CairnError",
                sourceLocation: sourceLocation)
        }
        if let out = configuration.output.out {
            #expect(!FileManager.default.fileExists(atPath: out), "\(out) was created", sourceLocation: sourceLocation)
        }
    }

    @Test func outOfRangeValuesAreRefused() {
        let folder = TestRuns.temporaryFolder("ranges")
        var c = TestRuns.configuration(out: "\(folder)/a")
        c.optimization.learningRate = -1
        Self.expectRefused(c, option: "--lr", mentions: "--lr -1.0: must be a positive number")
        c = TestRuns.configuration(out: "\(folder)/b")
        c.optimization.epochs = 0
        Self.expectRefused(c, option: "--epochs", mentions: "--epochs 0: must be from 1 to 1000000")
        c = TestRuns.configuration(out: "\(folder)/c")
        c.model.hiddenWidths = [16, 0]
        Self.expectRefused(c, option: "--hidden", mentions: "width 0 must be from 1 to")
        c = TestRuns.configuration(out: "\(folder)/d")
        c.model.activation = .softmax
        Self.expectRefused(c, option: "--activation", mentions: "must be relu, leaky-relu, tanh, sigmoid or identity")
        c = TestRuns.configuration(out: "\(folder)/e")
        c.output.threads = 0
        Self.expectRefused(c, option: "--threads", mentions: "--threads 0: must be from 1 to 1024")
        c = TestRuns.configuration(out: "\(folder)/f")
        c.earlyStopPatience = 2
        c.data.validationSplit = 0
        Self.expectRefused(c, option: "--early-stop", mentions: "it needs --val FILE or a --val-split above 0")
        c = TestRuns.configuration(out: "\(folder)/h")
        c.data.validationSplit = 1.5
        Self.expectRefused(
            c, option: "--val-split", mentions: "--val-split 1.5: must be from 0 up to (not including) 1")
        c = TestRuns.configuration(out: "\(folder)/g")
        c.optimization.optimizer = .adam
        c.optimization.momentum = 0.5
        Self.expectRefused(c, option: "--momentum", mentions: "applies to --optimizer momentum, not adam")
    }

    @Test func transferValuesThatDoNotApplyAreRefused() throws {
        let folder = TestRuns.temporaryFolder("transfer")
        var c = TestRuns.configuration(out: "\(folder)/a")
        c.transfer.frozenNodes = ["dense1"]
        Self.expectRefused(c, option: "--freeze", mentions: "--freeze and --new-head need --init-from CHECKPOINT")

        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/source", epochs: 1)).run()
        c = TestRuns.configuration(out: "\(folder)/b")
        c.transfer.initFrom = "\(folder)/source/latest.cairn"
        Self.expectRefused(
            c, option: "--hidden", mentions: "--hidden: --init-from takes the graph of \(folder)/source/latest.cairn")
        c.model = ModelConfiguration()
        c.transfer.frozenNodes = ["nosuch"]
        Self.expectRefused(
            c, option: "--freeze",
            mentions: "--freeze: node 'nosuch' has no parameters (nodes with parameters: dense1, dense2)")
        c.transfer.frozenNodes = []
        c.data.scale = 2
        Self.expectRefused(c, option: "--scale", mentions: "--init-from reuses the preprocessing of")

        // Started from the source with a frozen first layer and a new head: dense1 stays as it was.
        c.data.scale = nil
        c.transfer = TransferConfiguration(
            initFrom: "\(folder)/source/latest.cairn", frozenNodes: ["dense1"], newHead: 10)
        c.optimization.epochs = 1
        _ = try TrainingRun.start(c).run()
        let source = try Checkpoint.load(from: "\(folder)/source/latest.cairn")
        let tuned = try Checkpoint.load(from: "\(folder)/b/latest.cairn")
        #expect(
            tuned.tensor(named: "dense1.weight")?.values.map(\.bitPattern)
                == source.tensor(named: "dense1.weight")?.values.map(\.bitPattern))
        #expect(tuned.tensor(named: "dense2.weight")?.values != source.tensor(named: "dense2.weight")?.values)
        #expect(tuned.manifest.hyperparameters.frozen == ["dense1"])
    }

    @Test func resumeValuesThatDoNotApplyAreRefused() throws {
        let folder = TestRuns.temporaryFolder("resume-errors")
        _ = try TrainingRun.start(TestRuns.configuration(out: "\(folder)/run", epochs: 2)).run()
        let checkpoint = "\(folder)/run/latest.cairn"
        func expectRefused(
            _ configuration: ResumeConfiguration, option: String, mentions: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(sourceLocation: sourceLocation) { _ = try TrainingRun.resume(configuration) } throws: { error in
                guard let error = error as? CairnError, error.code == .invalidConfiguration else { return false }
                return error.option == option && error.message.contains(mentions)
            }
        }
        expectRefused(
            .init(checkpoint: checkpoint, changes: .init(epochs: 2)), option: "--epochs",
            mentions: "--epochs 2: \(checkpoint) has already completed 2 epochs; give a total above 2")
        expectRefused(
            .init(checkpoint: checkpoint, data: RunDataRequest(standardize: true)), option: "--standardize",
            mentions: "a resumed run keeps the task, classes and preprocessing recorded in \(checkpoint)")
        expectRefused(.init(checkpoint: checkpoint, task: .regression), option: "--task", mentions: "keeps the task")
        expectRefused(
            .init(checkpoint: checkpoint, changes: .init(optimizer: .sgd, nesterov: true, epochs: 3)),
            option: "--nesterov", mentions: "--nesterov applies to --optimizer momentum, not sgd")
        // Nothing was written.
        #expect(try Checkpoint.load(from: checkpoint).manifest.training.epoch == 2)
    }

    @Test func badFilesThrowTheirTypedErrors() {
        let folder = TestRuns.temporaryFolder("files")
        var c = TestRuns.configuration(out: "\(folder)/a")
        c.data.data = "\(folder)/missing.csv"
        #expect(throws: CairnError.self) { _ = try TrainingRun.start(c) }
        c = TestRuns.configuration(out: "\(folder)/a")
        c.transfer.initFrom = "\(folder)/missing.cairn"
        c.model = ModelConfiguration()
        #expect(throws: CairnError.self) { _ = try TrainingRun.start(c) }
        #expect(throws: CairnError.self) { _ = try TrainingRun.resume(.init(checkpoint: "\(folder)/missing.cairn")) }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/a"))
    }
}
