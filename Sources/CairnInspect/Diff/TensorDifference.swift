import CairnFormat

/// How one tensor compares, with the statistics of its difference when both files hold it with the
/// same shape. JSON keys: `name`, `status`, `max_abs_diff`, `max_abs_diff_index`, `mean_abs_diff`,
/// `rel_l2`, `cosine`, `mismatched`, `mismatched_fraction`, and the dtypes, shapes and roles.
public struct TensorDifference: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Every element within tolerance.
        case same
        /// Some element outside tolerance.
        case changed
        /// Only in the second file.
        case added
        /// Only in the first file.
        case removed
        /// Both files hold it, with different shapes (not compared).
        case reshaped
        /// Both files hold it with the same shape but different dtypes (compared as doubles).
        case dtypeChanged = "dtype-changed"
    }

    public var name: String
    public var status: Status
    public var role: String
    public var dtypeA: String?
    public var dtypeB: String?
    public var shapeA: [Int]?
    public var shapeB: [Int]?
    /// Elements compared (nil when not compared).
    public var elements: Int?
    /// Largest |a - b| over finite pairs, and where (multi-dimensional index; nil when it is 0).
    public var maxAbsDiff: Double?
    public var maxAbsDiffIndex: [Int]?
    public var meanAbsDiff: Double?
    /// ||a - b|| / ||a||.
    public var relL2: Double?
    public var cosine: Double?
    /// Elements outside tolerance, their fraction, and the first one's index.
    public var mismatched: Int?
    public var mismatchedFraction: Double?
    public var firstMismatchIndex: [Int]?
    /// Pairs with a NaN or infinity on either side.
    public var nonFinite: Int?
    /// `.cairn` chunks known equal from their CRCs without being inflated.
    public var chunksKnownEqual: Int?

    /// Whether this tensor makes the files different.
    public var differs: Bool { status != .same }

    public init(
        name: String, status: Status, role: String, dtypeA: String?, dtypeB: String?, shapeA: [Int]?, shapeB: [Int]?
    ) {
        self.name = name
        self.status = status
        self.role = role
        self.dtypeA = dtypeA
        self.dtypeB = dtypeB
        self.shapeA = shapeA
        self.shapeB = shapeB
    }

    /// Fills in the statistics of a comparison of tensors of shape `shape`.
    public mutating func record(_ accumulator: TensorDifferenceAccumulator, shape: [Int], chunksKnownEqual: Int) {
        elements = accumulator.count
        maxAbsDiff = accumulator.maxAbsDifference
        // Where the largest difference is; none when every finite pair is equal.
        maxAbsDiffIndex =
            accumulator.maxAbsDifferenceIndex >= 0 && accumulator.maxAbsDifference > 0
            ? Self.multiIndex(accumulator.maxAbsDifferenceIndex, shape: shape) : nil
        meanAbsDiff = accumulator.meanAbsDifference
        relL2 = accumulator.relativeL2
        cosine = accumulator.cosine
        mismatched = accumulator.mismatched
        mismatchedFraction = accumulator.mismatchedFraction
        firstMismatchIndex =
            accumulator.firstMismatchIndex >= 0 ? Self.multiIndex(accumulator.firstMismatchIndex, shape: shape) : nil
        nonFinite = accumulator.nonFinitePairs
        self.chunksKnownEqual = chunksKnownEqual
        if status == .same && accumulator.mismatched > 0 { status = .changed }
    }

    /// The row-major multi-dimensional index of flat index `flat` (`[flat]` for a 1-D tensor, `[]` for a scalar).
    public static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    private enum CodingKeys: String, CodingKey {
        case name, status, role, dtypeA = "dtype_a", dtypeB = "dtype_b", shapeA = "shape_a", shapeB = "shape_b",
            elements
        case maxAbsDiff = "max_abs_diff", maxAbsDiffIndex = "max_abs_diff_index", meanAbsDiff = "mean_abs_diff"
        case relL2 = "rel_l2", cosine, mismatched, mismatchedFraction = "mismatched_fraction"
        case firstMismatchIndex = "first_mismatch_index", nonFinite = "non_finite", chunksKnownEqual =
            "chunks_known_equal"
    }
}

extension TensorDifference {
    /// Encodes every key, absent values as `null`, so every entry has the same keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(role, forKey: .role)
        try c.encode(dtypeA, forKey: .dtypeA)
        try c.encode(dtypeB, forKey: .dtypeB)
        try c.encode(shapeA, forKey: .shapeA)
        try c.encode(shapeB, forKey: .shapeB)
        try c.encode(elements, forKey: .elements)
        try c.encode(maxAbsDiff, forKey: .maxAbsDiff)
        try c.encode(maxAbsDiffIndex, forKey: .maxAbsDiffIndex)
        try c.encode(meanAbsDiff, forKey: .meanAbsDiff)
        try c.encode(relL2, forKey: .relL2)
        try c.encode(cosine, forKey: .cosine)
        try c.encode(mismatched, forKey: .mismatched)
        try c.encode(mismatchedFraction, forKey: .mismatchedFraction)
        try c.encode(firstMismatchIndex, forKey: .firstMismatchIndex)
        try c.encode(nonFinite, forKey: .nonFinite)
        try c.encode(chunksKnownEqual, forKey: .chunksKnownEqual)
    }
}
