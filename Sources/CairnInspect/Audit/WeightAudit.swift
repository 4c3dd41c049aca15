import CairnFormat
import CairnModel

/// The audit of a model's weights alone (no forward pass): symmetric units per layer, classified as locked or
/// duplicate; constant-initialised weights; non-finite values; the scale of every weight against He and
/// Xavier. Reads one layer at a time (its weight and bias), then each consumer weight once more to compare
/// outgoing columns.
public enum WeightAudit {
    public struct Options: Sendable {
        /// 0: bit-for-bit equal rows (`-0 == +0`); above 0: max-abs difference at most this.
        public var tolerance: Float = 0
        /// Threads for hashing rows and summing tensors.
        public var threads: Int = 2
        /// Scale more than this many times away from both He and Xavier is a finding before training.
        public var scaleLimit: Double = 3
        /// `--layers`: glob patterns of the weights that form a chain, replacing the graph's layers.
        public var chain: [String] = []
        /// The activation between the layers of a `chain`.
        public var chainActivation: NodeKind = .relu

        public init(tolerance: Float = 0, threads: Int = 2) {
            self.tolerance = tolerance
            self.threads = threads
        }
    }

    /// Audits `input`; with `baseline` (the run's `init.cairn`), each group says whether it was already
    /// there. Throws the input's read errors.
    public static func run(
        _ input: AuditInput, options: Options = Options(),
        baseline: AuditInput? = nil
    ) throws -> AuditReport {
        var layers = input.graph.map { LayerPlan.layers(graph: $0, entries: input.entries) } ?? []
        if !options.chain.isEmpty {
            layers = try LayerPlan.layers(
                entries: input.entries, chain: options.chain,
                activation: options.chainActivation, path: input.path)
        } else if layers.isEmpty {
            layers = LayerPlan.layers(entries: input.entries)
        }
        var findings: [String] = [], notes: [String] = []
        var nonFinite: [NonFiniteCount] = []
        var covered = Set<String>()
        var representatives: [String: [Int32]] = [:]
        var reports: [LayerReport] = []
        var incomingGroups: [String: [[Int]]] = [:]

        func count(_ name: String, _ summary: TensorSummary) {
            if summary.nan + summary.infinite > 0 {
                nonFinite.append(NonFiniteCount(tensor: name, nan: summary.nan, infinite: summary.infinite))
            }
        }
        for layer in layers {
            guard let wi = input.index(of: layer.weightName) else { continue }
            let weight = try input.load(wi)
            let bias = try layer.biasName.flatMap(input.index(of:)).map(input.load) ?? nil
            guard weight.count == layer.units * layer.inputs, bias.map({ $0.count == layer.units }) ?? true else {
                throw CairnError.checkpoint(
                    path: input.path,
                    "\(layer.weightName) holds \(weight.count) values, "
                        + "not \(layer.units) x \(layer.inputs)")
            }
            covered.insert(layer.weightName)
            if let name = layer.biasName { covered.insert(name) }
            let summary = weight.withUnsafeBufferPointer { TensorSummary($0, threads: options.threads) }
            count(layer.weightName, summary)
            if let bias, let name = layer.biasName { count(name, bias.withUnsafeBufferPointer { TensorSummary($0) }) }
            let reps: [Int32] = weight.withUnsafeBufferPointer { w in
                let grouping = { (b: UnsafeBufferPointer<Float>?) in
                    RowGrouping.representatives(
                        RowMatrix(weights: w, bias: b, rows: layer.units, width: layer.inputs),
                        tolerance: options.tolerance, threads: options.threads)
                }
                return bias.map { $0.withUnsafeBufferPointer { grouping($0) } } ?? grouping(nil)
            }
            representatives[layer.name] = reps
            let biasValues = bias ?? []
            let spread =
                options.tolerance > 0
                ? nil
                : weight.withUnsafeBufferPointer { w in
                    biasValues.withUnsafeBufferPointer { b in
                        RowGrouping.roundingSpread(
                            RowMatrix(
                                weights: w, bias: bias == nil ? nil : b, rows: layer.units,
                                width: layer.inputs), representatives: reps)
                    }
                }
            if let spread {
                notes.append(
                    "\(layer.name): its distinct units differ from one another by at most "
                        + "\(AuditReport.number(Double(spread.absolute))) (float rounding, e.g. of blocked matrix "
                        + "products, not a real difference); --tolerance "
                        + "\(AuditReport.number(Double(spread.absolute) * 10)) makes them one group")
            }
            let groups = RowGrouping.groups(representatives: reps)
            incomingGroups[layer.name] = groups
            let scale = InitializationScale(
                fanIn: layer.fanIn, fanOut: layer.fanOut, activation: layer.activation,
                alpha: layer.alpha)
            let constant = layer.units * layer.inputs > 1 ? summary.constant : nil
            reports.append(
                LayerReport(
                    name: layer.name, weight: layer.weightName, units: layer.units, inputs: layer.inputs,
                    distinctUnits: layer.units - groups.reduce(0) { $0 + $1.count - 1 },
                    groups: groups.map { UnitGroup(kind: "duplicate", units: $0) },
                    activation: layer.activation.rawValue, consumers: layer.consumers, constant: constant,
                    weightStd: summary.std, heStd: scale.he, xavierStd: scale.xavier,
                    scale: scale.verdict(std: summary.std, limit: options.scaleLimit),
                    scaleFactor: scale.factor(std: summary.std), kind: layer.isConvolution ? layer.kind.rawValue : nil))
        }
        // Every other float tensor: non-finite values only.
        for (index, entry) in input.entries.enumerated()
        where !covered.contains(entry.name)
            && [.f32, .f64, .f16, .bf16].contains(entry.dtype)
        {
            let values = try input.load(index)
            count(entry.name, values.withUnsafeBufferPointer { TensorSummary($0, threads: options.threads) })
        }
        try classify(
            &reports, layers: layers, groups: incomingGroups, representatives: representatives,
            input: input, tolerance: options.tolerance)
        if let baseline {
            try markOrigins(&reports, baseline: baseline, options: options)
        }
        describe(reports, layers: layers, input: input, nonFinite: nonFinite, findings: &findings, notes: &notes)
        return AuditReport(
            file: input.path, format: input.format, graphOrigin: input.graphOrigin,
            beforeTraining: input.beforeTraining, tolerance: Double("\(options.tolerance)") ?? 0,
            layers: reports, nonFinite: nonFinite, findings: findings, notes: notes)
    }

