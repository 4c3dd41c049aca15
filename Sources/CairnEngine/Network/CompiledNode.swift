import CairnModel

/// One graph node as the network runs it: plain values only, so reading it in the hot path costs no
/// reference counting. Inputs live in the network's flat edge tables.
struct CompiledNode {
    var kind: NodeKind
    /// The node's output width.
    var width: Int
    /// Range of this node's edges in `Network.edgeSources` / `edgeScales` / `edgeAccumulates`.
    var firstEdge: Int
    var edgeCount: Int
    /// Index of the weight in `Network.parameters` (bias follows); -1 for nodes without parameters.
    var weightIndex: Int
    /// `leaky-relu` slope.
    var alpha: Float
    /// `dropout` rate.
    var rate: Float
    /// Whether a gradient with respect to this node's output is needed (it has a dense node at or
    /// before it, and its output reaches the loss).
    var needsGradient: Bool
    /// Whether the backward pass visits it (needs a gradient and reaches the loss).
    var reachesLoss: Bool
    /// Whether a dropout mask buffer is allocated.
    var hasMask: Bool
}
