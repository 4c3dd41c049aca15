import CCairnKernels
import CairnModel

/// One optimiser step for one parameter, split by elements across a team (or run whole as one
/// part): the update rule and the raw buffers it reads and writes.
struct ParameterUpdate: TeamJob {
    /// Updates with fewer elements than this per thread run on the calling thread alone.
    static let elementsPerPart = 1 << 15

    /// The numbers one step of an optimiser applies to every element.
    struct Rule {
        var kind: OptimizerConfig.Kind
        var learningRate: Float
        /// Gradient scale from `--clip-norm` (1 when not clipping).
        var clipScale: Float
        /// L2 weight decay added to the gradient (sgd, momentum, adam).
        var decay: Float
        var momentum: Float
        var nesterov: Bool
        var beta1: Float, beta2: Float, epsilon: Float
        /// AdamW's decoupled shrink factor, `lr * weight_decay` (0 otherwise).
        var shrink: Float
        /// Adam's bias corrections `1 - beta^t`.
        var correction1: Float, correction2: Float

        init(_ config: OptimizerConfig, learningRate: Float, clipScale: Float, stepCount: Int) {
            kind = config.kind
            self.learningRate = learningRate
            self.clipScale = clipScale
            let decoupled = config.kind == .adamw
            decay = decoupled ? 0 : config.weightDecay
            momentum = config.momentum
            nesterov = config.nesterov
            beta1 = config.beta1
            beta2 = config.beta2
            epsilon = config.epsilon
            shrink = decoupled ? learningRate * config.weightDecay : 0
            correction1 = 1 - Float(Double(config.beta1).power(stepCount))
            correction2 = 1 - Float(Double(config.beta2).power(stepCount))
        }
    }

    var rule: Rule
    var w: UnsafeMutablePointer<Float>
    var g: UnsafePointer<Float>
    /// The momentum buffer or Adam's first moment (nil for sgd).
    var m: UnsafeMutablePointer<Float>?
    /// Adam's second moment (nil otherwise).
    var v: UnsafeMutablePointer<Float>?
    var split: Split

    func run(part: Int) {
        let range = split.range(part)
        guard !range.isEmpty else { return }
        let i = range.lowerBound, n = range.count
        switch rule.kind {
        case .sgd:
            OptimizerKernels.sgd(
                w: w + i, g: g + i, count: n, learningRate: rule.learningRate, clip: rule.clipScale,
                decay: rule.decay)
        case .momentum:
            OptimizerKernels.momentum(
                w: w + i, g: g + i, v: m! + i, count: n, learningRate: rule.learningRate,
                mu: rule.momentum, nesterov: rule.nesterov, clip: rule.clipScale, decay: rule.decay)
        case .adam, .adamw:
            OptimizerKernels.adam(w: w + i, g: g + i, m: m! + i, v: v! + i, count: n, rule: rule)
        }
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: ParameterUpdate.self).pointee.run(part: part) }
    }
}