    /// Locked or duplicate: the output layer's groups stay duplicates; elsewhere a group is locked when every
    /// consumer's columns (column blocks, for a convolution's channels) of its members are equal, every
    /// batch-norm on the way has equal scale, shift and running statistics for them, and every layer summed
    /// with it by an `add` node has the members in one group too.
    static func classify(
        _ reports: inout [LayerReport], layers: [AuditedLayer], groups: [String: [[Int]]],
        representatives: [String: [Int32]], input: AuditInput, tolerance: Float
    ) throws {
        var classes: [String: [[Int]]] = [:]
        for layer in layers where !(groups[layer.name] ?? []).isEmpty {
            guard layer.consumers != nil, !layer.feedsLoss else { continue }
            var current = groups[layer.name]!
            for partner in layer.addPartners {
                guard let reps = representatives[partner], reps.count == layer.units else { current = []; break }
                current = OutgoingSymmetry.refine(current, sameAs: reps)
            }
            for norm in layer.channelNorms where !current.isEmpty {
                current = try refine(current, channelNorm: norm, units: layer.units, input: input, tolerance: tolerance)
            }
            classes[layer.name] = current
        }
        // A consumer whose weight is not audited (missing, or of another shape) cannot vouch for a lock.
        let audited = Set(layers.map(\.name))
        for layer in layers where (layer.consumers ?? []).contains(where: { !audited.contains($0) }) {
            if classes[layer.name] != nil { classes[layer.name] = [] }
        }
        // Each consumer weight is read once, and refines the classes of every layer it reads from.
        let consumerNames = Set(layers.flatMap { classes[$0.name] == nil ? [] : ($0.consumers ?? []) })
        for consumer in layers where consumerNames.contains(consumer.name) {
            guard let index = input.index(of: consumer.weightName) else {
                for layer in layers where layer.consumers?.contains(consumer.name) == true {
                    if classes[layer.name] != nil { classes[layer.name] = [] }
                }
                continue
            }
            let weight = try input.load(index)
            for layer in layers where layer.consumers?.contains(consumer.name) == true && classes[layer.name] != nil {
                let block = layer.block(for: consumer.name)
                guard consumer.inputs == layer.units * block, weight.count == consumer.units * consumer.inputs else {
                    classes[layer.name] = []
                    continue
                }
                classes[layer.name] = weight.withUnsafeBufferPointer {
                    OutgoingSymmetry.refine(
                        classes[layer.name]!, weights: $0, rows: consumer.units,
                        columns: consumer.inputs, block: block, tolerance: tolerance)
                }
            }
        }
        for r in reports.indices {
            guard let locked = classes[reports[r].name], !locked.isEmpty else { continue }
            // Each class lies inside one group: find it by its first member.
            var groupOf: [Int: Int] = [:]
            for (g, group) in reports[r].groups.enumerated() { for unit in group.units { groupOf[unit] = g } }
            var inside: [Int: [[Int]]] = [:]
            for members in locked { if let g = groupOf[members[0]] { inside[g, default: []].append(members) } }
            for (g, subsets) in inside {
                if subsets.count == 1 && subsets[0].count == reports[r].groups[g].units.count {
                    reports[r].groups[g].kind = "locked"
                } else {
                    reports[r].groups[g].lockedSubsets = subsets.sorted { $0[0] < $1[0] }
                }
            }
        }
    }

