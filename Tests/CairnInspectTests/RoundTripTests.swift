import CairnFormat
import CairnModel
import Foundation
import Testing
@testable import CairnInspect

/// .cairn -> safetensors/npz -> .cairn keeps every dtype bit for bit (f16 and bf16 included).
@Suite struct RoundTripTests {
    static let shapes: [[Int]] = [[], [0], [7], [3, 5], [2, 3, 4]]

    @Test(arguments: [TensorFileFormat.safetensors, .npz], shapes)
    func everyDTypeBitExact(format: TensorFileFormat, shape: [Int]) throws {
        let folder = TestFiles.folder("roundtrip")
        let original = try TestFiles.writeAllDTypes(to: "\(folder)/in.cairn", shape: shape)
        let middle = "\(folder)/mid.\(format.rawValue)"
        _ = try Converter.convert(input: "\(folder)/in.cairn", output: middle)
        let report = try Converter.convert(input: middle, output: "\(folder)/out.cairn")
        #expect(report.tensors == DType.allCases.count)
        let back = try TestFiles.read("\(folder)/out.cairn")
        for dtype in DType.allCases {
            let tensor = try #require(back["t.\(dtype.name)"])
            #expect(tensor.0 == dtype)
            #expect(tensor.1 == shape)
            #expect(tensor.2 == original["t.\(dtype.name)"], "\(dtype) through \(format)")
        }
    }

    @Test func safetensorsRoundTripRestoresTheFileExactly() throws {
        let folder = TestFiles.folder("restore")
        try TestFiles.writeAllDTypes(
            to: "\(folder)/in.cairn", shape: [4, 4], manifest: #"{"creator":"test","graph":{"nodes":[]}}"#)
        _ = try Converter.convert(input: "\(folder)/in.cairn", output: "\(folder)/mid.safetensors")
        let report = try Converter.convert(input: "\(folder)/mid.safetensors", output: "\(folder)/out.cairn")
        #expect(report.graph == "restored")
        let original = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/in.cairn"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/out.cairn")) == original)
    }

    @Test func forcedZip64ArchiveReadsBack() throws {
        let folder = TestFiles.folder("zip64")
        let original = try TestFiles.writeAllDTypes(to: "\(folder)/in.cairn", shape: [5])
        var options = ConversionOptions()
        options.forceZip64 = true
        _ = try Converter.convert(input: "\(folder)/in.cairn", output: "\(folder)/mid.npz", options: options)
        _ = try Converter.convert(input: "\(folder)/mid.npz", output: "\(folder)/out.cairn")
        let back = try TestFiles.read("\(folder)/out.cairn")
        #expect(back.mapValues(\.2) == original)
    }

    @Test func parametersOnlyLeavesOptimizerSlotsOut() throws {
        let folder = TestFiles.folder("params")
        let writer = try CairnWriter(path: "\(folder)/in.cairn")
        for (name, role) in [
            ("d.weight", TensorRole.parameter), ("d.weight.momentum", .optimizerSlot), ("training.order", .buffer),
        ] {
            try [UInt8](repeating: 1, count: 8).withUnsafeBytes {
                try writer.write(name: name, role: role, dtype: .f32, shape: [2], bytes: $0)
            }
        }
        try writer.commit(manifest: Data("{}".utf8))
        var options = ConversionOptions()
        options.parametersOnly = true
        for format in ["safetensors", "npz"] {
            let report = try Converter.convert(
                input: "\(folder)/in.cairn", output: "\(folder)/p.\(format)", options: options)
            #expect(report.tensors == 1 && report.skipped == 2)
            #expect(
                try Converter.convert(input: "\(folder)/p.\(format)", output: "\(folder)/p-\(format).cairn").tensors
                    == 1)
        }
    }

    @Test func importedRolesFollowTheNameRule() {
        #expect(TensorEntry.importedRole(forName: "fc1.weight") == .parameter)
        #expect(TensorEntry.importedRole(forName: "fc1.weight.momentum") == .optimizerSlot)
        #expect(TensorEntry.importedRole(forName: "fc1.bias.adam_m") == .optimizerSlot)
        #expect(TensorEntry.importedRole(forName: "fc1.bias.adam_v") == .optimizerSlot)
        #expect(TensorEntry.importedRole(forName: "adam_v") == .parameter)
    }

    @Test func halfTypesFromTheSafetensorsLibraryKeepTheirBits() throws {
        let folder = TestFiles.folder("half")
        _ = try Converter.convert(
            input: TestFiles.fixture("Fixtures/interop/half-types.safetensors"), output: "\(folder)/h.cairn")
        let tensors = try TestFiles.read("\(folder)/h.cairn")
        func bits(_ words: [UInt16]) -> [UInt8] { words.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        #expect(tensors["bf16"]?.0 == .bf16 && tensors["bf16"]?.1 == [2, 3])
        #expect(tensors["bf16"]?.2 == bits([0x3F80, 0xC000, 0x7FC1, 0xFF80, 0x0001, 0x8000]))
        #expect(tensors["f16"]?.0 == .f16)
        #expect(tensors["f16"]?.2 == bits([0x3C00, 0xC000, 0x7E01, 0xFC00, 0x0001, 0x8000]))
        _ = try Converter.convert(input: "\(folder)/h.cairn", output: "\(folder)/h.safetensors")
        let original = try SafetensorsSource(path: TestFiles.fixture("Fixtures/interop/half-types.safetensors"))
        let again = try SafetensorsSource(path: "\(folder)/h.safetensors")
        #expect(original.entries.sorted { $0.name < $1.name } == again.entries.sorted { $0.name < $1.name })
        for name in ["bf16", "f16"] {
            let a = try original.load(try #require(original.entries.firstIndex { $0.name == name }))
            let b = try again.load(try #require(again.entries.firstIndex { $0.name == name }))
            #expect(a == b)
        }
    }

    @Test func numpyWrittenArchivesImport() throws {
        let folder = TestFiles.folder("numpy")
        for name in ["numpy-savez-compressed", "numpy-savez"] {
            let report = try Converter.convert(
                input: TestFiles.fixture("Fixtures/interop/\(name).npz"), output: "\(folder)/\(name).cairn")
            #expect(report.graph == "none")
        }
        let compressed = try TestFiles.read("\(folder)/numpy-savez-compressed.cairn")
        let weights = try #require(compressed["weights"])
        #expect(weights.0 == .f32 && weights.1 == [3, 4])
        #expect(try Tensor(dtype: .f32, shape: [12], bytes: weights.2).floats() == (0..<12).map { Float($0) / 8 })
        let half = try #require(compressed["half"])
        #expect(half.0 == .f16)
        #expect(try Tensor(dtype: .f16, shape: [12], bytes: half.2).floats() == (0..<12).map { Float($0) / 8 })
        #expect(
            try Tensor(dtype: .i64, shape: [5], bytes: try #require(compressed["ids"]).2).int64s() == [-2, -1, 0, 1, 2])
        #expect(compressed["mask"]?.2 == [1, 0, 1] && compressed["mask"]?.0 == .bool)
        #expect(compressed["bytes"]?.2 == [0, 1, 2, 3] && compressed["bytes"]?.0 == .u8)
        let stored = try TestFiles.read("\(folder)/numpy-savez.cairn")
        #expect(stored["scalar"]?.1 == [] && stored["scalar"]?.0 == .f64)
        #expect(try Tensor(dtype: .f64, shape: [], bytes: try #require(stored["scalar"]).2).doubles() == [2.5])
    }
}
