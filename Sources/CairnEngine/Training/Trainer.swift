import CairnFormat
import CairnModel
import Foundation

/// Runs the epochs of a training run and writes its checkpoints.
///
/// Everything that decides the next step lives in `network`, `optimizer`, `rng`, `order` and
/// `manifest.training`, and all of it goes into every checkpoint, so a run resumed from any checkpoint
/// continues exactly as the uninterrupted run would have (same machine, same thread count).
public final class Trainer {
    public let network: Network
    public let optimizer: Optimizer
    public internal(set) var rng: RandomGenerator
    /// The manifest written with each checkpoint; its `training` and `history` are the run's live state.
    public internal(set) var manifest: CheckpointManifest
    /// The shuffled sample order of the epoch in progress (empty between epochs).
    public internal(set) var order: [Int]
    /// Training samples, already preprocessed.
    public let train: Dataset
    /// Validation samples, already preprocessed.
    public let validation: Dataset?
    public let policy: CheckpointPolicy
    public var writeOptions: WriteOptions
    /// The newest checkpoint this trainer wrote.
    public internal(set) var lastCheckpoint: String?
    /// Seconds spent in training steps by this process, and the samples they covered.
    public private(set) var trainingSeconds: Double = 0
    public private(set) var trainedSamples: Int = 0
    /// When false, `run` writes no checkpoint at all (replays that only compare).
    public var savesCheckpoints = true
    /// A note for the history record of the epoch in progress (a change of course on resume), saved
    /// with every checkpoint (`training.pending_note`) until that epoch ends.
    public var pendingNote: String? {
        get { manifest.training.pendingNote }
        set { manifest.training.pendingNote = newValue }
    }

    public init(
        network: Network, optimizer: Optimizer, rng: RandomGenerator, manifest: CheckpointManifest,
        order: [Int], train: Dataset, validation: Dataset?, policy: CheckpointPolicy,
        writeOptions: WriteOptions = WriteOptions()
    ) throws {
        self.network = network
        self.optimizer = optimizer
        self.rng = rng
        self.manifest = manifest
        self.order = order
        self.train = train
        self.validation = validation
        self.policy = policy
        self.writeOptions = writeOptions
        try checkConsistency()
        // Standardised regression targets: losses are reported in the targets' own units.
        let preprocessing = manifest.preprocessing
        if manifest.task == .regression, preprocessing.standardizesTargets,
            let std = preprocessing.targetStandardDeviation, std.count == network.outputWidth
        {
            network.reportedLossWeights = std.map { $0 * $0 }
        }
    }

    /// Samples per second of training steps in this process (0 before the first step).
    public var samplesPerSecond: Double { trainingSeconds > 0 ? Double(trainedSamples) / trainingSeconds : 0 }

    private var hyperparameters: Hyperparameters { manifest.hyperparameters }

    private func checkConsistency() throws {
        guard train.width == network.inputWidth else {
            throw CairnError.incompatible(
                path: train.source,
                "samples have \(train.width) features, the model's input takes \(network.inputWidth)")
        }
        if let validation, validation.width != network.inputWidth {
            throw CairnError.incompatible(
                path: validation.source,
                "samples have \(validation.width) features, the model's input takes \(network.inputWidth)")
        }
        for set in [train] + (validation.map { [$0] } ?? []) {
            switch set.targets {
            case .labels(let labels):
                guard manifest.task == .classification else {
                    throw CairnError.incompatible(path: set.source, "has class labels but the model does regression")
                }
                if let bad = labels.first(where: { Int($0) >= network.outputWidth }) {
                    throw CairnError.incompatible(
                        path: set.source, "label \(bad) is out of range for a model with \(network.outputWidth) classes"
                    )
                }
            case .values(_, let columns):
                guard manifest.task == .regression, columns == network.outputWidth else {
                    throw CairnError.incompatible(
                        path: set.source, "has \(columns) target columns, the model outputs \(network.outputWidth)")
                }
            }
        }
        let state = manifest.training
        if state.stepInEpoch > 0 {
            guard order.count == train.count, state.stepInEpoch <= stepsPerEpoch else {
                throw CairnError(
                    .invalidCheckpoint,
                    "the checkpoint is mid-epoch (batch \(state.stepInEpoch)) but its sample order has \(order.count) entries for \(train.count) samples"
                )
            }
        }
    }

    /// Optimiser steps in one epoch.
    public var stepsPerEpoch: Int {
        let batch = hyperparameters.effectiveBatchSize(trainingCount: train.count)
        return (train.count + batch - 1) / batch
    }

    /// Writes `init.cairn`: the weights before step 0.
    @discardableResult
    public func saveInitial(observer: TrainingObserver? = nil) throws -> String {
        let path = try write(fileName: CheckpointPolicy.initialName)
        // Until the first periodic save, the run resumes from its initial weights.
        try RunFolder(path: policy.directory).pointLink(CheckpointPolicy.latestName, at: CheckpointPolicy.initialName)
        lastCheckpoint = path
        observer?.checkpointSaved(path: path, reason: .initial)
        return path
    }

