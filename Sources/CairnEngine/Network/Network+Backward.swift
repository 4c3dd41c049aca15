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
                    let x = values(of: source), alpha = node.kind == .relu ? 0 : node.alpha
                    elementsInParallel(count) {
                        ElementwiseKernels.leakyReLUBackward(x: x + $0, outputGradient: g + $0, inputGradient: d + $0,
                                                             count: $1, alpha: alpha, accumulate: accumulate)
                    }
                case .tanh, .sigmoid:
                    let y = UnsafePointer(outputs[position]), isTanh = node.kind == .tanh
                    elementsInParallel(count) {
                        ElementwiseKernels.smoothBackward(tanh: isTanh, y: y + $0, outputGradient: g + $0,
                                                          inputGradient: d + $0, count: $1, accumulate: accumulate)
                    }
                case .dropout where training && node.rate > 0:
                    let mask = UnsafePointer(masks[position])
                    elementsInParallel(count) {
                        ElementwiseKernels.multiply(g + $0, mask + $0, into: d + $0, count: $1, accumulate: accumulate)
                    }
                case .identity, .dropout, .add:
                    let scale = edgeScales[edge]
                    elementsInParallel(count) {
                        ElementwiseKernels.scaledCopy(g + $0, into: d + $0, count: $1, scale: scale, accumulate: accumulate)
                    }
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
            let sums = db.baseAddress!
            columnsInParallel(units, rows: batch) {
                ElementwiseKernels.columnSums(g + $0, rows: batch, width: $1, rowStride: units, into: sums + $0)
            }
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
