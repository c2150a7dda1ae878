/* Shared helpers for the awsval fuzz targets (header-only, internal to fuzz/).
 *
 * FUZZ_ASSERT aborts with a message: libFuzzer and the replay main both report an abort as a
 * crash, so a broken invariant is a finding like any sanitizer report. */
#ifndef AWSVAL_FUZZ_COMMON_H
#define AWSVAL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond, ...)                                                        \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
            fflush(stderr);                                                           \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* libFuzzer entry points (the replay main calls them too). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Length of the longest valid UTF-8 prefix of s[0..n) (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF). */
static inline size_t fuzz_utf8_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c == 0xE0) { k = 2; lo = 0xA0; }
        else if (c == 0xED) { k = 2; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) k = 2;
        else if (c == 0xF0) { k = 3; lo = 0x90; }
        else if (c == 0xF4) { k = 3; hi = 0x8F; }
        else if (c >= 0xF1 && c <= 0xF3) k = 3;
        else return i;
        if (n - i <= k) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return i;
        i += k + 1;
    }
    return n;
}

static inline int fuzz_utf8_valid(const char *s, size_t n)
{
    return fuzz_utf8_prefix((const uint8_t *)s, n) == n;
}

#endif
