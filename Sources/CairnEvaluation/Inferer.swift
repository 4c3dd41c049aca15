import CairnFormat
import CairnEngine

/// How a model's inference runs: on recorded data, the network exactly as its training run built it
/// (the same batch chunks and thread split, so the loss is the history's bit for bit); on other data, one
/// single-threaded copy per thread over its own range of batches (`ReplicatedInference`), which small batches
/// need to gain from a second thread, with weights packed once for small batches. There a row's outputs do not
/// depend on the thread count.
enum Inferer {
    case network(Network)
    case replicated(ReplicatedInference)

    init(model: EvaluatedModel, maxBatch: Int, threads: Int, lossWeights: [Float]?, replicated: Bool) throws {
        if replicated {
            do {
                self = .replicated(
                    try ReplicatedInference(
                        graph: model.graph, values: model.parameters, maxBatch: maxBatch,
                        threads: threads, reportedLossWeights: lossWeights))
            } catch {
                throw CairnError.naming(model.path, error, otherwise: .invalidArgument)
            }
        } else {
            let network = try model.network(maxBatch: maxBatch, threads: threads)
            network.reportedLossWeights = lossWeights
            self = .network(network)
        }
    }

    func infer(
        _ inputs: UnsafeBufferPointer<Float>, _ targets: Targets, count: Int,
        progress: @escaping (Int) -> Void
    ) -> Network.Inference {
        switch self {
        case .network(let network):
            return network.infer(inputs: inputs, targets: targets, count: count, progress: progress)
        case .replicated(let pool):
            return pool.infer(inputs: inputs, targets: targets, count: count, progress: progress)
        }
    }
}
