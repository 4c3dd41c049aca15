import CZlib

/// CRC-32 (ISO-HDLC, as zlib's `crc32` and Python's `zlib.crc32`) of a byte buffer.
enum CRC32 {
    static func checksum(_ buffer: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return seed }
        var crc = UInt(seed)
        var pointer = base.assumingMemoryBound(to: UInt8.self)
        var left = buffer.count
        while left > 0 {  // zlib takes a 32-bit length
            let step = min(left, 1 << 30)
            crc = crc32(crc, pointer, UInt32(step))
            pointer += step
            left -= step
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
