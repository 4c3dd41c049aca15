/// One trainable tensor of a `Network`: a dense node's weight (`[out, in]`, row-major) or bias
/// (`[out]`), with the gradient of the last backward pass beside it.
public final class Parameter {
    /// The checkpoint key: `"<node>.weight"` or `"<node>.bias"`.
    public let name: String
    /// The graph node that owns it.
    public let node: String
    public let shape: [Int]
    /// The values, row-major; always `shape`'s element count long.
    public var values: [Float]
    /// The gradient of the mean batch loss from the last backward pass (overwritten by each pass).
    public var gradient: [Float]
    /// Frozen parameters still get gradients, but the optimizer leaves them unchanged and leaves them
    /// out of the clipping norm.
    public var isFrozen: Bool

    /// The number of elements, the product of `shape`.
    public var count: Int { values.count }

    public init(name: String, node: String, shape: [Int], isFrozen: Bool = false) {
        self.name = name
        self.node = node
        self.shape = shape
        let count = shape.reduce(1, *)
        self.values = [Float](repeating: 0, count: count)
        self.gradient = [Float](repeating: 0, count: count)
        self.isFrozen = isFrozen
    }
}
