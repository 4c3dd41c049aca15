import CairnEngine
import CairnModel

/// Transfer learning for a fresh run: start from another model's graph and weights (`--init-from`), keep
/// some nodes' weights fixed (`--freeze`), replace the output layer (`--new-head`).
public struct TransferConfiguration: Equatable, Sendable {
    /// `--init-from`: a checkpoint, an imported .cairn, .safetensors or .npz to start from (fresh optimiser).
    public var initFrom: String?
    /// `--freeze`: nodes whose weights stay fixed.
    public var frozenNodes: [String]
    /// `--new-head`: replace the output layer with a freshly initialised one for this many classes.
    public var newHead: Int?

    public init(initFrom: String? = nil, frozenNodes: [String] = [], newHead: Int? = nil) {
        self.initFrom = initFrom
        self.frozenNodes = frozenNodes
        self.newHead = newHead
    }

    /// Checks that the values fit together; throws `ConfigurationError` naming the option.
    public func validate() throws {
        if initFrom == nil, !frozenNodes.isEmpty || newHead != nil {
            throw CairnError.configuration(
                option: frozenNodes.isEmpty ? "--new-head" : "--freeze",
                "--freeze and --new-head need --init-from CHECKPOINT")
        }
        if let newHead, !(1...1_000_000).contains(newHead) {
            throw CairnError.configuration(option: "--new-head", "--new-head \(newHead): must be from 1 to 1000000")
        }
    }

    /// The source graph, with its output layer resized when `--new-head` asks; returns the replaced
    /// node's name, whose weights start fresh.
    func graph(from source: GraphSpec, path: String) throws -> (GraphSpec, String?) {
        var graph = source
        guard let classes = newHead else { return (graph, nil) }
        guard let head = graph.nodes.lastIndex(where: { $0.kind.definition.headWidthAttribute != nil }),
            let attribute = graph.nodes[head].kind.definition.headWidthAttribute
        else {
            let kinds = NodeKind.allCases.filter { $0.definition.headWidthAttribute != nil }.map(\.rawValue)
            throw CairnError(
                .invalidGraph, path: path, "has no \(kinds.joined(separator: " or ")) layer to replace with --new-head")
        }
        graph.nodes[head].set(attribute, to: classes)
        return (graph, graph.nodes[head].name)
    }

    /// Marks the parameters of the `--freeze` nodes frozen; unknown or parameterless nodes are an error.
    func freeze(_ network: Network) throws {
        for name in frozenNodes {
            let owned = network.parameters.filter { $0.node == name }
            guard !owned.isEmpty else {
                let candidates = Set(network.parameters.map(\.node)).sorted().joined(separator: ", ")
                throw CairnError.configuration(
                    option: "--freeze",
                    "--freeze: node '\(name)' has no parameters (nodes with parameters: \(candidates))")
            }
            for parameter in owned { parameter.isFrozen = true }
        }
    }
}
