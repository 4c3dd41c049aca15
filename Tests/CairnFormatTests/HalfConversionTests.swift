import CairnFormat
import Testing

@Suite struct HalfConversionTests {
    @Test func everyHalfRoundTripsThroughFloat() {
        for bits in 0...UInt16.max {
            let value = HalfConversion.floatFromHalf(bits)
            #expect(HalfConversion.halfFromFloat(value) == bits, "half \(bits) -> \(value)")
            #if arch(x86_64) || arch(arm64)
                #if !os(macOS)
                    let reference = Float(Float16(bitPattern: bits))
                    if !value.isNaN {
                        #expect(value.bitPattern == reference.bitPattern, "half \(bits)")
                    } else {
                        #expect(reference.isNaN)
                    }
                #endif
            #endif
        }
    }

    @Test func everyBFloat16RoundTripsThroughFloat() {
        for bits in 0...UInt16.max {
            let value = HalfConversion.floatFromBFloat16(bits)
            #expect(HalfConversion.bfloat16FromFloat(value) == bits, "bf16 \(bits)")
        }
    }

    /// Midpoints between adjacent halves round to the one with an even mantissa; just off a midpoint
    /// rounds to the nearer one.
    @Test func halfRoundsTiesToEven() {
        for bits in UInt16(0)..<0x7BFF where bits & 0x7C00 != 0x7C00 {
            let low = HalfConversion.floatFromHalf(bits), high = HalfConversion.floatFromHalf(bits + 1)
            let middle = (Double(low) + Double(high)) / 2
            let tie = Float(middle)  // exact: halves have 11 significant bits
            #expect(Double(tie) == middle)
            let even = bits & 1 == 0 ? bits : bits + 1
            #expect(HalfConversion.halfFromFloat(tie) == even, "tie above half \(bits)")
            #expect(HalfConversion.halfFromFloat(tie.nextUp) == bits + 1)
            #expect(HalfConversion.halfFromFloat(tie.nextDown) == bits)
            #expect(HalfConversion.halfFromFloat(-tie) == even | 0x8000)
        }
    }

    @Test func bfloat16RoundsTiesToEven() {
        for bits in stride(from: UInt16(0), to: 0x7F7F, by: 7) {
            let low = HalfConversion.floatFromBFloat16(bits), high = HalfConversion.floatFromBFloat16(bits + 1)
            let tie = Float((Double(low) + Double(high)) / 2)
            let even = bits & 1 == 0 ? bits : bits + 1
            #expect(HalfConversion.bfloat16FromFloat(tie) == even, "tie above bf16 \(bits)")
            #expect(HalfConversion.bfloat16FromFloat(tie.nextUp) == bits + 1)
            #expect(HalfConversion.bfloat16FromFloat(tie.nextDown) == bits)
        }
    }

    @Test func specialValues() {
        #expect(HalfConversion.halfFromFloat(65504) == 0x7BFF)
        #expect(HalfConversion.halfFromFloat(65519.99) == 0x7BFF)
        #expect(HalfConversion.halfFromFloat(65520) == 0x7C00)  // tie rounds to even: infinity
        #expect(HalfConversion.halfFromFloat(.infinity) == 0x7C00)
        #expect(HalfConversion.halfFromFloat(-.infinity) == 0xFC00)
        #expect(HalfConversion.floatFromHalf(HalfConversion.halfFromFloat(.nan)).isNaN)
        #expect(HalfConversion.halfFromFloat(0x1p-24) == 1)  // smallest subnormal
        #expect(HalfConversion.halfFromFloat(0x1p-25) == 0)  // tie to even: zero
        #expect(HalfConversion.halfFromFloat(0x1.8p-25) == 1)
        #expect(HalfConversion.halfFromFloat(-0.0) == 0x8000)
        #expect(HalfConversion.bfloat16FromFloat(.infinity) == 0x7F80)
        #expect(HalfConversion.floatFromBFloat16(HalfConversion.bfloat16FromFloat(.nan)).isNaN)
        #expect(HalfConversion.bfloat16FromFloat(Float(bitPattern: 0x7F80_0001)) & 0x7F != 0)  // NaN stays NaN
        #expect(HalfConversion.bfloat16FromFloat(.greatestFiniteMagnitude) == 0x7F80)  // rounds up to infinity
    }

    @Test func tensorConversionUsesTheseRules() {
        let tensor = Tensor(shape: [3], floats: [1, 65520, 0x1p-25])
        #expect(tensor.converted(to: .f16).converted(to: .f32).floats() == [1, .infinity, 0])
        #expect(tensor.converted(to: .bf16).floats() == [1, 65536, 0x1p-25])
    }
}
