import CairnFormat
import Foundation

/// The tensors of a sharded Hugging Face checkpoint: a `model.safetensors.index.json` and the
/// safetensors shards it names, seen as one file.
///
/// ```json
/// {"metadata": {"total_size": 123}, "weight_map": {"fc1.weight": "model-00001-of-00002.safetensors", ...}}
/// ```
/// Rules checked: the index is a JSON object with a `weight_map` object of strings; every shard it names
/// is a plain file name or relative path beside the index (no `..`, not absolute) that exists and reads as
/// safetensors; every tensor the map names is in the shard the map says, and no tensor is in two shards.
/// Tensors of a shard that the map does not name are left out, as `transformers` does. Entries keep the
/// shards' order (shards sorted by name), each shard's tensors in data order.
public struct ShardedSafetensorsSource: PiecewiseTensorSource {
    /// The index file.
    public let path: String
    /// The shards, sorted by file name.
    public let shards: [SafetensorsSource]
    public let entries: [TensorEntry]
    /// The `metadata` object's string values, and every shard's `__metadata__` (the index's win).
    public let metadata: [String: String]
    /// For each entry: its shard and its index among the shard's items.
    private let locations: [(shard: Int, item: Int)]

    /// The largest index file read (Hugging Face's indexes for 100B-parameter models are a few MB).
    public static let maximumIndexBytes = 64 << 20

    public init(path: String) throws {
        self.path = path
        let file = try ReadOnlyFile(path: path)
        guard file.size <= Int64(Self.maximumIndexBytes) else {
            throw CairnError.limitExceeded(
                path: path, "shard index of \(file.size) bytes (limit \(Self.maximumIndexBytes))")
        }
        let bytes = try file.read(count: Int(file.size), at: 0)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw CairnError.malformed(path: path, "shard index is not a JSON object")
        }
        guard let map = object["weight_map"] as? [String: Any] else {
            throw CairnError.malformed(path: path, "shard index has no \"weight_map\" object")
        }
        var wanted: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value as? String else {
                throw CairnError.malformed(path: path, item: name, "weight_map value is not a file name")
            }
            let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
            guard !shard.isEmpty, !shard.hasPrefix("/"), !parts.contains(".."), !parts.contains("") else {
                throw CairnError.malformed(path: path, item: name, "shard \"\(shard)\" is not a file beside the index")
            }
            wanted[name] = shard
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let shardNames = Set(wanted.values).sorted()
        var shards: [SafetensorsSource] = []
        var entries: [TensorEntry] = [], locations: [(Int, Int)] = []
        var metadata: [String: String] = [:]
        var found = Set<String>()
        for (shardIndex, shardName) in shardNames.enumerated() {
            let shardPath = folder.appendingPathComponent(shardName).path
            guard FileManager.default.fileExists(atPath: shardPath) else {
                throw CairnError.malformed(
                    path: path, item: shardName, "shard named by the index is missing (\(shardPath): no such file)")
            }
            let shard = try SafetensorsSource(path: shardPath)
            metadata.merge(shard.header.metadata, uniquingKeysWith: { first, _ in first })
            for (itemIndex, item) in shard.header.items.enumerated() where wanted[item.entry.name] != nil {
                guard wanted[item.entry.name] == shardName else { continue }
                guard found.insert(item.entry.name).inserted else {
                    throw CairnError.malformed(
                        path: path, item: item.entry.name, "tensor appears twice in \(shardName)")
                }
                entries.append(item.entry)
                locations.append((shardIndex, itemIndex))
            }
            shards.append(shard)
        }
        if let missing = wanted.keys.filter({ !found.contains($0) }).sorted().first {
            throw CairnError.malformed(path: path, item: missing, "tensor is not in its shard \(wanted[missing]!)")
        }
        if let indexMetadata = object["metadata"] as? [String: Any] {
            for (key, value) in indexMetadata {
                if let text = value as? String {
                    metadata[key] = text
                } else if let number = value as? NSNumber {
                    metadata[key] = number.stringValue
                }
            }
        }
        self.shards = shards
        self.entries = entries
        self.locations = locations
        self.metadata = metadata
    }

    /// Whether `path` names a shard index (`*.safetensors.index.json`, or any `*.index.json`).
    public static func isIndex(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".index.json")
    }

    public func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        let location = locations[index]
        return try shards[location.shard].load(location.item, into: &scratch)
    }

    public func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let location = locations[index]
        try shards[location.shard].read(location.item, at: offset, into: buffer)
    }

    /// The shard file that holds tensor `index`.
    public func shardPath(of index: Int) -> String {
        shards[locations[index].shard].path
    }
}
