import Foundation
import CairnModel
import Testing
@testable import CairnInspect

/// Locked vs duplicate, constant tensors, non-finite values, scale and baselines, on weights held in memory.
@Suite struct AuditClassificationTests {
    typealias Tensor = (name: String, shape: [Int], values: [Float])

    static func normal(_ count: Int, std: Float, seed: UInt64) -> [Float] {
        var g = AuditGroupingTests.Generator(state: seed)
        return (0..<count).map { _ in
            let u1 = max(Float(g.next() >> 40) / Float(1 << 24), 1e-7), u2 = Float(g.next() >> 40) / Float(1 << 24)
            return std * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    /// input 6 -> dense1 (5) -> relu -> dense2 (4) -> relu -> dense3 (3) -> softmax, He-initialised.
    static func model(beforeTraining: Bool? = true) -> (GraphSpec, [Tensor]) {
        let graph = GraphSpec.perceptron(
            inputs: 6, hidden: [5, 4], outputs: 3, activation: .relu, classification: true)
        let tensors: [Tensor] = [
            ("dense1.weight", [5, 6], normal(30, std: (2.0 / 6).squareRoot(), seed: 1)),
            ("dense1.bias", [5], [0, 0, 0, 0, 0]),
            ("dense2.weight", [4, 5], normal(20, std: (2.0 / 5).squareRoot(), seed: 2)),
            ("dense2.bias", [4], [0, 0, 0, 0]),
            ("dense3.weight", [3, 4], normal(12, std: (2.0 / 4).squareRoot(), seed: 3)),
            ("dense3.bias", [3], [0, 0, 0]),
        ]
        return (graph, tensors)
    }

    static func audit(
        _ graph: GraphSpec?, _ tensors: [Tensor], beforeTraining: Bool? = true, tolerance: Float = 0,
        baseline: [Tensor]? = nil
    ) throws -> AuditReport {
        let input = AuditInput.memory(
            description: "test", graph: graph, beforeTraining: beforeTraining, tensors: tensors)
        let base = baseline.map {
            AuditInput.memory(description: "baseline", graph: graph, beforeTraining: true, tensors: $0)
        }
        return try WeightAudit.run(input, options: WeightAudit.Options(tolerance: tolerance), baseline: base)
    }

    /// Copies row `from` of a weight (and its bias) onto row `to`.
    static func copyUnit(_ tensors: inout [Tensor], layer: String, from: Int, to: Int) {
        let w = tensors.firstIndex { $0.name == layer + ".weight" }!,
            b = tensors.firstIndex { $0.name == layer + ".bias" }!
        let width = tensors[w].shape[1]
        for k in 0..<width { tensors[w].values[to * width + k] = tensors[w].values[from * width + k] }
        tensors[b].values[to] = tensors[b].values[from]
    }

    static func copyColumn(_ tensors: inout [Tensor], layer: String, from: Int, to: Int) {
        let w = tensors.firstIndex { $0.name == layer + ".weight" }!
        let (rows, columns) = (tensors[w].shape[0], tensors[w].shape[1])
        for r in 0..<rows { tensors[w].values[r * columns + to] = tensors[w].values[r * columns + from] }
    }

    @Test func heInitialisedModelIsClean() throws {
        let (graph, tensors) = Self.model()
        let report = try Self.audit(graph, tensors)
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.symmetricUnits == 0)
        #expect(report.layers.map(\.distinctUnits) == [5, 4, 3])
        #expect(abs(report.layers[0].heStd - (2.0 / 6).squareRoot()) < 1e-12)
        #expect(abs(report.layers[0].xavierStd - (2.0 / 11).squareRoot()) < 1e-12)
    }

    @Test func copiedUnitWithDifferentOutgoingWeightsIsADuplicate() throws {
        var (graph, tensors) = Self.model()
        Self.copyUnit(&tensors, layer: "dense1", from: 1, to: 3)
        let report = try Self.audit(graph, tensors)
        #expect(report.layers[0].groups == [UnitGroup(kind: "duplicate", units: [1, 3])])
        #expect(report.layers[0].distinctUnits == 4)
        #expect(report.symmetricUnits == 2)
        #expect(report.hasFindings)
    }

    @Test func copiedUnitWithEqualOutgoingWeightsIsLocked() throws {
        var (graph, tensors) = Self.model()
        Self.copyUnit(&tensors, layer: "dense1", from: 1, to: 3)
        Self.copyColumn(&tensors, layer: "dense2", from: 1, to: 3)
        let report = try Self.audit(graph, tensors)
        #expect(report.layers[0].groups == [UnitGroup(kind: "locked", units: [1, 3])])
        // Without a graph the consumer is unknown: never called locked.
        let unknown = try Self.audit(nil, tensors)
        #expect(unknown.layers[0].groups.map(\.kind) == ["duplicate"])
    }

    @Test func lockedSubsetsInsideADuplicateGroup() throws {
        var (graph, tensors) = Self.model()
        Self.copyUnit(&tensors, layer: "dense1", from: 0, to: 2)
        Self.copyUnit(&tensors, layer: "dense1", from: 0, to: 4)
        Self.copyColumn(&tensors, layer: "dense2", from: 0, to: 4)
        let group = try Self.audit(graph, tensors).layers[0].groups
        #expect(group == [UnitGroup(kind: "duplicate", units: [0, 2, 4], lockedSubsets: [[0, 4]])])
    }

    @Test func outputUnitsAreNeverLocked() throws {
        var (graph, tensors) = Self.model()
        Self.copyUnit(&tensors, layer: "dense3", from: 0, to: 2)
        #expect(try Self.audit(graph, tensors).layers[2].groups == [UnitGroup(kind: "duplicate", units: [0, 2])])
    }

    @Test func constantInitialisationIsLockedAndNamed() throws {
        var (graph, tensors) = Self.model()
        for i in tensors.indices where tensors[i].shape.count == 2 {
            tensors[i].values = [Float](repeating: 0.5, count: tensors[i].values.count)
        }
        let report = try Self.audit(graph, tensors)
        #expect(report.layers.map(\.distinctUnits) == [1, 1, 1])
        #expect(report.layers.map { $0.groups.map(\.kind) } == [["locked"], ["locked"], ["duplicate"]])
        #expect(report.layers.map(\.constant) == [0.5, 0.5, 0.5])
        #expect(report.findings.contains("dense1.weight: every element is 0.5 (constant-initialised)"))
        // A zero bias is how every layer starts: not a finding.
        #expect(!report.findings.contains { $0.contains(".bias") })
    }

    @Test func dropoutIsMentionedWithLockedGroups() throws {
        let graph = GraphSpec.perceptron(
            inputs: 3, hidden: [4], outputs: 2, activation: .tanh, dropout: 0.2, classification: false)
        let tensors: [Tensor] = [
            ("dense1.weight", [4, 3], [Float](repeating: 0.3, count: 12)), ("dense1.bias", [4], [0, 0, 0, 0]),
            ("dense2.weight", [2, 4], [Float](repeating: 0.3, count: 8)), ("dense2.bias", [2], [0, 0]),
        ]
        let report = try Self.audit(graph, tensors)
        #expect(report.layers[0].groups.map(\.kind) == ["locked"])
        #expect(report.layers[0].activation == "tanh")
        #expect(report.notes.contains { $0.contains("dropout") })
    }

    @Test func addNodeWithTheInputKeepsGroupsDuplicate() throws {
        // input 4 -> dense1 (4) -> relu -> add(input, act1) -> dense2 (2): the input's values differ per unit.
        let graph = GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, size: 4),
            NodeSpec(name: "dense1", kind: .dense, inputs: ["input"], units: 4),
            NodeSpec(name: "act1", kind: .relu, inputs: ["dense1"]),
            NodeSpec(name: "sum", kind: .add, inputs: ["act1", "input"]),
            NodeSpec(name: "dense2", kind: .dense, inputs: ["sum"], units: 2),
        ])
        let tensors: [Tensor] = [
            ("dense1.weight", [4, 4], [Float](repeating: 0.2, count: 16)), ("dense1.bias", [4], [0, 0, 0, 0]),
            ("dense2.weight", [2, 4], [Float](repeating: 0.2, count: 8)), ("dense2.bias", [2], [0, 0]),
        ]
        let report = try Self.audit(graph, tensors)
        #expect(report.layers[0].consumers == ["dense2"])
        #expect(report.layers[0].groups.map(\.kind) == ["duplicate"])
    }

    @Test func nonFiniteValuesAreCountedPerTensor() throws {
        var (graph, tensors) = Self.model()
        tensors[2].values[3] = .nan
        tensors[2].values[4] = .infinity
        tensors[3].values[0] = -.infinity
        let report = try Self.audit(graph, tensors)
        #expect(
            report.nonFinite == [
                NonFiniteCount(tensor: "dense2.weight", nan: 1, infinite: 1),
                NonFiniteCount(tensor: "dense2.bias", nan: 0, infinite: 1),
            ])
        #expect(report.hasFindings)
    }

    @Test func scaleIsAFindingOnlyBeforeTraining() throws {
        var (graph, tensors) = Self.model()
        tensors[0].values = Self.normal(30, std: 0.001, seed: 9)
        let before = try Self.audit(graph, tensors, beforeTraining: true)
        #expect(before.layers[0].scale == "too small")
        #expect(before.findings.contains { $0.contains("dense1.weight") && $0.contains("shrink") })
        let after = try Self.audit(graph, tensors, beforeTraining: false)
        #expect(after.findings.isEmpty)
        #expect(after.notes.contains { $0.contains("dense1.weight") && $0.contains("drift") })
        tensors[0].values = Self.normal(30, std: 5, seed: 9)
        #expect(try Self.audit(graph, tensors).layers[0].scale == "too large")
    }

    @Test func scaleExpectationsFollowTheActivation() {
        let relu = InitializationScale(fanIn: 100, fanOut: 50, activation: .relu, alpha: 0)
        #expect(abs(relu.he - (2.0 / 100).squareRoot()) < 1e-12)
        let leaky = InitializationScale(fanIn: 100, fanOut: 50, activation: .leakyRelu, alpha: 0.2)
        #expect(abs(leaky.he - (2 / (1 + 0.04) / 100).squareRoot()) < 1e-7)
        let tanh = InitializationScale(fanIn: 100, fanOut: 50, activation: .tanh, alpha: 0)
        #expect(abs(tanh.he - 5.0 / 3 / 10) < 1e-12)
        #expect(abs(tanh.xavier - (2.0 / 150).squareRoot()) < 1e-12)
        #expect(relu.verdict(std: relu.he * 2.9) == "ok")
        #expect(relu.verdict(std: relu.xavier / 3.1) == "too small")
    }

    @Test func baselineTellsInitialSymmetryFromCollapse() throws {
        var (graph, initial) = Self.model()
        Self.copyUnit(&initial, layer: "dense1", from: 0, to: 1)
        var later = initial
        Self.copyUnit(&later, layer: "dense2", from: 2, to: 3)
        let report = try Self.audit(graph, later, beforeTraining: false, baseline: initial)
        #expect(report.layers[0].groups.map(\.origin) == ["initial"])
        #expect(report.layers[1].groups.map(\.origin) == ["collapsed"])
    }

    @Test func textShortensLongMemberLists() {
        #expect(AuditReport.members(Array(0..<64)) == "0-63")
        #expect(AuditReport.members([1, 3, 4, 5, 9]) == "1,3-5,9")
        #expect(AuditReport.members(Array(stride(from: 0, to: 40, by: 2))).hasSuffix("(8 more)"))
    }

    @Test func layersPatternsMakeAChainWhoseGroupsCanBeLocked() throws {
        var (_, tensors) = Self.model()
        Self.copyUnit(&tensors, layer: "dense1", from: 1, to: 3)
        Self.copyColumn(&tensors, layer: "dense2", from: 1, to: 3)
        // Names no graph inference knows, plus an unrelated 2-D tensor.
        let renamed: [Tensor] =
            tensors.map { t in
                (
                    t.name.replacingOccurrences(of: "dense", with: "blocks.").replacingOccurrences(
                        of: ".weight", with: ".proj"),
                    t.shape, t.values
                )
            } + [("embedding.table", [7, 2], Self.normal(14, std: 1, seed: 4))]
        let input = AuditInput.memory(description: "chain", graph: nil, beforeTraining: false, tensors: renamed)
        var options = WeightAudit.Options()
        let unknown = try WeightAudit.run(input, options: options)
        #expect(unknown.layers.first { $0.weight == "blocks.1.proj" }?.groups.map(\.kind) == ["duplicate"])
        options.chain = ["blocks.*.proj"]
        let chained = try WeightAudit.run(input, options: options)
        #expect(chained.layers.map(\.weight) == ["blocks.1.proj", "blocks.2.proj", "blocks.3.proj"])
        #expect(chained.layers[0].consumers == ["blocks.2.proj"])
        #expect(chained.layers[0].groups == [UnitGroup(kind: "locked", units: [1, 3])])
        options.chain = ["nothing.*"]
        let unmatched = #expect(throws: CairnError.self) { try WeightAudit.run(input, options: options) }
        #expect(unmatched?.code == .incompatible && unmatched?.description.hasPrefix("chain: ") == true)
        options.chain = ["blocks.1.proj", "blocks.3.proj"]
        let gap = #expect(throws: CairnError.self) { try WeightAudit.run(input, options: options) }
        #expect(gap?.code == .incompatible)
    }
}
