/// `relu` (alpha 0) and `leaky-relu` (the node's alpha): `max(x, alpha x)`.
struct LeakyReLUKernel: NodeKernel {
    /// 0 for relu; nil: the node's own alpha.
    var fixedAlpha: Float?

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        network.elementwise(
            .leakyReLU(alpha: fixedAlpha ?? node.alpha), network.firstInput(of: position),
            into: network.outputs[position], count: batch * node.width)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let node = network.nodes[position]
        let g = UnsafePointer(network.gradients[position]), alpha = fixedAlpha ?? node.alpha
        network.forEachGradientEdge(of: position) { source, d, accumulate, _ in
            network.elementwise(
                .leakyReLUBackward(alpha: alpha, accumulate: accumulate), network.values(of: source), g,
                into: d, count: batch * node.width)
        }
    }
}

/// `tanh` and `sigmoid`, whose derivatives come from their outputs.
struct SmoothActivationKernel: NodeKernel {
    var tanh: Bool

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        network.elementwise(
            tanh ? .tanh : .sigmoid, network.firstInput(of: position), into: network.outputs[position],
            count: batch * network.nodes[position].width)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let count = batch * network.nodes[position].width
        let g = UnsafePointer(network.gradients[position]), y = UnsafePointer(network.outputs[position])
        network.forEachGradientEdge(of: position) { _, d, accumulate, _ in
            network.elementwise(.smoothBackward(tanh: tanh, accumulate: accumulate), y, g, into: d, count: count)
        }
    }
}

/// `identity` and `flatten`: a copy of the input (a flatten changes the shape, not the row-major values).
struct CopyKernel: NodeKernel {
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        network.elementwise(
            .scaledCopy(scale: 1, accumulate: false), network.firstInput(of: position),
            into: network.outputs[position], count: batch * network.nodes[position].width)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let count = batch * network.nodes[position].width
        let g = UnsafePointer(network.gradients[position])
        network.forEachGradientEdge(of: position) { _, d, accumulate, scale in
            network.elementwise(.scaledCopy(scale: scale, accumulate: accumulate), g, into: d, count: count)
        }
    }
}
