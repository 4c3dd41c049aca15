/// `softmax`: row-wise probabilities. Training fuses it with the cross-entropy loss, which writes the
/// gradient of the head's input directly, so the head has no backward pass of its own.
struct SoftmaxKernel: NodeKernel {
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        network.elementwise(
            .softmax(width: node.width), network.firstInput(of: position), into: network.outputs[position],
            count: batch)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {}
}
