/// The shape of one sample's value on a graph edge, batch dimension excluded: `[features]` for a
/// vector, `[channels, length]` for a sequence, `[channels, height, width]` for an image. Values are
/// stored row-major, so a node's output for one sample is `elementCount` contiguous floats.
public struct ValueShape: Hashable, Sendable, CustomStringConvertible {
    /// The extents, outermost first; every extent is at least 1.
    public var dimensions: [Int]

    public init(_ dimensions: [Int]) {
        self.dimensions = dimensions
    }

    /// A vector of `count` features.
    public static func features(_ count: Int) -> ValueShape { ValueShape([count]) }

    /// The number of dimensions: 1 for features, 2 for sequences, 3 for images.
    public var rank: Int { dimensions.count }

    /// Floats per sample: the product of the extents.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Whether this is a plain feature vector (`[features]`).
    public var isFeatures: Bool { rank == 1 }

    /// `[64]`, `[1, 8, 8]`.
    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

    /// The element count when it is at most `limit` (and does not overflow), else nil.
    public func elementCount(atMost limit: Int) -> Int? {
        var total = 1
        for extent in dimensions {
            guard extent >= 1 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= limit else { return nil }
            total = product
        }
        return total
    }
}

/// The shape of every node's output in a validated graph, by node name.
public struct GraphShapes: Sendable, Equatable {
    /// Each node's output shape, by name.
    public var shapes: [String: ValueShape]

    public init(shapes: [String: ValueShape]) {
        self.shapes = shapes
    }

    /// The node's output shape, if the node exists.
    public func shape(of node: String) -> ValueShape? { shapes[node] }

    /// The node's output width (floats per sample), if the node exists.
    public subscript(node: String) -> Int? { shapes[node]?.elementCount }
}
