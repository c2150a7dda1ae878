/* The one-pass checker: a strict RFC 8259 scanner that follows the shape graph as it descends.
 *
 * The input is read once, front to back, and no tree is built. Strings are validated as UTF-8
 * and measured in code points while they are scanned; only strings with escapes are copied
 * (unescaped) into the context's scratch. Every object's keys go into a generation-stamped
 * hash table, so duplicate keys are found in constant time per key without clearing anything
 * between checks. All scratch is sized from the input length when a check starts, so pointers
 * into it stay valid for the whole check and a context that has seen an input this large
 * allocates nothing more. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_internal.h"

/* ------------------------------------------------------------------ check state (Private) */

typedef struct st {
    awsval_ctx *c;
    const awsval_model *m;
    const char *start, *p, *end;
    uint32_t depth;
    uint32_t objects;   /* objects opened so far: ids for the duplicate-key table */
    size_t text_top;    /* bytes of ctx->text in use (keys of open objects, then one value) */
    size_t seen_top;    /* words of ctx->seen in use */
    size_t item_top;    /* entries of ctx->items in use */
    uint32_t seen_words;
    bool stop;          /* a parse error: unwind */
    bool nomem;
    const awsval__bound *bound; /* HTTP-bound members of the top-level input */
    size_t nbound;
    bool http;          /* the top-level input comes from an HTTP request */
} st;

/* How a value is being checked: which member or map position it is, for paths and wording. */
typedef struct vinfo {
    uint32_t vflags;  /* AWSVAL_VIOLATION_* */
} vinfo;


/* ------------------------------------------------------------- recording (Private) */

static size_t arena_put(st *s, const void *p, size_t n)
{
    awsval__buf *a = &s->c->varena;
    size_t off = a->len;
    if (!awsval__buf_put(a, &s->c->alc, p, n) || !awsval__buf_put(a, &s->c->alc, "", 1)) {
        s->nomem = true;
        return 0;
    }
    return off;
}

/* Appends a JSON Pointer token (RFC 6901: ~ -> ~0, / -> ~1). */
static bool put_token(awsval__buf *a, const awsval_alc *alc, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *r = t[i] == '~' ? "~0" : t[i] == '/' ? "~1" : NULL;
        if (!(r ? awsval__buf_put(a, alc, r, 2) : awsval__buf_put(a, alc, t + i, 1))) return false;
    }
    return true;
}

/* Writes the JSON Pointer and the AWS member path of segments [0, nseg) into the arena.
 * AWS paths dot members and write list items 1-based as "items.1.member"; a map entry's key
 * stands as a member name, except as the last segment, which the wording ("Map keys/value
 * must satisfy ...") names instead. */
static void put_paths(st *s, uint32_t nseg, size_t *ptr_off, size_t *aws_off)
{
    awsval__buf *a = &s->c->varena;
    const awsval_alc *alc = &s->c->alc;
    bool ok = true;
    *ptr_off = a->len;
    for (uint32_t i = 0; ok && i < nseg; i++) {
        const awsval__seg *g = &s->c->path[i];
        ok = awsval__buf_put(a, alc, "/", 1);
        if (g->kind == AV_SEG_INDEX) {
            char num[16];
            int n = snprintf(num, sizeof num, "%" PRIu32, g->index);
            ok = ok && awsval__buf_put(a, alc, num, (size_t)n);
        } else if (g->redact) {
            ok = ok && awsval__buf_put(a, alc, "*", 1);
        } else {
            ok = ok && put_token(a, alc, g->name, g->len);
        }
    }
    ok = ok && awsval__buf_put(a, alc, "", 1);
    *aws_off = a->len;
    bool first = true;
    for (uint32_t i = 0; ok && i < nseg; i++) {
        const awsval__seg *g = &s->c->path[i];
        if (g->kind == AV_SEG_KEY && i + 1 == nseg) break;
        if (!first) ok = awsval__buf_put(a, alc, ".", 1);
        first = false;
        if (g->kind == AV_SEG_INDEX) {
            char num[24];
            int n = snprintf(num, sizeof num, "%" PRIu32 ".member", g->index + 1);
            ok = ok && awsval__buf_put(a, alc, num, (size_t)n);
        } else if (g->redact) {
            ok = ok && awsval__buf_put(a, alc, "*", 1);
        } else {
            ok = ok && awsval__buf_put(a, alc, g->name, g->len);
        }
    }
    ok = ok && awsval__buf_put(a, alc, "", 1);
    if (!ok) s->nomem = true;
}

/* Records a violation of the value at path segments [0, nseg). `echo`/`echo_len` is the value as
 * the service would print it (NULL: not echoed). Returns the record, or NULL when over the cap
 * (it is still counted). */
static awsval__viol *record(st *s, uint32_t nseg, uint32_t kind, uint32_t source, int32_t shape,
                            uint32_t vflags, const char *echo, size_t echo_len, size_t off,
                            size_t len)
{
    awsval_ctx *c = s->c;
    c->viol_total++;
    if (kind == AWSVAL_KIND_TYPE) c->type_failed = true;
    if (kind == AWSVAL_KIND_LIMIT) c->limit_hit = true;
    if (c->viol_count >= c->opts.max_violations) return NULL;
    awsval__viol *v = &c->viols[c->viol_count++];
    memset(v, 0, sizeof *v);
    v->v.kind = kind;
    v->v.source = source;
    v->v.flags = vflags;
    v->v.actual = -1;
    v->v.offset = off;
    v->v.length = len;
    v->pattern = -1;
    v->shape = shape;
    v->shape_name = shape >= 0 ? s->m->shapes[shape].name : 0;
    put_paths(s, nseg, &v->pointer, &v->aws_path);
    v->value = SIZE_MAX;
    if (echo && !(vflags & AWSVAL_VIOLATION_SENSITIVE)) v->value = arena_put(s, echo, echo_len);
    v->constraint = SIZE_MAX;
    return v;
}

/* Composes the AWS constraint text once the record's parameters are set. */
static void finish(st *s, awsval__viol *v)
{
    if (!v) return;
    char tmp[512];
    awsval__out o = {tmp, sizeof tmp, 0, false};
    awsval__aws_constraint(&o, s->m, v);
    if (o.len < sizeof tmp) {
        v->constraint = arena_put(s, tmp, o.len);
        return;
    }
    /* Long texts (patterns, enum lists) take a second pass into the arena itself. */
    awsval__buf *a = &s->c->varena;
    if (!awsval__buf_reserve(a, &s->c->alc, o.len + 1)) {
        s->nomem = true;
        return;
    }
    awsval__out o2 = {a->data + a->len, o.len + 1, 0, false};
    awsval__aws_constraint(&o2, s->m, v);
    v->constraint = a->len;
    a->len += o.len + 1;
    a->data[a->len - 1] = '\0';
}

static void parse_error(st *s, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void parse_error(st *s, const char *at, const char *fmt, ...)
{
    if (s->stop) return;
    s->stop = true;
    awsval_ctx *c = s->c;
    /* A request that cannot be parsed gets that answer alone, as from the service. */
    c->viol_count = c->viol_total = 0;
    c->varena.len = 0;
    c->type_failed = c->limit_hit = false;
    c->parse_failed = true;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t off = (size_t)(at - s->start);
    awsval__viol *v = record(s, 0, AWSVAL_KIND_PARSE, AWSVAL_SOURCE_MODEL, -1, 0, NULL, 0, off, 0);
    if (v) v->constraint = arena_put(s, msg, strlen(msg));
}

/* --------------------------------------------------------------------- scanner (Private) */

static inline void ws(st *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* A scanned string. `s` points into the input (no escapes) or into ctx->text. */
typedef struct jstr {
    const char *s;
    size_t len;
    int64_t cps;
    const char *raw; /* the opening quote */
    size_t raw_len;  /* quotes included */
} jstr;

/* Bytes that end a plain run inside a string: '"', '\\', controls, and non-ASCII (validated
 * one sequence at a time). Eight bytes at a time; the lowest flagged byte is exact. */
static inline uint64_t special_bytes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w) & high;
}

/* Scans the string at s->p (which is '"'), validating UTF-8 and counting code points in the
 * same pass. Unescaped text, if any, is pushed on ctx->text at text_top; the caller decides
 * whether to keep it (keys) or pop it (values). */
