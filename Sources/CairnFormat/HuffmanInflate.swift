/// A fast path for inflating the streams `HuffmanDeflate` and `RunDeflate` write (and zlib's
/// `Z_HUFFMAN_ONLY` streams whose codes are short enough): dynamic-Huffman blocks of literals and
/// distance-1 matches (runs), decoded with one table lookup per up to four literals. Anything else (a
/// longer distance, a stored or fixed block, a code longer than `tableBits`, an incomplete code, a length
/// mismatch, any damage) returns false and the caller inflates with zlib from
/// the start, so zlib stays the judge of every stream this path does not fully accept. Whatever it
/// accepts, zlib accepts too and decodes to the same bytes.
enum HuffmanInflate {
    static let tableBits = 12

    /// Decodes `source` into exactly `destination.count` bytes using exactly every input byte.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        guard let input = source.baseAddress, let output = destination.baseAddress, source.count > 0 else {
            return false
        }
        var reader = BitReader(input, count: source.count)
        var produced = 0
        var final = false
        // Each block costs a table build: a stream of many tiny blocks (hostile, or a writer that
        // flushes often) is left to zlib, whose per-block cost is lower.
        var blocksLeft = 8 + destination.count / 4096
        while !final {
            blocksLeft -= 1
            guard blocksLeft >= 0, reader.fill(3) else { return false }
            final = reader.take(1) == 1
            guard reader.take(2) == 2, let (table, distanceOne) = readCodes(&reader) else { return false }
            guard
                let end = table.withUnsafeBufferPointer({
                    decodeBlock(
                        &reader, table: $0, distanceOne: distanceOne,
                        output: output.assumingMemoryBound(to: UInt8.self),
                        from: produced, limit: destination.count)
                })
            else { return false }
            produced = end
        }
        return produced == destination.count && reader.consumedBytes == source.count
    }

    /// The code of distance symbol 0 (distance 1): reversed code bits and length.
    typealias DistanceCode = (code: UInt64, bits: Int)

    /// Reads a dynamic block's code lengths; the literal/length decoding table and the code of distance
    /// 1 if the block has one, or nil for anything outside the fast path.
    private static func readCodes(_ reader: inout BitReader) -> ([UInt16], DistanceCode?)? {
        guard reader.fill(14) else { return nil }
        let literalCount = Int(reader.take(5)) + 257, distanceCount = Int(reader.take(5)) + 1
        let lengthCount = Int(reader.take(4)) + 4
        guard literalCount <= 286, distanceCount <= 30 else { return nil }
        var lengthLengths = [UInt8](repeating: 0, count: 19)
        for position in 0..<lengthCount {
            guard reader.fill(3) else { return nil }
            lengthLengths[HuffmanDeflate.codeLengthOrder[position]] = UInt8(reader.take(3))
        }
        let lengthCode = HuffmanCode(lengths: lengthLengths)
        guard lengthCode.kraftSum == 1 << 15 else { return nil }
        let lengthTable = lengthCode.decodingTable(bits: 7)
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < lengths.count {
            guard reader.fill(14) else { return nil }
            let entry = lengthTable[Int(reader.peek(7))]
            reader.skip(Int(entry & 15))
            let symbol = Int(entry >> 4)
            var value: UInt8 = 0, repeatCount = 1
            switch symbol {
            case 0..<16: value = UInt8(symbol)
            case 16:
                guard index > 0 else { return nil }
                value = lengths[index - 1]
                repeatCount = 3 + Int(reader.take(2))
            case 17: repeatCount = 3 + Int(reader.take(3))
            default: repeatCount = 11 + Int(reader.take(7))
            }
            guard index + repeatCount <= lengths.count else { return nil }
            for _ in 0..<repeatCount {
                lengths[index] = value
                index += 1
            }
        }
        let literals = HuffmanCode(lengths: Array(lengths[0..<literalCount]))
        let distances = HuffmanCode(lengths: Array(lengths[literalCount...]))
        // zlib accepts a distance code that is complete, empty, or a single code of one bit.
        let distanceKraft = distances.kraftSum
        let singleBit = distances.lengths.filter { $0 > 0 } == [1]
        guard literals.lengths[256] > 0, literals.kraftSum == 1 << 15, Int(literals.lengths.max()!) <= tableBits,
            distanceKraft == 0 || distanceKraft == 1 << 15 || singleBit
        else { return nil }
        let distanceOne =
            distances.lengths[0] > 0 ? (UInt64(distances.reversedCodes[0]), Int(distances.lengths[0])) : nil
        return (literals.decodingTable(bits: tableBits), distanceOne)
    }

    /// Entries of the multi-literal table: up to four literals decoded from the next `tableBits` bits,
    /// `literals | bits << 32 | count << 40`; count 0 when the first symbol is not a literal.
    static func literalRuns(_ table: UnsafeBufferPointer<UInt16>) -> [UInt64] {
        let mask = (1 << tableBits) - 1
        return (0..<(1 << tableBits)).map { index -> UInt64 in
            var literals: UInt64 = 0, bits = 0, count = 0
            while count < 4 {
                let entry = table[(index >> bits) & mask]
                let length = Int(entry & 15), symbol = Int(entry >> 4)
                guard length <= tableBits - bits, symbol < 256 else { break }
                literals |= UInt64(symbol) << (8 * count)
                bits += length
                count += 1
            }
            return literals | UInt64(bits) << 32 | UInt64(count) << 40
        }
    }

    /// Decodes one block's symbols until its end; the output position after it, or nil (a distance other
    /// than 1, overflow, end of input, an invalid code).
    private static func decodeBlock(
        _ reader: inout BitReader, table: UnsafeBufferPointer<UInt16>, distanceOne: DistanceCode?,
        output: UnsafeMutablePointer<UInt8>, from start: Int, limit: Int
    ) -> Int? {
        let mask = UInt64((1 << tableBits) - 1)
        var position = start
        let runs = literalRuns(table)
        return runs.withUnsafeBufferPointer { runs -> Int? in
            let raw = UnsafeMutableRawPointer(output)
            while true {
                // Fast loop: four lookups of up to four literals each per refill, while 8 input bytes and 16
                // output bytes remain (each lookup stores four bytes; the spare ones are overwritten next).
                fast: while reader.canRefillFast && position &+ 16 <= limit {
                    reader.refillFast()
                    for _ in 0..<4 {
                        let run = runs[Int(reader.buffer & mask)]
                        let count = Int(run >> 40)
                        if count == 0 { break fast }  // end of block or a match: one careful step below
                        raw.storeBytes(
                            of: UInt32(truncatingIfNeeded: run).littleEndian, toByteOffset: position, as: UInt32.self)
                        position &+= count
                        reader.skip(Int((run >> 32) & 0xFF))
                    }
                }
                // One symbol with every check.
                guard reader.fill(tableBits) || reader.available > 0 else { return nil }
                let entry = table[Int(reader.buffer & mask)]
                let length = Int(entry & 15), symbol = Int(entry >> 4)
                guard length <= reader.available else { return nil }
                reader.skip(length)
                if symbol < 256 {
                    guard position < limit else { return nil }
                    output[position] = UInt8(truncatingIfNeeded: symbol)
                    position &+= 1
                    continue
                }
                if symbol == 256 { return position }
                // A match: only distance 1 (a run of the previous byte).
                guard symbol <= 285, let distanceOne, position > 0 else { return nil }
                let extraBits = RunDeflate.lengthExtra[symbol - 257]
                _ = reader.fill(extraBits + distanceOne.bits)
                guard reader.available >= extraBits + distanceOne.bits else { return nil }
                let matchLength = RunDeflate.lengthBase[symbol - 257] + Int(reader.take(extraBits))
                guard reader.peek(distanceOne.bits) == distanceOne.code, position + matchLength <= limit else {
                    return nil
                }
                reader.skip(distanceOne.bits)
                (output + position).initialize(repeating: output[position - 1], count: matchLength)
                position &+= matchLength
            }
        }
    }

}

