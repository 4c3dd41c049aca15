/// A configuration value that cannot be used: out of range, contradicting another value, or not applying to
/// the run. `option` names the value by its `cairn-train`/`cairn-resume` flag (`--epochs`), which is also how
/// each configuration property is documented; the command-line tools report it as a usage error (exit 64).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The flag the value belongs to, e.g. `--freeze`.
    public var option: String
    /// One sentence naming the value and what is wrong with it.
    public var message: String

    public init(option: String, _ message: String) {
        self.option = option
        self.message = message
    }

    public var description: String { message }
}
