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
    o->buf[o->cap - 1] = '\0';
    return AWSVAL_TOOSMALL;
}

/* ------------------------------------------------------------------------ hashing (Private) */

/* --------------------------------------------------------------- codes and version (Public) */

uint32_t awsval_version(void) { return AWSVAL_VERSION_HEX; }
const char *awsval_version_string(void) { return AWSVAL_VERSION_STRING; }

const char *awsval_err_name(awsval_code code)
{
#define AWSVAL__NAME(name, num, msg) case num: return #name;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__NAME) default: return "UNKNOWN"; }
#undef AWSVAL__NAME
}

const char *awsval_strerror(awsval_code code)
{
#define AWSVAL__MSG(name, num, msg) case num: return msg;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__MSG) default: return "unknown result code"; }
#undef AWSVAL__MSG
}
