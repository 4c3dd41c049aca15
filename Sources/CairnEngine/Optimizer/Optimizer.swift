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

    /// Updates with fewer elements than this per thread run on the calling thread alone.
    static let elementsPerPart = 1 << 15

    /// One update of `parameters` (the same parameters, in the same order, as at `init`) from their
    /// current gradients. With a `team`, each parameter's elements are split across its threads; every
    /// element gets the same arithmetic whatever the split, so the result does not depend on it.
    public func step(_ parameters: [Parameter], learningRate: Float, team: ThreadTeam? = nil) {
        precondition(parameters.count == names.count, "optimizer built for \(names.count) parameters, given \(parameters.count)")
        stepCount += 1
        let clipScale = clippingScale(parameters)
        let decay = config.weightDecay
        let config = config
        let adam = adamConstants(learningRate: learningRate)
        for (index, parameter) in parameters.enumerated() where !parameter.isFrozen {
            precondition(parameter.count == counts[index] && parameter.gradient.count == counts[index],
                         "parameter \(parameter.name) changed size")
            let gradient = parameter.gradient
            let count = parameter.count
            gradient.withUnsafeBufferPointer { g in
                parameter.values.withUnsafeMutableBufferPointer { w in
                    firstMoments[index].withUnsafeMutableBufferPointer { first in
                        secondMoments[index].withUnsafeMutableBufferPointer { second in
                            let g = g.baseAddress!, w = w.baseAddress!
                            let m = first.baseAddress, v = second.baseAddress
                            func update(_ i: Int, _ n: Int) {
                                switch config.kind {
                                case .sgd:
                                    OptimizerKernels.sgd(w: w + i, g: g + i, count: n, learningRate: learningRate,
                                                         clip: clipScale, decay: decay)
                                case .momentum:
                                    OptimizerKernels.momentum(w: w + i, g: g + i, v: m! + i, count: n,
                                                              learningRate: learningRate, mu: config.momentum,
                                                              nesterov: config.nesterov, clip: clipScale, decay: decay)
                                case .adam, .adamw:
                                    Self.adamUpdate(g: g + i, w: w + i, m: m! + i, v: v! + i, count: n,
                                                    clipScale: clipScale, constants: adam)
                                }
                            }
                            if let team {
                                team.forEachRange(count: count, granule: Lanes.width, minimumPerPart: Self.elementsPerPart) {
                                    update($0.lowerBound, $0.count)
                                }
                            } else {
                                update(0, count)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The per-step numbers of Adam's update.
    private struct AdamConstants {
        var b1: Float, b2: Float, eps: Float, decoupled: Bool, l2: Float, shrink: Float
        var correction1: Float, correction2: Float, learningRate: Float
    }

    private func adamConstants(learningRate: Float) -> AdamConstants {
        let decoupled = config.kind == .adamw
        return AdamConstants(b1: config.beta1, b2: config.beta2, eps: config.epsilon, decoupled: decoupled,
                             l2: decoupled ? 0 : config.weightDecay,
                             shrink: decoupled ? learningRate * config.weightDecay : 0,
                             correction1: 1 - Float(Double(config.beta1).power(stepCount)),
                             correction2: 1 - Float(Double(config.beta2).power(stepCount)),
                             learningRate: learningRate)
    }

    private static func adamUpdate(g: UnsafePointer<Float>, w: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                                   v: UnsafeMutablePointer<Float>, count: Int, clipScale: Float, constants c: AdamConstants) {
        let b1 = c.b1, b2 = c.b2, eps = c.eps, l2 = c.l2, shrink = c.shrink, learningRate = c.learningRate
        let correction1 = c.correction1, correction2 = c.correction2
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            var wi = Lanes.load(w + i, lanes)
            if c.decoupled { wi -= shrink * wi }
            let gi = Lanes.load(g + i, lanes) * clipScale + l2 * wi
            let mi = b1 * Lanes.load(m + i, lanes) + (1 - b1) * gi
            let vi = b2 * Lanes.load(v + i, lanes) + (1 - b2) * gi * gi
            Lanes.store(mi, m + i, lanes)
            Lanes.store(vi, v + i, lanes)
            wi -= learningRate * (mi / correction1) / ((vi / correction2).squareRoot() + eps)
            Lanes.store(wi, w + i, lanes)
        }
    }

    /// 1, or `clipNorm / norm` when the global gradient norm exceeds `clipNorm`.
    private func clippingScale(_ parameters: [Parameter]) -> Float {
        guard let limit = config.clipNorm else { return 1 }
        var sum = 0.0
        for parameter in parameters where !parameter.isFrozen {
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
    fileprivate func power(_ exponent: Int) -> Double {
        var result = 1.0, base = self, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
