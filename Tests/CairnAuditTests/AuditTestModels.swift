import CairnEngine
import CairnFormat
import CairnModel
import Foundation

/// Checkpoints built in memory for the audit's tests.
enum AuditTestModels {
    static func folder(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "cairn-audit-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func manifest(graph: GraphSpec, globalStep: Int) -> CheckpointManifest {
        let task: TrainingTask = graph.hasSoftmaxHead ? .classification : .regression
        let hyper = Hyperparameters(
            initialization: .heNormal, optimizer: OptimizerConfig(kind: .momentum, learningRate: 0.05),
            schedule: .constant, batchSize: 32, epochs: 5, seed: 1, earlyStopPatience: nil)
        let data = DataRecord(
            train: ["memory"], validation: nil, validationSplit: 0, labelColumn: nil, fingerprint: "0",
            features: graph.inputWidth, outputs: 3, trainCount: 0, validationCount: 0)
        var training = TrainingState(rng: RandomGenerator(seed: 1).words)
        training.globalStep = globalStep
        return CheckpointManifest(
            creator: "cairn-audit tests", task: task, graph: graph, hyperparameters: hyper, data: data,
            preprocessing: .identity, training: training, history: [], metadata: [:])
    }

    /// A network's parameters (and buffers) as a checkpoint, with a momentum slot per trainable parameter filled
    /// with 0.25.
    static func checkpoint(_ network: Network, globalStep: Int = 10) -> Checkpoint {
        var tensors = network.parameters.map {
            SavedTensor(name: $0.name, role: $0.isBuffer ? .buffer : .parameter, shape: $0.shape, values: $0.values)
        }
        tensors += network.parameters.filter { !$0.isBuffer }.map {
            SavedTensor(
                name: $0.name + ".momentum", role: .optimizerSlot, shape: $0.shape,
                values: [Float](repeating: 0.25, count: $0.count))
        }
        return Checkpoint(manifest: manifest(graph: network.graph, globalStep: globalStep), tensors: tensors, order: [])
    }

    /// 8 -> 16 -> 12 -> 3 leaky-ReLU classifier, He-initialised, then the hidden layers' rows made equal
    /// within each layer (one locked group per hidden layer) and units 2 and 5 of the output layer's input
    /// left as they are.
    static func lockedNetwork() throws -> Network {
        let graph = GraphSpec.perceptron(
            inputs: 8, hidden: [16, 12], outputs: 3, activation: .leakyRelu, classification: true)
        let network = try Network(graph: graph, maxBatch: 64, threads: 1)
        var rng = RandomGenerator(seed: 3)
        network.initialize(.heNormal, rng: &rng)
        for name in ["dense1", "dense2"] {
            let w = network.parameter(named: name + ".weight")!, b = network.parameter(named: name + ".bias")!
            let width = w.shape[1]
            let row = Array(w.values[0..<width])
            for u in 0..<w.shape[0] { for k in 0..<width { w.values[u * width + k] = row[k] } }
            b.values = [Float](repeating: 0.1, count: b.count)
        }
        // The layers reading the locked units: every column equal (as constant initialisation leaves them).
        for name in ["dense2", "dense3"] {
            let w = network.parameter(named: name + ".weight")!
            let (rows, columns) = (w.shape[0], w.shape[1])
            for r in 0..<rows { for c in 0..<columns { w.values[r * columns + c] = w.values[r * columns] } }
        }
        // ... except the output layer's rows differ (its units learn from different targets).
        return network
    }

    static func gaussianRows(_ rows: Int, width: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<rows * width).map { _ in rng.nextGaussian() }
    }
}
