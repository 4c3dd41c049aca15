extension CairnError {
    /// What kind of problem an error is. Each code has a stable ``name`` (the spec and the tools' JSON output
    /// use it); compare codes with `==` or `switch` over the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible, CaseIterable {
        private enum Value: String, CaseIterable, Sendable {
            case notFound, io, truncated, badMagic, unsupportedVersion, checksumMismatch, limitExceeded, malformed
            case shapeMismatch, noSuchTensor, invalidArgument, unsupportedFeature, alreadyExists
            case invalidCheckpoint, invalidGraph, invalidData, incompatible, diverged, invalidConfiguration
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The code whose ``name`` is `name`, if there is one.
        public init?(name: String) {
            guard let value = Value(rawValue: name) else { return nil }
            self.value = value
        }

        /// The stable name (`checksumMismatch`, `invalidGraph`, ...), as used in the spec and in JSON output.
        public var name: String { value.rawValue }

        public var description: String { name }

        /// Every code, in the order they are declared here.
        public static var allCases: [Code] { Value.allCases.map(Code.init) }

        // MARK: Files and containers

        /// The file does not exist.
        public static let notFound = Code(.notFound)
        /// The operating system reported an error (the cause is a ``SystemCallError`` with its errno).
        public static let io = Code(.io)
        /// The file ends before a structure it declares.
        public static let truncated = Code(.truncated)
        /// The file does not start (or end) with the Cairn magic number.
        public static let badMagic = Code(.badMagic)
        /// The file's major version is not one this library reads.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A checksum (CRC-32) does not match the bytes it covers.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A size declared by a file or asked for is above a limit.
        public static let limitExceeded = Code(.limitExceeded)
        /// A structural rule of the format (Cairn, safetensors, npz, npy) is broken.
        public static let malformed = Code(.malformed)
        /// A tensor's shape is not the one the caller expected.
        public static let shapeMismatch = Code(.shapeMismatch)
        /// No tensor of that name is in the file.
        public static let noSuchTensor = Code(.noSuchTensor)
        /// The caller passed an argument the library cannot use.
        public static let invalidArgument = Code(.invalidArgument)
        /// The file needs a feature (a section kind, a codec, a dtype) this library does not know.
        public static let unsupportedFeature = Code(.unsupportedFeature)
        /// A save that must not replace a file found one at its path.
        public static let alreadyExists = Code(.alreadyExists)

        // MARK: Models, data and runs

        /// A sound container that is not a usable checkpoint: a manifest that does not decode, missing or
        /// misnamed tensors, optimizer state that does not fit.
        public static let invalidCheckpoint = Code(.invalidCheckpoint)
        /// A layer graph that cannot be built (the node says where).
        public static let invalidGraph = Code(.invalidGraph)
        /// A data file (CSV, IDX, NPY) that cannot be used (the line says where, when known).
        public static let invalidData = Code(.invalidData)
        /// Two things that do not fit together: data and model, a checkpoint and a graph, two models compared.
        public static let incompatible = Code(.incompatible)
        /// A training run whose loss became NaN or infinite.
        public static let diverged = Code(.diverged)
        /// Options that do not fit the inputs or one another (tools report these as usage errors, exit 64).
        public static let invalidConfiguration = Code(.invalidConfiguration)
    }
}
