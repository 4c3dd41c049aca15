/// The batch-free shape of one convolution, 1-D or 2-D: channels, input extent, kernel, stride, zero
/// padding per side, dilation, and the output extent they give.
///
/// Tensors are row-major `[N, C, H, W]`; a 1-D convolution over `[N, C, L]` is the 2-D one with height 1
/// (`inputHeight == 1`, `kernelHeight == 1`, no height padding), so both run one code path. Weights are
/// stored as PyTorch stores them, `[out, in, kh, kw]` (1-D: `[out, in, k]`, the same floats), which is
/// row-major `[out, in * kh * kw]`: the lowered-column order `(c, i, j)` used by `Convolution`.
///
/// Output extent per axis: `(input + before + after - dilation * (kernel - 1) - 1) / stride + 1`, as
/// PyTorch computes it. A geometry exists only when that is at least 1 and every tensor it implies
/// fits 32-bit BLAS sizes.
public struct ConvolutionGeometry: Hashable, Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let inputHeight: Int, inputWidth: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let dilationHeight: Int, dilationWidth: Int
    /// Zeros above, below, left of and right of the input.
    public let padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
    public let outputHeight: Int, outputWidth: Int
    /// Whether this was made as a 1-D geometry (height 1 throughout).
    public let isOneDimensional: Bool

    /// A 2-D convolution geometry; throws when no output position exists or a size is out of range.
    public init(
        inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
        padding: ConvolutionPadding = .zeros(0), dilationHeight: Int = 1, dilationWidth: Int = 1
    )
        throws(KernelAttributeError)
    {
        try self.init(
            inputChannels: inputChannels, outputChannels: outputChannels, inputHeight: inputHeight,
            inputWidth: inputWidth, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: strideHeight, strideWidth: strideWidth, padding: padding,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth, oneDimensional: false)
    }

    /// A 1-D convolution geometry over inputs `[N, inputChannels, length]` (padding `.zeros(p)` pads both
    /// ends of the length axis).
    public static func oneDimensional(
        inputChannels: Int, outputChannels: Int, length: Int, kernel: Int,
        stride: Int = 1, padding: ConvolutionPadding = .zeros(0), dilation: Int = 1
    )
        throws(KernelAttributeError) -> ConvolutionGeometry
    {
        let flat: ConvolutionPadding
        switch padding {
        case .same: flat = .same
        case .zeros(let amount): flat = .explicit(top: 0, bottom: 0, left: amount, right: amount)
        case .zerosPerAxis(let height, let width):
            guard height == 0 else { throw .heightPaddingInOneDimension(height) }
            flat = .explicit(top: 0, bottom: 0, left: width, right: width)
        case .explicit(let top, let bottom, let left, let right):
            guard top == 0, bottom == 0 else { throw .heightPaddingInOneDimension(max(top, bottom)) }
            flat = .explicit(top: 0, bottom: 0, left: left, right: right)
        }
        return try ConvolutionGeometry(
            inputChannels: inputChannels, outputChannels: outputChannels, inputHeight: 1,
            inputWidth: length, kernelHeight: 1, kernelWidth: kernel, strideHeight: 1,
            strideWidth: stride, padding: flat, dilationHeight: 1, dilationWidth: dilation,
            oneDimensional: true)
    }

    private init(
        inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        padding: ConvolutionPadding, dilationHeight: Int, dilationWidth: Int, oneDimensional: Bool
    )
        throws(KernelAttributeError)
    {
        // A 1-D geometry names its one axis plainly: "kernel size", "stride", "input length".
        let width =
            oneDimensional
            ? (input: "input length", kernel: "kernel size", stride: "stride", dilation: "dilation")
            : (input: "input width", kernel: "kernel width", stride: "stride width", dilation: "dilation width")
        try GeometryArithmetic.requirePositive([
            ("input channels", inputChannels), ("output channels", outputChannels),
            ("input height", inputHeight), (width.input, inputWidth), ("kernel height", kernelHeight),
            (width.kernel, kernelWidth), ("stride height", strideHeight), (width.stride, strideWidth),
            ("dilation height", dilationHeight), (width.dilation, dilationWidth),
        ])
        let top: Int
        let bottom: Int
        let left: Int
        let right: Int
        switch padding {
        case .same:
            guard strideHeight == 1, strideWidth == 1 else {
                throw .samePaddingNeedsStrideOne(stride: strideHeight == 1 ? strideWidth : strideHeight)
            }
            // PyTorch: total = dilation * (kernel - 1); the left/top side gets total / 2.
            let limit = Int(Int32.max)
            guard kernelHeight <= limit, kernelWidth <= limit, dilationHeight <= limit, dilationWidth <= limit
            else { throw .tooLarge(what: "the kernel") }
            let totalHeight = dilationHeight * (kernelHeight - 1)
            let totalWidth = dilationWidth * (kernelWidth - 1)
            (top, bottom) = (totalHeight / 2, totalHeight - totalHeight / 2)
            (left, right) = (totalWidth / 2, totalWidth - totalWidth / 2)
        case .zeros(let amount):
            (top, bottom, left, right) = (amount, amount, amount, amount)
        case .zerosPerAxis(let height, let width):
            (top, bottom, left, right) = (height, height, width, width)
        case .explicit(let t, let b, let l, let r):
            (top, bottom, left, right) = (t, b, l, r)
        }
        try GeometryArithmetic.requireNonNegative([
            ("padding top", top), ("padding bottom", bottom),
            ("padding left", left), ("padding right", right),
        ])
        outputHeight = try GeometryArithmetic.outputExtent(
            axis: "height", input: inputHeight, before: top, after: bottom,
            kernel: kernelHeight, stride: strideHeight,
            dilation: dilationHeight)
        outputWidth = try GeometryArithmetic.outputExtent(
            axis: oneDimensional ? "length" : "width", input: inputWidth,
            before: left, after: right, kernel: kernelWidth,
            stride: strideWidth, dilation: dilationWidth)
        (self.inputChannels, self.outputChannels) = (inputChannels, outputChannels)
        (self.inputHeight, self.inputWidth) = (inputHeight, inputWidth)
        (self.kernelHeight, self.kernelWidth) = (kernelHeight, kernelWidth)
        (self.strideHeight, self.strideWidth) = (strideHeight, strideWidth)
        (self.dilationHeight, self.dilationWidth) = (dilationHeight, dilationWidth)
        (padTop, padBottom, padLeft, padRight) = (top, bottom, left, right)
        isOneDimensional = oneDimensional
        // Every size the kernels index with must fit BLAS's 32-bit arguments.
        _ = try GeometryArithmetic.product([inputChannels, inputHeight, inputWidth], "one input sample")
        _ = try GeometryArithmetic.product([outputChannels, outputHeight, outputWidth], "one output sample")
        _ = try GeometryArithmetic.product([outputChannels, inputChannels, kernelHeight, kernelWidth], "the weight")
        _ = try GeometryArithmetic.product(
            [inputChannels, kernelHeight, kernelWidth, outputHeight, outputWidth],
            "one sample's lowered columns")
    }

    /// Floats in one input sample, `C_in * H * W`.
    public var inputSize: Int { inputChannels * inputHeight * inputWidth }
    /// Floats in one output sample, `C_out * H_out * W_out`.
    public var outputSize: Int { outputChannels * outputHeight * outputWidth }
    /// Output positions per channel, `H_out * W_out`.
    public var outputPositions: Int { outputHeight * outputWidth }
    /// Input positions per channel, `H * W`.
    public var inputPositions: Int { inputHeight * inputWidth }
    /// Rows of the lowered input (one per weight of an output channel): `C_in * kh * kw`.
    public var patchSize: Int { inputChannels * kernelHeight * kernelWidth }
    /// Floats in the weight `[out, in, kh, kw]`.
    public var weightCount: Int { outputChannels * patchSize }
    /// The weight's shape as PyTorch stores it: `[out, in, k]` (1-D) or `[out, in, kh, kw]`.
    public var weightShape: [Int] {
        isOneDimensional
            ? [outputChannels, inputChannels, kernelWidth]
            : [outputChannels, inputChannels, kernelHeight, kernelWidth]
    }
    /// One output sample's shape: `[C_out, L_out]` (1-D) or `[C_out, H_out, W_out]`.
    public var outputShape: [Int] {
        isOneDimensional ? [outputChannels, outputWidth] : [outputChannels, outputHeight, outputWidth]
    }
    /// PyTorch's fan-in for initialisation: `C_in * kh * kw`; fan-out: `C_out * kh * kw`.
    public var fanIn: Int { patchSize }
    public var fanOut: Int { outputChannels * kernelHeight * kernelWidth }
}
