import CairnModel

extension Network {
    /// The values a node reads: the caller's rows for the input node, the node's workspace otherwise.
    @inline(__always)
    func values(of node: Int) -> UnsafePointer<Float> {
        node == inputIndex ? currentInput : UnsafePointer(outputs[node])
    }

    /// Runs every node's kernel on `batch` rows starting at `input`, in graph order.
    ///
    /// Only dropout nodes draw from `rng` (see `DropoutKernel`), in graph order, and only while training.
    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool, rng: inout RandomGenerator) {
        precondition(batch >= 1 && batch <= maxBatch, "batch \(batch) is outside 1...\(maxBatch)")
        currentInput = input
        for position in nodes.indices {
            kernels[position].forward(self, at: position, batch: batch, training: training, rng: &rng)
        }
    }
}
