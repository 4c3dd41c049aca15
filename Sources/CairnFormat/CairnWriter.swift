import Foundation

/// Writes a `.cairn` file tensor by tensor, then atomically replaces `path` on `commit`.
///
/// Memory stays bounded by a window of `2 * threads` chunks, whatever the model size. Chunks of a window
/// are compressed in parallel and appended in order, so the file's bytes do not depend on `threads`.
/// Until `commit` succeeds the target is untouched; a failure or `abort` removes the temporary file.
/// Not thread-safe: call it from one thread at a time.
public final class CairnWriter {
    /// The file this writer will replace.
    public let path: String
    public let options: WriteOptions
    private var file: AtomicFile?
    private var tensors: [TensorInfo] = []
    private var names = Set<String>()
    private var encoders: [[ChunkEncoder]] = [[], []]
    private let writeQueue = DispatchQueue(label: "cairn.writer")

    /// Opens a temporary file beside `path` and writes the header.
    public init(path: String, options: WriteOptions = WriteOptions()) throws {
        try options.validate(path: path)
        self.path = path
        self.options = options
        let file = try AtomicFile(targetPath: path, faults: options.faultInjection)
        self.file = file
        do {
            try file.write(FileHeader(version: .current).encoded())
        } catch {
            abort()
            throw error
        }
    }

    deinit {
        abort()
    }

    /// Appends a tensor held in a `Tensor`.
    public func write(name: String, role: TensorRole, tensor: Tensor) throws {
        try tensor.bytes.withUnsafeBytes { try write(name: name, role: role, dtype: tensor.dtype, shape: tensor.shape, bytes: $0) }
    }

    /// Appends a tensor from caller-owned bytes (row-major, little-endian), without copying the whole tensor.
    public func write(name: String, role: TensorRole, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) throws {
        guard let file else {
            throw CairnError(path: path, kind: .invalidArgument("writer already committed or aborted"), tensor: name)
        }
        try checkArguments(name: name, dtype: dtype, shape: shape, byteCount: bytes.count)
        let elementsPerChunk = max(1, options.chunkSize / dtype.byteSize)
        let chunkBytes = elementsPerChunk * dtype.byteSize
        let chunkCount = (bytes.count + chunkBytes - 1) / chunkBytes
        if options.level == 0 {
            let (chunks, statistics) = try writeStored(bytes, dtype: dtype, chunkBytes: chunkBytes, to: file)
            names.insert(name)
            tensors.append(TensorInfo(name: name, dtype: dtype, shape: shape, role: role,
                                      statistics: statistics.statistics, chunks: chunks))
            return
        }
        var statistics = StatisticsAccumulator()
        var chunks: [ChunkInfo] = []
        chunks.reserveCapacity(chunkCount)
        // Window k is written on `writeQueue` while window k + 1 is compressed (two encoder sets).
        let writes = DispatchGroup()
        let writeError = FirstError()
        var nextOffset = file.position
        var first = 0
        var set = 0
        while first < chunkCount {
            let window = prepareEncoders(set: set, count: min(windowSize, chunkCount - first), capacity: chunkBytes)
            let level = options.level, shuffle = options.shuffle, start = first
            parallelFor(window.count) { slot in
                let begin = (start + slot) * chunkBytes
                let raw = UnsafeRawBufferPointer(rebasing: bytes[begin..<min(begin + chunkBytes, bytes.count)])
                window[slot].encode(raw, dtype: dtype, level: level, shuffle: shuffle)
            }
            writes.wait()
            if writeError.value != nil { break }
            for encoder in window {
                var info = encoder.info
                info.offset = nextOffset
                nextOffset += info.storedLength
                chunks.append(info)
                statistics.merge(encoder.statistics)
            }
            writeQueue.async(group: writes) {
                do {
                    for encoder in window { try file.write(encoder.storedBytes) }
                } catch {
                    writeError.record(error)
                }
            }
            first += window.count
            set ^= 1
        }
        writes.wait()
        if let error = writeError.value {
            abort()
            throw error
        }
        names.insert(name)
        tensors.append(TensorInfo(name: name, dtype: dtype, shape: shape, role: role,
                                  statistics: statistics.statistics, chunks: chunks))
    }

    /// Writes the manifest (a UTF-8 JSON object), the directory and the footer, then fsyncs the file,
    /// renames it over `path` and fsyncs the directory. On failure the temporary file is removed.
    public func commit(manifest: Data) throws {
        guard let file else { throw CairnError(path: path, kind: .invalidArgument("writer already committed or aborted")) }
        guard Int64(manifest.count) <= FormatLimits.maxManifestBytes else {
            throw CairnError(path: path, kind: .limitExceeded("manifest of \(manifest.count) bytes (limit \(FormatLimits.maxManifestBytes))"))
        }
        guard ManifestCheck.isJSONObject(manifest) else {
            throw CairnError(path: path, kind: .invalidArgument("manifest is not a UTF-8 JSON object"))
        }
        do {
            let indexOffset = file.position
            var index = ByteWriter()
            SectionHeader(kind: SectionHeader.Kind.manifest.rawValue, flags: SectionHeader.requiredFlag, length: Int64(manifest.count)).encode(into: &index)
            index.append(contentsOf: [UInt8](manifest))
            let directory = TensorDirectory.encode(tensors)
            SectionHeader(kind: SectionHeader.Kind.tensorDirectory.rawValue, flags: SectionHeader.requiredFlag, length: Int64(directory.count)).encode(into: &index)
            index.append(contentsOf: directory)
            guard Int64(index.count) <= FormatLimits.maxIndexBytes else {
                throw CairnError(path: path, kind: .limitExceeded("index of \(index.count) bytes (limit \(FormatLimits.maxIndexBytes))"))
            }
            try file.write(index.bytes)
            let footer = FileFooter(indexOffset: indexOffset, indexLength: Int64(index.count),
                                    indexCRC32: CRC32.checksum(index.bytes), version: .current)
            try file.write(footer.encoded())
            try file.commit()
            self.file = nil
        } catch {
            abort()
            throw error
        }
    }

