/// The optimiser and its hyperparameters (`--optimizer`, `--lr`, `--momentum`, ...), stored in the
/// manifest under `"optimizer"`.
public struct OptimizerConfig: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `w -= lr * g`.
        case sgd
        /// Heavy ball, PyTorch's form: `v = mu * v + g; w -= lr * v` (Nesterov: `w -= lr * (g + mu * v)`).
        case momentum
        /// Adam with bias correction; weight decay added to the gradient (L2).
        case adam
        /// Adam with decoupled weight decay: `w -= lr * wd * w` before the Adam step.
        case adamw
    }

    public var kind: Kind
    /// The base learning rate (before any schedule).
    public var learningRate: Float
    /// Momentum coefficient for `momentum`.
    public var momentum: Float
    public var nesterov: Bool
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// L2 penalty (sgd, momentum, adam) or decoupled decay (adamw); 0 for none.
    public var weightDecay: Float
    /// Rescale the whole gradient so its global L2 norm is at most this; nil for no clipping.
    public var clipNorm: Float?

    public init(
        kind: Kind, learningRate: Float, momentum: Float = 0.9, nesterov: Bool = false,
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0, clipNorm: Float? = nil
    ) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
    }

    private enum CodingKeys: String, CodingKey {
        case kind, learningRate = "learning_rate", momentum, nesterov, beta1, beta2, epsilon
        case weightDecay = "weight_decay", clipNorm = "clip_norm"
    }
}
