import CairnModel

/// `max-pool`: each window's largest value; the chosen positions are kept for the backward pass.
final class MaxPoolKernel: NodeKernel {
    let pooling: MaxPooling
    private let indices: UnsafeMutableBufferPointer<Int32>

    init(geometry: PoolingGeometry, maxBatch: Int) {
        pooling = MaxPooling(geometry: geometry)
        indices = .allocate(capacity: max(1, geometry.outputSize * maxBatch))
        indices.initialize(repeating: 0)
    }

    deinit { indices.deallocate() }

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        pooling.forward(
            input: network.firstInput(of: position), output: network.outputs[position],
            indices: indices.baseAddress!, batch: batch, team: network.team)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let g = UnsafePointer(network.gradients[position])
        network.forEachGradientEdge(of: position) { _, d, accumulate, _ in
            pooling.backward(
                outputGradient: g, indices: indices.baseAddress!, inputGradient: d, accumulate: accumulate,
                batch: batch, team: network.team)
        }
    }
}

/// A pool whose backward pass needs nothing but the output gradient (the averaging pools).
protocol AveragingPool {
    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, team: ThreadTeam?)
    func backward(
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool,
        batch: Int, team: ThreadTeam?)
}

extension AveragePooling: AveragingPool {}
extension GlobalAveragePooling: AveragingPool {}

/// `avg-pool` (each window's mean, padding counted) and `global-avg-pool` (each channel's mean).
struct AveragingPoolKernel<Pool: AveragingPool>: NodeKernel {
    let pooling: Pool

    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {
        pooling.forward(
            input: network.firstInput(of: position), output: network.outputs[position], batch: batch,
            team: network.team)
    }

    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {
        let g = UnsafePointer(network.gradients[position])
        network.forEachGradientEdge(of: position) { _, d, accumulate, _ in
            pooling.backward(
                outputGradient: g, inputGradient: d, accumulate: accumulate, batch: batch, team: network.team)
        }
    }
}
