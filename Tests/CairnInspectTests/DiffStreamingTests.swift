import CairnFormat
import Foundation
import Testing

@testable import CairnInspect

@Suite("Diff: streaming tensor comparison across formats")
struct DiffStreamingTests {
    typealias Item = DiffTestModels.Item

    static func model(seed: UInt64, change: [(Int, Float)] = []) -> [Item] {
        var big = DiffTestModels.values(100 * 100, seed: seed)
        for (index, delta) in change { big[index] += delta }
        return [
            .f32("dense1.weight", [100, 100], big),
            .f32("dense1.bias", [100], DiffTestModels.values(100, seed: seed + 1)),
            .f32(
                "dense1.weight.momentum", [100, 100], DiffTestModels.values(10_000, seed: seed + 2),
                role: .optimizerSlot),
        ]
    }

    @Test func identicalFilesAreKnownEqualFromTheirChunks() throws {
        let folder = TestFiles.folder("diff-same")
        let options = WriteOptions(chunkSize: 4096)
        try DiffTestModels.writeCairn(Self.model(seed: 3), to: "\(folder)/a.cairn", options: options)
        try DiffTestModels.writeCairn(Self.model(seed: 3), to: "\(folder)/b.cairn", options: options)
        let report = try DiffTestModels.compare("\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(includeAll: true))
        #expect(report.identical)
        #expect(
            report.tensors.allSatisfy { $0.status == .same && $0.mismatched == 0 && $0.cosine == 1 && $0.relL2 == 0 })
        let weight = try #require(report.tensors.first { $0.name == "dense1.weight" })
        #expect(weight.chunksKnownEqual == 10)  // 40000 bytes in 4096-byte chunks
    }

