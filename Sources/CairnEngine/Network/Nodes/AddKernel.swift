/// `add`: `sum_i scales[i] * inputs[i]`; each input's gradient is the output's times its scale.
struct AddKernel: NodeKernel {
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        let count = batch * node.width, output = network.outputs[position]
        for edge in node.firstEdge..<node.firstEdge + node.edgeCount {
            let operation = ElementwiseJob.Operation.scaledCopy(
                scale: network.edgeScales[edge],
                accumulate: edge != node.firstEdge)
            network.elementwise(operation, network.values(of: network.edgeSources[edge]), into: output, count: count)
        }
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        CopyKernel().backward(network, at: position, batch: batch, training: training)
    }
}
