/// The one source of randomness of a training run (initialisation, shuffling, dropout masks):
/// xoshiro256** seeded through SplitMix64. Its whole state is four words, saved in every checkpoint,
/// so a resumed run draws exactly the numbers the uninterrupted run would have drawn.
public struct RandomGenerator: RandomNumberGenerator, Equatable, Sendable {
    /// The generator's complete state.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator seeded from `seed` (any value, 0 included).
    public init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// Restores a saved state; nil for the all-zero state, which xoshiro cannot leave.
    public init?(words: [UInt64]) {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
        state = (words[0], words[1], words[2], words[3])
    }

    /// The state as four words, for saving.
    public var words: [UInt64] { [state.0, state.1, state.2, state.3] }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool { a.words == b.words }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// A float uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal draw (Box-Muller on two 53-bit uniforms; the second value is not kept, so the
    /// generator's state is all there is to save).
    public mutating func nextGaussian() -> Float {
        let u1 = Double((next() >> 11) + 1) * 0x1p-53  // (0, 1]
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Shuffles `indices` in place (Fisher-Yates, unbiased bounded draws).
    public mutating func shuffle(_ indices: inout [Int]) {
        guard indices.count > 1 else { return }
        for i in stride(from: indices.count - 1, to: 0, by: -1) {
            let j = Int(truncatingIfNeeded: boundedDraw(UInt64(i + 1)))
            indices.swapAt(i, j)
        }
    }

    /// A uniform integer in [0, bound), Lemire's method.
    public mutating func boundedDraw(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
