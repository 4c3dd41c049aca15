/// A convolution's or pool's `padding` attribute: zeros per spatial axis (`2` or `[1, 2]` in JSON), or
/// `"same"` (PyTorch's `padding='same'`: the output keeps the input's size; convolutions with stride 1).
public enum PaddingAttribute: Codable, Equatable, Sendable, CustomStringConvertible {
    case same
    /// Zeros on both sides of each spatial axis (one value: every axis).
    case zeros([Int])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            guard text == "same" else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "padding must be a number, a list or \"same\"")
            }
            self = .same
        } else if let one = try? c.decode(Int.self) {
            self = .zeros([one])
        } else {
            self = .zeros(try c.decode([Int].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .same: try c.encode("same")
        case .zeros(let amounts): try c.encode(amounts)
        }
    }

    public var description: String {
        switch self {
        case .same: return "same"
        case .zeros(let amounts): return amounts.count == 1 ? String(amounts[0]) : "\(amounts)"
        }
    }
}
