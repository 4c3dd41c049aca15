import CCairnKernels
import CZlib

/// CRC-32 (ISO-HDLC, as zlib's `crc32` and Python's `zlib.crc32`) of a byte buffer.
///
/// Buffers of 64 bytes or more go through carry-less multiplication folding (`cairn_crc32_fold`,
/// several times zlib's table-driven speed) when the CPU has it; the tail of under 16 bytes, short
/// buffers and other CPUs use zlib.
enum CRC32 {
    /// Whether the folding kernel can run here (checked once).
    static let foldAvailable = cairn_crc32_fold_available() != 0

    static func checksum(_ buffer: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return seed }
        var crc = seed
        var pointer = base.assumingMemoryBound(to: UInt8.self)
        var left = buffer.count
        if foldAvailable && left >= 64 {
            let folded = left & ~15
            crc = cairn_crc32_fold(crc, pointer, folded)
            pointer += folded
            left -= folded
        }
        return zlibChecksum(pointer, left, seed: crc)
    }

    /// zlib's table-driven CRC (also the reference the folding kernel is tested against).
    static func zlibChecksum(_ start: UnsafePointer<UInt8>, _ count: Int, seed: UInt32 = 0) -> UInt32 {
        var crc = UInt(seed)
        var pointer = start
        var left = count
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
