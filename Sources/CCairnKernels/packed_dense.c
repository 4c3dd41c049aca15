// Small-batch dense products over weights packed once: Y[m x n] = X[m x k] * W^T, W stored [n x k].
//
// A BLAS packs the weights on every call; at a batch of 32 rows that repacking costs about as much
// memory traffic as the arithmetic. Inference runs many products with the same weights, so they are
// packed once into panels of V output units (V = one vector register: 16 floats with AVX-512, 8 with
// AVX2): panel p holds, for each input kk, the V weights W[p*V + t][kk] side by side (zeros past n).
// A tile of R rows by two panels keeps R x 2 vector accumulators in registers; each input kk loads the
// two panel vectors once and broadcasts each row's x[r][kk]. Every output is the sum over kk in order,
// one fused multiply-add per term, so a row's result does not depend on m, on the tile it falls in, or
// on the thread that computes it.
#include "CCairnKernels.h"

/// Packed weights up to this size are kept in L2 across the panels of a row tile: 3/4 of the smallest L2
/// of current x86 server cores (512 KiB), leaving room for the rows.
#define CAIRN_PACKED_L2_BYTES (384 * 1024)

#if defined(__x86_64__)
#include <immintrin.h>

int cairn_packed_dense_width(void) {
    if (__builtin_cpu_supports("avx512f")) return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
    return 0;
}

// AVX-512: tiles of up to 8 rows by 2 panels of 16 units (16 accumulators of the 32 registers).
#define TILE16(R)                                                                                          \
    __attribute__((target("avx512f"))) static void tile16_##R(                                             \
        long k, const float *x, long ldx, const float *panel0, const float *panel1, float *y, long ldy,     \
        __mmask16 mask0, __mmask16 mask1) {                                                                 \
        __m512 a0[R], a1[R];                                                                               \
        for (int r = 0; r < R; r++) { a0[r] = _mm512_setzero_ps(); a1[r] = _mm512_setzero_ps(); }          \
        for (long kk = 0; kk < k; kk++) {                                                                   \
            __m512 w0 = _mm512_load_ps(panel0 + kk * 16);                                                   \
            __m512 w1 = _mm512_load_ps(panel1 + kk * 16);                                                   \
            for (int r = 0; r < R; r++) {                                                                   \
                __m512 v = _mm512_set1_ps(x[r * ldx + kk]);                                                 \
                a0[r] = _mm512_fmadd_ps(v, w0, a0[r]);                                                      \
                a1[r] = _mm512_fmadd_ps(v, w1, a1[r]);                                                      \
            }                                                                                               \
        }                                                                                                   \
        for (int r = 0; r < R; r++) {                                                                       \
            _mm512_mask_storeu_ps(y + r * ldy, mask0, a0[r]);                                               \
            if (mask1) _mm512_mask_storeu_ps(y + r * ldy + 16, mask1, a1[r]);                               \
        }                                                                                                   \
    }
TILE16(1) TILE16(2) TILE16(3) TILE16(4) TILE16(5) TILE16(6) TILE16(7) TILE16(8)

