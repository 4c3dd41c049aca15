import CairnEngine
import CairnInspect
import CairnModel
import Foundation

/// Rewrites a checkpoint so that it computes the same function but gradient descent can break its symmetry.
///
/// In each group of a layer the first unit is kept, with the group's summed outgoing weights (the columns of
/// every consumer; for a convolution's filters, the column block each consumer reads from a channel: the
/// kernel's `kh x kw` columns, or a dense layer's flattened positions); every other member gets fresh incoming
/// weights (N(0, He std) for the ReLU family, Xavier otherwise, from `seed`), a zero bias and zero outgoing
/// weights, so it contributes nothing until training moves it. Optimiser slots of every changed row and column
/// are reset to zero, and a note goes into the history (`training.pending_note`, recorded with the next epoch).
/// Groups of the output layer (their units feed the loss), of layers summed by an `add` node (zeroing a column
/// would drop the other summand), of layers without known consumers, and groups behind a batch-norm that are
/// not locked (it may scale their channels differently) are left as they are, with the reason.
enum UnitRepair {
    struct Outcome {
        var checkpoint: Checkpoint
        var reinitialized: Int
        var skipped: [String]
    }

    static func repair(_ checkpoint: Checkpoint, report: AuditReport, path: String, seed: UInt64) throws -> Outcome {
        var result = checkpoint
        let entries = checkpoint.tensors.map { TensorEntry(name: $0.name, dtype: .f32, shape: $0.shape, role: $0.role) }
        let layers = LayerPlan.layers(graph: checkpoint.manifest.graph, entries: entries)
        let plan = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var position = [String: Int]()
        for (i, tensor) in result.tensors.enumerated() { position[tensor.name] = i }
        func index(_ name: String) throws -> Int {
            guard let i = position[name] else { throw CairnError.checkpoint(path: path, "tensor \(name) is missing") }
            return i
        }
        /// Optimiser slot tensors of a parameter (`<name>.<slot>`).
        func slots(of parameter: String) -> [Int] {
            result.tensors.indices.filter {
                result.tensors[$0].role == .optimizerSlot && result.tensors[$0].name.hasPrefix(parameter + ".")
            }
        }
        var rng = RandomGenerator(seed: seed)
        var reinitialized = 0
        var skipped: [String] = []
        for report in report.layers where !report.groups.isEmpty {
            guard let layer = plan[report.name] else { continue }
            let why: String? =
                layer.feedsLoss
                ? "its units feed the loss; changing one changes the outputs"
                : !layer.addPartners.isEmpty
                    ? "an add node sums its outputs with another layer's"
                    : (layer.consumers ?? []).isEmpty ? "no layer reads its outputs" : nil
            if let why {
                skipped.append("\(report.name): \(report.groups.count) group(s): \(why)")
                continue
            }
            let w = try index(layer.weightName)
            let b = try layer.biasName.map(index)
            let std = Float([.relu, .leakyRelu].contains(layer.activation) ? report.heStd : report.xavierStd)
            // Each consumer reads unit m as the `block` columns from m * block of every row.
            typealias Consumer = (weight: Int, rows: Int, columns: Int, block: Int)
            let consumers = try (layer.consumers ?? []).map { name -> Consumer in
                guard let c = plan[name] else { throw CairnError.checkpoint(path: path, "layer \(name) is missing") }
                let block = layer.block(for: name)
                guard c.inputs == layer.units * block else {
                    throw CairnError.checkpoint(
                        path: path,
                        "layer \(name) takes \(c.inputs) inputs per unit, not "
                            + "\(layer.units) x \(block) from \(layer.name)")
                }
                return (try index(c.weightName), c.units, c.inputs, block)
            }
            for group in report.groups {
                // Behind a batch-norm, members are interchangeable only where it treats their channels alike:
                // exactly the locked groups.
                if !layer.channelNorms.isEmpty && group.kind != "locked" {
                    skipped.append(
                        "\(report.name): group \(AuditReport.members(group.units)): batch-norm "
                            + "\(layer.channelNorms.joined(separator: ", ")) treats its channels differently")
                    continue
                }
                let keeper = group.units[0], others = group.units.dropFirst()
                for consumer in consumers {
                    let (columns, block) = (consumer.columns, consumer.block)
                    result.tensors[consumer.weight].values.withUnsafeMutableBufferPointer { cw in
                        for row in 0..<consumer.rows {
                            let start = row * columns
                            for j in 0..<block {
                                var sum: Float = cw[start + keeper * block + j]
                                for m in others {
                                    sum += cw[start + m * block + j]
                                    cw[start + m * block + j] = 0
                                }
                                cw[start + keeper * block + j] = sum
                            }
                        }
                    }
                    for slot in slots(of: result.tensors[consumer.weight].name) {
                        for row in 0..<consumer.rows {
                            for m in group.units {
                                for j in 0..<block { result.tensors[slot].values[row * columns + m * block + j] = 0 }
                            }
                        }
                    }
                }
                let inputs = layer.inputs
                for m in others {
                    for k in 0..<inputs { result.tensors[w].values[m * inputs + k] = std * rng.nextGaussian() }
                    if let b { result.tensors[b].values[m] = 0 }
                    for slot in slots(of: layer.weightName) {
                        for k in 0..<inputs { result.tensors[slot].values[m * inputs + k] = 0 }
                    }
                    if let bias = layer.biasName { for slot in slots(of: bias) { result.tensors[slot].values[m] = 0 } }
                }
                reinitialized += others.count
            }
        }
        if reinitialized > 0 {
            let note =
                "cairn-audit --repair: \(reinitialized) symmetric units given fresh incoming weights "
                + "(seed \(seed)), "
                + "their outgoing weights moved to one unit per group"
            result.manifest.training.pendingNote = result.manifest.training.pendingNote.map { $0 + "; " + note } ?? note
            result.manifest.metadata["repaired_from"] = URL(fileURLWithPath: path).lastPathComponent
        }
        result.manifest.created = CheckpointManifest.now()
        return Outcome(checkpoint: result, reinitialized: reinitialized, skipped: skipped)
    }
}
