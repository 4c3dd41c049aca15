import CairnFormat
import Foundation
import Synchronization
import Testing

/// `CairnWriter.write(...reading:)`: tensors whose bytes are read chunk by chunk, on several threads,
/// give the same file as tensors written from memory, and a failing read leaves nothing behind.
@Suite("Piecewise writes")
struct PiecewiseWriteTests {
    /// Records which byte ranges were asked for, from any thread.
    final class Requests: Sendable {
        private let ranges = Mutex<[Range<Int>]>([])
        func add(_ range: Range<Int>) { ranges.withLock { $0.append(range) } }
        var sorted: [Range<Int>] { ranges.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } } }
    }

    static let tensors: [(String, Tensor)] = [
        ("a", Tensor(shape: [5000], floats: TestSupport.weights(count: 5000, seed: 4))),
        ("b", (try? TestSupport.tensor(.bf16, shape: [77, 13], seed: 5))!),
        ("constant", Tensor(shape: [4000], floats: [Float](repeating: 0.25, count: 4000))),
        ("empty", Tensor(shape: [0, 3], floats: [])),
        ("c", Tensor(shape: [3001], floats: TestSupport.weights(count: 3001, seed: 6))),
    ]

    static let optionSets: [WriteOptions] = [
        WriteOptions(chunkSize: 1000, level: 6, threads: 1), WriteOptions(chunkSize: 1000, level: 6, threads: 3),
        WriteOptions(chunkSize: 4096, level: 1, shuffle: false, threads: 2),
        WriteOptions(chunkSize: 700, level: 0, threads: 4),
        WriteOptions(chunkSize: 1 << 20, level: 9, threads: 2),
    ]

    @Test(arguments: optionSets)
    func readingGivesTheSameFileAsMemory(options: WriteOptions) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try TestSupport.write(
            Self.tensors, to: directory.appendingPathComponent("memory.cairn"), options: options)
        let url = directory.appendingPathComponent("read.cairn")
        let writer = try CairnWriter(path: url.path, options: options)
        for (name, tensor) in Self.tensors {
            let requests = Requests()
            try writer.write(name: name, role: .parameter, dtype: tensor.dtype, shape: tensor.shape) { offset, buffer in
                requests.add(offset..<offset + buffer.count)
                buffer.copyBytes(from: tensor.bytes[offset..<offset + buffer.count])
            }
            // Every byte asked for exactly once, in chunk-sized pieces.
            var next = 0
            for range in requests.sorted {
                #expect(range.lowerBound == next, "\(name): gap or overlap at \(range)")
                next = range.upperBound
            }
            #expect(next == tensor.bytes.count)
        }
        try writer.commit(manifest: Data(#"{"test":true}"#.utf8))
        #expect([UInt8](try Data(contentsOf: url)) == expected)
    }

    @Test(arguments: [6, 0])
    func aFailingReadAbortsAndLeavesNothing(level: Int) throws {
        struct Unreadable: Error {}
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.cairn")
        try Data("previous".utf8).write(to: url)
        let writer = try CairnWriter(path: url.path, options: WriteOptions(chunkSize: 1000, level: level, threads: 2))
        #expect(throws: Unreadable.self) {
            try writer.write(name: "x", role: .parameter, dtype: .f32, shape: [10_000]) { offset, buffer in
                if offset >= 20_000 { throw Unreadable() }
                buffer.initializeMemory(as: UInt8.self, repeating: 1)
            }
        }
        #expect(throws: CairnError.self) { try writer.commit(manifest: Data("{}".utf8)) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "previous")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.cairn"])
    }

    @Test func aBadShapeIsRefusedBeforeAnyRead() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try CairnWriter(path: directory.appendingPathComponent("s.cairn").path)
        defer { writer.abort() }
        #expect(throws: CairnError.self) {
            try writer.write(name: "x", role: .parameter, dtype: .f32, shape: [-1, 4]) { _, _ in
                Issue.record("read called for an invalid shape")
            }
        }
    }
}
