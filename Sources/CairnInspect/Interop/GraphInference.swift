import CairnFormat
import CairnModel

/// Recovers a layer graph from tensor names and shapes, and checks a given graph against tensors.
///
/// A plain MLP is recognised from `<node>.weight` `[out, in]` and `<node>.bias` `[out]` pairs (node names
/// such as `dense1`, `fc1`, `0`, `layers.0`), sorted in natural name order (`layers.2` before
/// `layers.10`) and chained by shape: each weight's `in` is the previous weight's `out`. The graph is
/// `input`, then for each pair a dense node named after it, an activation (`act1`, `act2`, ...)
/// between dense nodes, and `softmax` at the end for classification.
public enum GraphInference {
    /// The perceptron the parameter tensors of `entries` form; throws `invalidModel` saying why they do not.
    public static func perceptron(
        from entries: [TensorEntry], activation: NodeKind, classification: Bool,
        path: String
    ) throws -> GraphSpec {
        func fail(_ why: String) -> CairnError {
            CairnError(
                .invalidGraph, path: path, "cannot infer an MLP graph: \(why) (give one with --model GRAPH.json)")
        }
        var weights: [String: TensorEntry] = [:], biases: [String: TensorEntry] = [:]
        for entry in entries where entry.role == .parameter {
            if entry.name.hasSuffix(".weight") {
                weights[String(entry.name.dropLast(7))] = entry
            } else if entry.name.hasSuffix(".bias") {
                biases[String(entry.name.dropLast(5))] = entry
            } else {
                throw fail("tensor \(entry.name) is neither <node>.weight nor <node>.bias")
            }
        }
        guard !weights.isEmpty else { throw fail("no <node>.weight tensors") }
        let layers = weights.keys.sorted(by: naturalOrder)
        var nodes = [NodeSpec]()
        var previous = "input", previousWidth = 0
        var used = Set(layers)
        func fresh(_ base: String) -> String {
            var name = base
            while used.contains(name) { name += "_" }
            used.insert(name)
            return name
        }
        let inputName = fresh("input")
        previous = inputName
        for (index, layer) in layers.enumerated() {
            let weight = weights[layer]!
            guard weight.shape.count == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
                throw fail("\(weight.name) has shape \(weight.shape), not [out, in]")
            }
            guard let bias = biases[layer] else { throw fail("\(weight.name) has no \(layer).bias") }
            guard bias.shape == [weight.shape[0]] else {
                throw fail("\(bias.name) has shape \(bias.shape), expected [\(weight.shape[0])]")
            }
            if index == 0 {
                nodes.append(NodeSpec(name: inputName, kind: .input, size: weight.shape[1]))
            } else {
                guard weight.shape[1] == previousWidth else {
                    throw fail(
                        "\(weight.name) takes \(weight.shape[1]) inputs but the layer before gives \(previousWidth)")
                }
                let act = fresh("act\(index)")
                nodes.append(
                    NodeSpec(
                        name: act, kind: activation, inputs: [previous], alpha: activation == .leakyRelu ? 0.01 : nil))
                previous = act
            }
            nodes.append(NodeSpec(name: layer, kind: .dense, inputs: [previous], units: weight.shape[0]))
            previous = layer
            previousWidth = weight.shape[0]
        }
        if let orphan = biases.keys.first(where: { weights[$0] == nil }) {
            throw fail("\(orphan).bias has no \(orphan).weight")
        }
        if classification { nodes.append(NodeSpec(name: fresh("softmax"), kind: .softmax, inputs: [previous])) }
        let graph = GraphSpec(nodes: nodes)
        do { try graph.validate() } catch { throw fail("\(error)") }
        return graph
    }

    /// Checks that `graph` owns exactly the parameters its node kinds define, with those shapes: every
    /// parameter a node's kind defines (`<node>.weight` `[units, in]`, `<node>.bias` `[units]` for dense)
    /// is in `entries` with its shape.
    public static func check(_ graph: GraphSpec, against entries: [TensorEntry], path: String) throws {
        let definitions: [ParameterDefinition]
        do { definitions = try graph.parameterDefinitions() } catch {
            throw CairnError.naming(path, error, otherwise: .invalidGraph)
        }
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for parameter in definitions {
            let kind = graph.node(named: parameter.node)?.kind.rawValue ?? "graph"
            guard let entry = byName[parameter.name] else {
                throw CairnError(
                    .incompatible, path: path,
                    "the graph's \(kind) node '\(parameter.node)' needs tensor \(parameter.name), which the file lacks")
            }
            guard entry.shape == parameter.shape else {
                throw CairnError(
                    .shapeMismatch, path: path,
                    "tensor \(parameter.name) has shape \(entry.shape), the graph needs \(parameter.shape)")
            }
        }
    }

    /// Natural order: runs of digits compare as numbers (`fc2` < `fc10`, `layers.2` < `layers.10`).
    public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func runs(_ s: String) -> [(String, Int?)] {
            var result: [(String, Int?)] = []
            var current = "", digits = false
            for c in s {
                let isDigit = c.isASCII && c.isNumber
                if !current.isEmpty && isDigit != digits {
                    result.append((current, digits ? Int(current.prefix(18)) : nil))
                    current = ""
                }
                current.append(c)
                digits = isDigit
            }
            if !current.isEmpty { result.append((current, digits ? Int(current.prefix(18)) : nil)) }
            return result
        }
        for (x, y) in zip(runs(a), runs(b)) where x.0 != y.0 {
            if let nx = x.1, let ny = y.1, nx != ny { return nx < ny }
            return x.0 < y.0
        }
        return runs(a).count < runs(b).count
    }
}
