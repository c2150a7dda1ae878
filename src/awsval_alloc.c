/* Allocation, growable buffers, bounded output, hashing, codes and version. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_internal.h"

/* ---------------------------------------------------------------- libc allocator (Private) */

static void *libc_malloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void *libc_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    (void)old;
    return realloc(p, n);
}
static void libc_free(void *ctx, void *p) { (void)ctx; free(p); }

void awsval__alc_init(awsval_alc *dst, const awsval_alc *src)
{
    if (src && src->malloc && src->free) {
        *dst = *src;
    } else {
        dst->malloc = libc_malloc;
        dst->realloc = libc_realloc;
        dst->free = libc_free;
        dst->ctx = NULL;
    }
}

void *awsval__malloc(const awsval_alc *a, size_t n) { return a->malloc(a->ctx, n ? n : 1); }

void *awsval__calloc(const awsval_alc *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    void *p = awsval__malloc(a, n * size);
    if (p) memset(p, 0, n * size > 0 ? n * size : 1);
    return p;
}

/* A pool allocator may leave realloc NULL: fall back to allocate-and-copy. */
void *awsval__realloc(const awsval_alc *a, void *p, size_t old, size_t n)
{
    if (!p) return awsval__malloc(a, n);
    if (a->realloc) return a->realloc(a->ctx, p, old, n ? n : 1);
    void *q = awsval__malloc(a, n);
    if (!q) return NULL;
    memcpy(q, p, old < n ? old : n);
    a->free(a->ctx, p);
    return q;
}

void awsval__free(const awsval_alc *a, void *p)
{
    if (p) a->free(a->ctx, p);
}

/* ------------------------------------------------------------ tracking allocator (Private) */

/* Each block carries its size in a header, so that free (which is not told the size) can count
 * it; the header keeps max_align_t alignment. */
#define TRACK_HDR (sizeof(max_align_t) > sizeof(size_t) ? sizeof(max_align_t) : sizeof(size_t))

static bool track_take(awsval__track *t, size_t n)
{
    if (n > SIZE_MAX - t->held || (t->cap && t->held + n > t->cap)) {
        t->cap_hit = t->cap && n <= SIZE_MAX - t->held;
        return false;
    }
    t->held += n;
    return true;
}

static void *track_malloc(void *ctx, size_t n)
{
    awsval__track *t = ctx;
    if (n > SIZE_MAX - TRACK_HDR || !track_take(t, n + TRACK_HDR)) return NULL;
    char *p = t->base.malloc(t->base.ctx, n + TRACK_HDR);
    if (!p) {
        t->held -= n + TRACK_HDR;
        return NULL;
    }
    memcpy(p, &n, sizeof n);
    return p + TRACK_HDR;
}

static void track_free(void *ctx, void *q)
{
    awsval__track *t = ctx;
    if (!q) return;
    char *p = (char *)q - TRACK_HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    t->held -= n + TRACK_HDR;
    t->base.free(t->base.ctx, p);
}

static void *track_realloc(void *ctx, void *q, size_t old, size_t n)
{
    awsval__track *t = ctx;
    (void)old;
    if (!q) return track_malloc(ctx, n);
    char *p = (char *)q - TRACK_HDR;
    size_t had;
    memcpy(&had, p, sizeof had);
    if (n > had && (n > SIZE_MAX - TRACK_HDR || !track_take(t, n - had))) return NULL;
    char *r = t->base.realloc ? t->base.realloc(t->base.ctx, p, had + TRACK_HDR, n + TRACK_HDR) : NULL;
    if (!r && !t->base.realloc) {
        r = t->base.malloc(t->base.ctx, n + TRACK_HDR);
        if (r) {
            memcpy(r, p, (had < n ? had : n) + TRACK_HDR);
            t->base.free(t->base.ctx, p);
        }
    }
    if (!r) {
        if (n > had) t->held -= n - had;
        return NULL;
    }
    if (n < had) t->held -= had - n;
    memcpy(r, &n, sizeof n);
    return r + TRACK_HDR;
}

