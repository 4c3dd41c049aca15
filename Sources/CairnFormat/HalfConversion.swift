/// Bit-exact conversions between `Float` and IEEE half (f16) / bfloat16 bit patterns.
///
/// Narrowing rounds to nearest, ties to even; overflow gives infinity; subnormals are handled exactly;
/// NaN stays NaN with as much of its payload as fits (a half or bf16 NaN round-trips through `Float`
/// bit for bit).
public enum HalfConversion {
    /// The `Float` equal to a half-precision bit pattern (exact).
    @inline(__always)
    public static func floatFromHalf(_ half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24  // subnormal or zero: exact
            return Float(bitPattern: sign | magnitude.bitPattern)
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// The half-precision bit pattern nearest to `value` (round to nearest, ties to even).
    @inline(__always)
    public static func halfFromFloat(_ value: Float) -> UInt16 {
        var bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits & 0x8000_0000) >> 16)
        bits &= 0x7FFF_FFFF
        if bits >= 0x7F80_0000 {  // infinity or NaN
            guard bits > 0x7F80_0000 else { return sign | 0x7C00 }
            let payload = UInt16(truncatingIfNeeded: (bits >> 13) & 0x3FF)
            return sign | 0x7C00 | (payload == 0 ? 0x200 : payload)
        }
        if bits >= 0x4780_0000 {  // >= 65536: beyond the largest finite half after rounding
            return sign | 0x7C00
        }
        if bits < 0x3880_0000 {  // below 2^-14: subnormal half or zero; let the FPU round
            let magic = Float(bitPattern: 0x3F00_0000)  // 0.5: aligns the half subnormal ulp (2^-24) to bit 0
            let rounded = Float(bitPattern: bits) + magic
            return sign | UInt16(truncatingIfNeeded: rounded.bitPattern &- magic.bitPattern)
        }
        let oddMantissa = (bits >> 13) & 1
        bits = bits &+ 0xC800_0FFF &+ oddMantissa  // rebias exponent (-112 << 23) and round half to even
        return sign | UInt16(truncatingIfNeeded: bits >> 13)
    }

    /// The `Float` equal to a bfloat16 bit pattern (exact).
    @inline(__always)
    public static func floatFromBFloat16(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value` (round to nearest, ties to even).
    @inline(__always)
    public static func bfloat16FromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {  // NaN: truncate, keep it a NaN
            let truncated = UInt16(truncatingIfNeeded: bits >> 16)
            return truncated & 0x7F == 0 ? truncated | 0x40 : truncated
        }
        let rounding: UInt32 = 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
