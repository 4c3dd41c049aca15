@testable import CairnFormat
import Foundation
import Testing

/// The fast kernels against their reference implementations, on every length and alignment near the
/// kernels' block boundaries.
@Suite struct KernelTests {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func foldedCRCMatchesZlibAtEveryLengthAndAlignment() {
        let bytes = Self.randomBytes(4096 + 64, seed: 7)
        bytes.withUnsafeBytes { all in
            let base = all.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for start in 0..<17 {
                for count in Array(0..<300) + [1000, 1023, 1024, 1025, 4096] {
                    let buffer = UnsafeRawBufferPointer(start: base + start, count: count)
                    for seed: UInt32 in [0, 0xDEAD_BEEF] {
                        #expect(CRC32.checksum(buffer, seed: seed) == CRC32.zlibChecksum(base + start, count, seed: seed))
                    }
                }
            }
        }
    }

    @Test func knownCRCValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 1 << 20)) == CRC32.zlibChecksum([UInt8](repeating: 0, count: 1 << 20), 1 << 20))
    }
}
