import CairnFormat
import Foundation
import Testing

@testable import CairnInspect

@Suite("Diff: Hungarian assignment, neuron changes and neuron matching")
struct DiffNeuronTests {
    /// The minimum over all permutations, by enumeration.
    static func bruteForce(_ cost: [Double], n: Int) -> Double {
        var best = Double.infinity
        var permutation = Array(0..<n)
        func visit(_ k: Int) {
            if k == n {
                best = min(best, (0..<n).map { cost[$0 * n + permutation[$0]] }.reduce(0, +))
                return
            }
            for i in k..<n {
                permutation.swapAt(k, i)
                visit(k + 1)
                permutation.swapAt(k, i)
            }
        }
        visit(0)
        return best
    }

    @Test(arguments: 1...7)
    func hungarianMatchesBruteForce(n: Int) {
        for seed in 0..<20 {
            var cost = DiffTestModels.values(n * n, seed: UInt64(100 * n + seed)).map { Double($0) }
            if seed % 4 == 0 { cost = cost.map { ($0 * 3).rounded() } }  // ties
            let assignment = HungarianAssignment.minimumCost(cost, n: n)
            #expect(Set(assignment) == Set(0..<n))
            let total = (0..<n).map { cost[$0 * n + assignment[$0]] }.reduce(0, +)
            #expect(abs(total - Self.bruteForce(cost, n: n)) < 1e-9)
        }
    }

    @Test func hungarianEndsOnNonFiniteCosts() {
        let cost: [Double] = [.nan, 1, .infinity, 0]
        #expect(Set(HungarianAssignment.minimumCost(cost, n: 2)) == [0, 1])
        #expect(HungarianAssignment.minimumCost([], n: 0) == [])
    }

    /// A 3-layer MLP (in 6, hidden 8 and 5, out 3) and a copy with its hidden units shuffled.
    static func mlp(seed: UInt64) -> [DiffTestModels.Item] {
        [
            .f32("dense1.weight", [8, 6], DiffTestModels.values(48, seed: seed)),
            .f32("dense1.bias", [8], DiffTestModels.values(8, seed: seed + 1)),
            .f32("dense2.weight", [5, 8], DiffTestModels.values(40, seed: seed + 2)),
            .f32("dense2.bias", [5], DiffTestModels.values(5, seed: seed + 3)),
            .f32("dense3.weight", [3, 5], DiffTestModels.values(15, seed: seed + 4)),
            .f32("dense3.bias", [3], DiffTestModels.values(3, seed: seed + 5)),
        ]
    }

    static func floats(_ item: DiffTestModels.Item) -> [Float] {
        item.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static func shuffled(_ model: [DiffTestModels.Item], first p1: [Int], second p2: [Int]) -> [DiffTestModels.Item] {
        let w1 = floats(model[0]), b1 = floats(model[1]), w2 = floats(model[2]), b2 = floats(model[3]),
            w3 = floats(model[4])
        // Unit i of the shuffled layer is unit p[i] of the original; the next layer's columns follow.
        let w1s = (0..<8).flatMap { i in (0..<6).map { j in w1[p1[i] * 6 + j] } }
        let b1s = (0..<8).map { b1[p1[$0]] }
        let w2s = (0..<5).flatMap { i in (0..<8).map { j in w2[p2[i] * 8 + p1[j]] } }
        let b2s = (0..<5).map { b2[p2[$0]] }
        let w3s = (0..<3).flatMap { i in (0..<5).map { j in w3[i * 5 + p2[j]] } }
        return [
            .f32("dense1.weight", [8, 6], w1s), .f32("dense1.bias", [8], b1s), .f32("dense2.weight", [5, 8], w2s),
            .f32("dense2.bias", [5], b2s), .f32("dense3.weight", [3, 5], w3s), model[5],
        ]
    }

    @Test func shuffledCopyMatchesWithZeroResidual() throws {
        let folder = TestFiles.folder("diff-match")
        let model = Self.mlp(seed: 11)
        let p1 = [3, 7, 0, 5, 1, 6, 2, 4], p2 = [4, 2, 0, 1, 3]
        try DiffTestModels.writeSafetensors(model, to: "\(folder)/a.safetensors")
        try DiffTestModels.writeCairn(Self.shuffled(model, first: p1, second: p2), to: "\(folder)/b.cairn")
        let report = try DiffTestModels.compare(
            "\(folder)/a.safetensors", "\(folder)/b.cairn", DiffOptions(matchNeurons: true))
        #expect(!report.identical)
        let matching = try #require(report.matching)
        #expect(matching.residual == 0)
        #expect(matching.layers.map(\.residualAfter) == [0, 0, 0])
        #expect(matching.layers[0].residualBefore > 0.1)
        #expect(matching.layers.map(\.matchedAbove09) == [8, 5, 3])
        // Unit i of A is unit inverse(p)[i] of B.
        let inverse1 = (0..<8).map { i in p1.firstIndex(of: i)! }, inverse2 = (0..<5).map { i in p2.firstIndex(of: i)! }
        #expect(matching.layers[0].permutation == inverse1)
        #expect(matching.layers[1].permutation == inverse2)
        #expect(matching.layers[2].permutation == [0, 1, 2])
        #expect(!matching.layers[2].permuted)
        // Two different networks do not align to zero.
        try DiffTestModels.writeCairn(Self.mlp(seed: 99), to: "\(folder)/other.cairn")
        let other = try DiffTestModels.compare(
            "\(folder)/a.safetensors", "\(folder)/other.cairn", DiffOptions(matchNeurons: true))
        #expect((other.matching?.residual ?? 0) > 0.5)
    }

    @Test func neuronsNameTheRowsThatMoved() throws {
        let folder = TestFiles.folder("diff-neurons")
        var values = DiffTestModels.values(300 * 700, seed: 4)
        try DiffTestModels.writeCairn(
            [.f32("fc.weight", [300, 700], values)], to: "\(folder)/a.cairn", options: WriteOptions(chunkSize: 10_000))
        for column in 0..<700 { values[17 * 700 + column] *= 1.5 }
        values[250 * 700 + 3] += 0.01
        try DiffTestModels.writeCairn(
            [.f32("fc.weight", [300, 700], values)], to: "\(folder)/b.cairn", options: WriteOptions(chunkSize: 10_000))
        let report = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(neurons: true, top: 5))
        let layer = try #require(report.neurons?.first)
        #expect(layer.tensor == "fc.weight")
        #expect(layer.units == 300 && layer.inputs == 700)
        #expect(layer.changedUnits == 2)
        #expect(layer.top.map(\.index) == [17, 250])
        #expect(abs(layer.top[0].relativeChange - 0.5) < 1e-6)
    }

