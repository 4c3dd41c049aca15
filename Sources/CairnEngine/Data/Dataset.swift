import CairnFormat

/// A table of samples in memory: features row-major `[count, width]` as Float, and either integer
/// class labels or real-valued regression targets.
public struct Dataset: Sendable {
    /// Where the samples came from (a path, or a description), for messages.
    public var source: String
    /// Row-major features, `count * width` values.
    public var features: [Float]
    /// Features per sample.
    public var width: Int
    /// The shape of one sample, outermost first: `[width]` for a feature vector, `[C, L]` for a sequence,
    /// `[C, H, W]` for an image. The storage stays row-major `[count, width]`; the product is `width`.
    public var sampleShape: [Int]
    /// What the samples are trained toward.
    public var targets: DatasetTargets

    /// A dataset whose samples have `sampleShape` (nil: `[width]`; its product must be `width`).
    public init(source: String, features: [Float], width: Int, targets: DatasetTargets, sampleShape: [Int]? = nil) {
        self.source = source
        self.features = features
        self.width = width
        self.targets = targets
        self.sampleShape = sampleShape ?? [width]
    }

    /// Whether a sample is a plain feature vector (`sampleShape == [width]`).
    public var hasFlatSamples: Bool { sampleShape == [width] }

    /// Values per sample of an array whose first extent counts the samples: the product of the other
    /// extents; `path` names the file when that product overflows (an empty array may declare any extents).
    public static func sampleWidth(of extents: [Int], path: String) throws -> Int {
        var width = 1
        for extent in extents.dropFirst() {
            let (product, overflow) = width.multipliedReportingOverflow(by: extent)
            guard !overflow, extent >= 0 else {
                throw CairnError.data(
                    path: path, "declares samples of shape \(Array(extents.dropFirst())), too many values")
            }
            width = product
        }
        return width
    }

    /// The number of samples.
    public var count: Int { width == 0 ? 0 : features.count / width }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int], source: String? = nil) -> Dataset {
        var rows = [Float]()
        rows.reserveCapacity(indices.count * width)
        features.withUnsafeBufferPointer { all in
            for i in indices { rows.append(contentsOf: all[(i * width)..<((i + 1) * width)]) }
        }
        let picked: DatasetTargets
        switch targets {
        case .labels(let labels): picked = .labels(indices.map { labels[$0] })
        case .values(let values, let columns):
            var out = [Float]()
            out.reserveCapacity(indices.count * columns)
            for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
            picked = .values(out, columns: columns)
        }
        return Dataset(
            source: source ?? self.source, features: rows, width: width, targets: picked, sampleShape: sampleShape)
    }
}

/// The training targets of a `Dataset`.
public enum DatasetTargets: Sendable, Equatable {
    /// Class ids, 0-based.
    case labels([Int32])
    /// Row-major real targets, `columns` per sample.
    case values([Float], columns: Int)

    /// Class ids from label values read as numbers; each must be a whole number from 0 (below a
    /// million). `path` names the labels file in errors.
    public static func classIDs(_ values: [Float], path: String) throws -> [Int32] {
        var ids = [Int32]()
        ids.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v >= 0, v == v.rounded(), v < 1_000_000 else {
                throw CairnError.data(path: path, "label \(i) (\(v)) is not a class id")
            }
            ids.append(Int32(v))
        }
        return ids
    }

    /// The number of classes (largest label + 1), or the number of target columns.
    public var outputWidth: Int {
        switch self {
        case .labels(let labels): return Int(labels.max() ?? -1) + 1
        case .values(_, let columns): return columns
        }
    }
}
