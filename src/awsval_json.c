/* The model document reader: strict RFC 8259 into an arena-allocated tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_internal.h"
#include "awsval_json.h"

#define JV_MAX_DEPTH 512

/* ------------------------------------------------------------------- arena (Private) */

typedef struct block {
    struct block *next;
    size_t used, cap;
    max_align_t data[];
} block;

struct jv_doc {
    awsval_alc alc;
    block *blocks;
    jv root;
};

static void *arena(jv_doc *d, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    block *b = d->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = awsval__malloc(&d->alc, sizeof *b + cap);
        if (!b) return NULL;
        b->next = d->blocks;
        b->used = 0;
        b->cap = cap;
        d->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void awsval__jv_free(jv_doc *d)
{
    if (!d) return;
    awsval_alc alc = d->alc;
    for (block *b = d->blocks, *next; b; b = next) {
        next = b->next;
        awsval__free(&alc, b);
    }
    awsval__free(&alc, d);
}

const jv *awsval__jv_root(const jv_doc *d) { return d ? &d->root : NULL; }

const jv *awsval__jv_get(const jv *obj, const char *key)
{
    if (!jv_is(obj, JV_OBJECT) || !key) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->len; i++) {
        const jv_member *m = &obj->u.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0) return &m->val;
    }
    return NULL;
}

/* ------------------------------------------------------------------ parser (Private) */

typedef struct parser {
    jv_doc *d;
    const char *start, *p, *end;
    awsval__buf stack; /* children of the open containers */
    const char *err;
    const char *err_at;
    bool nomem;
    char dup[96]; /* the message for a duplicate key, which names it */
} parser;

static bool perr(parser *ps, const char *at, const char *msg)
{
    if (!ps->err) {
        ps->err = msg;
        ps->err_at = at;
    }
    return false;
}

static bool oom(parser *ps)
{
    ps->nomem = true;
    return perr(ps, ps->p, "out of memory");
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Reads the string at ps->p ('"') into the arena. */
static bool read_string(parser *ps, const char **out, size_t *out_len)
{
    const char *q = ps->p + 1, *open = ps->p;
    const char *close = q;
    while (close < ps->end && *close != '"') close += (*close == '\\' && close + 1 < ps->end) ? 2 : 1;
    if (close >= ps->end) return perr(ps, open, "unterminated string");
    char *dst = arena(ps->d, (size_t)(close - q) + 1);
    if (!dst) return oom(ps);
    size_t n = 0;
    while (q < close) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20) return perr(ps, q, "control character in string");
        if (c >= 0x80) {
            size_t k = awsval__utf8_seq((const unsigned char *)q, 0, (size_t)(close - q));
            if (!k) return perr(ps, q, "invalid UTF-8 in string");
            memcpy(dst + n, q, k);
            n += k;
            q += k;
            continue;
        }
        if (c != '\\') {
            dst[n++] = (char)c;
            q++;
            continue;
        }
        const char *msg;
        uint32_t cp;
        size_t used = awsval__json_escape(q, close, dst, &n, &cp, &msg);
        if (!used) return perr(ps, q, msg);
        /* Names are C strings; a model has no use for NUL. */
        if (cp == 0) return perr(ps, q, "\\u0000 is not allowed in a model");
        q += used;
    }
    dst[n] = '\0';
    *out = dst;
    *out_len = n;
    ps->p = close + 1;
    return true;
}

static bool read_number(parser *ps, jv *v)
{
    const char *p = ps->p, *e = ps->end, *s = p;
    if (p < e && *p == '-') p++;
    if (p >= e || *p < '0' || *p > '9') return perr(ps, s, "invalid number");
    if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9') return perr(ps, s, "leading zero in number");
    while (p < e && *p >= '0' && *p <= '9') p++;
    bool integral = true;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return perr(ps, p, "digit expected after decimal point");
        while (p < e && *p >= '0' && *p <= '9') p++;
        integral = false;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return perr(ps, p, "digit expected in exponent");
        while (p < e && *p >= '0' && *p <= '9') p++;
        integral = false;
    }
    char buf[64];
    size_t n = (size_t)(p - s);
    if (n >= sizeof buf) return perr(ps, s, "number too long for a model");
    memcpy(buf, s, n);
    buf[n] = '\0';
    ps->p = p;
    if (integral) {
        char *end;
        errno = 0;
        long long i = strtoll(buf, &end, 10);
        if (errno == 0) {
            v->type = JV_INT;
            v->u.i = i;
            return true;
        }
    }
    v->type = JV_REAL;
    v->u.d = strtod(buf, NULL);
    return true;
}

