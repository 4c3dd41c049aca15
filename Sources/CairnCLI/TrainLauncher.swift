import ArgumentParser
import CairnEngine
import CairnFormat
import CairnModel
import Foundation

/// Starts a fresh training run from `cairn-train`'s flags.
public enum TrainLauncher {
    public static let creator = "cairn-train \(CairnVersion.current)"

    public static func train(data dataOptions: DataOptions, model: ModelOptions, optimization: OptimizationOptions,
                             output: OutputOptions, transfer: TransferOptions, seed: UInt64, earlyStop: Int?,
                             metadata: [String: String]) throws {
        if transfer.initFrom != nil, let flag = model.perceptronFlags.first {
            throw ValidationError("\(flag): --init-from takes the graph of \(transfer.initFrom!); \(flag) does not apply (use --new-head to replace its output layer)")
        }
        let source = try transfer.initFrom.map { try TransferSource.open($0) }
        let task = source?.task ?? dataOptions.task ?? .classification
        if let source, let asked = dataOptions.task, asked != source.task {
            throw CairnError.incompatible(path: source.path, "is a \(source.task.rawValue) model; --task \(asked.rawValue) does not fit it")
        }
        if task == .regression, let classes = dataOptions.classes {
            throw ValidationError("--classes \(classes): applies to classification; \(source?.path ?? "this run") is regression")
        }
        let reused = try source?.preprocessing(checking: dataOptions)
        var data = try RunData.load(dataOptions, task: task, seed: seed, preprocessing: reused)
        if let source, reused != nil {
            data.preprocessingSource = "--init-from \(source.path)"
        }
        var graph: GraphSpec
        var newHead: String?
        if let source {
            (graph, newHead) = try transfer.graph(from: source.graph, path: source.path)
            try checkGraph(graph, fits: data, task: task, source: source.path)
        } else {
            graph = try makeGraph(model: model, data: data, task: task)
        }
        let kind = optimization.optimizer ?? OptimizationOptions.defaultOptimizer
        let optimizer = OptimizerConfig(
            kind: kind,
            learningRate: optimization.lr ?? OptimizationOptions.defaultLearningRate(kind),
            momentum: optimization.momentum ?? OptimizationOptions.defaultMomentum,
            nesterov: optimization.nesterov,
            weightDecay: optimization.weightDecay ?? 0,
            clipNorm: optimization.clipNorm)
        let hyperparameters = Hyperparameters(
            initialization: model.scheme, optimizer: optimizer,
            schedule: optimization.schedule.flatMap(ScheduleConfig.init(parsing:)) ?? .constant,
            batchSize: optimization.batchSize?.value ?? OptimizationOptions.defaultBatchSize,
            epochs: optimization.epochs ?? OptimizationOptions.defaultEpochs, seed: seed,
            earlyStopPatience: earlyStop, frozen: transfer.frozenNodes.isEmpty ? nil : transfer.frozenNodes,
            initializedFrom: transfer.initFrom)
        let directory = try runDirectory(output.out, data: data)
        let batch = hyperparameters.effectiveBatchSize(trainingCount: data.train.count)
        let network = try Network(graph: graph, maxBatch: max(batch, 256), threads: output.threadCount)
        var rng = RandomGenerator(seed: seed)
        network.initialize(hyperparameters.initialization, rng: &rng)
        if let source {
            try source.loadParameters(into: network, skipping: newHead.map { [$0] } ?? [])
        }
        try transfer.freeze(network)
        if !output.quiet { printError(data.description) }
        for notice in data.notices { printError("notice: \(notice)") }
        if let source, source.preprocessing == nil {
            printError("notice: \(source.path) records no preprocessing (an imported model); the features are used as --scale/--standardize say: \(data.preprocessing.summary)")
        }
        // The same audit as cairn-audit, on the weights step 0 starts from.
        let initialAudit = AuditLauncher.auditInitialWeights(of: network, quiet: output.quiet)
        let blas = BLASLibrary.describe(threads: network.team.threadCount)
        var allMetadata = metadata
        allMetadata["blas"] = blas
        allMetadata["threads"] = String(network.team.threadCount)
        let policy = output.policy(directory: directory)
        let manifest = CheckpointManifest(
            creator: creator, task: task, graph: graph, hyperparameters: hyperparameters, data: data.record,
            preprocessing: data.preprocessing, training: TrainingState(rng: rng.words), history: [], metadata: allMetadata,
            checkpointing: CheckpointingRecord(everyEpochs: policy.everyEpochs, everySteps: policy.everySteps, keep: policy.keep))
        let trainer = try Trainer(
            network: network, optimizer: Optimizer(config: optimizer, parameters: network.parameters), rng: rng,
            manifest: manifest, order: [], train: data.train, validation: data.validation,
            policy: policy,
            writeOptions: RunDriver.writeOptions(level: output.level))
        if output.verbose {
            printError("blas: \(blas)")
            printError("data: \(data.record.train.joined(separator: ", ")): \(data.train.count) training, \(data.validation?.count ?? 0) validation samples, \(data.loaded.width) features, fingerprint \(data.record.fingerprint)")
            printError("model: \(graph.nodes.map { $0.name }.joined(separator: " -> ")), \(network.parameters.reduce(0) { $0 + $1.values.count }) parameters")
            printError("run folder: \(directory)")
        }
        try trainer.saveInitial()
        try RunDriver.drive(trainer, output: output, tool: "cairn-train", initialAudit: initialAudit)
    }

