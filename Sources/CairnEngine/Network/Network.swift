import CairnModel

/// A network built from a layer graph: parameters, preallocated workspaces for up to `maxBatch` rows,
/// and forward and backward passes for every node kind.
///
/// A graph whose last node is `softmax` is a classifier (targets `.labels`, softmax cross-entropy);
/// any other graph is a regressor (targets `.values`, squared error `|e|^2 / 2` per sample). Batch
/// losses are means over samples.
///
/// Given the same inputs, parameters, random state and BLAS thread count, every pass is
/// bit-identical: reductions run in a fixed order and the only threads are BLAS's. A network is not
/// safe to use from two threads at once: every pass runs in its one set of workspaces.
public final class Network {
    /// The largest `maxBatch` a network accepts.
    public static let maximumBatch = 1 << 20
    /// The most floats all workspaces together may take (4 GiB).
    public static let maximumWorkspace = 1 << 30

    /// The graph the network was built from (validated).
    public let graph: GraphSpec
    /// Classification or regression, from the graph's last node.
    public let task: TrainingTask
    /// The largest batch the workspaces hold.
    public let maxBatch: Int
    /// The trainable tensors in graph order, as each node's kind defines them (a dense node's weight, then
    /// its bias).
    public let parameters: [Parameter]
    /// The threads every pass splits its products and element-wise loops across. Results are
    /// bit-identical from run to run at the same thread count, not across thread counts.
    public let team: ThreadTeam

    let nodes: [CompiledNode]
    /// Each node's kernel, from its kind.
    let kernels: [any NodeKernel]
    let inputIndex: Int
    let edgeSources: [Int]
    let edgeScales: [Float]
    /// Whether an edge's backward contribution adds to its source's gradient (true) or overwrites it
    /// (false: the first contribution in reverse graph order).
    let edgeAccumulates: [Bool]
    /// Per node: output values, gradient (nodes that need one), dropout mask (dropout nodes).
    let outputs: [UnsafeMutablePointer<Float>]
    let gradients: [UnsafeMutablePointer<Float>]
    let masks: [UnsafeMutablePointer<Float>]
    /// One allocation backs every workspace.
    private let workspace: UnsafeMutablePointer<Float>
    /// The caller's input rows during a pass.
    var currentInput: UnsafePointer<Float>
    /// Per node: its weights packed for small-batch inference (`packWeightsForInference`), or nil.
    var packedWeights: [PackedDenseWeights?] = []

    /// Regression: a weight per output column applied to the loss a pass reports, never to its
    /// gradient. With standardised targets these are the targets' variances, so reported losses are in
    /// the targets' own units while training runs on the standardised scale. nil: weight 1.
    public var reportedLossWeights: [Float]?

    /// Features per input row (the input node's size).
    public var inputWidth: Int { nodes[inputIndex].width }
    /// Values per output row (the last node's width: classes for a classifier).
    public var outputWidth: Int { nodes[nodes.count - 1].width }

