/* The tokenizer's string, number and key scanners, and duplicate-key detection (see
 * awsval_scan.h). */
#include "awsval_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------ strings (Private) */

/* The offset just past the closing quote of the string whose body starts at q, or 0 if it is
 * unterminated: only to size the unescape buffer once escapes appear. */
static size_t string_end(const char *q, const char *end, const char *start)
{
    for (;;) {
#if defined(__SSE2__)
        while (end - q >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
            unsigned mask = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
            if (mask) {
                q += __builtin_ctz(mask);
                break;
            }
            q += 16;
        }
#endif
        while (q < end && *q != '"' && *q != '\\') q++;
        if (q >= end) return 0;
        if (*q == '"') return (size_t)(q + 1 - start);
        if (end - q < 2) return 0;
        q += 2; /* an escape: the character after the backslash is never the end */
    }
}

size_t awsval__json_unescape(const char *p, const char *end, char *dst, size_t *n, uint8_t *why)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (end - p < 2) {
        *why = AV_WHY_UNTERMINATED;
        return 0;
    }
    const char *hit = p[1] ? memchr(from, p[1], sizeof from - 1) : NULL;
    if (hit) {
        dst[(*n)++] = to[hit - from];
        return 2;
    }
    if (p[1] != 'u') {
        *why = AV_WHY_ESCAPE;
        return 0;
    }
    uint32_t c = 0;
    for (int i = 2; i < 6; i++) {
        int h = p + i < end ? awsval__hexval((unsigned char)p[i]) : -1;
        if (h < 0) {
            *why = AV_WHY_U_ESCAPE;
            return 0;
        }
        c = c * 16 + (uint32_t)h;
    }
    size_t used = 6;
    if (c >= 0xD800 && c <= 0xDBFF) {
        uint32_t lo = 0;
        bool ok = end - p >= 12 && p[6] == '\\' && p[7] == 'u';
        for (int i = 8; ok && i < 12; i++) {
            int h = awsval__hexval((unsigned char)p[i]);
            ok = h >= 0;
            lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
        }
        if (!ok || lo < 0xDC00 || lo > 0xDFFF) {
            *why = AV_WHY_SURROGATE;
            return 0;
        }
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        used = 12;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
        *why = AV_WHY_SURROGATE;
        return 0;
    }
    /* The unescaped form is never longer than the escape (6 or 12 bytes -> at most 4). */
    *n += awsval__utf8_put(dst + *n, c);
    return used;
}

