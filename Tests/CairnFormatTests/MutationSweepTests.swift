import CairnFormat
import Foundation
import Testing

/// Every single-byte change of a small file's header, index (manifest and directory) and footer, a
/// sample of changes in its chunk data, and every truncation: reading each file back either gives the
/// original manifest and tensors exactly or throws a `CairnError`. Nothing crashes, hangs or returns
/// wrong values silently (a plain read, without `verify()`).
@Suite struct MutationSweepTests {
    enum Outcome: Equatable { case identical, typedError, wrongValues(String) }

    static func read(_ bytes: [UInt8], at url: URL, expecting original: [(String, Tensor)], manifest: Data) -> Outcome {
        do {
            try Data(bytes).write(to: url)
            let reader = try CairnReader(path: url.path)
            guard reader.manifest == manifest else { return .wrongValues("manifest") }
            guard reader.tensors.map(\.name) == original.map(\.0) else { return .wrongValues("tensor names") }
            for (name, tensor) in original {
                guard try reader.read(name) == tensor else { return .wrongValues(name) }
            }
            return .identical
        } catch is CairnError {
            return .typedError
        } catch {
            return .wrongValues("untyped error \(error)")
        }
    }

    /// The file, its tensors and manifest, and where its chunk data ends and index begins.
    static func smallFile(
        in directory: URL
    ) throws -> (bytes: [UInt8], tensors: [(String, Tensor)], manifest: Data, indexStart: Int) {
        let tensors = try TestSupport.smallFileTensors()
        let bytes = try TestSupport.write(
            tensors, to: directory.appendingPathComponent("small.cairn"), options: TestSupport.smallFileOptions)
        let reader = try CairnReader(path: directory.appendingPathComponent("small.cairn").path)
        let dataEnd = reader.tensors.flatMap(\.chunks).map { Int($0.offset + $0.storedLength) }.max() ?? 16
        return (bytes, tensors, reader.manifest, dataEnd)
    }

    @Test func everyByteOfHeaderIndexAndFooter() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Self.smallFile(in: directory)
        let url = directory.appendingPathComponent("mutated.cairn")
        let positions = Array(0..<16) + Array(file.indexStart..<file.bytes.count)
        var failures: [String] = []
        var counts = (identical: 0, typed: 0)
        for position in positions {
            for change: (UInt8) -> UInt8 in [{ $0 ^ 0x01 }, { $0 ^ 0x80 }, { _ in 0x00 }, { _ in 0xFF }, { $0 &+ 1 }] {
                var bytes = file.bytes
                bytes[position] = change(bytes[position])
                if bytes[position] == file.bytes[position] { continue }
                switch Self.read(bytes, at: url, expecting: file.tensors, manifest: file.manifest) {
                case .identical: counts.identical += 1
                case .typedError: counts.typed += 1
                case .wrongValues(let what): failures.append("byte \(position) -> \(bytes[position]): \(what)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        #expect(counts.typed > 0)
    }

    @Test func sampledChunkDataChanges() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Self.smallFile(in: directory)
        let url = directory.appendingPathComponent("mutated.cairn")
        var generator = SystemRandomNumberGenerator()
        var failures: [String] = []
        for _ in 0..<400 {
            var bytes = file.bytes
            let position = Int.random(in: 16..<file.indexStart, using: &generator)
            bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            if case .wrongValues(let what) = Self.read(bytes, at: url, expecting: file.tensors, manifest: file.manifest)
            {
                failures.append("byte \(position): \(what)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test func everyTruncationFailsTyped() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Self.smallFile(in: directory)
        let url = directory.appendingPathComponent("mutated.cairn")
        for length in 0..<file.bytes.count {
            let outcome = Self.read(
                Array(file.bytes[0..<length]), at: url, expecting: file.tensors, manifest: file.manifest)
            #expect(outcome == .typedError, "truncated to \(length): \(outcome)")
        }
    }
}
