import CairnModel

extension Network {
    /// Propagates the gradient of the last node's output (or, for a softmax head, of its input, which
    /// the fused loss wrote) back through the graph, writing every parameter's `gradient`.
    func backward(batch: Int, training: Bool) {
        for position in stride(from: nodes.count - 1, through: 0, by: -1) where nodes[position].needsGradient {
            kernels[position].backward(self, at: position, batch: batch, training: training)
        }
    }
}
