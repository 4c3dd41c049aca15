import Foundation

/// Tick marks for a chart axis at round numbers: steps of 1, 2, 2.5 or 5 times a power of ten, about
/// five of them, with the axis widened to the ticks just outside the data (0 to 1.8 gives 0, 0.5, 1,
/// 1.5, 2).
public struct AxisTicks: Equatable, Sendable {
    public let lower: Double
    public let upper: Double
    public let step: Double

    /// Ticks covering `from...to`; `integers`: steps of at least 1 (epochs).
    public init(from low: Double, to high: Double, integers: Bool = false, count: Int = 5) {
        let span = high > low ? high - low : max(abs(high), 1)
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
        if integers { step = max(1, step.rounded(.up)) }
        self.step = step
        lower = floor(low / step + 1e-9) * step
        let top = ceil(high / step - 1e-9) * step
        upper = top > lower ? top : lower + step
    }

    /// The tick values from `lower` to `upper`.
    public var values: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...n).map { lower + Double($0) * step }
    }

    /// A tick's label with the decimals the step needs (`0.25`, `1.5`, `200`), no trailing zeros.
    public func label(_ value: Double) -> String {
        let exponent = floor(log10(step) + 1e-9)
        // 2.5 x 10^k needs one decimal more than 10^k.
        let decimals = max(0, -Int(exponent) + (step / pow(10, exponent) == 2.5 ? 1 : 0))
        let rounded = (value / step).rounded() * step
        var text = String(format: "%.\(decimals)f", rounded == 0 ? 0 : rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
