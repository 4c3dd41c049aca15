import CairnFormat
import CairnModel
import Foundation

/// The manifest `Converter` writes into a `.cairn` file made from another format.
///
/// - From a `.cairn` file: the input's manifest, unchanged.
/// - From a safetensors file written by `cairn-convert` with all its tensors (`cairn_manifest` and
///   `cairn_roles` in `__metadata__`, same tensor names): the original manifest and roles, restored.
/// - Otherwise a model manifest (not a training checkpoint: no training state, so `cairn-resume`
///   refuses it):
///   ```json
///   {"creator": "cairn-convert 0.1.0", "created": "2026-11-26T19:00:00Z",
///    "source": "model.safetensors", "source_format": "safetensors",
///    "graph": {"nodes": [...]}, "task": "classification", "metadata": {"key": "value"}}
///   ```
///   `graph` is `--model`'s graph, else the `graph` string of the input's metadata if it fits the
///   tensors, else an inferred MLP (`GraphInference`); `graph` and `task` are absent when none of these
///   works (a notice says why). `task` is `--task`, else `classification` when the graph ends in
///   softmax, else `regression`. `metadata` holds the input's `__metadata__` strings (see
///   `importedMetadata`). Roles: `cairn_roles` when present, else by name (`TensorEntry.importedRole`).
public struct ImportManifest {
    public var manifest: Data
    public var entries: [TensorEntry]
    /// `restored`, `given`, `metadata`, `inferred` or `none`.
    public var graphOrigin: String
    public var notices: [String]

    static func make(
        entries: [TensorEntry], sourcePath: String, sourceFormat: TensorFileFormat, sourceMetadata: [String: String],
        cairnManifest: [String: Any]?, options: ConversionOptions
    ) throws -> ImportManifest {
        var entries = entries
        if let cairnManifest {
            return ImportManifest(
                manifest: try JSONSerialization.data(withJSONObject: cairnManifest, options: [.sortedKeys]),
                entries: entries, graphOrigin: "restored", notices: [])
        }
        if let rolesText = sourceMetadata["cairn_roles"],
            let roles = (try? JSONSerialization.jsonObject(with: Data(rolesText.utf8))) as? [String: String]
        {
            for index in entries.indices {
                if let role = roles[entries[index].name].flatMap(TensorRole.init(rawValue:)) {
                    entries[index].role = role
                }
            }
            if let original = sourceMetadata["cairn_manifest"], Set(roles.keys) == Set(entries.map(\.name)),
                let object = (try? JSONSerialization.jsonObject(with: Data(original.utf8))) as? [String: Any],
                options.graph == nil
            {
                return ImportManifest(
                    manifest: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                    entries: entries, graphOrigin: "restored", notices: [])
            }
        }
        var notices: [String] = []
        var graph: GraphSpec?
        var origin = "none"
        if let given = options.graph {
            try GraphInference.check(given, against: entries, path: sourcePath)
            if options.task == .classification && !given.hasSoftmaxHead {
                throw CairnError(
                    .invalidGraph, path: sourcePath, "--task classification needs a graph that ends in softmax")
            }
            graph = given
            origin = "given"
        } else if let text = sourceMetadata["graph"],
            let stored = try? JSONDecoder().decode(GraphSpec.self, from: Data(text.utf8)),
            (try? GraphInference.check(stored, against: entries, path: sourcePath)) != nil
        {
            graph = stored
            origin = "metadata"
        } else {
            do {
                graph = try GraphInference.perceptron(
                    from: entries, activation: options.activation,
                    classification: options.task != .regression, path: sourcePath)
                origin = "inferred"
            } catch let error as CairnError {
                notices.append("no graph recorded: \(error.description)")
            }
        }
        var object: [String: Any] = [
            "creator": options.creator, "created": CheckpointManifest.now(), "source": sourcePath,
            "source_format": sourceFormat.rawValue, "metadata": importedMetadata(sourceMetadata),
        ]
        if let graph {
            let encoder = JSONEncoder()
            object["graph"] = try JSONSerialization.jsonObject(with: try encoder.encode(graph))
            object["task"] = (options.task ?? (graph.hasSoftmaxHead ? .classification : .regression)).rawValue
        }
        return ImportManifest(
            manifest: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            entries: entries, graphOrigin: origin, notices: notices)
    }

    /// The `metadata` strings of an imported file: the input's `__metadata__` without the keys Cairn's
    /// export uses for other manifest parts (`cairn_*`, `graph`, `task`); a `metadata` key holding a JSON
    /// object of strings is merged in; `creator` and `created` become `source_creator`, `source_created`.
    static func importedMetadata(_ source: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in source where !key.hasPrefix("cairn_") && !["graph", "task", "metadata"].contains(key) {
            result[key == "creator" || key == "created" ? "source_" + key : key] = value
        }
        if let text = source["metadata"] {
            if let inner = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] {
                result.merge(inner, uniquingKeysWith: { first, _ in first })
            } else {
                result["metadata"] = text
            }
        }
        return result
    }
}
