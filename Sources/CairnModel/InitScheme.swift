/// How a dense layer's weights are initialised (`--init`). Biases always start at zero.
///
/// Written and parsed as `zeros`, `constant:C`, `normal:SIGMA`, `uniform:A`, `xavier` (uniform),
/// `xavier-normal`, `he` (normal), `he-uniform`. `fan_in` and `fan_out` are a weight's column and row
/// counts.
public enum InitScheme: Equatable, Sendable, Codable, CustomStringConvertible {
    /// Every weight 0: every unit of a layer stays identical. Allowed so users can see it fail.
    case zeros
    /// Every weight C: every unit of a layer stays identical.
    case constant(Float)
    /// N(0, sigma^2).
    case normal(sigma: Float)
    /// U(-a, a).
    case uniform(limit: Float)
    /// Glorot: U(-sqrt(6 / (fan_in + fan_out)), +...).
    case xavierUniform
    /// Glorot: N(0, 2 / (fan_in + fan_out)).
    case xavierNormal
    /// Kaiming: N(0, 2 / fan_in). The default for the ReLU family.
    case heNormal
    /// Kaiming: U(-sqrt(6 / fan_in), +...).
    case heUniform

    /// Parses the command-line form; nil when the text is not a scheme.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count == 2 ? Float(parts[1]) : nil
        if parts.count == 2, argument == nil || !argument!.isFinite { return nil }
        switch (name, argument) {
        case ("zeros", nil), ("zero", nil): self = .zeros
        case ("constant", let c?): self = .constant(c)
        case ("normal", let s?) where s >= 0: self = .normal(sigma: s)
        case ("uniform", let a?) where a >= 0: self = .uniform(limit: a)
        case ("xavier", nil), ("xavier-uniform", nil), ("glorot", nil): self = .xavierUniform
        case ("xavier-normal", nil), ("glorot-normal", nil): self = .xavierNormal
        case ("he", nil), ("he-normal", nil), ("kaiming", nil): self = .heNormal
        case ("he-uniform", nil), ("kaiming-uniform", nil): self = .heUniform
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .zeros: return "zeros"
        case .constant(let c): return "constant:\(c)"
        case .normal(let s): return "normal:\(s)"
        case .uniform(let a): return "uniform:\(a)"
        case .xavierUniform: return "xavier"
        case .xavierNormal: return "xavier-normal"
        case .heNormal: return "he"
        case .heUniform: return "he-uniform"
        }
    }

    /// Whether every unit of a layer starts identical (and so stays identical under gradient descent).
    public var isSymmetric: Bool {
        switch self {
        case .zeros, .constant: return true
        default: return false
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let scheme = InitScheme(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown initialisation '\(text)'"))
        }
        self = scheme
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
