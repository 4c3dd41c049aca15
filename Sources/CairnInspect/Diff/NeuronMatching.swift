import CairnFormat
import CairnModel

/// `--match-neurons`: the hidden units of two independently trained networks aligned layer by layer
/// (weight matching, as in Git Re-Basin, Ainsworth et al. 2022). A convolution's units are its filters, whose
/// incoming weights are `in x k...` and whose outputs reach the next layer as blocks of columns; batch-norm
/// parameters between layers are not part of the alignment. For each hidden layer, B's
/// units are assigned to A's by the optimal assignment (`HungarianAssignment`) maximising the sum of
/// the dot products of their incoming weights and bias (with the columns already permuted by the
/// previous layer's assignment); the permutation is then carried into the next layer's columns.
/// The output layer's units are not permuted (they are the outputs), only its columns.
public struct NeuronMatching: Sendable, Codable, Equatable {
    /// One dense layer after alignment.
    public struct Layer: Sendable, Codable, Equatable {
        /// The layer's weight tensor.
        public var weight: String
        public var units: Int
        /// `permutation[i]` is the unit of the second file matched to unit `i` of the first (the identity
        /// for the output layer).
        public var permutation: [Int]
        /// Whether the units were permuted (false for the output layer).
        public var permuted: Bool
        /// Units whose incoming weights and bias have cosine similarity above 0.9 after alignment.
        public var matchedAbove09: Int
        /// ||A - B|| / ||A|| over weight and bias before and after alignment.
        public var residualBefore: Double
        public var residualAfter: Double

        private enum CodingKeys: String, CodingKey {
            case weight, units, permutation, permuted, matchedAbove09 = "matched_cosine_above_0_9"
            case residualBefore = "residual_before", residualAfter = "residual_after"
        }
    }

    public var layers: [Layer]
    /// ||A - B|| / ||A|| over all the layers' weights and biases after alignment.
    public var residual: Double

    /// A dense layer's weight `[units, inputs]` and bias `[units]` (empty when it has none), as doubles.
    struct DenseLayer {
        var name: String
        var units: Int
        var inputs: Int
        var weight: [Double]
        var bias: [Double]

        func row(_ unit: Int) -> ArraySlice<Double> { weight[(unit * inputs)..<((unit + 1) * inputs)] }

        /// The layer with its units reordered (`permutation[i]` becomes unit i) and its columns reordered.
        func reordered(units permutation: [Int]?, columns: [Int]?) -> DenseLayer {
            var result = self
            for i in 0..<units {
                let source = permutation?[i] ?? i
                for j in 0..<inputs { result.weight[i * inputs + j] = weight[source * inputs + (columns?[j] ?? j)] }
                if !bias.isEmpty { result.bias[i] = bias[source] }
            }
            return result
        }
    }

    /// Aligns `b`'s layers to `a`'s. Both lists are the same chain of dense layers with equal shapes.
    static func align(_ a: [DenseLayer], _ b: [DenseLayer]) -> NeuronMatching {
        var layers: [Layer] = []
        var carried: [Int]? = nil
        var totalDifference = 0.0, totalNorm = 0.0
        for (index, (x, y)) in zip(a, b).enumerated() {
            let columnsAligned = y.reordered(units: nil, columns: carried.map { Self.columns($0, inputs: y.inputs) })
            let isOutput = index == a.count - 1
            var permutation = Array(0..<x.units)
            if !isOutput {
                var score = [Double](repeating: 0, count: x.units * x.units)
                for i in 0..<x.units {
                    let rowA = x.row(i)
                    for k in 0..<x.units {
                        var dot = 0.0
                        for (p, q) in zip(rowA, columnsAligned.row(k)) { dot += p * q }
                        if !x.bias.isEmpty { dot += x.bias[i] * columnsAligned.bias[k] }
                        score[i * x.units + k] = dot
                    }
                }
                permutation = HungarianAssignment.maximumScore(score, n: x.units)
            }
            let aligned = columnsAligned.reordered(units: permutation, columns: nil)
            let before = difference(x, y), after = difference(x, aligned)
            totalDifference += after.difference
            totalNorm += after.norm
            var matched = 0
            for i in 0..<x.units where cosine(x, aligned, unit: i) > 0.9 { matched += 1 }
            layers.append(
                Layer(
                    weight: x.name, units: x.units, permutation: permutation, permuted: !isOutput,
                    matchedAbove09: matched,
                    residualBefore: before.relative, residualAfter: after.relative))
            carried = isOutput ? nil : permutation
        }
        let residual =
            totalDifference == 0 ? 0 : (totalNorm > 0 ? (totalDifference / totalNorm).squareRoot() : .infinity)
        return NeuronMatching(layers: layers, residual: residual)
    }

    /// The column order that moves whole blocks of inputs by a unit permutation of the layer before: each of
    /// its units feeds `inputs / units` contiguous columns (1 for dense layers, a filter's kernel taps for a
    /// convolution, the flattened positions for a dense layer after a flatten).
    static func columns(_ permutation: [Int], inputs: Int) -> [Int] {
        let block = inputs / max(permutation.count, 1)
        return (0..<inputs).map { permutation[$0 / block] * block + $0 % block }
    }

    /// Squared difference, squared norm of `x`, and their relative L2 ratio, over weight and bias.
    private static func difference(
        _ x: DenseLayer, _ y: DenseLayer
    ) -> (difference: Double, norm: Double, relative: Double) {
        var squared = 0.0, norm = 0.0
        for (p, q) in zip(x.weight + x.bias, y.weight + y.bias) {
            squared += (p - q) * (p - q)
            norm += p * p
        }
        return (squared, norm, squared == 0 ? 0 : (norm > 0 ? (squared / norm).squareRoot() : .infinity))
    }

    /// The cosine of unit `i`'s incoming weights and bias in `x` and `y` (1 when both are zero).
    private static func cosine(_ x: DenseLayer, _ y: DenseLayer, unit i: Int) -> Double {
        var dot = 0.0, nx = 0.0, ny = 0.0
        for (p, q) in zip(x.row(i), y.row(i)) {
            dot += p * q
            nx += p * p
            ny += q * q
        }
        if !x.bias.isEmpty {
            dot += x.bias[i] * y.bias[i]
            nx += x.bias[i] * x.bias[i]
            ny += y.bias[i] * y.bias[i]
        }
        if nx == 0 && ny == 0 { return 1 }
        return nx > 0 && ny > 0 ? dot / (nx.squareRoot() * ny.squareRoot()) : 0
    }
}
