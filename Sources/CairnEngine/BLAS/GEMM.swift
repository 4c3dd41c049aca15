/// Single-precision matrix multiply, row-major: `C = alpha * op(A) * op(B) + beta * C`, where
/// `op(A)` is `m x k`, `op(B)` is `k x n` and `C` is `m x n`.
///
/// Runs on `BLASLibrary.current` when a BLAS was found, otherwise on `PortableGEMM`. With a fixed
/// library and thread count the result is bit-identical from call to call.
public enum GEMM {
    /// One multiply. `lda`, `ldb`, `ldc` are the row strides of the matrices as stored (for a
    /// transposed operand, the stride of the stored, untransposed matrix). With `beta == 0`, `C` is
    /// only written, never read.
    @inline(__always)
    public static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                alpha: Float, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int,
                                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if let library = BLASLibrary.current {
            library.sgemm(BLASLibrary.rowMajor,
                          transposeA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                          transposeB ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                          Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        } else {
            PortableGEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}