static bool scan_string(st *s, jstr *out)
{
    const unsigned char *q = (const unsigned char *)s->p + 1, *seg = q;
    const unsigned char *end = (const unsigned char *)s->end;
    char *dst = NULL; /* set once an escape is seen */
    size_t dlen = 0;
    int64_t cps = 0;
    out->raw = s->p;
    for (;;) {
        while (end - q >= 8) {
            uint64_t w;
            memcpy(&w, q, 8);
            uint64_t m = special_bytes(w);
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
        if (q >= end) {
            parse_error(s, out->raw, "unterminated string");
            return false;
        }
        unsigned char ch = *q;
        if (ch >= 0x80) {
            /* Non-Latin text comes in runs: stay in this loop while it lasts. */
            do {
                size_t k = awsval__utf8_seq(q, 0, (size_t)(end - q));
                if (!k) {
                    parse_error(s, (const char *)q, "invalid UTF-8 in string");
                    return false;
                }
                q += k;
                cps++;
            } while (q < end && *q >= 0x80);
            continue;
        }
        if (dst) {
            memcpy(dst + dlen, seg, (size_t)(q - seg));
            dlen += (size_t)(q - seg);
        }
        if (ch == '"') break;
        if (ch < 0x20) {
            parse_error(s, (const char *)q, "control character U+%04X in string must be escaped", ch);
            return false;
        }
        /* A backslash: from here on the string is copied, unescaped. */
        if (!dst) {
            dst = s->c->text + s->text_top;
            dlen = (size_t)(q - ((const unsigned char *)s->p + 1));
            memcpy(dst, s->p + 1, dlen);
        }
        const char *msg;
        uint32_t cp;
        size_t used = awsval__json_escape((const char *)q, s->end, dst, &dlen, &cp, &msg);
        if (!used) {
            char e = q + 1 < end ? (char)q[1] : '\0';
            if (e && e != 'u') /* name the character: "invalid escape '\x'" */
                parse_error(s, (const char *)q, "%s '\\%c'", msg, e >= 0x20 && e < 0x7f ? e : '?');
            else
                parse_error(s, (const char *)q, "%s", msg);
            return false;
        }
        q += used;
        cps++;
        seg = q;
    }
    out->raw_len = (size_t)((const char *)q + 1 - out->raw);
    out->cps = cps;
    if (dst) {
        out->s = dst;
        out->len = dlen;
    } else {
        out->s = s->p + 1;
        out->len = (size_t)((const char *)q - (s->p + 1));
    }
    s->p = (const char *)q + 1;
    return true;
}

/* A scanned number. */
typedef struct jnum {
    const char *raw;
    size_t len;
    bool integral;   /* no fraction or exponent */
    bool fits;       /* integral and within int64 */
    int64_t i;
} jnum;

static bool scan_number(st *s, jnum *n)
{
    const char *p = s->p, *e = s->end;
    n->raw = p;
    bool neg = false;
    if (p < e && *p == '-') { neg = true; p++; }
    if (p >= e || *p < '0' || *p > '9') {
        parse_error(s, s->p, "invalid number");
        return false;
    }
    uint64_t acc = 0;
    bool over = false;
    if (*p == '0') {
        p++;
        if (p < e && *p >= '0' && *p <= '9') {
            parse_error(s, s->p, "leading zero in number");
            return false;
        }
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
        if (p >= e || *p < '0' || *p > '9') {
            parse_error(s, p, "digit expected after decimal point");
            return false;
        }
        while (p < e && *p >= '0' && *p <= '9') p++;
        n->integral = false;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') {
            parse_error(s, p, "digit expected in exponent");
            return false;
        }
        while (p < e && *p >= '0' && *p <= '9') p++;
        n->integral = false;
    }
    n->len = (size_t)(p - n->raw);
    n->fits = n->integral && !over && (neg ? acc <= (uint64_t)INT64_MAX + 1 : acc <= (uint64_t)INT64_MAX);
    n->i = n->fits ? (neg ? (int64_t)(0 - acc) : (int64_t)acc) : 0;
    s->p = p;
    return true;
}

/* The number's value as a double (numbers are short; longer ones are read through scratch). */
static double num_double(st *s, const jnum *n)
{
    char buf[64];
    char *b = buf;
    if (n->len >= sizeof buf) b = s->c->text + s->text_top;
    memcpy(b, n->raw, n->len);
    b[n->len] = '\0';
    return strtod(b, NULL);
}

static bool literal(st *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) {
        parse_error(s, s->p, "invalid literal");
        return false;
    }
    s->p += n;
    return true;
}

/* Inserts a key of object `obj` into the duplicate table; false if it was there already. */
static bool key_insert(st *s, uint32_t obj, const char *k, size_t n, uint32_t h)
{
    awsval_ctx *c = s->c;
    size_t mask = c->keys_cap - 1, i = (h ^ (obj * 0x9E3779B1u)) & mask;
    for (;;) {
        awsval__keyent *e = &c->keys[i];
        if (e->gen != c->gen) {
            e->gen = c->gen;
            e->object = obj;
            e->hash = h;
            e->len = (uint32_t)n;
            e->key = k;
            return true;
        }
        if (e->object == obj && e->hash == h && e->len == n && memcmp(e->key, k, n) == 0) return false;
        i = (i + 1) & mask;
    }
}

/* ------------------------------------------------------------ constraint checks (Private) */

static void length_check(st *s, uint32_t nseg, int32_t si, uint32_t vflags, int64_t actual,
                         const char *echo, size_t echo_len, size_t off, size_t len)
{
    const awsval__shape *sh = &s->m->shapes[si];
    bool lo = (sh->flags & AV_SF_MIN) && actual < sh->min;
    bool hi = (sh->flags & AV_SF_MAX) && actual > sh->max;
    if (!lo && !hi) return;
    awsval__viol *v = record(s, nseg, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_MODEL, si, vflags, echo,
                             echo_len, off, len);
    if (!v) return;
    v->v.actual = actual;
    v->bounds = lo ? 1 : 2;
    v->min_text = (sh->flags & AV_SF_MIN) ? sh->min_text : 0;
    v->max_text = (sh->flags & AV_SF_MAX) ? sh->max_text : 0;
    finish(s, v);
}

/* The fast path of a single-class pattern for an all-ASCII value (see awsval__pattern). */
static int fast_match(const awsval__pattern *p, const char *str, size_t n)
{
    if (n < p->qmin || n > p->qmax) return AWSVAL__RE_NOMATCH;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)str[i];
        if (!((p->ascii[c >> 6] >> (c & 63)) & 1)) return AWSVAL__RE_NOMATCH;
    }
    return AWSVAL__RE_MATCH;
}

static void pattern_check(st *s, uint32_t nseg, int32_t si, int32_t pi, uint32_t source,
                          uint32_t message, uint32_t vflags, const char *str, size_t n,
                          int64_t cps, size_t off, size_t len)
{
    const awsval__pattern *p = &s->m->patterns[pi];
    int r = p->fast && (size_t)cps == n ? fast_match(p, str, n)
                                        : awsval__regex_match(p->re, str, n, s->c->rx);
    if (r == AWSVAL__RE_MATCH) return;
    if (r == AWSVAL__RE_LIMIT || r == AWSVAL__RE_ERROR) {
        if (s->c->flags & AWSVAL_CHECK_LIMIT_OPEN) return;
        awsval__viol *v = record(s, nseg, AWSVAL_KIND_LIMIT, source, si, vflags, str, n, off, len);
        if (v) {
            v->pattern = pi;
            finish(s, v);
        }
        return;
    }
    awsval__viol *v = record(s, nseg, AWSVAL_KIND_PATTERN, source, si, vflags, str, n, off, len);
    if (!v) return;
    v->pattern = pi;
    if (message) v->constraint = arena_put(s, AV_STR(s->m, message), strlen(AV_STR(s->m, message)));
    else finish(s, v);
}

/* Documented (overlay) rules of a string shape. */
static void doc_checks(st *s, uint32_t nseg, int32_t si, uint32_t vflags, const char *str,
                       size_t n, int64_t cps, size_t off, size_t len)
{
    const awsval__shape *sh = &s->m->shapes[si];
    for (uint32_t k = 0; k < sh->doc_count; k++) {
        const awsval__doc_rule *r = &s->m->docs[sh->doc_first + k];
        if (r->form == AV_DOC_REGEX) {
            pattern_check(s, nseg, si, r->pattern, AWSVAL_SOURCE_DOCUMENTED, r->message, vflags,
                          str, n, cps, off, len);
        } else if (r->form == AV_DOC_PREFIX || r->form == AV_DOC_CHARSET) {
            bool bad = r->form == AV_DOC_PREFIX
                           ? n >= r->prefix_len && memcmp(str, AV_STR(s->m, r->prefix), r->prefix_len) == 0
                           : !awsval__charset_all(&r->chars, s->m->bmp + (size_t)r->chars.bmp * AV_BMP_WORDS, str, n);
            if (bad) {
                awsval__viol *v = record(s, nseg, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED,
                                         si, vflags, str, n, off, len);
                if (v) v->constraint = arena_put(s, AV_STR(s->m, r->message), strlen(AV_STR(s->m, r->message)));
            }
        } else if ((r->min >= 0 && cps < r->min) || (r->max >= 0 && cps > r->max)) {
            awsval__viol *v = record(s, nseg, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_DOCUMENTED, si,
                                     vflags, str, n, off, len);
            if (v) {
                v->v.actual = cps;
                v->constraint = arena_put(s, AV_STR(s->m, r->message), strlen(AV_STR(s->m, r->message)));
            }
        }
    }
}

/* Constraints of a string value (enum, length in code points, pattern, documented rules). */
static void string_checks(st *s, uint32_t nseg, int32_t si, uint32_t vflags, const char *str,
                          size_t n, int64_t cps, size_t off, size_t len)
{
    const awsval__shape *sh = &s->m->shapes[si];
    if (sh->enum_count) {
        bool found = false;
        for (uint32_t k = 0; k < sh->enum_count && !found; k++) {
            const awsval__enum *e = &s->m->enums[sh->enum_first + k];
            found = e->len == n && memcmp(AV_STR(s->m, e->str), str, n) == 0;
        }
        if (!found) finish(s, record(s, nseg, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL, si, vflags,
                                     str, n, off, len));
    }
    length_check(s, nseg, si, vflags, cps, str, n, off, len);
    if (sh->pattern >= 0)
        pattern_check(s, nseg, si, sh->pattern, AWSVAL_SOURCE_MODEL, 0, vflags, str, n, cps, off,
                      len);
    if (sh->doc_count) doc_checks(s, nseg, si, vflags, str, n, cps, off, len);
}

/* Base64 (RFC 4648, standard alphabet; padding optional): the decoded length, or -1. */
static int64_t base64_len(const char *p, size_t n)
{
    size_t pad = 0;
    while (n > 0 && p[n - 1] == '=' && pad < 2) { n--; pad++; }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '+' || ch == '/';
        if (!ok) return -1;
    }
    if (n % 4 == 1 || (pad && (n + pad) % 4 != 0)) return -1;
    return (int64_t)(n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0));
}

static bool digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

