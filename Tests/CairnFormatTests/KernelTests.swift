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

    @Test func differenceLanesMatchThePortablePathAndAFourLaneReferenceBitForBit() {
        var a = (0..<4_099).map { Float(sin(Double($0) * 0.37)) * 0.02 }
        let b = a.enumerated().map { $1 * (1 + Float(cos(Double($0) * 1.3)) * 1e-4) }
        a[5] = -0.0
        a[6] = .leastNonzeroMagnitude
        func bits(_ lanes: cairn_difference_lanes) -> [UInt64] {
            withUnsafeBytes(of: lanes) { Array($0.bindMemory(to: UInt64.self)) }
        }
        for (atol, rtol) in [(0.0, 0.0), (1e-6, 0.0), (1e-6, 1e-4), (0.0, 1e-3)] {
            for count in [0, 3, 4, 5, 8, 64, 1_023, 4_099] {
                let doublesA = a[0..<count].map(Double.init), doublesB = b[0..<count].map(Double.init)
                // Lane k adds pairs k, k + 4, ... in order, in double precision: the same sums as a
                // SIMD4<Double> loop.
                var sums = [[Double]](repeating: [0, 0, 0, 0], count: 6)
                var mismatched: Int64 = 0
                for i in 0..<(count / 4 * 4) {
                    let x = doublesA[i], y = doublesB[i], d = abs(x - y), lane = i % 4
                    sums[0][lane] += d
                    sums[1][lane] += (x - y) * (x - y)
                    sums[2][lane] += x * x
                    sums[3][lane] += y * y
                    sums[4][lane] += x * y
                    if d > sums[5][lane] { sums[5][lane] = d }
                    if d > atol + rtol * abs(y) { mismatched += 1 }
                }
                let reference = sums.flatMap { $0.map(\.bitPattern) } + [UInt64(bitPattern: mismatched)]
                var vector = cairn_difference_lanes(), portable = cairn_difference_lanes()
                a.withUnsafeBytes { x in
                    b.withUnsafeBytes { y in
                        let x = x.baseAddress!.assumingMemoryBound(to: UInt8.self)
                        let y = y.baseAddress!.assumingMemoryBound(to: UInt8.self)
                        cairn_f32_difference_lanes(x, y, count, atol, rtol, &vector)
                        cairn_f32_difference_lanes_portable(x, y, count, atol, rtol, &portable)
                    }
                }
                #expect(bits(vector) == reference, "f32, \(count) pairs, atol \(atol), rtol \(rtol)")
                #expect(bits(portable) == reference, "f32 portable, \(count) pairs, atol \(atol), rtol \(rtol)")
                doublesA.withUnsafeBytes { x in
                    doublesB.withUnsafeBytes { y in
                        let x = x.baseAddress?.assumingMemoryBound(to: UInt8.self)
                        let y = y.baseAddress?.assumingMemoryBound(to: UInt8.self)
                        cairn_f64_difference_lanes(x, y, count, atol, rtol, &vector)
                        cairn_f64_difference_lanes_portable(x, y, count, atol, rtol, &portable)
                    }
                }
                #expect(bits(vector) == reference, "f64, \(count) pairs, atol \(atol), rtol \(rtol)")
                #expect(bits(portable) == reference, "f64 portable, \(count) pairs, atol \(atol), rtol \(rtol)")
            }
        }
    }
}
