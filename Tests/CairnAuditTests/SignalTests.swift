import CairnEngine
import CairnInspect
import CairnModel
import Foundation
import Testing
@testable import CairnAudit

@Suite struct SignalTests {
    func deepCheckpoint(_ scheme: InitScheme, in folder: String) throws -> String {
        let graph = GraphSpec.perceptron(
            inputs: 20, hidden: [32, 32, 32, 32, 32], outputs: 3, activation: .relu,
            classification: true)
        let network = try Network(graph: graph, maxBatch: 16, threads: 1)
        var rng = RandomGenerator(seed: 5)
        network.initialize(scheme, rng: &rng)
        let path = folder + "/deep.cairn"
        try AuditTestModels.checkpoint(network, globalStep: 0).save(to: path)
        return path
    }

    @Test func tinyInitialisationShowsTheSignalFadingLayerByLayer() throws {
        let folder = AuditTestModels.folder("signal")
        let report = try Audit.run(Audit.Configuration(path: try deepCheckpoint(.normal(sigma: 0.001), in: folder)))
        let stds = report.layers.compactMap(\.activationStd)
        #expect(stds.count == 6)
        #expect(zip(stds, stds.dropFirst()).allSatisfy { $1 < $0 }, "\(stds)")
        #expect(report.signal?.kind == "probes")
        #expect(report.signal?.rows == 256)
        #expect(report.notes.contains { $0.hasPrefix("activation std falls layer by layer") })
        #expect(report.layers.allSatisfy { $0.gradientNorm != nil })
        #expect(report.findings.contains { $0.contains("too small") })
        #expect(report.hasFindings)
    }

    @Test func heInitialisationKeepsTheSignalAndAuditsClean() throws {
        let folder = AuditTestModels.folder("signal-he")
        let report = try Audit.run(Audit.Configuration(path: try deepCheckpoint(.heNormal, in: folder)))
        #expect(report.findings.isEmpty, "\(report.findings)")
        let stds = report.layers.dropLast().compactMap(\.activationStd)
        #expect(stds.max()! / stds.min()! < 10, "\(stds)")
    }

    @Test func dataRowsAreUsedWithTheirLabelsAndDeadUnitsCounted() throws {
        let folder = AuditTestModels.folder("signal-data")
        let network = try AuditTestModels.lockedNetwork()
        // dense1's units all share one row; a bias of -100 keeps them below zero: every one dead.
        network.parameter(named: "dense1.bias")!.values = [Float](repeating: -100, count: 16)
        let path = folder + "/model.cairn"
        try AuditTestModels.checkpoint(network).save(to: path)
        var csv = "a,b,c,d,e,f,g,h,label\n"
        let x = AuditTestModels.gaussianRows(30, width: 8, seed: 2)
        for r in 0..<30 { csv += x[r * 8..<(r + 1) * 8].map { "\($0)" }.joined(separator: ",") + ",\(r % 3)\n" }
        try csv.write(toFile: folder + "/rows.csv", atomically: true, encoding: .utf8)
        var configuration = Audit.Configuration(path: path)
        configuration.data = folder + "/rows.csv"
        let report = try Audit.run(configuration)
        #expect(
            report.signal
                == SignalSource(
                    kind: "data", file: folder + "/rows.csv", rows: 30, gradientRatio: report.signal?.gradientRatio))
        #expect(report.layers[0].deadFraction == 1)
        #expect(report.notes.contains { $0.contains("dense1: 100% of units never active") })

        try "1,2,3\n".write(toFile: folder + "/narrow.csv", atomically: true, encoding: .utf8)
        configuration.data = folder + "/narrow.csv"
        let narrow = #expect(throws: CairnError.self) { try Audit.run(configuration) }
        #expect(narrow?.code == .incompatible && narrow?.path == folder + "/narrow.csv")
    }

    @Test func initialWeightsAuditOfANetwork() throws {
        let graph = GraphSpec.perceptron(inputs: 4, hidden: [6], outputs: 2, activation: .relu, classification: true)
        let network = try Network(graph: graph, maxBatch: 4, threads: 1)
        var rng = RandomGenerator(seed: 1)
        network.initialize(.constant(0.5), rng: &rng)
        let report = try Audit.initialWeights(of: network)
        #expect(report.format == "memory")
        #expect(report.beforeTraining == true)
        #expect(report.layers.map(\.distinctUnits) == [1, 1])
        network.initialize(.heNormal, rng: &rng)
        #expect(try Audit.initialWeights(of: network).findings.isEmpty)
    }
}