/// An LSB-first bit stream over a bounded buffer; never reads past it (bits beyond the end read as 0
/// and are not `available`).
struct BitReader {
    private let input: UnsafeRawPointer
    private let count: Int
    private var position = 0
    private(set) var buffer: UInt64 = 0
    /// Bits in `buffer` that came from the input.
    private(set) var available = 0

    init(_ input: UnsafeRawPointer, count: Int) {
        self.input = input
        self.count = count
    }

    /// Whole input bytes used so far (bits held in `buffer` are not used).
    var consumedBytes: Int { position - available / 8 }

    var canRefillFast: Bool { position &+ 8 <= count }

    /// Tops the buffer up to at least 56 bits with one unaligned load (`canRefillFast`).
    @inline(__always) mutating func refillFast() {
        buffer |=
            UInt64(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt64.self)) &<< UInt64(available)
        position &+= (63 &- available) >> 3
        available |= 56
    }

    /// Ensures `bits` bits are available; false at the end of the input.
    mutating func fill(_ bits: Int) -> Bool {
        while available <= 56 && position < count {
            buffer |= UInt64(input.load(fromByteOffset: position, as: UInt8.self)) << UInt64(available)
            position += 1
            available += 8
        }
        return available >= bits
    }

    @inline(__always) func peek(_ bits: Int) -> UInt64 { buffer & ((1 << UInt64(bits)) - 1) }

    @inline(__always) mutating func skip(_ bits: Int) {
        buffer >>= UInt64(bits)
        available &-= bits
    }

    @inline(__always) mutating func take(_ bits: Int) -> UInt64 {
        let value = peek(bits)
        skip(bits)
        return value
    }
}
