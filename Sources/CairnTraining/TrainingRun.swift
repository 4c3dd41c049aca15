import CairnAudit
import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// A training run built from plain values: a fresh run (`start`) or a checkpoint continued (`resume`).
/// `run` trains it on, writing checkpoints, `history.csv` and `curves.svg` into its folder, and returns the
/// summary. A run resumed from any of its checkpoints ends bit-identical to the uninterrupted run (same
/// machine, same thread count).
///
/// ```swift
/// var configuration = TrainingConfiguration(data: RunDataRequest(data: "Fixtures/datasets/digits.csv"))
/// configuration.optimization.epochs = 6
/// configuration.output.out = "runs/digits"
/// let summary = try TrainingRun.start(configuration, observer: observer).run(observer: observer)
/// // Later, or after a crash: continue from any checkpoint of the run.
/// let resumed = try TrainingRun.resume(ResumeConfiguration(checkpoint: "runs/digits/epoch-0002.cairn"))
/// _ = try resumed.run()
/// ```
public final class TrainingRun {
    /// The `creator` written into a fresh run's checkpoints.
    public static let creator = "cairn-train \(CairnVersion.current)"

    /// The trainer: network, optimiser, generator, manifest, data and checkpoint policy.
    public let trainer: Trainer
    /// The run's data, loaded, split and preprocessed.
    public let data: RunData
    /// The run's layer graph.
    public let graph: GraphSpec
    /// The BLAS library and thread count the run trains with (`BLASLibrary.describe`).
    public let blas: String
    /// A fresh run's audit of its initial weights (nil for a resumed run, or when the audit failed).
    public let initialAudit: AuditReport?

    /// The run folder the checkpoints go into.
    public var directory: String { trainer.policy.directory }

    init(trainer: Trainer, data: RunData, graph: GraphSpec, blas: String, initialAudit: AuditReport?) {
        self.trainer = trainer
        self.data = data
        self.graph = graph
        self.blas = blas
        self.initialAudit = initialAudit
    }

