/// An error reading or writing a `.cairn` file.
///
/// Every error names the file and, when known, the tensor, the chunk and the byte offset where the
/// problem was found. `description` is one line, for example
/// `runs/a/latest.cairn: tensor dense2.weight, chunk 3 at byte 18874368: checksum mismatch (file damaged)`.
public struct CairnError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
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

    /// The file the error is about.
    public var path: String
    /// What went wrong.
    public var kind: Kind
    /// The tensor involved, if any.
    public var tensor: String?
    /// The index of the chunk within its tensor, if any.
    public var chunk: Int?
    /// The absolute byte offset in the file where the problem was found, if known.
    public var offset: Int64?

    /// Creates an error; see the properties for the meaning of each argument.
    public init(path: String, kind: Kind, tensor: String? = nil, chunk: Int? = nil, offset: Int64? = nil) {
        self.path = path
        self.kind = kind
        self.tensor = tensor
        self.chunk = chunk
        self.offset = offset
    }

    /// One line: file, thing, cause.
    public var description: String {
        var place: [String] = []
        if let tensor { place.append("tensor \(tensor)") }
        var position = ""
        if let chunk { position = "chunk \(chunk)" }
        if let offset { position += (position.isEmpty ? "" : " ") + "at byte \(offset)" }
        if !position.isEmpty { place.append(position) }
        let subject = ([path.isEmpty ? nil : path] + [place.isEmpty ? nil : place.joined(separator: ", ")]).compactMap { $0 }
        return (subject + [kind.explanation]).joined(separator: ": ")
    }
}

extension CairnError.Kind {
    /// The case name (`checksumMismatch`, `truncated`, ...), as used in the spec and in JSON output.
    public var name: String {
        switch self {
        case .notFound: return "notFound"
        case .io: return "io"
        case .truncated: return "truncated"
        case .badMagic: return "badMagic"
        case .unsupportedVersion: return "unsupportedVersion"
        case .checksumMismatch: return "checksumMismatch"
        case .limitExceeded: return "limitExceeded"
        case .malformed: return "malformed"
        case .shapeMismatch: return "shapeMismatch"
        case .noSuchTensor: return "noSuchTensor"
        case .invalidArgument: return "invalidArgument"
        case .unsupportedFeature: return "unsupportedFeature"
        case .alreadyExists: return "alreadyExists"
        }
    }

    /// The cause, as the end of a sentence.
    var explanation: String {
        switch self {
        case .notFound: return "no such file"
        case .io(let message): return "I/O error: \(message)"
        case .truncated: return "file truncated (it ends before a structure it declares, or has no footer)"
        case .badMagic: return "not a Cairn file (bad magic number)"
        case .unsupportedVersion(let major, let minor):
            return "unsupported format version \(major).\(minor) (this reader reads major version \(FormatVersion.current.major))"
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