bool awsval__scan_string_from(awsval__scan *s, awsval__str *out, const char *from)
{
    const unsigned char *seg = (const unsigned char *)s->p + 1, *q = (const unsigned char *)from;
    const unsigned char *end = (const unsigned char *)s->end;
    size_t dst_off = 0, dlen = 0; /* unescaped text at s->text->data + dst_off */
    bool copy = false;
    char junk[16];    /* an unterminated string is an error: its escapes are only validated */
    bool dry = false;
    int64_t cps = q - seg;
    out->raw_off = (size_t)(s->p - s->start);
    for (;;) {
#if defined(__SSE2__)
        /* Sixteen bytes at a time. */
        while (end - q >= 16) {
            unsigned mask = awsval__json_special16((const char *)q);
            if (mask) {
                unsigned k = (unsigned)__builtin_ctz(mask);
                q += k;
                cps += k;
                goto special;
            }
            q += 16;
            cps += 16;
        }
#endif
        while (end - q >= 8) {
            uint64_t w;
            memcpy(&w, q, 8);
            uint64_t m = awsval__json_special8(w);
            if (m) {
                size_t k = (size_t)__builtin_ctzll(m) / 8;
                q += k;
                cps += (int64_t)k;
                break;
            }
            q += 8;
            cps += 8;
        }
        while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\') {
            q++;
            cps++;
        }
#if defined(__SSE2__)
    special:
#endif
        if (q >= end) return awsval__scan_fail(s, AV_WHY_UNTERMINATED, s->p, 0);
        unsigned char ch = *q;
        if (ch >= 0x80) {
            /* Non-Latin text comes in runs: stay in this loop while it lasts. */
            do {
                size_t k = awsval__utf8_seq(q, 0, (size_t)(end - q));
                if (!k) return awsval__scan_fail(s, AV_WHY_UTF8, (const char *)q, ch);
                q += k;
                cps++;
            } while (q < end && *q >= 0x80);
            continue;
        }
        if (copy && !dry) {
            memcpy(s->text->data + dst_off + dlen, seg, (size_t)(q - seg));
            dlen += (size_t)(q - seg);
        }
        if (ch == '"') break;
        if (ch < 0x20) return awsval__scan_fail(s, AV_WHY_CONTROL, (const char *)q, ch);
        /* A backslash: from here on the string is copied, unescaped, into the text buffer,
         * which gets room for the rest of the string at once (never longer than its source). */
        if (!copy) {
            if (!s->text) return awsval__scan_fail(s, AV_WHY_ESCAPE, (const char *)q, '\\');
            size_t stop = string_end((const char *)q, s->end, s->start);
            copy = true;
            dry = stop == 0;
            if (!dry) {
                if (!awsval__buf_reserve(s->text, s->alc, stop - (size_t)(s->p - s->start))) {
                    s->nomem = true;
                    return false;
                }
                dst_off = s->text->len;
                dlen = (size_t)(q - ((const unsigned char *)s->p + 1));
                memcpy(s->text->data + dst_off, s->p + 1, dlen);
            }
        }
        uint8_t why = 0;
        size_t junk_n = 0;
        size_t used = dry ? awsval__json_unescape((const char *)q, s->end, junk, &junk_n, &why)
                          : awsval__json_unescape((const char *)q, s->end, s->text->data + dst_off, &dlen, &why);
        if (!used) {
            uint32_t arg = q + 1 < end ? q[1] : 0;
            return awsval__scan_fail(s, why, (const char *)q, arg);
        }
        q += used;
        cps++;
        seg = q;
    }
    out->raw_len = (size_t)((const char *)q + 1 - s->p);
    out->cps = cps;
    out->copied = copy;
    if (copy) {
        out->text_off = dst_off;
        out->s = s->text->data + dst_off;
        out->len = dlen;
        s->text->len = dst_off + dlen;
    } else {
        out->text_off = 0;
        out->s = s->p + 1;
        out->len = (size_t)((const char *)q - (s->p + 1));
    }
    s->p = (const char *)q + 1;
    return true;
}

/* ------------------------------------------------------------------------ numbers (Private) */

bool awsval__scan_number(awsval__scan *s, awsval__num *n)
{
    const char *p = s->p, *e = s->end;
    n->raw = p;
    bool neg = false;
    if (p < e && *p == '-') {
        neg = true;
        p++;
    }
    if (p >= e || *p < '0' || *p > '9') return awsval__scan_fail(s, AV_WHY_NUMBER, s->p, 0);
    uint64_t acc = 0;
    bool over = false;
    if (*p == '0') {
        p++;
        if (p < e && *p >= '0' && *p <= '9') return awsval__scan_fail(s, AV_WHY_LEADING_ZERO, s->p, 0);
    } else {
        while (p < e && *p >= '0' && *p <= '9') {
            unsigned d = (unsigned)(*p - '0');
            if (acc > (UINT64_MAX - d) / 10) over = true;
            else acc = acc * 10 + d;
            p++;
        }
    }
    n->integral = true;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return awsval__scan_fail(s, AV_WHY_FRACTION, p, 0);
        while (p < e && *p >= '0' && *p <= '9') p++;
        n->integral = false;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return awsval__scan_fail(s, AV_WHY_EXPONENT, p, 0);
        while (p < e && *p >= '0' && *p <= '9') p++;
        n->integral = false;
    }
    n->len = (size_t)(p - n->raw);
    n->fits = n->integral && !over &&
              (neg ? acc <= (uint64_t)INT64_MAX + 1 : acc <= (uint64_t)INT64_MAX);
    n->i = n->fits ? (neg ? (int64_t)(0 - acc) : (int64_t)acc) : 0;
    s->p = p;
    return true;
}

bool awsval__scan_key(awsval__scan *s, awsval__str *key)
{
    awsval__scan_ws(s);
    if (s->p >= s->end || *s->p != '"') return awsval__scan_fail(s, AV_WHY_KEY, s->p, 0);
    if (!awsval__scan_string(s, key)) return false;
    awsval__scan_ws(s);
    if (s->p >= s->end || *s->p != ':') return awsval__scan_fail(s, AV_WHY_COLON, s->p, 0);
    s->p++;
    awsval__scan_ws(s);
    return true;
}

/* ------------------------------------------------------------------ duplicate keys (Private) */

static inline const char *key_text(const awsval__keyref *k, const char *input, const char *text)
{
    return (k->len & AV_KEY_TEXT ? text : input) + k->off;
}

