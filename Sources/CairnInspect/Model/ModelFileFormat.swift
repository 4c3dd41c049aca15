/// The kinds of file every reading tool (`cairn-eval`, `cairn-diff`, `cairn-audit`, `cairn-inspect`)
/// accepts as a model.
public enum ModelFileFormat: String, Sendable, Codable, CaseIterable {
    /// A `.cairn` file: a training checkpoint or a model imported by `cairn-convert`.
    case cairn
    /// One `.safetensors` file.
    case safetensors
    /// A sharded Hugging Face checkpoint: `model.safetensors.index.json` and its shards.
    case shardedSafetensors = "safetensors-sharded"
    /// A NumPy `.npz` archive.
    case npz

    /// The format of `path` from its name, or nil when the name says none of these.
    public init?(path: String) {
        let lower = path.lowercased()
        if ShardedSafetensorsSource.isIndex(lower) {
            self = .shardedSafetensors
        } else if lower.hasSuffix(".cairn") {
            self = .cairn
        } else if lower.hasSuffix(".safetensors") {
            self = .safetensors
        } else if lower.hasSuffix(".npz") {
            self = .npz
        } else {
            return nil
        }
    }
}
