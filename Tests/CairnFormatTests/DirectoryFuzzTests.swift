@testable import CairnFormat
import Foundation
import Testing

/// Hostile index contents that pass the checksums: random bytes and extreme values written into the
/// index region, with the index and footer CRCs recomputed, so the directory parser itself is attacked.
/// Nothing may crash; whatever opens must verify or fail with a typed error, and never declare more
/// raw bytes than deflate's expansion limit allows for the file.
@Suite struct DirectoryFuzzTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Rewrites the footer so the (edited) index region's CRC and the footer CRC are valid again.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        let footerStart = bytes.count - FileFooter.size
        let indexOffset = bytes.withUnsafeBytes {
            Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: footerStart, as: UInt64.self)))
        }
        let index = Array(bytes[indexOffset..<footerStart])
        let footer = FileFooter(
            indexOffset: Int64(indexOffset), indexLength: Int64(index.count), indexCRC32: CRC32.checksum(index),
            version: .current)
        return Array(bytes[0..<footerStart]) + footer.encoded()
    }

    @Test func resealedHostileIndexesNeverCrash() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: directory.appendingPathComponent("small.cairn"),
            options: TestSupport.smallFileOptions)
        let footerStart = original.count - FileFooter.size
        let indexOffset = original.withUnsafeBytes {
            Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: footerStart, as: UInt64.self)))
        }
        let extremes: [UInt64] = [
            0, 1, 0xFF, 0xFFFF, 0xFFFF_FFFF, 1 << 31, 1 << 40, 1 << 62, .max, UInt64(original.count),
        ]
        var random = SplitMix(state: 2026)
        var opened = 0
        let url = directory.appendingPathComponent("fuzz.cairn")
        for _ in 0..<600 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = indexOffset + Int(random.next() % UInt64(footerStart - indexOffset))
                if random.next() % 2 == 0 {
                    bytes[position] = UInt8(truncatingIfNeeded: random.next())
                } else {
                    let value = extremes[Int(random.next() % UInt64(extremes.count))]
                    let width = [2, 4, 8][Int(random.next() % 3)]
                    for byte in 0..<width where position + byte < footerStart {
                        bytes[position + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))
                    }
                }
            }
            try Data(Self.resealed(bytes)).write(to: url)
            guard let reader = try? CairnReader(path: url.path) else { continue }
            opened += 1
            for info in reader.tensors {
                #expect(info.rawByteCount <= 1032 * reader.fileSize + 1024 * Int64(max(1, info.chunks.count * 8)))
                _ = try? reader.read(info.name)
            }
            _ = reader.verify()
        }
        #expect(opened > 0)  // some edits (statistics values, padding-free fields) still open
    }
}
