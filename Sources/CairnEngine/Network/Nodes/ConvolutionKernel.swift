import CairnModel

/// `conv1d` / `conv2d`: im2col lowering plus the BLAS GEMM (`Convolution`), in a workspace bounded by
/// `Convolution.defaultMaximumWorkspaceFloats` per thread and owned by this node.
final class ConvolutionKernel: NodeKernel {
    let convolution: Convolution
    let hasBias: Bool
    private let workspace: UnsafeMutableBufferPointer<Float>

    init(geometry: ConvolutionGeometry, hasBias: Bool, maxBatch: Int, threads: Int) {
        convolution = Convolution(geometry: geometry)
        self.hasBias = hasBias
        let floats = max(1, convolution.workspaceFloats(batch: maxBatch, threads: threads))
        workspace = .allocate(capacity: floats)
        workspace.initialize(repeating: 0)
    }

    deinit { workspace.deallocate() }

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        let weight = network.parameters[node.weightIndex]
        let bias = hasBias ? network.parameters[node.weightIndex + 1] : nil
        weight.values.withUnsafeBufferPointer { w in
            precondition(
                w.count == convolution.geometry.weightCount, "\(weight.name) was given the wrong number of values")
            let run = { (b: UnsafePointer<Float>?) in
                self.convolution.forward(
                    input: network.firstInput(of: position), weight: w.baseAddress!, bias: b,
                    output: network.outputs[position], batch: batch, workspace: self.workspace,
                    team: network.team)
            }
            if let bias { bias.values.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let node = network.nodes[position]
        let weight = network.parameters[node.weightIndex]
        let bias = hasBias ? network.parameters[node.weightIndex + 1] : nil
        let source = network.edgeSources[node.firstEdge]
        let inputGradient = network.nodes[source].needsGradient ? network.gradients[source] : nil
        let accumulate = network.edgeAccumulates[node.firstEdge]
        weight.values.withUnsafeBufferPointer { w in
            weight.gradient.withUnsafeMutableBufferPointer { dw in
                let weightGradient = dw.baseAddress!
                func run(_ db: UnsafeMutablePointer<Float>?) {
                    convolution.backward(
                        input: network.values(of: source), weight: w.baseAddress!,
                        outputGradient: network.gradients[position], weightGradient: weightGradient,
                        biasGradient: db, inputGradient: inputGradient,
                        accumulateInputGradient: accumulate, batch: batch, workspace: workspace,
                        team: network.team)
                }
                if let bias { bias.gradient.withUnsafeMutableBufferPointer { run($0.baseAddress!) } } else { run(nil) }
            }
        }
    }
}
