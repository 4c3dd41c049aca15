import CairnInspect
import Foundation
import Testing
@testable import CairnAudit

/// Odd and hostile safetensors files: the audit reports or refuses them with an error naming the file, never traps.
@Suite struct HostileModelTests {
    /// A safetensors file from (name, dtype, shape, raw bytes).
    static func safetensors(_ tensors: [(String, String, [Int], [UInt8])], at path: String) throws {
        var offset = 0
        var header: [String] = []
        for (name, dtype, shape, bytes) in tensors {
            header.append(
                "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes.count)]}"
            )
            offset += bytes.count
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for (_, _, _, bytes) in tensors { data.append(contentsOf: bytes) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    @Test func emptyAndOddShapesAreReportedNotTrapped() throws {
        let folder = AuditTestModels.folder("hostile")
        let path = folder + "/odd.safetensors"
        try Self.safetensors(
            [
                ("empty.weight", "F32", [0, 4], []),
                ("thin.weight", "F32", [3, 0], []),
                ("half.weight", "F16", [2, 2], [0, 0x3C, 0, 0x3C, 0, 0x3C, 0, 0x3C]),
                ("ids", "I64", [2, 2], [UInt8](repeating: 1, count: 32)),
                ("nan.weight", "F32", [2, 2], Self.f32([.nan, 1, .infinity, 2])),
            ], at: path)
        var configuration = Audit.Configuration(path: path)
        configuration.signal = false
        let report = try Audit.run(configuration)
        #expect(report.layers.map(\.weight).sorted() == ["half.weight", "nan.weight"])
        #expect(report.layers.first { $0.weight == "half.weight" }?.constant == 1)
        #expect(report.nonFinite == [NonFiniteCount(tensor: "nan.weight", nan: 1, infinite: 1)])
        #expect(report.hasFindings)
    }

    @Test func truncatedDataIsAnErrorNamingTheFile() throws {
        let folder = AuditTestModels.folder("hostile-truncated")
        let path = folder + "/cut.safetensors"
        try Self.safetensors([("a.weight", "F32", [4, 4], Self.f32([Float](repeating: 1, count: 16)))], at: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count - 9).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Audit.run(Audit.Configuration(path: path))
            Issue.record("a truncated file was accepted")
        } catch {
            #expect("\(error)".contains("cut.safetensors"))
        }
    }

    @Test func shardedCheckpointIsAuditedAcrossShards() throws {
        let folder = AuditTestModels.folder("sharded")
        // layers.0: 6 -> 4 with units 0 and 2 equal; layers.1: 4 -> 3 reading them through equal columns.
        var w0 = AuditTestModels.gaussianRows(4, width: 6, seed: 1)
        for k in 0..<6 { w0[2 * 6 + k] = w0[k] }
        var w1 = AuditTestModels.gaussianRows(3, width: 4, seed: 2)
        for r in 0..<3 { w1[r * 4 + 2] = w1[r * 4] }
        try Self.safetensors(
            [
                ("layers.0.weight", "F32", [4, 6], Self.f32(w0)),
                ("layers.0.bias", "F32", [4], Self.f32([0, 0, 0, 0])),
            ],
            at: folder + "/model-00001-of-00002.safetensors")
        try Self.safetensors(
            [
                ("layers.1.weight", "F32", [3, 4], Self.f32(w1)),
                ("layers.1.bias", "F32", [3], Self.f32([0, 0, 0])),
            ],
            at: folder + "/model-00002-of-00002.safetensors")
        let index =
            #"{"metadata": {}, "weight_map": {"layers.0.weight": "model-00001-of-00002.safetensors", "#
            + #""layers.0.bias": "model-00001-of-00002.safetensors", "#
            + #""layers.1.weight": "model-00002-of-00002.safetensors", "#
            + #""layers.1.bias": "model-00002-of-00002.safetensors"}}"#
        try index.write(toFile: folder + "/model.safetensors.index.json", atomically: true, encoding: .utf8)
        let report = try Audit.run(Audit.Configuration(path: folder + "/model.safetensors.index.json"))
        #expect(report.format == "safetensors-sharded")
        #expect(report.graphOrigin != "none")
        #expect(report.layers.map(\.name) == ["layers.0", "layers.1"])
        #expect(report.layers[0].groups == [UnitGroup(kind: "locked", units: [0, 2])])
        #expect(report.layers[0].activationStd != nil)
    }
}
