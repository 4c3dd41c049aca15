import Foundation
import Synchronization

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
    /// Per encoder set and slot, a buffer for chunk bytes read on demand (`write(...reading:)`). A chunk
    /// stored raw is written from its buffer, so each set keeps its own until its window is written.
    private var staging: [[UnsafeMutableRawBufferPointer]] = [[], []]
    private let writeQueue = DispatchQueue(label: "cairn.writer")

    /// Opens a temporary file beside `path` and writes the header.
    public init(path: String, options: WriteOptions = WriteOptions()) throws {
        try options.validate(path: path)
        self.path = path
        self.options = options
        let file = try AtomicFile(
            targetPath: path, faults: options.faultInjection, replacesExisting: options.replacesExisting)
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
        for buffer in staging.joined() { buffer.deallocate() }
    }

    /// Appends a tensor held in a `Tensor`.
    public func write(name: String, role: TensorRole, tensor: Tensor) throws {
        try tensor.bytes.withUnsafeBytes {
            try write(name: name, role: role, dtype: tensor.dtype, shape: tensor.shape, bytes: $0)
        }
    }

    /// Appends a tensor from caller-owned bytes (row-major, little-endian), without copying the whole tensor.
    public func write(name: String, role: TensorRole, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) throws
    {
        if dtype == .bool, let bad = bytes.firstIndex(where: { $0 > 1 }) {
            throw CairnError(
                path: path, kind: .invalidArgument("bool element \(bad) holds \(bytes[bad]), not 0 or 1"), tensor: name)
        }
        try write(name: name, role: role, dtype: dtype, shape: shape, byteCount: bytes.count, input: .memory(bytes))
    }

    /// Appends a tensor whose bytes (row-major, little-endian) are read on demand, one chunk at a time:
    /// `read(offset, buffer)` fills `buffer` with the tensor's bytes from `offset`. It is called from
    /// several threads at once, each call for a different chunk, so it must be safe to call concurrently
    /// (a positioned file read is). Memory stays within the writer's window of chunks whatever the
    /// tensor's size, and each chunk is compressed right after it is read, while it is in cache. The
    /// file's bytes are the same as `write(...bytes:)` would give. A throwing `read` aborts the writer.
    public func write(
        name: String, role: TensorRole, dtype: DType, shape: [Int],
        reading read: @Sendable (_ offset: Int, _ buffer: UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        let count = Tensor.checkedElementCount(shape) ?? -1
        try withoutActuallyEscaping(read) { read in
            try write(
                name: name, role: role, dtype: dtype, shape: shape, byteCount: count < 0 ? -1 : count * dtype.byteSize,
                input: .reader(read))
        }
    }

    /// Where a tensor's chunk bytes come from.
    private enum ChunkInput {
        case memory(UnsafeRawBufferPointer)
        case reader(@Sendable (Int, UnsafeMutableRawBufferPointer) throws -> Void)

        /// Whether chunks are read into the writer's staging buffers.
        var isReader: Bool {
            if case .reader = self { return true }
            return false
        }
    }

    private func write(
        name: String, role: TensorRole, dtype: DType, shape: [Int], byteCount: Int, input: ChunkInput
    ) throws {
        guard let file else {
            throw CairnError(path: path, kind: .invalidArgument("writer already committed or aborted"), tensor: name)
        }
        try checkArguments(name: name, dtype: dtype, shape: shape, byteCount: byteCount)
        let elementsPerChunk = max(1, options.chunkSize / dtype.byteSize)
        let chunkBytes = elementsPerChunk * dtype.byteSize
        let chunkCount = (byteCount + chunkBytes - 1) / chunkBytes
        if input.isReader { prepareStaging(capacity: chunkBytes) }
        let readError = FirstError()
        let valueError = FirstError()
        /// The bytes of chunk `index`, read into slot `slot` of staging set `set` when they come from a reader.
        func chunk(_ index: Int, set: Int, slot: Int) -> UnsafeRawBufferPointer? {
            let begin = index * chunkBytes, end = min(begin + chunkBytes, byteCount)
            switch input {
            case .memory(let bytes):
                return UnsafeRawBufferPointer(rebasing: bytes[begin..<end])
            case .reader(let read):
                let buffer = UnsafeMutableRawBufferPointer(rebasing: staging[set][slot][0..<(end - begin)])
                do {
                    try read(begin, buffer)
                } catch {
                    readError.record(error)
                    return nil
                }
                // Recorded, not thrown at once: a failure of a later read (a source's own checksum, say) is
                // the better diagnosis, so it takes precedence.
                if dtype == .bool, let bad = buffer.firstIndex(where: { $0 > 1 }) {
                    valueError.record(
                        CairnError(
                            path: path,
                            kind: .invalidArgument(
                                "bool element \(begin + bad) holds \(buffer[bad]), not 0 or 1"), tensor: name))
                }
                return UnsafeRawBufferPointer(buffer)
            }
        }
        if options.level == 0 {
            let (chunks, statistics) = try writeStored(
                byteCount: byteCount, dtype: dtype, chunkBytes: chunkBytes, to: file,
                inWindows: input.isReader,
                chunk: chunk, readError: readError)
            if let error = valueError.value {
                abort()
                throw error
            }
            names.insert(name)
            tensors.append(
                TensorInfo(
                    name: name, dtype: dtype, shape: shape, role: role,
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
            let readSet = set
            parallelFor(window.count) { slot in
                guard let raw = chunk(start + slot, set: readSet, slot: slot) else { return }
                window[slot].encode(raw, dtype: dtype, level: level, shuffle: shuffle)
            }
            writes.wait()
            if writeError.value != nil || readError.value != nil { break }
            for encoder in window {
                var info = encoder.info
                info.offset = nextOffset
                nextOffset += info.storedLength
                chunks.append(info)
                statistics.merge(encoder.statistics)
            }
            // Handed to `writeQueue`: this encoder set is reused two windows on, after `writes.wait()` has seen
            // this write finish, and `file` is not touched on this thread again until the final `writes.wait()`.
            nonisolated(unsafe) let written = window, file = file
            writeQueue.async(group: writes) {
                do {
                    for encoder in written { try file.write(encoder.storedBytes) }
                } catch {
                    writeError.record(error)
                }
            }
            first += window.count
            set ^= 1
        }
        writes.wait()
        if let error = readError.value ?? writeError.value ?? valueError.value {
            abort()
            throw error
        }
        names.insert(name)
        tensors.append(
            TensorInfo(
                name: name, dtype: dtype, shape: shape, role: role,
                statistics: statistics.statistics, chunks: chunks))
    }

    /// Writes the manifest (a UTF-8 JSON object), the directory and the footer, then fsyncs the file,
    /// renames it over `path` and fsyncs the directory. On failure the temporary file is removed.
    public func commit(manifest: Data) throws {
        guard let file else {
            throw CairnError(path: path, kind: .invalidArgument("writer already committed or aborted"))
        }
        guard Int64(manifest.count) <= FormatLimits.maxManifestBytes else {
            throw CairnError(
                path: path,
                kind: .limitExceeded("manifest of \(manifest.count) bytes (limit \(FormatLimits.maxManifestBytes))"))
        }
        guard ManifestCheck.isJSONObject(manifest) else {
            throw CairnError(path: path, kind: .invalidArgument("manifest is not a UTF-8 JSON object"))
        }
        do {
            let indexOffset = file.position
            var index = ByteWriter()
            SectionHeader(
                kind: SectionHeader.Kind.manifest.rawValue, flags: SectionHeader.requiredFlag,
                length: Int64(manifest.count)
            ).encode(into: &index)
            index.append(contentsOf: [UInt8](manifest))
            let directory = TensorDirectory.encode(tensors)
            SectionHeader(
                kind: SectionHeader.Kind.tensorDirectory.rawValue, flags: SectionHeader.requiredFlag,
                length: Int64(directory.count)
            ).encode(into: &index)
            index.append(contentsOf: directory)
            guard Int64(index.count) <= FormatLimits.maxIndexBytes else {
                throw CairnError(
                    path: path,
                    kind: .limitExceeded("index of \(index.count) bytes (limit \(FormatLimits.maxIndexBytes))"))
            }
            try file.write(index.bytes)
            let footer = FileFooter(
                indexOffset: indexOffset, indexLength: Int64(index.count),
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
    /// front. Each chunk's statistics and CRC are computed and its bytes `pwrite`n on whichever thread
    /// takes it: from the caller's buffer (no copy, no window barrier), or, `inWindows`, from staging
    /// buffers filled a window at a time. Statistics merge in file order.
    private func writeStored(
        byteCount: Int, dtype: DType, chunkBytes: Int, to file: AtomicFile, inWindows: Bool,
        chunk: (Int, Int, Int) -> UnsafeRawBufferPointer?,
        readError: FirstError
    ) throws -> ([ChunkInfo], StatisticsAccumulator) {
        let chunkCount = (byteCount + chunkBytes - 1) / chunkBytes
        let base = file.position
        var summaries = [StatisticsAccumulator](repeating: StatisticsAccumulator(), count: chunkCount)
        var checksums = [UInt32](repeating: 0, count: chunkCount)
        let writeError = FirstError()
        let window = inWindows ? windowSize : max(chunkCount, 1)
        summaries.withUnsafeMutableBufferPointer { summaries in
            checksums.withUnsafeMutableBufferPointer { checksums in
                var first = 0
                while first < chunkCount, writeError.value == nil, readError.value == nil {
                    let start = first
                    parallelFor(min(window, chunkCount - start)) { slot in
                        let index = start + slot
                        guard let raw = chunk(index, 0, slot) else { return }
                        summaries[index] = StatisticsAccumulator(dtype: dtype, bytes: raw)
                        checksums[index] = CRC32.checksum(raw)
                        do {
                            try file.write(raw, at: base + Int64(index * chunkBytes))
                        } catch {
                            writeError.record(error)
                        }
                    }
                    first += window
                }
            }
        }
        if let error = readError.value ?? writeError.value {
            abort()
            throw error
        }
        do {
            try file.advance(to: base + Int64(byteCount))
        } catch {
            abort()
            throw error
        }
        var statistics = StatisticsAccumulator()
        var chunks: [ChunkInfo] = []
        chunks.reserveCapacity(chunkCount)
        for index in 0..<chunkCount {
            let length = Int64(min(chunkBytes, byteCount - index * chunkBytes))
            chunks.append(
                ChunkInfo(
                    offset: base + Int64(index * chunkBytes), storedLength: length, rawLength: length,
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
            throw CairnError(
                path: path,
                kind: .invalidArgument("tensor name of \(nameBytes) bytes (must be 1...\(FormatLimits.maxNameBytes))"),
                tensor: name)
        }
        guard !names.contains(name) else {
            throw CairnError(
                path: path, kind: .invalidArgument("a tensor of that name was already written"), tensor: name)
        }
        guard let count = Tensor.checkedElementCount(shape) else {
            throw CairnError(
                path: path,
                kind: .invalidArgument(
                    "shape \(shape) (negative dimension, rank above \(FormatLimits.maxRank) or too many elements)"),
                tensor: name)
        }
        guard byteCount == count * dtype.byteSize else {
            throw CairnError(
                path: path,
                kind: .invalidArgument(
                    "\(byteCount) bytes for shape \(shape) of \(dtype.name) (expected \(count * dtype.byteSize))"),
                tensor: name)
        }
    }

    /// Gives both staging sets a window of buffers of at least `capacity` bytes.
    private func prepareStaging(capacity: Int) {
        for set in 0..<2 {
            if staging[set].first.map({ $0.count < capacity }) ?? false {
                for buffer in staging[set] { buffer.deallocate() }
                staging[set].removeAll()
            }
            while staging[set].count < windowSize {
                staging[set].append(.allocate(byteCount: capacity, alignment: 64))
            }
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
            withoutActuallyEscaping(body) { body in
                // `concurrentPerform` takes a `@Sendable` closure. The bodies here touch, per index, only that
                // index's encoder, staging buffer, output slots and file range, and shared state only through
                // `FirstError`; `concurrentPerform` returns after every iteration has finished.
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: count) { body($0) }
            }
        }
    }
}

/// The first error reported from another thread.
private final class FirstError: Sendable {
    private let stored = Mutex<Error?>(nil)

    var value: Error? { stored.withLock { $0 } }

    func record(_ error: Error) {
        stored.withLock { if $0 == nil { $0 = error } }
    }
}
