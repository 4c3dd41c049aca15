/// What a batch is trained or evaluated against.
///
/// Classification graphs (ending in `softmax`) take `.labels`; all others take `.values`.
public enum Targets {
    /// Class ids in `[0, outputWidth)`, one per row. The caller validates the range when it loads
    /// data: a label outside it gives that row a NaN loss and no gradient (never a trap).
    case labels(UnsafeBufferPointer<Int32>)
    /// Real targets, row-major `[batch, outputWidth]`.
    case values(UnsafeBufferPointer<Float>)

    /// The targets of rows `start ..< start + count`, for a network of this output width.
    func rows(from start: Int, count: Int, width: Int) -> Targets {
        switch self {
        case .labels(let labels):
            return .labels(UnsafeBufferPointer(rebasing: labels[start..<start + count]))
        case .values(let values):
            return .values(UnsafeBufferPointer(rebasing: values[start * width..<(start + count) * width]))
        }
    }

    /// How many rows these targets hold for a network of this output width.
    func rowCount(width: Int) -> Int {
        switch self {
        case .labels(let labels): return labels.count
        case .values(let values): return width > 0 ? values.count / width : 0
        }
    }
}