    @Test func neuronsOfAConvolutionAreItsFilters() throws {
        let folder = TestFiles.folder("diff-filters")
        let shape = [16, 6, 5, 5], perFilter = 6 * 5 * 5
        var values = DiffTestModels.values(16 * perFilter, seed: 9)
        try DiffTestModels.writeCairn([.f32("conv2.weight", shape, values)], to: "\(folder)/a.cairn")
        for k in 0..<perFilter { values[11 * perFilter + k] *= 2 }
        try DiffTestModels.writeCairn([.f32("conv2.weight", shape, values)], to: "\(folder)/b.cairn")
        let report = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(neurons: true, top: 3))
        let layer = try #require(report.neurons?.first)
        #expect(layer.units == 16 && layer.inputs == perFilter)
        #expect(layer.changedUnits == 1 && layer.top.map(\.index) == [11])
        #expect(abs(layer.top[0].relativeChange - 1) < 1e-6)
    }

    @Test func matchingAlignsConvolutionFiltersThroughKernelAndFlattenBlocks() throws {
        let folder = TestFiles.folder("diff-match-filters")
        // conv1 [4, 1, 3, 3] -> conv2 [6, 4, 3, 3] -> (flatten of [6, 2, 2]) -> fc [10, 24].
        let conv1 = DiffTestModels.values(36, seed: 1), bias1 = DiffTestModels.values(4, seed: 2)
        let conv2 = DiffTestModels.values(216, seed: 3), bias2 = DiffTestModels.values(6, seed: 4)
        let fc = DiffTestModels.values(240, seed: 5), biasFC = DiffTestModels.values(10, seed: 6)
        func items(_ c1: [Float], _ b1: [Float], _ c2: [Float], _ b2: [Float], _ f: [Float]) -> [DiffTestModels.Item] {
            [
                .f32("conv1.weight", [4, 1, 3, 3], c1), .f32("conv1.bias", [4], b1),
                .f32("conv2.weight", [6, 4, 3, 3], c2),
                .f32("conv2.bias", [6], b2), .f32("fc.weight", [10, 24], f), .f32("fc.bias", [10], biasFC),
            ]
        }
        try DiffTestModels.writeSafetensors(items(conv1, bias1, conv2, bias2, fc), to: "\(folder)/a.safetensors")
        // The same function with conv1's filters and conv2's filters shuffled.
        let p1 = [2, 0, 3, 1], p2 = [5, 3, 0, 1, 4, 2]
        var c1 = conv1, b1 = bias1, c2 = conv2, b2 = bias2, f = fc
        for i in 0..<4 {
            for k in 0..<9 { c1[i * 9 + k] = conv1[p1[i] * 9 + k] }
            b1[i] = bias1[p1[i]]
        }
        for o in 0..<6 {
            for c in 0..<4 { for k in 0..<9 { c2[o * 36 + c * 9 + k] = conv2[p2[o] * 36 + p1[c] * 9 + k] } }
            b2[o] = bias2[p2[o]]
        }
        for r in 0..<10 { for c in 0..<6 { for k in 0..<4 { f[r * 24 + c * 4 + k] = fc[r * 24 + p2[c] * 4 + k] } } }
        try DiffTestModels.writeSafetensors(items(c1, b1, c2, b2, f), to: "\(folder)/b.safetensors")
        let report = try DiffTestModels.compare(
            "\(folder)/a.safetensors", "\(folder)/b.safetensors", DiffOptions(matchNeurons: true))
        let matching = try #require(report.matching)
        #expect(matching.layers.map(\.weight) == ["conv1.weight", "conv2.weight", "fc.weight"])
        #expect(matching.residual == 0)
        #expect(matching.layers[0].residualBefore > 0.5)
        #expect(matching.layers[0].permutation.map { p1[$0] } == [0, 1, 2, 3])
    }
}
