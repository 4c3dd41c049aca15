import CairnModel

/// The engine's implementation of one node kind: its forward and backward passes over a batch, and the
/// workspace it needs. One kernel file per kind in this folder; `NodeKind.kernel` maps kinds to them.
///
/// Kernels read and write the network's per-node workspaces (`outputs`, `gradients`, `masks`) and its
/// parameters; they hold no state of their own, so a kernel value is shared by every node of its kind.
protocol NodeKernel: Sendable {
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
    /// The engine kernel that runs nodes of this kind.
    var kernel: any NodeKernel {
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
        case .softmax: return SoftmaxKernel()
        }
    }
}

extension Network {
    /// Calls `body(source, gradient, accumulate, scale)` for each input edge of node `position` whose
    /// source needs a gradient, in edge order.
    @inline(__always)
    func forEachGradientEdge(of position: Int,
                             _ body: (_ source: Int, _ gradient: UnsafeMutablePointer<Float>, _ accumulate: Bool,
                                      _ scale: Float) -> Void) {
        let node = nodes[position]
        for edge in node.firstEdge ..< node.firstEdge + node.edgeCount {
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
