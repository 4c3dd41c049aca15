import CCairnKernels
@testable import CairnFormat
import Foundation
import Testing

/// The fast kernels against their reference implementations, on every length and alignment near the
/// kernels' block boundaries.
@Suite struct KernelTests {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = TestRandom(seed: seed)
        return (0..<count).map { _ in
            UInt8(truncatingIfNeeded: random.next() >> 56)
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
                        #expect(
                            CRC32.checksum(buffer, seed: seed) == CRC32.zlibChecksum(base + start, count, seed: seed))
                    }
                }
            }
        }
    }

    @Test func knownCRCValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(
            CRC32.checksum([UInt8](repeating: 0, count: 1 << 20))
                == CRC32.zlibChecksum([UInt8](repeating: 0, count: 1 << 20), 1 << 20))
    }
}

/// The SIMD shuffle and statistics kernels against scalar references.
@Suite struct SIMDKernelTests {
    @Test func shuffleAndUnshuffleMatchTheDefinitionAtEveryLength() {
        for count in Array(0..<70) + [1000, 65_536 + 3] {
            let raw = KernelTests.randomBytes(count * 4, seed: UInt64(count))
            var planes = [UInt8](repeating: 0, count: raw.count)
            raw.withUnsafeBytes { source in
                planes.withUnsafeMutableBytes { ByteShuffle.shuffle(source, elementSize: 4, into: $0) }
            }
            let expected = (0..<4).flatMap { plane in (0..<count).map { raw[$0 * 4 + plane] } }
            #expect(planes == expected)
            var back = [UInt8](repeating: 0, count: raw.count)
            planes.withUnsafeBytes { all in
                let base = all.baseAddress!
                back.withUnsafeMutableBytes {
                    ByteShuffle.unshuffle(
                        planes: (0..<4).map { base + $0 * count }, count: count, into: $0.baseAddress!)
                }
            }
            #expect(back == raw)
        }
    }

    @Test func vectorStatisticsMatchThePortablePathBitForBit() {
        var values = (0..<10_003).map { Float(sin(Double($0) * 0.37)) * 0.02 }
        for (index, special) in [
            (17, Float.nan), (18, .infinity), (300, -.infinity), (301, 0), (302, -0.0), (9_999, .nan),
        ] {
            values[index] = special
        }
        for count in [1, 7, 8, 9, 17, 64, 303, 10_003] {
            let slice = Array(values[0..<count])
            slice.withUnsafeBytes { bytes in
                let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let first = bytes.load(as: UInt32.self)
                func run(
                    _ kernel: (UnsafePointer<UInt8>, Int, UInt32, Double, UnsafeMutablePointer<cairn_f32_summary>) ->
                        Void
                ) -> [UInt64] {
                    var summary = cairn_f32_summary()
                    withUnsafeMutableBytes(of: &summary.low) {
                        $0.bindMemory(to: Float.self).initialize(repeating: .infinity)
                    }
                    withUnsafeMutableBytes(of: &summary.high) {
                        $0.bindMemory(to: Float.self).initialize(repeating: -.infinity)
                    }
                    kernel(base, count, first, 0.01, &summary)
                    return withUnsafeBytes(of: summary) { Array($0.bindMemory(to: UInt64.self)) }
                }
                #expect(run(cairn_f32_summarize) == run(cairn_f32_summarize_portable))
            }
        }
    }
}
