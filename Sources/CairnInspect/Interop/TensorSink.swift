import CairnFormat
import Foundation

/// Where a conversion writes tensors, one at a time, into a temporary file that replaces the target
/// only on `commit`.
public protocol TensorSink: AnyObject {
    /// Appends one tensor (the entries must come in the order given when the sink was made, if any).
    func write(_ entry: TensorEntry, bytes: UnsafeRawBufferPointer) throws
    /// Finishes the file and renames it over the target.
    func commit() throws
    /// Removes the temporary file; the target is untouched.
    func abort()
}

/// Writes a `.cairn` file; the manifest is given at commit.
public final class CairnSink: TensorSink {
    private let writer: CairnWriter
    /// The manifest written by `commit` (a UTF-8 JSON object).
    public var manifest = Data("{}".utf8)

    /// `replacesExisting` false: `commit` keeps a file that appeared at `path` meanwhile (`alreadyExists`).
    public init(path: String, replacesExisting: Bool = true) throws {
        var options = WriteOptions()
        options.replacesExisting = replacesExisting
        writer = try CairnWriter(path: path, options: options)
    }

    public func write(_ entry: TensorEntry, bytes: UnsafeRawBufferPointer) throws {
        try writer.write(name: entry.name, role: entry.role, dtype: entry.dtype, shape: entry.shape, bytes: bytes)
    }

    /// Appends one tensor read chunk by chunk from `source` (see `CairnWriter.write(...reading:)`).
    public func write(_ entry: TensorEntry, index: Int, from source: PiecewiseTensorSource) throws {
        try writer.write(name: entry.name, role: entry.role, dtype: entry.dtype, shape: entry.shape) { offset, buffer in
            try source.read(index, at: offset, into: buffer)
        }
    }

    public func commit() throws { try writer.commit(manifest: manifest) }
    public func abort() { writer.abort() }
}

/// Writes a safetensors file: the header for all entries first, then their data back to back.
public final class SafetensorsSink: TensorSink {
    private let output: AtomicOutputFile
    private let entries: [TensorEntry]
    private var next = 0

    public init(path: String, entries: [TensorEntry], metadata: [String: String], replacesExisting: Bool = true) throws
    {
        output = try AtomicOutputFile(path: path, replacesExisting: replacesExisting)
        self.entries = entries
        do {
            try output.write(try SafetensorsHeader.encode(entries, metadata: metadata))
        } catch {
            output.discard()
            throw error
        }
    }

    public func write(_ entry: TensorEntry, bytes: UnsafeRawBufferPointer) throws {
        guard next < entries.count, entries[next] == entry, bytes.count == entry.byteCount else {
            throw CairnError(
                path: output.path, kind: .invalidArgument("tensor \(entry.name) out of the declared order"))
        }
        try output.write(bytes)
        next += 1
    }

    public func commit() throws {
        guard next == entries.count else {
            throw CairnError(
                path: output.path, kind: .invalidArgument("\(entries.count - next) declared tensors not written"))
        }
        try output.commit()
    }

    public func abort() { output.discard() }
}

/// Writes an `.npz` archive: one stored `<name>.npy` member per tensor, as `np.savez` does.
public final class NpzSink: TensorSink {
    private let output: AtomicOutputFile
    private let zip: ZipWriter

    /// `forceZip64` writes ZIP64 records even for small archives (to test readers).
    public init(path: String, forceZip64: Bool = false, replacesExisting: Bool = true) throws {
        output = try AtomicOutputFile(path: path, replacesExisting: replacesExisting)
        zip = ZipWriter(output: output, forceZip64: forceZip64)
    }

    public func write(_ entry: TensorEntry, bytes: UnsafeRawBufferPointer) throws {
        let header = NpyHeader(dtype: entry.dtype, shape: entry.shape).encoded()
        try header.withUnsafeBytes { try zip.add(name: entry.name + ".npy", parts: [$0, bytes]) }
    }

    public func commit() throws {
        try zip.finish()
        try output.commit()
    }

    public func abort() { output.discard() }
}