    /// Trains until the target epoch count, early stopping, or `shouldStop` answers a reason (checked
    /// after every step; a checkpoint is saved before returning). Throws on a non-finite loss without
    /// saving, so the last good checkpoint stays the newest.
    ///
    /// `stopAtStep`: return `.reachedStep` as soon as the run's global step reaches it (after the
    /// epoch's validation when it falls on an epoch's last batch), without saving.
    public func run(
        observer: TrainingObserver? = nil, stopAtStep: Int? = nil,
        shouldStop: () -> Bool = { false }
    ) throws -> TrainingOutcome {
        if let stopAtStep, manifest.training.globalStep >= stopAtStep { return .reachedStep }
        if savesCheckpoints { RunFolder(path: policy.directory).removeStaleTemporaries() }
        let count = train.count
        let batch = hyperparameters.effectiveBatchSize(trainingCount: count)
        let steps = stepsPerEpoch
        let totalSteps = hyperparameters.epochs * steps
        let width = train.width
        var batchFeatures = [Float](repeating: 0, count: batch * width)
        var batchLabels = [Int32](repeating: 0, count: batch)
        let columns = network.outputWidth
        var batchValues = [Float](repeating: 0, count: batch * columns)

        while manifest.training.epoch < hyperparameters.epochs {
            if manifest.training.stepInEpoch == 0 {
                order = Array(0..<count)
                rng.shuffle(&order)
                manifest.training.epochLossSum = 0
                manifest.training.epochSampleCount = 0
            }
            var epochSeconds = 0.0
            var learningRate = hyperparameters.optimizer.learningRate
            for b in manifest.training.stepInEpoch..<steps {
                let start = b * batch, rows = min(batch, count - start)
                let began = DispatchTime.now().uptimeNanoseconds
                gather(
                    rows: order[start..<(start + rows)], features: &batchFeatures, labels: &batchLabels,
                    values: &batchValues)
                learningRate = hyperparameters.schedule.rate(
                    base: hyperparameters.optimizer.learningRate,
                    step: manifest.training.globalStep, stepsPerEpoch: steps,
                    totalSteps: totalSteps)
                let loss = step(
                    features: batchFeatures, labels: batchLabels, values: batchValues, rows: rows,
                    learningRate: learningRate)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                epochSeconds += seconds
                trainingSeconds += seconds
                trainedSamples += rows
                guard loss.isFinite else {
                    let kept = lastCheckpoint.map { "; the last good checkpoint is \($0)" } ?? ""
                    throw CairnError(
                        .diverged, path: policy.directory,
                        "loss became \(loss) at epoch \(manifest.training.epoch + 1), batch \(b + 1) (step \(manifest.training.globalStep + 1)); lower the learning rate or clip gradients (--clip-norm)\(kept)"
                    )
                }
                manifest.training.epochLossSum += loss * Double(rows)
                manifest.training.epochSampleCount += rows
                manifest.training.globalStep += 1
                manifest.training.stepInEpoch = b + 1
                observer?.batchFinished(
                    epoch: manifest.training.epoch, batch: b + 1, batches: steps, loss: loss,
                    samplesPerSecond: samplesPerSecond)
                if b + 1 < steps {
                    if let stopAtStep, manifest.training.globalStep >= stopAtStep { return .reachedStep }
                    if policy.everySteps > 0, manifest.training.globalStep % policy.everySteps == 0 {
                        try savePeriodic(midEpoch: true, reason: .steps, observer: observer)
                    }
                    if shouldStop() {
                        manifest.training.stopReason = "interrupted"
                        try savePeriodic(midEpoch: true, reason: .interrupted, observer: observer)
                        return .interrupted
                    }
                }
            }
            let outcome = finishEpoch(seconds: epochSeconds, learningRate: learningRate, observer: observer)
            if let stopAtStep, manifest.training.globalStep >= stopAtStep { return .reachedStep }
            let state = manifest.training
            let stopping = outcome != nil || shouldStop()
            let onSchedule =
                (policy.everyEpochs > 0 && state.epoch % policy.everyEpochs == 0)
                || (policy.everySteps > 0 && state.globalStep % policy.everySteps == 0)
            if state.epoch == hyperparameters.epochs {
                manifest.training.stopReason = "completed"
                try savePeriodic(midEpoch: false, reason: .final, observer: observer)
                return .completed
            }
            if let outcome {
                manifest.training.stopReason = "early-stop"
                try savePeriodic(midEpoch: false, reason: .final, observer: observer)
                return outcome
            }
            if stopping {
                manifest.training.stopReason = "interrupted"
                try savePeriodic(midEpoch: false, reason: .interrupted, observer: observer)
                return .interrupted
            }
            if onSchedule {
                try savePeriodic(midEpoch: false, reason: .epoch, observer: observer)
            } else if policy.everyEpochs > 0, state.bestEpoch == state.epoch {
                // A new best validation loss off the schedule is saved too, so best.cairn is the best epoch's.
                try savePeriodic(midEpoch: false, reason: .best, observer: observer)
            }
        }
        return .completed
    }

