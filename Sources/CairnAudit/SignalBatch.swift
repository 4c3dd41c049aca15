import CairnEngine
import CairnModel
import Foundation

/// The rows of one forward and backward pass: from `--data` (CSV with the checkpoint's label column, or NPY /
/// IDX features without labels), preprocessed as the checkpoint says, or standard-normal probes. Rows without
/// labels get random targets (uniform class ids, or standard-normal values), so the backward pass has a
/// gradient to carry.
struct SignalBatch {
    var features: [Float]
    var rows: Int
    var labels: [Int32]
    var values: [Float]
    var kind: String
    var file: String?

    static let maximumRows = 1024
    static let probeRows = 256

    static func load(
        data path: String?, graph: GraphSpec, task: TrainingTask, manifest: CheckpointManifest?,
        seed: UInt64
    ) throws -> SignalBatch {
        let width = graph.inputWidth
        let outputs = try graph.validate()[graph.output!.name]!
        var rng = RandomGenerator(seed: seed)
        var batch: SignalBatch
        if let path {
            let lower = path.lowercased()
            var labels: [Int32]? = nil, values: [Float]? = nil
            let features: [Float]
            var featureWidth: Int
            let isArray = lower.hasSuffix(".npy") || lower.contains(".idx") || lower.contains("-ubyte")
            if isArray {
                let shape: [Int]
                if lower.hasSuffix(".npy") {
                    let array = try NPYLoader.read(path: path)
                    (features, shape) = (array.values, array.shape)
                } else {
                    let array = try IDXLoader.read(path: path)
                    (features, shape) = (array.values, array.dimensions)
                }
                featureWidth = shape.count >= 2 ? try Dataset.sampleWidth(of: shape, path: path) : (shape.first ?? 0)
            } else {
                let set = try CSVLoader(labelColumn: manifest?.data.labelColumn, task: task).load(path: path)
                features = set.features
                featureWidth = set.width
                switch set.targets {
                case .labels(let l): labels = l
                case .values(let v, let columns):
                    guard columns == outputs else {
                        throw CairnError.incompatible(
                            path: path, "has \(columns) target columns, the model outputs \(outputs)")
                    }
                    values = v
                }
            }
            guard featureWidth == width else {
                throw CairnError.incompatible(
                    path: path, "has \(featureWidth) features per row, the model takes \(width)")
            }
            let rows = min(width > 0 ? features.count / width : 0, maximumRows)
            guard rows > 0 else { throw CairnError.data(path: path, "has no rows") }
            var kept = Array(features.prefix(rows * width))
            manifest?.preprocessing.apply(to: &kept, width: width)
            batch = SignalBatch(features: kept, rows: rows, labels: [], values: [], kind: "data", file: path)
            if let labels {
                guard !labels.prefix(rows).contains(where: { Int($0) >= outputs }) else {
                    throw CairnError.incompatible(path: path, "has labels outside the model's \(outputs) classes")
                }
                batch.labels = Array(labels.prefix(rows))
                return batch
            }
            if let values { batch.values = Array(values.prefix(rows * outputs)); return batch }
        } else {
            let rows = probeRows
            let features = (0..<rows * width).map { _ in rng.nextGaussian() }
            batch = SignalBatch(features: features, rows: rows, labels: [], values: [], kind: "probes", file: nil)
        }
        if task == .classification {
            batch.labels = (0..<batch.rows).map { _ in
                Int32(min(Int(rng.nextUniform() * Float(outputs)), outputs - 1))
            }
        } else {
            batch.values = (0..<batch.rows * outputs).map { _ in rng.nextGaussian() }
        }
        return batch
    }
}
