import ArgumentParser
import CairnEngine
import CairnModel

/// `cairn-train`'s transfer-learning flags: start from another checkpoint's graph and weights.
public struct TransferOptions: ParsableArguments {
    @Option(name: .customLong("init-from"), help: "Start from this model's graph and weights (fresh optimiser), and its preprocessing: a checkpoint, an imported .cairn, .safetensors or .npz.")
    public var initFrom: String?

    @Option(help: "Comma-separated nodes whose weights stay fixed (e.g. dense1,dense2).")
    public var freeze: String?

    @Option(name: .customLong("new-head"), parsing: .unconditional, help: "Replace the output layer with a freshly initialised one for this many classes.")
    public var newHead: Int?

    public init() {}

    public mutating func validate() throws {
        if initFrom == nil, freeze != nil || newHead != nil {
            throw ValidationError("--freeze and --new-head need --init-from CHECKPOINT")
        }
        if let newHead, !(1...1_000_000).contains(newHead) { throw ValidationError("--new-head \(newHead): must be from 1 to 1000000") }
    }

    /// The frozen node names.
    public var frozenNodes: [String] {
        (freeze ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The source graph, with its output layer resized when `--new-head` asks; returns the replaced
    /// node's name, whose weights start fresh.
    func graph(from source: GraphSpec, path: String) throws -> (GraphSpec, String?) {
        var graph = source
        guard let classes = newHead else { return (graph, nil) }
        guard let head = graph.nodes.lastIndex(where: { $0.kind == .dense }) else {
            throw CairnError.incompatible(path: path, "has no dense layer to replace with --new-head")
        }
        graph.nodes[head].units = classes
        return (graph, graph.nodes[head].name)
    }

    /// Marks the parameters of the `--freeze` nodes frozen; unknown or parameterless nodes are an error.
    func freeze(_ network: Network) throws {
        for name in frozenNodes {
            let owned = network.parameters.filter { $0.node == name }
            guard !owned.isEmpty else {
                let candidates = Set(network.parameters.map(\.node)).sorted().joined(separator: ", ")
                throw ValidationError("--freeze: node '\(name)' has no parameters (nodes with parameters: \(candidates))")
            }
            for parameter in owned { parameter.isFrozen = true }
        }
    }
}
