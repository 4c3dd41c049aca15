import CairnModel

/// The two loops that turn a convolution into a matrix product (im2col) and back (col2im), on a tile
/// of `samples` consecutive samples.
///
/// The lowered matrix is `[K, samples * P]` row-major, `K = C_in * kh * kw` rows in weight order
/// `(c, i, j)` and one column per output position `(s, oh, ow)`: element `(r, s * P + oh * W_out + ow)` is
/// the input value tap `(i, j)` of channel `c` sees at output position `(oh, ow)` of sample `s`, or 0 in
/// the padding. Then `W[O, K] * columns[K, samples * P]` is every output of the tile.
enum ConvolutionLowering {
    /// Output positions `o` in `0..<outputs` whose input index `o * stride + offset` lies in `0..<input`.
    @inline(__always)
    static func validOutputs(_ outputs: Int, stride: Int, offset: Int, input: Int) -> Range<Int> {
        let low = offset >= 0 ? 0 : min(outputs, (-offset + stride - 1) / stride)
        let top = input - 1 - offset
        let high = top < 0 ? 0 : min(outputs, top / stride + 1)
        return low..<max(low, high)
    }

    /// Writes the lowered rows and samples of `items` (item `r * samples + s`: row `r`, sample `s`) of the
    /// tile starting at `input` into `columns` (`[K, samples * P]`). A row's ranges are worked out once
    /// for all its samples.
    static func lower(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, samples: Int, items: Range<Int>,
        into columns: UnsafeMutablePointer<Float>
    ) {
        let positions = g.outputPositions
        let width = g.outputWidth
        let taps = g.kernelHeight * g.kernelWidth
        let planeSize = g.inputPositions
        let rowLength = samples * positions
        let sampleSize = g.inputSize
        var item = items.lowerBound
        while item < items.upperBound {
            let r = item / samples
            let firstSample = item % samples
            let lastSample = min(samples, firstSample + items.upperBound - item)
            item += lastSample - firstSample
            let c = r / taps
            let i = (r / g.kernelWidth) % g.kernelHeight
            let j = r % g.kernelWidth
            let rowOffset = i * g.dilationHeight - g.padTop
            let columnOffset = j * g.dilationWidth - g.padLeft
            let rows = validOutputs(g.outputHeight, stride: g.strideHeight, offset: rowOffset, input: g.inputHeight)
            let cols = validOutputs(width, stride: g.strideWidth, offset: columnOffset, input: g.inputWidth)
            let step = g.strideWidth
            let inputWidth = g.inputWidth
            let strideHeight = g.strideHeight
            let low = cols.lowerBound
            let high = cols.upperBound
            for s in firstSample..<lastSample {
                let destination = columns + r * rowLength + s * positions
                let plane = input + s * sampleSize + c * planeSize
                guard !rows.isEmpty, !cols.isEmpty else {
                    fill(destination, count: positions)
                    continue
                }
                fill(destination, count: rows.lowerBound * width)
                var out = destination + rows.lowerBound * width
                var source = plane + (rows.lowerBound * strideHeight + rowOffset) * inputWidth + columnOffset
                let sourceStep = strideHeight * inputWidth
                if step == 1 && low == 0 && high == width {
                    // A tap that sees no column padding: whole rows, the common case.
                    for _ in rows {
                        copy(source, out, count: width)
                        out += width
                        source += sourceStep
                    }
                } else {
                    for _ in rows {
                        for ow in 0..<low { out[ow] = 0 }
                        if step == 1 {
                            copy(source + low, out + low, count: high - low)
                        } else {
                            for ow in low..<high { out[ow] = source[ow * step] }
                        }
                        for ow in high..<width { out[ow] = 0 }
                        out += width
                        source += sourceStep
                    }
                }
                fill(destination + rows.upperBound * width, count: (g.outputHeight - rows.upperBound) * width)
            }
        }
    }

    /// Adds the lowered gradient `columns` (`[K, samples * P]`) back onto the input planes of `items`
    /// (item `s * C_in + c`: sample `s`, channel `c`) of the tile's input gradient `inputGradient`,
    /// overwriting each plane first unless `accumulate`. Each plane sums its taps in the fixed order
    /// `(i, j, oh, ow)`.
    static func accumulate(
        _ g: ConvolutionGeometry, columns: UnsafePointer<Float>, samples: Int, items: Range<Int>,
        into inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let positions = g.outputPositions
        let width = g.outputWidth
        let planeSize = g.inputPositions
        let rowLength = samples * positions
        for item in items {
            let s = item / g.inputChannels
            let c = item % g.inputChannels
            let plane = inputGradient + s * g.inputSize + c * planeSize
            if !accumulate { fill(plane, count: planeSize) }
            for i in 0..<g.kernelHeight {
                let rowOffset = i * g.dilationHeight - g.padTop
                let rows = validOutputs(g.outputHeight, stride: g.strideHeight, offset: rowOffset, input: g.inputHeight)
                for j in 0..<g.kernelWidth {
                    let columnOffset = j * g.dilationWidth - g.padLeft
                    let cols = validOutputs(width, stride: g.strideWidth, offset: columnOffset, input: g.inputWidth)
                    guard !cols.isEmpty else { continue }
                    let r = (c * g.kernelHeight + i) * g.kernelWidth + j
                    let source = columns + r * rowLength + s * positions
                    guard !rows.isEmpty else { continue }
                    var from = source + rows.lowerBound * width
                    var to = plane + (rows.lowerBound * g.strideHeight + rowOffset) * g.inputWidth + columnOffset
                    let toStep = g.strideHeight * g.inputWidth
                    let step = g.strideWidth
                    let low = cols.lowerBound
                    let count = cols.count
                    for _ in rows {
                        if step == 1 {
                            addInPlace(from + low, to + low, count: count)
                        } else {
                            for ow in cols { to[ow * step] += from[ow] }
                        }
                        from += width
                        to += toStep
                    }
                }
            }
        }
    }

    /// Zeros `count` floats: a loop for the short runs of small images, `memset` for long ones.
    @inline(__always)
    static func fill(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count < 32 {
            for k in 0..<count { pointer[k] = 0 }
        } else {
            pointer.update(repeating: 0, count: count)
        }
    }

    /// Copies `count` floats: eight at a time, then one at a time; `memmove` for long runs.
    @inline(__always)
    static func copy(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        guard count < 64 else {
            to.update(from: from, count: count)
            return
        }
        var k = 0
        while k + Lanes.width <= count {
            Lanes.store(Lanes.load(from + k, Lanes.width), to + k, Lanes.width)
            k += Lanes.width
        }
        while k < count {
            to[k] = from[k]
            k += 1
        }
    }

    /// `to[k] += from[k]` for `count` floats, eight at a time, then one at a time.
    @inline(__always)
    static func addInPlace(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + Lanes.width <= count {
            Lanes.store(Lanes.load(to + k, Lanes.width) + Lanes.load(from + k, Lanes.width), to + k, Lanes.width)
            k += Lanes.width
        }
        while k < count {
            to[k] += from[k]
            k += 1
        }
    }
}
