/* Allocation: the allocator hooks, a counting and capping allocator for contexts, growable
 * buffers. */
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

size_t awsval__track_cost(size_t n) { return n + TRACK_HDR; }

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

bool awsval__grow(const awsval_alc *a, void **arr, size_t *cap, size_t want, size_t size)
{
    if (*cap >= want) return true;
    size_t n = *cap ? *cap : 16;
    while (n < want) {
        if (n > SIZE_MAX / 2 / size) return false;
        n *= 2;
    }
    void *p = awsval__realloc(a, *arr, *cap * size, n * size);
    if (!p) return false;
    *arr = p;
    *cap = n;
    return true;
}
