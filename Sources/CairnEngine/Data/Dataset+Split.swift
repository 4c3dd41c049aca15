extension Dataset {
    /// A seeded, stratified split: for classification each class contributes `fraction` of its samples
    /// (rounded) to the validation part; for regression a plain seeded shuffle. The same seed and data
    /// always give the same split. Returns (train, validation) index lists in ascending order.
    public func stratifiedSplit(fraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        guard fraction > 0, count > 1 else { return (Array(0..<count), []) }
        var rng = RandomGenerator(seed: seed ^ 0x5EED_5EED_5EED_5EED)
        var validation = [Int]()
        switch targets {
        case .labels(let labels):
            var byClass: [Int32: [Int]] = [:]
            for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
            for label in byClass.keys.sorted() {
                var members = byClass[label]!
                rng.shuffle(&members)
                // Every class keeps at least one training sample.
                let take = min(Int((Double(members.count) * fraction).rounded()), members.count - 1)
                validation.append(contentsOf: members.prefix(max(take, 0)))
            }
        case .values:
            var all = Array(0..<count)
            rng.shuffle(&all)
            validation = Array(all.prefix(Int((Double(count) * fraction).rounded())))
        }
        let chosen = Set(validation)
        return ((0..<count).filter { !chosen.contains($0) }, validation.sorted())
    }

    /// A fingerprint of the samples (features and targets, bit for bit, in order): FNV-1a 64 over
    /// the little-endian bytes, written `fnv1a64:<16 hex digits>`. Stored in checkpoints so resuming on
    /// other data is caught.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        @inline(__always) func mix(_ word: UInt32) {
            var w = word
            for _ in 0..<4 {
                hash = (hash ^ UInt64(w & 0xFF)) &* 0x0000_0100_0000_01B3
                w >>= 8
            }
        }
        mix(UInt32(width))
        features.withUnsafeBufferPointer { f in for v in f { mix(v.bitPattern) } }
        switch targets {
        case .labels(let labels): for l in labels { mix(UInt32(bitPattern: l)) }
        case .values(let values, let columns):
            mix(UInt32(columns))
            for v in values { mix(v.bitPattern) }
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
