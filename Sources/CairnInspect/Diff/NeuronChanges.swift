import CairnFormat
import Foundation

/// `--neurons`: for one weight whose first axis is its output units (a dense weight `[units, inputs]`, or a
/// convolution's `[filters, in, k...]`, each filter one unit), the units whose incoming weights moved most,
/// by row-wise relative change ||a_r - b_r|| / ||a_r||. Computed piece by piece, as tensors are.
public struct NeuronChanges: Sendable, Codable, Equatable {
    /// One output unit.
    public struct Unit: Sendable, Codable, Equatable {
        /// The row of the weight.
        public var index: Int
        /// ||a_r - b_r|| / ||a_r|| (infinity when the row was all zero in the first file and is not in the second).
        public var relativeChange: Double
        /// ||a_r - b_r||.
        public var change: Double

        private enum CodingKeys: String, CodingKey { case index, relativeChange = "rel_change", change }
    }

    /// The weight tensor.
    public var tensor: String
    public var units: Int
    public var inputs: Int
    /// Units with any change at all.
    public var changedUnits: Int
    /// The units that moved most, largest first (at most the `--top` asked for).
    public var top: [Unit]

    private enum CodingKeys: String, CodingKey { case tensor, units, inputs, changedUnits = "changed_units", top }

    /// Row-wise changes of a tensor of rank 2 or more held by both files with the same shape (rows: the
    /// first axis; a row: everything after it).
    static func measure(
        _ a: TensorRangeReader, _ b: TensorRangeReader, top: Int, pool: DiffScratchPool
    ) throws -> NeuronChanges {
        let rows = a.entry.shape[0], columns = a.entry.shape.dropFirst().reduce(1, *)
        let rowsPerPiece = max(1, StreamingTensorComparison.blockElements / max(columns, 1))
        let starts = Array(stride(from: 0, to: rows, by: rowsPerPiece))
        var squaredChange = [Double](repeating: 0, count: rows), squaredA = [Double](repeating: 0, count: rows)
        var failures = [Error?](repeating: nil, count: starts.count)
        squaredChange.withUnsafeMutableBufferPointer { change in
            squaredA.withUnsafeMutableBufferPointer { norm in
                failures.withUnsafeMutableBufferPointer { failed in
                    // Piece `piece` writes only its own rows of `change` and `norm` and its own `failed` slot;
                    // all pieces end before the buffers are read.
                    nonisolated(unsafe) let change = change, norm = norm, failed = failed
                    DispatchQueue.concurrentPerform(iterations: starts.count) { piece in
                        let scratch = pool.take()
                        defer { pool.put(scratch) }
                        let first = starts[piece], last = min(first + rowsPerPiece, rows)
                        let n = (last - first) * columns
                        do {
                            let bytesA = scratch.bytesA(n * a.entry.dtype.byteSize),
                                bytesB = scratch.bytesB(n * b.entry.dtype.byteSize)
                            try a.read(at: first * columns * a.entry.dtype.byteSize, into: bytesA, scratch: scratch)
                            try b.read(at: first * columns * b.entry.dtype.byteSize, into: bytesB, scratch: scratch)
                            let x = scratch.doublesA(n), y = scratch.doublesB(n)
                            ElementConversion.doubles(a.entry.dtype, UnsafeRawBufferPointer(bytesA), into: x)
                            ElementConversion.doubles(b.entry.dtype, UnsafeRawBufferPointer(bytesB), into: y)
                            for row in first..<last {
                                var sumChange = 0.0, sumA = 0.0
                                for k in ((row - first) * columns)..<((row - first + 1) * columns) {
                                    let d = x[k] - y[k]
                                    sumChange += d * d
                                    sumA += x[k] * x[k]
                                }
                                change[row] = sumChange
                                norm[row] = sumA
                            }
                        } catch {
                            failed[piece] = error
                        }
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        try a.finish()
        try b.finish()
        var units: [Unit] = []
        for row in 0..<rows where squaredChange[row] != 0 {
            let change = squaredChange[row].squareRoot()
            units.append(
                Unit(
                    index: row, relativeChange: squaredA[row] > 0 ? change / squaredA[row].squareRoot() : .infinity,
                    change: change))
        }
        let changed = units.count
        units.sort {
            ($0.relativeChange.isNaN ? -1 : $0.relativeChange, -$0.index) > (
                $1.relativeChange.isNaN ? -1 : $1.relativeChange, -$1.index
            )
        }
        return NeuronChanges(
            tensor: a.entry.name, units: rows, inputs: columns, changedUnits: changed, top: Array(units.prefix(top)))
    }
}