__attribute__((target("avx512f"))) static void block16(long row, long rows, long p, long panels, long n, long k,
                                                      const float *x, long ldx, const float *packed, float *y,
                                                      long ldy) {
    const float *xr = x + row * ldx;
    const long first = p * 16;
    float *yr = y + row * ldy + first;
    const long left = n - first;
    const __mmask16 mask0 = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
    const long left1 = left - 16;
    const __mmask16 mask1 = left1 <= 0 ? 0 : left1 >= 16 ? 0xFFFF : (__mmask16)((1u << left1) - 1);
    const float *panel0 = packed + p * k * 16;
    // With one panel left, the second operand repeats the first; its sums are not stored.
    const float *panel1 = p + 1 < panels ? panel0 + k * 16 : panel0;
    switch (rows) {
    case 8: tile16_8(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 7: tile16_7(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 6: tile16_6(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 5: tile16_5(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 4: tile16_4(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 3: tile16_3(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    case 2: tile16_2(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    default: tile16_1(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1); break;
    }
}

// AVX2 + FMA: tiles of up to 6 rows by 2 panels of 8 units (12 accumulators of the 16 registers).
#define TILE8(R)                                                                                           \
    __attribute__((target("avx2,fma"))) static void tile8_##R(                                             \
        long k, const float *x, long ldx, const float *panel0, const float *panel1, float *y, long ldy,     \
        __m256i mask0, __m256i mask1, int second) {                                                         \
        __m256 a0[R], a1[R];                                                                               \
        for (int r = 0; r < R; r++) { a0[r] = _mm256_setzero_ps(); a1[r] = _mm256_setzero_ps(); }          \
        for (long kk = 0; kk < k; kk++) {                                                                   \
            __m256 w0 = _mm256_load_ps(panel0 + kk * 8);                                                    \
            __m256 w1 = _mm256_load_ps(panel1 + kk * 8);                                                    \
            for (int r = 0; r < R; r++) {                                                                   \
                __m256 v = _mm256_broadcast_ss(x + r * ldx + kk);                                           \
                a0[r] = _mm256_fmadd_ps(v, w0, a0[r]);                                                      \
                a1[r] = _mm256_fmadd_ps(v, w1, a1[r]);                                                      \
            }                                                                                               \
        }                                                                                                   \
        for (int r = 0; r < R; r++) {                                                                       \
            _mm256_maskstore_ps(y + r * ldy, mask0, a0[r]);                                                 \
            if (second) _mm256_maskstore_ps(y + r * ldy + 8, mask1, a1[r]);                                 \
        }                                                                                                   \
    }
TILE8(1) TILE8(2) TILE8(3) TILE8(4) TILE8(5) TILE8(6)

__attribute__((target("avx2,fma"))) static __m256i mask8(long count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 8 ? count : 8)), lanes);
}

__attribute__((target("avx2,fma"))) static void block8(long row, long rows, long p, long panels, long n, long k,
                                                     const float *x, long ldx, const float *packed, float *y,
                                                     long ldy) {
    const float *xr = x + row * ldx;
    const long first = p * 8;
    float *yr = y + row * ldy + first;
    const long left = n - first;
    const __m256i mask0 = mask8(left);
    const int second = left > 8;
    const __m256i mask1 = mask8(second ? left - 8 : 0);
    const float *panel0 = packed + p * k * 8;
    const float *panel1 = p + 1 < panels ? panel0 + k * 8 : panel0;
    switch (rows) {
    case 6: tile8_6(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    case 5: tile8_5(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    case 4: tile8_4(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    case 3: tile8_3(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    case 2: tile8_2(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    default: tile8_1(k, xr, ldx, panel0, panel1, yr, ldy, mask0, mask1, second); break;
    }
}

/// One tile: `rows` rows from `row` by the panel pair from panel `p`.
typedef void (*packed_block)(long row, long rows, long p, long panels, long n, long k, const float *x, long ldx,
                             const float *packed, float *y, long ldy);

/// Runs `block` over every tile of `tile_rows` rows by two panels of `width` units, in either loop order.
static void run_tiles(packed_block block, long tile_rows, long width, long m, long n, long k, const float *x,
                      long ldx, const float *packed, float *y, long ldy, int panels_outer) {
    const long panels = (n + width - 1) / width;
    if (panels_outer) {
        for (long p = 0; p < panels; p += 2)
            for (long row = 0; row < m; row += tile_rows)
                block(row, m - row < tile_rows ? m - row : tile_rows, p, panels, n, k, x, ldx, packed, y, ldy);
    } else {
        for (long row = 0; row < m; row += tile_rows)
            for (long p = 0; p < panels; p += 2)
                block(row, m - row < tile_rows ? m - row : tile_rows, p, panels, n, k, x, ldx, packed, y, ldy);
    }
}

#else

int cairn_packed_dense_width(void) { return 0; }

#endif

void cairn_packed_dense_forward(int width, long m, long n, long k, const float *x, long ldx, const float *packed,
                                float *y, long ldy) {
    if (m <= 0 || n <= 0) return;
    // Weights that fit in a core's L2 cache stay there while each tile of rows runs across every panel;
    // larger weights are read once, each pair of panels running over every row before the next pair.
    const int panels_outer = cairn_packed_dense_count(width, n, k) * sizeof(float) > (size_t)CAIRN_PACKED_L2_BYTES;
#if defined(__x86_64__)
    if (width == 16) run_tiles(block16, 8, 16, m, n, k, x, ldx, packed, y, ldy, panels_outer);
    else if (width == 8) run_tiles(block8, 6, 8, m, n, k, x, ldx, packed, y, ldy, panels_outer);
#else
    (void)x; (void)ldx; (void)packed; (void)y; (void)ldy; (void)panels_outer;
#endif
}

size_t cairn_packed_dense_count(int width, long n, long k) {
    if (width <= 0 || n <= 0 || k <= 0) return 0;
    return (size_t)((n + width - 1) / width) * (size_t)k * (size_t)width;
}

void cairn_packed_dense_pack(int width, long n, long k, const float *w, long ldw, float *packed) {
    if (width <= 0) return;
    const long panels = (n + width - 1) / width;
    for (long p = 0; p < panels; p++) {
        float *panel = packed + p * k * width;
        for (long kk = 0; kk < k; kk++) {
            for (long t = 0; t < width; t++) {
                const long unit = p * width + t;
                panel[kk * width + t] = unit < n ? w[unit * ldw + kk] : 0.0f;
            }
        }
    }
}
