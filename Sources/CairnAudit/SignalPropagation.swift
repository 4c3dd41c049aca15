import CairnEngine
import CairnInspect
import CairnModel

/// One forward and backward pass through the engine's `Network` over a batch (`--data` or probes), and per
/// dense or convolution layer the statistics that show a signal or its gradient fading or exploding with depth
/// (a convolution's unit is a filter: its output channel over every position).
enum SignalPropagation {
    /// Fills the signal fields of `report.layers` (matched by name) and `report.signal`; adds notes.
    static func measure(
        _ report: inout AuditReport, input: AuditInput, graph: GraphSpec, manifest: CheckpointManifest?,
        data: String?, seed: UInt64, threads: Int
    ) throws {
        let task: TrainingTask = graph.hasSoftmaxHead ? .classification : .regression
        let batch = try SignalBatch.load(data: data, graph: graph, task: task, manifest: manifest, seed: seed)
        let network: Network
        do {
            network = try Network(graph: graph, maxBatch: batch.rows, threads: threads)
        } catch {
            throw CairnError(.invalidGraph, path: input.path, "the graph cannot be run", cause: error)
        }
        var values: [String: [Float]] = [:]
        for parameter in network.parameters {
            guard let index = input.index(of: parameter.name) else {
                throw CairnError.checkpoint(
                    path: input.path, "tensor \(parameter.name), which the graph needs, is missing")
            }
            values[parameter.name] = try input.load(index)
        }
        do { try network.load(values: values) } catch {
            throw CairnError.naming(input.path, error, otherwise: .incompatible)
        }
        values = [:]
        var rng = RandomGenerator(seed: seed)
        let loss: Double = batch.features.withUnsafeBufferPointer { x in
            if task == .classification {
                return batch.labels.withUnsafeBufferPointer {
                    network.lossAndGradients(
                        inputs: x, targets: .labels($0), batch: batch.rows, training: false,
                        rng: &rng)
                }
            }
            return batch.values.withUnsafeBufferPointer {
                network.lossAndGradients(inputs: x, targets: .values($0), batch: batch.rows, training: false, rng: &rng)
            }
        }
        var readers: [String: [NodeSpec]] = [:]
        for node in graph.nodes { for source in node.inputs { readers[source, default: []].append(node) } }
        var norms: [Double] = []
        for r in report.layers.indices {
            let name = report.layers[r].name
            guard let kind = graph.node(named: name)?.kind, LayerPlan.unitLayers.contains(kind),
                let pre = network.nodeValues(name, batch: batch.rows),
                let weight = network.parameter(named: name + ".weight")
            else { continue }
            var next = (readers[name] ?? []).count == 1 ? readers[name]![0] : nil
            // The activation may follow a batch-norm; the statistics are then the activation's.
            if let norm = next, norm.kind == .batchNorm {
                next = (readers[norm.name] ?? []).count == 1 ? readers[norm.name]![0] : nil
            }
            let activationNode = next.flatMap { [.relu, .leakyRelu, .tanh, .sigmoid].contains($0.kind) ? $0 : nil }
            let post = activationNode.flatMap { network.nodeValues($0.name, batch: batch.rows) } ?? pre
            let units = report.layers[r].units
            // Values per unit per row: 1 for dense, the output positions of a convolution's channel.
            let positions = batch.rows * units > 0 ? pre.count / (batch.rows * units) : 1
            guard positions >= 1, pre.count == batch.rows * units * positions, post.count == pre.count else { continue }
            var sum = 0.0, squares = 0.0
            for v in post { sum += Double(v); squares += Double(v) * Double(v) }
            let n = Double(max(post.count, 1))
            let mean = sum / n
            report.layers[r].activationMean = mean
            report.layers[r].activationStd = max(0, squares / n - mean * mean).squareRoot()
            switch activationNode?.kind {
            case .relu?, .leakyRelu?:
                report.layers[r].deadFraction = fraction(units: units, rows: batch.rows, positions: positions) {
                    pre[$0] <= 0
                }
            case .tanh?:
                report.layers[r].saturatedFraction = fraction(units: units, rows: batch.rows, positions: positions) {
                    abs(post[$0]) > 0.99
                }
            case .sigmoid?:
                report.layers[r].saturatedFraction = fraction(units: units, rows: batch.rows, positions: positions) {
                    post[$0] < 0.01 || post[$0] > 0.99
                }
            default: break
            }
            let norm = weight.gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            report.layers[r].gradientNorm = norm
            norms.append(norm)
        }
        let ratio = norms.count >= 2 && norms.last! > 0 ? norms.first! / norms.last! : nil
        report.signal = SignalSource(kind: batch.kind, file: batch.file, rows: batch.rows, gradientRatio: ratio)
        if !loss.isFinite { report.notes.append("the batch loss is \(loss): the forward pass overflows or meets NaN") }
        for layer in report.layers {
            if let dead = layer.deadFraction, dead > 0 {
                let percent = Int((dead * 100).rounded())
                report.notes.append("\(layer.name): \(percent)% of units never active on the batch (dead)")
            }
            if let saturated = layer.saturatedFraction, saturated > 0 {
                let percent = Int((saturated * 100).rounded())
                report.notes.append("\(layer.name): \(percent)% of units saturated on every row")
            }
        }
        // Hidden layers only: the output layer's logits are not a signal that should keep its scale.
        let stds = report.layers.dropLast().compactMap(\.activationStd)
        if stds.count >= 3 {
            let trend = stds.map { AuditReport.number($0) }.joined(separator: " -> ")
            if zip(stds, stds.dropFirst()).allSatisfy({ $1 < $0 * 0.7 }) {
                report.notes.append("activation std falls layer by layer: \(trend) (vanishing signal)")
            } else if zip(stds, stds.dropFirst()).allSatisfy({ $1 > $0 * 1.4 }) {
                report.notes.append("activation std grows layer by layer: \(trend) (exploding signal)")
            }
        }
        if let ratio, ratio < 0.01 || ratio > 100 {
            report.notes.append(
                "the first layer's gradient norm is \(AuditReport.number(ratio))x the last's "
                    + (ratio < 1 ? "(vanishing gradients)" : "(exploding gradients)"))
        }
    }

    /// The fraction of units for which `test((row * units + unit) * positions + p)` holds on every row and
    /// at every position `p` (values `[rows, units, positions]`, row-major; dense: one position).
    static func fraction(units: Int, rows: Int, positions: Int = 1, _ test: (Int) -> Bool) -> Double {
        guard units > 0 else { return 0 }
        var count = 0
        for unit in 0..<units
        where (0..<rows).allSatisfy({ row in
            let start = (row * units + unit) * positions
            return (start..<start + positions).allSatisfy(test)
        }) { count += 1 }
        return Double(count) / Double(units)
    }
}