    /// Removes the temporary file and leaves the target untouched. Safe to call more than once.
    public func abort() {
        file?.discard()
        file = nil
    }

    /// Level 0: every chunk is stored raw (filter none, one stored plane), so every offset is known up
    /// front. Each chunk's statistics and CRC are computed and its bytes `pwrite`n from the caller's
    /// buffer on whichever thread takes it (no copy, no window barrier); statistics merge in file order.
    private func writeStored(_ bytes: UnsafeRawBufferPointer, dtype: DType, chunkBytes: Int,
                             to file: AtomicFile) throws -> ([ChunkInfo], StatisticsAccumulator) {
        let chunkCount = (bytes.count + chunkBytes - 1) / chunkBytes
        let base = file.position
        var summaries = [StatisticsAccumulator](repeating: StatisticsAccumulator(), count: chunkCount)
        var checksums = [UInt32](repeating: 0, count: chunkCount)
        let writeError = FirstError()
        summaries.withUnsafeMutableBufferPointer { summaries in
            checksums.withUnsafeMutableBufferPointer { checksums in
                parallelFor(chunkCount) { index in
                    let begin = index * chunkBytes
                    let raw = UnsafeRawBufferPointer(rebasing: bytes[begin..<min(begin + chunkBytes, bytes.count)])
                    summaries[index] = StatisticsAccumulator(dtype: dtype, bytes: raw)
                    checksums[index] = CRC32.checksum(raw)
                    do {
                        try file.write(raw, at: base + Int64(begin))
                    } catch {
                        writeError.record(error)
                    }
                }
            }
        }
        if let error = writeError.value {
            abort()
            throw error
        }
        do {
            try file.advance(to: base + Int64(bytes.count))
        } catch {
            abort()
            throw error
        }
        var statistics = StatisticsAccumulator()
        var chunks: [ChunkInfo] = []
        chunks.reserveCapacity(chunkCount)
        for index in 0..<chunkCount {
            let length = Int64(min(chunkBytes, bytes.count - index * chunkBytes))
            chunks.append(ChunkInfo(offset: base + Int64(index * chunkBytes), storedLength: length, rawLength: length,
                                    crc32: checksums[index], storedCRC32: checksums[index], filter: .none,
                                    planes: [PlaneInfo(codec: .stored, storedLength: length)]))
            statistics.merge(summaries[index])
        }
        return (chunks, statistics)
    }

    // MARK: - Helpers

    private var windowSize: Int { max(1, options.threads) * 2 }

    private func checkArguments(name: String, dtype: DType, shape: [Int], byteCount: Int) throws {
        let nameBytes = name.utf8.count
        guard nameBytes > 0, nameBytes <= FormatLimits.maxNameBytes else {
            throw CairnError(path: path, kind: .invalidArgument("tensor name of \(nameBytes) bytes (must be 1...\(FormatLimits.maxNameBytes))"), tensor: name)
        }
        guard !names.contains(name) else {
            throw CairnError(path: path, kind: .invalidArgument("a tensor of that name was already written"), tensor: name)
        }
        guard let count = Tensor.checkedElementCount(shape) else {
            throw CairnError(path: path, kind: .invalidArgument("shape \(shape) (negative dimension, rank above \(FormatLimits.maxRank) or too many elements)"), tensor: name)
        }
        guard byteCount == count * dtype.byteSize else {
            throw CairnError(path: path, kind: .invalidArgument("\(byteCount) bytes for shape \(shape) of \(dtype.name) (expected \(count * dtype.byteSize))"), tensor: name)
        }
    }

    private func prepareEncoders(set: Int, count: Int, capacity: Int) -> ArraySlice<ChunkEncoder> {
        if encoders[set].first.map({ $0.capacity < capacity }) ?? false { encoders[set].removeAll() }
        while encoders[set].count < count { encoders[set].append(ChunkEncoder(capacity: capacity)) }
        return encoders[set][0..<count]
    }

    private func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        if options.threads <= 1 || count <= 1 {
            for index in 0..<count { body(index) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }
}

/// The first error reported from another thread (guarded by a lock).
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?

    var value: Error? { lock.withLock { stored } }

    func record(_ error: Error) {
        lock.withLock { if stored == nil { stored = error } }
    }
}
