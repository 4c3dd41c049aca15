/// A canonical Huffman code as deflate (RFC 1951, 3.2.2) defines it: code lengths per symbol, codes
/// assigned in order of (length, symbol). Built from symbol frequencies with a length limit, or from
/// lengths read from a stream. Deterministic: ties break by symbol.
struct HuffmanCode {
    /// Code length per symbol (0 = symbol unused).
    var lengths: [UInt8]

    init(lengths: [UInt8]) {
        self.lengths = lengths
    }

    /// The optimal code for `frequencies` whose lengths do not exceed `limit`: Huffman's construction,
    /// repeated on flattened frequencies (halved, kept non-zero) until the longest code fits. Symbols
    /// of frequency 0 get no code. With fewer than two used symbols, `frequencies` must be adjusted by
    /// the caller (deflate needs at least two codes for a complete code).
    init(frequencies: [Int], limit: Int) {
        precondition(frequencies.filter { $0 > 0 }.count >= 2)
        var weights = frequencies
        while true {
            let built = Self.huffmanLengths(weights)
            if Int(built.max() ?? 0) <= limit {
                lengths = built
                return
            }
            weights = weights.map { $0 == 0 ? 0 : Swift.max(1, $0 >> 1) }
        }
    }

    /// Unlimited Huffman code lengths (two-queue construction over leaves sorted by weight, then symbol).
    private static func huffmanLengths(_ weights: [Int]) -> [UInt8] {
        let leaves = weights.indices.filter { weights[$0] > 0 }.sorted { (weights[$0], $0) < (weights[$1], $1) }
        // Nodes: leaves 0..<n, inner nodes after; parent links give depths.
        let n = leaves.count
        var weight = leaves.map { weights[$0] } + [Int](repeating: 0, count: n - 1)
        var parent = [Int](repeating: -1, count: 2 * n - 1)
        var leaf = 0, inner = n, next = n
        func takeSmallest() -> Int {
            if leaf < n && (inner >= next || weight[leaf] <= weight[inner]) {
                leaf += 1
                return leaf - 1
            }
            inner += 1
            return inner - 1
        }
        while next < 2 * n - 1 {
            let a = takeSmallest(), b = takeSmallest()
            weight[next] = weight[a] + weight[b]
            parent[a] = next
            parent[b] = next
            next += 1
        }
        var depth = [Int](repeating: 0, count: 2 * n - 1)
        for node in stride(from: 2 * n - 3, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }
        var lengths = [UInt8](repeating: 0, count: weights.count)
        for (index, symbol) in leaves.enumerated() { lengths[symbol] = UInt8(depth[index]) }
        return lengths
    }

    /// The codes, bit-reversed (deflate sends Huffman codes most significant bit first into an
    /// LSB-first bit stream), per symbol; meaningful where `lengths` is non-zero.
    var reversedCodes: [UInt32] {
        var count = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { count[Int(length)] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1..<16 {
            code = (code + count[bits - 1]) << 1
            next[bits] = code
        }
        return lengths.map { length -> UInt32 in
            guard length > 0 else { return 0 }
            let value = next[Int(length)]
            next[Int(length)] += 1
            return Self.reverse(UInt32(value), bits: Int(length))
        }
    }

    static func reverse(_ value: UInt32, bits: Int) -> UInt32 {
        value.bitReverse >> (32 - bits)
    }

    /// Kraft sum scaled by 2^15: 32768 for a complete code, more for an over-subscribed one.
    var kraftSum: Int {
        lengths.reduce(0) { $0 + ($1 == 0 ? 0 : 1 << (15 - Int($1))) }
    }

    /// A decoding table of `1 << bits` entries indexed by the next `bits` stream bits: `symbol << 4 |
    /// length`. Only for complete codes with every length `<= bits`.
    func decodingTable(bits: Int) -> [UInt16] {
        precondition(kraftSum == 1 << 15 && Int(lengths.max() ?? 0) <= bits)
        var table = [UInt16](repeating: 0, count: 1 << bits)
        let codes = reversedCodes
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let entry = UInt16(symbol << 4) | UInt16(length)
            var index = Int(codes[symbol])
            while index < table.count {
                table[index] = entry
                index += 1 << Int(length)
            }
        }
        return table
    }
}

private extension UInt32 {
    var bitReverse: UInt32 {
        var v = self
        v = ((v >> 1) & 0x5555_5555) | ((v & 0x5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333) | ((v & 0x3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F) | ((v & 0x0F0F_0F0F) << 4)
        return v.byteSwapped
    }
}
