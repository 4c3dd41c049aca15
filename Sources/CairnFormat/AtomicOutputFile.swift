/// A file written sequentially to a temporary path beside `path` and renamed over it by `commit`
/// (fsync, rename, fsync of the folder), the way `CairnWriter` saves. Until `commit` succeeds the
/// target is untouched; `discard` (or deinit) removes the temporary file. Not thread-safe.
public final class AtomicOutputFile {
    private let file: AtomicFile

    /// The file this output will replace.
    public var path: String { file.targetPath }
    /// Bytes written so far.
    public var position: Int64 { file.position }

    /// Creates the temporary file; throws `CairnError.io` naming `path`. With `replacesExisting` false,
    /// `commit` keeps a file that is already at `path` and throws `alreadyExists`.
    public init(path: String, replacesExisting: Bool = true) throws {
        file = try AtomicFile(targetPath: path, faults: nil, replacesExisting: replacesExisting)
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try file.write(bytes)
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try file.write(bytes)
    }

    /// Makes the file durable and renames it over `path`.
    public func commit() throws {
        try file.commit()
    }

    /// Removes the temporary file (no-op after a successful commit). Safe to call more than once.
    public func discard() {
        file.discard()
    }
}
