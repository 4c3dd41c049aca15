import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation
import Testing
@testable import CairnAudit

/// Convolutions in the audit: filters are units (rows of the weight flattened after the first axis), their
/// outgoing weights are column blocks of the next layer, batch-norm parameters split groups, and the scale
/// check uses the convolution's fan-in and fan-out.
@Suite struct ConvolutionAuditTests {
    /// input [1, 8, 8] -> conv1 (4, 3x3) [-> bn1] -> relu -> max-pool 2 -> conv2 (6, 3x3) -> relu -> flatten
    /// -> dense (10) -> softmax.
    static func graph(batchNorm: Bool = false) -> GraphSpec {
        var nodes = [
            NodeSpec(name: "input", kind: .input, shape: [1, 8, 8]),
            NodeSpec(name: "conv1", kind: .conv2d, inputs: ["input"], channels: 4, kernel: [3]),
        ]
        if batchNorm { nodes.append(NodeSpec(name: "bn1", kind: .batchNorm, inputs: ["conv1"])) }
        nodes += [
            NodeSpec(name: "act1", kind: .relu, inputs: [batchNorm ? "bn1" : "conv1"]),
            NodeSpec(name: "pool1", kind: .maxPool, inputs: ["act1"], kernel: [2]),
            NodeSpec(name: "conv2", kind: .conv2d, inputs: ["pool1"], channels: 6, kernel: [3]),
            NodeSpec(name: "act2", kind: .relu, inputs: ["conv2"]),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["act2"]),
            NodeSpec(name: "dense", kind: .dense, inputs: ["flat"], units: 10),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["dense"]),
        ]
        return GraphSpec(nodes: nodes)
    }

    static func network(_ scheme: InitScheme, graph: GraphSpec = graph(), seed: UInt64 = 5) throws -> Network {
        let network = try Network(graph: graph, maxBatch: 256, threads: 1)
        var rng = RandomGenerator(seed: seed)
        network.initialize(scheme, rng: &rng)
        return network
    }

    static func audit(_ network: Network) throws -> AuditReport {
        try Audit.initialWeights(of: network, threads: 1)
    }

    static func layer(_ report: AuditReport, _ name: String) throws -> LayerReport {
        try #require(report.layers.first { $0.name == name })
    }

    /// Copies filter `from` of a convolution (its flattened row and bias) onto filter `to`.
    static func copyFilter(_ network: Network, _ layer: String, from: Int, to: Int) {
        let w = network.parameter(named: layer + ".weight")!, width = w.count / w.shape[0]
        for k in 0..<width { w.values[to * width + k] = w.values[from * width + k] }
        if let b = network.parameter(named: layer + ".bias") { b.values[to] = b.values[from] }
    }

    /// Copies, in every row of `layer`'s flattened weight, `count` columns from block `from` to block `to`
    /// (blocks of `block` columns).
    static func copyBlock(_ network: Network, _ layer: String, block: Int, from: Int, to: Int, count: Int) {
        let w = network.parameter(named: layer + ".weight")!, width = w.count / w.shape[0]
        for r in 0..<w.shape[0] {
            for j in 0..<count { w.values[r * width + to * block + j] = w.values[r * width + from * block + j] }
        }
    }

    @Test func constantConvolutionsAreLockedFilters() throws {
        let report = try Self.audit(try Self.network(.constant(0.1)))
        #expect(report.layers.map(\.name) == ["conv1", "conv2", "dense"])
        let conv1 = try Self.layer(report, "conv1"), conv2 = try Self.layer(report, "conv2")
        #expect(conv1.groups == [UnitGroup(kind: "locked", units: [0, 1, 2, 3])])
        #expect(conv2.groups == [UnitGroup(kind: "locked", units: Array(0..<6))])
        #expect(conv1.kind == "conv2d" && conv1.inputs == 9 && conv2.inputs == 36 && conv1.distinctUnits == 1)
        #expect(conv1.consumers == ["conv2"] && conv2.consumers == ["dense"])
        // The output layer's units feed the loss: duplicates.
        #expect(try Self.layer(report, "dense").groups.map(\.kind) == ["duplicate"])
        #expect(
            report.findings.contains { $0.hasPrefix("conv1: 4 filters, 1 distinct; 4 filters in 1 group; 1 locked") })
        #expect(report.findings.contains("conv2.weight: every element is 0.1 (constant-initialised)"))
        #expect(report.text().contains("conv1: locked 0-3 (4 filters)"))
    }

    @Test func scaleUsesConvolutionFans() throws {
        let report = try Self.audit(try Self.network(.heNormal))
        let conv1 = try Self.layer(report, "conv1"), conv2 = try Self.layer(report, "conv2")
        // fan-in in x kh x kw, fan-out out x kh x kw; ReLU gain sqrt(2).
        #expect(abs(conv1.heStd - (2.0 / 9).squareRoot()) < 1e-12)
        #expect(abs(conv1.xavierStd - (2.0 / (9 + 36)).squareRoot()) < 1e-12)
        #expect(abs(conv2.heStd - (2.0 / 36).squareRoot()) < 1e-12)
        #expect(abs(conv2.xavierStd - (2.0 / (36 + 54)).squareRoot()) < 1e-12)
        #expect(report.symmetricUnits == 0)
        #expect(report.findings.isEmpty, "\(report.findings)")
        // Far below both expectations of the convolution's fans.
        let small = try Self.network(.normal(sigma: 0.02))
        let scaled = try Self.layer(try Self.audit(small), "conv2")
        #expect(scaled.scale == "too small")
    }

    @Test func duplicateFiltersAreLockedOnlyWhenTheirWholeBlocksAgree() throws {
        let network = try Self.network(.heNormal)
        Self.copyFilter(network, "conv1", from: 0, to: 1)
        #expect(
            try Self.layer(try Self.audit(network), "conv1").groups == [UnitGroup(kind: "duplicate", units: [0, 1])])
        // conv2 reads channel c as columns c*9 ..< c*9+9 of each row: equal in all but the last column.
        Self.copyBlock(network, "conv2", block: 9, from: 0, to: 1, count: 8)
        #expect(try Self.layer(try Self.audit(network), "conv1").groups.map(\.kind) == ["duplicate"])
        Self.copyBlock(network, "conv2", block: 9, from: 0, to: 1, count: 9)
        let report = try Self.audit(network)
        #expect(try Self.layer(report, "conv1").groups == [UnitGroup(kind: "locked", units: [0, 1])])
        #expect(report.findings.contains { $0.hasPrefix("conv1: 4 filters, 3 distinct") })
    }

    @Test func denseAfterFlattenReadsAChannelAsItsPositions() throws {
        // conv (3, 3x3) on [1, 6, 6] gives [3, 4, 4]: channel c is features c*16 ..< c*16+16 of the flatten.
        let graph = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 6, 6]),
            NodeSpec(name: "conv", kind: .conv2d, inputs: ["input"], channels: 3, kernel: [3]),
            NodeSpec(name: "act", kind: .tanh, inputs: ["conv"]),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["act"]),
            NodeSpec(name: "hidden", kind: .dense, inputs: ["flat"], units: 5),
            NodeSpec(name: "act2", kind: .relu, inputs: ["hidden"]),
            NodeSpec(name: "out", kind: .dense, inputs: ["act2"], units: 2),
        ])
        let network = try Self.network(.heNormal, graph: graph)
        Self.copyFilter(network, "conv", from: 0, to: 2)
        Self.copyBlock(network, "hidden", block: 16, from: 0, to: 2, count: 15)
        var conv = try Self.layer(try Self.audit(network), "conv")
        #expect(conv.groups == [UnitGroup(kind: "duplicate", units: [0, 2])])
        #expect(conv.activation == "tanh")
        Self.copyBlock(network, "hidden", block: 16, from: 0, to: 2, count: 16)
        conv = try Self.layer(try Self.audit(network), "conv")
        #expect(conv.groups == [UnitGroup(kind: "locked", units: [0, 2])])
    }

    @Test func globalAveragePoolMakesEachChannelOneFeature() throws {
        let graph = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [2, 10]),
            NodeSpec(name: "conv", kind: .conv1d, inputs: ["input"], channels: 3, kernel: [3]),
            NodeSpec(name: "act", kind: .tanh, inputs: ["conv"]),
            NodeSpec(name: "pool", kind: .avgPool, inputs: ["act"], kernel: [2]),
            NodeSpec(name: "gap", kind: .globalAvgPool, inputs: ["pool"]),
            NodeSpec(name: "hidden", kind: .dense, inputs: ["gap"], units: 4),
            NodeSpec(name: "act2", kind: .relu, inputs: ["hidden"]),
            NodeSpec(name: "out", kind: .dense, inputs: ["act2"], units: 2),
        ])
        let report = try Self.audit(try Self.network(.constant(0.2), graph: graph))
        let conv = try Self.layer(report, "conv")
        #expect(conv.kind == "conv1d" && conv.inputs == 6)
        #expect(conv.groups == [UnitGroup(kind: "locked", units: [0, 1, 2])])
        #expect(abs(conv.heStd - 5.0 / 3 / 6.0.squareRoot()) < 1e-12)  // tanh gain over sqrt(in x k)
        #expect(try Self.layer(report, "hidden").groups == [UnitGroup(kind: "locked", units: [0, 1, 2, 3])])
        let he = try Self.network(.heNormal, graph: graph)
        Self.copyFilter(he, "conv", from: 1, to: 2)
        Self.copyBlock(he, "hidden", block: 1, from: 1, to: 2, count: 1)
        #expect(try Self.layer(try Self.audit(he), "conv").groups == [UnitGroup(kind: "locked", units: [1, 2])])
    }

    @Test func batchNormWithDifferentChannelsBreaksTheLock() throws {
        let network = try Self.network(.constant(0.1), graph: Self.graph(batchNorm: true))
        #expect(try Self.layer(try Self.audit(network), "conv1").groups.map(\.kind) == ["locked"])
        // Channel 1 scaled differently: the rest stay locked together, the group is no longer locked.
        network.parameter(named: "bn1.weight")!.values = [1, 2, 1, 1]
        var conv1 = try Self.layer(try Self.audit(network), "conv1")
        #expect(conv1.groups == [UnitGroup(kind: "duplicate", units: [0, 1, 2, 3], lockedSubsets: [[0, 2, 3]])])
        network.parameter(named: "bn1.weight")!.values = [1, 2, 3, 4]
        conv1 = try Self.layer(try Self.audit(network), "conv1")
        #expect(conv1.groups == [UnitGroup(kind: "duplicate", units: [0, 1, 2, 3])])
        // Equal scales but a different running mean: broken as well.
        network.parameter(named: "bn1.weight")!.values = [1, 1, 1, 1]
        network.parameter(named: "bn1.running_mean")!.values = [0, 0, 0.5, 0]
        conv1 = try Self.layer(try Self.audit(network), "conv1")
        #expect(conv1.groups == [UnitGroup(kind: "duplicate", units: [0, 1, 2, 3], lockedSubsets: [[0, 1, 3]])])
        #expect(conv1.activation == "relu")
    }

    @Test func withoutAGraphRank4WeightsAreConvolutions() throws {
        let network = try Self.network(.constant(0.1))
        let tensors = network.parameters.map { (name: $0.name, shape: $0.shape, values: $0.values) }
        let input = AuditInput.memory(description: "no graph", graph: nil, beforeTraining: true, tensors: tensors)
        let report = try WeightAudit.run(input, options: WeightAudit.Options(threads: 1))
        #expect(report.layers.map(\.name) == ["conv1", "conv2", "dense"])
        let conv2 = try Self.layer(report, "conv2")
        #expect(conv2.kind == "conv2d" && conv2.inputs == 36 && conv2.consumers == nil)
        #expect(conv2.groups == [UnitGroup(kind: "duplicate", units: Array(0..<6))])
        #expect(abs(conv2.xavierStd - (2.0 / (36 + 54)).squareRoot()) < 1e-12)
        #expect(report.findings.contains { $0.hasPrefix("conv2: 6 filters") && $0.contains("consumers unknown") })
    }

    @Test func aConsumerWithoutItsWeightCannotVouchForALock() throws {
        let network = try Self.network(.constant(0.1))
        let tensors = network.parameters.filter { $0.name != "conv2.weight" }
            .map { (name: $0.name, shape: $0.shape, values: $0.values) }
        let input = AuditInput.memory(
            description: "partial", graph: network.graph, beforeTraining: true, tensors: tensors)
        let report = try WeightAudit.run(input, options: WeightAudit.Options(threads: 1))
        #expect(report.layers.map(\.name) == ["conv1", "dense"])
        #expect(try Self.layer(report, "conv1").groups == [UnitGroup(kind: "duplicate", units: [0, 1, 2, 3])])
    }

    @Test func signalStatisticsCoverConvolutionFilters() throws {
        let network = try Self.network(.heNormal)
        // Filter 3 never fires: zero weights, negative bias.
        let w = network.parameter(named: "conv1.weight")!
        for k in 27..<36 { w.values[k] = 0 }
        network.parameter(named: "conv1.bias")!.values[3] = -1
        let folder = AuditTestModels.folder("conv-signal")
        let path = folder + "/conv.cairn"
        try AuditTestModels.checkpoint(network).save(to: path)
        let report = try Audit.run(Audit.Configuration(path: path))
        let conv1 = try Self.layer(report, "conv1"), conv2 = try Self.layer(report, "conv2")
        #expect(conv1.deadFraction == 0.25)
        #expect(conv2.deadFraction != nil && conv1.activationStd != nil && (conv2.gradientNorm ?? 0) > 0)
        #expect(report.notes.contains("conv1: 25% of units never active on the batch (dead)"))
        #expect(report.signal?.kind == "probes")
    }

    /// Saves `network`, repairs it, and returns the report and the largest relative difference of the two
    /// networks' predictions on probe rows.
    static func repair(
        _ network: Network, label: String
    ) throws -> (report: AuditReport, repaired: String, worst: Float) {
        let folder = AuditTestModels.folder(label)
        let path = folder + "/conv.cairn", out = folder + "/repaired.cairn"
        try AuditTestModels.checkpoint(network).save(to: path)
        var configuration = Audit.Configuration(path: path)
        configuration.repair = out
        configuration.signal = false
        configuration.seed = 9
        let report = try Audit.run(configuration)
        let a = try Network(checkpoint: try Checkpoint.load(from: path), path: path, maxBatch: 64, threads: 1)
        let b = try Network(checkpoint: try Checkpoint.load(from: out), path: out, maxBatch: 64, threads: 1)
        let x = AuditTestModels.gaussianRows(64, width: a.inputWidth, seed: 12)
        let pa = x.withUnsafeBufferPointer { a.predict($0, batch: 64) }
        let pb = x.withUnsafeBufferPointer { b.predict($0, batch: 64) }
        let worst = zip(pa, pb).map { abs($0 - $1) / max(abs($0), 1e-6) }.max() ?? .infinity
        return (report, out, worst)
    }

    @Test func repairedConvolutionsComputeTheSameFunctionWithDistinctFilters() throws {
        let (report, out, worst) = try Self.repair(try Self.network(.constant(0.1)), label: "conv-repair")
        #expect(report.layers.prefix(2).map { $0.groups.map(\.kind) } == [["locked"], ["locked"]])
        #expect(report.repair?.reinitializedUnits == 3 + 5)
        #expect(report.repair?.skipped.count == 1 && report.repair?.skipped.first?.hasPrefix("dense: ") == true)
        #expect(worst < 1e-4, "largest relative difference \(worst)")
        var configuration = Audit.Configuration(path: out)
        configuration.signal = false
        let after = try Audit.run(configuration)
        #expect(after.layers.prefix(2).allSatisfy { $0.groups.isEmpty && $0.scale == "ok" }, "\(after.layers)")
        // The fresh filters are drawn at the convolution's He scale; their outgoing blocks start at zero.
        let conv2 = try #require(try Checkpoint.load(from: out).tensors.first { $0.name == "conv2.weight" })
        // The kept filter reads conv1's kept channel with the four channels' summed block, the others not at all.
        let sum: Float = 0.1 + 0.1 + 0.1 + 0.1
        #expect(conv2.values[0..<9].allSatisfy { $0 == sum } && conv2.values[9..<36].allSatisfy { $0 == 0 })
        #expect(Set(conv2.values[36..<72]).count > 30)  // a fresh one
        #expect(conv2.values[36..<72].allSatisfy { $0 == 0 } == false)
    }

    @Test func repairMovesBlocksOfFlattenedPositions() throws {
        let graph = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 6, 6]),
            NodeSpec(name: "conv", kind: .conv2d, inputs: ["input"], channels: 3, kernel: [3]),
            NodeSpec(name: "act", kind: .relu, inputs: ["conv"]),
            NodeSpec(name: "flat", kind: .flatten, inputs: ["act"]),
            NodeSpec(name: "hidden", kind: .dense, inputs: ["flat"], units: 5),
            NodeSpec(name: "act2", kind: .relu, inputs: ["hidden"]),
            NodeSpec(name: "out", kind: .dense, inputs: ["act2"], units: 2),
        ])
        let network = try Self.network(.heNormal, graph: graph)
        Self.copyFilter(network, "conv", from: 0, to: 2)
        Self.copyBlock(network, "hidden", block: 16, from: 0, to: 2, count: 16)
        let (report, out, worst) = try Self.repair(network, label: "conv-repair-flat")
        #expect(report.layers.first?.groups == [UnitGroup(kind: "locked", units: [0, 2])])
        #expect(report.repair?.reinitializedUnits == 1)
        #expect(worst < 1e-4, "largest relative difference \(worst)")
        // Channel 2's 16 columns of every hidden row are zero; channel 0's hold the sums.
        let hidden = try #require(try Checkpoint.load(from: out).tensors.first { $0.name == "hidden.weight" })
        let original = network.parameter(named: "hidden.weight")!.values
        for row in 0..<5 {
            for p in 0..<16 {
                #expect(hidden.values[row * 48 + 32 + p] == 0)
                #expect(hidden.values[row * 48 + p] == original[row * 48 + p] + original[row * 48 + 32 + p])
                #expect(hidden.values[row * 48 + 16 + p] == original[row * 48 + 16 + p])
            }
        }
    }

    @Test func repairLeavesGroupsBehindADifferingBatchNorm() throws {
        let network = try Self.network(.constant(0.1), graph: Self.graph(batchNorm: true))
        network.parameter(named: "bn1.weight")!.values = [1, 2, 3, 4]
        let (report, _, worst) = try Self.repair(network, label: "conv-repair-bn")
        #expect(report.layers.first?.groups.map(\.kind) == ["duplicate"])
        #expect(
            report.repair?.skipped.contains("conv1: group 0-3: batch-norm bn1 treats its channels differently") == true)
        // conv2's locked filters are repaired all the same.
        #expect(report.repair?.reinitializedUnits == 5)
        #expect(worst < 1e-4, "largest relative difference \(worst)")
    }
}
