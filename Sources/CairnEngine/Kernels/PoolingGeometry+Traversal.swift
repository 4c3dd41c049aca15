import CairnModel

/// How the pooling kernels walk their planes and windows, written once.
extension PoolingGeometry {
    /// Values per input plane and per output plane.
    var inputPlane: Int { inputHeight * inputWidth }
    var outputPlane: Int { outputHeight * outputWidth }

    /// Runs `body(plane)` for each of the `batch * channels` planes, whole planes split across `team`:
    /// every plane is done by one thread in a fixed order, so results do not depend on the thread count.
    @inline(__always)
    func forEachPlane(batch: Int, team: ThreadTeam?, _ body: (Int) -> Void) {
        ThreadTeam.forEachRange(
            team, count: batch * channels, minimumPerPart: max(1, (1 << 14) / max(1, inputPlane))
        ) { planes in
            for plane in planes { body(plane) }
        }
    }

    /// Runs `body(output, rows, columns)` for each output position of one plane (`oh * outputWidth + ow`),
    /// with the input rows and columns its window covers (padding left out), row by row.
    @inline(__always)
    func forEachWindow(_ body: (Int, Range<Int>, Range<Int>) -> Void) {
        for oh in 0..<outputHeight {
            let rows = inputRows(ofOutputRow: oh)
            for ow in 0..<outputWidth {
                body(oh * outputWidth + ow, rows, inputColumns(ofOutputColumn: ow))
            }
        }
    }
}
