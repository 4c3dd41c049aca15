/// A `.cairn` format version: readers reject an unknown major version and accept any minor version
/// of a major version they know (skipping optional sections and trailing record bytes they do not know).
public struct FormatVersion: Sendable, Equatable, CustomStringConvertible {
    /// Incompatible changes bump this.
    public var major: Int
    /// Compatible additions (new optional sections, new trailing fields) bump this.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The version this library writes.
    public static let current = FormatVersion(major: 1, minor: 0)

    /// `major.minor`.
    public var description: String { "\(major).\(minor)" }
}
