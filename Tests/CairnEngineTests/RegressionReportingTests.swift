@testable import CairnEngine
import CairnModel
import Testing

/// Regression reports in the targets' own units: R^2 as scikit-learn's `r2_score` computes it, and losses
/// weighted by the targets' variances without touching the gradients.
@Suite struct RegressionReportingTests {
    /// y = 2 x1 - x2 + 1 for one column, y = x1 for the other: a linear model with known weights.
    static func network() throws -> Network {
        let graph = GraphSpec.perceptron(
            inputs: 2, hidden: [], outputs: 2, activation: .identity, alpha: 0, dropout: 0,
            classification: false)
        let network = try Network(graph: graph, maxBatch: 8, threads: 1)
        try network.load(values: ["dense1.weight": [2, -1, 1, 0], "dense1.bias": [1, 0]])
        return network
    }

    static let inputs: [Float] = [0, 0, 1, 0, 0, 1, 2, 3, 1, 1]  // five rows
    /// Targets: the first column predicted with errors (0, 1, -1, 0, 2), the second exactly.
    static let targets: [Float] = [1, 0, 4, 1, -1, 0, 2, 2, 4, 1]

    @Test func r2MatchesTheDefinitionAveragedOverColumns() throws {
        let network = try Self.network()
        let r2 = try #require(
            Self.inputs.withUnsafeBufferPointer { x in
                Self.targets.withUnsafeBufferPointer {
                    network.coefficientOfDetermination(inputs: x, targets: $0, count: 5)
                }
            })
        // Column 1: targets 1, 4, -1, 2, 4 (mean 2, total 18), residuals 0, 1, -1, 0, 2 (sum of squares 6).
        // Column 2: targets 0, 1, 0, 2, 1, predicted exactly: R^2 1. scikit-learn: mean of (1 - 6/18) and 1.
        #expect(abs(r2 - ((1 - 6.0 / 18) + 1) / 2) < 1e-12)
    }

    @Test func reportedLossWeightsScaleTheLossNotTheGradient() throws {
        let network = try Self.network()
        var rng = RandomGenerator(seed: 1)
        func lossAndGradient() -> (Double, [Float]) {
            let loss = Self.inputs.withUnsafeBufferPointer { x in
                Self.targets.withUnsafeBufferPointer {
                    network.lossAndGradients(inputs: x, targets: .values($0), batch: 5, training: false, rng: &rng)
                }
            }
            return (loss, network.parameters[0].gradient)
        }
        let (plain, plainGradient) = lossAndGradient()
        #expect(abs(plain - 6.0 / 2 / 5) < 1e-6)  // (0 + 1 + 1 + 0 + 4) / 2 per row, mean over 5 rows
        network.reportedLossWeights = [9, 4]
        let (weighted, weightedGradient) = lossAndGradient()
        #expect(abs(weighted - 9 * 6.0 / 2 / 5) < 1e-5)
        #expect(weightedGradient == plainGradient)
    }
}
