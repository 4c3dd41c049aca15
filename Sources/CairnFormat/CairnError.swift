import Foundation

/// Every error the Cairn libraries throw, from a damaged chunk to a diverged run.
///
/// One shape for all layers, after swift-nio's `FileSystemError`: a ``code`` saying what kind of problem it
/// is (stable names, used by the spec and in JSON output), a ``message`` saying what is wrong, the place
/// (the file, and when known the graph node, tensor, chunk, byte offset, line or archive member) and the
/// underlying ``cause`` (an operating-system error with its errno, a JSON decoding error, a lower layer's
/// `CairnError`). `description` is one line, for example
/// `runs/a/latest.cairn: tensor dense2.weight, chunk 3 at byte 18874368: checksum mismatch (file damaged)`
/// or `model.cairn: graph node 'dense1': units must be positive`.
public struct CairnError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public var code: Code
    /// What is wrong, as the end of a sentence (without the place, which `description` puts in front).
    public var message: String
    /// The file the error is about (empty when there is none, e.g. a graph built in memory).
    public var path: String
    /// The graph node involved, if any.
    public var node: String?
    /// The tensor involved, if any.
    public var tensor: String?
    /// The index of the chunk within its tensor, if any.
    public var chunk: Int?
    /// The absolute byte offset in the file where the problem was found, if known.
    public var offset: Int64?
    /// The 1-based line of a text file (CSV), if known.
    public var line: Int?
    /// The tensor or archive member of a foreign file (safetensors, npz, npy), if any.
    public var item: String?
    /// The command-line option a configuration value belongs to (`--epochs`), for ``Code/invalidConfiguration``
    /// errors; the message names it too, so `description` does not repeat it.
    public var option: String?
    /// The underlying error: a ``SystemCallError`` carrying the errno, a `DecodingError`, a lower layer's
    /// `CairnError`. `description` ends with it.
    public var cause: (any Error & Sendable)?

    /// Creates an error; see the properties for the meaning of each argument.
    public init(
        _ code: Code, path: String = "", node: String? = nil, tensor: String? = nil, chunk: Int? = nil,
        offset: Int64? = nil, line: Int? = nil, item: String? = nil, _ message: String,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.node = node
        self.tensor = tensor
        self.chunk = chunk
        self.offset = offset
        self.line = line
        self.item = item
        self.cause = cause
    }

    /// One line: the file, the place in it, what is wrong and the cause.
    public var description: String {
        var parts: [String] = []
        if !path.isEmpty { parts.append(path) }
        if let node { parts.append("graph node '\(Self.printable(node))'") }
        var place: [String] = []
        if let tensor { place.append("tensor \(Self.printable(tensor))") }
        var position = ""
        if let chunk { position = "chunk \(chunk)" }
        if let offset { position += (position.isEmpty ? "" : " ") + "at byte \(offset)" }
        if !position.isEmpty { place.append(position) }
        if !place.isEmpty { parts.append(place.joined(separator: ", ")) }
        if let line { parts.append("line \(line)") }
        if let item { parts.append(Self.printable(item)) }
        if !message.isEmpty { parts.append(message) }
        if let cause { parts.append(Self.describe(cause)) }
        return parts.joined(separator: ": ")
    }

    /// Errors are equal when code, message, place and the cause's description agree.
    public static func == (lhs: CairnError, rhs: CairnError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.path == rhs.path && lhs.node == rhs.node
            && lhs.tensor == rhs.tensor && lhs.chunk == rhs.chunk && lhs.offset == rhs.offset && lhs.line == rhs.line
            && lhs.item == rhs.item && lhs.option == rhs.option && lhs.cause.map(describe) == rhs.cause.map(describe)
    }

    /// A one-line description of any error: a `CairnError` or ``SystemCallError`` describes itself, a
    /// `DecodingError` names the key at fault (`missing key 'graph.nodes'`), Foundation's errors give their
    /// localized description. Line breaks become spaces.
    public static func describe(_ error: any Error) -> String {
        let text: String
        if let error = error as? CairnError {
            text = error.description
        } else if let error = error as? DecodingError {
            text = describe(decoding: error)
        } else if let cocoa = error as? CocoaError {
            text = cocoa.localizedDescription
        } else if type(of: error as Any) is NSError.Type {
            text = (error as NSError).localizedDescription
        } else {
            text = String(describing: error)
        }
        return text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }

    /// A JSON decoding error in a few words: the key at fault and what is wrong with it.
    static func describe(decoding error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "key '\(path(context.codingPath))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON" : "key '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "cannot be decoded"
        }
    }

    /// `name` with control characters and line separators written as `\u{XX}`, so a description stays one line
    /// whatever a file names its tensors.
    static func printable(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
