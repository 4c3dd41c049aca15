import CairnModel

/// The engine's implementation of one node kind: its forward and backward passes over a batch, and the
/// workspace it needs. One kernel file per kind in this folder; `NodeKind.kernel` maps kinds to them.
///
/// Kernels read and write the network's per-node workspaces (`outputs`, `gradients`, `masks`) and its
/// parameters. One kernel value per node: kernels that need their own scratch (a convolution's lowered
/// columns, a max-pool's chosen positions, a batch-norm's batch statistics) allocate it, bounded, when made.
protocol NodeKernel {
    /// Whether the node needs a mask buffer of its output's size (dropout).
    var usesMask: Bool { get }
    /// Writes node `position`'s output for `batch` rows.
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator)
    /// Given the gradient of node `position`'s output, writes its parameters' gradients and adds (or
    /// writes, for an edge's first contribution) its inputs' gradients.
    func backward(_ network: Network, at position: Int, batch: Int, training: Bool)
}

extension NodeKernel {
    var usesMask: Bool { false }
}

extension NodeKind {
    /// The engine kernel that runs `node` (of this kind) on inputs of `inputs`' shapes, for batches of up to
    /// `maxBatch` rows split across `threads` threads.
    func makeKernel(
        for node: NodeSpec, inputs: [NodeKindDefinition.Input], maxBatch: Int,
        threads: Int
    ) throws -> any NodeKernel {
        switch self {
        case .input: return InputKernel()
        case .dense: return DenseKernel()
        case .relu: return LeakyReLUKernel(fixedAlpha: 0)
        case .leakyRelu: return LeakyReLUKernel(fixedAlpha: nil)
        case .tanh: return SmoothActivationKernel(tanh: true)
        case .sigmoid: return SmoothActivationKernel(tanh: false)
        case .identity: return CopyKernel()
        case .flatten: return CopyKernel()
        case .dropout: return DropoutKernel()
        case .add: return AddKernel()
        case .conv1d, .conv2d:
            return try ConvolutionKernel(
                geometry: node.convolutionGeometry(input: inputs[0]), hasBias: node.bias ?? true,
                maxBatch: maxBatch, threads: threads)
        case .maxPool: return MaxPoolKernel(geometry: try node.poolingGeometry(input: inputs[0]), maxBatch: maxBatch)
        case .avgPool:
            return AveragingPoolKernel(pooling: AveragePooling(geometry: try node.poolingGeometry(input: inputs[0])))
        case .globalAvgPool:
            let dims = inputs[0].shape.dimensions
            return AveragingPoolKernel(
                pooling: try GlobalAveragePooling(
                    channels: dims[0],
                    positions: dims.dropFirst().reduce(1, *)))
        case .batchNorm:
            let dims = inputs[0].shape.dimensions
            return BatchNormKernel(
                normalization: try BatchNormalization(
                    channels: dims[0], positions: dims.dropFirst().reduce(1, *), momentum: node.momentum ?? 0.1,
                    epsilon: node.epsilon ?? 1e-5))
        case .softmax: return SoftmaxKernel()
        }
    }
}

extension Network {
    /// Calls `body(source, gradient, accumulate, scale)` for each input edge of node `position` whose
    /// source needs a gradient, in edge order.
    @inline(__always)
    func forEachGradientEdge(
        of position: Int,
        _ body: (
            _ source: Int, _ gradient: UnsafeMutablePointer<Float>, _ accumulate: Bool,
            _ scale: Float
        ) -> Void
    ) {
        let node = nodes[position]
        for edge in node.firstEdge..<node.firstEdge + node.edgeCount {
            let source = edgeSources[edge]
            guard nodes[source].needsGradient else { continue }
            body(source, gradients[source], edgeAccumulates[edge], edgeScales[edge])
        }
    }

    /// The values node `position`'s first input holds.
    @inline(__always)
    func firstInput(of position: Int) -> UnsafePointer<Float> {
        let node = nodes[position]
        return node.edgeCount > 0 ? values(of: edgeSources[node.firstEdge]) : currentInput
    }
}
