import CairnModel

extension Network {
    /// Sets every parameter as its node's kind defines: weights by `scheme` with the fan-in and fan-out
    /// the kind gives (a dense weight's columns and rows), biases to 0. Draw order: parameters in graph
    /// order, each one's elements row-major; normal
    /// schemes take one `nextGaussian()` per element, uniform ones one `nextUniform()` mapped to
    /// `(2u - 1) * limit`; `zeros` and `constant` draw nothing.
    public func initialize(_ scheme: InitScheme, rng: inout RandomGenerator) {
        for parameter in parameters {
            switch parameter.initialization {
            case .zeros:
                parameter.values = [Float](repeating: 0, count: parameter.count)
                continue
            case .ones:
                parameter.values = [Float](repeating: 1, count: parameter.count)
                continue
            case .scheme:
                break
            }
            let fanOut = Float(parameter.fanOut), fanIn = Float(parameter.fanIn)
            let count = parameter.count
            var values = [Float](repeating: 0, count: count)
            func normal(_ sigma: Float) {
                for i in 0..<count { values[i] = sigma * rng.nextGaussian() }
            }
            func uniform(_ limit: Float) {
                for i in 0..<count { values[i] = (2 * rng.nextUniform() - 1) * limit }
            }
            switch scheme {
            case .zeros: break
            case .constant(let c): values = [Float](repeating: c, count: count)
            case .normal(let sigma): normal(sigma)
            case .uniform(let limit): uniform(limit)
            case .xavierUniform: uniform((6 / (fanIn + fanOut)).squareRoot())
            case .xavierNormal: normal((2 / (fanIn + fanOut)).squareRoot())
            case .heNormal: normal((2 / fanIn).squareRoot())
            case .heUniform: uniform((6 / fanIn).squareRoot())
            }
            parameter.values = values
        }
    }
}
