import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation
import Testing
@testable import CairnAudit

@Suite struct RepairTests {
    func saved(_ network: Network, in folder: String) throws -> String {
        let path = folder + "/locked.cairn"
        try AuditTestModels.checkpoint(network).save(to: path)
        return path
    }

    @Test func repairedNetworkComputesTheSameFunctionAndAuditsClean() throws {
        let folder = AuditTestModels.folder("repair")
        let network = try AuditTestModels.lockedNetwork()
        let path = try saved(network, in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var configuration = Audit.Configuration(path: path)
        configuration.repair = folder + "/repaired.cairn"
        configuration.seed = 7
        let report = try Audit.run(configuration)
        #expect(report.layers.map { $0.groups.map(\.kind) } == [["locked"], ["locked"], []])
        #expect(report.repair?.reinitializedUnits == 15 + 11)
        #expect(report.repair?.skipped == [])
        // The input is untouched.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        // Same outputs, to float rounding, through the engine's Network.
        let original = try Checkpoint.load(from: path), repaired = try Checkpoint.load(from: folder + "/repaired.cairn")
        let a = try Network(checkpoint: original, path: path, maxBatch: 64, threads: 1)
        let b = try Network(checkpoint: repaired, path: "repaired", maxBatch: 64, threads: 1)
        let x = AuditTestModels.gaussianRows(200, width: 8, seed: 11)
        let pa = x.withUnsafeBufferPointer { a.predict($0, batch: 200) }
        let pb = x.withUnsafeBufferPointer { b.predict($0, batch: 200) }
        let worst = zip(pa, pb).map { abs($0 - $1) / max(abs($0), 1e-6) }.max() ?? 0
        #expect(worst < 1e-4, "largest relative difference \(worst)")
        // Not trivially equal: the weights did change.
        #expect(original.tensor(named: "dense1.weight")!.values != repaired.tensor(named: "dense1.weight")!.values)

        // The repaired file audits clean.
        var again = Audit.Configuration(path: folder + "/repaired.cairn")
        again.signal = false
        let clean = try Audit.run(again)
        #expect(clean.findings.isEmpty, "\(clean.findings)")
        #expect(clean.symmetricUnits == 0)

        // Slots of changed units are reset, the others kept; the note waits for the next epoch's record.
        let slot = repaired.tensor(named: "dense1.weight.momentum")!.values
        #expect(slot[0..<8].allSatisfy { $0 == 0.25 })
        #expect(slot[8...].allSatisfy { $0 == 0 })
        let outSlot = repaired.tensor(named: "dense3.weight.momentum")!.values
        #expect(outSlot.allSatisfy { $0 == 0 })
        #expect(repaired.manifest.training.pendingNote?.contains("cairn-audit --repair: 26 symmetric units") == true)
        #expect(repaired.manifest.training.globalStep == original.manifest.training.globalStep)
    }

    @Test func outputLayerGroupsAreNotRepaired() throws {
        let folder = AuditTestModels.folder("repair-output")
        let network = try AuditTestModels.lockedNetwork()
        let w = network.parameter(named: "dense3.weight")!
        w.values = [Float](repeating: 0.3, count: w.count)
        let path = try saved(network, in: folder)
        var configuration = Audit.Configuration(path: path)
        configuration.repair = folder + "/out.cairn"
        configuration.signal = false
        let report = try Audit.run(configuration)
        #expect(report.repair?.skipped.count == 1)
        #expect(report.repair?.skipped.first?.hasPrefix("dense3") == true)
    }

    @Test func repairNeverOverwritesItsInput() throws {
        let folder = AuditTestModels.folder("repair-same")
        let path = try saved(try AuditTestModels.lockedNetwork(), in: folder)
        var configuration = Audit.Configuration(path: path)
        configuration.repair = path
        let refused = #expect(throws: CairnError.self) { try Audit.run(configuration) }
        #expect(refused?.code == .invalidArgument && refused?.path == path)
        #expect(TestFolders.names(folder) == ["locked.cairn"])
    }
}

enum TestFolders {
    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
