/// When two values count as equal: exactly NumPy's `isclose` / `allclose` rule,
/// `|a - b| <= atol + rtol * |b|` (not symmetric: `b` is the reference, as in NumPy), evaluated in
/// double precision. Infinities equal only the same infinity; NaN equals NaN only with `equalNaN`.
/// The defaults (0, 0) mean exact equality (`0` and `-0` are equal, as in NumPy).
public struct DiffTolerance: Sendable, Equatable, Codable {
    /// Absolute tolerance (NumPy's `atol`), at least 0.
    public var absolute: Double
    /// Relative tolerance (NumPy's `rtol`), at least 0, relative to the second file's value.
    public var relative: Double
    /// Whether a NaN equals a NaN (NumPy's `equal_nan`).
    public var equalNaN: Bool

    public init(absolute: Double = 0, relative: Double = 0, equalNaN: Bool = false) {
        self.absolute = absolute
        self.relative = relative
        self.equalNaN = equalNaN
    }

    /// Whether the tolerance is exact equality (atol and rtol both 0).
    public var isExact: Bool { absolute == 0 && relative == 0 }

    /// Whether `a` (first file) and `b` (second file) count as equal.
    @inline(__always)
    public func isClose(_ a: Double, _ b: Double) -> Bool {
        if a.isFinite && b.isFinite { return abs(a - b) <= absolute + relative * abs(b) }
        if a.isNaN || b.isNaN { return equalNaN && a.isNaN && b.isNaN }
        return a == b
    }

    private enum CodingKeys: String, CodingKey {
        case absolute = "atol", relative = "rtol", equalNaN = "equal_nan"
    }
}
