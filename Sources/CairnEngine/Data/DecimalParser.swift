/// Reads a decimal number from bytes, correctly rounded to Float.
///
/// The common cells of a data file (`0`, `255`, `-3.25`, `0.0625`: at most 24 bits of significand and
/// at most 10 digits after the point) take a fast path: both the digits and the power of ten are exact
/// in Float, so one IEEE division gives the correctly rounded result. Everything else (exponents, long
/// decimals, `inf`, `nan`) goes through the standard library's parser.
enum DecimalParser {
    private static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// The number in `bytes[start..<end]` (spaces and tabs around it ignored), or nil when it is not one.
    @inline(__always)
    static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var s = start, e = end
        while s < e && (bytes[s] == 0x20 || bytes[s] == 0x09) { s += 1 }
        while e > s && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
        guard s < e else { return nil }
        var p = s
        var negative = false
        if bytes[p] == UInt8(ascii: "-") || bytes[p] == UInt8(ascii: "+") {
            negative = bytes[p] == UInt8(ascii: "-")
            p += 1
        }
        var mantissa: UInt32 = 0
        var digits = 0
        var fraction = 0
        var exact = true
        while p < e {
            let d = bytes[p] &- 0x30
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt32(d)
            digits += 1
            if digits > 8 { exact = false }
            p += 1
        }
        if p < e && bytes[p] == UInt8(ascii: ".") {
            p += 1
            while p < e {
                let d = bytes[p] &- 0x30
                guard d < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt32(d)
                digits += 1
                fraction += 1
                if digits > 8 { exact = false }
                p += 1
            }
        }
        if p == e && digits > 0 && exact && fraction <= 10 && mantissa <= 1 << 24 {
            let value = fraction == 0 ? Float(mantissa) : Float(mantissa) / powersOfTen[fraction]
            return negative ? -value : value
        }
        return slow(bytes, s, e)
    }

    private static func slow(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        guard end - start <= 400 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        return Float(text)
    }
}
