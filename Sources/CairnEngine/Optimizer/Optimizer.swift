import CairnModel

/// Applies `OptimizerConfig`'s update rule to a network's parameters.
///
/// One `step`: (1) if `clipNorm` is set, the global L2 norm of all non-frozen gradients is computed
/// (in Double, parameters in order) and, when it exceeds `clipNorm`, every gradient is used scaled by
/// `clipNorm / norm` (the stored gradients are not changed); (2) weight decay: L2 (`g += wd * w`)
/// for sgd, momentum and adam, decoupled (`w -= lr * wd * w` before the Adam step) for adamw;
/// (3) the rule:
/// - sgd: `w -= lr * g`
/// - momentum: `v = mu * v + g`; `w -= lr * v`, or with Nesterov `w -= lr * (g + mu * v)`
/// - adam/adamw (t = step count after this step): `m = b1 m + (1 - b1) g`; `v = b2 v + (1 - b2) g^2`;
///   `w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`
///
/// Frozen parameters are skipped entirely. The optimizer's whole state is `slots()` plus `stepCount`.
public final class Optimizer {
    /// The rule and hyperparameters (the learning rate passed to `step` is used, not `config.learningRate`).
    public let config: OptimizerConfig
    /// Steps taken so far (Adam's bias correction uses it).
    public internal(set) var stepCount: Int
    /// Parameter names and element counts this optimizer was built for, in order.
    let names: [String]
    let shapes: [[Int]]
    let counts: [Int]
    /// The first moment / momentum buffer per parameter (empty for sgd).
    var firstMoments: [[Float]]
    /// Adam's second moment per parameter (empty otherwise).
    var secondMoments: [[Float]]

    /// An optimizer for these parameters (names and sizes are fixed here), with zero state.
    public init(config: OptimizerConfig, parameters: [Parameter]) {
        self.config = config
        self.stepCount = 0
        self.names = parameters.map(\.name)
        self.shapes = parameters.map(\.shape)
        self.counts = parameters.map(\.count)
        let usesFirst = config.kind != .sgd
        let usesSecond = config.kind == .adam || config.kind == .adamw
        firstMoments = parameters.map { [Float](repeating: 0, count: usesFirst ? $0.count : 0) }
        secondMoments = parameters.map { [Float](repeating: 0, count: usesSecond ? $0.count : 0) }
    }

    /// One update of `parameters` (the same parameters, in the same order, as at `init`) from their
    /// current gradients. With a `team`, each parameter's elements are split across its threads; every
    /// element gets the same arithmetic whatever the split, so the result does not depend on it.
    public func step(_ parameters: [Parameter], learningRate: Float, team: ThreadTeam? = nil) {
        precondition(
            parameters.count == names.count, "optimizer built for \(names.count) parameters, given \(parameters.count)")
        stepCount += 1
        let clipScale = clippingScale(parameters)
        let rule = ParameterUpdate.Rule(config, learningRate: learningRate, clipScale: clipScale, stepCount: stepCount)
        for (index, parameter) in parameters.enumerated() where !parameter.isFrozen && !parameter.isBuffer {
            precondition(
                parameter.count == counts[index] && parameter.gradient.count == counts[index],
                "parameter \(parameter.name) changed size")
            let count = parameter.count
            let split =
                team?.split(count, granule: Lanes.width, minimumPerPart: ParameterUpdate.elementsPerPart)
                ?? Split(count: count, parts: 1)
            parameter.gradient.withUnsafeBufferPointer { g in
                parameter.values.withUnsafeMutableBufferPointer { w in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            let update = ParameterUpdate(
                                rule: rule, w: w.baseAddress!, g: g.baseAddress!,
                                m: m.baseAddress, v: v.baseAddress, split: split)
                            if let team { team.run(update) } else { update.run(part: 0) }
                        }
                    }
                }
            }
        }
    }

    /// 1, or `clipNorm / norm` when the global gradient norm exceeds `clipNorm`.
    private func clippingScale(_ parameters: [Parameter]) -> Float {
        guard let limit = config.clipNorm else { return 1 }
        var sum = 0.0
        for parameter in parameters where !parameter.isFrozen && !parameter.isBuffer {
            parameter.gradient.withUnsafeBufferPointer { g in
                var partial: Float = 0
                for value in g { partial += value * value }
                sum += Double(partial)
            }
        }
        let norm = sum.squareRoot()
        return norm > Double(limit) ? Float(Double(limit) / norm) : 1
    }
}

extension Double {
    /// `self` to a non-negative integer power, by repeated squaring (exact order, no libm).
    func power(_ exponent: Int) -> Double {
        var result = 1.0, base = self, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
