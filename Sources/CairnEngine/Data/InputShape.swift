import CairnModel

/// `--input-shape`: the shape each sample's values are read as, written `N`, `CxL` or `CxHxW` (`64`,
/// `1x40`, `1x8x8`). It reinterprets a row of features (a CSV row, an NPY or IDX `[N, features]` array)
/// without moving any value; data that already carries a shape (NPY `[N, C, H, W]`, IDX `[N, H, W]`)
/// must agree with it.
public struct InputShape: Sendable, Equatable, CustomStringConvertible {
    /// The extents, outermost first; 1 to 3 of them, each at least 1.
    public let dimensions: [Int]

    /// The most values one sample may have (the widest graph input).
    public static var maximumValues: Int { GraphSpec.maximumWidth }

    /// Checks `dimensions`: 1 to 3 extents, each at least 1, at most `maximumValues` values in all; throws a
    /// configuration error naming `--input-shape` (a usage error).
    public init(_ dimensions: [Int]) throws {
        let text = dimensions.map(String.init).joined(separator: "x")
        guard (1...3).contains(dimensions.count) else {
            throw Self.malformed(text, "needs 1 to 3 extents (N, CxL or CxHxW)")
        }
        guard ValueShape(dimensions).elementCount(atMost: Self.maximumValues) != nil else {
            throw Self.malformed(text, "each extent must be at least 1, at most \(Self.maximumValues) values in all")
        }
        self.dimensions = dimensions
    }

    /// Parses `N`, `CxL` or `CxHxW` (decimal extents separated by `x`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        var dimensions = [Int]()
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let extent = Int(part) else {
                throw Self.malformed(text, "expected N, CxL or CxHxW with whole numbers, like 64, 1x40 or 1x8x8")
            }
            dimensions.append(extent)
        }
        try self.init(dimensions)
    }

    /// Values per sample: the product of the extents.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// `1x8x8`, as the flag is written.
    public var description: String { dimensions.map(String.init).joined(separator: "x") }

    /// `dataset` with its samples read as this shape. A dataset of feature vectors takes it when the
    /// counts agree; one that already carries a shape (rank 2 or 3) must have exactly this one. Errors name
    /// the dataset's file (invalid data, exit 2).
    public func applied(to dataset: Dataset) throws -> Dataset {
        var shaped = dataset
        if dataset.hasFlatSamples {
            guard dataset.width == elementCount else {
                throw CairnError.data(
                    path: dataset.source,
                    "rows have \(dataset.width) features, --input-shape \(self) needs \(elementCount)")
            }
        } else if dataset.sampleShape != dimensions {
            throw CairnError.data(
                path: dataset.source,
                "holds samples of shape \(ValueShape(dataset.sampleShape)), --input-shape \(self) asks for \(ValueShape(dimensions))"
            )
        }
        shaped.sampleShape = dimensions
        return shaped
    }

    private static func malformed(_ text: String, _ reason: String) -> CairnError {
        CairnError.configuration(option: "--input-shape", "--input-shape '\(text)': \(reason)")
    }
}
