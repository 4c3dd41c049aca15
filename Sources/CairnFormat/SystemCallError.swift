#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operating-system call that failed, with its errno: the ``CairnError/cause`` of `io` errors.
/// `description` is the system's text for the errno (`No space left on device`).
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The call that failed (`open`, `pread`, `fsync`, ...).
    public var call: String
    /// The errno the call left.
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String { String(cString: strerror(errno)) }
}
