import CairnModel

extension Network {
    /// A copy of node `name`'s output from the last forward pass over `batch` rows, row-major
    /// `[batch, width]` (the caller's rows for the input node); nil when the graph has no such node or
    /// `batch` exceeds `maxBatch`. Diagnostics (`cairn-audit`) read activations through it.
    public func nodeValues(_ name: String, batch: Int) -> [Float]? {
        guard batch >= 0, batch <= maxBatch, let position = graph.nodes.firstIndex(where: { $0.name == name }) else {
            return nil
        }
        let count = batch * nodes[position].width
        return Array(UnsafeBufferPointer(start: values(of: position), count: count))
    }
}
