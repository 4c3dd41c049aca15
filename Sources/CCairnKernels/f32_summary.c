// Float32 statistics sums in eight lanes: an AVX2 path and a scalar path with the same per-lane
// operation order, so both give bit-identical results (no FMA: multiply, then add).
#include "CCairnKernels.h"
#include <string.h>

static inline void summarize_one(cairn_f32_summary *out, int lane, uint32_t bits, uint32_t first, double shift) {
    out->difference |= bits ^ first;
    if ((bits & 0x7F800000u) == 0x7F800000u) {
        if (bits & 0x007FFFFFu) out->nans++; else out->infinities++;
        return;
    }
    float x;
    memcpy(&x, &bits, 4);
    double d = (double)x - shift;
    out->sums[lane] += d;
    out->squares[lane] += d * d;
    out->low[lane] = x < out->low[lane] ? x : out->low[lane];
    out->high[lane] = x > out->high[lane] ? x : out->high[lane];
    out->finite++;
    if ((bits & 0x7FFFFFFFu) == 0) out->zeros++;
}

static void summarize_scalar(const unsigned char *bytes, size_t begin, size_t count, uint32_t first, double shift,
                             cairn_f32_summary *out) {
    for (size_t i = begin; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, bytes + 4 * i, 4);
        summarize_one(out, (int)(i & 7), bits, first, shift);
    }
}

void cairn_f32_summarize_portable(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out) {
    summarize_scalar(bytes, 0, count, first, shift, out);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static size_t summarize_avx2(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out) {
    const __m256i exponent = _mm256_set1_epi32(0x7F800000), magnitude = _mm256_set1_epi32(0x7FFFFFFF);
    const __m256i firsts = _mm256_set1_epi32((int)first);
    const __m256d shifts = _mm256_set1_pd(shift);
    __m256d sum0 = _mm256_loadu_pd(out->sums), sum1 = _mm256_loadu_pd(out->sums + 4);
    __m256d sq0 = _mm256_loadu_pd(out->squares), sq1 = _mm256_loadu_pd(out->squares + 4);
    __m256 low = _mm256_loadu_ps(out->low), high = _mm256_loadu_ps(out->high);
    __m256i difference = _mm256_setzero_si256();
    int64_t finite = 0, zeros = 0;
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i bits = _mm256_loadu_si256((const __m256i *)(bytes + 4 * i));
        int special = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent)));
        if (special) {
            // Write the lanes back, take the block element by element, reload.
            _mm256_storeu_pd(out->sums, sum0); _mm256_storeu_pd(out->sums + 4, sum1);
            _mm256_storeu_pd(out->squares, sq0); _mm256_storeu_pd(out->squares + 4, sq1);
            _mm256_storeu_ps(out->low, low); _mm256_storeu_ps(out->high, high);
            summarize_scalar(bytes, i, i + 8, first, shift, out);
            sum0 = _mm256_loadu_pd(out->sums); sum1 = _mm256_loadu_pd(out->sums + 4);
            sq0 = _mm256_loadu_pd(out->squares); sq1 = _mm256_loadu_pd(out->squares + 4);
            low = _mm256_loadu_ps(out->low); high = _mm256_loadu_ps(out->high);
            continue;
        }
        difference = _mm256_or_si256(difference, _mm256_xor_si256(bits, firsts));
        zeros += __builtin_popcount(_mm256_movemask_ps(_mm256_castsi256_ps(
            _mm256_cmpeq_epi32(_mm256_and_si256(bits, magnitude), _mm256_setzero_si256()))));
        finite += 8;
        __m256 x = _mm256_castsi256_ps(bits);
        low = _mm256_min_ps(x, low);    // x < low ? x : low, as the scalar path
        high = _mm256_max_ps(x, high);  // x > high ? x : high
        __m256d d0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(x)), shifts);
        __m256d d1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), shifts);
        sum0 = _mm256_add_pd(sum0, d0);
        sum1 = _mm256_add_pd(sum1, d1);
        sq0 = _mm256_add_pd(sq0, _mm256_mul_pd(d0, d0));
        sq1 = _mm256_add_pd(sq1, _mm256_mul_pd(d1, d1));
    }
    _mm256_storeu_pd(out->sums, sum0); _mm256_storeu_pd(out->sums + 4, sum1);
    _mm256_storeu_pd(out->squares, sq0); _mm256_storeu_pd(out->squares + 4, sq1);
    _mm256_storeu_ps(out->low, low); _mm256_storeu_ps(out->high, high);
    uint32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, difference);
    for (int lane = 0; lane < 8; lane++) out->difference |= lanes[lane];
    out->finite += finite;
    out->zeros += zeros;
    return i;
}

void cairn_f32_summarize(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out) {
    size_t done = 0;
    if (__builtin_cpu_supports("avx2")) done = summarize_avx2(bytes, count, first, shift, out);
    summarize_scalar(bytes, done, count, first, shift, out);
}

#else

void cairn_f32_summarize(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out) {
    summarize_scalar(bytes, 0, count, first, shift, out);
}

#endif
