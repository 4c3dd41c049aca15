@testable import CairnEngine
import CairnModel
import Foundation
import Testing

/// Samples with a shape: NPY and IDX arrays of rank 3 and 4, `--input-shape` over flat rows, the shape a
/// run records, and the perceptron built for image data.
@Suite struct SampleShapeTests {
    static func fixture(_ name: String) -> String { DataLoaderTests.fixture(name) }

    /// A temporary file holding `bytes`, removed by the caller.
    static func temporary(_ bytes: [UInt8], suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "cairn-shape-\(UUID().uuidString)\(suffix)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A little-endian float32 `.npy` file of `shape` holding `values`.
    static func npy(shape: [Int], values: [Float]) -> [UInt8] {
        DataLoaderTests.npyFile(
            "<f4", shape: shape,
            values: values.map { v in
                withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
            })
    }

    /// An unsigned-byte IDX file of `dimensions` holding `values`.
    static func idx(dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { withUnsafeBytes(of: UInt32(d).bigEndian) { bytes += $0 } }
        return bytes + values
    }

    /// Loads NPY features of `shape` (values 0, 1, 2, ...) with `count` labels 0, 1, 0, ...
    func loadNPY(shape: [Int], inputShape: InputShape? = nil) throws -> Dataset {
        let count = shape[0], total = shape.reduce(1, *)
        let x = try Self.temporary(Self.npy(shape: shape, values: (0..<total).map(Float.init)), suffix: ".npy")
        let y = try Self.temporary(Self.npy(shape: [count], values: (0..<count).map { Float($0 % 2) }), suffix: ".npy")
        defer { for p in [x, y] { try? FileManager.default.removeItem(atPath: p) } }
        return try DataFiles.load(x, labels: y, labelColumn: nil, task: .classification, inputShape: inputShape)
    }

    @Test func npyRank3And4CarryTheirSampleShape() throws {
        let sequences = try loadNPY(shape: [4, 2, 5])
        #expect(sequences.sampleShape == [2, 5] && sequences.width == 10 && sequences.count == 4)
        #expect(sequences.features == (0..<40).map(Float.init))
        let images = try loadNPY(shape: [3, 2, 4, 5])
        #expect(images.sampleShape == [2, 4, 5] && images.width == 40 && images.count == 3)
        #expect(images.features == (0..<120).map(Float.init))
        let rows = try loadNPY(shape: [3, 6])
        #expect(rows.sampleShape == [6] && rows.hasFlatSamples)
        // A subset keeps the shape.
        #expect(images.subset([2, 0]).sampleShape == [2, 4, 5])
        // Rank 5 stays flat, as before.
        #expect(try loadNPY(shape: [2, 1, 2, 2, 2]).sampleShape == [8])
    }

    @Test func npyRowsTakeAnInputShapeThatAgrees() throws {
        let rows = try loadNPY(shape: [3, 6], inputShape: try InputShape(parsing: "2x3"))
        #expect(rows.sampleShape == [2, 3] && rows.width == 6)
        #expect(rows.features == (0..<18).map(Float.init))
        #expect(try loadNPY(shape: [2, 2, 3], inputShape: try InputShape([2, 3])).sampleShape == [2, 3])
        let wrongCount = #expect(throws: CairnError.self) {
            try loadNPY(shape: [3, 6], inputShape: try InputShape([1, 8]))
        }
        #expect(wrongCount?.code == .invalidData)
        #expect(wrongCount?.message == "rows have 6 features, --input-shape 1x8 needs 8")
        let disagrees = #expect(throws: CairnError.self) {
            try loadNPY(shape: [2, 2, 3], inputShape: try InputShape([3, 2]))
        }
        #expect(disagrees?.message == "holds samples of shape [2, 3], --input-shape 3x2 asks for [3, 2]")
    }

    @Test func idxRank3IsOneChannelImagesRank4KeepsItsChannels() throws {
        let digits = try IDXLoader.load(
            images: Self.fixture("digits-images.idx"), labels: Self.fixture("digits-labels.idx"))
        #expect(digits.sampleShape == [1, 8, 8] && digits.width == 64 && digits.count == 1797)
        let images = try Self.temporary(
            Self.idx(dimensions: [2, 3, 2, 2], values: (0..<24).map(UInt8.init)), suffix: ".idx")
        let labels = try Self.temporary(Self.idx(dimensions: [2], values: [1, 0]), suffix: ".idx")
        defer { for p in [images, labels] { try? FileManager.default.removeItem(atPath: p) } }
        let colour = try IDXLoader.load(images: images, labels: labels)
        #expect(colour.sampleShape == [3, 2, 2] && colour.width == 12 && colour.features == (0..<24).map(Float.init))
        let agreeing = try DataFiles.load(
            images, labels: labels, labelColumn: nil, task: .classification,
            inputShape: try InputShape([3, 2, 2]))
        #expect(agreeing.sampleShape == [3, 2, 2])
        let error = #expect(throws: CairnError.self) {
            try DataFiles.load(
                images, labels: labels, labelColumn: nil, task: .classification, inputShape: try InputShape([12]))
        }
        #expect(
            error?.path == images
                && error?.message == "holds samples of shape [3, 2, 2], --input-shape 12 asks for [12]")
    }

    @Test func csvRowsAreReadAsTheInputShape() throws {
        let path = Self.fixture("digits.csv")
        let plain = try DataFiles.load(path, labels: nil, labelColumn: nil, task: .classification)
        #expect(plain.sampleShape == [64])
        let images = try DataFiles.load(
            path, labels: nil, labelColumn: nil, task: .classification,
            inputShape: try InputShape(parsing: "1x8x8"))
        #expect(
            images.sampleShape == [1, 8, 8] && images.features == plain.features && images.targets == plain.targets)
        #expect(images.fingerprint == plain.fingerprint)
        let sequences = try DataFiles.load(
            path, labels: nil, labelColumn: nil, task: .classification,
            inputShape: try InputShape(parsing: "2x32"))
        #expect(sequences.sampleShape == [2, 32])
        let error = #expect(throws: CairnError.self) {
            try DataFiles.load(
                path, labels: nil, labelColumn: nil, task: .classification, inputShape: try InputShape([1, 8, 9]))
        }
        #expect(error?.code == .invalidData)
        #expect(error?.description == "\(path): rows have 64 features, --input-shape 1x8x9 needs 72")
    }

    @Test(arguments: [
        "", "0", "0x8", "8x0x8", "-1", "1x-8", "x8", "8x", "1x8x8x1", "abc", "1 x8", "+8", "٣x8",
        "99999999999999999999999", "4096x4096x4096", "9223372036854775807x2",
    ])
    func malformedInputShapesAreUsageErrors(text: String) {
        let error = #expect(throws: CairnError.self) { try InputShape(parsing: text) }
        #expect(error?.option == "--input-shape" && error?.code == .invalidConfiguration)
        #expect(error?.message.hasPrefix("--input-shape '\(text)': ") == true)
    }

    @Test func wellFormedInputShapesParse() throws {
        #expect(try InputShape(parsing: "64").dimensions == [64])
        #expect(try InputShape(parsing: "1x40").dimensions == [1, 40])
        #expect(try InputShape(parsing: "3x32x32").dimensions == [3, 32, 32])
        #expect(try InputShape(parsing: "1x8x8").description == "1x8x8")
        #expect(try InputShape(parsing: "1x8x8").elementCount == 64)
    }

    @Test func hostileExtentsAfterAnEmptySampleAxisAreRejected() throws {
        // No samples, so no bytes, but extents whose product overflows.
        let huge = try Self.temporary(Self.npy(shape: [0, 1 << 40, 1 << 40], values: []), suffix: ".npy")
        let labels = try Self.temporary(Self.npy(shape: [0], values: []), suffix: ".npy")
        let idxHuge = try Self.temporary(
            Self.idx(dimensions: [0, 1 << 31, 1 << 31, 1 << 31], values: []), suffix: ".idx")
        let idxLabels = try Self.temporary(Self.idx(dimensions: [0], values: []), suffix: ".idx")
        defer { for p in [huge, labels, idxHuge, idxLabels] { try? FileManager.default.removeItem(atPath: p) } }
        let npyError = #expect(throws: CairnError.self) { try NPYLoader.load(features: huge, labels: labels) }
        #expect(npyError?.code == .invalidData && npyError?.path == huge)
        let idxError = #expect(throws: CairnError.self) { try IDXLoader.load(images: idxHuge, labels: idxLabels) }
        #expect(idxError?.code == .invalidData && idxError?.path == idxHuge)
    }

    @Test func aRunRecordsAndReloadsItsSampleShape() throws {
        let csv = Self.fixture("digits.csv")
        let shaped = try RunData.load(
            RunDataRequest(data: csv, inputShape: try InputShape([1, 8, 8])),
            task: .classification, seed: 1)
        #expect(shaped.record.inputShape == [1, 8, 8])
        #expect(shaped.train.sampleShape == [1, 8, 8] && shaped.validation?.sampleShape == [1, 8, 8])
        let plain = try RunData.load(RunDataRequest(data: csv), task: .classification, seed: 1)
        #expect(plain.record.inputShape == nil)
        #expect(plain.record.fingerprint == shaped.record.fingerprint)
        // Recorded data comes back with its shape; data given anew takes its own.
        let again = RunDataRequest().filledIn(from: shaped.record)
        #expect(again.inputShape == (try InputShape([1, 8, 8])))
        #expect(RunDataRequest(data: csv).filledIn(from: shaped.record).inputShape == nil)
        #expect(RunDataRequest().filledIn(from: plain.record).inputShape == nil)
        // The JSON: `inputShape` only when the samples have a shape.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plainJSON = String(decoding: try encoder.encode(plain.record), as: UTF8.self)
        #expect(!plainJSON.contains("inputShape"))
        let shapedJSON = String(decoding: try encoder.encode(shaped.record), as: UTF8.self)
        #expect(shapedJSON.contains("\"inputShape\":[1,8,8]"))
        #expect(try JSONDecoder().decode(DataRecord.self, from: Data(shapedJSON.utf8)) == shaped.record)
    }

    @Test func validationFileMustHaveTheTrainingShape() throws {
        let images = Self.fixture("digits-images.idx"), labels = Self.fixture("digits-labels.idx")
        let request = RunDataRequest(data: images, labels: labels, validation: Self.fixture("digits.csv"))
        let error = #expect(throws: CairnError.self) { try RunData.load(request, task: .classification, seed: 1) }
        #expect(error?.message.contains("holds samples of shape [64]") == true)
        var shaped = request
        shaped.inputShape = try InputShape([1, 8, 8])
        let data = try RunData.load(shaped, task: .classification, seed: 1)
        #expect(data.validation?.sampleShape == [1, 8, 8] && data.validation?.count == 1797)
    }

    @Test func perceptronOnImagesFlattensFirstAndKeepsItsNames() throws {
        let images = GraphSpec.perceptron(
            inputs: 64, hidden: [32], outputs: 10, activation: .relu, classification: true,
            inputShape: [1, 8, 8])
        #expect(images.nodes.map(\.name) == ["input", "flatten", "dense1", "act1", "dense2", "softmax"])
        #expect(images.nodes[0].shape == [1, 8, 8] && images.nodes[1].kind == .flatten)
        #expect(images.nodes[2].inputs == ["flatten"])
        let shapes = try images.validate()
        #expect(shapes.shape(of: "input") == ValueShape([1, 8, 8]) && shapes["flatten"] == 64)
        let flat = GraphSpec.perceptron(
            inputs: 64, hidden: [32], outputs: 10, activation: .relu, classification: true,
            inputShape: [64])
        #expect(
            flat == GraphSpec.perceptron(inputs: 64, hidden: [32], outputs: 10, activation: .relu, classification: true)
        )
        #expect(flat.nodes.map(\.name) == ["input", "dense1", "act1", "dense2", "softmax"])
    }
}
