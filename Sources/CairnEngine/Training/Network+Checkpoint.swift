import CairnFormat
import CairnModel

extension Network {
    /// Builds the network a checkpoint describes, with its weights, on `threads` threads. `path`
    /// names the file in errors.
    public convenience init(
        checkpoint: Checkpoint, path: String, maxBatch: Int,
        threads: Int = ThreadTeam.defaultThreadCount
    ) throws {
        do {
            try self.init(graph: checkpoint.manifest.graph, maxBatch: maxBatch, threads: threads)
        } catch {
            throw CairnError.naming(path, error, otherwise: .invalidCheckpoint)
        }
        try loadParameters(from: checkpoint, path: path)
    }

    /// Copies every parameter's values from a checkpoint, checking names and shapes.
    public func loadParameters(from checkpoint: Checkpoint, path: String, skipping skipped: Set<String> = []) throws {
        for parameter in parameters where !skipped.contains(parameter.node) {
            guard let saved = checkpoint.tensor(named: parameter.name) else {
                throw CairnError.checkpoint(path: path, "tensor \(parameter.name) is missing")
            }
            guard saved.shape == parameter.shape, saved.values.count == parameter.values.count else {
                throw CairnError.incompatible(
                    path: path,
                    "tensor \(parameter.name): shape \(saved.shape) does not fit the graph's \(parameter.shape)")
            }
            parameter.values = saved.values
        }
    }
}

extension Optimizer {
    /// Restores the optimiser's slots from a checkpoint.
    public func restore(from checkpoint: Checkpoint, path: String) throws {
        var slots: [String: [Float]] = [:]
        for tensor in checkpoint.tensors where tensor.role == .optimizerSlot {
            slots[tensor.name] = tensor.values
        }
        do {
            try restore(slots: slots, stepCount: checkpoint.manifest.training.optimizerSteps)
        } catch {
            throw CairnError.checkpoint(path: path, "optimiser state", cause: error)
        }
    }
}
