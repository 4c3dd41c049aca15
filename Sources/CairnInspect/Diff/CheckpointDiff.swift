import CairnFormat
import CairnModel
import Foundation

/// Compares two model files: structure, training state and every tensor in scope, streaming the
/// tensors piece by piece on all cores (see `StreamingTensorComparison`). The one comparison behind
/// `cairn-diff` and `cairn-resume --verify`.
public enum CheckpointDiff {
    /// Compares `a` (the reference, NumPy's `a`) with `b`. Throws when a file is unreadable or damaged
    /// (the error names the file, the tensor and the chunk), never reporting damage as a difference: tensors
    /// in scope that are not compared (added, removed, reshaped) are read through too.
    public static func compare(_ a: DiffInput, _ b: DiffInput, options: DiffOptions) throws -> DiffReport {
        let inScope = { (role: TensorRole) in options.includeAll || role == .parameter }
        let entriesA = a.source.entries, entriesB = b.source.entries
        let indexA = Dictionary(entriesA.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let indexB = Dictionary(entriesB.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let pool = DiffScratchPool()
        var tensors: [TensorDifference] = []
        var neurons: [NeuronChanges] = []
        var outOfScope = 0
        // Comparisons of `.cairn` tensors waiting to run together (see `StreamingTensorComparison.run(_:)`),
        // at most `batchPieces` pieces: run, and their errors thrown in file order, before any other step.
        var batch: [(entry: TensorDifference, shape: [Int], comparison: StreamingTensorComparison)] = []
        var batchedPieces = 0
        func runBatch() throws {
            let outcomes = StreamingTensorComparison.run(batch.map(\.comparison))
            for ((entry, shape, _), outcome) in zip(batch, outcomes) {
                let outcome = try outcome.get()
                var entry = entry
                entry.record(outcome.accumulator, shape: shape, chunksKnownEqual: outcome.chunksKnownEqual)
                tensors.append(entry)
            }
            batch = []
            batchedPieces = 0
        }
        for (i, x) in entriesA.enumerated() {
            guard let j = indexB[x.name] else {
                if inScope(x.role) {
                    try runBatch()
                    try TensorRangeReader(source: a.source, index: i).check(pool: pool)
                    tensors.append(
                        TensorDifference(
                            name: x.name, status: .removed, role: x.role.rawValue, dtypeA: x.dtype.name, dtypeB: nil,
                            shapeA: x.shape, shapeB: nil))
                } else {
                    outOfScope += 1
                }
                continue
            }
            let y = entriesB[j]
            guard inScope(x.role) || inScope(y.role) else {
                outOfScope += 1
                continue
            }
            var entry = TensorDifference(
                name: x.name, status: .same, role: x.role.rawValue, dtypeA: x.dtype.name, dtypeB: y.dtype.name,
                shapeA: x.shape, shapeB: y.shape)
            // Comparisons of two `.cairn` files run in batches (not with --neurons, which reads each pair again).
            let batched = !options.neurons && a.source is CairnTensorSource && b.source is CairnTensorSource
            if x.shape != y.shape || !batched { try runBatch() }
            if x.shape != y.shape {
                entry.status = .reshaped
                try TensorRangeReader(source: a.source, index: i).check(pool: pool)
                try TensorRangeReader(source: b.source, index: j).check(pool: pool)
            } else {
                if x.dtype != y.dtype { entry.status = .dtypeChanged }
                let readerA: TensorRangeReader, readerB: TensorRangeReader
                do {
                    readerA = try TensorRangeReader(source: a.source, index: i)
                    readerB = try TensorRangeReader(source: b.source, index: j)
                } catch {
                    try runBatch()
                    throw error
                }
                let comparison = StreamingTensorComparison(
                    a: readerA, b: readerB, tolerance: options.tolerance, pool: pool, threads: options.threads)
                if batched, let chunksA = readerA.cairnChunks, let chunksB = readerB.cairnChunks {
                    batch.append((entry, x.shape, comparison))
                    batchedPieces += max(chunksA.count, chunksB.count, 1)
                    if batchedPieces >= Self.batchPieces { try runBatch() }
                    continue
                }
                try runBatch()
                let outcome = try comparison.run()
                entry.record(outcome.accumulator, shape: x.shape, chunksKnownEqual: outcome.chunksKnownEqual)
                if options.neurons && x.shape.count >= 2 && x.name.hasSuffix(".weight") && entry.status != .same {
                    neurons.append(try NeuronChanges.measure(readerA, readerB, top: options.top, pool: pool))
                }
            }
            tensors.append(entry)
        }
        try runBatch()
        for (j, y) in entriesB.enumerated() where indexA[y.name] == nil {
            if inScope(y.role) {
                try TensorRangeReader(source: b.source, index: j).check(pool: pool)
                tensors.append(
                    TensorDifference(
                        name: y.name, status: .added, role: y.role.rawValue, dtypeA: nil, dtypeB: y.dtype.name,
                        shapeA: nil, shapeB: y.shape))
            } else {
                outOfScope += 1
            }
        }

        let structure = StructureComparison.graphChanges(a, b)
        let fields = StructureComparison.fieldChanges(
            a.checkpointManifest, b.checkpointManifest,
            trainingCounts: options.includeAll || options.strict, metadataCounts: options.strict)
        var notes: [String] = []
        if outOfScope > 0 {
            notes.append("\(outOfScope) optimiser slots and buffers not compared (--all compares them)")
        }
        for side in [a, b] where side.graphOrigin == "inferred" {
            notes.append("\(side.path): graph inferred from the tensor names and shapes; graph changes do not count")
        }
        if (a.checkpointManifest == nil) != (b.checkpointManifest == nil) {
            let which = a.checkpointManifest == nil ? b.path : a.path
            notes.append("only \(which) is a training checkpoint: training state not compared")
        }
        var matching: NeuronMatching? = nil
        if options.matchNeurons { matching = try match(a, b) }

        let identical =
            !structure.contains(where: \.counts) && !fields.training.contains(where: \.counts)
            && !fields.metadata.contains(where: \.counts) && !tensors.contains(where: \.differs)
        return DiffReport(
            a: a.path, b: b.path, tolerance: options.tolerance, scope: options.includeAll ? "all" : "parameters",
            strict: options.strict, identical: identical, structure: structure, training: fields.training,
            metadata: fields.metadata, tensors: ordered(tensors), neurons: options.neurons ? neurons : nil,
            matching: matching, notes: notes)
    }

    /// The most pieces (chunks) compared in one parallel loop: bounds the memory of their results whatever
    /// the model size.
    static let batchPieces = 1024

    /// Largest changes first: reshaped, removed, added, then changed and dtype-changed tensors by the
    /// fraction of elements outside tolerance and relative change, then the same tensors in file order.
    static func ordered(_ tensors: [TensorDifference]) -> [TensorDifference] {
        func rank(_ t: TensorDifference) -> Int {
            switch t.status {
            case .reshaped: return 0
            case .removed: return 1
            case .added: return 2
            case .changed, .dtypeChanged: return t.mismatched ?? 0 > 0 ? 3 : 4
            case .same: return 5
            }
        }
        func size(_ value: Double?) -> Double { value.map { $0.isNaN ? .infinity : $0 } ?? 0 }
        return tensors.enumerated().sorted { left, right in
            let (x, y) = (left.element, right.element)
            if rank(x) != rank(y) { return rank(x) < rank(y) }
            if rank(x) == 3 || rank(x) == 4 {
                if size(x.mismatchedFraction) != size(y.mismatchedFraction) {
                    return size(x.mismatchedFraction) > size(y.mismatchedFraction)
                }
                if size(x.relL2) != size(y.relL2) { return size(x.relL2) > size(y.relL2) }
            }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// The dense layers of a file in graph order (else file order): weight `[units, inputs]` and bias.
    static func denseLayerNames(_ input: DiffInput) throws -> [(weight: String, bias: String?)] {
        let entries = Dictionary(input.source.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if let graph = input.graph {
            if let join = graph.nodes.first(where: { $0.kind == .add }) {
                throw CairnError.incompatible(
                    path: input.path, "--match-neurons aligns chains of dense layers; node \(join.name) joins two paths"
                )
            }
            return graph.nodes.filter { [.dense, .conv1d, .conv2d].contains($0.kind) }.map { node in
                (node.name + ".weight", entries[node.name + ".bias"] != nil ? node.name + ".bias" : nil)
            }
        }
        return input.source.entries.filter {
            $0.shape.count >= 2 && $0.name.hasSuffix(".weight") && $0.role == .parameter
        }.map { entry in
            let bias = String(entry.name.dropLast(".weight".count)) + ".bias"
            return (entry.name, entries[bias] != nil ? bias : nil)
        }
    }

    /// `--match-neurons`: loads the dense layers of both files and aligns them.
    static func match(_ a: DiffInput, _ b: DiffInput) throws -> NeuronMatching {
        let names = try denseLayerNames(a)
        guard !names.isEmpty else {
            throw CairnError.incompatible(
                path: a.path, "--match-neurons found no dense or convolution layers (.weight tensors of rank 2 or more)"
            )
        }
        func load(_ input: DiffInput) throws -> [NeuronMatching.DenseLayer] {
            var layers: [NeuronMatching.DenseLayer] = []
            for (weightName, biasName) in names {
                guard let weight = try values(input, weightName),
                    let shape = input.source.entries.first(where: { $0.name == weightName })?.shape,
                    shape.count >= 2
                else {
                    throw CairnError.incompatible(
                        path: input.path, "--match-neurons: no tensor \(weightName) of rank 2 or more")
                }
                // A unit's incoming weights: everything after the first axis (a filter's `in x k...`).
                let inputs = shape.dropFirst().reduce(1, *)
                let bias = try biasName.flatMap { try values(input, $0) } ?? []
                guard bias.isEmpty || bias.count == shape[0] else {
                    throw CairnError.incompatible(
                        path: input.path, "--match-neurons: \(biasName ?? "bias") does not have \(shape[0]) values")
                }
                // Each unit of the layer before feeds a block of inputs: 1 column (dense), a filter's kernel
                // taps (convolution), or its flattened positions (dense after a flatten).
                if let previous = layers.last, previous.units == 0 || shape[1] % previous.units != 0 {
                    throw CairnError.incompatible(
                        path: input.path,
                        "--match-neurons: \(weightName) takes \(shape[1]) inputs, the layer before has \(previous.units) units"
                    )
                }
                layers.append(.init(name: weightName, units: shape[0], inputs: inputs, weight: weight, bias: bias))
            }
            return layers
        }
        let layersA = try load(a), layersB = try load(b)
        for (x, y) in zip(layersA, layersB)
        where x.units != y.units || x.inputs != y.inputs || x.bias.count != y.bias.count {
            throw CairnError.incompatible(
                path: b.path,
                "--match-neurons: \(y.name) is [\(y.units), \(y.inputs)], [\(x.units), \(x.inputs)] in \(a.path)")
        }
        return NeuronMatching.align(layersA, layersB)
    }

    /// A whole tensor as doubles (nil when the file has no tensor of that name).
    static func values(_ input: DiffInput, _ name: String) throws -> [Double]? {
        guard let index = input.source.entries.firstIndex(where: { $0.name == name }) else { return nil }
        let entry = input.source.entries[index]
        let bytes = try input.source.load(index)
        return [Double](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
            bytes.withUnsafeBytes {
                ElementConversion.doubles(
                    entry.dtype, $0, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<entry.elementCount]))
            }
            initialized = entry.elementCount
        }
    }
}
