/// Writes a constant plane (every byte the same) as one raw deflate stream (RFC 1951): one final
/// dynamic-Huffman block holding the byte as a literal, then distance-1 matches of 258 bytes (and one
/// shorter match or up to two literals for the rest). With the match code one bit long, that is two
/// bits per 258 bytes: zlib's `Z_RLE` ratio, written without scanning the plane.
enum RunDeflate {
    /// Length symbol bases and extra bits for match lengths 3 ... 258 (RFC 1951, 3.2.5).
    static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
        67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtra = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
        4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    /// The length symbol (257 ... 285), its extra bits and their value for a match of `length` (3 ... 258).
    static func lengthCode(_ length: Int) -> (symbol: Int, bits: Int, extra: Int) {
        var index = lengthBase.count - 1
        while lengthBase[index] > length { index -= 1 }
        return (257 + index, lengthExtra[index], length - lengthBase[index])
    }

    /// Encodes `count` copies of `byte` into `destination`; the stream's length, or nil if it does not fit.
    static func compress(byte: UInt8, count: Int, into destination: UnsafeMutableRawBufferPointer) -> Int? {
        guard count > 0, let output = destination.baseAddress else { return nil }
        let fullMatches = (count - 1) / 258, rest = (count - 1) % 258
        let tail = rest >= 3 ? lengthCode(rest) : nil
        var frequencies = [Int](repeating: 0, count: 286)
        frequencies[Int(byte)] = 1 + (tail == nil ? rest : 0)
        frequencies[256] = 1
        frequencies[285] += fullMatches
        if let tail { frequencies[tail.symbol] += 1 }
        if frequencies.filter({ $0 > 0 }).count < 2 { frequencies[byte == 0 ? 1 : 0] = 1 }
        let code = HuffmanCode(frequencies: frequencies, limit: 15)
        let codes = code.reversedCodes
        var writer = BitWriter(output, capacity: destination.count)
        guard HuffmanDeflate.writeHeader(code.lengths, into: &writer) else { return nil }
        func put(_ symbol: Int) { writer.put(UInt64(codes[symbol]), bits: Int(code.lengths[symbol])) }
        put(Int(byte))
        let match = UInt64(codes[285]), matchBits = Int(code.lengths[285])
        // Distance code 0 (distance 1) is the one-bit code 0: a full match is the match code, then a 0 bit.
        for _ in 0..<fullMatches {
            writer.put(match, bits: matchBits &+ 1)
            if writer.pending >= 32 && !writer.flush() { return nil }
        }
        if let tail {
            put(tail.symbol)
            writer.put(UInt64(tail.extra), bits: tail.bits)
            writer.put(0, bits: 1)
        } else {
            for _ in 0..<rest { put(Int(byte)) }
        }
        guard writer.flush() else { return nil }
        put(256)
        return writer.finish()
    }
}
