import Foundation

/// How `CairnWriter` cuts and compresses tensors. The bytes of a file depend on these options and the
/// data only, never on `threads`.
public struct WriteOptions: Sendable {
    /// Uncompressed bytes per chunk (rounded down to whole elements, at least one element;
    /// 1 ... 256 MiB). Default 1 MiB.
    public var chunkSize: Int
    /// zlib level for planes that get LZ77 deflate: 0 stores every chunk raw, 1 ... 9 compress.
    /// Default 6 (only low-entropy planes, such as constant tensors, use LZ77; others use Huffman-only
    /// coding, for which the level makes no difference).
    public var level: Int
    /// Byte-shuffle multi-byte elements before compressing. Default true.
    public var shuffle: Bool
    /// Threads compressing chunks (1 = on the calling thread). Default: the active processor count.
    public var threads: Int
    /// Test seam: failures to inject into the file sink (nil in normal use).
    public var faultInjection: FaultInjection?
    /// Whether `commit` may replace a file already at the path (default). When false, a file that
    /// appears at the path while this one is written (another process's save) is kept and `commit`
    /// fails with `alreadyExists`, so nothing already saved is lost.
    public var replacesExisting = true

    public init(
        chunkSize: Int = 1 << 20, level: Int = 6, shuffle: Bool = true,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.chunkSize = chunkSize
        self.level = level
        self.shuffle = shuffle
        self.threads = threads
        self.faultInjection = nil
    }

    /// Throws `invalidArgument` for out-of-range values.
    func validate(path: String) throws {
        guard (1...Int(FormatLimits.maxChunkRawBytes)).contains(chunkSize) else {
            throw CairnError(
                path: path,
                kind: .invalidArgument("chunk size \(chunkSize) (must be 1...\(FormatLimits.maxChunkRawBytes))"))
        }
        guard (0...9).contains(level) else {
            throw CairnError(path: path, kind: .invalidArgument("compression level \(level) (must be 0...9)"))
        }
        guard threads >= 1 else {
            throw CairnError(path: path, kind: .invalidArgument("threads \(threads) (must be at least 1)"))
        }
    }
}

/// Failures `CairnWriter` simulates, so tests reach error paths through a seam rather than a full disk.
public struct FaultInjection: Sendable, Equatable {
    /// Fail with "no space left on device" once this many bytes have been written to the temporary file.
    public var byteBudget: Int64?
    /// Fail the fsync of the temporary file.
    public var failSync: Bool
    /// Fail the rename over the target.
    public var failRename: Bool

    public init(byteBudget: Int64? = nil, failSync: Bool = false, failRename: Bool = false) {
        self.byteBudget = byteBudget
        self.failSync = failSync
        self.failRename = failRename
    }
}
