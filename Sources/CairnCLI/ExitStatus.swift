/// The exit codes every Cairn tool shares.
public enum ExitStatus: Int32, Sendable {
    /// Success.
    case ok = 0
    /// The tool found something: `cairn-diff` differences, `cairn-audit` findings,
    /// `cairn-inspect --verify` damage, `cairn-resume --verify` divergence.
    case found = 1
    /// Trouble: an unreadable or damaged file, an I/O error, a failed run.
    case trouble = 2
    /// Bad usage: an unknown flag or an invalid value.
    case usage = 64
    /// Stopped by SIGINT after saving a checkpoint.
    case interrupted = 130
    /// Stopped by SIGTERM after saving a checkpoint.
    case terminated = 143
}
