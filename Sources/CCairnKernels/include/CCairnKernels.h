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

#endif