    @Test func oneChangedElementIsFoundWithItsIndex() throws {
        let folder = TestFiles.folder("diff-one")
        let options = WriteOptions(chunkSize: 4096)
        try DiffTestModels.writeCairn(Self.model(seed: 3), to: "\(folder)/a.cairn", options: options)
        try DiffTestModels.writeCairn(
            Self.model(seed: 3, change: [(4321, 0.5)]), to: "\(folder)/b.cairn", options: options)
        let report = try DiffTestModels.compare("\(folder)/a.cairn", "\(folder)/b.cairn")
        #expect(!report.identical)
        let weight = try #require(report.tensors.first)
        #expect(weight.name == "dense1.weight")
        #expect(weight.status == .changed)
        #expect(weight.mismatched == 1)
        #expect(weight.maxAbsDiffIndex == [43, 21])
        #expect(weight.firstMismatchIndex == [43, 21])
        #expect(abs((weight.maxAbsDiff ?? 0) - 0.5) < 1e-6)
        #expect(weight.chunksKnownEqual == 9)
        #expect(report.tensors.count == 2)  // the momentum slot is out of scope without --all
        #expect(report.notes.contains { $0.contains("1 optimiser slots and buffers not compared") })
        // Within tolerance, the same files are identical.
        let loose = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(tolerance: DiffTolerance(absolute: 0.5001)))
        #expect(loose.identical)
        #expect(loose.tensors.first { $0.name == "dense1.weight" }?.status == .same)
    }

    @Test(arguments: ["cairn0", "cairn-big-chunks", "safetensors", "npz"])
    func formatsAgree(other: String) throws {
        let folder = TestFiles.folder("diff-formats")
        let a = "\(folder)/a.cairn"
        try DiffTestModels.writeCairn(Self.model(seed: 5), to: a, options: WriteOptions(chunkSize: 4000))
        let changed = Self.model(seed: 5, change: [(10, 0.25), (9999, -1), (5000, 1e-7)])
        let b: String
        switch other {
        case "cairn0":
            b = "\(folder)/b.cairn";
            try DiffTestModels.writeCairn(changed, to: b, options: WriteOptions(chunkSize: 4000, level: 0))
        case "cairn-big-chunks": b = "\(folder)/b.cairn"; try DiffTestModels.writeCairn(changed, to: b)
        case "safetensors": b = "\(folder)/b.safetensors"; try DiffTestModels.writeSafetensors(changed, to: b)
        default: b = "\(folder)/b.npz"; try DiffTestModels.writeNpz(changed, to: b)
        }
        let reference = "\(folder)/ref.safetensors"
        try DiffTestModels.writeSafetensors(changed, to: reference)
        let expected = try DiffTestModels.compare(a, reference, DiffOptions(tolerance: DiffTolerance(absolute: 1e-6)))
        let report = try DiffTestModels.compare(a, b, DiffOptions(tolerance: DiffTolerance(absolute: 1e-6)))
        let weight = try #require(report.tensors.first { $0.name == "dense1.weight" })
        #expect(weight.mismatched == 2)
        #expect(weight.maxAbsDiffIndex == [99, 99])
        #expect(report.tensors.map(\.status) == expected.tensors.map(\.status))
        // Sums are split differently by different chunk layouts: equal to rounding.
        let expectedRelL2 = try #require(expected.tensors.first { $0.name == "dense1.weight" }?.relL2)
        #expect(abs((weight.relL2 ?? 0) - expectedRelL2) <= 1e-12 * expectedRelL2)
        // And the other way round, and against itself.
        #expect(try DiffTestModels.compare(b, reference).identical)
        #expect(
            try DiffTestModels.compare(b, a, DiffOptions(tolerance: DiffTolerance(absolute: 1e-6))).tensors.first?
                .mismatched == 2)
    }

    @Test(arguments: DType.allCases)
    func everyDTypeComparesWithItselfAndNaNNeedsEqualNaN(dtype: DType) throws {
        let folder = TestFiles.folder("diff-dtypes")
        let bytes = TestFiles.awkwardBytes(dtype, count: 3000)
        let item = Item(name: "t.weight", dtype: dtype, shape: [30, 100], bytes: bytes)
        try DiffTestModels.writeCairn([item], to: "\(folder)/a.cairn", options: WriteOptions(chunkSize: 1000))
        try DiffTestModels.writeSafetensors([item], to: "\(folder)/b.safetensors")
        let hasNaN = try CairnReader(path: "\(folder)/a.cairn").tensors[0].statistics.nanCount > 0
        let exact = try DiffTestModels.compare("\(folder)/a.cairn", "\(folder)/b.safetensors")
        #expect(exact.identical == !hasNaN)
        let nanEqual = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.safetensors", DiffOptions(tolerance: DiffTolerance(equalNaN: true)))
        #expect(nanEqual.identical)
        #expect(
            try DiffTestModels.compare(
                "\(folder)/a.cairn", "\(folder)/a.cairn", DiffOptions(tolerance: DiffTolerance(equalNaN: true))
            ).identical)
    }

    @Test func halfPrecisionAgainstFloatIsADTypeChange() throws {
        let folder = TestFiles.folder("diff-half")
        // Exactly representable in f16, and in bf16 except the last.
        let values: [Float] = [0.5, -2, 1024, 0.099975586]
        let half = values.map { HalfConversion.halfFromFloat($0) }
        let bf16 = values.map { HalfConversion.bfloat16FromFloat($0) }
        try DiffTestModels.writeSafetensors([.f32("w", [4], values)], to: "\(folder)/a.safetensors")
        try DiffTestModels.writeSafetensors(
            [Item(name: "w", dtype: .f16, shape: [4], bytes: half.withUnsafeBytes { [UInt8]($0) })],
            to: "\(folder)/h.safetensors")
        try DiffTestModels.writeSafetensors(
            [Item(name: "w", dtype: .bf16, shape: [4], bytes: bf16.withUnsafeBytes { [UInt8]($0) })],
            to: "\(folder)/b.safetensors")
        let toHalf = try DiffTestModels.compare("\(folder)/a.safetensors", "\(folder)/h.safetensors")
        #expect(toHalf.tensors[0].status == .dtypeChanged)
        #expect(toHalf.tensors[0].mismatched == 0)
        #expect(!toHalf.identical)
        let toBF16 = try DiffTestModels.compare("\(folder)/a.safetensors", "\(folder)/b.safetensors")
        #expect(toBF16.tensors[0].mismatched == 1)
        #expect(toBF16.tensors[0].maxAbsDiffIndex == [3])
        #expect(
            toBF16.tensors[0].maxAbsDiff == abs(Double(values[3]) - Double(HalfConversion.floatFromBFloat16(bf16[3]))))
    }

    @Test func addedRemovedAndReshapedTensors() throws {
        let folder = TestFiles.folder("diff-sets")
        try DiffTestModels.writeSafetensors(
            [.f32("a", [2, 3], Array(repeating: 1, count: 6)), .f32("gone", [1], [1])], to: "\(folder)/a.safetensors")
        try DiffTestModels.writeSafetensors(
            [.f32("a", [3, 2], Array(repeating: 1, count: 6)), .f32("new", [1], [1])], to: "\(folder)/b.safetensors")
        let report = try DiffTestModels.compare("\(folder)/a.safetensors", "\(folder)/b.safetensors")
        #expect(report.tensors.map(\.status) == [.reshaped, .removed, .added])
        #expect(report.tensors.map(\.name) == ["a", "gone", "new"])
        #expect(!report.identical)
    }

    /// Chunk 0 differs between the files (it is inflated); chunk 2 does not (its stored bytes are compared).
    @Test(arguments: [0, 2])
    func damageIsAnErrorNamingFileTensorAndChunk(chunk: Int) throws {
        let folder = TestFiles.folder("diff-damage")
        let items = Self.model(seed: 9)
        try DiffTestModels.writeCairn(items, to: "\(folder)/a.cairn", options: WriteOptions(chunkSize: 4096, level: 0))
        var changed = items
        changed[0].bytes[0] ^= 1
        try DiffTestModels.writeCairn(
            changed, to: "\(folder)/b.cairn", options: WriteOptions(chunkSize: 4096, level: 0))
        let info = try CairnReader(path: "\(folder)/b.cairn").info(named: "dense1.weight")!
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/b.cairn")))
        bytes[Int(info.chunks[chunk].offset) + 7] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/b.cairn"))
        // Even against itself, where every chunk's directory record is equal, the damage is found.
        #expect(throws: CairnError.self) { _ = try DiffTestModels.compare("\(folder)/b.cairn", "\(folder)/b.cairn") }
        #expect {
            _ = try DiffTestModels.compare("\(folder)/a.cairn", "\(folder)/b.cairn")
        } throws: { error in
            guard let error = error as? CairnError else { return false }
            return error.path.hasSuffix("b.cairn") && error.tensor == "dense1.weight" && error.chunk == chunk
                && error.code == .checksumMismatch
        }
    }

    /// `.cairn` pairs are compared in batches (one parallel loop over the chunks of many tensors): the same
    /// entries as tensor by tensor (`--neurons` compares one tensor at a time), and with damage in two
    /// tensors, the error names the first in file order.
    @Test func batchedComparisonsAgreeWithOneByOneAndReportTheFirstDamage() throws {
        let folder = TestFiles.folder("diff-batch")
        var itemsA: [Item] = [], itemsB: [Item] = []
        for layer in 0..<6 {
            let values = DiffTestModels.values(50 * 60, seed: UInt64(40 + layer))
            // Layer 2 is equal in both files; layer 4 differs in one element; the others everywhere.
            let moved = values.enumerated().map { index, value in
                layer == 2 || (layer == 4 && index != 1234) ? value : value * (1 + 1e-4 * Float(index % 7))
            }
            itemsA.append(.f32("dense\(layer).weight", [50, 60], values))
            itemsB.append(.f32("dense\(layer).weight", [50, 60], moved))
            itemsA.append(.f32("dense\(layer).bias", [50], DiffTestModels.values(50, seed: UInt64(60 + layer))))
            itemsB.append(itemsA[itemsA.count - 1])
        }
        let options = WriteOptions(chunkSize: 2048)
        try DiffTestModels.writeCairn(itemsA, to: "\(folder)/a.cairn", options: options)
        try DiffTestModels.writeCairn(itemsB, to: "\(folder)/b.cairn", options: options)
        let tolerance = DiffTolerance(absolute: 1e-7, relative: 1e-5)
        let batched = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(tolerance: tolerance))
        let oneByOne = try DiffTestModels.compare(
            "\(folder)/a.cairn", "\(folder)/b.cairn", DiffOptions(tolerance: tolerance, neurons: true))
        #expect(batched.tensors == oneByOne.tensors)
        #expect(batched.tensors.filter { $0.status == .changed }.count == 5)
        #expect(batched.tensors.first { $0.name == "dense2.weight" }?.chunksKnownEqual == 6)  // 12000 bytes

        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/b.cairn")))
        let reader = try CairnReader(path: "\(folder)/b.cairn")
        for name in ["dense4.weight", "dense1.weight"] {
            let chunk = try #require(reader.info(named: name)?.chunks[1])
            bytes[Int(chunk.offset) + 9] ^= 0x04
        }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/b.cairn"))
        #expect {
            _ = try DiffTestModels.compare("\(folder)/a.cairn", "\(folder)/b.cairn")
        } throws: { error in
            (error as? CairnError)?.tensor == "dense1.weight" && (error as? CairnError)?.chunk == 1
        }
    }
}