    /// Refines `classes` by a batch-norm node's per-channel tensors: members stay together only where their
    /// channels' scale, shift, running mean and running variance are all equal (exactly, or within `tolerance`).
    /// A missing tensor, or one of another length, leaves no class.
    static func refine(
        _ classes: [[Int]], channelNorm node: String, units: Int, input: AuditInput,
        tolerance: Float
    ) throws -> [[Int]] {
        var stacked: [Float] = []
        for suffix in ["weight", "bias", "running_mean", "running_var"] {
            guard let index = input.index(of: node + "." + suffix) else { return [] }
            let values = try input.load(index)
            guard values.count == units else { return [] }
            stacked += values
        }
        return stacked.withUnsafeBufferPointer {
            OutgoingSymmetry.refine(classes, weights: $0, rows: 4, columns: units, tolerance: tolerance)
        }
    }

    /// With a baseline: `initial` when the group's units were already one group there, else `collapsed`.
    static func markOrigins(_ reports: inout [LayerReport], baseline: AuditInput, options: Options) throws {
        let before = try run(baseline, options: options)
        let byName = Dictionary(before.layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for r in reports.indices {
            guard let old = byName[reports[r].name], old.units == reports[r].units else {
                throw CairnError.incompatible(
                    path: baseline.path,
                    "has no layer \(reports[r].name) of \(reports[r].units) units to compare with")
            }
            var groupOf = [Int: Int]()
            for (g, group) in old.groups.enumerated() { for u in group.units { groupOf[u] = g } }
            for g in reports[r].groups.indices {
                let units = reports[r].groups[g].units
                let first = groupOf[units[0]]
                let together = first != nil && units.allSatisfy { groupOf[$0] == first }
                reports[r].groups[g].origin = together ? "initial" : "collapsed"
            }
        }
    }
}
