/// Why a convolution, pooling or batch-normalization kernel refused its attributes or input: each case
/// names the attribute at fault and its value, so a graph validator can put it in a sentence about the node.
public enum KernelAttributeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A size that must be at least 1 (channels, input extent, kernel, stride, dilation) is not.
    case notPositive(attribute: String, value: Int)
    /// Zero padding below 0.
    case negativePadding(attribute: String, value: Int)
    /// `padding = "same"` with a stride other than 1 (PyTorch refuses it too: the output size would not
    /// equal the input size).
    case samePaddingNeedsStrideOne(stride: Int)
    /// The (dilated) kernel does not fit in the padded input, so the output would have no positions.
    case emptyOutput(axis: String, paddedInput: Int, dilatedKernel: Int)
    /// Pooling padding larger than half the kernel (PyTorch's rule: a window could then hold padding only).
    case poolingPaddingTooLarge(axis: String, padding: Int, kernel: Int)
    /// An element count (a tensor, a weight, one sample's lowered columns) would not fit the 32-bit sizes
    /// BLAS takes, or would overflow.
    case tooLarge(what: String)
    /// A 1-D geometry given padding for a height axis it does not have.
    case heightPaddingInOneDimension(Int)
    /// A real-valued attribute (momentum, epsilon) outside its range, or not finite.
    case outOfRange(attribute: String, value: Double, expected: String)
    /// Batch statistics over a single value per channel (PyTorch refuses them too: no variance).
    case singleValuePerChannel

    public var description: String {
        switch self {
        case .notPositive(let attribute, let value): return "\(attribute) must be at least 1, got \(value)"
        case .negativePadding(let attribute, let value): return "\(attribute) must not be negative, got \(value)"
        case .samePaddingNeedsStrideOne(let stride):
            return "padding \"same\" needs stride 1, got stride \(stride)"
        case .emptyOutput(let axis, let padded, let kernel):
            return "the \(axis) kernel spans \(kernel) positions but the padded input has only \(padded): no output"
        case .poolingPaddingTooLarge(let axis, let padding, let kernel):
            return "\(axis) padding \(padding) is more than half the kernel size \(kernel)"
        case .tooLarge(let what): return "\(what) would be too large (more than \(Int32.max) elements)"
        case .heightPaddingInOneDimension(let padding):
            return "a 1-D geometry has no height to pad (height padding \(padding))"
        case .outOfRange(let attribute, let value, let expected):
            return "\(attribute) must be \(expected), got \(value)"
        case .singleValuePerChannel:
            return "batch statistics need more than one value per channel (batch 1 without positions)"
        }
    }
}

/// Checked size arithmetic shared by the geometries.
public enum GeometryArithmetic {
    /// The product of `factors`, or `tooLarge(what)` when it overflows or exceeds `Int32.max` (BLAS sizes).
    public static func product(_ factors: [Int], _ what: String) throws(KernelAttributeError) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, value <= Int(Int32.max) else { throw .tooLarge(what: what) }
            result = value
        }
        return result
    }

    /// Positions of a window of `kernel` taps `dilation` apart, moved by `stride` over `input` plus
    /// `before` and `after` zeros: `(input + before + after - dilation * (kernel - 1) - 1) / stride + 1`.
    public static func outputExtent(
        axis: String, input: Int, before: Int, after: Int, kernel: Int, stride: Int,
        dilation: Int
    ) throws(KernelAttributeError) -> Int {
        let limit = Int(Int32.max)
        guard input <= limit, before <= limit, after <= limit, kernel <= limit, dilation <= limit
        else { throw .tooLarge(what: "the \(axis) extent") }
        // Every term is below 2^31, so these cannot overflow a 64-bit Int.
        let padded = input + before + after
        let span = dilation * (kernel - 1) + 1
        guard padded <= limit, span <= limit else { throw .tooLarge(what: "the padded \(axis) extent") }
        guard padded >= span else { throw .emptyOutput(axis: axis, paddedInput: padded, dilatedKernel: span) }
        return (padded - span) / stride + 1
    }

    public static func requirePositive(_ values: [(String, Int)]) throws(KernelAttributeError) {
        for (attribute, value) in values where value < 1 { throw .notPositive(attribute: attribute, value: value) }
    }

    public static func requireNonNegative(_ values: [(String, Int)]) throws(KernelAttributeError) {
        for (attribute, value) in values where value < 0 { throw .negativePadding(attribute: attribute, value: value) }
    }
}