/* RFC 3339 date-time: 2024-01-31T12:00:00(.123)?(Z|+01:00). */
static bool rfc3339(const char *p, size_t n)
{
    if (n < 20 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
        !digits(p + 8, 2) || (p[10] != 'T' && p[10] != 't') || !digits(p + 11, 2) ||
        p[13] != ':' || !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2))
        return false;
    int mo = (p[5] - '0') * 10 + (p[6] - '0'), d = (p[8] - '0') * 10 + (p[9] - '0');
    int h = (p[11] - '0') * 10 + (p[12] - '0'), mi = (p[14] - '0') * 10 + (p[15] - '0');
    int sec = (p[17] - '0') * 10 + (p[18] - '0');
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
    size_t i = 19;
    if (i < n && p[i] == '.') {
        i++;
        size_t k = i;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
        if (i == k) return false;
    }
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) return i + 1 == n;
    if (i + 6 == n && (p[i] == '+' || p[i] == '-') && digits(p + i + 1, 2) && p[i + 3] == ':' &&
        digits(p + i + 4, 2))
        return true;
    return false;
}

/* ------------------------------------------------------------------ descent (Private) */

static void value(st *s, int32_t si, uint32_t nseg, uint32_t vflags);
static void range_violation(st *s, uint32_t nseg, int32_t si, uint32_t vflags, bool below,
                            const char *echo, size_t echo_len, size_t off, size_t len);

static const char *const type_words[] = {
    [AV_T_STRUCTURE] = "a structure", [AV_T_LIST] = "a list", [AV_T_MAP] = "a map",
    [AV_T_STRING] = "a string", [AV_T_BOOLEAN] = "a boolean", [AV_T_BYTE] = "a byte",
    [AV_T_SHORT] = "a short", [AV_T_INTEGER] = "an integer", [AV_T_LONG] = "a long",
    [AV_T_FLOAT] = "a float", [AV_T_DOUBLE] = "a double", [AV_T_BIGINTEGER] = "a big integer",
    [AV_T_BIGDECIMAL] = "a big decimal", [AV_T_TIMESTAMP] = "a timestamp", [AV_T_BLOB] = "a blob",
};

/* The value at s->p does not fit shape si: scan it as untyped JSON, then record it. */
/* Echoes the value json[start, start+len) as Java's toString prints it (lists, maps, values
 * that do not fit their type), unless it is sensitive. */
static void container_echo(st *s, awsval__viol *v, const char *start, size_t len, uint32_t vflags)
{
    if (!v || (vflags & AWSVAL_VIOLATION_SENSITIVE)) return;
    awsval__out o = {NULL, 0, 0, false};
    awsval__java_text(&o, start, len);
    awsval__buf *a = &s->c->varena;
    if (!awsval__buf_reserve(a, &s->c->alc, o.len + 1)) {
        s->nomem = true;
        return;
    }
    awsval__out o2 = {a->data + a->len, o.len + 1, 0, false};
    awsval__java_text(&o2, start, len);
    v->value = a->len;
    a->len += o.len;
    a->data[a->len++] = '\0';
}

/* The value at s->p does not fit shape si: scan it as untyped JSON, then record it. */
static void type_mismatch(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const char *start = s->p;
    value(s, -1, nseg, vflags);
    if (s->stop) return;
    size_t off = (size_t)(start - s->start), len = (size_t)(s->p - start);
    awsval__viol *v = record(s, nseg, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL, si, vflags, NULL, 0,
                             off, len);
    container_echo(s, v, start, len, vflags);
    finish(s, v);
}

static bool enter(st *s)
{
    if (++s->depth > s->c->opts.max_depth) {
        parse_error(s, s->p, "nesting deeper than %" PRIu32 " levels", s->c->opts.max_depth);
        return false;
    }
    return true;
}

/* Reads `"key" :` at s->p inside object `obj`; the key text stays on ctx->text. */
static bool object_key(st *s, uint32_t obj, jstr *k, uint32_t *hash)
{
    if (s->p >= s->end || *s->p != '"') {
        parse_error(s, s->p, "object key (a string) expected");
        return false;
    }
    if (!scan_string(s, k)) return false;
    if (k->s == s->c->text + s->text_top) s->text_top += k->len;
    *hash = awsval__hash(k->s, k->len);
    if (!key_insert(s, obj, k->s, k->len, *hash)) {
        parse_error(s, k->raw, "duplicate key \"%.*s\"", k->len > 64 ? 64 : (int)k->len, k->s);
        return false;
    }
    ws(s);
    if (s->p >= s->end || *s->p != ':') {
        parse_error(s, s->p, "':' expected after object key");
        return false;
    }
    s->p++;
    ws(s);
    return true;
}

/* After a member: ',' (more) or '}' / ']' (done). Returns 1 more, 0 done, -1 error. */
static int next_item(st *s, char close)
{
    ws(s);
    if (s->p < s->end && *s->p == ',') {
        s->p++;
        ws(s);
        return 1;
    }
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    parse_error(s, s->p, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
    return -1;
}

/* ------------------------------------------------------------ HTTP-bound members (Private) */

/* An HTTP timestamp: RFC 3339, IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") or epoch seconds.
 * Any of the three is accepted wherever the member is bound: on the safe side. */
static bool http_date(const char *p, size_t n)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (n != 29 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' || p[11] != ' ' || p[16] != ' ' ||
        p[19] != ':' || p[22] != ':' || p[25] != ' ' || memcmp(p + 26, "GMT", 3) != 0)
        return false;
    bool day = false, month = false;
    for (int i = 0; i < 7; i++) day |= memcmp(p, days[i], 3) == 0;
    for (int i = 0; i < 12; i++) month |= memcmp(p + 8, months[i], 3) == 0;
    return day && month && digits(p + 5, 2) && digits(p + 12, 4) && digits(p + 17, 2) &&
           digits(p + 20, 2) && digits(p + 23, 2);
}

/* An integer in decimal text, as the restJson1 protocol writes them outside the body. */
static bool text_int(const char *p, size_t n, int64_t *out)
{
    size_t i = p && n && p[0] == '-' ? 1 : 0;
    if (i == n || n - i > 19) return false;
    uint64_t acc = 0;
    for (size_t k = i; k < n; k++) {
        if (p[k] < '0' || p[k] > '9') return false;
        acc = acc * 10 + (uint64_t)(p[k] - '0');
    }
    if (acc > (uint64_t)INT64_MAX + (i ? 1 : 0)) return false;
    *out = i ? (int64_t)(0 - acc) : (int64_t)acc;
    return true;
}

/* Records a type violation for a bound string that does not read as the member's type. */
static void bound_type(st *s, uint32_t nseg, int32_t si, uint32_t vflags, const char *str, size_t n)
{
    finish(s, record(s, nseg, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL, si, vflags, str, n, 0, n));
}

/* Checks one bound string as a value of shape si. */
static void bound_scalar(st *s, uint32_t nseg, int32_t si, uint32_t vflags, const char *str, size_t n)
{
    const awsval__shape *sh = &s->m->shapes[si];
    /* Percent-decoding and header bytes can make anything: what is not UTF-8 is no value of any
     * type, and is never echoed (a report must stay UTF-8). */
    int64_t cps = awsval__utf8_count(str, n, NULL);
    if (cps < 0) {
        bound_type(s, nseg, si, vflags, NULL, 0);
        return;
    }
    switch (sh->type) {
    case AV_T_STRING:
        string_checks(s, nseg, si, vflags, str, n, cps, 0, n);
        return;
    case AV_T_BOOLEAN:
        if (!((n == 4 && memcmp(str, "true", 4) == 0) || (n == 5 && memcmp(str, "false", 5) == 0)))
            bound_type(s, nseg, si, vflags, str, n);
        return;
    case AV_T_BYTE:
    case AV_T_SHORT:
    case AV_T_INTEGER:
    case AV_T_LONG:
    case AV_T_BIGINTEGER: {
        int64_t v;
        int64_t lo = sh->type == AV_T_BYTE ? INT8_MIN : sh->type == AV_T_SHORT ? INT16_MIN
                   : sh->type == AV_T_INTEGER ? INT32_MIN : INT64_MIN;
        int64_t hi = sh->type == AV_T_BYTE ? INT8_MAX : sh->type == AV_T_SHORT ? INT16_MAX
                   : sh->type == AV_T_INTEGER ? INT32_MAX : INT64_MAX;
        if (!text_int(str, n, &v) || v < lo || v > hi) {
            if (sh->type != AV_T_BIGINTEGER || !text_int(str, n, &v)) bound_type(s, nseg, si, vflags, str, n);
            return;
        }
        bool below = (sh->flags & AV_SF_MIN) && v < sh->min, above = (sh->flags & AV_SF_MAX) && v > sh->max;
        if (below || above) range_violation(s, nseg, si, vflags, below, str, n, 0, n);
        return;
    }
    case AV_T_FLOAT:
    case AV_T_DOUBLE:
    case AV_T_BIGDECIMAL: {
        char buf[64];
        if (n == 0 || n >= sizeof buf) {
            bound_type(s, nseg, si, vflags, str, n);
            return;
        }
        memcpy(buf, str, n);
        buf[n] = '\0';
        char *e;
        double d = strtod(buf, &e);
        bool special = strcmp(buf, "NaN") == 0 || strcmp(buf, "Infinity") == 0 || strcmp(buf, "-Infinity") == 0;
        if (*e && !special) {
            bound_type(s, nseg, si, vflags, str, n);
            return;
        }
        bool below = (sh->flags & AV_SF_MIN) && d < ((sh->flags & AV_SF_FLOAT_RANGE) ? sh->fmin : (double)sh->min);
        bool above = (sh->flags & AV_SF_MAX) && d > ((sh->flags & AV_SF_FLOAT_RANGE) ? sh->fmax : (double)sh->max);
        if (below || above) range_violation(s, nseg, si, vflags, below, str, n, 0, n);
        return;
    }
    case AV_T_TIMESTAMP: {
        int64_t v;
        char buf[64];
        bool epoch = false;
        if (n > 0 && n < sizeof buf) {
            memcpy(buf, str, n);
            buf[n] = '\0';
            char *e;
            (void)strtod(buf, &e);
            epoch = *e == '\0';
        }
        if (!rfc3339(str, n) && !http_date(str, n) && !epoch && !text_int(str, n, &v))
            bound_type(s, nseg, si, vflags, str, n);
        return;
    }
    case AV_T_BLOB: {
        int64_t bytes = base64_len(str, n);
        if (bytes < 0) bound_type(s, nseg, si, vflags, str, n);
        else length_check(s, nseg, si, vflags, bytes, str, n, 0, n);
        return;
    }
    default:
        bound_type(s, nseg, si, vflags, str, n);
    }
}