static int key_cmp(const awsval__keyref *a, const awsval__keyref *b, const char *input,
                   const char *text)
{
    if (a->pre != b->pre) return a->pre < b->pre ? -1 : 1;
    uint32_t al = a->len & ~AV_KEY_TEXT, bl = b->len & ~AV_KEY_TEXT;
    if (al != bl) return al < bl ? -1 : 1;
    if (al <= 8) return 0;
    return memcmp(key_text(a, input, text) + 8, key_text(b, input, text) + 8, al - 8);
}

static void swap_keys(awsval__keyref *a, awsval__keyref *b)
{
    awsval__keyref t = *a;
    *a = *b;
    *b = t;
}

static void sift(awsval__keyref *k, size_t root, size_t n, const char *input, const char *text)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && key_cmp(&k[child], &k[child + 1], input, text) < 0) child++;
        if (key_cmp(&k[root], &k[child], input, text) >= 0) return;
        swap_keys(&k[root], &k[child]);
        root = child;
    }
}

static void heap_sort(awsval__keyref *k, size_t n, const char *input, const char *text)
{
    for (size_t i = n / 2; i-- > 0;) sift(k, i, n, input, text);
    for (size_t end = n; end-- > 1;) {
        swap_keys(&k[0], &k[end]);
        sift(k, 0, end, input, text);
    }
}

static void intro_sort(awsval__keyref *k, size_t n, unsigned depth, const char *input,
                       const char *text)
{
    while (n > 16) {
        if (depth-- == 0) {
            heap_sort(k, n, input, text);
            return;
        }
        /* Median of the first, middle and last as the pivot, moved to k[0]. */
        size_t mid = n / 2;
        if (key_cmp(&k[mid], &k[0], input, text) < 0) swap_keys(&k[mid], &k[0]);
        if (key_cmp(&k[n - 1], &k[0], input, text) < 0) swap_keys(&k[n - 1], &k[0]);
        if (key_cmp(&k[n - 1], &k[mid], input, text) < 0) swap_keys(&k[n - 1], &k[mid]);
        swap_keys(&k[0], &k[mid]);
        /* Hoare partition around k[0]: k[1..i) <= pivot <= k(j..n). */
        size_t i = 1, j = n - 1;
        for (;;) {
            while (i <= j && key_cmp(&k[i], &k[0], input, text) < 0) i++;
            while (j >= i && key_cmp(&k[j], &k[0], input, text) > 0) j--;
            if (i >= j) break;
            swap_keys(&k[i++], &k[j--]);
        }
        swap_keys(&k[0], &k[j]);
        /* Recurse into the smaller side, loop on the larger: stack depth O(log n). */
        if (j < n - j - 1) {
            intro_sort(k, j, depth, input, text);
            k += j + 1;
            n -= j + 1;
        } else {
            intro_sort(k + j + 1, n - j - 1, depth, input, text);
            n = j;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && key_cmp(&k[j], &k[j - 1], input, text) < 0; j--)
            swap_keys(&k[j], &k[j - 1]);
}

static bool key_eq(const awsval__keyref *a, const awsval__keyref *b, const char *input,
                   const char *text)
{
    uint32_t al = a->len & ~AV_KEY_TEXT;
    return al == (b->len & ~AV_KEY_TEXT) &&
           memcmp(key_text(a, input, text), key_text(b, input, text), al) == 0;
}

long awsval__keys_duplicate(awsval__keyref *keys, size_t n, const char *input, const char *text)
{
    if (n <= AV_KEYS_LINEAR) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (key_eq(&keys[i], &keys[j], input, text)) return (long)i;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *t = (const unsigned char *)key_text(&keys[i], input, text);
        uint32_t len = keys[i].len & ~AV_KEY_TEXT;
        uint64_t pre = 0;
        if (len >= 8) {
            unsigned char b[8];
            memcpy(b, t, 8);
            for (int j = 0; j < 8; j++) pre = pre << 8 | b[j];
        } else {
            for (uint32_t j = 0; j < 8; j++) pre = pre << 8 | (j < len ? t[j] : 0);
        }
        keys[i].pre = pre;
    }
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1) depth += 2;
    intro_sort(keys, n, depth, input, text);
    for (size_t i = 1; i < n; i++)
        if (key_cmp(&keys[i], &keys[i - 1], input, text) == 0) return (long)i;
    return -1;
}
