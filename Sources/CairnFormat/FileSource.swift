#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only file descriptor with positioned, bounds-checked reads (safe from many threads at once).
final class FileSource: Sendable {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw code == ENOENT
                ? CairnError(path: path, kind: .notFound) : .io(path: path, "cannot open", call: "open", errno: code)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw CairnError.io(path: path, "cannot stat", call: "fstat", errno: code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw CairnError(path: path, kind: .io("not a regular file"))
        }
        size = Int64(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` from `offset`; throws `truncated` if the file ends first.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        guard offset >= 0, offset <= size, Int64(buffer.count) <= size - offset else {
            throw CairnError(path: path, kind: .truncated, offset: offset)
        }
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if got < 0 {
                if errno == EINTR { continue }
                throw CairnError.io(
                    path: path, "read failed", call: "pread", errno: errno, offset: offset + Int64(done))
            }
            if got == 0 { throw CairnError(path: path, kind: .truncated, offset: offset + Int64(done)) }
            done += got
        }
    }

    /// Reads `count` bytes at `offset` (the caller has checked `count` against the file size).
    func read(count: Int, at offset: Int64) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, Int64(count) <= size - offset else {
            throw CairnError(path: path, kind: .truncated, offset: offset)
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = count
        }
    }
}