/* Checks the members bound from the HTTP request (grouped by member), marking them set. */
static void bound_members(st *s, const awsval__shape *sh, uint64_t *seen, uint32_t *set)
{
    const awsval_model *m = s->m;
    for (size_t i = 0; i < s->nbound;) {
        const awsval__bound *b = &s->bound[i];
        size_t k = i;
        while (k < s->nbound && s->bound[k].member == b->member) k++;
        const awsval__member *mb = &m->members[b->member];
        const awsval__shape *ms = &m->shapes[mb->shape];
        uint32_t bit = (uint32_t)b->member - sh->member_first;
        seen[bit / 64] |= 1ull << (bit % 64);
        (*set)++;
        uint32_t vflags = mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0;
        s->c->path[0] = (awsval__seg){AV_SEG_MEMBER, false, AV_STR(m, mb->name), mb->name_len, 0};
        if (ms->type == AV_T_LIST) {
            for (size_t j = i; j < k; j++) {
                s->c->path[1] = (awsval__seg){AV_SEG_INDEX, false, NULL, 0, (uint32_t)(j - i)};
                bound_scalar(s, 2, ms->target, vflags, s->bound[j].val, s->bound[j].val_len);
            }
            length_check(s, 1, mb->shape, vflags, (int64_t)(k - i), NULL, 0, 0, 0);
            if (ms->flags & AV_SF_UNIQUE) {
                bool dup = false;
                for (size_t x = i; x < k && !dup; x++)
                    for (size_t y = x + 1; y < k && !dup; y++)
                        dup = s->bound[x].val_len == s->bound[y].val_len &&
                              memcmp(s->bound[x].val, s->bound[y].val, s->bound[x].val_len) == 0;
                if (dup)
                    finish(s, record(s, 1, AWSVAL_KIND_UNIQUE, AWSVAL_SOURCE_MODEL, mb->shape, vflags,
                                     NULL, 0, 0, 0));
            }
        } else if (ms->type == AV_T_MAP) {
            bool hide = (m->shapes[ms->target].flags & AV_SF_HIDES) != 0;
            for (size_t j = i; j < k; j++) {
                const awsval__bound *e = &s->bound[j];
                int64_t cps = awsval__utf8_count(e->key, e->key_len, NULL);
                /* A key that is not UTF-8 cannot stand in a path: it is written as "*". */
                s->c->path[1] = (awsval__seg){AV_SEG_KEY, hide || cps < 0, e->key, e->key_len, 0};
                if (m->shapes[ms->target].type == AV_T_STRING) {
                    if (cps < 0)
                        bound_type(s, 2, ms->target, vflags | AWSVAL_VIOLATION_MAP_KEY, NULL, 0);
                    else
                        string_checks(s, 2, ms->target, vflags | AWSVAL_VIOLATION_MAP_KEY | (hide ? AWSVAL_VIOLATION_SENSITIVE : 0),
                                      e->key, e->key_len, cps, 0, e->key_len);
                }
                int32_t vs = ms->value;
                if (m->shapes[vs].type == AV_T_LIST) vs = m->shapes[vs].target;
                bound_scalar(s, 2, vs, vflags | AWSVAL_VIOLATION_MAP_VALUE, e->val, e->val_len);
            }
            length_check(s, 1, mb->shape, vflags, (int64_t)(k - i), NULL, 0, 0, 0);
        } else {
            bound_scalar(s, 1, mb->shape, vflags, b->val, b->val_len);
        }
        i = k;
    }
}

/* Records the required members of structure sh that are not set in `seen` (NULL: none set). */
static void missing_required(st *s, const awsval__shape *sh, uint32_t nseg, const uint64_t *seen,
                             size_t off)
{
    const awsval_model *m = s->m;
    for (uint32_t k = 0; k < sh->member_count; k++) {
        const awsval__member *mb = &m->members[sh->member_first + k];
        if (!mb->required || (seen && (seen[k / 64] >> (k % 64)) & 1)) continue;
        awsval__seg *g = &s->c->path[nseg];
        *g = (awsval__seg){AV_SEG_MEMBER, false, AV_STR(m, mb->name), mb->name_len, 0};
        finish(s, record(s, nseg + 1, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, mb->shape,
                         mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0, NULL, 0, off, 0));
    }
}

static void structure(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const awsval_model *m = s->m;
    const awsval__shape *sh = si >= 0 ? &m->shapes[si] : NULL;
    const char *start = s->p;
    uint32_t obj = ++s->objects;
    size_t text_mark = s->text_top, seen_mark = s->seen_top;
    uint64_t *seen = s->c->seen + s->seen_top;
    if (sh) {
        memset(seen, 0, s->seen_words * sizeof *seen);
        s->seen_top += s->seen_words;
    }
    uint32_t set = 0;
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            jstr k;
            uint32_t h;
            if (!object_key(s, obj, &k, &h)) return;
            int32_t mi = sh ? awsval__find_member(m, sh, k.s, k.len, h) : -1;
            /* Over HTTP, a member bound to the URI, query or headers is not read from the body. */
            if (s->http && nseg == 0 && mi >= 0 && m->members[mi].location != AV_LOC_BODY &&
                m->members[mi].location != AV_LOC_PAYLOAD)
                mi = -1;
            awsval__seg *g = &s->c->path[nseg];
            g->kind = AV_SEG_MEMBER;
            g->name = k.s;
            g->len = k.len;
            g->redact = false;
            if (mi >= 0) {
                const awsval__member *mb = &m->members[mi];
                bool is_null = s->p < s->end && *s->p == 'n';
                if (is_null) {
                    if (!literal(s, "null", 4)) return;
                } else {
                    uint32_t bit = (uint32_t)mi - sh->member_first;
                    seen[bit / 64] |= 1ull << (bit % 64);
                    set++;
                    value(s, mb->shape, nseg + 1,
                          mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0);
                }
            } else {
                const char *vs = s->p;
                value(s, -1, nseg + 1, vflags & AWSVAL_VIOLATION_SENSITIVE);
                if (s->stop) return;
                if (sh && !s->http && !(s->c->flags & AWSVAL_CHECK_IGNORE_UNKNOWN))
                    finish(s, record(s, nseg + 1, AWSVAL_KIND_UNKNOWN, AWSVAL_SOURCE_MODEL, si,
                                     vflags & AWSVAL_VIOLATION_SENSITIVE, NULL, 0,
                                     (size_t)(vs - s->start), (size_t)(s->p - vs)));
            }
            if (s->stop) return;
            int r = next_item(s, '}');
            if (r < 0) return;
            if (r == 0) break;
        }
    }
    if (sh && s->http && nseg == 0) bound_members(s, sh, seen, &set);
    if (sh) {
        missing_required(s, sh, nseg, seen, (size_t)(start - s->start));
        if ((sh->flags & AV_SF_UNION) && set != 1) {
            awsval__viol *v = record(s, nseg, AWSVAL_KIND_UNION, AWSVAL_SOURCE_MODEL, si, vflags,
                                     NULL, 0, (size_t)(start - s->start), (size_t)(s->p - start));
            if (v) v->v.actual = set;
            finish(s, v);
        }
    }
    s->text_top = text_mark;
    s->seen_top = seen_mark;
}

static void map(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const awsval_model *m = s->m;
    const awsval__shape *sh = &m->shapes[si];
    const char *start = s->p;
    uint32_t obj = ++s->objects;
    size_t text_mark = s->text_top;
    int64_t count = 0;
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            jstr k;
            uint32_t h;
            if (!object_key(s, obj, &k, &h)) return;
            count++;
            awsval__seg *g = &s->c->path[nseg];
            g->kind = AV_SEG_KEY;
            g->name = k.s;
            g->len = k.len;
            g->redact = (m->shapes[sh->target].flags & AV_SF_HIDES) != 0;
            uint32_t kf = (vflags & AWSVAL_VIOLATION_SENSITIVE) | AWSVAL_VIOLATION_MAP_KEY;
            if (m->shapes[sh->target].flags & AV_SF_HIDES) kf |= AWSVAL_VIOLATION_SENSITIVE;
            if (m->shapes[sh->target].type == AV_T_STRING)
                string_checks(s, nseg + 1, sh->target, kf, k.s, k.len, k.cps,
                              (size_t)(k.raw - s->start), k.raw_len);
            uint32_t vf = (vflags & AWSVAL_VIOLATION_SENSITIVE) | AWSVAL_VIOLATION_MAP_VALUE;
            if (s->p < s->end && *s->p == 'n') {
                if (!literal(s, "null", 4)) return;
            } else {
                value(s, sh->value, nseg + 1, vf);
            }
            if (s->stop) return;
            int r = next_item(s, '}');
            if (r < 0) return;
            if (r == 0) break;
        }
    }
    s->text_top = text_mark;
    size_t before = s->c->viol_count;
    length_check(s, nseg, si, vflags, count, NULL, 0, (size_t)(start - s->start),
                 (size_t)(s->p - start));
    if (s->c->viol_count > before)
        container_echo(s, &s->c->viols[before], start, (size_t)(s->p - start), vflags);
}

/* ------------------------------------------------ structural equality (uniqueItems) (Private) */

/* These read values the scanner has already validated, so they check nothing. */

static const char *j_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
    return p;
}

