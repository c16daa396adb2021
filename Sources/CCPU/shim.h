// CPU instructions Swift cannot name: the SSE4.2 CRC-32C instruction, which checks a log
// record about ten times faster than the table-driven loop. Header-only; on a CPU (or an
// architecture) without it, gh_crc32c_available() is 0 and callers keep the portable code.
#ifndef GATEHOUSE_CCPU_SHIM_H
#define GATEHOUSE_CCPU_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// Asks for the cache line at `p` ahead of a write to it: the fold computes a batch of
// dedupe digests, prefetches their table slots, then inserts, so the misses overlap.
static inline void gh_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#if defined(__x86_64__)
#include <cpuid.h>

static inline int gh_crc32c_available(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_SSE4_2) != 0;
}

// Continues `crc` (a finished CRC-32C value, as the Swift side passes it) over the bytes.
__attribute__((target("sse4.2")))
static inline uint32_t gh_crc32c_update(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = (uint32_t)~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        length--;
    }
    return ~c32;
}
#else
static inline int gh_crc32c_available(void) { return 0; }
static inline uint32_t gh_crc32c_update(uint32_t crc, const void *data, size_t length) {
    (void)data; (void)length; return crc;
}
#endif
#endif
