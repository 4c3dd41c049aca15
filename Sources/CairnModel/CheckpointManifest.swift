import Foundation

/// Everything a checkpoint says besides its tensors: the manifest JSON object of a `.cairn` file.
/// The keys are a contract documented in `Formats/cairn-v1.md` ("Manifest keys written by Cairn's
/// model layer"); every tool reads them.
public struct CheckpointManifest: Codable, Equatable, Sendable {
    /// The manifest schema version: `1` for this layout.
    public var schema: Int
    /// The program and version that wrote the file, e.g. `cairn-train 0.1.0`.
    public var creator: String
    /// When the file was written, ISO 8601 UTC.
    public var created: String
    public var task: TrainingTask
    public var graph: GraphSpec
    public var hyperparameters: Hyperparameters
    public var data: DataRecord
    public var preprocessing: Preprocessing
    public var training: TrainingState
    public var history: [EpochRecord]
    /// The run's checkpoint policy (absent in files not written by a training run).
    public var checkpointing: CheckpointingRecord?
    /// Free-form string metadata (the BLAS library used, the host, user `--meta KEY=VALUE`).
    public var metadata: [String: String]

    public init(
        schema: Int = 1, creator: String, created: String = CheckpointManifest.now(), task: TrainingTask,
        graph: GraphSpec, hyperparameters: Hyperparameters, data: DataRecord, preprocessing: Preprocessing,
        training: TrainingState, history: [EpochRecord], metadata: [String: String],
        checkpointing: CheckpointingRecord? = nil
    ) {
        self.checkpointing = checkpointing
        self.schema = schema
        self.creator = creator
        self.created = created
        self.task = task
        self.graph = graph
        self.hyperparameters = hyperparameters
        self.data = data
        self.preprocessing = preprocessing
        self.training = training
        self.history = history
        self.metadata = metadata
    }

    /// The current time as ISO 8601 UTC with seconds.
    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// The JSON bytes stored in the file (sorted keys, so equal manifests give equal bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Decodes a manifest; throws `CairnError` `invalidCheckpoint` (`manifest: missing key 'task'`) with the
    /// `DecodingError` as its cause.
    public static func decode(_ data: Data) throws -> CheckpointManifest {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(CheckpointManifest.self, from: data)
        } catch let error as DecodingError {
            throw CairnError.checkpoint(path: "", "manifest", cause: error)
        }
    }
}