/* The next code point of a string body at p (after the quote); NULL at the closing quote. */
static const char *j_char(const char *p, uint32_t *cp)
{
    unsigned char c = (unsigned char)*p;
    if (c == '"') return NULL;
    if (c != '\\') {
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t v = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        for (size_t i = 1; i < k; i++) v = (v << 6) | ((unsigned char)p[i] & 0x3F);
        *cp = v;
        return p + k;
    }
    /* Validated input: the shared decoder cannot fail here. */
    char tmp[4];
    size_t n = 0;
    const char *msg;
    size_t used = awsval__json_escape(p, p + 12, tmp, &n, cp, &msg);
    return p + used;
}

/* The end of the string at p (its opening quote). */
static const char *j_string_end(const char *p)
{
    uint32_t cp;
    const char *q = p + 1, *next;
    while ((next = j_char(q, &cp)) != NULL) q = next;
    return q + 1;
}

/* The end of the value at p. */
static const char *j_end(const char *p)
{
    p = j_ws(p);
    if (*p == '"') return j_string_end(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        do {
            if (*p == '"') {
                p = j_string_end(p);
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') depth--;
            p++;
        } while (depth > 0);
        return p;
    }
    while (*p && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') p++;
    return p;
}

static double j_number(const char *p, const char *e)
{
    char buf[64];
    size_t n = (size_t)(e - p) < sizeof buf - 1 ? (size_t)(e - p) : sizeof buf - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return strtod(buf, NULL);
}

static uint64_t j_mix(uint64_t h) { h ^= h >> 33; h *= 0xFF51AFD7ED558CCDull; h ^= h >> 33; return h; }

/* A hash equal for structurally equal values: object members in any order, numbers by value. */
static uint64_t j_hash(const char *p)
{
    p = j_ws(p);
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (unsigned char)*p;
    if (*p == '"') {
        uint32_t cp;
        for (const char *q = p + 1; (q = j_char(q, &cp)) != NULL;) h = (h ^ cp) * 0x100000001B3ull;
        return j_mix(h);
    }
    if (*p == '[' || *p == '{') {
        bool obj = *p == '{';
        uint64_t acc = 0;
        p = j_ws(p + 1);
        while (*p != (obj ? '}' : ']')) {
            uint64_t kh = 0;
            if (obj) {
                kh = j_hash(p);
                p = j_ws(j_string_end(p)) + 1;
            }
            uint64_t vh = j_hash(p);
            p = j_ws(j_end(p));
            if (*p == ',') p = j_ws(p + 1);
            if (obj) acc += j_mix(kh * 31 + vh); /* order-free */
            else acc = j_mix(acc * 31 + vh);
        }
        return j_mix(h ^ acc);
    }
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        const char *e = j_end(p);
        if (e - p > 40) {
            for (; p < e; p++) h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
            return j_mix(h);
        }
        double d = j_number(p, e);
        if (d == 0) d = 0; /* -0 == 0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return j_mix(h ^ bits);
    }
    return h; /* true, false, null */
}

static bool j_equal(const char *a, const char *b);

static bool j_string_equal(const char *a, const char *b)
{
    uint32_t ca, cb;
    const char *pa = a + 1, *pb = b + 1;
    for (;;) {
        pa = j_char(pa, &ca);
        pb = j_char(pb, &cb);
        if (!pa || !pb) return !pa && !pb;
        if (ca != cb) return false;
    }
}

/* Structural equality of two validated values. */
static bool j_equal(const char *a, const char *b)
{
    a = j_ws(a);
    b = j_ws(b);
    if (*a == '"' || *b == '"') return *a == *b && j_string_equal(a, b);
    if (*a == '[' && *b == '[') {
        a = j_ws(a + 1);
        b = j_ws(b + 1);
        while (*a != ']' && *b != ']') {
            if (!j_equal(a, b)) return false;
            a = j_ws(j_end(a));
            b = j_ws(j_end(b));
            if (*a == ',') a = j_ws(a + 1);
            if (*b == ',') b = j_ws(b + 1);
        }
        return *a == ']' && *b == ']';
    }
    if (*a == '{' && *b == '{') {
        size_t na = 0, nb = 0;
        for (const char *q = j_ws(b + 1); *q != '}'; nb++) {
            q = j_ws(j_end(j_ws(j_string_end(q)) + 1));
            if (*q == ',') q = j_ws(q + 1);
        }
        for (const char *q = j_ws(a + 1); *q != '}'; na++) {
            const char *v = j_ws(j_string_end(q)) + 1;
            bool found = false;
            for (const char *r = j_ws(b + 1); *r != '}' && !found;) {
                const char *w = j_ws(j_string_end(r)) + 1;
                found = j_string_equal(q, r) && j_equal(v, w);
                r = j_ws(j_end(w));
                if (*r == ',') r = j_ws(r + 1);
            }
            if (!found) return false;
            q = j_ws(j_end(v));
            if (*q == ',') q = j_ws(q + 1);
        }
        return na == nb;
    }
    if ((*a == '-' || (*a >= '0' && *a <= '9')) && (*b == '-' || (*b >= '0' && *b <= '9'))) {
        const char *ae = j_end(a), *be = j_end(b);
        /* Past a double's precision, only the same text is the same number. */
        if (ae - a > 40 || be - b > 40) return ae - a == be - b && memcmp(a, b, (size_t)(ae - a)) == 0;
        return j_number(a, ae) == j_number(b, be);
    }
    return *a == *b; /* t, f, n */
}

static int cmp_items(const void *x, const void *y)
{
    const awsval__item *a = x, *b = y;
    return (a->hash > b->hash) - (a->hash < b->hash);
}

/* Whether two items of items[0..n) are structurally equal (sorts them by hash). */
static bool has_duplicates(awsval__item *items, size_t n)
{
    qsort(items, n, sizeof *items, cmp_items);
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k-- > 0 && items[k].hash == items[i].hash;)
            if (j_equal(items[k].start, items[i].start)) return true;
    return false;
}

static void list(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const awsval__shape *sh = si >= 0 ? &s->m->shapes[si] : NULL;
    const char *start = s->p;
    int64_t count = 0;
    bool unique = sh && (sh->flags & AV_SF_UNIQUE);
    size_t item_mark = s->item_top;
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
    } else {
        for (;;) {
            awsval__seg *g = &s->c->path[nseg];
            g->kind = AV_SEG_INDEX;
            g->redact = false;
            g->index = (uint32_t)count;
            g->name = NULL;
            g->len = 0;
            count++;
            const char *item = s->p;
            if (s->p < s->end && *s->p == 'n' && sh) {
                if (!literal(s, "null", 4)) return;
            } else {
                value(s, sh ? sh->target : -1, nseg + 1, vflags & AWSVAL_VIOLATION_SENSITIVE);
            }
            if (s->stop) return;
            if (unique) s->c->items[s->item_top++] = (awsval__item){item, s->p, 0};
            int r = next_item(s, ']');
            if (r < 0) return;
            if (r == 0) break;
        }
    }
    if (!sh) return;
    size_t before = s->c->viol_count;
    length_check(s, nseg, si, vflags, count, NULL, 0, (size_t)(start - s->start),
                 (size_t)(s->p - start));
    if (unique) {
        awsval__item *items = s->c->items + item_mark;
        size_t n = s->item_top - item_mark;
        for (size_t i = 0; i < n; i++) items[i].hash = j_hash(items[i].start);
        if (n > 1 && has_duplicates(items, n))
            finish(s, record(s, nseg, AWSVAL_KIND_UNIQUE, AWSVAL_SOURCE_MODEL, si, vflags, NULL, 0,
                             (size_t)(start - s->start), (size_t)(s->p - start)));
        s->item_top = item_mark;
    }
    for (size_t i = before; i < s->c->viol_count; i++)
        if (s->c->viols[i].v.kind == AWSVAL_KIND_LENGTH && s->c->viols[i].value == SIZE_MAX)
            container_echo(s, &s->c->viols[i], start, (size_t)(s->p - start), vflags);
}

/* A number below the shape's min (below) or above its max. */
static void range_violation(st *s, uint32_t nseg, int32_t si, uint32_t vflags, bool below,
                            const char *echo, size_t echo_len, size_t off, size_t len)
{
    const awsval__shape *sh = &s->m->shapes[si];
    awsval__viol *v = record(s, nseg, AWSVAL_KIND_RANGE, AWSVAL_SOURCE_MODEL, si, vflags, echo,
                             echo_len, off, len);
    if (v) {
        v->bounds = below ? 1 : 2;
        v->min_text = (sh->flags & AV_SF_MIN) ? sh->min_text : 0;
        v->max_text = (sh->flags & AV_SF_MAX) ? sh->max_text : 0;
    }
    finish(s, v);
}

static bool is_int_type(uint8_t t)
{
    return t == AV_T_BYTE || t == AV_T_SHORT || t == AV_T_INTEGER || t == AV_T_LONG;
}

