import CairnEngine
import Testing

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var c = RandomGenerator(seed: 43)
        #expect(a.next() != c.next())
    }

    @Test func savedStateResumesTheStream() throws {
        var a = RandomGenerator(seed: 7)
        for _ in 0..<10 { _ = a.next() }
        var b = try #require(RandomGenerator(words: a.words))
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        #expect(RandomGenerator(words: [0, 0, 0, 0]) == nil)
    }

    @Test func gaussianHasUnitMoments() {
        var rng = RandomGenerator(seed: 1)
        let n = 100_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n { let x = Double(rng.nextGaussian()); sum += x; sumSquares += x * x }
        let mean = sum / Double(n), variance = sumSquares / Double(n) - mean * mean
        #expect(abs(mean) < 0.02)
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func shuffleIsAPermutation() {
        var rng = RandomGenerator(seed: 3)
        var indices = Array(0..<1000)
        rng.shuffle(&indices)
        #expect(indices != Array(0..<1000))
        #expect(indices.sorted() == Array(0..<1000))
    }
}
