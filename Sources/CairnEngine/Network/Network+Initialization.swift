import CairnModel

extension Network {
    /// Sets every dense weight by `scheme` (fan_in = the weight's columns, fan_out = its rows) and every
    /// bias to 0. Draw order: dense nodes in graph order, each weight's elements row-major; normal
    /// schemes take one `nextGaussian()` per element, uniform ones one `nextUniform()` mapped to
    /// `(2u - 1) * limit`; `zeros` and `constant` draw nothing.
    public func initialize(_ scheme: InitScheme, rng: inout RandomGenerator) {
        for parameter in parameters {
            if parameter.shape.count == 1 {
                parameter.values = [Float](repeating: 0, count: parameter.count)
                continue
            }
            let fanOut = Float(parameter.shape[0]), fanIn = Float(parameter.shape[1])
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
