/// The per-element update loops of `Optimizer`, on raw buffers. Each loop runs full eight-float
/// chunks with plain vector loads and then one partial chunk, through one `@inline(__always)` step
/// function per rule, so every element gets the same arithmetic. Options that are fixed for a whole
/// loop (Nesterov, whether clipping or weight decay apply) are hoisted out of it.
enum OptimizerKernels {
    typealias Vector = Lanes.Vector

    /// Runs `body(offset, lanes)` over `count` elements: full chunks, then the rest.
    @inline(__always)
    private static func chunks(_ count: Int, _ body: (Int, Int) -> Void) {
        var offset = 0
        while offset + Lanes.width <= count {
            body(offset, Lanes.width)
            offset += Lanes.width
        }
        if offset < count { body(offset, count - offset) }
    }

    /// `g' = g * clip + decay * w`, skipping the arithmetic that is an identity for these settings.
    @inline(__always)
    private static func adjusted(_ g: Vector, _ w: Vector, clip: Float, decay: Float, plain: Bool) -> Vector {
        plain ? g : g * clip + decay * w
    }

    /// SGD: `w -= lr * g'`.
    static func sgd(
        w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
        learningRate: Float, clip: Float, decay: Float
    ) {
        if clip == 1 && decay == 0 {
            sgdLoop(w: w, g: g, count: count, learningRate: learningRate, clip: clip, decay: decay, plain: true)
        } else {
            sgdLoop(w: w, g: g, count: count, learningRate: learningRate, clip: clip, decay: decay, plain: false)
        }
    }

    @inline(__always)
    private static func sgdLoop(
        w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, count: Int,
        learningRate: Float, clip: Float, decay: Float, plain: Bool
    ) {
        chunks(count) { i, lanes in
            let wi = Lanes.load(w + i, lanes)
            let gi = adjusted(Lanes.load(g + i, lanes), wi, clip: clip, decay: decay, plain: plain)
            Lanes.store(wi - learningRate * gi, w + i, lanes)
        }
    }

    /// Momentum: `v = mu * v + g'`; `w -= lr * v`, or with Nesterov `w -= lr * (g' + mu * v)`.
    static func momentum(
        w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>,
        count: Int, learningRate: Float, mu: Float, nesterov: Bool, clip: Float, decay: Float
    ) {
        let plain = clip == 1 && decay == 0
        switch (nesterov, plain) {
        case (false, true):
            momentumLoop(
                w: w, g: g, v: v, count: count, learningRate: learningRate, mu: mu, nesterov: false,
                clip: clip, decay: decay, plain: true)
        case (false, false):
            momentumLoop(
                w: w, g: g, v: v, count: count, learningRate: learningRate, mu: mu, nesterov: false,
                clip: clip, decay: decay, plain: false)
        case (true, true):
            momentumLoop(
                w: w, g: g, v: v, count: count, learningRate: learningRate, mu: mu, nesterov: true,
                clip: clip, decay: decay, plain: true)
        case (true, false):
            momentumLoop(
                w: w, g: g, v: v, count: count, learningRate: learningRate, mu: mu, nesterov: true,
                clip: clip, decay: decay, plain: false)
        }
    }

    @inline(__always)
    private static func momentumLoop(
        w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>,
        count: Int, learningRate: Float, mu: Float, nesterov: Bool,
        clip: Float, decay: Float, plain: Bool
    ) {
        chunks(count) { i, lanes in
            let wi = Lanes.load(w + i, lanes)
            let gi = adjusted(Lanes.load(g + i, lanes), wi, clip: clip, decay: decay, plain: plain)
            let vi = mu * Lanes.load(v + i, lanes) + gi
            Lanes.store(vi, v + i, lanes)
            Lanes.store(wi - learningRate * (nesterov ? gi + mu * vi : vi), w + i, lanes)
        }
    }

    /// Adam (and AdamW, whose decoupled decay shrinks `w` first): `m = b1 m + (1 - b1) g'`,
    /// `v = b2 v + (1 - b2) g'^2`, `w -= lr (m / c1) / (sqrt(v / c2) + eps)`.
    static func adam(
        w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
        v: UnsafeMutablePointer<Float>, count: Int, rule: ParameterUpdate.Rule
    ) {
        let b1 = rule.beta1, b2 = rule.beta2, eps = rule.epsilon, l2 = rule.decay, shrink = rule.shrink
        let learningRate = rule.learningRate, clipScale = rule.clipScale
        let correction1 = rule.correction1, correction2 = rule.correction2
        let decoupled = rule.kind == .adamw
        for i in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - i)
            var wi = Lanes.load(w + i, lanes)
            if decoupled { wi -= shrink * wi }
            let gi = Lanes.load(g + i, lanes) * clipScale + l2 * wi
            let mi = b1 * Lanes.load(m + i, lanes) + (1 - b1) * gi
            let vi = b2 * Lanes.load(v + i, lanes) + (1 - b2) * gi * gi
            Lanes.store(mi, m + i, lanes)
            Lanes.store(vi, v + i, lanes)
            wi -= learningRate * (mi / correction1) / ((vi / correction2).squareRoot() + eps)
            Lanes.store(wi, w + i, lanes)
        }
    }
}
