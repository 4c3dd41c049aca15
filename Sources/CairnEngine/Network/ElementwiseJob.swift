import CCairnKernels

/// One element-wise pass of a network node (an `ElementwiseKernels` loop) split across a team: by
/// elements in whole eight-float chunks, by rows (bias add, softmax) or by columns (bias-gradient
/// sums, each column still summed over its rows in order). Every element gets the same arithmetic
/// whatever the split, so the result does not depend on the thread count.
struct ElementwiseJob: TeamJob {
    enum Operation {
        /// `out = a > 0 ? a : alpha * a`.
        case leakyReLU(alpha: Float)
        /// `out (+)= a > 0 ? b : alpha * b` (a: the input, b: the output gradient).
        case leakyReLUBackward(alpha: Float, accumulate: Bool)
        case tanh
        case sigmoid
        /// `out (+)= b * f'(a)` from the outputs `a` of tanh or sigmoid.
        case smoothBackward(tanh: Bool, accumulate: Bool)
        /// `out (+)= a * b` (dropout's mask).
        case multiply(accumulate: Bool)
        /// `out (+)= scale * a`.
        case scaledCopy(scale: Float, accumulate: Bool)
        /// `out[r] += a` for each row of `width` (a: the bias); split by rows.
        case addToEachRow(width: Int)
        /// Row-wise softmax of rows of `width`; split by rows.
        case softmax(width: Int)
        /// `out = column sums of a` (`rows` rows, `stride` floats apart); split by columns.
        case columnSums(rows: Int, stride: Int)
    }

    /// Parts with less work than this many floats run on the calling thread alone.
    static let floatsPerPart = 1 << 15

    var operation: Operation
    var a: UnsafePointer<Float>
    var b: UnsafePointer<Float>
    var out: UnsafeMutablePointer<Float>
    var split: Split

    /// Splits `count` items (elements; rows for the row operations; columns for `columnSums`) for `team`.
    init(
        _ operation: Operation, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>? = nil,
        into out: UnsafeMutablePointer<Float>, count: Int, team: ThreadTeam
    ) {
        self.operation = operation
        self.a = a
        self.b = b ?? a
        self.out = out
        switch operation {
        case .addToEachRow(let width), .softmax(let width):
            split = team.split(count, minimumPerPart: max(1, Self.floatsPerPart / max(width, 1)))
        case .columnSums(let rows, _):
            split = team.split(
                count, granule: Lanes.width, minimumPerPart: max(Lanes.width, Self.floatsPerPart / max(rows, 1)))
        default:
            split = team.split(count, granule: Lanes.width, minimumPerPart: Self.floatsPerPart)
        }
    }

    func run(part: Int) {
        let range = split.range(part)
        guard !range.isEmpty else { return }
        let i = range.lowerBound, n = range.count
        switch operation {
        case .leakyReLU(let alpha):
            ElementwiseKernels.leakyReLU(a + i, out + i, count: n, alpha: alpha)
        case .leakyReLUBackward(let alpha, let accumulate):
            ElementwiseKernels.leakyReLUBackward(
                x: a + i, outputGradient: b + i, inputGradient: out + i, count: n,
                alpha: alpha, accumulate: accumulate)
        case .tanh:
            ElementwiseKernels.tanh(a + i, out + i, count: n)
        case .sigmoid:
            ElementwiseKernels.sigmoid(a + i, out + i, count: n)
        case .smoothBackward(let isTanh, let accumulate):
            ElementwiseKernels.smoothBackward(
                tanh: isTanh, y: a + i, outputGradient: b + i, inputGradient: out + i,
                count: n, accumulate: accumulate)
        case .multiply(let accumulate):
            ElementwiseKernels.multiply(a + i, b + i, into: out + i, count: n, accumulate: accumulate)
        case .scaledCopy(let scale, let accumulate):
            ElementwiseKernels.scaledCopy(a + i, into: out + i, count: n, scale: scale, accumulate: accumulate)
        case .addToEachRow(let width):
            ElementwiseKernels.addToEachRow(a, out + i * width, rows: n, width: width)
        case .softmax(let width):
            ElementwiseKernels.softmax(a + i * width, out + i * width, rows: n, width: width)
        case .columnSums(let rows, let stride):
            ElementwiseKernels.columnSums(a + i, rows: rows, width: n, rowStride: stride, into: out + i)
        }
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: ElementwiseJob.self).pointee.run(part: part) }
    }
}

extension Network {
    /// Runs one element-wise pass on the network's team (see `ElementwiseJob` for what `count` counts).
    @inline(__always)
    func elementwise(
        _ operation: ElementwiseJob.Operation, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>? = nil,
        into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        team.run(ElementwiseJob(operation, a, b, into: out, count: count, team: team))
    }
}
