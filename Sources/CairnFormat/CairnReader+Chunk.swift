/// Scratch memory for reading one chunk at a time: one per thread, reused from chunk to chunk, so a
/// streaming reader allocates nothing per chunk.
public final class ChunkReadContext {
    let decoder = ChunkDecoder()

    public init() {}
}

extension CairnReader {
    /// Decodes chunk `index` of tensor `name` into `destination` (exactly the chunk's `rawLength`
    /// bytes) and checks its CRC-32. Safe from several threads at once, each with its own `context`.
    /// Errors name the file, the tensor and the chunk.
    public func readChunk(
        _ name: String, _ index: Int, into destination: UnsafeMutableRawBufferPointer,
        context: ChunkReadContext
    ) throws {
        let (info, chunk) = try chunkRecord(name, index)
        guard destination.count == Int(chunk.rawLength) else {
            throw CairnError(
                path: path,
                kind: .invalidArgument("buffer of \(destination.count) bytes for a chunk of \(chunk.rawLength)"),
                tensor: name, chunk: index)
        }
        if let error = context.decoder.decode(
            chunk, index: index, tensor: name, dtype: info.dtype, from: source, into: destination, checkStored: false)
        {
            throw error
        }
    }
}

extension CairnReader {
    /// Reads chunk `index` of tensor `name` as stored (compressed, shuffled: `storedLength` bytes) into
    /// `destination` and checks the stored bytes' CRC-32, without decoding them. Lets a comparison know
    /// two chunks are equal, and sound, without inflating either. Safe from several threads at once.
    public func readStoredChunk(_ name: String, _ index: Int, into destination: UnsafeMutableRawBufferPointer) throws {
        let chunk = try chunkRecord(name, index).chunk
        guard destination.count == Int(chunk.storedLength) else {
            throw CairnError(
                path: path,
                kind: .invalidArgument("buffer of \(destination.count) bytes for \(chunk.storedLength) stored bytes"),
                tensor: name, chunk: index)
        }
        do {
            try source.read(into: destination, at: chunk.offset)
        } catch var error as CairnError {
            error.tensor = name
            error.chunk = index
            throw error
        }
        guard CRC32.checksum(UnsafeRawBufferPointer(destination)) == chunk.storedCRC32 else {
            throw CairnError(path: path, kind: .checksumMismatch, tensor: name, chunk: index, offset: chunk.offset)
        }
    }
}

extension CairnReader {
    /// Tensor `name`'s directory entry and its chunk `index`; errors name the file, the tensor and the index.
    fileprivate func chunkRecord(_ name: String, _ index: Int) throws -> (info: TensorInfo, chunk: ChunkInfo) {
        guard let info = info(named: name) else { throw CairnError(path: path, kind: .noSuchTensor, tensor: name) }
        guard info.chunks.indices.contains(index) else {
            throw CairnError(
                path: path, kind: .invalidArgument("chunk \(index) outside 0..<\(info.chunks.count)"), tensor: name)
        }
        return (info, info.chunks[index])
    }
}
