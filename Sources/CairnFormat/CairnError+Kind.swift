extension CairnError {
    /// The container's precise vocabulary, with the details each problem carries: the reader and the writer
    /// build their errors from these (`CairnError(path:kind:...)`), which gives the ``code`` of the same name
    /// and the message.
    public enum Kind: Sendable, Equatable {
        /// The file does not exist.
        case notFound
        /// The operating system reported an error (the message says which).
        case io(String)
        /// The file ends before a structure it declares.
        case truncated
        /// The file does not start (or end) with the Cairn magic number.
        case badMagic
        /// The file's major version is not one this library reads.
        case unsupportedVersion(major: Int, minor: Int)
        /// A CRC-32 does not match the bytes it covers.
        case checksumMismatch
        /// A size declared by the file is above a reader limit (the message says which).
        case limitExceeded(String)
        /// A structural rule of the format is broken (the message says which).
        case malformed(String)
        /// A tensor's shape is not the one the caller expected.
        case shapeMismatch(expected: [Int], actual: [Int])
        /// No tensor of that name is in the file.
        case noSuchTensor
        /// The caller passed an argument the library cannot use (the message says why).
        case invalidArgument(String)
        /// The file needs a feature (a required section kind, a codec) this reader does not know.
        case unsupportedFeature(String)
        /// A save that must not replace a file found one at its path (written by another process meanwhile).
        case alreadyExists
    }

    /// Creates an error from the container's vocabulary; see the properties for the other arguments.
    public init(
        path: String, kind: Kind, tensor: String? = nil, chunk: Int? = nil, offset: Int64? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.init(kind.code, path: path, tensor: tensor, chunk: chunk, offset: offset, kind.explanation, cause: cause)
    }
}

extension CairnError.Kind {
    /// The code of the same name.
    public var code: CairnError.Code {
        switch self {
        case .notFound: return .notFound
        case .io: return .io
        case .truncated: return .truncated
        case .badMagic: return .badMagic
        case .unsupportedVersion: return .unsupportedVersion
        case .checksumMismatch: return .checksumMismatch
        case .limitExceeded: return .limitExceeded
        case .malformed: return .malformed
        case .shapeMismatch: return .shapeMismatch
        case .noSuchTensor: return .noSuchTensor
        case .invalidArgument: return .invalidArgument
        case .unsupportedFeature: return .unsupportedFeature
        case .alreadyExists: return .alreadyExists
        }
    }

    /// The case name (`checksumMismatch`, `truncated`, ...), as used in the spec and in JSON output.
    public var name: String { code.name }

    /// The cause, as the end of a sentence.
    var explanation: String {
        switch self {
        case .notFound: return "no such file"
        case .io(let message): return "I/O error: \(message)"
        case .truncated: return "file truncated (it ends before a structure it declares, or has no footer)"
        case .badMagic: return "not a Cairn file (bad magic number)"
        case .unsupportedVersion(let major, let minor):
            return
                "unsupported format version \(major).\(minor) (this reader reads major version \(FormatVersion.current.major))"
        case .checksumMismatch: return "checksum mismatch (file damaged)"
        case .limitExceeded(let what): return "limit exceeded: \(what)"
        case .malformed(let what): return "malformed file: \(what)"
        case .shapeMismatch(let expected, let actual): return "shape mismatch: expected \(expected), found \(actual)"
        case .noSuchTensor: return "no such tensor"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .unsupportedFeature(let what): return "unsupported feature: \(what)"
        case .alreadyExists: return "already exists (another save put it there first; it was kept)"
        }
    }
}
