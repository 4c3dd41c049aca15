/// The batch-free shape of one max or average pooling, 1-D or 2-D: channels, input extent, window,
/// stride and symmetric zero padding (PyTorch's `MaxPool*d`/`AvgPool*d` with `ceil_mode=False`,
/// dilation 1). A 1-D pooling over `[N, C, L]` is the 2-D one with height 1.
///
/// Output extent per axis: `(input + 2 * padding - kernel) / stride + 1`. As in PyTorch, padding may be
/// at most half the window, so every window holds at least one input value.
public struct PoolingGeometry: Hashable, Sendable {
    public let channels: Int
    public let inputHeight: Int, inputWidth: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    /// Zeros (average) or ignored positions (max) on each side of each axis.
    public let padHeight: Int, padWidth: Int
    public let outputHeight: Int, outputWidth: Int
    /// Whether this was made as a 1-D geometry (height 1 throughout).
    public let isOneDimensional: Bool

    /// A 2-D pooling; `stride` defaults to the window (PyTorch's `stride=None`).
    public init(
        channels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int? = nil, strideWidth: Int? = nil, padHeight: Int = 0, padWidth: Int = 0
    )
        throws(KernelAttributeError)
    {
        try self.init(
            channels: channels, inputHeight: inputHeight, inputWidth: inputWidth, kernelHeight: kernelHeight,
            kernelWidth: kernelWidth, strideHeight: strideHeight ?? kernelHeight,
            strideWidth: strideWidth ?? kernelWidth, padHeight: padHeight, padWidth: padWidth,
            oneDimensional: false)
    }

    /// A 1-D pooling over `[N, channels, length]`; `stride` defaults to the window.
    public static func oneDimensional(
        channels: Int, length: Int, kernel: Int, stride: Int? = nil, padding: Int = 0
    )
        throws(KernelAttributeError) -> PoolingGeometry
    {
        try PoolingGeometry(
            channels: channels, inputHeight: 1, inputWidth: length, kernelHeight: 1, kernelWidth: kernel,
            strideHeight: 1, strideWidth: stride ?? kernel, padHeight: 0, padWidth: padding,
            oneDimensional: true)
    }

    private init(
        channels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int, strideWidth: Int, padHeight: Int, padWidth: Int, oneDimensional: Bool
    )
        throws(KernelAttributeError)
    {
        let width = oneDimensional ? "length" : "width"
        try GeometryArithmetic.requirePositive([
            ("channels", channels), ("input height", inputHeight), ("input \(width)", inputWidth),
            ("kernel height", kernelHeight), (oneDimensional ? "kernel size" : "kernel width", kernelWidth),
            ("stride height", strideHeight), (oneDimensional ? "stride" : "stride width", strideWidth),
        ])
        try GeometryArithmetic.requireNonNegative([
            ("padding height", padHeight),
            (oneDimensional ? "padding" : "padding width", padWidth),
        ])
        guard padHeight <= kernelHeight / 2 else {
            throw .poolingPaddingTooLarge(axis: "height", padding: padHeight, kernel: kernelHeight)
        }
        guard padWidth <= kernelWidth / 2 else {
            throw .poolingPaddingTooLarge(axis: width, padding: padWidth, kernel: kernelWidth)
        }
        outputHeight = try GeometryArithmetic.outputExtent(
            axis: "height", input: inputHeight, before: padHeight,
            after: padHeight, kernel: kernelHeight, stride: strideHeight,
            dilation: 1)
        outputWidth = try GeometryArithmetic.outputExtent(
            axis: width, input: inputWidth, before: padWidth,
            after: padWidth, kernel: kernelWidth, stride: strideWidth,
            dilation: 1)
        _ = try GeometryArithmetic.product([channels, inputHeight, inputWidth], "one input sample")
        self.channels = channels
        (self.inputHeight, self.inputWidth) = (inputHeight, inputWidth)
        (self.kernelHeight, self.kernelWidth) = (kernelHeight, kernelWidth)
        (self.strideHeight, self.strideWidth) = (strideHeight, strideWidth)
        (self.padHeight, self.padWidth) = (padHeight, padWidth)
        isOneDimensional = oneDimensional
    }

    /// Floats in one input sample, `C * H * W`.
    public var inputSize: Int { channels * inputHeight * inputWidth }
    /// Floats in one output sample, `C * H_out * W_out`.
    public var outputSize: Int { channels * outputHeight * outputWidth }
    /// One output sample's shape: `[C, L_out]` (1-D) or `[C, H_out, W_out]`.
    public var outputShape: [Int] {
        isOneDimensional ? [channels, outputWidth] : [channels, outputHeight, outputWidth]
    }

    /// The input rows the window of output row `oh` covers, padding left out.
    @inlinable
    public func inputRows(ofOutputRow oh: Int) -> Range<Int> {
        let top = oh * strideHeight - padHeight
        return max(top, 0)..<min(top + kernelHeight, inputHeight)
    }

    /// The input columns the window of output column `ow` covers, padding left out.
    @inlinable
    public func inputColumns(ofOutputColumn ow: Int) -> Range<Int> {
        let left = ow * strideWidth - padWidth
        return max(left, 0)..<min(left + kernelWidth, inputWidth)
    }
}
