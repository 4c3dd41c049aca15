/// Writes a plane as one raw deflate stream (RFC 1951) of a single final dynamic-Huffman block holding
/// literals only: the stream zlib's `Z_HUFFMAN_ONLY` strategy makes, several times faster (one table
/// lookup and a shift per byte, no symbol buffer), and decodable by any inflater.
///
/// Literal codes are limited to `maxLiteralBits` so `HuffmanInflate` decodes them with one table
/// lookup; the lost ratio is negligible (only symbols rarer than about 2^-12 get longer codes).
enum HuffmanDeflate {
    static let maxLiteralBits = 12
    private static let endOfBlock = 256
    /// Order in which code-length code lengths are sent (RFC 1951, 3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Encodes `plane` (with its byte histogram `counts`, 256 entries) into `destination`; returns the
    /// stream's length, or nil when it would not fit (the caller stores the plane raw).
    static func compress(
        _ plane: UnsafeRawBufferPointer, counts: UnsafeBufferPointer<Int>,
        into destination: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard plane.count > 0, let input = plane.baseAddress, let output = destination.baseAddress else { return nil }
        var frequencies = Array(counts) + [1]  // + end of block
        if frequencies.filter({ $0 > 0 }).count < 2 { frequencies[frequencies[0] == 0 ? 0 : 1] = 1 }
        let literals = HuffmanCode(frequencies: frequencies, limit: maxLiteralBits)
        let codes = literals.reversedCodes
        var writer = BitWriter(output, capacity: destination.count)
        guard writeHeader(literals.lengths, into: &writer) else { return nil }
        // Symbols as (code | length << 24) words: one load per byte in the loop below.
        let packed = (0..<256).map { UInt64(codes[$0]) | UInt64(literals.lengths[$0]) << 24 }
        let done: Bool = packed.withUnsafeBufferPointer { table in
            // The writer in locals for the loop (no captured state between symbols).
            var local = writer
            defer { writer = local }
            let bytes = input.assumingMemoryBound(to: UInt8.self)
            // Four symbols (at most 48 bits) per flush: the buffer holds fewer than 8 bits after one.
            var index = 0
            while index &+ 4 <= plane.count {
                let four = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                let a = table[Int(four & 0xFF)], b = table[Int((four >> 8) & 0xFF)]
                let c = table[Int((four >> 16) & 0xFF)], d = table[Int(four >> 24)]
                local.put(a & 0xFF_FFFF, bits: Int(a >> 24))
                local.put(b & 0xFF_FFFF, bits: Int(b >> 24))
                local.put(c & 0xFF_FFFF, bits: Int(c >> 24))
                local.put(d & 0xFF_FFFF, bits: Int(d >> 24))
                guard local.flush() else { return false }
                index &+= 4
            }
            while index < plane.count {
                let word = table[Int(bytes[index])]
                local.put(word & 0xFF_FFFF, bits: Int(word >> 24))
                guard local.flush() else { return false }
                index &+= 1
            }
            return true
        }
        guard done else { return nil }
        writer.put(UInt64(codes[endOfBlock]), bits: Int(literals.lengths[endOfBlock]))
        return writer.finish()
    }

    /// Block header: final bit, type 2, the code lengths (run-length coded with the code-length code),
    /// and a two-symbol distance code of one bit each (distance 1 is code 0; literal-only blocks never
    /// use it).
    static func writeHeader(_ literalLengths: [UInt8], into writer: inout BitWriter) -> Bool {
        let all = literalLengths + [1, 1]  // 257 ... 286 literal/length codes, then 2 distance codes of length 1
        // Run-length coding of the lengths: (symbol, extra value, extra bits).
        var runs: [(symbol: Int, extra: Int, bits: Int)] = []
        var index = 0
        while index < all.count {
            let value = all[index]
            var run = 1
            while index + run < all.count && all[index + run] == value { run += 1 }
            if value == 0 && run >= 3 {
                let take = min(run, 138)
                runs.append(take >= 11 ? (18, take - 11, 7) : (17, take - 3, 3))
                index += take
            } else {
                runs.append((Int(value), 0, 0))
                index += 1
                var left = run - 1
                while left >= 3 {
                    let take = min(left, 6)
                    runs.append((16, take - 3, 2))
                    left -= take
                    index += take
                }
            }
        }
        var frequencies = [Int](repeating: 0, count: 19)
        for run in runs { frequencies[run.symbol] += 1 }
        if frequencies.filter({ $0 > 0 }).count < 2 { frequencies[frequencies[0] == 0 ? 0 : 1] = 1 }
        let lengthCode = HuffmanCode(frequencies: frequencies, limit: 7)
        let lengthCodes = lengthCode.reversedCodes
        var sent = 19
        while sent > 4 && lengthCode.lengths[codeLengthOrder[sent - 1]] == 0 { sent -= 1 }
        writer.put(1, bits: 1)  // final block
        writer.put(2, bits: 2)  // dynamic Huffman
        writer.put(UInt64(literalLengths.count - 257), bits: 5)
        writer.put(1, bits: 5)  // 2 distance codes
        writer.put(UInt64(sent - 4), bits: 4)
        for position in 0..<sent {
            writer.put(UInt64(lengthCode.lengths[codeLengthOrder[position]]), bits: 3)
            if writer.pending >= 40 && !writer.flush() { return false }
        }
        for run in runs {
            writer.put(UInt64(lengthCodes[run.symbol]), bits: Int(lengthCode.lengths[run.symbol]))
            writer.put(UInt64(run.extra), bits: run.bits)
            if writer.pending >= 40 && !writer.flush() { return false }
        }
        return writer.flush()  // under 8 bits pending when the data starts
    }
}

/// An LSB-first bit stream into a bounded buffer, written eight bytes at a time.
struct BitWriter {
    private let output: UnsafeMutableRawPointer
    private let capacity: Int
    private var position = 0
    private var buffer: UInt64 = 0
    /// Bits in `buffer` not yet written.
    private(set) var pending = 0

    init(_ output: UnsafeMutableRawPointer, capacity: Int) {
        self.output = output
        self.capacity = capacity
    }

    /// Appends `bits` bits (`pending + bits <= 64`).
    @inline(__always) mutating func put(_ value: UInt64, bits: Int) {
        buffer |= value &<< UInt64(pending)
        pending &+= bits
    }

    /// Writes the whole bytes of `buffer`; false when eight bytes would not fit.
    @inline(__always) mutating func flush() -> Bool {
        guard position &+ 8 <= capacity else { return false }
        output.storeBytes(of: buffer.littleEndian, toByteOffset: position, as: UInt64.self)
        let bytes = pending >> 3
        position &+= bytes
        buffer = bytes == 8 ? 0 : buffer >> UInt64(bytes &* 8)
        pending &= 7
        return true
    }

    /// Writes what is left (the last byte padded with zero bits); the stream length, or nil if it does not fit.
    mutating func finish() -> Int? {
        while pending > 0 {
            guard position < capacity else { return nil }
            output.storeBytes(of: UInt8(truncatingIfNeeded: buffer), toByteOffset: position, as: UInt8.self)
            position += 1
            buffer >>= 8
            pending = max(0, pending - 8)
        }
        return position
    }
}
