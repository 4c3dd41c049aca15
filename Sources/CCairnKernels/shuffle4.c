// Byte shuffle and unshuffle of 4-byte elements, 16 elements per step with SSE (SSSE3 byte gather
// for shuffle, SSE2 unpacking for unshuffle); scalar loops for the tail and other CPUs.
#include "CCairnKernels.h"

static void shuffle4_scalar(const unsigned char *bytes, size_t begin, size_t count, unsigned char *planes) {
    for (size_t i = begin; i < count; i++) {
        planes[i] = bytes[4 * i];
        planes[count + i] = bytes[4 * i + 1];
        planes[2 * count + i] = bytes[4 * i + 2];
        planes[3 * count + i] = bytes[4 * i + 3];
    }
}

static void unshuffle4_scalar(const unsigned char *p0, const unsigned char *p1, const unsigned char *p2,
                              const unsigned char *p3, size_t begin, size_t count, unsigned char *bytes) {
    for (size_t i = begin; i < count; i++) {
        bytes[4 * i] = p0[i];
        bytes[4 * i + 1] = p1[i];
        bytes[4 * i + 2] = p2[i];
        bytes[4 * i + 3] = p3[i];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("ssse3")))
static size_t shuffle4_ssse3(const unsigned char *bytes, size_t count, unsigned char *planes) {
    // Within 16 bytes (4 elements): byte p of each element into 32-bit lane p.
    const __m128i gather = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m128i a = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 4 * i)), gather);
        __m128i b = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 4 * i + 16)), gather);
        __m128i c = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 4 * i + 32)), gather);
        __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 4 * i + 48)), gather);
        // 4x4 transpose of 32-bit lanes.
        __m128i ab0 = _mm_unpacklo_epi32(a, b), ab1 = _mm_unpackhi_epi32(a, b);
        __m128i cd0 = _mm_unpacklo_epi32(c, d), cd1 = _mm_unpackhi_epi32(c, d);
        _mm_storeu_si128((__m128i *)(planes + i), _mm_unpacklo_epi64(ab0, cd0));
        _mm_storeu_si128((__m128i *)(planes + count + i), _mm_unpackhi_epi64(ab0, cd0));
        _mm_storeu_si128((__m128i *)(planes + 2 * count + i), _mm_unpacklo_epi64(ab1, cd1));
        _mm_storeu_si128((__m128i *)(planes + 3 * count + i), _mm_unpackhi_epi64(ab1, cd1));
    }
    return i;
}

void cairn_shuffle4(const unsigned char *bytes, size_t count, unsigned char *planes) {
    size_t done = __builtin_cpu_supports("ssse3") ? shuffle4_ssse3(bytes, count, planes) : 0;
    shuffle4_scalar(bytes, done, count, planes);
}

void cairn_unshuffle4(const unsigned char *p0, const unsigned char *p1, const unsigned char *p2, const unsigned char *p3,
                      size_t count, unsigned char *bytes) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(p0 + i)), b = _mm_loadu_si128((const __m128i *)(p1 + i));
        __m128i c = _mm_loadu_si128((const __m128i *)(p2 + i)), d = _mm_loadu_si128((const __m128i *)(p3 + i));
        __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
        __m128i cd0 = _mm_unpacklo_epi8(c, d), cd1 = _mm_unpackhi_epi8(c, d);
        _mm_storeu_si128((__m128i *)(bytes + 4 * i), _mm_unpacklo_epi16(ab0, cd0));
        _mm_storeu_si128((__m128i *)(bytes + 4 * i + 16), _mm_unpackhi_epi16(ab0, cd0));
        _mm_storeu_si128((__m128i *)(bytes + 4 * i + 32), _mm_unpacklo_epi16(ab1, cd1));
        _mm_storeu_si128((__m128i *)(bytes + 4 * i + 48), _mm_unpackhi_epi16(ab1, cd1));
    }
    unshuffle4_scalar(p0, p1, p2, p3, i, count, bytes);
}

#else

void cairn_shuffle4(const unsigned char *bytes, size_t count, unsigned char *planes) {
    shuffle4_scalar(bytes, 0, count, planes);
}

void cairn_unshuffle4(const unsigned char *p0, const unsigned char *p1, const unsigned char *p2, const unsigned char *p3,
                      size_t count, unsigned char *bytes) {
    unshuffle4_scalar(p0, p1, p2, p3, 0, count, bytes);
}

#endif
