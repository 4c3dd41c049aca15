/// Limits a reader enforces before it allocates anything a file declares (see `Formats/cairn-v1.md`, "Limits").
enum FormatLimits {
    /// Largest manifest (JSON) accepted, in bytes.
    static let maxManifestBytes: Int64 = 64 << 20
    /// Largest index region (all sections) accepted, in bytes.
    static let maxIndexBytes: Int64 = 1 << 30
    /// Largest tensor name, in UTF-8 bytes.
    static let maxNameBytes = 4096
    /// Largest tensor rank.
    static let maxRank = 8
    /// Largest uncompressed chunk, in bytes (the writer's `chunkSize` is capped to this too).
    static let maxChunkRawBytes: Int64 = 256 << 20
    /// Largest number of raw bytes one deflate byte may expand to (deflate's own limit is about 1032).
    static let maxDeflateExpansion: Int64 = 1032
    /// Slack added to the expansion bound for tiny streams.
    static let deflateExpansionSlack: Int64 = 1024
    /// Largest element count of one tensor (keeps byte counts far from `Int64` overflow).
    static let maxElementCount: Int64 = 1 << 56
}