    /// Validation, history and early stopping at the end of an epoch; returns `.earlyStopped` when the
    /// patience has run out.
    private func finishEpoch(seconds: Double, learningRate: Float, observer: TrainingObserver?) -> TrainingOutcome? {
        var state = manifest.training
        let trainLoss = state.epochSampleCount > 0 ? state.epochLossSum / Double(state.epochSampleCount) : 0
        var validationLoss: Double?
        var validationAccuracy: Double?
        var validationR2: Double?
        if let validation, validation.count > 0 {
            let result = evaluate(validation)
            validationLoss = result.loss
            validationAccuracy = result.accuracy
            validationR2 = coefficientOfDetermination(validation)
        }
        state.epoch += 1
        state.stepInEpoch = 0
        order = []
        let record = EpochRecord(
            epoch: state.epoch, step: state.globalStep, trainLoss: trainLoss,
            validationLoss: validationLoss, validationAccuracy: validationAccuracy,
            learningRate: Double("\(learningRate)") ?? Double(learningRate), seconds: seconds, note: state.pendingNote,
            validationR2: validationR2)
        state.pendingNote = nil
        manifest.history.append(record)
        var outcome: TrainingOutcome?
        if let loss = validationLoss {
            if state.bestValidationLoss.map({ loss < $0 }) ?? true {
                state.bestValidationLoss = loss
                state.bestEpoch = state.epoch
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
                if let patience = hyperparameters.earlyStopPatience, state.epochsWithoutImprovement >= patience {
                    outcome = .earlyStopped
                }
            }
        }
        manifest.training = state
        observer?.epochFinished(record, of: hyperparameters.epochs)
        return outcome
    }

    /// Mean loss and accuracy (classification) of the network on a dataset, dropout off.
    public func evaluate(_ data: Dataset) -> (loss: Double, accuracy: Double?) {
        data.features.withUnsafeBufferPointer { x in
            switch data.targets {
            case .labels(let labels):
                return labels.withUnsafeBufferPointer {
                    network.evaluate(inputs: x, targets: .labels($0), count: data.count)
                }
            case .values(let values, _):
                return values.withUnsafeBufferPointer {
                    network.evaluate(inputs: x, targets: .values($0), count: data.count)
                }
            }
        }
    }

    /// Regression: R^2 of the network on a dataset (see `Network.coefficientOfDetermination`); nil for
    /// classification.
    public func coefficientOfDetermination(_ data: Dataset) -> Double? {
        guard case .values(let values, _) = data.targets else { return nil }
        return data.features.withUnsafeBufferPointer { x in
            values.withUnsafeBufferPointer {
                network.coefficientOfDetermination(inputs: x, targets: $0, count: data.count)
            }
        }
    }

    private func gather(rows: ArraySlice<Int>, features: inout [Float], labels: inout [Int32], values: inout [Float]) {
        let width = train.width
        train.features.withUnsafeBufferPointer { source in
            features.withUnsafeMutableBufferPointer { target in
                network.team.gatherRows(rows, from: source.baseAddress!, width: width, into: target.baseAddress!)
            }
        }
        switch train.targets {
        case .labels(let all):
            for (r, index) in rows.enumerated() { labels[r] = all[index] }
        case .values(let all, let columns):
            for (r, index) in rows.enumerated() {
                for c in 0..<columns { values[r * columns + c] = all[index * columns + c] }
            }
        }
    }

    private func step(features: [Float], labels: [Int32], values: [Float], rows: Int, learningRate: Float) -> Double {
        features.withUnsafeBufferPointer { x in
            switch train.targets {
            case .labels:
                return labels.withUnsafeBufferPointer { y in
                    network.trainStep(
                        inputs: x, targets: .labels(y), batch: rows, optimizer: optimizer,
                        learningRate: learningRate, rng: &rng)
                }
            case .values:
                return values.withUnsafeBufferPointer { y in
                    network.trainStep(
                        inputs: x, targets: .values(y), batch: rows, optimizer: optimizer,
                        learningRate: learningRate, rng: &rng)
                }
            }
        }
    }
}

/// How a call to `Trainer.run` ended.
public enum TrainingOutcome: String, Sendable {
    case completed
    case earlyStopped = "early-stop"
    case interrupted
    /// Stopped at the step asked for by `run(stopAtStep:)`.
    case reachedStep = "reached-step"
}