    /// Validates the graph (throwing a `CairnError` `invalidGraph` naming the node), creates the parameters (zero; call
    /// `initialize`), preallocates workspaces for up to `maxBatch` rows and starts a team of
    /// `threads` threads (default: one per processor).
    public init(graph: GraphSpec, maxBatch: Int, threads: Int = ThreadTeam.defaultThreadCount) throws {
        let shapes = try graph.validate()
        guard maxBatch >= 1, maxBatch <= Self.maximumBatch else {
            throw CairnError(.invalidArgument, "maxBatch \(maxBatch) is out of range (1 to \(Self.maximumBatch))")
        }
        self.graph = graph
        self.maxBatch = maxBatch
        self.task = graph.hasSoftmaxHead ? .classification : .regression

        let definitions = graph.parameterDefinitions(shapes: shapes)
        var index: [String: Int] = [:]
        var compiled: [CompiledNode] = []
        var kernels: [any NodeKernel] = []
        var sources: [Int] = [], scales: [Float] = []
        var input = 0
        let team = ThreadTeam(threads: threads)
        for (position, spec) in graph.nodes.enumerated() {
            index[spec.name] = position
            if spec.kind == .input { input = position }
            let width = shapes[spec.name]!
            let owned = definitions.firstIndex { $0.node == spec.name } ?? -1
            let firstEdge = sources.count
            for (slot, source) in spec.inputs.enumerated() {
                sources.append(index[source]!)
                scales.append(spec.kind == .add ? (spec.scales?[slot] ?? 1) : 1)
            }
            let inputShapes = spec.inputs.map { NodeKindDefinition.Input(name: $0, shape: shapes.shape(of: $0)!) }
            let kernel: any NodeKernel
            do {
                kernel = try spec.kind.makeKernel(
                    for: spec, inputs: inputShapes, maxBatch: maxBatch,
                    threads: team.threadCount)
            } catch let error as CairnError {
                throw error
            } catch {
                throw CairnError.graph(node: spec.name, "\(error)")
            }
            let needs = owned >= 0 || spec.inputs.contains { compiled[index[$0]!].needsGradient }
            compiled.append(
                CompiledNode(
                    kind: spec.kind, width: width, firstEdge: firstEdge,
                    edgeCount: spec.inputs.count, weightIndex: owned,
                    alpha: spec.alpha ?? 0.01, rate: spec.rate ?? 0,
                    needsGradient: needs, reachesLoss: false,
                    hasMask: kernel.usesMask))
            kernels.append(kernel)
        }
        let parameters = definitions.map(Parameter.init(definition:))
        // Which nodes reach the loss, and which backward contribution to each node comes first.
        var accumulates = [Bool](repeating: false, count: sources.count)
        var written = [Bool](repeating: false, count: compiled.count)
        compiled[compiled.count - 1].reachesLoss = true
        for position in stride(from: compiled.count - 1, through: 0, by: -1) where compiled[position].reachesLoss {
            let node = compiled[position]
            for edge in node.firstEdge..<node.firstEdge + node.edgeCount {
                let source = sources[edge]
                compiled[source].reachesLoss = true
                guard compiled[source].needsGradient else { continue }
                accumulates[edge] = written[source]
                written[source] = true
            }
        }
        for position in compiled.indices where !compiled[position].reachesLoss {
            compiled[position].needsGradient = false
        }
        // The fused loss writes the softmax head's input gradient directly; the head needs none.
        if compiled[compiled.count - 1].kind == .softmax { compiled[compiled.count - 1].needsGradient = false }

        var total = 0
        for node in compiled {
            let (rows, overflow) = node.width.multipliedReportingOverflow(by: maxBatch)
            let copies = (node.kind == .input ? 0 : 1) + (node.needsGradient ? 1 : 0) + (node.hasMask ? 1 : 0)
            guard !overflow, rows <= Self.maximumWorkspace else {
                throw CairnError(.limitExceeded, "network workspaces would need \(Int.max) floats, more than the limit")
            }
            total += rows * copies
            guard total <= Self.maximumWorkspace else {
                throw CairnError(.limitExceeded, "network workspaces would need \(total) floats, more than the limit")
            }
        }
        let base = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        base.initialize(repeating: 0, count: max(total, 1))
        var cursor = base
        func take(_ wanted: Bool, _ count: Int) -> UnsafeMutablePointer<Float> {
            guard wanted else { return base }
            defer { cursor += count }
            return cursor
        }
        outputs = compiled.map { take($0.kind != .input, $0.width * maxBatch) }  // input: the caller's rows
        gradients = compiled.map { take($0.needsGradient, $0.width * maxBatch) }
        masks = compiled.map { take($0.hasMask, $0.width * maxBatch) }

        self.workspace = base
        self.nodes = compiled
        self.kernels = kernels
        self.inputIndex = input
        self.edgeSources = sources
        self.edgeScales = scales
        self.edgeAccumulates = accumulates
        self.parameters = parameters
        self.currentInput = UnsafePointer(base)
        self.team = team
    }

    deinit {
        workspace.deallocate()
    }

    /// The parameter with this name (`"dense1.weight"`), if any.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// Replaces parameter values by name (e.g. from a checkpoint). Every name must exist and every
    /// array must have the parameter's element count; nothing changes when one does not.
    public func load(values: [String: [Float]]) throws {
        for (name, array) in values {
            guard let parameter = parameter(named: name) else {
                throw CairnError(.incompatible, "the network has no parameter '\(name)'")
            }
            guard array.count == parameter.count else {
                throw CairnError(
                    .incompatible, "parameter '\(name)' has \(array.count) values, expected \(parameter.count)")
            }
        }
        for (name, array) in values { parameter(named: name)!.values = array }
    }

    /// Packs every dense node's weights, as they are now, for inference passes of up to
    /// `PackedDenseWeights.maximumRows` rows on a one-thread network (`ReplicatedInference`'s replicas):
    /// a BLAS repacks the weights in every product, which dominates small batches. A packed copy is used
    /// only while its parameter's values are unchanged (`Parameter.revision`); outputs then differ from the
    /// BLAS path's in rounding only. Does nothing on a CPU without AVX2 + FMA.
    public func packWeightsForInference() {
        packedWeights = nodes.map { node in
            node.kind == .dense && node.weightIndex >= 0
                ? PackedDenseWeights(weight: parameters[node.weightIndex]) : nil
        }
    }

    /// The output for `batch` rows (row-major `[batch, inputWidth]`), row-major `[batch, outputWidth]`:
    /// probabilities for classifiers, the last node's values otherwise. Dropout is off. Any batch
    /// size: rows are run in chunks of `maxBatch`.
    public func predict(_ inputs: UnsafeBufferPointer<Float>, batch: Int) -> [Float] {
        precondition(batch >= 0 && inputs.count >= batch * inputWidth, "predict: fewer inputs than batch rows")
        let width = outputWidth
        let last = nodes.count - 1
        var rng = RandomGenerator(seed: 0)  // unused: dropout is off outside training
        return [Float](unsafeUninitializedCapacity: batch * width) { result, initialized in
            var start = 0
            while start < batch {
                let rows = min(maxBatch, batch - start)
                forward(inputs.baseAddress! + start * inputWidth, batch: rows, training: false, rng: &rng)
                (result.baseAddress! + start * width).initialize(from: outputs[last], count: rows * width)
                start += rows
            }
            initialized = batch * width
        }
    }
}
