import CCairnKernels

/// Single-precision matrix multiply, row-major: `C = alpha * op(A) * op(B) + beta * C`, where
/// `op(A)` is `m x k`, `op(B)` is `k x n` and `C` is `m x n`.
///
/// Runs on `BLASLibrary.current` when a BLAS was found, otherwise on `PortableGEMM`. With a fixed
/// library and thread count the result is bit-identical from call to call.
public enum GEMM {
    /// Products with fewer multiply-adds per thread than this run on the calling thread alone.
    static let multiplyAddsPerPart = 1 << 17
    /// Row and column blocks of a split product are whole multiples of this many (one AVX-512 register
    /// of floats), so no block ends mid-way through a BLAS micro-kernel.
    static let splitGranule = 16

    /// One multiply. `lda`, `ldb`, `ldc` are the row strides of the matrices as stored (for a
    /// transposed operand, the stride of the stored, untransposed matrix). With `beta == 0`, `C` is
    /// only written, never read.
    ///
    /// With a `team` and a BLAS that runs single-threaded (`BLASLibrary.runsSingleThreaded`), a large
    /// enough product is split into one block of `C` per thread: rows when `m >= n`, else columns,
    /// each block one BLAS call. The split depends only on the sizes and the team's thread count.
    @inline(__always)
    public static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        team: ThreadTeam? = nil
    ) {
        guard let library = BLASLibrary.current else {
            PortableGEMM.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        guard let team, library.runsSingleThreaded else {
            library.multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        // Blocks of C along its longer side, each with at least `multiplyAddsPerPart` multiply-adds.
        let splitRows = m >= n
        let split = team.split(
            splitRows ? m : n, granule: splitGranule,
            minimumPerPart: max(1, multiplyAddsPerPart / max(k, 1) / max(splitRows ? n : m, 1)))
        team.run(
            GEMMBlocks(
                library: library, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
                splitRows: splitRows, split: split))
    }
}

/// One product split into row blocks (`splitRows`) or column blocks of `C`, one BLAS call per block.
struct GEMMBlocks: TeamJob {
    let library: BLASLibrary
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float
    var a: UnsafePointer<Float>, lda: Int
    var b: UnsafePointer<Float>, ldb: Int
    var beta: Float
    var c: UnsafeMutablePointer<Float>, ldc: Int
    var splitRows: Bool
    var split: Split

    func run(part: Int) {
        let range = split.range(part)
        guard !range.isEmpty else { return }
        let start = range.lowerBound
        if splitRows {
            // Rows of C are rows of op(A): row r of op(A) starts at a + r (stored transposed) or a + r * lda.
            library.multiply(
                transposeA, transposeB, range.count, n, k, alpha,
                transposeA ? a + start : a + start * lda, lda, b, ldb, beta, c + start * ldc, ldc)
        } else {
            // Columns of C are columns of op(B): column j starts at b + j * ldb (stored transposed) or b + j.
            library.multiply(
                transposeA, transposeB, m, range.count, k, alpha, a, lda,
                transposeB ? b + start * ldb : b + start, ldb, beta, c + start, ldc)
        }
    }

    static var entry: cairn_team_task {
        { context, part in context!.assumingMemoryBound(to: GEMMBlocks.self).pointee.run(part: part) }
    }
}

extension BLASLibrary {
    /// `cblas_sgemm` in row-major order.
    @inline(__always)
    func multiply(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        sgemm(
            BLASLibrary.rowMajor, transposeA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
            transposeB ? BLASLibrary.transpose : BLASLibrary.noTranspose,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
