#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch

/// A blocked, packed single-precision GEMM in plain Swift: the fallback when no BLAS library is
/// present. Same contract as `GEMM.multiply`.
///
/// Blocks of `op(B)` (`depthBlock x columnBlock`) and of `op(A)` (`rowBlock x depthBlock`) are packed
/// into contiguous, zero-padded panels, so transposes cost nothing in the inner loop; a 4 x 32
/// micro-kernel keeps eight `SIMD16<Float>` accumulators in registers. (Multiply and add are kept
/// separate: `addProduct` is a fused multiply-add, which without FMA in the baseline target becomes a
/// libm call per lane.)
///
/// Large products split the columns of `C` into one contiguous range per processor (up to 8). Every
/// element of `C` is summed over k in the same fixed order whatever the split, so results are
/// bit-identical for any processor count.
public enum PortableGEMM {
    static let depthBlock = 256
    static let columnBlock = 512
    static let rowBlock = 64
    static let kernelRows = 4
    static let kernelColumns = 32
    /// Products smaller than this many multiply-adds run on the calling thread.
    static let parallelThreshold = 1 << 21
    static let workerCount = max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let chunks = (n + kernelColumns - 1) / kernelColumns
        let parts = m * n * max(k, 1) >= parallelThreshold ? min(workerCount, chunks) : 1
        guard parts > 1 else {
            multiplyColumns(
                0, n, transposeA: transposeA, transposeB: transposeB, m: m, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Part `part` writes only its own columns of `c`; `a` and `b` are read; all parts end before the return.
        nonisolated(unsafe) let a = a, b = b, c = c
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = chunks * part / parts * kernelColumns
            let end = min(n, chunks * (part + 1) / parts * kernelColumns)
            multiplyColumns(
                start, end, transposeA: transposeA, transposeB: transposeB, m: m, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Columns `start ..< end` of `C`.
    private static func multiplyColumns(
        _ start: Int, _ end: Int, transposeA: Bool, transposeB: Bool, m: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard end > start else { return }
        scale(c: c + start, m: m, n: end - start, ldc: ldc, beta: beta)
        guard k > 0, alpha != 0 else { return }
        let n = end
        let packB = UnsafeMutablePointer<Float>.allocate(capacity: depthBlock * columnBlock)
        let packA = UnsafeMutablePointer<Float>.allocate(capacity: rowBlock * depthBlock)
        defer {
            packB.deallocate()
            packA.deallocate()
        }
        var column = start
        while column < n {
            let columns = min(columnBlock, n - column)
            let paddedColumns = (columns + kernelColumns - 1) / kernelColumns * kernelColumns
            var depth = 0
            while depth < k {
                let depths = min(depthBlock, k - depth)
                // Pack op(B)[depth..., column...] as depths rows of paddedColumns.
                for p in 0..<depths {
                    let row = packB + p * paddedColumns
                    for j in 0..<columns {
                        row[j] = transposeB ? b[(column + j) * ldb + depth + p] : b[(depth + p) * ldb + column + j]
                    }
                    for j in columns..<paddedColumns { row[j] = 0 }
                }
                var rowStart = 0
                while rowStart < m {
                    let rows = min(rowBlock, m - rowStart)
                    let paddedRows = (rows + kernelRows - 1) / kernelRows * kernelRows
                    // Pack op(A)[rowStart..., depth...] as depth-major groups of kernelRows rows.
                    for i in 0..<paddedRows {
                        for p in 0..<depths {
                            let value: Float
                            if i < rows {
                                let r = rowStart + i, q = depth + p
                                value = transposeA ? a[q * lda + r] : a[r * lda + q]
                            } else {
                                value = 0
                            }
                            packA[(i / kernelRows) * kernelRows * depths + p * kernelRows + i % kernelRows] = value
                        }
                    }
                    var i = 0
                    while i < rows {
                        var j = 0
                        while j < columns {
                            kernel(
                                packA: packA + (i / kernelRows) * kernelRows * depths,
                                packB: packB + j, strideB: paddedColumns, depth: depths, alpha: alpha,
                                c: c + (rowStart + i) * ldc + column + j, ldc: ldc,
                                rows: min(kernelRows, rows - i), columns: min(kernelColumns, columns - j))
                            j += kernelColumns
                        }
                        i += kernelRows
                    }
                    rowStart += rows
                }
                depth += depths
            }
            column += columns
        }
    }

    private static func scale(c: UnsafeMutablePointer<Float>, m: Int, n: Int, ldc: Int, beta: Float) {
        if beta == 1 { return }
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    /// `C[rows, columns] += alpha * Apanel * Bpanel` for one 4 x 32 tile (edges stored partially).
    @inline(__always)
    private static func kernel(
        packA: UnsafePointer<Float>, packB: UnsafePointer<Float>, strideB: Int,
        depth: Int, alpha: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        rows: Int, columns: Int
    ) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var pa = packA
        var pb = UnsafeRawPointer(packB)
        let rowBytes = strideB * MemoryLayout<Float>.stride
        for _ in 0..<depth {
            let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let a0 = SIMD16<Float>(repeating: pa[0]), a1 = SIMD16<Float>(repeating: pa[1])
            let a2 = SIMD16<Float>(repeating: pa[2]), a3 = SIMD16<Float>(repeating: pa[3])
            c00 += a0 * b0; c01 += a0 * b1
            c10 += a1 * b0; c11 += a1 * b1
            c20 += a2 * b0; c21 += a2 * b1
            c30 += a3 * b0; c31 += a3 * b1
            pa += kernelRows
            pb += rowBytes
        }
        store(c00, c01, row: c, alpha: alpha, columns: columns)
        if rows > 1 { store(c10, c11, row: c + ldc, alpha: alpha, columns: columns) }
        if rows > 2 { store(c20, c21, row: c + 2 * ldc, alpha: alpha, columns: columns) }
        if rows > 3 { store(c30, c31, row: c + 3 * ldc, alpha: alpha, columns: columns) }
    }

    @inline(__always)
    private static func store(
        _ low: SIMD16<Float>, _ high: SIMD16<Float>, row: UnsafeMutablePointer<Float>,
        alpha: Float, columns: Int
    ) {
        if columns == kernelColumns {
            let raw = UnsafeMutableRawPointer(row)
            let old0 = raw.loadUnaligned(as: SIMD16<Float>.self)
            let old1 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            raw.storeBytes(of: old0 + alpha * low, as: SIMD16<Float>.self)
            raw.storeBytes(of: old1 + alpha * high, toByteOffset: 64, as: SIMD16<Float>.self)
        } else {
            for j in 0..<min(columns, 16) { row[j] += alpha * low[j] }
            if columns > 16 { for j in 16..<columns { row[j] += alpha * high[j - 16] } }
        }
    }
}
