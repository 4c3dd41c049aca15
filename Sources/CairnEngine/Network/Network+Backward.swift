import CairnModel

extension Network {
    /// Propagates the gradient of the last node's output (or, for a softmax head, of its input, which
    /// the fused loss wrote) back through the graph, writing every parameter's `gradient`.
    func backward(batch: Int, training: Bool) {
        for position in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[position]
            guard node.needsGradient else { continue }
            let g = UnsafePointer(gradients[position])
            let count = batch * node.width
            if node.kind == .dense {
                denseBackward(node, outputGradient: g, batch: batch)
                continue
            }
            for edge in node.firstEdge ..< node.firstEdge + node.edgeCount {
                let source = edgeSources[edge]
                guard nodes[source].needsGradient else { continue }
                let d = gradients[source]
                let accumulate = edgeAccumulates[edge]
                switch node.kind {
                case .relu, .leakyRelu:
                    let alpha = node.kind == .relu ? 0 : node.alpha
                    elementwise(.leakyReLUBackward(alpha: alpha, accumulate: accumulate), values(of: source), g,
                                into: d, count: count)
                case .tanh, .sigmoid:
                    elementwise(.smoothBackward(tanh: node.kind == .tanh, accumulate: accumulate),
                                UnsafePointer(outputs[position]), g, into: d, count: count)
                case .dropout where training && node.rate > 0:
                    elementwise(.multiply(accumulate: accumulate), g, UnsafePointer(masks[position]), into: d, count: count)
                case .identity, .dropout, .add:
                    elementwise(.scaledCopy(scale: edgeScales[edge], accumulate: accumulate), g, into: d, count: count)
                case .input, .dense, .softmax:
                    break
                }
            }
        }
    }

    /// `dW = dY^T X`, `db = column sums of dY`, `dX (+)= dY W`.
    private func denseBackward(_ node: CompiledNode, outputGradient g: UnsafePointer<Float>, batch: Int) {
        let weight = parameters[node.weightIndex], bias = parameters[node.weightIndex + 1]
        let source = edgeSources[node.firstEdge]
        let fanIn = nodes[source].width, units = node.width
        let x = values(of: source)
        weight.gradient.withUnsafeMutableBufferPointer { dw in
            precondition(dw.count == units * fanIn, "\(weight.name) gradient has the wrong size")
            GEMM.multiply(transposeA: true, transposeB: false, m: units, n: fanIn, k: batch,
                          alpha: 1, a: g, lda: units, b: x, ldb: fanIn, beta: 0, c: dw.baseAddress!, ldc: fanIn, team: team)
        }
        bias.gradient.withUnsafeMutableBufferPointer { db in
            precondition(db.count == units, "\(bias.name) gradient has the wrong size")
            elementwise(.columnSums(rows: batch, stride: units), g, into: db.baseAddress!, count: units)
        }
        guard nodes[source].needsGradient else { return }
        let accumulate = edgeAccumulates[node.firstEdge]
        weight.values.withUnsafeBufferPointer { w in
            GEMM.multiply(transposeA: false, transposeB: false, m: batch, n: fanIn, k: units,
                          alpha: 1, a: g, lda: units, b: w.baseAddress!, ldb: fanIn,
                          beta: accumulate ? 1 : 0, c: gradients[source], ldc: fanIn, team: team)
        }
    }
}
