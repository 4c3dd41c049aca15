import CairnFormat
import CairnModel
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the layers an audit groups: from the graph when there is one (dense and convolution nodes, their
/// consumers through activations, dropout, pools, batch-norm, flatten and `add` nodes), otherwise every 2-D
/// float tensor as an `[out, in]` weight and every 3-D or 4-D `*.weight` as a convolution weight
/// `[out, in, k...]`, each with its matching `*.bias`, consumers unknown.
public enum LayerPlan {
    /// Kinds a unit's signal passes through unchanged in identity (element-wise kinds, combiners,
    /// reshapes), as their definitions' roles say.
    static let passThrough = Set(
        NodeKind.allCases.filter {
            [.activation, .regularizer, .combiner, .reshape].contains($0.definition.role)
        })

    /// Kinds whose units the audit groups.
    public static let unitLayers: Set<NodeKind> = [.dense, .conv1d, .conv2d]

    /// Kinds that keep each channel apart (a channel's values stay its own): window pools and batch-norm
    /// (whose per-channel parameters the audit compares as well).
    static let channelPreserving: Set<NodeKind> = [.maxPool, .avgPool, .batchNorm]

    /// The layers of `graph`: dense nodes whose weight exists in `entries` with shape `[units, in]`, and
    /// convolution nodes whose weight is `[units, in, k]` (conv1d) or `[units, in, kh, kw]` (conv2d).
    public static func layers(graph: GraphSpec, entries: [TensorEntry]) -> [AuditedLayer] {
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var readers: [String: [NodeSpec]] = [:]
        for node in graph.nodes { for input in node.inputs { readers[input, default: []].append(node) } }
        let outputName = graph.output?.name
        // Shapes and fans as the node kinds define them; nil when the graph does not validate (then
        // convolution layers are audited without consumers).
        let shapes = try? graph.validate()
        let owned = shapes.map { graph.parameterDefinitions(shapes: $0) } ?? []
        let definitions = Dictionary(owned.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [AuditedLayer] = []
        for node in graph.nodes where unitLayers.contains(node.kind) {
            let rank = node.kind == .dense ? 2 : node.kind == .conv1d ? 3 : 4
            guard let weight = byName[node.name + ".weight"], weight.shape.count == rank,
                weight.shape.allSatisfy({ $0 > 0 })
            else { continue }
            let units = weight.shape[0], inputs = weight.shape.dropFirst().reduce(1, *)
            let biasName = byName[node.name + ".bias"].flatMap { $0.shape == [units] ? $0.name : nil }
            let definition = definitions[weight.name].flatMap { $0.shape == weight.shape ? $0 : nil }
            let isConvolution = node.kind != .dense
            var activation = NodeKind.identity, alpha: Float = 0
            var direct = readers[node.name] ?? []
            // A batch-norm between a layer and its activation is usual: look through it.
            if direct.count == 1, direct[0].kind == .batchNorm { direct = readers[direct[0].name] ?? [] }
            if direct.count == 1, let next = direct.first, [.relu, .leakyRelu, .tanh, .sigmoid].contains(next.kind) {
                activation = next.kind
                alpha = next.kind == .leakyRelu ? (next.alpha ?? 0.01) : 0
            }
            var consumers: [String] = [], partners: [String] = [], feedsLoss = node.name == outputName
            var blocks: [String: Int] = [:], norms: [String] = []
            // Each node reached, with the columns one unit occupies once the values are flattened.
            var stack = [(name: node.name, block: 1)], seen: Set<String> = [node.name]
            while let (current, block) = stack.popLast() {
                for reader in readers[current] ?? [] where !seen.contains(reader.name) {
                    seen.insert(reader.name)
                    if unitLayers.contains(reader.kind) {
                        consumers.append(reader.name)
                        if reader.kind == .dense {
                            if block != 1 { blocks[reader.name] = block }
                        } else if let kernel = definitions[reader.name + ".weight"] {
                            blocks[reader.name] = kernel.shape.dropFirst(2).reduce(1, *)  // the kernel area
                        }
                    } else if passThrough.contains(reader.kind) || channelPreserving.contains(reader.kind)
                        || reader.kind == .globalAvgPool
                    {
                        var next = block
                        if reader.kind == .add {
                            for other in reader.inputs where other != current {
                                partners.append(contentsOf: producers(of: other, graph: graph))
                            }
                        } else if reader.kind == .batchNorm {
                            norms.append(reader.name)
                        } else if reader.kind == .globalAvgPool {
                            next = 1  // channel c becomes feature c
                        } else if reader.kind == .flatten, let shape = shapes?.shape(of: current), shape.rank >= 2 {
                            next = shape.elementCount / max(shape.dimensions[0], 1)  // channel c: H x W features
                        }
                        if reader.name == outputName { feedsLoss = true }
                        stack.append((reader.name, next))
                    } else {
                        feedsLoss = true  // softmax or another head: the loss
                    }
                }
            }
            // Without shapes a convolution's consumers cannot be read by channel: leave them unknown.
            let known = !isConvolution || shapes != nil
            result.append(
                AuditedLayer(
                    name: node.name, weightName: weight.name, biasName: biasName,
                    units: units, inputs: inputs, kind: node.kind,
                    fanIn: definition?.fanIn ?? fanIn(weight.shape),
                    fanOut: definition?.fanOut ?? fanOut(weight.shape),
                    activation: activation, alpha: alpha, consumers: known ? consumers : nil,
                    consumerBlocks: blocks, channelNorms: norms, feedsLoss: feedsLoss,
                    addPartners: Array(Set(partners)).sorted()))
        }
        return result
    }

    /// A weight's fan-in from its shape `[out, in, k...]`: `in x kernel area` (dense: `in`).
    static func fanIn(_ shape: [Int]) -> Int { shape.dropFirst().reduce(1, *) }

    /// A weight's fan-out from its shape `[out, in, k...]`: `out x kernel area` (dense: `out`).
    static func fanOut(_ shape: [Int]) -> Int { (shape.first ?? 1) * shape.dropFirst(2).reduce(1, *) }

    /// The dense or convolution layers (or `"input"`) whose values reach `name` through pass-through nodes
    /// and window pools.
    static func producers(of name: String, graph: GraphSpec) -> [String] {
        guard let node = graph.node(named: name) else { return ["input"] }
        if unitLayers.contains(node.kind) { return [node.name] }
        if passThrough.contains(node.kind) || [.maxPool, .avgPool].contains(node.kind) {
            return node.inputs.flatMap { producers(of: $0, graph: graph) }
        }
        return ["input"]
    }

    /// Without a graph: every 2-D float tensor of role `parameter` as a weight `[out, in]`, and every 3-D or
    /// 4-D one named `*.weight` as a convolution weight `[out, in, k...]` (fan-in `in x kernel area`), its bias
    /// the tensor named like it with `bias` for `weight` (or `<name>.bias`) of shape `[out]`; consumers unknown.
    public static func layers(entries: [TensorEntry]) -> [AuditedLayer] {
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [AuditedLayer] = []
        for entry in entries
        where entry.role == .parameter
            && (entry.shape.count == 2 || ((3...4).contains(entry.shape.count) && entry.name.hasSuffix(".weight")))
            && entry.shape.allSatisfy({ $0 > 0 }) && [.f32, .f64, .f16, .bf16].contains(entry.dtype)
        {
            let stem = entry.name.hasSuffix(".weight") ? String(entry.name.dropLast(7)) : entry.name
            // `<stem>.bias`, `<name>.bias`, or the name with its last component replaced by `bias`.
            var candidates = [stem + ".bias", entry.name + ".bias"]
            if let dot = entry.name.lastIndex(of: ".") { candidates.append(entry.name[..<dot] + ".bias") }
            let bias = candidates.compactMap { byName[$0] }.first { $0.shape == [entry.shape[0]] }
            let kind: NodeKind = entry.shape.count == 2 ? .dense : entry.shape.count == 3 ? .conv1d : .conv2d
            result.append(
                AuditedLayer(
                    name: stem, weightName: entry.name, biasName: bias?.name,
                    units: entry.shape[0], inputs: fanIn(entry.shape), kind: kind,
                    fanIn: fanIn(entry.shape), fanOut: fanOut(entry.shape)))
        }
        return result
    }

    /// `--layers`: the 2-D weights whose names match `patterns` (shell globs, `*` and `?`), in the patterns'
    /// order and natural name order within each, form a chain: each layer's consumer is the next, which must
    /// take as many inputs as it has units; the last feeds the loss. The user vouches for the chain, so groups
    /// in it can be called locked. Throws when a pattern matches nothing or the shapes do not chain.
    public static func layers(
        entries: [TensorEntry], chain patterns: [String], activation: NodeKind,
        path: String
    ) throws -> [AuditedLayer] {
        let candidates = layers(entries: entries).filter { !$0.isConvolution }
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
                    throw CairnError.incompatible(
                        path: path,
                        "--layers: \(chain[i + 1].weightName) takes "
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
