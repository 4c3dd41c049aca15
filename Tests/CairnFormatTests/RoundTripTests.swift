import CairnFormat
import Foundation
import Testing

@Suite struct RoundTripTests {
    static let shapes: [[Int]] = [[], [0], [1], [7], [3, 5], [2, 0, 3], [33, 17], [2, 3, 4, 5]]

    @Test(arguments: DType.allCases)
    func everyDTypeAndShapeRoundTrips(dtype: DType) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tensors = try Self.shapes.enumerated().map {
            ("t\($0.offset)", try TestSupport.tensor(dtype, shape: $0.element, seed: UInt64($0.offset)))
        }
        // 3-, 13- and 1000-byte chunk sizes are not multiples of most element sizes.
        for options in [
            WriteOptions(chunkSize: 3, threads: 2), WriteOptions(chunkSize: 13, level: 1, shuffle: false, threads: 1),
            WriteOptions(chunkSize: 1000, level: 0), WriteOptions(),
        ] {
            let url = directory.appendingPathComponent("round.cairn")
            try TestSupport.write(tensors, to: url, options: options)
            let reader = try CairnReader(path: url.path)
            #expect(reader.tensors.map(\.name) == tensors.map(\.0))
            for (name, tensor) in tensors {
                let back = try reader.read(name)
                #expect(back == tensor, "\(dtype.name) \(tensor.shape) chunk size \(options.chunkSize)")
                let info = try #require(reader.info(named: name))
                #expect(info.rawByteCount == Int64(tensor.bytes.count))
                #expect(info.chunks.allSatisfy { $0.rawLength % Int64(dtype.byteSize) == 0 })
            }
            #expect(reader.verify().isEmpty)
            #expect(reader.version == FormatVersion(major: 1, minor: 0))
        }
    }

    @Test func multiChunkTensorReadsByChunkRange() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("chunks.cairn")
        let floats = TestSupport.weights(count: 10_000, seed: 9)
        try TestSupport.write(
            [("w", Tensor(shape: [100, 100], floats: floats))], to: url,
            options: WriteOptions(chunkSize: 4096, threads: 2))
        let reader = try CairnReader(path: url.path)
        let info = try #require(reader.info(named: "w"))
        #expect(info.chunks.count == 10)
        let all = Tensor(shape: [100, 100], floats: floats).bytes
        #expect(try reader.readChunks("w", 3..<5) == Array(all[(3 * 4096)..<(5 * 4096)]))
        #expect(try reader.readChunks("w", 9..<10) == Array(all[(9 * 4096)...]))
        #expect(try reader.readChunks("w", 2..<2).isEmpty)
        #expect(throws: CairnError.self) { try reader.readChunks("w", 9..<11) }
        #expect(info.chunks.contains { $0.filter == .shuffle })
    }

    @Test func constantAndNoiseChunksPickTheirCodecs() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("codecs.cairn")
        let noise = try Tensor(dtype: .u8, shape: [4096], bytes: TestSupport.bytes(count: 4096, seed: 3))
        try TestSupport.write(
            [
                ("const", Tensor(shape: [4096], floats: [Float](repeating: 0.01, count: 4096))),
                ("noise", noise),
            ], to: url)
        let reader = try CairnReader(path: url.path)
        let constant = try #require(reader.info(named: "const"))
        #expect(constant.storedByteCount * 100 < constant.rawByteCount)
        #expect(constant.chunks[0].planes.allSatisfy { $0.codec == .deflate })
        let stored = try #require(reader.info(named: "noise")).chunks[0]
        #expect(stored.filter == .none && stored.planes == [PlaneInfo(codec: .stored, storedLength: 4096)])
    }

    @Test(arguments: [6, 0])
    func bytesDoNotDependOnThreadCount(level: Int) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tensors = [
            ("a", Tensor(shape: [5000], floats: TestSupport.weights(count: 5000, seed: 4))),
            ("b", try TestSupport.tensor(.bf16, shape: [77, 13], seed: 5)),
            ("c", Tensor(shape: [3001], floats: TestSupport.weights(count: 3001, seed: 6))),
        ]
        func write(_ threads: Int) throws -> [UInt8] {
            try TestSupport.write(
                tensors, to: directory.appendingPathComponent("\(threads).cairn"),
                options: WriteOptions(chunkSize: 1000, level: level, threads: threads))
        }
        let one = try write(1)
        #expect(one == (try write(2)))
        #expect(one == (try write(8)))
    }

    /// Level 0 writes chunks with positioned writes from several threads: the layout must still be the
    /// canonical one (chunks tiling the data region in order, each stored raw with matching CRCs).
    @Test func levelZeroChunksTileTheFileInOrder() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("z.cairn")
        let values = TestSupport.weights(count: 10_000, seed: 8)
        _ = try TestSupport.write(
            [
                ("x", Tensor(shape: [2500], floats: Array(values[0..<2500]))),
                ("y", Tensor(shape: [7500], floats: Array(values[2500...]))),
            ],
            to: url, options: WriteOptions(chunkSize: 4000, level: 0, threads: 4))
        let reader = try CairnReader(path: url.path)
        var offset: Int64 = 16
        for info in reader.tensors {
            for chunk in info.chunks {
                #expect(chunk.offset == offset && chunk.filter == .none && chunk.crc32 == chunk.storedCRC32)
                offset += chunk.storedLength
            }
        }
        #expect(reader.verify().isEmpty)
        #expect(try reader.read("y").floats() == Array(values[2500...]))
    }

    @Test func manifestComesBackVerbatimAndMustBeAnObject() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.cairn")
        let manifest = #"{"format": 1, "créateur": "tests", "nested": {"a": [1, 2]}}"#
        try TestSupport.write([], to: url, manifest: manifest)
        #expect(try CairnReader(path: url.path).manifest == Data(manifest.utf8))
        for bad in ["[1, 2]", "3", "{", ""] {
            let writer = try CairnWriter(path: url.path)
            #expect(throws: CairnError.self) { try writer.commit(manifest: Data(bad.utf8)) }
        }
    }

    @Test func writerRejectsBadArguments() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try CairnWriter(path: directory.appendingPathComponent("x.cairn").path)
        let tensor = Tensor(shape: [2], floats: [1, 2])
        try writer.write(name: "a", role: .buffer, tensor: tensor)
        #expect(throws: CairnError.self) { try writer.write(name: "a", role: .buffer, tensor: tensor) }
        #expect(throws: CairnError.self) { try writer.write(name: "", role: .buffer, tensor: tensor) }
        let sizeError = try #require(throws: CairnError.self) {
            try Tensor(dtype: .f32, shape: [3], bytes: [0, 0, 0, 0])
        }
        #expect(sizeError.description == "invalid argument: 4 bytes for 3 elements of f32 (expected 12)")
        #expect(throws: CairnError.self) {
            try CairnWriter(path: directory.appendingPathComponent("y.cairn").path, options: WriteOptions(level: 10))
        }
        writer.abort()
        #expect(throws: CairnError.self) { try writer.write(name: "b", role: .buffer, tensor: tensor) }
    }

    @Test func rolesAndTypedAccessorsRoundTrip() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("roles.cairn")
        let writer = try CairnWriter(path: url.path)
        let seeds: [UInt64] = [0, 1, .max, 0x8000_0000_0000_0000]
        for role in TensorRole.allCases {
            try writer.write(name: "r.\(role.rawValue)", role: role, tensor: Tensor(shape: [4], uint64s: seeds))
        }
        try writer.commit(manifest: Data("{}".utf8))
        let reader = try CairnReader(path: url.path)
        for role in TensorRole.allCases {
            let info = try #require(reader.info(named: "r.\(role.rawValue)"))
            #expect(info.role == role)
            #expect(try reader.read(info.name).uint64s() == seeds)
        }
        #expect(Tensor(shape: [2], doubles: [1.5, -2]).int64s() == [1, -2])
        #expect(Tensor(shape: [2], int64s: [3, -4]).floats() == [3, -4])
        #expect(throws: CairnError.self) { try reader.read("r.buffer", expectingShape: [2, 2]) }
        #expect(throws: CairnError.self) { try reader.read("missing") }
    }
}
