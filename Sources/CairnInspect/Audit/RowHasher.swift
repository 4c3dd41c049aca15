import Dispatch

/// 64-bit hashes of a `RowMatrix`'s rows over their canonical bit patterns (`-0` as `+0`), computed in row
/// blocks on several threads. Four independent lanes per row keep the multiplies from waiting on each other.
enum RowHasher {
    static func hashes(_ matrix: RowMatrix, threads: Int) -> [UInt64] {
        let rows = matrix.rows
        let blocks = max(1, min(threads, rows / 4096))
        return [UInt64](unsafeUninitializedCapacity: rows) { out, initialized in
            // Block `block` initialises only its own rows; `matrix` is read; all blocks end before the return.
            nonisolated(unsafe) let base = out.baseAddress!, matrix = matrix
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                let start = rows * block / blocks, end = rows * (block + 1) / blocks
                for row in start..<end { (base + row).initialize(to: hash(matrix, row: row)) }
            }
            initialized = rows
        }
    }

    @inline(__always) private static func mix(_ h: UInt64, _ word: UInt32) -> UInt64 {
        (h ^ UInt64(word)) &* 0x9E37_79B9_7F4A_7C15
    }

    static func hash(_ matrix: RowMatrix, row: Int) -> UInt64 {
        let width = matrix.width
        let p = UnsafeRawPointer(matrix.weights.baseAddress! + row * width).assumingMemoryBound(to: UInt32.self)
        var h0: UInt64 = 0x243F_6A88_85A3_08D3, h1: UInt64 = 0x1319_8A2E_0370_7344
        var h2: UInt64 = 0xA409_3822_299F_31D0, h3: UInt64 = 0x082E_FA98_EC4E_6C89
        @inline(__always) func canonical(_ bits: UInt32) -> UInt32 { bits == 0x8000_0000 ? 0 : bits }
        var k = 0
        while k + 4 <= width {
            h0 = mix(h0, canonical(p[k])); h1 = mix(h1, canonical(p[k + 1]))
            h2 = mix(h2, canonical(p[k + 2])); h3 = mix(h3, canonical(p[k + 3]))
            k += 4
        }
        while k < width { h0 = mix(h0, canonical(p[k])); k += 1 }
        if let bias = matrix.bias { h1 = mix(h1, RowMatrix.canonicalBits(bias[row])) }
        var h = h0 ^ (h1 >> 7 | h1 << 57) ^ (h2 >> 19 | h2 << 45) ^ (h3 >> 31 | h3 << 33)
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
