#ifndef CCAIRN_KERNELS_H
#define CCAIRN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Whether the CPU has the instructions `cairn_crc32_fold` needs (x86-64 PCLMULQDQ and SSE4.1).
/// Checked once per call site by the Swift side; cheap (cached by the compiler runtime).
int cairn_crc32_fold_available(void);

/// CRC-32 (ISO-HDLC, zlib's `crc32`) of `length` bytes continuing from `crc` (the value zlib's `crc32`
/// would return for the bytes before), by carry-less multiplication folding. Requires
/// `cairn_crc32_fold_available()`, `length >= 64` and `length % 16 == 0`; the caller finishes any tail
/// with zlib.
uint32_t cairn_crc32_fold(uint32_t crc, const unsigned char *bytes, size_t length);

/// Sums over float32 elements for `StatisticsAccumulator`, in eight lanes (element `i` goes to lane
/// `i % 8`), so the vector and scalar paths round identically: the results depend only on the bytes.
typedef struct {
    double sums[8];        ///< per lane: sum of (x - shift) over finite x
    double squares[8];     ///< per lane: sum of (x - shift)^2 over finite x
    float low[8];          ///< per lane: minimum finite x (+inf if none)
    float high[8];         ///< per lane: maximum finite x (-inf if none)
    int64_t finite, nans, infinities, zeros;
    uint32_t difference;   ///< OR of (bits ^ first) over all elements
} cairn_f32_summary;

/// Summarises `count` little-endian float32 values at `bytes` (any alignment) into `out` (whose lanes
/// the caller initialises), using AVX2 when the CPU has it.
void cairn_f32_summarize(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out);

/// `cairn_f32_summarize` without SIMD (the reference the vector path is tested against).
void cairn_f32_summarize_portable(const unsigned char *bytes, size_t count, uint32_t first, double shift, cairn_f32_summary *out);

/// Per-lane sums of the element-wise difference of two runs of values, for cairn-diff's statistics: element
/// `i` goes to lane `i % 4`, every value is taken as a double, and each lane adds in element order without
/// fusing a multiply with an add, so the AVX2 and portable paths give bit-identical lanes.
typedef struct {
    double sum_abs[4];        ///< per lane: sum of |a - b|
    double sum_squared[4];    ///< per lane: sum of (a - b)^2
    double sum_squares_a[4];  ///< per lane: sum of a^2
    double sum_squares_b[4];  ///< per lane: sum of b^2
    double sum_products[4];   ///< per lane: sum of a * b
    double largest[4];        ///< per lane: the largest |a - b| (0 when none is larger)
    int64_t mismatched;       ///< all lanes: pairs with |a - b| > atol + rtol * |b|
} cairn_difference_lanes;

/// The lanes of the first `count - count % 4` pairs of little-endian float32 values at `a` and `b` (any
/// alignment), with the tolerance `atol`, `rtol`; AVX2 when the CPU has it. Sums are meaningful only when
/// every pair is finite (the caller redoes a run holding a NaN or an infinity pair by pair).
void cairn_f32_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out);

/// `cairn_f32_difference_lanes` for float64 values.
void cairn_f64_difference_lanes(const unsigned char *a, const unsigned char *b, size_t count, double atol, double rtol,
                                cairn_difference_lanes *out);

/// `cairn_f32_difference_lanes` without AVX2 (the reference the vector path is tested against).
void cairn_f32_difference_lanes_portable(const unsigned char *a, const unsigned char *b, size_t count, double atol,
                                         double rtol, cairn_difference_lanes *out);

/// `cairn_f64_difference_lanes` without AVX2.
void cairn_f64_difference_lanes_portable(const unsigned char *a, const unsigned char *b, size_t count, double atol,
                                         double rtol, cairn_difference_lanes *out);

/// Byte shuffle of 4-byte elements: `planes[p * count + i] = bytes[4 * i + p]`.
void cairn_shuffle4(const unsigned char *bytes, size_t count, unsigned char *planes);

/// Inverse of `cairn_shuffle4` from four separate planes of `count` bytes each.
void cairn_unshuffle4(const unsigned char *p0, const unsigned char *p1, const unsigned char *p2, const unsigned char *p3,
                      size_t count, unsigned char *bytes);

/// The panel width of `cairn_packed_dense_forward` on this CPU: 16 (AVX-512), 8 (AVX2 with FMA), or 0 when
/// it has neither (the caller then uses its BLAS).
int cairn_packed_dense_width(void);

/// Floats needed to pack an `n x k` weight matrix in panels of `width` units (0 when `width` is 0).
size_t cairn_packed_dense_count(int width, long n, long k);

/// Packs `w` (`n x k`, row stride `ldw`) into panels of `width` output units: panel `p`, input `kk`, lane
/// `t` holds `w[(p * width + t) * ldw + kk]`, or 0 past `n`. `packed` must hold `cairn_packed_dense_count`
/// floats and be aligned to 64 bytes.
void cairn_packed_dense_pack(int width, long n, long k, const float *w, long ldw, float *packed);

/// `y[m x n] = x[m x k] * w^T` over weights packed by `cairn_packed_dense_pack` with the same `width`
/// (from `cairn_packed_dense_width`). Each output is the sum over inputs in order, one fused
/// multiply-add per term: a row's result does not depend on `m` or on the rows around it.
void cairn_packed_dense_forward(int width, long m, long n, long k, const float *x, long ldx, const float *packed,
                                float *y, long ldy);

/// A fixed team of threads (the caller plus `threads - 1` workers) that runs one task in parts at
/// once. Used by one caller thread at a time.
typedef struct cairn_thread_team cairn_thread_team;

/// One part of a task: `part` is 0 ... parts - 1; part 0 runs on the calling thread.
typedef void (*cairn_team_task)(void *context, long part);

/// A team of `threads` threads. Its `threads - 1` workers start with the first task that has more
/// than one part (so a team that never splits work costs no threads); parts whose worker the system
/// refuses to start run on the caller. Between tasks an idle worker spins for `spin_nanoseconds`
/// (0: none; right when there are more threads than processors), then sleeps. NULL when out of memory.
cairn_thread_team *cairn_team_create(int threads, long spin_nanoseconds);

/// The team's thread count, the caller included.
int cairn_team_threads(const cairn_thread_team *team);

/// Runs `task(context, part)` for part 0 ... `parts - 1` (at most the team's thread count), part 0 on
/// the caller, and returns when every part has finished.
void cairn_team_run(cairn_thread_team *team, int parts, cairn_team_task task, void *context);

/// The processors this process may run on: its CPU affinity mask on Linux (which honours
/// `taskset` and container cpusets), else the online processor count.
int cairn_available_processors(void);

/// Stops and joins the workers and frees the team.
void cairn_team_destroy(cairn_thread_team *team);

#endif
