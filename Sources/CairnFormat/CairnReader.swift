import Foundation

/// Reads a `.cairn` file. Opening reads the header, footer, manifest and tensor directory only and checks
/// them completely (every offset and length against the file size, before allocating); tensor data is
/// read on demand, one tensor or a range of its chunks at a time, decompressed on all cores.
/// Safe to use from several threads at once.
public final class CairnReader: Sendable {
    /// The file.
    public let path: String
    /// The file's format version.
    public let version: FormatVersion
    /// The manifest: UTF-8 bytes of a JSON object.
    public let manifest: Data
    /// Tensor directory entries in file order.
    public let tensors: [TensorInfo]
    private let indexByName: [String: Int]
    let source: FileSource
    private let threads: Int

    /// Size of the file in bytes.
    public var fileSize: Int64 { source.size }

    /// Opens `path` and reads its footer, directory and manifest.
    public init(path: String) throws {
        self.path = path
        source = try FileSource(path: path)
        threads = ProcessInfo.processInfo.activeProcessorCount
        let size = source.size
        let minimum = Int64(FileHeader.size + FileFooter.size)
        // Spec section 4.1: the magic bytes the file has, then its size, then the header, then the footer.
        let header = try source.read(count: Int(min(size, Int64(FileHeader.size))), at: 0)
        let magicPrefix = min(header.count, FileHeader.magic.count)
        guard header[0..<magicPrefix].elementsEqual(FileHeader.magic[0..<magicPrefix]) else {
            throw CairnError(path: path, kind: .badMagic, offset: 0)
        }
        guard size >= minimum else { throw CairnError(path: path, kind: .truncated, offset: size) }
        let fileHeader = try FileHeader.decode(header, path: path)
        let footer = try FileFooter.decode(
            try source.read(count: FileFooter.size, at: size - Int64(FileFooter.size)),
            fileSize: size, headerVersion: fileHeader.version, path: path)
        version = fileHeader.version
        let index = try source.read(count: Int(footer.indexLength), at: footer.indexOffset)
        guard CRC32.checksum(index) == footer.indexCRC32 else {
            throw CairnError(path: path, kind: .checksumMismatch, offset: footer.indexOffset)
        }
        let sections = try IndexSections.decode(
            index, at: footer.indexOffset,
            dataRegion: Int64(FileHeader.size)..<footer.indexOffset, path: path)
        manifest = sections.manifest
        tensors = sections.tensors
        indexByName = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// The directory entry of a tensor.
    public func info(named name: String) -> TensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// Reads, decompresses and checks one tensor; nothing else in the file is read.
    public func read(_ name: String) throws -> Tensor {
        let info = try requireInfo(name)
        let bytes = try readChunks(name, 0..<info.chunks.count)
        return Tensor(unchecked: info.dtype, shape: info.shape, bytes: bytes)
    }

    /// Reads one tensor and checks its shape.
    public func read(_ name: String, expectingShape shape: [Int]) throws -> Tensor {
        let info = try requireInfo(name)
        guard info.shape == shape else {
            throw CairnError(path: path, kind: .shapeMismatch(expected: shape, actual: info.shape), tensor: name)
        }
        return try read(name)
    }

    /// The raw (decompressed, unshuffled) bytes of chunks `range` of a tensor, concatenated.
    public func readChunks(_ name: String, _ range: Range<Int>) throws -> [UInt8] {
        let info = try requireInfo(name)
        guard range.lowerBound >= 0, range.upperBound <= info.chunks.count else {
            throw CairnError(
                path: path, kind: .invalidArgument("chunk range \(range) outside 0..<\(info.chunks.count)"),
                tensor: name)
        }
        let chunks = Array(info.chunks[range])
        var starts: [Int] = []
        var total = 0
        for chunk in chunks {
            starts.append(total)
            total += Int(chunk.rawLength)
        }
        return try [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            // Each chunk decodes into its own disjoint range of `output`, which outlives the parallel loop.
            nonisolated(unsafe) let output = UnsafeMutableRawBufferPointer(buffer)
            let errors = forEachChunk(chunks.count) { [starts] decoder, position in
                let chunk = chunks[position]
                let target = UnsafeMutableRawBufferPointer(
                    rebasing: output[starts[position]..<(starts[position] + Int(chunk.rawLength))])
                return decoder.decode(
                    chunk, index: range.lowerBound + position, tensor: name, dtype: info.dtype, from: source,
                    into: target, checkStored: false)
            }
            if let first = errors.first {
                initialized = 0
                throw first
            }
            initialized = total
        }
    }

    /// Checks everything a reader can check: the header, and every chunk's stored and raw CRC,
    /// encoding and (bool) values (the footer, manifest and directory were checked when opening; spec
    /// section 10). Empty when sound; errors in directory order.
    public func verify() -> [CairnError] {
        var errors: [CairnError] = []
        do {
            _ = try FileHeader.decode(try source.read(count: FileHeader.size, at: 0), path: path)
        } catch let error as CairnError {
            errors.append(error)
        } catch {
            errors.append(CairnError(.io, path: path, "I/O error", cause: error))
        }
        for info in tensors {
            errors += forEachChunk(info.chunks.count) { decoder, position in
                decoder.verify(
                    info.chunks[position], index: position, tensor: info.name, dtype: info.dtype, from: source)
            }
        }
        return errors
    }

    // MARK: - Helpers

    private func requireInfo(_ name: String) throws -> TensorInfo {
        guard let info = info(named: name) else { throw CairnError(path: path, kind: .noSuchTensor, tensor: name) }
        return info
    }

    /// Runs `body` over `count` chunks on all cores (work-stealing, no barrier between chunks) and
    /// returns the errors in chunk order. Decoders come from a pool, so scratch memory is bounded by the
    /// number of chunks in flight, not by the tensor.
    private func forEachChunk(_ count: Int, _ body: @Sendable (ChunkDecoder, Int) -> CairnError?) -> [CairnError] {
        guard count > 0 else { return [] }
        let pool = DecoderPool()
        var results = [CairnError?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { results in
            // Iteration `index` alone writes `slots[index]`; the loop returns before `results` is read.
            nonisolated(unsafe) let slots = results
            if count == 1 || threads <= 1 {
                let decoder = pool.take()
                for index in 0..<count { slots[index] = body(decoder, index) }
            } else {
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    let decoder = pool.take()
                    slots[index] = body(decoder, index)
                    pool.put(decoder)
                }
            }
        }
        return results.compactMap { $0 }
    }
}

/// Chunk decoders shared by the threads of one read (taken and returned under a lock).
private final class DecoderPool: Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`; a decoder taken out is used by one thread until it is put back. Not a `Mutex`:
    /// Swift 6 rejects moving a non-Sendable value into a `Mutex` from its closure (swiftlang/swift#77199).
    nonisolated(unsafe) private var free: [ChunkDecoder] = []

    func take() -> ChunkDecoder {
        lock.withLock { free.popLast() } ?? ChunkDecoder()
    }

    func put(_ decoder: ChunkDecoder) {
        lock.withLock { free.append(decoder) }
    }
}