static void number(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    jnum n;
    const char *start = s->p;
    if (!scan_number(s, &n)) return;
    if (si < 0) return;
    const awsval__shape *sh = &s->m->shapes[si];
    size_t off = (size_t)(start - s->start);
    uint8_t t = sh->type;
    if (t == AV_T_TIMESTAMP || t == AV_T_BIGDECIMAL) return;
    if (!is_int_type(t) && t != AV_T_FLOAT && t != AV_T_DOUBLE && t != AV_T_BIGINTEGER) {
        s->p = start;
        type_mismatch(s, si, nseg, vflags);
        return;
    }
    if (is_int_type(t) || t == AV_T_BIGINTEGER) {
        /* An integral value written as 1.0 or 1e2 is accepted: Jackson-based services read it
         * as that integer, and rejecting it would reject what the service accepts. */
        int64_t iv = n.i;
        bool ok = n.fits;
        if (!n.integral) {
            double d = num_double(s, &n);
            ok = d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
            iv = ok ? (int64_t)d : 0;
        }
        int64_t lo = t == AV_T_BYTE ? INT8_MIN : t == AV_T_SHORT ? INT16_MIN
                   : t == AV_T_INTEGER ? INT32_MIN : INT64_MIN;
        int64_t hi = t == AV_T_BYTE ? INT8_MAX : t == AV_T_SHORT ? INT16_MAX
                   : t == AV_T_INTEGER ? INT32_MAX : INT64_MAX;
        if (t == AV_T_BIGINTEGER && n.integral) return;
        if (!ok || iv < lo || iv > hi) {
            s->p = start;
            type_mismatch(s, si, nseg, vflags);
            return;
        }
        bool below = (sh->flags & AV_SF_MIN) && iv < sh->min;
        bool above = (sh->flags & AV_SF_MAX) && iv > sh->max;
        if (sh->enum_count && (sh->flags & AV_SF_INT_ENUM)) {
            bool found = false;
            for (uint32_t k = 0; k < sh->enum_count && !found; k++)
                found = s->m->enums[sh->enum_first + k].num == iv;
            if (!found)
                finish(s, record(s, nseg, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL, si, vflags, n.raw,
                                 n.len, off, n.len));
        }
        if (below || above) range_violation(s, nseg, si, vflags, below, n.raw, n.len, off, n.len);
        return;
    }
    if (!(sh->flags & (AV_SF_MIN | AV_SF_MAX))) return;
    double d = num_double(s, &n);
    bool below = (sh->flags & AV_SF_MIN) && d < sh->fmin;
    bool above = (sh->flags & AV_SF_MAX) && d > sh->fmax;
    if (!(sh->flags & AV_SF_FLOAT_RANGE)) {
        below = (sh->flags & AV_SF_MIN) && d < (double)sh->min;
        above = (sh->flags & AV_SF_MAX) && d > (double)sh->max;
    }
    if (below || above) range_violation(s, nseg, si, vflags, below, n.raw, n.len, off, n.len);
}

static void string_value(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const char *start = s->p;
    jstr v;
    size_t mark = s->text_top;
    if (!scan_string(s, &v)) return;
    if (si < 0) return;
    const awsval__shape *sh = &s->m->shapes[si];
    size_t off = (size_t)(start - s->start);
    switch (sh->type) {
    case AV_T_STRING:
        string_checks(s, nseg, si, vflags, v.s, v.len, v.cps, off, v.raw_len);
        break;
    case AV_T_BLOB: {
        int64_t n = base64_len(v.s, v.len);
        if (n < 0) {
            s->p = start;
            type_mismatch(s, si, nseg, vflags);
        } else {
            length_check(s, nseg, si, vflags, n, v.s, v.len, off, v.raw_len);
        }
        break;
    }
    case AV_T_TIMESTAMP:
        /* Any of the protocols' string forms, whatever the member's timestampFormat says: a
         * service that reads one form may well read the others (the safe side). */
        if (!rfc3339(v.s, v.len) && !http_date(v.s, v.len)) {
            s->p = start;
            type_mismatch(s, si, nseg, vflags);
        }
        break;
    case AV_T_FLOAT:
    case AV_T_DOUBLE: {
        /* The JSON protocols write non-finite values as strings. NaN compares false with any
         * bound, as in Java; the infinities are beyond every bound. */
        int inf = (v.len == 8 && memcmp(v.s, "Infinity", 8) == 0)    ? 1
                  : (v.len == 9 && memcmp(v.s, "-Infinity", 9) == 0) ? -1
                                                                      : 0;
        if (inf || (v.len == 3 && memcmp(v.s, "NaN", 3) == 0)) {
            bool below = inf < 0 && (sh->flags & AV_SF_MIN), above = inf > 0 && (sh->flags & AV_SF_MAX);
            if (below || above) range_violation(s, nseg, si, vflags, below, v.s, v.len, off, v.raw_len);
            break;
        }
    }
        /* fall through */
    default:
        s->p = start;
        type_mismatch(s, si, nseg, vflags);
    }
    s->text_top = mark;
}

/* Checks the value at s->p against shape si (-1: any JSON value, as for unknown members). */
static void value(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    if (s->stop) return;
    ws(s);
    if (s->p >= s->end) {
        parse_error(s, s->p, "value expected");
        return;
    }
    const awsval__shape *sh = si >= 0 ? &s->m->shapes[si] : NULL;
    uint8_t t = sh ? sh->type : 0;
    switch (*s->p) {
    case '{':
        if (!enter(s)) return;
        if (!sh || t == AV_T_STRUCTURE) structure(s, si, nseg, vflags);
        else if (t == AV_T_MAP) map(s, si, nseg, vflags);
        else type_mismatch(s, si, nseg, vflags);
        s->depth--;
        break;
    case '[':
        if (!enter(s)) return;
        if (!sh || t == AV_T_LIST) list(s, si, nseg, vflags);
        else type_mismatch(s, si, nseg, vflags);
        s->depth--;
        break;
    case '"':
        string_value(s, si, nseg, vflags);
        break;
    case 't':
    case 'f':
        if (sh && t != AV_T_BOOLEAN) {
            type_mismatch(s, si, nseg, vflags);
        } else if (*s->p == 't') {
            literal(s, "true", 4);
        } else {
            literal(s, "false", 5);
        }
        break;
    case 'n':
        literal(s, "null", 4);
        break;
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) number(s, si, nseg, vflags);
        else parse_error(s, s->p, "unexpected character '%c'", *s->p >= 0x20 && *s->p < 0x7f ? *s->p : '?');
    }
}

/* -------------------------------------------------------------------- contexts (Public) */

/* The defaults and the bounds of the options, in one place. */
#define DEFAULT_MAX_SIZE ((size_t)1 << 20)
#define DEFAULT_RETAIN ((size_t)1 << 20)

static bool ctx_opts(const awsval_ctx_opts *in, awsval_ctx_opts *o)
{
    memset(o, 0, sizeof *o);
    if (in) {
        if (in->size == 0 || in->size > sizeof *o) return false;
        memcpy(o, in, in->size);
    }
    o->size = sizeof *o;
    if (!o->max_size) o->max_size = DEFAULT_MAX_SIZE;
    if (!o->max_depth) o->max_depth = 64;
    if (!o->max_violations) o->max_violations = 100;
    if (!o->retain_memory) o->retain_memory = DEFAULT_RETAIN;
    return o->max_depth <= 4096 && o->max_size <= ((size_t)1 << 31) && o->max_violations <= 65536;
}

awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts, awsval_code *code)
{
    awsval_ctx_opts o;
    if (code) *code = AWSVAL_BADARG;
    if (!ctx_opts(opts, &o)) return NULL;
    if (code) *code = AWSVAL_NOMEM;
    awsval_alc base;
    awsval__alc_init(&base, o.alc);
    awsval_ctx *c = awsval__calloc(&base, 1, sizeof *c);
    if (!c) return NULL;
    c->base = base;
    awsval__track_init(&c->mem, &base, o.max_memory);
    c->alc = c->mem.alc;
    o.alc = NULL;
    c->opts = o;
    c->flags = o.flags;
    awsval__regex_limits lim = {o.match_limit, o.depth_limit, o.heap_limit_kib, o.match_limit_per_byte};
    c->rx = awsval__regex_scratch_create(&c->alc, &lim);
    c->path = awsval__calloc(&c->alc, o.max_depth + 2, sizeof *c->path);
    c->viols = awsval__calloc(&c->alc, o.max_violations, sizeof *c->viols);
    if (!c->rx || !c->path || !c->viols) {
        awsval_ctx_free(c);
        return NULL;
    }
    if (code) *code = AWSVAL_OK;
    return c;
}

/* Releases the scratch sized by inputs (not the baseline made by awsval_ctx_create). */
static void release_scratch(awsval_ctx *c)
{
    awsval__free(&c->alc, c->text);
    awsval__free(&c->alc, c->keys);
    awsval__free(&c->alc, c->seen);
    awsval__free(&c->alc, c->items);
    c->text = NULL;
    c->keys = NULL;
    c->seen = NULL;
    c->items = NULL;
    c->text_cap = c->keys_cap = c->seen_cap = c->items_cap = 0;
    awsval__buf_free(&c->varena, &c->alc);
    awsval__buf_free(&c->hbuf, &c->alc);
    c->viol_count = c->viol_total = 0;
    c->model = NULL;
}

void awsval_ctx_free(awsval_ctx *c)
{
    if (!c) return;
    awsval_alc base = c->base;
    release_scratch(c);
    awsval__regex_scratch_free(c->rx);
    awsval__free(&c->alc, c->path);
    awsval__free(&c->alc, c->viols);
    awsval__free(&base, c);
}

size_t awsval_ctx_memory(const awsval_ctx *c) { return c ? c->mem.held + sizeof *c : 0; }

void awsval_ctx_trim(awsval_ctx *c)
{
    if (c) release_scratch(c);
}

size_t awsval_ctx_max_memory(const awsval_ctx_opts *opts, size_t input_len)
{
    awsval_ctx_opts o;
    if (!ctx_opts(opts, &o)) return 0;
    size_t n = input_len < o.max_size ? input_len : o.max_size;
    /* The scratch as prepare() sizes it, with each block's tracking header and the doubling
     * growth of the result arena; then the baseline. A bound, not an estimate. */
    size_t keys = 16;
    while (keys < (n / 4 + 2) * 2) keys *= 2;
    size_t total = sizeof(awsval_ctx) + 64 * 1024 /* match data, JIT stack header, DFA */
                   + ((size_t)1 << 20) /* the JIT stack's most */
                   + (o.max_depth + 2) * sizeof(awsval__seg) + o.max_violations * sizeof(awsval__viol)
                   + (n + 64) + keys * sizeof(awsval__keyent) + (n / 2 + 2) * sizeof(awsval__item)
                   + (size_t)(o.max_depth + 1) * 64 * sizeof(uint64_t)
                   + 2 * (o.max_violations * (2048 + 2 * n)) + 4 * n + 64 * 1024;
    return total;
}

