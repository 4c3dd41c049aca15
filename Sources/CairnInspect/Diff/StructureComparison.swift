import CairnFormat
import CairnModel
import Foundation

/// Compares what two files say about the model besides their tensors: the graph node by node, and the
/// manifest field by field (hyperparameters, preprocessing, data fingerprint and training state side
/// by side; metadata, timestamps and history apart).
enum StructureComparison {
    /// Manifest sections that describe how the model is trained and where the run stands.
    static let trainingSections: Set<String> = ["task", "hyperparameters", "data", "preprocessing", "training"]

    /// The graph changes. They count towards the exit status only when neither graph was inferred.
    static func graphChanges(_ a: DiffInput, _ b: DiffInput) -> [StructureChange] {
        let counts = a.graphOrigin != "inferred" && b.graphOrigin != "inferred"
        let nodesA = a.graph?.nodes ?? [], nodesB = b.graph?.nodes ?? []
        let byNameB = Dictionary(nodesB.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let namesA = Set(nodesA.map(\.name))
        var changes: [StructureChange] = []
        for node in nodesA {
            guard let other = byNameB[node.name] else {
                changes.append(
                    StructureChange(change: .removed, node: node.name, a: json(node), b: nil, counts: counts))
                continue
            }
            guard node != other else { continue }
            let fieldsA = (flatten(object(node)) ?? [:]), fieldsB = (flatten(object(other)) ?? [:])
            let fields = Set(fieldsA.keys).union(fieldsB.keys).filter { fieldsA[$0] != fieldsB[$0] }.sorted()
            changes.append(
                StructureChange(
                    change: .changed, node: node.name, fields: fields, a: json(node), b: json(other), counts: counts))
        }
        for node in nodesB where !namesA.contains(node.name) {
            changes.append(StructureChange(change: .added, node: node.name, a: nil, b: json(node), counts: counts))
        }
        return changes
    }

    /// The changed manifest fields, split into training fields and metadata fields.
    static func fieldChanges(
        _ a: CheckpointManifest?, _ b: CheckpointManifest?, trainingCounts: Bool,
        metadataCounts: Bool
    ) -> (training: [FieldChange], metadata: [FieldChange]) {
        guard let a, let b else { return ([], []) }
        var fieldsA = manifestFields(a), fieldsB = manifestFields(b)
        fieldsA["graph"] = nil
        fieldsB["graph"] = nil
        var training: [FieldChange] = [], metadata: [FieldChange] = []
        for key in Set(fieldsA.keys).union(fieldsB.keys).sorted() where fieldsA[key] != fieldsB[key] {
            let section = String(key.prefix { $0 != "." })
            if trainingSections.contains(section) {
                training.append(FieldChange(field: key, a: fieldsA[key], b: fieldsB[key], counts: trainingCounts))
            } else {
                metadata.append(FieldChange(field: key, a: fieldsA[key], b: fieldsB[key], counts: metadataCounts))
            }
        }
        return (training, metadata)
    }

    /// The manifest as dotted field names and JSON values; the history is summarised.
    static func manifestFields(_ manifest: CheckpointManifest) -> [String: String] {
        guard let data = try? manifest.encoded(),
            var top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            return [:]
        }
        let history = top.removeValue(forKey: "history") as? [Any] ?? []
        var fields = flatten(top) ?? [:]
        if let data = try? JSONSerialization.data(withJSONObject: history, options: [.sortedKeys]) {
            fields["history"] =
                "\"\(history.count) epochs (\(data.count) bytes of records, checksum \(String(data.withUnsafeBytes { Zlib.crc32($0) }, radix: 16)))\""
        }
        return fields
    }

    /// Nested objects flattened to dotted keys with JSON text values (arrays stay whole).
    static func flatten(_ value: Any?, prefix: String = "") -> [String: String]? {
        guard let dictionary = value as? [String: Any] else { return nil }
        var fields: [String: String] = [:]
        for (key, inner) in dictionary {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let nested = flatten(inner, prefix: name), !nested.isEmpty {
                fields.merge(nested) { first, _ in first }
            } else {
                fields[name] = json(inner) ?? "\(inner)"
            }
        }
        return fields
    }

    static func object<T: Encodable>(_ value: T) -> Any? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    static func json<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func json(_ value: Any) -> String? {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }
}