void awsval__track_init(awsval__track *t, const awsval_alc *base, size_t cap)
{
    awsval__alc_init(&t->base, base);
    t->held = 0;
    t->cap = cap;
    t->cap_hit = false;
    t->alc.malloc = track_malloc;
    t->alc.realloc = track_realloc;
    t->alc.free = track_free;
    t->alc.ctx = t;
}

/* ---------------------------------------------------------------------- buffers (Private) */

bool awsval__buf_reserve(awsval__buf *b, const awsval_alc *a, size_t n)
{
    if (b->cap - b->len >= n) return true;
    if (n > SIZE_MAX / 2 - b->len) return false;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) cap *= 2;
    char *d = awsval__realloc(a, b->data, b->cap, cap);
    if (!d) return false;
    b->data = d;
    b->cap = cap;
    return true;
}

bool awsval__buf_put(awsval__buf *b, const awsval_alc *a, const void *p, size_t n)
{
    if (!awsval__buf_reserve(b, a, n)) return false;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

void awsval__buf_free(awsval__buf *b, const awsval_alc *a)
{
    awsval__free(a, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ bounded output (Private) */

static void out_raw(awsval__out *o, const void *p, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, p, n < room ? n : room);
    }
    o->len += n;
}

void awsval__out_mem(awsval__out *o, const void *p, size_t n)
{
    if (o->escape) awsval__out_json_esc(o, p, n);
    else out_raw(o, p, n);
}

void awsval__out_str(awsval__out *o, const char *s) { awsval__out_mem(o, s, strlen(s)); }
void awsval__out_chr(awsval__out *o, char c) { awsval__out_mem(o, &c, 1); }

/* For numbers and short words only: text past 256 bytes is a bug in the caller, so it is
 * caught in debug builds rather than silently cut. */
void awsval__out_fmt(awsval__out *o, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert(n >= 0 && (size_t)n < sizeof tmp);
    if (n > 0) awsval__out_mem(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void awsval__out_json_str(awsval__out *o, const char *s, size_t n)
{
    out_raw(o, "\"", 1);
    awsval__out_json_esc(o, s, n);
    out_raw(o, "\"", 1);
}

void awsval__out_json_esc(awsval__out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out_raw(o, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            el = 6;
        }
        out_raw(o, e, el);
    }
    out_raw(o, s + run, n - run);
}

awsval_code awsval__out_finish(awsval__out *o, size_t *need)
{
    if (need) *need = o->len + 1;
    if (o->cap == 0) return AWSVAL_TOOSMALL;
    if (o->len < o->cap) {
        o->buf[o->len] = '\0';
        return AWSVAL_OK;
    }
    /* Cut on a character boundary: the kept bytes stay valid UTF-8. */
    size_t k = o->cap - 1, j = k;
    while (j > 0 && ((unsigned char)o->buf[j - 1] & 0xC0) == 0x80) j--;
    if (j > 0 && (unsigned char)o->buf[j - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)o->buf[j - 1];
        size_t seq = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (j - 1 + seq > k) k = j - 1;
    }
    o->buf[k] = '\0';
    return AWSVAL_TOOSMALL;
}

/* ------------------------------------------------------------------------ hashing (Private) */

/* --------------------------------------------------------------- codes and version (Public) */

uint32_t awsval_version(void) { return AWSVAL_VERSION_HEX; }
const char *awsval_version_string(void) { return AWSVAL_VERSION_STRING; }

const char *awsval_err_name(awsval_code code)
{
#define AWSVAL__NAME(name, num, msg) case num: return #name;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__NAME) default: return NULL; }
#undef AWSVAL__NAME
}

const char *awsval_strerror(awsval_code code)
{
#define AWSVAL__MSG(name, num, msg) case num: return msg;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__MSG) default: return "unknown code"; }
#undef AWSVAL__MSG
}
