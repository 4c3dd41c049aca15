import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// A model to score, rebuilt from its file alone: the graph and weights, the task, and (for a checkpoint
/// written by `cairn-train` or `cairn-resume`) the training manifest with its preprocessing and data record.
///
/// Reads trained checkpoints, models `cairn-convert` imported (a manifest with `graph` and `task`, no
/// training state) and `.safetensors` files (graph from their metadata, `graph`, or inferred).
public struct EvaluatedModel {
    public var path: String
    public var graph: GraphSpec
    public var task: TrainingTask
    /// The whole training manifest for a training checkpoint; nil for imported models.
    public var manifest: CheckpointManifest?
    /// The preprocessing the model was trained with (nil: none recorded).
    public var preprocessing: Preprocessing?
    /// "recorded", "metadata", "inferred" or "given".
    public var graphOrigin: String
    /// Every parameter's values by name (`dense1.weight`).
    var parameters: [String: [Float]]

    /// How to read a file that records no graph.
    public struct Options: Sendable {
        public var activation: NodeKind = .relu
        public var graph: GraphSpec?
        public init() {}
    }

    /// Opens `path` and reads the parameters the graph needs. Errors name the file and the cause.
    public static func open(_ path: String, options: Options = Options()) throws -> EvaluatedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CairnError(path: path, kind: .notFound)
        }
        guard !isDirectory.boolValue else { throw CairnError(.io, path: path, "is a folder, not a model file") }
        let file: ModelFile
        do {
            var modelOptions = ModelFile.Options()
            modelOptions.activation = options.activation
            modelOptions.graph = options.graph
            file = try ModelFile.open(path, options: modelOptions)
        } catch {
            throw CairnError.naming(path, error)
        }
        guard let graph = options.graph ?? file.graph else {
            throw CairnError(
                .invalidGraph, path: path,
                "records no layer graph and none can be inferred from its tensors; give one with --model GRAPH.json")
        }
        let task = file.task ?? (graph.hasSoftmaxHead ? .classification : .regression)
        do { try graph.validate() } catch {
            throw CairnError(.invalidGraph, path: path, "its graph is not valid", cause: error)
        }
        if task == .classification, !graph.hasSoftmaxHead {
            throw CairnError(.invalidGraph, path: path, "is a classification model whose graph does not end in softmax")
        }
        var parameters: [String: [Float]] = [:]
        let network: Network
        do { network = try Network(graph: graph, maxBatch: 1, threads: 1) } catch {
            throw CairnError(.invalidGraph, path: path, "its graph cannot be built", cause: error)
        }
        for parameter in network.parameters {
            guard let index = file.index(of: parameter.name) else {
                throw CairnError.checkpoint(path: path, "tensor \(parameter.name) is missing")
            }
            let entry = file.entries[index]
            guard entry.shape == parameter.shape else {
                throw CairnError.incompatible(
                    path: path,
                    "tensor \(parameter.name): shape \(entry.shape) does not fit the graph's \(parameter.shape)")
            }
            let values: [Float]
            do { values = try file.floats(index) } catch {
                throw CairnError.naming(path, error)
            }
            guard values.allSatisfy(\.isFinite) else {
                throw CairnError.checkpoint(path: path, "tensor \(parameter.name) holds NaN or infinite values")
            }
            parameters[parameter.name] = values
        }
        let manifest = file.checkpointManifest
        return EvaluatedModel(
            path: path, graph: graph, task: manifest?.task ?? task, manifest: manifest,
            preprocessing: manifest?.preprocessing, graphOrigin: options.graph != nil ? "given" : file.graphOrigin,
            parameters: parameters)
    }

    /// Features per sample the model takes.
    public var inputWidth: Int { graph.inputWidth }

    /// Values per output row: classes for a classifier, targets for a regressor.
    public var outputWidth: Int {
        (try? graph.validate()).flatMap { widths in graph.output.flatMap { widths[$0.name] } } ?? 0
    }

    /// The network with the model's weights, for batches of up to `maxBatch` rows on `threads` threads.
    public func network(maxBatch: Int, threads: Int) throws -> Network {
        let network: Network
        do { network = try Network(graph: graph, maxBatch: maxBatch, threads: threads) } catch {
            throw CairnError.naming(path, error, otherwise: .invalidArgument)
        }
        do { try network.load(values: parameters) } catch {
            throw CairnError.naming(path, error, otherwise: .incompatible)
        }
        return network
    }
}