/* Grows the scratch for an input of len bytes. Only inputs larger than any before allocate. */
static bool prepare(awsval_ctx *c, const awsval_model *m, size_t len)
{
    size_t text = len + 64;
    if (c->text_cap < text) {
        char *t = awsval__realloc(&c->alc, c->text, c->text_cap, text);
        if (!t) return false;
        c->text = t;
        c->text_cap = text;
    }
    /* At most one key per 4 input bytes ("":0,); keep the table at most half full. */
    size_t keys = 16;
    while (keys < (len / 4 + 2) * 2) keys *= 2;
    if (c->keys_cap < keys) {
        awsval__keyent *k = awsval__calloc(&c->alc, keys, sizeof *k);
        if (!k) return false;
        awsval__free(&c->alc, c->keys);
        c->keys = k;
        c->keys_cap = keys;
        c->gen = 0;
    }
    if (++c->gen == 0) {
        memset(c->keys, 0, c->keys_cap * sizeof *c->keys);
        c->gen = 1;
    }
    size_t words = (m->max_members / 64 + 1);
    size_t seen = words * (c->opts.max_depth + 1);
    if (c->seen_cap < seen) {
        uint64_t *w = awsval__realloc(&c->alc, c->seen, c->seen_cap * sizeof *w, seen * sizeof *w);
        if (!w) return false;
        c->seen = w;
        c->seen_cap = seen;
    }
    /* List items: at most one per two input bytes ("1,"). */
    size_t items = len / 2 + 2;
    if (c->items_cap < items) {
        awsval__item *it = awsval__realloc(&c->alc, c->items, c->items_cap * sizeof *it, items * sizeof *it);
        if (!it) return false;
        c->items = it;
        c->items_cap = items;
    }
    c->viol_count = c->viol_total = 0;
    c->varena.len = 0;
    c->parse_failed = c->type_failed = c->limit_hit = false;
    c->http_fail = 0;
    c->op = -1;
    c->model = NULL;
    awsval__regex_scratch_new_check(c->rx);
    return true;
}

static void publish(awsval_ctx *c, const awsval_model *m);

/* After a check: scratch beyond retain_memory is released (the result stays). */
static void shrink(awsval_ctx *c)
{
    if (c->mem.held <= c->opts.retain_memory) return;
    awsval__free(&c->alc, c->text);
    awsval__free(&c->alc, c->keys);
    awsval__free(&c->alc, c->seen);
    awsval__free(&c->alc, c->items);
    c->text = NULL;
    c->keys = NULL;
    c->seen = NULL;
    c->items = NULL;
    c->text_cap = c->keys_cap = c->seen_cap = c->items_cap = 0;
    awsval__buf_free(&c->hbuf, &c->alc);
}

/* Scratch could not be had: over the context's memory cap, the request is refused with a LIMIT
 * violation (fail closed); otherwise it is out of memory. */
static awsval_code scratch_failed(awsval_ctx *c, const awsval_model *m)
{
    bool cap = c->mem.cap_hit;
    c->mem.cap_hit = false;
    c->viol_count = c->viol_total = 0;
    c->model = NULL;
    if (!cap) return AWSVAL_NOMEM;
    awsval__viol *v = &c->viols[0];
    memset(v, 0, sizeof *v);
    v->v.kind = AWSVAL_KIND_LIMIT;
    v->v.actual = -1;
    v->pattern = -1;
    v->shape = -1;
    v->value = SIZE_MAX;
    v->constraint = SIZE_MAX - 1;
    c->viol_count = c->viol_total = 1;
    c->parse_failed = true;
    c->varena.len = 0;
    publish(c, m);
    return AWSVAL_INVALID;
}

/* Turns arena offsets into the public pointers once the arena has stopped moving. */
static void publish(awsval_ctx *c, const awsval_model *m)
{
    const char *a = c->varena.data;
    for (size_t i = 0; i < c->viol_count; i++) {
        awsval__viol *v = &c->viols[i];
        v->v.size = sizeof v->v;
        bool none = v->constraint >= SIZE_MAX - 1; /* no arena text */
        v->v.pointer = none ? "" : a + v->pointer;
        v->v.aws_path = none ? "" : a + v->aws_path;
        v->v.shape = AV_STR(m, v->shape_name);
        v->v.constraint = v->constraint == SIZE_MAX - 1 ? "the check needs more memory than the context's max_memory"
                          : v->constraint == SIZE_MAX ? "" : a + v->constraint;
        v->v.value = v->value == SIZE_MAX ? NULL : a + v->value;
        v->v.pattern = v->pattern >= 0 ? AV_STR(m, m->patterns[v->pattern].source) : NULL;
        v->v.min_text = v->min_text ? AV_STR(m, v->min_text) : NULL;
        v->v.max_text = v->max_text ? AV_STR(m, v->max_text) : NULL;
    }
    c->model = m;
}

/* After the value: nothing but white space may follow; then the result is published. */
static awsval_code end_check(st *s)
{
    if (!s->stop) {
        ws(s);
        if (s->p < s->end) parse_error(s, s->p, "trailing characters after the JSON value");
    }
    if (s->nomem) return scratch_failed(s->c, s->m);
    publish(s->c, s->m);
    shrink(s->c);
    return s->c->viol_total ? AWSVAL_INVALID : AWSVAL_OK;
}

typedef struct target {
    int32_t shape;
    int32_t member; /* -1: a bare shape */
} target;

/* Runs the checker over json with the root value of shape `si`. */
static awsval_code run(awsval_ctx *c, const awsval_model *m, target tg, const char *json,
                       size_t len, bool raw_string)
{
    /* Nothing is sized by an input over the limit: it is refused first. */
    if (!prepare(c, m, len > c->opts.max_size ? 0 : len)) return scratch_failed(c, m);
    st s = {.c = c, .m = m, .start = json, .p = json, .end = json + len,
            .seen_words = (uint32_t)((m->max_members / 64 + 1))};
    uint32_t nseg = 0, vflags = 0;
    if (tg.member >= 0) {
        const awsval__member *mb = &m->members[tg.member];
        c->path[0] = (awsval__seg){AV_SEG_MEMBER, false, AV_STR(m, mb->name), mb->name_len, 0};
        nseg = 1;
        if (mb->sensitive) vflags |= AWSVAL_VIOLATION_SENSITIVE;
    } else if (tg.shape >= 0 && (m->shapes[tg.shape].flags & AV_SF_HIDES)) {
        vflags |= AWSVAL_VIOLATION_SENSITIVE;
    }
    if (len > c->opts.max_size) {
        parse_error(&s, json + c->opts.max_size, "input larger than %zu bytes", c->opts.max_size);
    } else if (raw_string) {
        size_t bad;
        int64_t cps = awsval__utf8_count(json, len, &bad);
        if (cps < 0) parse_error(&s, json + bad, "invalid UTF-8");
        else if (m->shapes[tg.shape].type != AV_T_STRING)
            return AWSVAL_BADARG;
        else string_checks(&s, nseg, tg.shape, vflags, json, len, cps, 0, len);
        s.p = s.end; /* a raw string is all value */
    } else {
        ws(&s);
        if (s.p >= s.end) {
            parse_error(&s, s.p, "empty input: a JSON value expected");
        } else if (*s.p == 'n' && tg.member >= 0) {
            if (literal(&s, "null", 4) && m->members[tg.member].required)
                finish(&s, record(&s, nseg, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, tg.shape,
                                  vflags, NULL, 0, 0, 0));
        } else if (*s.p == 'n' && tg.shape >= 0 && m->shapes[tg.shape].type == AV_T_STRUCTURE) {
            /* A null input is an absent one: its required members are missing. */
            if (literal(&s, "null", 4)) missing_required(&s, &m->shapes[tg.shape], nseg, NULL, 0);
        } else {
            value(&s, tg.shape, nseg, vflags);
        }
    }
    return end_check(&s);
}

awsval_code awsval__check_bound(awsval_ctx *c, const awsval_model *m, int32_t op, const char *body,
                                size_t len, const awsval__bound *bound, size_t nbound)
{
    int32_t si = m->ops[op].input;
    /* restJson1 and awsJson read an empty body as an empty input. */
    size_t lead = 0;
    while (lead < len && (body[lead] == ' ' || body[lead] == '\t' || body[lead] == '\r' || body[lead] == '\n')) lead++;
    bool empty = lead == len;
    if (!prepare(c, m, empty || len > c->opts.max_size ? 2 : len)) return scratch_failed(c, m);
    c->op = op;
    if (empty) {
        body = "{}";
        len = 2;
    }
    st s = {.c = c, .m = m, .start = body, .p = body, .end = body + len,
            .seen_words = (uint32_t)((m->max_members / 64 + 1)), .bound = bound, .nbound = nbound,
            .http = true};
    if (si < 0) {
        value(&s, -1, 0, 0);
    } else if (len > c->opts.max_size) {
        parse_error(&s, body + c->opts.max_size, "input larger than %zu bytes", c->opts.max_size);
    } else {
        const awsval__shape *sh = &m->shapes[si];
        int32_t payload = -1;
        for (uint32_t k = 0; k < sh->member_count; k++)
            if (m->members[sh->member_first + k].location == AV_LOC_PAYLOAD) payload = (int32_t)(sh->member_first + k);
        if (payload < 0) {
            value(&s, si, 0, 0);
        } else {
            /* The body is one member's value; the others are bound elsewhere. */
            uint64_t *seen = c->seen;
            memset(seen, 0, s.seen_words * sizeof *seen);
            s.seen_top = s.seen_words;
            uint32_t set = 0;
            bound_members(&s, sh, seen, &set);
            const awsval__member *mb = &m->members[payload];
            const awsval__shape *ps = &m->shapes[mb->shape];
            if (!empty) {
                uint32_t bit = (uint32_t)payload - sh->member_first;
                seen[bit / 64] |= 1ull << (bit % 64);
                c->path[0] = (awsval__seg){AV_SEG_MEMBER, false, AV_STR(m, mb->name), mb->name_len, 0};
                uint32_t vf = mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0;
                if (ps->type == AV_T_STRING || ps->type == AV_T_BLOB) {
                    int64_t cps = ps->type == AV_T_STRING ? awsval__utf8_count(body, len, NULL) : (int64_t)len;
                    if (cps < 0) parse_error(&s, body, "the payload is not valid UTF-8");
                    else if (ps->type == AV_T_STRING) string_checks(&s, 1, mb->shape, vf, body, len, cps, 0, len);
                    else length_check(&s, 1, mb->shape, vf, cps, NULL, 0, 0, len);
                    s.p = s.end;
                } else {
                    value(&s, mb->shape, 1, vf);
                }
            }
            if (!s.stop) missing_required(&s, sh, 0, seen, 0);
        }
    }
    return end_check(&s);
}

