import CZlib

/// zlib's CRC-32 and raw deflate, for tools that read and write ZIP-based formats (npz).
public enum Zlib {
    /// CRC-32 (ISO-HDLC, as zlib's `crc32`) of `bytes`, continuing from `seed` (0 to start).
    public static func crc32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        CRC32.checksum(bytes, seed: seed)
    }

    /// CRC-32 of `bytes`, continuing from `seed`.
    public static func crc32(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0, seed: seed) }
    }

    /// The CRC-32 of two byte strings back to back, from the CRC-32 of each and the second's length
    /// (zlib's `crc32_combine`).
    public static func crc32Combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32_combine(uLong(first), uLong(second), .init(secondLength)))
    }

    /// Inflates a raw deflate stream (RFC 1951, as in ZIP entries) that must produce exactly
    /// `destination.count` bytes and use all of `source`; never writes past `destination`.
    /// Returns nil on success, otherwise why it failed.
    public static func inflateRaw(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer
    ) -> String? {
        guard let failure = Deflate.decompress(source, into: destination) else { return nil }
        switch failure {
        case .corrupt(let message): return "corrupt deflate stream (\(message))"
        case .tooLong: return "deflate stream produces more bytes than declared"
        case .lengthMismatch: return "deflate stream ends before the declared size or leaves bytes unused"
        }
    }

    /// The first bytes (at most `limit`) that inflating the start of a raw deflate stream gives; fewer
    /// when `source` ends first. Returns nil if the bytes are not a valid stream start.
    public static func inflateRawPrefix(_ source: UnsafeRawBufferPointer, limit: Int) -> [UInt8]? {
        guard let input = source.baseAddress, source.count > 0, limit > 0,
            source.count <= Int(UInt32.max), limit <= Int(UInt32.max)
        else { return [] }
        var output = [UInt8](repeating: 0, count: limit)
        var stream = z_stream()
        let produced: Int? = withUnsafeMutablePointer(to: &stream) { pointer -> Int? in
            guard cairn_inflateInit2(pointer, -15) == Z_OK else { return nil }
            defer { inflateEnd(pointer) }
            pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
            pointer.pointee.avail_in = uInt(source.count)
            return output.withUnsafeMutableBytes { buffer -> Int? in
                pointer.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                pointer.pointee.avail_out = uInt(limit)
                let status = inflate(pointer, Z_SYNC_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { return nil }
                return limit - Int(pointer.pointee.avail_out)
            }
        }
        guard let produced else { return nil }
        return Array(output[0..<produced])
    }
}
