import CairnFormat
import CairnModel
import Foundation

/// Everything `cairn-inspect FILE` shows, built from a file's index alone (no tensor data is read).
/// Its `--json` form uses the snake_case keys given in each `CodingKeys`.
public struct InspectionReport: Codable, Sendable {
    /// What the manifest is: `training-checkpoint` (a full `CheckpointManifest`), `model` (a graph but no
    /// training state, e.g. an imported file) or `other` (any other JSON object).
    public enum ManifestKind: String, Codable, Sendable {
        case trainingCheckpoint = "training-checkpoint"
        case model
        case other
    }

    public struct Node: Codable, Sendable {
        public var name: String
        public var kind: String
        public var inputs: [String]
        /// Values per sample leaving the node (the product of `shape`).
        public var width: Int
        /// The shape of one sample leaving the node (`[64]`, `[6, 24, 24]`); the batch dimension is not
        /// included.
        public var shape: [Int]
        /// The node's attributes as its kind lists them (`units 64`, `alpha 0.01`); empty when it has none.
        public var attributes: String
        public var parameters: Int

        public init(
            name: String, kind: String, inputs: [String], width: Int, shape: [Int]? = nil,
            attributes: String = "", parameters: Int
        ) {
            self.name = name
            self.kind = kind
            self.inputs = inputs
            self.width = width
            self.shape = shape ?? [width]
            self.attributes = attributes
            self.parameters = parameters
        }

        /// `[*, 64]`, `[*, 6, 24, 24]`: the output with its batch dimension.
        public var outputText: String { "[*, " + shape.map(String.init).joined(separator: ", ") + "]" }
    }

    public struct TensorRow: Codable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        public var role: String
        public var elements: Int
        public var rawBytes: Int64
        public var storedBytes: Int64
        /// raw / stored (1 for an empty tensor).
        public var ratio: Double
        public var chunks: Int

