import CZlib

/// Raw deflate (RFC 1951, no zlib header or trailer) over caller-owned buffers. Each call owns its
/// `z_stream` from `Init2` to `End` inside one `withUnsafeMutablePointer` closure.
enum Deflate {
    /// Compresses `source` into `destination`; returns the compressed length, or nil when the result
    /// would not fit in `destination` (the caller then stores the bytes raw).
    static func compress(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
        level: Int32, strategy: Int32
    ) -> Int? {
        guard source.count > 0, destination.count > 0, source.count <= Int(UInt32.max),
            let input = source.baseAddress, let output = destination.baseAddress
        else { return nil }
        var stream = z_stream()
        return withUnsafeMutablePointer(to: &stream) { pointer -> Int? in
            guard cairn_deflateInit2(pointer, level, Z_DEFLATED, -15, 8, strategy) == Z_OK else { return nil }
            defer { deflateEnd(pointer) }
            pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
            pointer.pointee.avail_in = uInt(source.count)
            pointer.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
            pointer.pointee.avail_out = uInt(min(destination.count, Int(UInt32.max)))
            guard deflate(pointer, Z_FINISH) == Z_STREAM_END else { return nil }
            return Int(pointer.pointee.total_out)
        }
    }

    /// The most bytes `compress` can produce for `count` input bytes (zlib's `deflateBound`).
    static func bound(_ count: Int) -> Int {
        var stream = z_stream()
        return withUnsafeMutablePointer(to: &stream) { pointer -> Int in
            guard cairn_deflateInit2(pointer, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
                return count + count / 8 + 64
            }
            defer { deflateEnd(pointer) }
            return Int(deflateBound(pointer, uLong(count)))
        }
    }

    /// The ways `decompress` fails.
    enum Failure: Error {
        /// The stream is invalid (zlib's message).
        case corrupt(String)
        /// The stream would produce more bytes than declared.
        case tooLong
        /// The stream ends before producing the declared bytes, or leaves input unused.
        case lengthMismatch
    }

    /// Inflates `source`, which must be one complete stream producing exactly `destination.count` bytes
    /// and using every input byte. Never writes past `destination` (no decompression bomb). Literal-only
    /// streams (Huffman-only planes) take `HuffmanInflate`'s fast path; zlib judges everything else.
    static func decompress(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer
    ) -> Failure? {
        if source.count <= Int(UInt32.max), HuffmanInflate.decompress(source, into: destination) { return nil }
        return inflateWithZlib(source, into: destination)
    }

    /// `decompress` by zlib alone (also the reference the fast path is tested against).
    static func inflateWithZlib(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer
    ) -> Failure? {
        guard source.count <= Int(UInt32.max), destination.count <= Int(UInt32.max) else { return .tooLong }
        guard let input = source.baseAddress, source.count > 0 else { return .lengthMismatch }
        var stream = z_stream()
        return withUnsafeMutablePointer(to: &stream) { pointer -> Failure? in
            guard cairn_inflateInit2(pointer, -15) == Z_OK else { return .corrupt("inflateInit2 failed") }
            defer { inflateEnd(pointer) }
            var spare: UInt8 = 0
            pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
            pointer.pointee.avail_in = uInt(source.count)
            return withUnsafeMutablePointer(to: &spare) { sparePointer -> Failure? in
                let output = destination.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? sparePointer
                pointer.pointee.next_out = output
                pointer.pointee.avail_out = uInt(destination.count)
                var status = inflate(pointer, Z_FINISH)
                if (status == Z_OK || status == Z_BUF_ERROR) && pointer.pointee.avail_out == 0 {
                    // Output full: one more byte of room tells "ends exactly here" from "too long".
                    pointer.pointee.next_out = sparePointer
                    pointer.pointee.avail_out = 1
                    status = inflate(pointer, Z_FINISH)
                    if pointer.pointee.avail_out == 0 { return .tooLong }
                }
                switch status {
                case Z_STREAM_END:
                    guard pointer.pointee.avail_in == 0, Int(pointer.pointee.total_out) == destination.count else {
                        return .lengthMismatch
                    }
                    return nil
                case Z_BUF_ERROR: return .lengthMismatch
                default:
                    let message = pointer.pointee.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                    return .corrupt(message)
                }
            }
        }
    }
}
