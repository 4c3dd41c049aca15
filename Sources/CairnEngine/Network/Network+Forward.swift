import CairnModel

extension Network {
    /// The values a node reads: the caller's rows for the input node, the node's workspace otherwise.
    @inline(__always)
    func values(of node: Int) -> UnsafePointer<Float> {
        node == inputIndex ? currentInput : UnsafePointer(outputs[node])
    }

    /// Runs every node on `batch` rows starting at `input`.
    ///
    /// Dropout masks (training only, rate > 0): dropout nodes in graph order, each drawing one
    /// `rng.nextUniform()` per element of its `[batch, width]` output in row-major order; an element
    /// is kept, scaled by `1 / (1 - rate)`, when its draw is `>= rate`. No other node draws.
    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool, rng: inout RandomGenerator) {
        precondition(batch >= 1 && batch <= maxBatch, "batch \(batch) is outside 1...\(maxBatch)")
        currentInput = input
        for position in nodes.indices {
            let node = nodes[position]
            let count = batch * node.width
            let output = outputs[position]
            let source = node.edgeCount > 0 ? values(of: edgeSources[node.firstEdge]) : currentInput
            switch node.kind {
            case .input:
                continue
            case .dense:
                denseForward(node, input: source, output: output, batch: batch)
            case .relu, .leakyRelu:
                let alpha = node.kind == .relu ? 0 : node.alpha
                elementwise(.leakyReLU(alpha: alpha), source, into: output, count: count)
            case .tanh:
                elementwise(.tanh, source, into: output, count: count)
            case .sigmoid:
                elementwise(.sigmoid, source, into: output, count: count)
            case .identity:
                elementwise(.scaledCopy(scale: 1, accumulate: false), source, into: output, count: count)
            case .dropout:
                if training && node.rate > 0 {
                    let mask = masks[position]
                    let keep = 1 / (1 - node.rate)
                    for i in 0..<count {
                        mask[i] = rng.nextUniform() >= node.rate ? keep : 0
                        output[i] = source[i] * mask[i]
                    }
                } else {
                    elementwise(.scaledCopy(scale: 1, accumulate: false), source, into: output, count: count)
                }
            case .add:
                for edge in node.firstEdge ..< node.firstEdge + node.edgeCount {
                    let operation = ElementwiseJob.Operation.scaledCopy(scale: edgeScales[edge], accumulate: edge != node.firstEdge)
                    elementwise(operation, values(of: edgeSources[edge]), into: output, count: count)
                }
            case .softmax:
                elementwise(.softmax(width: node.width), source, into: output, count: batch)
            }
        }
    }

    /// `Y = X W^T + b` for one dense node.
    private func denseForward(_ node: CompiledNode, input: UnsafePointer<Float>,
                              output: UnsafeMutablePointer<Float>, batch: Int) {
        let weight = parameters[node.weightIndex], bias = parameters[node.weightIndex + 1]
        let fanIn = nodes[edgeSources[node.firstEdge]].width, units = node.width
        weight.values.withUnsafeBufferPointer { w in
            precondition(w.count == units * fanIn, "\(weight.name) was given the wrong number of values")
            GEMM.multiply(transposeA: false, transposeB: true, m: batch, n: units, k: fanIn,
                          alpha: 1, a: input, lda: fanIn, b: w.baseAddress!, ldb: fanIn,
                          beta: 0, c: output, ldc: units, team: team)
        }
        bias.values.withUnsafeBufferPointer { b in
            precondition(b.count == units, "\(bias.name) was given the wrong number of values")
            elementwise(.addToEachRow(width: units), b.baseAddress!, into: output, count: batch)
        }
    }
}
