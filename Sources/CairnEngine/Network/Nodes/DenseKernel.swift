/// `dense`: `Y = X W^T + b`; backward `dW = dY^T X`, `db = column sums of dY`, `dX (+)= dY W`.
struct DenseKernel: NodeKernel {
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        let input = network.firstInput(of: position), output = network.outputs[position]
        let weight = network.parameters[node.weightIndex], bias = network.parameters[node.weightIndex + 1]
        let fanIn = network.nodes[network.edgeSources[node.firstEdge]].width, units = node.width
        if !training, batch <= PackedDenseWeights.maximumRows, position < network.packedWeights.count,
            let packed = network.packedWeights[position], packed.revision == weight.revision
        {
            packed.multiply(rows: batch, x: input, ldx: fanIn, y: output, ldy: units)
        } else {
            weight.values.withUnsafeBufferPointer { w in
                precondition(w.count == units * fanIn, "\(weight.name) was given the wrong number of values")
                GEMM.multiply(
                    transposeA: false, transposeB: true, m: batch, n: units, k: fanIn,
                    alpha: 1, a: input, lda: fanIn, b: w.baseAddress!, ldb: fanIn,
                    beta: 0, c: output, ldc: units, team: network.team)
            }
        }
        bias.values.withUnsafeBufferPointer { b in
            precondition(b.count == units, "\(bias.name) was given the wrong number of values")
            network.elementwise(.addToEachRow(width: units), b.baseAddress!, into: output, count: batch)
        }
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let node = network.nodes[position]
        let g = UnsafePointer(network.gradients[position])
        let weight = network.parameters[node.weightIndex], bias = network.parameters[node.weightIndex + 1]
        let source = network.edgeSources[node.firstEdge]
        let fanIn = network.nodes[source].width, units = node.width
        let x = network.values(of: source)
        let team = network.team
        weight.gradient.withUnsafeMutableBufferPointer { dw in
            precondition(dw.count == units * fanIn, "\(weight.name) gradient has the wrong size")
            GEMM.multiply(
                transposeA: true, transposeB: false, m: units, n: fanIn, k: batch,
                alpha: 1, a: g, lda: units, b: x, ldb: fanIn, beta: 0, c: dw.baseAddress!, ldc: fanIn,
                team: team)
        }
        bias.gradient.withUnsafeMutableBufferPointer { db in
            precondition(db.count == units, "\(bias.name) gradient has the wrong size")
            network.elementwise(.columnSums(rows: batch, stride: units), g, into: db.baseAddress!, count: units)
        }
        guard network.nodes[source].needsGradient else { return }
        let accumulate = network.edgeAccumulates[node.firstEdge]
        weight.values.withUnsafeBufferPointer { w in
            GEMM.multiply(
                transposeA: false, transposeB: false, m: batch, n: fanIn, k: units,
                alpha: 1, a: g, lda: units, b: w.baseAddress!, ldb: fanIn,
                beta: accumulate ? 1 : 0, c: network.gradients[source], ldc: fanIn, team: team)
        }
    }
}
