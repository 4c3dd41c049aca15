/// The geometry a convolution or pooling node computes, from its attributes and its input's shape: the one
/// place that reads those attributes, for graph validation and for the engine's kernels alike.
extension NodeSpec {
    /// `values` stretched to `axes` entries (one value: every axis), or `fallback` per axis when absent.
    func extents(_ values: [Int]?, _ attribute: NodeAttribute, axes: Int, fallback: [Int]?) throws -> [Int]? {
        guard let values else { return fallback }
        if values.count == 1 { return [Int](repeating: values[0], count: axes) }
        guard values.count == axes else {
            throw CairnError.graph(node: name, "\(attribute.rawValue) has \(values.count) values; give 1 or \(axes)")
        }
        return values
    }

    /// The spatial axes a `kind` node works over: 1 for `conv1d`, 2 for `conv2d`, the input's rank minus
    /// one for pools; throws when the input has no such axes.
    func spatialAxes(input: NodeKindDefinition.Input) throws -> Int {
        let rank = input.shape.rank
        switch kind {
        case .conv1d, .conv2d:
            let axes = kind == .conv1d ? 1 : 2
            guard rank == axes + 1 else {
                let wanted = axes == 1 ? "[channels, length]" : "[channels, height, width]"
                throw CairnError.graph(
                    node: name,
                    "\(kind.rawValue) takes \(wanted); '\(input.name)' gives \(input.shape)"
                        + (rank == 1 ? " (give the input a shape, e.g. --input-shape 1x8x8)" : ""))
            }
            return axes
        default:
            guard rank == 2 || rank == 3 else {
                throw CairnError.graph(
                    node: name,
                    "\(kind.rawValue) takes [channels, length] or [channels, height, width]; '\(input.name)' gives \(input.shape)"
                )
            }
            return rank - 1
        }
    }

    /// The convolution of this `conv1d`/`conv2d` node on `input`.
    public func convolutionGeometry(input: NodeKindDefinition.Input) throws -> ConvolutionGeometry {
        let axes = try spatialAxes(input: input)
        guard let channels, channels >= 1, channels <= GraphSpec.maximumWidth else {
            throw CairnError.graph(node: name, "\(kind.rawValue) needs channels from 1 to \(GraphSpec.maximumWidth)")
        }
        guard let kernel = try extents(kernel, .kernel, axes: axes, fallback: nil) else {
            throw CairnError.graph(node: name, "\(kind.rawValue) needs a kernel size")
        }
        let ones = [Int](repeating: 1, count: axes)
        let stride = try extents(stride, .stride, axes: axes, fallback: ones)!
        let dilation = try extents(dilation, .dilation, axes: axes, fallback: ones)!
        let dims = input.shape.dimensions
        var zeros: [Int]?
        if case .zeros(let amounts)? = padding { zeros = amounts }
        let pads = try extents(zeros, .padding, axes: axes, fallback: [Int](repeating: 0, count: axes))!
        let same = padding == .same
        do {
            if axes == 1 {
                return try .oneDimensional(
                    inputChannels: dims[0], outputChannels: channels, length: dims[1],
                    kernel: kernel[0], stride: stride[0], padding: same ? .same : .zeros(pads[0]),
                    dilation: dilation[0])
            }
            return try ConvolutionGeometry(
                inputChannels: dims[0], outputChannels: channels, inputHeight: dims[1],
                inputWidth: dims[2], kernelHeight: kernel[0], kernelWidth: kernel[1],
                strideHeight: stride[0], strideWidth: stride[1],
                padding: same ? .same : .zerosPerAxis(height: pads[0], width: pads[1]),
                dilationHeight: dilation[0], dilationWidth: dilation[1])
        } catch {
            throw CairnError.graph(node: name, "\(error) (input '\(input.name)' gives \(input.shape))")
        }
    }

    /// The window of this `max-pool`/`avg-pool` node on `input`.
    public func poolingGeometry(input: NodeKindDefinition.Input) throws -> PoolingGeometry {
        let axes = try spatialAxes(input: input)
        guard let kernel = try extents(kernel, .kernel, axes: axes, fallback: nil) else {
            throw CairnError.graph(node: name, "\(kind.rawValue) needs a kernel size")
        }
        let stride = try extents(stride, .stride, axes: axes, fallback: kernel)!
        let zeros: [Int]?
        switch padding {
        case .same?: throw CairnError.graph(node: name, "\(kind.rawValue) takes padding as numbers, not \"same\"")
        case .zeros(let amounts)?: zeros = amounts
        case nil: zeros = nil
        }
        let pads = try extents(zeros, .padding, axes: axes, fallback: [Int](repeating: 0, count: axes))!
        let dims = input.shape.dimensions
        do {
            if axes == 1 {
                return try .oneDimensional(
                    channels: dims[0], length: dims[1], kernel: kernel[0], stride: stride[0],
                    padding: pads[0])
            }
            return try PoolingGeometry(
                channels: dims[0], inputHeight: dims[1], inputWidth: dims[2],
                kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: stride[0],
                strideWidth: stride[1], padHeight: pads[0], padWidth: pads[1])
        } catch {
            throw CairnError.graph(node: name, "\(error) (input '\(input.name)' gives \(input.shape))")
        }
    }
}
