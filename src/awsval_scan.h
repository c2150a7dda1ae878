/* The one strict RFC 8259 tokenizer, used by every reader of JSON in the library: requests (the
 * checker), model documents, uniqueItems comparison and the Java echo of values.
 *
 * It works on a span of bytes, front to back, one token at a time. It validates UTF-8 and
 * counts code points while it scans a string, unescapes only strings that have escapes (into a
 * growable buffer the caller owns), gives a number's exact text and, when it fits, its integer
 * value. It records nothing: on an error it sets an AV_WHY_* code, an argument and the offset,
 * and the caller decides what that means. The hot functions are inline: the checker calls them
 * for every token of every request. */
#ifndef AWSVAL_SCAN_H
#define AWSVAL_SCAN_H

#include "awsval_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct awsval__scan {
    const char *start, *p, *end;
    awsval__buf *text;      /* where unescaped strings go (may be NULL: then escapes are an
                               error AV_WHY_ESCAPE... only used by readers that need no text) */
    const awsval_alc *alc;  /* for `text` */
    uint8_t err;            /* AV_WHY_* of the first error; 0 = none */
    bool nomem;
    uint32_t err_arg;       /* a character, or a number, for the wording */
    size_t err_off;
} awsval__scan;

/* A scanned string. Its text is in the input (no escapes) or in `text` from `text_off`; `s`
 * points at it and stays valid until `text` is written again. */
typedef struct awsval__str {
    const char *s;
    size_t len;
    int64_t cps;        /* code points */
    size_t raw_off;     /* offset of the opening quote in the input */
    size_t raw_len;     /* quotes included */
    bool copied;        /* unescaped into text at text_off */
    size_t text_off;
} awsval__str;

/* A scanned number: its exact text, and its value when it is an integer that fits int64. */
typedef struct awsval__num {
    const char *raw;
    size_t len;
    bool integral;   /* no fraction or exponent */
    bool fits;       /* integral and within int64 */
    int64_t i;
} awsval__num;

static inline void awsval__scan_init(awsval__scan *s, const char *p, size_t n, awsval__buf *text,
                                     const awsval_alc *alc)
{
    s->start = s->p = p;
    s->end = p + n;
    s->text = text;
    s->alc = alc;
    s->err = 0;
    s->nomem = false;
    s->err_arg = 0;
    s->err_off = 0;
}

/* Records the first error; returns false. */
static inline bool awsval__scan_fail(awsval__scan *s, uint8_t why, const char *at, uint32_t arg)
{
    if (!s->err && !s->nomem) {
        s->err = why;
        s->err_off = (size_t)(at - s->start);
        s->err_arg = arg;
    }
    return false;
}

static inline void awsval__scan_ws(awsval__scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* Whether the next byte (after white space) is c; consumes it if so. */
static inline bool awsval__scan_take(awsval__scan *s, char c)
{
    awsval__scan_ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

/* After a member or item: ',' (1: more), the closing bracket (0: done), else an error (-1). */
static inline int awsval__scan_next(awsval__scan *s, char close)
{
    awsval__scan_ws(s);
    if (s->p < s->end) {
        if (*s->p == ',') {
            s->p++;
            awsval__scan_ws(s);
            return 1;
        }
        if (*s->p == close) {
            s->p++;
            return 0;
        }
    }
    awsval__scan_fail(s, close == '}' ? AV_WHY_OBJECT_NEXT : AV_WHY_ARRAY_NEXT, s->p, 0);
    return -1;
}

static inline bool awsval__scan_literal(awsval__scan *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return awsval__scan_fail(s, AV_WHY_LITERAL, s->p, 0);
    s->p += n;
    return true;
}

/* Decodes the escape at p (a backslash) into dst at *n (at most 4 bytes); returns the bytes
 * read (2, 6 or 12), or 0 with *why set. */
size_t awsval__json_unescape(const char *p, const char *end, char *dst, size_t *n, uint8_t *why);

#if defined(__SSE2__)
/* Of the sixteen bytes at p, those that end a plain run of JSON string text (as a bit mask, bit
 * i for p[i]): '"', '\\', and (as signed bytes) everything below 0x20, which includes every byte
 * of 0x80 and above. The vector twin of awsval__json_special8. */
static inline unsigned awsval__json_special16(const char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                            _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* Scans the string at s->p (which is '"') from `from`, after plain ASCII text (no escape). */
bool awsval__scan_string_from(awsval__scan *s, awsval__str *out, const char *from);

/* Scans the string at s->p (which is '"'). Inline for the common string, plain ASCII text,
 * sixteen bytes at a time; anything else from where that stopped. */
static inline bool awsval__scan_string(awsval__scan *s, awsval__str *out)
{
    const char *q = s->p + 1;
#if defined(__SSE2__)
    while (s->end - q >= 16) {
        unsigned mask = awsval__json_special16(q);
        if (!mask) {
            q += 16;
            continue;
        }
        q += __builtin_ctz(mask);
        if (*q != '"') break;
        size_t len = (size_t)(q - (s->p + 1));
        out->s = s->p + 1;
        out->len = len;
        out->cps = (int64_t)len;
        out->raw_off = (size_t)(s->p - s->start);
        out->raw_len = len + 2;
        out->copied = false;
        out->text_off = 0;
        s->p = q + 1;
        return true;
    }
#endif
    return awsval__scan_string_from(s, out, q);
}
/* Scans the number at s->p. */
bool awsval__scan_number(awsval__scan *s, awsval__num *out);
/* Scans `"key" :` at s->p; leaves s->p at the value. */
bool awsval__scan_key(awsval__scan *s, awsval__str *key);

/* Duplicate keys. Keys are pushed as they are read (by offset: the input or s->text) and
 * checked when the object closes: an object of up to AV_KEYS_LINEAR keys by comparing each key
 * with the others, a larger one by sorting its keys and comparing neighbours. The sort orders
 * by the first 8 bytes as one integer, then length, then the rest (any total order finds equal
 * neighbours), as an introsort: quicksort with median-of-three, insertion sort for short
 * ranges, heapsort past a depth of 2 log2 n. No allocation, and O(n log n) compares in the
 * worst case whatever the keys: no hash to flood. */
#define AV_KEYS_LINEAR 8
/* Returns the index (in keys[0..n)) of a key equal to an earlier one, or -1. `input` and `text`
 * are the bases of the two places key text lives. Sorts keys[0..n) when n > AV_KEYS_LINEAR. */
long awsval__keys_duplicate(awsval__keyref *keys, size_t n, const char *input, const char *text);

#endif
