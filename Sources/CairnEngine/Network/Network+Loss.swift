#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CairnModel

extension Network {
    /// The summed (not yet averaged) loss of `batch` rows after a forward pass, and, when
    /// `gradientScale` is non-nil, the loss gradient times that scale written where backward starts.
    ///
    /// Classification: softmax cross-entropy from the logits (the softmax node's input), computed as
    /// `logsumexp(z) - z[label]`; gradient `(p - onehot) * scale` into the logits' gradient (the fused
    /// softmax head). Regression: `|y - t|^2 / 2` per row; gradient `(y - t) * scale`. Rows of a
    /// label outside `[0, width)` add NaN and get a zero gradient.
    ///
    /// When `rowLosses` is given, each row's loss is written there too (the summed loss is their sum, in
    /// row order).
    ///
    /// - Returns: the summed loss, and for classification the number of rows whose largest
    ///   probability is at the label (ties go to the lowest index).
    func lossSum(
        targets: Targets, batch: Int, gradientScale: Float?,
        rowLosses: UnsafeMutablePointer<Double>? = nil
    ) -> (loss: Double, correct: Int) {
        let last = nodes.count - 1
        let width = nodes[last].width
        switch (task, targets) {
        case (.classification, .labels(let labels)):
            precondition(labels.count >= batch, "fewer labels than batch rows")
            let logitsNode = edgeSources[nodes[last].firstEdge]
            let logits = values(of: logitsNode)
            let probabilities = UnsafePointer(outputs[last])
            let writesGradient = gradientScale != nil && nodes[logitsNode].needsGradient
            let scale = gradientScale ?? 0
            var total = 0.0
            var correct = 0
            for r in 0..<batch {
                let z = logits + r * width, p = probabilities + r * width
                let label = Int(labels[r])
                var best = 0
                var largest = z[0]
                for j in 1..<max(width, 1) where z[j] > largest {
                    largest = z[j]
                    best = j
                }
                guard label >= 0 && label < width else {
                    total += .nan
                    rowLosses?[r] = .nan
                    if writesGradient { (gradients[logitsNode] + r * width).update(repeating: 0, count: width) }
                    continue
                }
                if best == label { correct += 1 }
                var sum: Float = 0
                for j in 0..<width { sum += expf(z[j] - largest) }
                let rowLoss = Double(logf(sum) - (z[label] - largest))
                rowLosses?[r] = rowLoss
                total += rowLoss
                if writesGradient {
                    let d = gradients[logitsNode] + r * width
                    for j in 0..<width { d[j] = p[j] * scale }
                    d[label] = (p[label] - 1) * scale
                }
            }
            return (total, correct)
        case (.regression, .values(let values)):
            precondition(values.count >= batch * width, "fewer target values than batch rows x output width")
            let y = UnsafePointer(outputs[last])
            let writesGradient = gradientScale != nil && nodes[last].needsGradient
            let scale = gradientScale ?? 0
            let d = gradients[last]
            var total = 0.0
            let weights = reportedLossWeights.flatMap { $0.count == width ? $0 : nil }
            for r in 0..<batch {
                var rowSum: Float = 0
                for j in 0..<width {
                    let i = r * width + j
                    let e = y[i] - values[i]
                    rowSum += weights.map { $0[j] * e * e } ?? e * e
                    if writesGradient { d[i] = e * scale }
                }
                let rowLoss = Double(rowSum) / 2
                rowLosses?[r] = rowLoss
                total += rowLoss
            }
            return (total, 0)
        default:
            preconditionFailure("targets must be \(task == .classification ? ".labels" : ".values") for this graph")
        }
    }
}
