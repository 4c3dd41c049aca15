import CairnFormat
import CairnModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the layers an audit groups: from the graph when there is one (dense nodes, their consumers
/// through activations, dropout and `add` nodes), otherwise every 2-D float tensor as an `[out, in]` weight
/// with its matching `*.bias`, consumers unknown.
public enum LayerPlan {
    /// Kinds a unit's signal passes through unchanged in identity (element-wise kinds, combiners,
    /// reshapes), as their definitions' roles say.
    static let passThrough = Set(NodeKind.allCases.filter {
        [.activation, .regularizer, .combiner, .reshape].contains($0.definition.role)
    })

    /// The layers of `graph`; only dense nodes whose weight exists in `entries` with shape `[units, in]`.
    public static func layers(graph: GraphSpec, entries: [TensorEntry]) -> [AuditedLayer] {
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var readers: [String: [NodeSpec]] = [:]
        for node in graph.nodes { for input in node.inputs { readers[input, default: []].append(node) } }
        let outputName = graph.output?.name
        var result: [AuditedLayer] = []
        for node in graph.denseNodes {
            guard let weight = byName[node.name + ".weight"], weight.shape.count == 2, weight.shape[0] > 0,
                  weight.shape[1] > 0 else { continue }
            let biasName = byName[node.name + ".bias"].flatMap { $0.shape == [weight.shape[0]] ? $0.name : nil }
            var activation = NodeKind.identity, alpha: Float = 0
            let direct = readers[node.name] ?? []
            if direct.count == 1, let next = direct.first, [.relu, .leakyRelu, .tanh, .sigmoid].contains(next.kind) {
                activation = next.kind
                alpha = next.kind == .leakyRelu ? (next.alpha ?? 0.01) : 0
            }
            var consumers: [String] = [], partners: [String] = [], feedsLoss = node.name == outputName
            var stack = [node.name], seen: Set<String> = [node.name]
            while let current = stack.popLast() {
                for reader in readers[current] ?? [] where !seen.contains(reader.name) {
                    seen.insert(reader.name)
                    if reader.kind == .dense {
                        consumers.append(reader.name)
                    } else if passThrough.contains(reader.kind) {
                        if reader.kind == .add {
                            for other in reader.inputs where other != current {
                                partners.append(contentsOf: producers(of: other, graph: graph))
                            }
                        }
                        if reader.name == outputName { feedsLoss = true }
                        stack.append(reader.name)
                    } else {
                        feedsLoss = true  // softmax or another head: the loss
                    }
                }
            }
            result.append(AuditedLayer(name: node.name, weightName: weight.name, biasName: biasName,
                                       units: weight.shape[0], inputs: weight.shape[1], activation: activation,
                                       alpha: alpha, consumers: consumers, feedsLoss: feedsLoss,
                                       addPartners: Array(Set(partners)).sorted()))
        }
        return result
    }

    /// The dense layers (or `"input"`) whose values reach `name` through pass-through nodes.
    static func producers(of name: String, graph: GraphSpec) -> [String] {
        guard let node = graph.node(named: name) else { return ["input"] }
        if node.kind == .dense { return [node.name] }
        if passThrough.contains(node.kind) { return node.inputs.flatMap { producers(of: $0, graph: graph) } }
        return ["input"]
    }

    /// Without a graph: every 2-D float tensor of role `parameter` as a weight `[out, in]`, its bias the tensor
    /// named like it with `bias` for `weight` (or `<name>.bias`) of shape `[out]`; consumers unknown.
    public static func layers(entries: [TensorEntry]) -> [AuditedLayer] {
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [AuditedLayer] = []
        for entry in entries where entry.role == .parameter && entry.shape.count == 2 && entry.shape[0] > 0
            && entry.shape[1] > 0 && [.f32, .f64, .f16, .bf16].contains(entry.dtype) {
            let stem = entry.name.hasSuffix(".weight") ? String(entry.name.dropLast(7)) : entry.name
            // `<stem>.bias`, `<name>.bias`, or the name with its last component replaced by `bias`.
            var candidates = [stem + ".bias", entry.name + ".bias"]
            if let dot = entry.name.lastIndex(of: ".") { candidates.append(entry.name[..<dot] + ".bias") }
            let bias = candidates.compactMap { byName[$0] }.first { $0.shape == [entry.shape[0]] }
            result.append(AuditedLayer(name: stem, weightName: entry.name, biasName: bias?.name,
                                       units: entry.shape[0], inputs: entry.shape[1]))
        }
        return result
    }

    /// `--layers`: the 2-D weights whose names match `patterns` (shell globs, `*` and `?`), in the patterns'
    /// order and natural name order within each, form a chain: each layer's consumer is the next, which must
    /// take as many inputs as it has units; the last feeds the loss. The user vouches for the chain, so groups
    /// in it can be called locked. Throws when a pattern matches nothing or the shapes do not chain.
    public static func layers(entries: [TensorEntry], chain patterns: [String], activation: NodeKind,
                              path: String) throws -> [AuditedLayer] {
        let candidates = layers(entries: entries)
        var chain: [AuditedLayer] = []
        for pattern in patterns {
            let matched = candidates.filter { layer in
                fnmatch(pattern, layer.weightName, 0) == 0 && !chain.contains { $0.weightName == layer.weightName }
            }.sorted { GraphInference.naturalOrder($0.weightName, $1.weightName) }
            guard !matched.isEmpty else {
                throw CairnError.incompatible(path: path, "--layers pattern '\(pattern)' matches no 2-D weight")
            }
            chain += matched
        }
        for i in chain.indices {
            chain[i].activation = i == chain.count - 1 ? .identity : activation
            chain[i].alpha = activation == .leakyRelu ? 0.01 : 0
            if i + 1 < chain.count {
                guard chain[i + 1].inputs == chain[i].units else {
                    throw CairnError.incompatible(path: path, "--layers: \(chain[i + 1].weightName) takes "
                                     + "\(chain[i + 1].inputs) inputs, "
                                     + "\(chain[i].weightName) gives \(chain[i].units)")
                }
                chain[i].consumers = [chain[i + 1].name]
            } else {
                chain[i].consumers = []
                chain[i].feedsLoss = true
            }
        }
        return chain
    }
}