static int cmp_member(const void *a, const void *b)
{
    const jv_member *x = *(const jv_member *const *)a, *y = *(const jv_member *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static bool duplicate(parser *ps, const jv_member *m, const char *at)
{
    snprintf(ps->dup, sizeof ps->dup, "duplicate key \"%.*s\" in the object",
             m->key_len > 60 ? 60 : (int)m->key_len, m->key);
    return perr(ps, at, ps->dup);
}

/* Duplicate keys: pairwise for small objects, by sorting pointers for large ones. */
static bool check_duplicates(parser *ps, const jv_member *ms, size_t n, const char *at)
{
    if (n <= 8) {
        for (size_t i = 0; i < n; i++)
            for (size_t k = i + 1; k < n; k++)
                if (ms[i].key_len == ms[k].key_len && memcmp(ms[i].key, ms[k].key, ms[i].key_len) == 0)
                    return duplicate(ps, &ms[i], at);
        return true;
    }
    const jv_member **idx = awsval__malloc(&ps->d->alc, n * sizeof *idx);
    if (!idx) return oom(ps);
    for (size_t i = 0; i < n; i++) idx[i] = &ms[i];
    qsort(idx, n, sizeof *idx, cmp_member);
    const jv_member *dup = NULL;
    for (size_t i = 1; i < n && !dup; i++)
        if (cmp_member(&idx[i - 1], &idx[i]) == 0) dup = idx[i];
    awsval__free(&ps->d->alc, idx);
    return dup ? duplicate(ps, dup, at) : true;
}

static bool read_value(parser *ps, jv *v, unsigned depth);

/* Moves the top `n` children (of `size` bytes each) from the stack into the arena. */
static void *take_children(parser *ps, size_t mark, size_t size, size_t *n)
{
    *n = (ps->stack.len - mark) / size;
    void *dst = NULL;
    if (*n) {
        dst = arena(ps->d, *n * size);
        if (!dst) {
            oom(ps);
            return NULL;
        }
        memcpy(dst, ps->stack.data + mark, *n * size);
    }
    ps->stack.len = mark;
    return dst;
}

static bool read_container(parser *ps, jv *v, unsigned depth)
{
    bool obj = *ps->p == '{';
    const char *open = ps->p;
    if (depth >= JV_MAX_DEPTH) return perr(ps, open, "nesting too deep");
    size_t mark = ps->stack.len, size = obj ? sizeof(jv_member) : sizeof(jv);
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
        ps->p++;
    } else {
        for (;;) {
            jv_member m;
            memset(&m, 0, sizeof m);
            if (obj) {
                if (ps->p >= ps->end || *ps->p != '"') return perr(ps, ps->p, "object key (a string) expected");
                if (!read_string(ps, &m.key, &m.key_len)) return false;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':') return perr(ps, ps->p, "':' expected");
                ps->p++;
            }
            jv item;
            if (!read_value(ps, &item, depth + 1)) return false;
            m.val = item;
            if (!awsval__buf_put(&ps->stack, &ps->d->alc, obj ? (void *)&m : (void *)&item, size))
                return oom(ps);
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                skip_ws(ps);
                continue;
            }
            if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
                ps->p++;
                break;
            }
            return perr(ps, ps->p, obj ? "',' or '}' expected" : "',' or ']' expected");
        }
    }
    size_t n;
    void *children = take_children(ps, mark, size, &n);
    if (n && !children) return false;
    v->type = obj ? JV_OBJECT : JV_ARRAY;
    v->len = n;
    if (obj) {
        v->u.members = children;
        return check_duplicates(ps, children, n, open);
    }
    v->u.items = children;
    return true;
}

static bool read_value(parser *ps, jv *v, unsigned depth)
{
    skip_ws(ps);
    memset(v, 0, sizeof *v);
    if (ps->p >= ps->end) return perr(ps, ps->p, "value expected");
    switch (*ps->p) {
    case '{':
    case '[':
        return read_container(ps, v, depth);
    case '"':
        v->type = JV_STRING;
        return read_string(ps, &v->u.s, &v->len);
    case 't':
    case 'f':
    case 'n': {
        static const struct { const char *w; size_t n; uint8_t t; } lits[] = {
            {"true", 4, JV_TRUE}, {"false", 5, JV_FALSE}, {"null", 4, JV_NULL}};
        for (size_t i = 0; i < 3; i++) {
            if ((size_t)(ps->end - ps->p) >= lits[i].n && memcmp(ps->p, lits[i].w, lits[i].n) == 0) {
                ps->p += lits[i].n;
                v->type = lits[i].t;
                return true;
            }
        }
        return perr(ps, ps->p, "invalid literal");
    }
    default:
        return read_number(ps, v);
    }
}

/* ------------------------------------------------------------------- entry (Internal) */

jv_doc *awsval__jv_parse(const char *text, size_t len, const awsval_alc *alc, size_t *pos,
                 char *msg, size_t msgcap, bool *nomem)
{
    *pos = 0;
    if (msgcap) msg[0] = '\0';
    *nomem = false;
    jv_doc *d = awsval__calloc(alc, 1, sizeof *d);
    if (!d) {
        snprintf(msg, msgcap, "out of memory");
        *nomem = true;
        return NULL;
    }
    d->alc = *alc;
    parser ps = {.d = d, .start = text, .p = text, .end = text + len};
    bool ok = read_value(&ps, &d->root, 0);
    if (ok) {
        skip_ws(&ps);
        if (ps.p < ps.end) ok = perr(&ps, ps.p, "trailing characters after the JSON value");
    }
    awsval__buf_free(&ps.stack, alc);
    if (!ok) {
        *pos = (size_t)(ps.err_at - text);
        snprintf(msg, msgcap, "%s", ps.err);
        *nomem = ps.nomem;
        awsval__jv_free(d);
        return NULL;
    }
    return d;
}