awsval_code awsval__fail_http(awsval_ctx *c, const awsval_model *m, uint8_t why, int32_t op)
{
    if (!prepare(c, m, 0)) return scratch_failed(c, m);
    c->op = op;
    c->http_fail = why;
    st s = {.c = c, .m = m, .start = "", .p = "", .end = ""};
    const char *msg = why == AV_HTTP_ROUTE ? "No operation matches the request" /* (ours) */
                                           : "Unsupported Content-Type for this operation";
    awsval__viol *v = record(&s, 0, why == AV_HTTP_ROUTE ? AWSVAL_KIND_OPERATION : AWSVAL_KIND_PARSE,
                             AWSVAL_SOURCE_MODEL, -1, 0, NULL, 0, 0, 0);
    if (v) v->constraint = arena_put(&s, msg, strlen(msg));
    if (s.nomem) return AWSVAL_NOMEM;
    publish(c, m);
    return AWSVAL_INVALID;
}

/* Resolves "Shape" or "Structure$member". */
static awsval_code resolve(const awsval_model *m, const char *name, target *tg)
{
    const char *dollar = strchr(name, '$');
    size_t sl = dollar ? (size_t)(dollar - name) : strlen(name);
    tg->shape = awsval__find_shape(m, name, sl);
    tg->member = -1;
    if (tg->shape < 0) return AWSVAL_NOTFOUND;
    if (!dollar) return AWSVAL_OK;
    const awsval__shape *sh = &m->shapes[tg->shape];
    if (sh->type != AV_T_STRUCTURE) return AWSVAL_NOTFOUND;
    size_t ml = strlen(dollar + 1);
    tg->member = awsval__find_member(m, sh, dollar + 1, ml, awsval__hash(dollar + 1, ml));
    if (tg->member < 0) return AWSVAL_NOTFOUND;
    tg->shape = m->members[tg->member].shape;
    return AWSVAL_OK;
}

awsval_code awsval_check(awsval_ctx *c, const awsval_model *m, const char *operation,
                         const char *json, size_t len)
{
    return awsval_check_ex(c, m, operation, json, len, c ? c->opts.flags : 0);
}

awsval_code awsval_check_ex(awsval_ctx *c, const awsval_model *m, const char *operation,
                            const char *json, size_t len, uint32_t flags)
{
    if (!c || !m || !operation || (!json && len)) return AWSVAL_BADARG;
    c->model = NULL;
    c->flags = flags;
    int32_t op = awsval__find_operation(m, operation, strlen(operation));
    if (op < 0) return AWSVAL_NOTFOUND;
    /* An operation without input takes any JSON value: there is nothing to check in it. */
    target tg = {m->ops[op].input, -1};
    return run(c, m, tg, json ? json : "", len, false);
}

awsval_code awsval_check_value(awsval_ctx *c, const awsval_model *m, const char *name,
                               const char *json, size_t len)
{
    if (!c || !m || !name || (!json && len)) return AWSVAL_BADARG;
    c->model = NULL;
    c->flags = c->opts.flags;
    target tg;
    awsval_code rc = resolve(m, name, &tg);
    if (rc != AWSVAL_OK) return rc;
    return run(c, m, tg, json ? json : "", len, false);
}

awsval_code awsval_check_string(awsval_ctx *c, const awsval_model *m, const char *name,
                                const char *str, size_t len)
{
    if (!c || !m || !name || (!str && len)) return AWSVAL_BADARG;
    c->model = NULL;
    c->flags = c->opts.flags;
    target tg;
    awsval_code rc = resolve(m, name, &tg);
    if (rc != AWSVAL_OK) return rc;
    if (m->shapes[tg.shape].type != AV_T_STRING) return AWSVAL_BADARG;
    return run(c, m, tg, str ? str : "", len, true);
}

/* ------------------------------------------------------------------- results (Public) */

size_t awsval_ctx_violation_count(const awsval_ctx *c) { return c && c->model ? c->viol_count : 0; }
size_t awsval_ctx_violation_total(const awsval_ctx *c) { return c && c->model ? c->viol_total : 0; }

awsval_code awsval_ctx_violation(awsval_ctx *c, size_t i, awsval_violation *out)
{
    if (!c || !out || out->size == 0) return AWSVAL_BADARG;
    if (!c->model || i >= c->viol_count) return AWSVAL_NOTFOUND;
    uint32_t size = out->size < sizeof *out ? out->size : (uint32_t)sizeof *out;
    memcpy(out, &c->viols[i].v, size);
    out->size = size;
    return AWSVAL_OK;
}

const char *awsval_kind_name(uint32_t kind)
{
    static const char *const names[] = {
        [AWSVAL_KIND_REQUIRED] = "required", [AWSVAL_KIND_TYPE] = "type",
        [AWSVAL_KIND_LENGTH] = "length",     [AWSVAL_KIND_PATTERN] = "pattern",
        [AWSVAL_KIND_ENUM] = "enum",         [AWSVAL_KIND_RANGE] = "range",
        [AWSVAL_KIND_UNION] = "union",       [AWSVAL_KIND_UNKNOWN] = "unknown",
        [AWSVAL_KIND_PARSE] = "parse",       [AWSVAL_KIND_LIMIT] = "limit",
        [AWSVAL_KIND_UNIQUE] = "unique",     [AWSVAL_KIND_OPERATION] = "operation",
    };
    return kind < sizeof names / sizeof *names ? names[kind] : NULL;
}

const char *awsval__type_word(uint8_t type)
{
    return type < sizeof type_words / sizeof *type_words && type_words[type] ? type_words[type] : "a value";
}

/* ------------------------------------------------------------------ JSON helpers (Public) */

static const awsval_model no_model; /* no shapes: max_members 0 */

awsval_code awsval_json_member(const char *json, size_t len, const char *name, size_t name_len,
                               size_t *off, size_t *value_len)
{
    if (!json || (!name && name_len) || !off || !value_len || len > ((size_t)1 << 31))
        return AWSVAL_BADARG;
    awsval_ctx_opts o = {.size = sizeof o, .max_size = len ? len : 1, .max_violations = 1};
    awsval_code rc;
    awsval_ctx *c = awsval_ctx_create(&o, &rc);
    if (!c) return rc;
    if (!prepare(c, &no_model, len)) {
        awsval_ctx_free(c);
        return AWSVAL_NOMEM;
    }
    st s = {.c = c, .m = &no_model, .start = json, .p = json, .end = json + len};
    bool found = false;
    ws(&s);
    if (s.p >= s.end || *s.p != '{') {
        parse_error(&s, s.p, "a JSON object expected");
    } else if (enter(&s)) {
        uint32_t obj = ++s.objects;
        s.p++;
        ws(&s);
        if (s.p < s.end && *s.p == '}') {
            s.p++;
        } else {
            for (;;) {
                jstr k;
                uint32_t h;
                if (!object_key(&s, obj, &k, &h)) break;
                const char *v = s.p;
                value(&s, -1, 0, 0);
                if (s.stop) break;
                if (k.len == name_len && memcmp(k.s, name, name_len) == 0) {
                    found = true;
                    *off = (size_t)(v - json);
                    *value_len = (size_t)(s.p - v);
                }
                if (next_item(&s, '}') <= 0) break;
            }
        }
    }
    if (!s.stop) {
        ws(&s);
        if (s.p < s.end) parse_error(&s, s.p, "trailing characters after the JSON value");
    }
    if (s.nomem) rc = AWSVAL_NOMEM;
    else if (s.stop) {
        rc = AWSVAL_INVALID;
        *off = c->viols[0].v.offset;
    } else rc = found ? AWSVAL_OK : AWSVAL_NOTFOUND;
    awsval_ctx_free(c);
    return rc;
}

awsval_code awsval_json_string(const char *json, size_t len, char *buf, size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!json || (!buf && cap) || len > ((size_t)1 << 31)) return AWSVAL_BADARG;
    awsval_ctx_opts o = {.size = sizeof o, .max_size = len ? len : 1, .max_violations = 1};
    awsval_code rc;
    awsval_ctx *c = awsval_ctx_create(&o, &rc);
    if (!c) return rc;
    if (!prepare(c, &no_model, len)) {
        awsval_ctx_free(c);
        return AWSVAL_NOMEM;
    }
    st s = {.c = c, .m = &no_model, .start = json, .p = json, .end = json + len};
    jstr v;
    if (len == 0 || *json != '"' || !scan_string(&s, &v) || s.p != s.end) {
        rc = s.nomem ? AWSVAL_NOMEM : AWSVAL_INVALID;
    } else {
        awsval__out out = {buf, cap, 0, false};
        awsval__out_mem(&out, v.s, v.len);
        rc = awsval__out_finish(&out, need);
    }
    awsval_ctx_free(c);
    return rc;
}
