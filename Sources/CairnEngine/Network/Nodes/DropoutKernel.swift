/// `dropout`: inverted dropout while training, a copy otherwise.
///
/// Masks (training only, rate > 0): one `rng.nextUniform()` per element of the `[batch, width]` output in
/// row-major order; an element is kept, scaled by `1 / (1 - rate)`, when its draw is `>= rate`.
struct DropoutKernel: NodeKernel {
    var usesMask: Bool { true }

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        let node = network.nodes[position]
        let count = batch * node.width
        let source = network.firstInput(of: position), output = network.outputs[position]
        if training && node.rate > 0 {
            let mask = network.masks[position]
            let keep = 1 / (1 - node.rate)
            for i in 0..<count {
                mask[i] = rng.nextUniform() >= node.rate ? keep : 0
                output[i] = source[i] * mask[i]
            }
        } else {
            network.elementwise(.scaledCopy(scale: 1, accumulate: false), source, into: output, count: count)
        }
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let node = network.nodes[position]
        let count = batch * node.width
        let g = UnsafePointer(network.gradients[position])
        network.forEachGradientEdge(of: position) { _, d, accumulate, scale in
            if training && node.rate > 0 {
                network.elementwise(
                    .multiply(accumulate: accumulate), g, UnsafePointer(network.masks[position]),
                    into: d, count: count)
            } else {
                network.elementwise(.scaledCopy(scale: scale, accumulate: accumulate), g, into: d, count: count)
            }
        }
    }
}