    /// Starts a fresh run: checks `configuration`, loads the data, builds and initialises the network (or
    /// starts from `transfer.initFrom`), audits the initial weights, and saves `init.cairn`. The folder is
    /// created by that first save, so a run that fails before it leaves nothing behind.
    public static func start(
        _ configuration: TrainingConfiguration, observer: (any RunObserver)? = nil
    ) throws -> TrainingRun {
        try configuration.validate()
        let dataOptions = configuration.data, model = configuration.model, optimization = configuration.optimization
        let output = configuration.output, transfer = configuration.transfer, seed = configuration.seed
        if transfer.initFrom != nil, let flag = model.perceptronFlags.first {
            throw CairnError.configuration(
                option: flag,
                "\(flag): --init-from takes the graph of \(transfer.initFrom!); \(flag) does not apply (use --new-head to replace its output layer)"
            )
        }
        let source = try transfer.initFrom.map { try TransferSource.open($0) }
        let task = source?.task ?? configuration.task ?? .classification
        if let source, let asked = configuration.task, asked != source.task {
            throw CairnError.incompatible(
                path: source.path, "is a \(source.task.rawValue) model; --task \(asked.rawValue) does not fit it")
        }
        if task == .regression, let classes = dataOptions.classes {
            throw CairnError.configuration(
                option: "--classes",
                "--classes \(classes): applies to classification; \(source?.path ?? "this run") is regression")
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
        // Plain rows given to a graph that takes a shape are read as that shape, and recorded so.
        if let shape = graph.nodes.first(where: { $0.kind == .input })?.shape { data.readSamples(as: shape) }
        let optimizer = optimization.optimizerConfig
        let hyperparameters = Hyperparameters(
            initialization: model.scheme, optimizer: optimizer,
            schedule: optimization.schedule ?? .constant,
            batchSize: optimization.batchSize ?? OptimizationConfiguration.defaultBatchSize,
            epochs: optimization.epochs ?? OptimizationConfiguration.defaultEpochs, seed: seed,
            earlyStopPatience: configuration.earlyStopPatience,
            frozen: transfer.frozenNodes.isEmpty ? nil : transfer.frozenNodes,
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
        observer?.dataLoaded(data)
        for notice in data.notices { observer?.notice(notice) }
        if let source, source.preprocessing == nil {
            observer?.notice(
                "\(source.path) records no preprocessing (an imported model); the features are used as --scale/--standardize say: \(data.preprocessing.summary)"
            )
        }
        // The same audit as cairn-audit, on the weights step 0 starts from.
        let audit = Result { try Audit.initialWeights(of: network) }
        observer?.initialWeightsAudited(audit)
        let blas = BLASLibrary.describe(threads: network.team.threadCount)
        var allMetadata = configuration.metadata
        allMetadata["blas"] = blas
        allMetadata["threads"] = String(network.team.threadCount)
        let policy = output.policy(directory: directory)
        let manifest = CheckpointManifest(
            creator: creator, task: task, graph: graph, hyperparameters: hyperparameters, data: data.record,
            preprocessing: data.preprocessing, training: TrainingState(rng: rng.words), history: [],
            metadata: allMetadata,
            checkpointing: CheckpointingRecord(
                everyEpochs: policy.everyEpochs, everySteps: policy.everySteps, keep: policy.keep))
        let trainer = try Trainer(
            network: network, optimizer: Optimizer(config: optimizer, parameters: network.parameters), rng: rng,
            manifest: manifest, order: [], train: data.train, validation: data.validation,
            policy: policy,
            writeOptions: output.writeOptions)
        let run = TrainingRun(trainer: trainer, data: data, graph: graph, blas: blas, initialAudit: try? audit.get())
        observer?.prepared(run)
        try trainer.saveInitial()
        return run
    }

    /// The graph from `--model` or the perceptron flags, checked against the data.
    static func makeGraph(model: ModelConfiguration, data: RunData, task: TrainingTask) throws -> GraphSpec {
        let outputs = data.record.outputs
        var graph: GraphSpec
        if let path = model.graphFile {
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
            // An input node without a size or shape takes the data's sample shape.
            let sample = data.loaded.sampleShape
            for i in graph.nodes.indices
            where graph.nodes[i].kind == .input && graph.nodes[i].size == nil && graph.nodes[i].shape == nil {
                if sample.count > 1 { graph.nodes[i].shape = sample } else { graph.nodes[i].size = data.loaded.width }
            }
            try checkGraph(graph, fits: data, task: task, source: path)
        } else {
            graph = GraphSpec.perceptron(
                inputs: data.loaded.width, hidden: model.hiddenWidths ?? ModelConfiguration.defaultHiddenWidths,
                outputs: outputs,
                activation: model.activationKind, alpha: model.alpha ?? ModelConfiguration.defaultAlpha,
                dropout: model.dropout ?? ModelConfiguration.defaultDropout,
                classification: task == .classification, inputShape: data.loaded.sampleShape)
            try graph.validate()
        }
        return graph
    }

    /// Checks that a graph is valid and fits the data's width, classes or targets; `source` names the
    /// file the graph came from in errors.
    static func checkGraph(_ graph: GraphSpec, fits data: RunData, task: TrainingTask, source path: String) throws {
        let outputs = data.record.outputs
        let widths: GraphShapes
        do { widths = try graph.validate() } catch { throw CairnError.naming(path, error, otherwise: .invalidGraph) }
        try checkInput(of: graph, fits: data.loaded, source: path)
        let produced = widths[graph.output!.name]!
        guard produced == outputs || (task == .classification && produced > outputs) else {
            throw CairnError.incompatible(
                path: path,
                "the graph outputs \(produced) values, the data needs \(outputs) (\(task == .classification ? "classes; replace the head with --new-head \(outputs)" : "targets"))"
            )
        }
        if task == .classification, !graph.hasSoftmaxHead {
            throw CairnError(.invalidGraph, path: path, "a classification graph must end in a softmax node")
        }
        if task == .regression, graph.hasSoftmaxHead {
            throw CairnError(.invalidGraph, path: path, "a regression graph must not end in softmax")
        }
    }

    /// Checks that the data's samples fit the graph's input: its shape when the input node has one (`[1, 8, 8]`;
    /// plain rows of as many values are read as it), else its size in values per sample.
    static func checkInput(of graph: GraphSpec, fits data: Dataset, source path: String) throws {
        let sample = ValueShape(data.sampleShape)
        if let shape = graph.nodes.first(where: { $0.kind == .input })?.shape.map(ValueShape.init) {
            guard shape == sample || (data.hasFlatSamples && shape.elementCount == data.width) else {
                throw CairnError.incompatible(path: path, "the graph's input takes \(shape), the data has \(sample)")
            }
        } else if graph.inputWidth != data.width {
            throw CairnError.incompatible(
                path: path, "the graph's input takes \(graph.inputWidth) features, the data has \(data.width)")
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
                throw CairnError(
                    .alreadyExists, path: directory,
                    "already holds a run (\(name)); continue it with cairn-resume \(existing) or choose another --out")
            }
        }
        return directory
    }
}

/// Cairn's version, written into every checkpoint's `creator`.
public enum CairnVersion {
    public static let current = "0.1.0"
}
