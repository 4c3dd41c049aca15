/// A tiny seeded generator for test data (Knuth's MMIX linear congruential step): the same seed
/// always gives the same bytes, with no dependence on the library under test.
struct TestRandom {
    private(set) var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The next 64-bit state.
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}
