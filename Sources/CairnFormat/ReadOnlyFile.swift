/// A read-only file with positioned, bounds-checked reads, for tools that parse other containers
/// (safetensors, npz) with the same care as `CairnReader`. Safe to read from many threads at once.
public final class ReadOnlyFile: Sendable {
    private let source: FileSource

    /// The path given to `init`.
    public var path: String { source.path }
    /// Size of the file in bytes when it was opened.
    public var size: Int64 { source.size }

    /// Opens a regular file; throws `CairnError` (`notFound`, `io`) naming the file.
    public init(path: String) throws {
        source = try FileSource(path: path)
    }

    /// Reads `count` bytes at `offset`; throws `truncated` if the file ends first.
    public func read(count: Int, at offset: Int64) throws -> [UInt8] {
        try source.read(count: count, at: offset)
    }

    /// Fills `buffer` from `offset`; throws `truncated` if the file ends first.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        try source.read(into: buffer, at: offset)
    }
}
