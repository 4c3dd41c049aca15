#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#else
    private let systemWrite = Darwin.write
#endif

/// A temporary file beside a target path, written sequentially and renamed over the target on commit
/// (fsync file, rename, fsync directory). Owns the descriptor; removes the temporary file unless committed.
final class AtomicFile {
    let targetPath: String
    let temporaryPath: String
    private var descriptor: Int32
    private(set) var position: Int64 = 0
    private let faults: FaultInjection?
    private let replacesExisting: Bool
    private var finished = false

    init(targetPath: String, faults: FaultInjection?, replacesExisting: Bool = true) throws {
        self.targetPath = targetPath
        self.faults = faults
        self.replacesExisting = replacesExisting
        let url = URL(fileURLWithPath: targetPath)
        let directory = url.deletingLastPathComponent().path
        // A writer of this file that was killed left its temporary file; it can never complete.
        StaleTemporaries.remove(in: directory, target: url.lastPathComponent)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-" + random
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFile.error(targetPath, "cannot create temporary file \(temporaryPath)")
        }
    }

    deinit {
        discard()
    }

    static func error(_ path: String, _ what: String, errno code: Int32 = errno) -> CairnError {
        .io(path: path, what, call: systemCall(in: what), errno: code)
    }

    /// The system call an `error` message is about (its messages start with the call's name).
    private static func systemCall(in what: String) -> String {
        let calls = ["write", "seek", "fsync", "close", "rename", "link"]
        return calls.first { what.hasPrefix($0) }.map { $0 == "seek" ? "lseek" : $0 } ?? "open"
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var remaining = bytes
        if let budget = faults?.byteBudget, position + Int64(bytes.count) > budget {
            let allowed = Int(max(0, budget - position))
            remaining = UnsafeRawBufferPointer(rebasing: bytes[0..<allowed])
            try writeAll(remaining)
            throw AtomicFile.error(targetPath, "write to \(temporaryPath) failed (fault injection)", errno: ENOSPC)
        }
        try writeAll(remaining)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.error(targetPath, "write to \(temporaryPath) failed")
            }
            offset += written
            position += Int64(written)
        }
    }

    /// Writes `bytes` at `offset` with `pwrite`, leaving `position` alone: safe from several threads at
    /// once for disjoint ranges. Call `advance(to:)` before the next sequential `write`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var count = bytes.count
        if let budget = faults?.byteBudget, offset + Int64(count) > budget { count = Int(max(0, budget - offset)) }
        var done = 0
        while done < count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, count - done, off_t(offset + Int64(done)))
            if written < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.error(targetPath, "write to \(temporaryPath) failed")
            }
            done += written
        }
        if count < bytes.count {
            throw AtomicFile.error(targetPath, "write to \(temporaryPath) failed (fault injection)", errno: ENOSPC)
        }
    }

    /// After positioned writes filled the file up to `offset`: sequential writes continue there.
    func advance(to offset: Int64) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw AtomicFile.error(targetPath, "seek in \(temporaryPath) failed")
        }
        position = offset
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// fsync, close, rename over the target, fsync the directory.
    func commit() throws {
        if faults?.failSync == true {
            throw AtomicFile.error(targetPath, "fsync of \(temporaryPath) failed (fault injection)", errno: EIO)
        }
        guard fsync(descriptor) == 0 else { throw AtomicFile.error(targetPath, "fsync of \(temporaryPath) failed") }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw AtomicFile.error(targetPath, "close of \(temporaryPath) failed") }
        if faults?.failRename == true {
            throw AtomicFile.error(targetPath, "rename of \(temporaryPath) failed (fault injection)", errno: EIO)
        }
        if replacesExisting {
            guard rename(temporaryPath, targetPath) == 0 else {
                throw AtomicFile.error(targetPath, "rename of \(temporaryPath) failed")
            }
        } else {
            try linkWithoutReplacing()
        }
        finished = true
        let directory = URL(fileURLWithPath: targetPath).deletingLastPathComponent().path
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else {
            throw AtomicFile.error(targetPath, "cannot open directory \(directory) to fsync it")
        }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else {
            throw AtomicFile.error(targetPath, "fsync of directory \(directory) failed")
        }
    }

    /// Puts the temporary file at the target only if nothing is there: `link` fails rather than replace,
    /// then the temporary name is removed. File systems without hard links fall back to a check and a
    /// rename.
    private func linkWithoutReplacing() throws {
        if link(temporaryPath, targetPath) == 0 {
            unlink(temporaryPath)
            return
        }
        let code = errno
        if code == EEXIST {
            throw CairnError(path: targetPath, kind: .alreadyExists)
        }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EXDEV else {
            throw AtomicFile.error(targetPath, "link of \(temporaryPath) failed", errno: code)
        }
        guard access(targetPath, F_OK) != 0 else { throw CairnError(path: targetPath, kind: .alreadyExists) }
        guard rename(temporaryPath, targetPath) == 0 else {
            throw AtomicFile.error(targetPath, "rename of \(temporaryPath) failed")
        }
    }

    /// Closes and removes the temporary file (no-op after a successful commit).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !finished {
            unlink(temporaryPath)
            finished = true
        }
    }
}
