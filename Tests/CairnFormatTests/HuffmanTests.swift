@testable import CairnFormat
import CZlib
import Foundation
import Testing

/// The Huffman-only deflate writer and the literal-only inflate fast path, against zlib.
@Suite struct HuffmanTests {
    /// Bytes with a skewed distribution like a float exponent plane (a few values common, many rare).
    static func skewed(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = TestRandom(seed: seed)
        return (0..<count).map { _ in
            let r = random.next() >> 33
            return UInt8(
                truncatingIfNeeded: 0x3C &+ UInt64((r & 0xFFFF).leadingZeroBitCount - 48) &+ ((r >> 20) & 1) << 7)
        }
    }

    static func histogram(_ bytes: [UInt8]) -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        return counts
    }

    /// Encodes with `HuffmanDeflate`; nil when it does not fit in `bytes.count - 1`.
    static func encode(_ bytes: [UInt8]) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: max(bytes.count - 1, 0))
        let counts = histogram(bytes)
        let length = bytes.withUnsafeBytes { plane in
            counts.withUnsafeBufferPointer { histogram in
                output.withUnsafeMutableBytes { HuffmanDeflate.compress(plane, counts: histogram, into: $0) }
            }
        }
        return length.map { Array(output[0..<$0]) }
    }

    static func zlibInflate(_ stream: [UInt8], count: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: count)
        let failure = stream.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { Deflate.inflateWithZlib(source, into: $0) }
        }
        return failure == nil ? output : nil
    }

    static func fastInflate(_ stream: [UInt8], count: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: count)
        let accepted = stream.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { HuffmanInflate.decompress(source, into: $0) }
        }
        return accepted ? output : nil
    }

    static func zlibDeflate(_ bytes: [UInt8], level: Int32, strategy: Int32) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Deflate.bound(bytes.count) + 64)
        let length = bytes.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { Deflate.compress(source, into: $0, level: level, strategy: strategy) }
        }
        return Array(output[0..<length!])
    }

    @Test(arguments: [1, 2, 3, 100, 4096, 65_537, 262_144])
    func encoderStreamsInflateWithZlibAndTheFastPath(count: Int) throws {
        var random = TestRandom(seed: UInt64(count))
        let exponential = (0..<count).map { _ -> UInt8 in  // entropy about 7 bits: codes up to the 12-bit limit
            UInt8(min(255, Int(-log((Double(random.next() >> 11) + 0.5) / Double(1 << 53)) * 40)))
        }
        for bytes in [
            Self.skewed(count, seed: UInt64(count)), exponential, [UInt8](repeating: 7, count: count),
            (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) },
        ] {
            guard let stream = Self.encode(bytes) else { continue }  // did not shrink: stored
            if bytes == exponential && count >= 4096 { #expect(stream.count < count * 15 / 16) }
            #expect(Self.zlibInflate(stream, count: count) == bytes)
            #expect(Self.fastInflate(stream, count: count) == bytes)
        }
    }

    @Test func skewedPlaneCompressesLikeZlibHuffmanOnly() throws {
        let bytes = Self.skewed(262_144, seed: 3)
        let ours = try #require(Self.encode(bytes))
        let zlib = Self.zlibDeflate(bytes, level: 6, strategy: Z_HUFFMAN_ONLY)
        #expect(Double(ours.count) <= Double(zlib.count) * 1.01)
    }

    @Test func codeLengthsRespectTheLimitAndStayComplete() {
        // Fibonacci frequencies force a maximally deep unlimited tree.
        var fibonacci = [1, 1]
        while fibonacci.count < 40 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        for limit in [7, 12, 15] {
            let code = HuffmanCode(frequencies: fibonacci + [Int](repeating: 0, count: 10), limit: limit)
            #expect(Int(code.lengths.max()!) <= limit)
            #expect(code.kraftSum == 1 << 15)
            #expect(code.lengths.suffix(10).allSatisfy { $0 == 0 })
        }
    }

    @Test func fastPathDeclinesLongDistancesAndOtherBlockTypes() {
        // A repeating pattern: matches at distance 251 (declined); fixed and stored blocks (declined).
        let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        for (level, strategy) in [(Int32(6), Z_DEFAULT_STRATEGY), (1, Z_FIXED), (0, Z_DEFAULT_STRATEGY)] {
            let stream = Self.zlibDeflate(bytes, level: level, strategy: strategy)
            #expect(Self.fastInflate(stream, count: bytes.count) == nil)
            var output = [UInt8](repeating: 0, count: bytes.count)
            let failure = stream.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { Deflate.decompress(source, into: $0) }
            }
            #expect(failure == nil && output == bytes)
        }
    }

    @Test func fastPathDecodesRunsOfDistanceOne() throws {
        // Runs of varying lengths between literals: zlib's Z_RLE writes distance-1 matches only.
        var bytes: [UInt8] = []
        for index in 0..<3000 { bytes += [UInt8](repeating: UInt8(index % 7), count: 1 + (index * 37) % 300) }
        let stream = Self.zlibDeflate(bytes, level: 6, strategy: Z_RLE)
        if let fast = Self.fastInflate(stream, count: bytes.count) { #expect(fast == bytes) }
        let ours = try #require(bytes.count > 1 ? RunDeflateTests.run(0x3C, count: 100_000) : nil)
        #expect(Self.fastInflate(ours, count: 100_000) == [UInt8](repeating: 0x3C, count: 100_000))
        // Damaged run streams: the fast path never disagrees with zlib.
        var random = TestRandom(seed: 11)
        for _ in 0..<300 {
            var damaged = ours
            let bit = Int(random.next() >> 33) % (damaged.count * 8)
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            let reference = Self.zlibInflate(damaged, count: 100_000)
            if let fast = Self.fastInflate(damaged, count: 100_000) { #expect(fast == reference) }
        }
    }

    @Test func fastPathAcceptsOnlyWhatZlibAcceptsAndAgrees() throws {
        // zlib's own Huffman-only streams (several blocks), and ours, damaged in many ways.
        let bytes = Self.skewed(40_000, seed: 9)
        let streams = [try #require(Self.encode(bytes)), Self.zlibDeflate(bytes, level: 6, strategy: Z_HUFFMAN_ONLY)]
        var random = TestRandom(seed: 5)
        // Ours always takes the fast path; zlib's may not (codes longer than the table).
        #expect(Self.fastInflate(streams[0], count: bytes.count) == bytes)
        for stream in streams {
            var variants: [([UInt8], Int)] = [
                (stream, bytes.count - 1), (stream, bytes.count + 1),
                (Array(stream.dropLast()), bytes.count), (stream + [0], bytes.count),
            ]
            for _ in 0..<400 {
                var damaged = stream
                let bit = Int(random.next() >> 33) % min(damaged.count * 8, 800)  // mostly the header
                damaged[bit / 8] ^= UInt8(1 << (bit % 8))
                variants.append((damaged, bytes.count))
            }
            for (variant, count) in variants {
                let reference = Self.zlibInflate(variant, count: count)
                if let fast = Self.fastInflate(variant, count: count) { #expect(fast == reference) }
                var output = [UInt8](repeating: 0, count: count)
                let failure = variant.withUnsafeBytes { source in
                    output.withUnsafeMutableBytes { Deflate.decompress(source, into: $0) }
                }
                #expect((failure == nil) == (reference != nil))
                if failure == nil { #expect(output == reference) }
            }
        }
    }
}

/// Constant planes written as runs of distance-1 matches, against zlib.
@Suite struct RunDeflateTests {
    static func run(_ byte: UInt8, count: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: count - 1)
        let length = output.withUnsafeMutableBytes { RunDeflate.compress(byte: byte, count: count, into: $0) }
        return length.map { Array(output[0..<$0]) }
    }

    @Test func lengthCodesFollowRFC1951() {
        #expect(RunDeflate.lengthCode(3) == (257, 0, 0))
        #expect(RunDeflate.lengthCode(10) == (264, 0, 0))
        #expect(RunDeflate.lengthCode(12) == (265, 1, 1))
        #expect(RunDeflate.lengthCode(130) == (280, 4, 15))
        #expect(RunDeflate.lengthCode(257) == (284, 5, 30))
        #expect(RunDeflate.lengthCode(258) == (285, 0, 0))
    }

    @Test func runStreamsInflateWithZlibToTheRun() {
        for count in Array(1..<300) + [516, 517, 518, 519, 520, 4096, 65_535, 262_144] {
            for byte: UInt8 in count < 300 ? [0x3C] : [0, 0x3C, 255] {
                var output = [UInt8](repeating: 0, count: max(count - 1, 0))
                let length = output.withUnsafeMutableBytes { RunDeflate.compress(byte: byte, count: count, into: $0) }
                if count >= 65_535 { #expect(length != nil && length! * 500 < count) }
                guard let length else { continue }  // did not fit: stored
                let stream = Array(output[0..<length])
                #expect(HuffmanTests.zlibInflate(stream, count: count) == [UInt8](repeating: byte, count: count))
            }
        }
    }
}
