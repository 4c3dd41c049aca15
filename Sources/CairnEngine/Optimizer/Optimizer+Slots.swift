import CairnFormat

extension Optimizer {
    /// The slot-name suffixes this optimizer keeps per parameter: `momentum` for momentum,
    /// `adam_m` and `adam_v` for adam and adamw, none for sgd.
    public var slotSuffixes: [String] {
        switch config.kind {
        case .sgd: return []
        case .momentum: return ["momentum"]
        case .adam, .adamw: return ["adam_m", "adam_v"]
        }
    }

    /// The optimizer's state tensors for a checkpoint, parameters in order, each named
    /// `"<parameter>.<suffix>"` (`dense1.weight.momentum`, `dense1.weight.adam_m`,
    /// `dense1.weight.adam_v`), with the parameter's shape. Frozen parameters have slots too.
    public func slots() -> [(name: String, shape: [Int], values: [Float])] {
        var result: [(name: String, shape: [Int], values: [Float])] = []
        for index in names.indices {
            for suffix in slotSuffixes {
                let values = suffix == "adam_v" ? secondMoments[index] : firstMoments[index]
                result.append((name: names[index] + "." + suffix, shape: shapes[index], values: values))
            }
        }
        return result
    }

    /// Restores the state saved by `slots()` and `stepCount`. Every slot must be present with the
    /// parameter's element count and no others may be given; on error nothing changes.
    public func restore(slots: [String: [Float]], stepCount: Int) throws {
        guard stepCount >= 0 else {
            throw CairnError(.invalidCheckpoint, "optimizer step count \(stepCount) is negative")
        }
        var expected = Set<String>()
        for index in names.indices {
            let count = counts[index]
            for suffix in slotSuffixes {
                let name = names[index] + "." + suffix
                expected.insert(name)
                guard let values = slots[name] else {
                    throw CairnError(.invalidCheckpoint, "optimizer slot '\(name)' is missing")
                }
                guard values.count == count else {
                    throw CairnError(
                        .invalidCheckpoint, "optimizer slot '\(name)' has \(values.count) values, expected \(count)")
                }
            }
        }
        if let extra = slots.keys.sorted().first(where: { !expected.contains($0) }) {
            throw CairnError(.invalidCheckpoint, "optimizer slot '\(extra)' does not belong to this optimizer")
        }
        for index in names.indices {
            for suffix in slotSuffixes {
                let values = slots[names[index] + "." + suffix]!
                if suffix == "adam_v" { secondMoments[index] = values } else { firstMoments[index] = values }
            }
        }
        self.stepCount = stepCount
    }
}
