import CairnFormat
import CairnGoldenFiles
import Foundation
import Testing

/// The committed golden files must read back forever: a change that breaks this breaks the format.
/// `swift run cairn-fixtures golden Fixtures/checkpoints` regenerates them (a new format version only).
@Suite struct GoldenFileTests {
    static let directory = TestSupport.fixture("checkpoints")

    @Test(arguments: try GoldenFixtures.files.map(\.name))
    func goldenFileReadsBack(name: String) throws {
        let file = try #require(try GoldenFixtures.files.first { $0.name == name })
        let reader = try CairnReader(path: Self.directory.appendingPathComponent(name).path)
        #expect(reader.version == FormatVersion(major: 1, minor: 0))
        #expect(reader.manifest == Data(file.manifest.utf8))
        #expect(reader.tensors.map(\.name) == file.tensors.map(\.name))
        for entry in file.tensors {
            let info = try #require(reader.info(named: entry.name))
            #expect(info.role == entry.role && info.dtype == entry.tensor.dtype && info.shape == entry.tensor.shape)
            #expect(try reader.read(entry.name) == entry.tensor, "\(name): \(entry.name)")
            let statistics = entry.tensor.bytes.withUnsafeBytes {
                TensorStatistics(dtype: entry.tensor.dtype, bytes: $0)
            }
            #expect(info.statistics.nanCount == statistics.nanCount && info.statistics.allEqual == statistics.allEqual)
        }
        #expect(reader.verify().isEmpty)
    }

    /// The golden set covers what it promises: several dtypes, multi-chunk, shuffled and unshuffled
    /// compressed chunks, stored chunks, LZ77 and Huffman-only planes, an empty tensor and a scalar.
    @Test func goldenSetCoversTheFormat() throws {
        var chunks: [ChunkInfo] = []
        var shapes: [[Int]] = []
        var dtypes = Set<DType>()
        for file in try GoldenFixtures.files {
            let reader = try CairnReader(path: Self.directory.appendingPathComponent(file.name).path)
            chunks += reader.tensors.flatMap(\.chunks)
            shapes += reader.tensors.map(\.shape)
            dtypes.formUnion(reader.tensors.map(\.dtype))
            #expect(reader.tensors.contains { $0.chunks.count > 1 } || file.name != "golden-multichunk.cairn")
        }
        #expect(dtypes == Set(DType.allCases))
        #expect(shapes.contains([]) && shapes.contains([0, 4]))
        #expect(chunks.contains { $0.filter == .shuffle })
        #expect(chunks.contains { $0.filter == .none && $0.planes[0].codec != .stored })
        #expect(chunks.contains { $0.filter == .none && $0.planes[0].codec == .stored })
        #expect(chunks.contains { $0.planes.contains { $0.codec == .deflate } })
        #expect(chunks.contains { $0.planes.contains { $0.codec == .deflateHuffman } })
    }
}
