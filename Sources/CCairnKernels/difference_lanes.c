// Lane sums of the element-wise difference of two runs of values, in double precision, for cairn-diff's
// statistics. One body written with Clang vector types, compiled for AVX2 (chosen at run time) and for the
// baseline target; both perform the same operations on each lane in the same order and never fuse a
// multiply with an add, so their results are bit-identical.
#include "CCairnKernels.h"
#include <string.h>

#pragma clang fp contract(off)

typedef float f32x4 __attribute__((ext_vector_type(4)));
typedef double f64x4 __attribute__((ext_vector_type(4)));
typedef long long i64x4 __attribute__((ext_vector_type(4)));

// Macros rather than functions: a function taking or returning a 256-bit vector would have a different
// calling convention with and without AVX.
#define MAGNITUDE(v) ((f64x4)((i64x4)(v) & (i64x4)0x7FFFFFFFFFFFFFFFLL))
#define LOAD_F32(bytes, i, into)                                                                                \
    do {                                                                                                      \
        f32x4 loaded;                                                                                         \
        memcpy(&loaded, (bytes) + 4 * (i), sizeof loaded);                                                    \
        into = __builtin_convertvector(loaded, f64x4);                                                        \
    } while (0)
#define LOAD_F64(bytes, i, into) memcpy(&into, (bytes) + 8 * (i), sizeof into)

// The lanes of `count - count % 4` pairs; `relative` says whether rtol * |b| is added to atol (with rtol 0 it
// adds +0 to atol for every finite b; a block holding an infinite b is redone pair by pair by the caller).
#define DIFFERENCE_LANES_BODY(load, relative)                                                                  \
    do {                                                                                                      \
        const f64x4 atols = atol, rtols = rtol;                                                               \
        f64x4 sum_abs = 0, sum_squared = 0, sum_a = 0, sum_b = 0, sum_ab = 0, largest = 0;                    \
        i64x4 misses = 0;                                                                                     \
        for (size_t i = 0; i + 4 <= count; i += 4) {                                                          \
            f64x4 x, y;                                                                                       \
            load(a, i, x);                                                                                    \
            load(b, i, y);                                                                                    \
            f64x4 difference = x - y;                                                                         \
            f64x4 d = MAGNITUDE(difference);                                                                  \
            sum_abs += d;                                                                                     \
            sum_squared += difference * difference;                                                           \
            sum_a += x * x;                                                                                   \
            sum_b += y * y;                                                                                   \
            sum_ab += x * y;                                                                                  \
            i64x4 larger = (i64x4)(d > largest);                                                              \
            largest = (f64x4)(((i64x4)d & larger) | ((i64x4)largest & ~larger));                              \
            misses -= (i64x4)(relative ? d > atols + rtols * MAGNITUDE(y) : d > atols);                       \
        }                                                                                                     \
        memcpy(out->sum_abs, &sum_abs, sizeof sum_abs);                                                       \
        memcpy(out->sum_squared, &sum_squared, sizeof sum_squared);                                           \
        memcpy(out->sum_squares_a, &sum_a, sizeof sum_a);                                                     \
        memcpy(out->sum_squares_b, &sum_b, sizeof sum_b);                                                     \
        memcpy(out->sum_products, &sum_ab, sizeof sum_ab);                                                    \
        memcpy(out->largest, &largest, sizeof largest);                                                       \
        out->mismatched = misses[0] + misses[1] + misses[2] + misses[3];                                      \
    } while (0)

static inline __attribute__((always_inline)) void f32_lanes(const unsigned char *a, const unsigned char *b,
                                                             size_t count, double atol, double rtol,
                                                             cairn_difference_lanes *out) {
    if (rtol == 0) DIFFERENCE_LANES_BODY(LOAD_F32, 0);
    else DIFFERENCE_LANES_BODY(LOAD_F32, 1);
}

static inline __attribute__((always_inline)) void f64_lanes(const unsigned char *a, const unsigned char *b,
                                                             size_t count, double atol, double rtol,
                                                             cairn_difference_lanes *out) {
    if (rtol == 0) DIFFERENCE_LANES_BODY(LOAD_F64, 0);
    else DIFFERENCE_LANES_BODY(LOAD_F64, 1);
}

void cairn_f32_difference_lanes_portable(const unsigned char *a, const unsigned char *b, size_t count, double atol,
                                         double rtol, cairn_difference_lanes *out) {
    f32_lanes(a, b, count, atol, rtol, out);
}

void cairn_f64_difference_lanes_portable(const unsigned char *a, const unsigned char *b, size_t count, double atol,
                                         double rtol, cairn_difference_lanes *out) {
    f64_lanes(a, b, count, atol, rtol, out);
}

#if defined(__x86_64__)

__attribute__((target("avx2")))
static void f32_lanes_avx2(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                           cairn_difference_lanes *out) {
    f32_lanes(a, b, count, atol, rtol, out);
}

__attribute__((target("avx2")))
static void f64_lanes_avx2(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                           cairn_difference_lanes *out) {
    f64_lanes(a, b, count, atol, rtol, out);
}

void cairn_f32_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out) {
    if (__builtin_cpu_supports("avx2")) f32_lanes_avx2(a, b, count, atol, rtol, out);
    else f32_lanes(a, b, count, atol, rtol, out);
}

void cairn_f64_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out) {
    if (__builtin_cpu_supports("avx2")) f64_lanes_avx2(a, b, count, atol, rtol, out);
    else f64_lanes(a, b, count, atol, rtol, out);
}

#else

void cairn_f32_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out) {
    f32_lanes(a, b, count, atol, rtol, out);
}

void cairn_f64_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out) {
    f64_lanes(a, b, count, atol, rtol, out);
}

#endif
