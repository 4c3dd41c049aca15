import CairnEngine
import CairnInspect
import CairnModel
import Foundation

/// The model `cairn-train --init-from` starts from: a training checkpoint, a model imported by
/// `cairn-convert`, or a safetensors/npz file, read through `ModelFile`.
struct TransferSource {
    let path: String
    let model: ModelFile
    let graph: GraphSpec
    let task: TrainingTask
    /// The preprocessing the source was trained with; nil when the file records none (imported models).
    let preprocessing: Preprocessing?

    static func open(_ path: String) throws -> TransferSource {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CairnError(path: path, kind: .notFound)
        }
        let model = try ModelFile.open(path)
        guard let graph = model.graph else {
            let why = model.notices.isEmpty ? "" : " (\(model.notices.joined(separator: "; ")))"
            throw CairnError(
                .invalidGraph, path: path,
                "records no layer graph to start from\(why); import it with cairn-convert --model graph.json")
        }
        let task = model.task ?? (graph.hasSoftmaxHead ? .classification : .regression)
        return TransferSource(
            path: path, model: model, graph: graph, task: task,
            preprocessing: model.checkpointManifest?.preprocessing)
    }

    /// Copies the source's parameters into `network`, every one but those of the `skipped` nodes, checking
    /// names and shapes.
    func loadParameters(into network: Network, skipping skipped: Set<String>) throws {
        var values: [String: [Float]] = [:]
        for parameter in network.parameters where !skipped.contains(parameter.node) {
            guard let index = model.index(of: parameter.name) else {
                throw CairnError.checkpoint(path: path, "tensor \(parameter.name) is missing")
            }
            let shape = model.entries[index].shape
            guard shape == parameter.shape else {
                throw CairnError.incompatible(
                    path: path,
                    "tensor \(parameter.name): shape \(shape) does not fit the graph's \(parameter.shape)")
            }
            values[parameter.name] = try model.floats(index)
        }
        do {
            try network.load(values: values)
        } catch {
            throw CairnError.naming(path, error, otherwise: .incompatible)
        }
    }

    /// The preprocessing a run that starts from this source uses: the source's own, so the features mean
    /// what they meant in training. Flags that say otherwise are refused. Sources that record none take the
    /// flags' (nil here).
    func preprocessing(checking options: RunDataRequest) throws -> Preprocessing? {
        guard let stored = preprocessing else { return nil }
        let reuse =
            "--init-from reuses the preprocessing of \(path) (\(stored.summary)): "
            + "the features must mean what they meant in its training"
        if let scale = options.scale, scale != stored.scale {
            throw CairnError.configuration(option: "--scale", "--scale \(scale): \(reuse); drop --scale")
        }
        if options.standardize, !stored.isStandardizing {
            throw CairnError.configuration(option: "--standardize", "--standardize: \(reuse); drop --standardize")
        }
        return task == .classification ? stored.featuresOnly : stored
    }
}
