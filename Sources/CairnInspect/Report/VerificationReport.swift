import CairnFormat

/// The result of `cairn-inspect --verify`: every chunk's stored and raw CRC and decoding, the header,
/// and (when opening) the footer, index CRC, directory rules and the tiling of the data region.
/// `--json` keys: `file`, `sound`, `opened`, `tensors_checked`, `chunks_checked`, `damaged_tensors`,
/// `problems` (each `code`, `kind`, `tensor`, `chunk`, `offset`, `message`).
public struct VerificationReport: Encodable, Sendable {
    public struct Problem: Codable, Sendable {
        /// The error's code (`checksumMismatch`, `truncated`, `malformed`, ...; spec section 9).
        public var code: String
        /// The same name as `code`, under the key earlier versions wrote.
        public var kind: String
        public var tensor: String?
        public var chunk: Int?
        public var offset: Int64?
        /// One line naming the file, the place and the cause.
        public var message: String

        public init(code: String, tensor: String? = nil, chunk: Int? = nil, offset: Int64? = nil, message: String) {
            self.code = code
            self.kind = code
            self.tensor = tensor
            self.chunk = chunk
            self.offset = offset
            self.message = message
        }
    }

    public var file: String
    /// True when nothing is wrong.
    public var sound: Bool { problems.isEmpty }
    /// False when the file could not be opened at all (its index, footer or header is unreadable).
    public var opened: Bool
    public var tensorsChecked: Int
    public var chunksChecked: Int
    /// Names of the tensors with at least one damaged chunk, in file order.
    public var damagedTensors: [String]
    public var problems: [Problem]

    private enum CodingKeys: String, CodingKey {
        case file, sound, opened, tensorsChecked = "tensors_checked", chunksChecked = "chunks_checked"
        case damagedTensors = "damaged_tensors", problems
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(sound, forKey: .sound)
        try container.encode(opened, forKey: .opened)
        try container.encode(tensorsChecked, forKey: .tensorsChecked)
        try container.encode(chunksChecked, forKey: .chunksChecked)
        try container.encode(damagedTensors, forKey: .damagedTensors)
        try container.encode(problems, forKey: .problems)
    }

    /// Opens and verifies `path`; never throws: every failure is a problem in the report.
    public static func verify(path: String) -> VerificationReport {
        let reader: CairnReader
        do {
            reader = try CairnReader(path: path)
        } catch {
            return VerificationReport(
                file: path, opened: false, tensorsChecked: 0, chunksChecked: 0, damagedTensors: [],
                problems: [problem(error, path: path)])
        }
        let errors = reader.verify()
        var damaged: [String] = []
        for error in errors {
            if let tensor = error.tensor, !damaged.contains(tensor) { damaged.append(tensor) }
        }
        return VerificationReport(
            file: path, opened: true, tensorsChecked: reader.tensors.count,
            chunksChecked: reader.tensors.reduce(0) { $0 + $1.chunks.count }, damagedTensors: damaged,
            problems: errors.map { problem($0, path: path) })
    }

    static func problem(_ error: Error, path: String) -> Problem {
        if let error = error as? CairnError {
            return Problem(
                code: error.code.name, tensor: error.tensor, chunk: error.chunk, offset: error.offset,
                message: error.description)
        }
        return Problem(code: CairnError.Code.io.name, message: CairnError.naming(path, error).description)
    }

    /// One line per problem, then a verdict line.
    public func text() -> String {
        var lines = problems.map(\.message)
        if sound {
            lines.append("\(file): sound (\(tensorsChecked) tensors, \(chunksChecked) chunks checked)")
        } else if !opened {
            lines.append("\(file): DAMAGED (cannot be opened)")
        } else {
            lines.append(
                "\(file): DAMAGED: \(problems.count) problem(s)"
                    + (damagedTensors.isEmpty ? "" : " in tensor(s) \(damagedTensors.joined(separator: ", "))"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
