/// How a convolution pads its input with zeros.
public enum ConvolutionPadding: Hashable, Sendable {
    /// PyTorch's `padding='same'`: the output has the input's size (stride 1 only). The
    /// `dilation * (kernel - 1)` zeros an axis needs are split evenly, the odd one going to the end
    /// (right, bottom), as PyTorch does.
    case same
    /// `amount` zeros on both sides of every spatial axis (a number in a layer's attributes).
    case zeros(Int)
    /// `height` zeros above and below, `width` zeros left and right (a 1-D geometry takes `height: 0`).
    case zerosPerAxis(height: Int, width: Int)
    /// Each side on its own.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
}
