/// Why a run stopped without finishing.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The batch loss became NaN or infinite.
        case nonFiniteLoss
        /// The data does not fit the model (width or class count).
        case dataMismatch
        /// A checkpoint could not be used to continue.
        case inconsistentCheckpoint
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
