import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// Rebuilds a run from a checkpoint: continuing it, or replaying it to verify a later checkpoint.
extension TrainingRun {
    /// The `creator` written into a resumed run's checkpoints.
    public static let resumeCreator = "cairn-resume \(CairnVersion.current)"

    /// Plans where a resume of `configuration.checkpoint` writes (`ResumePlan`: never over a checkpoint this
    /// process did not write), tells the plan's notice to `observer`, and returns the run ready to continue.
    public static func resume(
        _ configuration: ResumeConfiguration, observer: (any RunObserver)? = nil
    ) throws -> TrainingRun {
        let path = configuration.checkpoint
        try configuration.data.validate(task: nil)
        try configuration.changes.validate()
        try configuration.output.validate()
        let manifest: CheckpointManifest
        do {
            manifest = try CheckpointManifest.decode(try CairnReader(path: path).manifest)
        } catch let error as CairnError where error.code == .invalidCheckpoint {
            throw CairnError.checkpoint(path: path, "not a Cairn training checkpoint: manifest", cause: error.cause)
        }
        let plan = try ResumePlan.plan(
            checkpoint: path, position: ResumePlan.position(of: manifest.training), out: configuration.output.out)
        if let notice = plan.notice { observer?.notice(notice) }
        var planned = configuration
        planned.checkpoint = plan.checkpoint
        let run = try prepare(planned, directory: plan.directory, observer: observer)
        try repairLinks(plan: plan, best: run.trainer.manifest.training.bestCheckpoint)
        observer?.prepared(run)
        return run
    }