        private enum CodingKeys: String, CodingKey {
            case name, dtype, shape, role, elements, rawBytes = "raw_bytes", storedBytes = "stored_bytes", ratio, chunks
        }
    }

    public struct Training: Codable, Sendable {
        public var epoch: Int
        public var globalStep: Int
        public var stepInEpoch: Int
        public var optimizer: String
        public var learningRate: Double
        public var schedule: String
        public var batchSize: Int
        public var seed: UInt64
        public var stopReason: String?
        public var bestEpoch: Int?
        public var bestValidationLoss: Double?
        /// The training data files, and the samples used for training and validation.
        public var data: [String]
        public var trainCount: Int
        public var validationCount: Int
        /// Classification: the class count and the classes with training samples (nil in older files).
        public var classes: Int?
        public var classesSeen: [Int]?

        private enum CodingKeys: String, CodingKey {
            case epoch, globalStep = "global_step", stepInEpoch = "step_in_epoch", optimizer, learningRate =
                "learning_rate"
            case schedule, batchSize = "batch_size", seed, stopReason = "stop_reason", bestEpoch = "best_epoch"
            case bestValidationLoss = "best_validation_loss", data, trainCount = "train_count", validationCount =
                "validation_count"
            case classes, classesSeen = "classes_seen"
        }
    }

    public struct Epoch: Codable, Sendable {
        public var epoch: Int
        public var trainLoss: Double
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        public var validationR2: Double?
        public var learningRate: Double

        private enum CodingKeys: String, CodingKey {
            case epoch, trainLoss = "train_loss", validationLoss = "val_loss", validationAccuracy = "val_accuracy",
                learningRate = "learning_rate"
            case validationR2 = "val_r2"
        }
    }

    public var file: String
    public var fileBytes: Int64
    public var formatVersion: String
    public var manifestKind: ManifestKind
    /// Why the manifest is not a training checkpoint (nil when it is).
    public var manifestNote: String?
    public var creator: String?
    public var created: String?
    public var task: String?
    /// The layer graph, nil when the manifest has none.
    public var graph: [Node]?
    /// Parameters: elements of the graph's dense nodes, or of `parameter` tensors without a graph.
    public var parameterCount: Int
    public var tensors: [TensorRow]
    public var rawBytes: Int64
    public var storedBytes: Int64
    public var metadata: [String: String]?
    public var training: Training?
    /// What a training checkpoint's features (and regression targets) go through before the first
    /// layer: the manifest's `preprocessing`, as stored.
    public var preprocessing: Preprocessing?
    public var history: [Epoch]?

    private enum CodingKeys: String, CodingKey {
        case file, fileBytes = "file_bytes", formatVersion = "format_version", manifestKind = "manifest_kind"
        case manifestNote = "manifest_note", creator, created, task, graph, parameterCount = "parameter_count", tensors
        case rawBytes = "raw_bytes", storedBytes = "stored_bytes", metadata, training, preprocessing, history
    }

    /// The parts of a manifest that a model-only file may also have; each is nil when absent or of
    /// another type, without failing the others.
    private struct ModelPart: Decodable {
        var creator: String?
        var created: String?
        var task: String?
        var graph: GraphSpec?
        var metadata: [String: String]?

        private enum CodingKeys: String, CodingKey {
            case creator, created, task, graph, metadata
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            creator = try? c.decodeIfPresent(String.self, forKey: .creator)
            created = try? c.decodeIfPresent(String.self, forKey: .created)
            task = try? c.decodeIfPresent(String.self, forKey: .task)
            graph = try? c.decodeIfPresent(GraphSpec.self, forKey: .graph)
            metadata = try? c.decodeIfPresent([String: String].self, forKey: .metadata)
        }
    }

    /// Builds the report of an open file.
    public init(reader: CairnReader) {
        file = reader.path
        fileBytes = reader.fileSize
        formatVersion = "\(reader.version.major).\(reader.version.minor)"
        tensors = reader.tensors.map { info in
            TensorRow(
                name: info.name, dtype: info.dtype.name, shape: info.shape, role: info.role.rawValue,
                elements: info.elementCount,
                rawBytes: info.rawByteCount, storedBytes: info.storedByteCount,
                ratio: info.storedByteCount > 0 ? Double(info.rawByteCount) / Double(info.storedByteCount) : 1,
                chunks: info.chunks.count)
        }
        rawBytes = tensors.reduce(0) { $0 + $1.rawBytes }
        storedBytes = tensors.reduce(0) { $0 + $1.storedBytes }
        let part = try? JSONDecoder().decode(ModelPart.self, from: reader.manifest)
        creator = part?.creator
        created = part?.created
        task = part?.task
        metadata = part?.metadata
        do {
            let manifest = try CheckpointManifest.decode(reader.manifest)
            manifestKind = .trainingCheckpoint
            training = Training(manifest)
            preprocessing = manifest.preprocessing
            history = manifest.history.map {
                Epoch(
                    epoch: $0.epoch, trainLoss: $0.trainLoss, validationLoss: $0.validationLoss,
                    validationAccuracy: $0.validationAccuracy, validationR2: $0.validationR2,
                    learningRate: $0.learningRate)
            }
        } catch {
            manifestKind = part?.graph != nil ? .model : .other
            manifestNote =
                "not a training checkpoint (\(error)); showing the container"
                + (part?.graph != nil ? " and the model" : "")
        }
        if let spec = part?.graph, let shapes = try? spec.validate() {
            let owned = Dictionary(grouping: spec.parameterDefinitions(shapes: shapes), by: \.node)
            graph = spec.nodes.map { node in
                // Trainable tensors only, as PyTorch counts parameters (batch-norm running statistics are buffers).
                let parameters = owned[node.name, default: []].filter { $0.kind == .trainable }.reduce(0) {
                    $0 + $1.elementCount
                }
                let shape = shapes.shape(of: node.name)?.dimensions ?? [0]
                return Node(
                    name: node.name, kind: node.kind.rawValue, inputs: node.inputs, width: shapes[node.name] ?? 0,
                    shape: shape, attributes: node.kind.definition.attributeSummary(of: node), parameters: parameters)
            }
            parameterCount = graph!.reduce(0) { $0 + $1.parameters }
        } else {
            if part?.graph != nil {
                manifestNote = (manifestNote.map { $0 + "; " } ?? "") + "the manifest's graph is invalid"
            }
            parameterCount = tensors.filter { $0.role == TensorRole.parameter.rawValue }.reduce(0) { $0 + $1.elements }
        }
    }
}

extension InspectionReport.Training {
    init(_ manifest: CheckpointManifest) {
        let hyper = manifest.hyperparameters
        epoch = manifest.training.epoch
        globalStep = manifest.training.globalStep
        stepInEpoch = manifest.training.stepInEpoch
        optimizer = hyper.optimizer.kind.rawValue
        learningRate = manifest.history.last?.learningRate ?? Double(hyper.optimizer.learningRate)
        schedule = hyper.schedule.kind.rawValue
        batchSize = hyper.batchSize
        seed = hyper.seed
        stopReason = manifest.training.stopReason
        bestEpoch = manifest.training.bestEpoch
        bestValidationLoss = manifest.training.bestValidationLoss
        data = manifest.data.train
        trainCount = manifest.data.trainCount
        validationCount = manifest.data.validationCount
        classes = manifest.task == .classification ? manifest.data.outputs : nil
        classesSeen = manifest.data.classesSeen
    }
}
