import CairnModel
import Testing
@testable import CairnEngine

@Suite("Initialisation")
struct InitializationTests {
    static func network() throws -> Network {
        try Network(
            graph: GraphSpec.perceptron(
                inputs: 300, hidden: [200], outputs: 100, activation: .relu,
                classification: true), maxBatch: 1)
    }

    @Test func symmetricSchemesGiveIdenticalRows() throws {
        let network = try Self.network()
        for scheme in [InitScheme.zeros, .constant(0.25)] {
            var rng = RandomGenerator(seed: 1)
            network.initialize(scheme, rng: &rng)
            #expect(rng == RandomGenerator(seed: 1), "symmetric schemes draw nothing")
            for parameter in network.parameters {
                let expected: Float = parameter.shape.count == 2 && scheme == .constant(0.25) ? 0.25 : 0
                #expect(parameter.values.allSatisfy { $0 == expected }, "\(scheme) \(parameter.name)")
            }
        }
    }

    @Test(arguments: [
        InitScheme.heNormal, .heUniform, .xavierNormal, .xavierUniform, .normal(sigma: 0.1), .uniform(limit: 0.3),
    ])
    func varianceMatchesTheScheme(scheme: InitScheme) throws {
        let network = try Self.network()
        var rng = RandomGenerator(seed: 11)
        network.initialize(scheme, rng: &rng)
        for parameter in network.parameters {
            if parameter.shape.count == 1 {
                #expect(parameter.values.allSatisfy { $0 == 0 })
                continue
            }
            let fanOut = Double(parameter.shape[0]), fanIn = Double(parameter.shape[1])
            let expected: Double
            switch scheme {
            case .heNormal, .heUniform: expected = 2 / fanIn
            case .xavierNormal, .xavierUniform: expected = 2 / (fanIn + fanOut)
            case .normal(let sigma): expected = Double(sigma * sigma)
            case .uniform(let limit): expected = Double(limit * limit) / 3
            default: expected = 0
            }
            let n = Double(parameter.count)
            let mean = parameter.values.reduce(0.0) { $0 + Double($1) } / n
            let variance = parameter.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
            // 60000 and 20000 draws: the sample variance is within a few percent.
            #expect(
                abs(variance / expected - 1) < 0.05,
                "\(scheme) \(parameter.name): variance \(variance), expected \(expected)")
            #expect(abs(mean) < 4 * (expected / n).squareRoot(), "\(scheme) \(parameter.name): mean \(mean)")
        }
    }

    @Test func initializationIsDeterministic() throws {
        let a = try Self.network(), b = try Self.network()
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        a.initialize(.heNormal, rng: &r1)
        b.initialize(.heNormal, rng: &r2)
        #expect(a.parameters.map(\.values) == b.parameters.map(\.values))
        #expect(r1 == r2)
    }
}