    /// A save stopped between renaming its file into place and moving the links leaves `latest.cairn` (or
    /// `best.cairn`) naming an older checkpoint. Once the newer checkpoint has loaded (so it is complete), the
    /// links move to it before any step, so they are right even when the run has nothing left to train.
    static func repairLinks(plan: ResumePlan, best: String?) throws {
        let checkpoint = URL(fileURLWithPath: plan.checkpoint).resolvingSymlinksInPath()
        let folder = checkpoint.deletingLastPathComponent().path
        guard URL(fileURLWithPath: plan.directory).resolvingSymlinksInPath().path == folder else { return }
        let run = RunFolder(path: folder)
        if plan.relinksLatest {
            try run.pointLink(CheckpointPolicy.latestName, at: checkpoint.lastPathComponent)
        }
        let bestLink = (folder as NSString).appendingPathComponent(CheckpointPolicy.bestName)
        if let best, FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(best)),
            (try? FileManager.default.destinationOfSymbolicLink(atPath: bestLink)) != best
        {
            try run.pointLink(CheckpointPolicy.bestName, at: best)
        }
    }

    /// Loads `configuration.checkpoint` and returns the run ready to continue it in `directory` (nil: the
    /// checkpoint's own folder).
    static func prepare(
        _ configuration: ResumeConfiguration, directory: String?,
        observer: (any RunObserver)?
    ) throws -> TrainingRun {
        let path = configuration.checkpoint, dataOptions = configuration.data, output = configuration.output
        let checkpoint = try Checkpoint.load(from: path)
        var manifest = checkpoint.manifest
        guard manifest.schema <= 1 else {
            throw CairnError(
                .unsupportedVersion, path: path,
                "manifest schema \(manifest.schema) is newer than this cairn-resume understands (1); upgrade Cairn")
        }
        for (flag, given) in [
            ("--scale", dataOptions.scale != nil), ("--standardize", dataOptions.standardize),
            ("--classes", dataOptions.classes != nil), ("--task", configuration.task != nil),
        ] where given {
            throw CairnError.configuration(
                option: flag, "\(flag): a resumed run keeps the task, classes and preprocessing recorded in \(path)")
        }
        if let epochs = configuration.changes.epochs, epochs <= manifest.training.epoch {
            throw CairnError.configuration(
                option: "--epochs",
                "--epochs \(epochs): \(path) has already completed \(manifest.training.epoch) epochs; give a total above \(manifest.training.epoch)"
            )
        }
        let request = dataOptions.filledIn(from: manifest.data)
        if let data = request.data, !FileManager.default.fileExists(atPath: data) {
            throw CairnError(
                .notFound, path: data, "\(MissingFile.reason) (the checkpoint's training data; pass --data FILE)")
        }
        let data = try RunData.load(
            request, task: manifest.task, seed: manifest.hyperparameters.seed,
            preprocessing: manifest.preprocessing,
            classes: manifest.task == .classification ? manifest.data.outputs : nil)
        if data.record.fingerprint != manifest.data.fingerprint, !configuration.allowDifferentData {
            throw CairnError.incompatible(
                path: data.record.train[0],
                "its samples (\(data.record.fingerprint)) are not the data \(path) was trained on (\(manifest.data.fingerprint)); pass --allow-different-data to continue on it anyway"
            )
        }
        try checkInput(of: manifest.graph, fits: data.loaded, source: path)

        var notes = [String]()
        let o = configuration.changes
        var hyper = manifest.hyperparameters
        if let epochs = o.epochs, epochs != hyper.epochs {
            notes.append("epochs \(hyper.epochs) -> \(epochs)"); hyper.epochs = epochs
        }
        if let lr = o.learningRate, lr != hyper.optimizer.learningRate {
            notes.append("lr \(hyper.optimizer.learningRate) -> \(lr)"); hyper.optimizer.learningRate = lr
        }
        if let schedule = o.schedule, schedule != hyper.schedule {
            notes.append("schedule \(hyper.schedule) -> \(schedule)")
            hyper.schedule = schedule
        }
        if let batch = o.batchSize, batch != hyper.batchSize {
            guard manifest.training.stepInEpoch == 0 else {
                throw CairnError.incompatible(
                    path: path,
                    "was saved mid-epoch; --batch-size can change only at an epoch boundary (resume from an epoch-NNNN.cairn checkpoint)"
                )
            }
            notes.append(
                "batch size \(hyper.batchSize == 0 ? "full" : String(hyper.batchSize)) -> \(batch == 0 ? "full" : String(batch))"
            )
            hyper.batchSize = batch
        }
        let kindAfter = o.optimizer ?? hyper.optimizer.kind
        if kindAfter != .momentum, o.momentum != nil || o.nesterov {
            throw CairnError.configuration(
                option: o.momentum != nil ? "--momentum" : "--nesterov",
                "\(o.momentum != nil ? "--momentum \(o.momentum!)" : "--nesterov"): applies to the momentum optimiser; \(path) continues with \(kindAfter.rawValue)"
            )
        }
        if let momentum = o.momentum, momentum != hyper.optimizer.momentum {
            notes.append("momentum -> \(momentum)"); hyper.optimizer.momentum = momentum
        }
        if o.nesterov, !hyper.optimizer.nesterov { notes.append("nesterov on"); hyper.optimizer.nesterov = true }
        if let wd = o.weightDecay, wd != hyper.optimizer.weightDecay {
            notes.append("weight decay -> \(wd)"); hyper.optimizer.weightDecay = wd
        }
        if let clip = o.clipNorm, clip != hyper.optimizer.clipNorm {
            notes.append("clip norm -> \(clip)"); hyper.optimizer.clipNorm = clip
        }
        var freshOptimizer = false
        if let kind = o.optimizer, kind != hyper.optimizer.kind {
            notes.append("optimizer \(hyper.optimizer.kind.rawValue) -> \(kind.rawValue) (fresh state)")
            observer?.notice(
                "switching optimizer from \(hyper.optimizer.kind.rawValue) to \(kind.rawValue); its state starts fresh")
            hyper.optimizer.kind = kind
            freshOptimizer = true
        }
        manifest.hyperparameters = hyper
        manifest.creator = resumeCreator
        let threads = resumeThreads(asked: output.threads, manifest: manifest)
        manifest.metadata["threads"] = String(threads)
        let blas = BLASLibrary.describe(threads: threads)
        if let trained = manifest.metadata["blas"], trained != blas {
            observer?.notice(
                "\(path) was trained with \(trained), this machine runs \(blas); the continuation will not be bit-identical to an uninterrupted run"
            )
            notes.append("BLAS \(trained) -> \(blas)")
            manifest.metadata["blas"] = blas
        }
        if manifest.training.epoch >= hyper.epochs, o.epochs == nil {
            observer?.notice(
                "\(path) has already reached its \(hyper.epochs) epochs; pass --epochs TOTAL to train further")
        }

        let batch = hyper.effectiveBatchSize(trainingCount: data.train.count)
        let network = try Network(
            checkpoint: checkpoint, path: path, maxBatch: max(batch, 256),
            threads: threads)
        let frozen = Set(hyper.frozen ?? [])
        for parameter in network.parameters where frozen.contains(parameter.node) { parameter.isFrozen = true }
        let optimizer = Optimizer(config: hyper.optimizer, parameters: network.parameters)
        if !freshOptimizer { try optimizer.restore(from: checkpoint, path: path) }
        guard let words = manifest.training.rngWords, let rng = RandomGenerator(words: words) else {
            throw CairnError.checkpoint(path: path, "training.rng is not a valid generator state")
        }
        let folder = directory ?? URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().path
        manifest.training.stopReason = nil
        let policy = output.policy(directory: folder, base: manifest.checkpointing ?? CheckpointingRecord())
        manifest.checkpointing = CheckpointingRecord(
            everyEpochs: policy.everyEpochs, everySteps: policy.everySteps, keep: policy.keep)
        let trainer = try Trainer(
            network: network, optimizer: optimizer, rng: rng, manifest: manifest, order: checkpoint.order,
            train: data.train, validation: data.validation,
            policy: policy,
            writeOptions: output.writeOptions)
        if !notes.isEmpty {
            // A note already pending (an earlier change of course, interrupted mid-epoch) is kept.
            let note = "resumed at step \(manifest.training.globalStep): " + notes.joined(separator: ", ")
            trainer.pendingNote = trainer.pendingNote.map { $0 + "; " + note } ?? note
        }
        return TrainingRun(
            trainer: trainer, data: data, graph: manifest.graph,
            blas: BLASLibrary.describe(threads: network.team.threadCount), initialAudit: nil)
    }

    /// The threads a resumed run uses: `--threads`, else the run's own count (`metadata.threads`) so
    /// that it continues bit-identically, unless this machine has fewer processors; else one per processor.
    static func resumeThreads(asked: Int?, manifest: CheckpointManifest) -> Int {
        if let asked { return asked }
        let available = ThreadTeam.defaultThreadCount
        if let recorded = manifest.metadata["threads"].flatMap({ Int($0) }), (1...available).contains(recorded) {
            return recorded
        }
        return available
    }
}
