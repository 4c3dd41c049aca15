import CairnFormat
import Foundation
import Testing

/// Damaged files: every single-bit flip and every truncation of a small file is detected, without a crash.
@Suite struct DamageTests {
    /// True when opening throws a `CairnError` or `verify()` reports something.
    static func detectsDamage(_ bytes: [UInt8], in directory: URL) throws -> Bool {
        let url = directory.appendingPathComponent("damaged.cairn")
        try Data(bytes).write(to: url)
        do {
            let reader = try CairnReader(path: url.path)
            return !reader.verify().isEmpty
        } catch is CairnError {
            return true
        }
    }

    @Test func everySingleBitFlipIsDetected() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: directory.appendingPathComponent("small.cairn"),
            options: TestSupport.smallFileOptions)
        var missed: [Int] = []
        for index in original.indices {
            var damaged = original
            damaged[index] ^= UInt8(1 << (index % 8))
            if try !Self.detectsDamage(damaged, in: directory) { missed.append(index) }
        }
        #expect(missed.isEmpty, "undetected flips at bytes \(missed) of \(original.count)")
    }

    @Test func everyTruncationIsDetected() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: directory.appendingPathComponent("small.cairn"),
            options: TestSupport.smallFileOptions)
        for length in 0..<original.count {
            #expect(try Self.detectsDamage(Array(original[0..<length]), in: directory), "truncated to \(length)")
        }
        var extended = original
        extended.append(0)
        #expect(try Self.detectsDamage(extended, in: directory))
    }

    @Test func damagedChunkNamesTensorChunkAndOffsetAndSparesOtherTensors() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("small.cairn")
        var bytes = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: url, options: TestSupport.smallFileOptions)
        let info = try #require(try CairnReader(path: url.path).info(named: "w"))
        let chunk = info.chunks[1]
        bytes[Int(chunk.offset + chunk.storedLength / 2)] ^= 0x10
        try Data(bytes).write(to: url)
        let reader = try CairnReader(path: url.path)
        #expect(try reader.read("c") == TestSupport.smallFileTensors()[1].1)
        #expect(try reader.readChunks("w", 0..<1).count == Int(info.chunks[0].rawLength))
        let error = try #require(throws: CairnError.self) { try reader.read("w") }
        #expect(error.tensor == "w" && error.chunk == 1)
        #expect(error.description.hasPrefix("\(url.path): tensor w, chunk 1 at byte "))
        let problems = reader.verify()
        #expect(problems.count == 1 && problems.first?.chunk == 1)
    }

    /// A flipped bit in any chunk's data is damage, whichever way the file is read: `read` (which skips the
    /// stored CRC on its fast path) reports a checksum mismatch too, never "invalid deflate data" or
    /// "inflates to more than its declared size".
    @Test func everyFlipInChunkDataReadsAsChecksumMismatch() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("small.cairn")
        let original = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: url, options: TestSupport.smallFileOptions)
        let reader = try CairnReader(path: url.path)
        var deflated = 0
        for info in reader.tensors {
            for chunk in info.chunks {
                if chunk.planes.contains(where: { $0.codec != .stored }) { deflated += 1 }
                for index in Int(chunk.offset)..<Int(chunk.offset + chunk.storedLength) {
                    var damaged = original
                    damaged[index] ^= UInt8(1 << (index % 8))
                    let damagedURL = directory.appendingPathComponent("damaged.cairn")
                    try Data(damaged).write(to: damagedURL)
                    // A flip in bits deflate ignores (the padding after the last block) leaves the data
                    // intact: read returns it exactly (verify still reports the stored CRC).
                    do {
                        let tensor = try CairnReader(path: damagedURL.path).read(info.name)
                        #expect(
                            tensor == (try reader.read(info.name)),
                            "byte \(index) of \(info.name): wrong data, no error")
                    } catch let error as CairnError {
                        #expect(error.code == .checksumMismatch, "byte \(index) of \(info.name): \(error)")
                    }
                }
            }
        }
        #expect(deflated > 0, "the file has no deflated chunk to damage")
    }

    @Test func nonCairnFilesAreRejected() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("text.cairn")
        try Data(String(repeating: "hello world\n", count: 20).utf8).write(to: url)
        let error = try #require(throws: CairnError.self) { try CairnReader(path: url.path) }
        #expect(error.code == .badMagic)
        let missing = try #require(throws: CairnError.self) {
            try CairnReader(path: directory.appendingPathComponent("none.cairn").path)
        }
        #expect(missing.code == .notFound)
        #expect(missing.description.hasSuffix("none.cairn: no such file"))
    }
}