    /// The graph from `--model` or the perceptron flags, checked against the data.
    static func makeGraph(model: ModelOptions, data: RunData, task: TrainingTask) throws -> GraphSpec {
        let outputs = data.record.outputs
        var graph: GraphSpec
        if let path = model.model {
            let bytes: Data
            guard FileManager.default.fileExists(atPath: path) else { throw CairnError(path: path, kind: .notFound) }
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw CairnError(.io, path: path, "cannot be read", cause: error)
            }
            do {
                graph = try JSONDecoder().decode(GraphSpec.self, from: bytes)
            } catch let error as DecodingError {
                throw CairnError(.invalidGraph, path: path, "is not a layer graph", cause: error)
            }
            // An input node without a size takes the data's width.
            for i in graph.nodes.indices where graph.nodes[i].kind == .input && graph.nodes[i].size == nil {
                graph.nodes[i].size = data.loaded.width
            }
            try checkGraph(graph, fits: data, task: task, source: path)
        } else {
            graph = GraphSpec.perceptron(inputs: data.loaded.width, hidden: try model.hiddenWidths(), outputs: outputs,
                                         activation: model.activationKind, alpha: model.alpha ?? ModelOptions.defaultAlpha,
                                         dropout: model.dropout ?? ModelOptions.defaultDropout,
                                         classification: task == .classification)
            try graph.validate()
        }
        return graph
    }

    /// Checks that a graph is valid and fits the data's width, classes or targets; `source` names the
    /// file the graph came from in errors.
    static func checkGraph(_ graph: GraphSpec, fits data: RunData, task: TrainingTask, source path: String) throws {
        let outputs = data.record.outputs
        let widths: [String: Int]
        do { widths = try graph.validate() } catch { throw CairnError.naming(path, error, otherwise: .invalidGraph) }
        guard graph.inputWidth == data.loaded.width else {
            throw CairnError.incompatible(path: path, "the graph's input takes \(graph.inputWidth) features, the data has \(data.loaded.width)")
        }
        let produced = widths[graph.output!.name]!
        guard produced == outputs || (task == .classification && produced > outputs) else {
            throw CairnError.incompatible(path: path, "the graph outputs \(produced) values, the data needs \(outputs) (\(task == .classification ? "classes; replace the head with --new-head \(outputs)" : "targets"))")
        }
        if task == .classification, !graph.hasSoftmaxHead {
            throw CairnError(.invalidGraph, path: path, "a classification graph must end in a softmax node")
        }
        if task == .regression, graph.hasSoftmaxHead {
            throw CairnError(.invalidGraph, path: path, "a regression graph must not end in softmax")
        }
    }

    /// `--out`, or `runs/<data name>-<UTC time>`; refuses a folder that already holds a run. The folder is
    /// created by the first save, so a run that fails before it leaves nothing behind.
    static func runDirectory(_ out: String?, data: RunData) throws -> String {
        let directory: String
        if let out {
            directory = out
        } else {
            let stem = URL(fileURLWithPath: data.record.train[0]).deletingPathExtension().lastPathComponent
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            formatter.timeZone = TimeZone(identifier: "UTC")
            let base = "runs/\(stem)-\(formatter.string(from: Date()))"
            // Two runs started in the same second get their own folders.
            var candidate = base
            var suffix = 2
            while FileManager.default.fileExists(atPath: candidate) {
                candidate = "\(base)-\(suffix)"
                suffix += 1
            }
            directory = candidate
        }
        for name in [CheckpointPolicy.latestName, CheckpointPolicy.initialName] {
            let existing = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: existing) {
                throw CairnError(.alreadyExists, path: directory, "already holds a run (\(name)); continue it with cairn-resume \(existing) or choose another --out")
            }
        }
        return directory
    }
}

/// Cairn's version, written into every checkpoint's `creator`.
public enum CairnVersion {
    public static let current = "0.1.0"
}
