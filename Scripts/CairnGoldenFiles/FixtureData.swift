import CairnFormat

/// Deterministic data for fixtures and tests: the same seed always gives the same bytes, with no
/// dependence on the code under test.
public enum FixtureData {
    /// Deterministic pseudo-random bytes (SplitMix64).
    public static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }

    /// Floats shaped like trained weights: small, mostly varied, deterministic.
    public static func weights(count: Int, seed: UInt64) -> [Float] {
        let raw = bytes(count: count * 2, seed: seed)
        return (0..<count).map { index in
            let a = Float(raw[2 * index]) - 127.5, b = Float(raw[2 * index + 1]) - 127.5
            return (a + b / 256) * 0.0002
        }
    }

    /// A tensor of `dtype` and `shape` filled with deterministic bytes that are valid for the dtype.
    public static func tensor(_ dtype: DType, shape: [Int], seed: UInt64) throws -> Tensor {
        let count = shape.reduce(1, *)
        switch dtype {
        case .f32: return Tensor(shape: shape, floats: weights(count: count, seed: seed))
        case .f16, .bf16: return Tensor(shape: shape, floats: weights(count: count, seed: seed)).converted(to: dtype)
        case .bool: return try Tensor(dtype: .bool, shape: shape, bytes: bytes(count: count, seed: seed).map { $0 & 1 })
        default: return try Tensor(dtype: dtype, shape: shape, bytes: bytes(count: count * dtype.byteSize, seed: seed))
        }
    }
}
