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
    uint32_t seen_words;
    bool stop;          /* a parse error: unwind */
    bool nomem;
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

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int read_u4(const char *p, const char *end)
{
    if (end - p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
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
        if (q + 1 >= end) {
            parse_error(s, (const char *)q, "unterminated string");
            return false;
        }
        char e = (char)q[1];
        const char *esc = (const char *)q;
        q += 2;
        switch (e) {
        case '"': dst[dlen++] = '"'; break;
        case '\\': dst[dlen++] = '\\'; break;
        case '/': dst[dlen++] = '/'; break;
        case 'b': dst[dlen++] = '\b'; break;
        case 'f': dst[dlen++] = '\f'; break;
        case 'n': dst[dlen++] = '\n'; break;
        case 'r': dst[dlen++] = '\r'; break;
        case 't': dst[dlen++] = '\t'; break;
        case 'u': {
            int u = read_u4((const char *)q, s->end);
            if (u < 0) {
                parse_error(s, esc, "invalid \\u escape");
                return false;
            }
            q += 4;
            uint32_t cp = (uint32_t)u;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = (end - q >= 6 && q[0] == '\\' && q[1] == 'u') ? read_u4((const char *)q + 2, s->end) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    parse_error(s, esc, "lone surrogate in \\u escape");
                    return false;
                }
                q += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                parse_error(s, esc, "lone surrogate in \\u escape");
                return false;
            }
            /* The unescaped form is never longer than the escape (6 or 12 bytes -> <= 4). */
            dlen += awsval__utf8_put(dst + dlen, cp);
            break;
        }
        default:
            parse_error(s, esc, "invalid escape '\\%c'", e >= 0x20 && e < 0x7f ? e : '?');
            return false;
        }
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
        if (s->c->opts.flags & AWSVAL_CHECK_LIMIT_OPEN) return;
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

static const char *const type_words[] = {
    [AV_T_STRUCTURE] = "a structure", [AV_T_LIST] = "a list", [AV_T_MAP] = "a map",
    [AV_T_STRING] = "a string", [AV_T_BOOLEAN] = "a boolean", [AV_T_BYTE] = "a byte",
    [AV_T_SHORT] = "a short", [AV_T_INTEGER] = "an integer", [AV_T_LONG] = "a long",
    [AV_T_FLOAT] = "a float", [AV_T_DOUBLE] = "a double", [AV_T_BIGINTEGER] = "a big integer",
    [AV_T_BIGDECIMAL] = "a big decimal", [AV_T_TIMESTAMP] = "a timestamp", [AV_T_BLOB] = "a blob",
};

/* The value at s->p does not fit shape si: scan it as untyped JSON, then record it. */
static void type_mismatch(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const char *start = s->p;
    value(s, -1, nseg, vflags);
    if (s->stop) return;
    size_t off = (size_t)(start - s->start), len = (size_t)(s->p - start);
    awsval__viol *v = record(s, nseg, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL, si, vflags, NULL, 0,
                             off, len);
    if (!v) return;
    if (!(vflags & AWSVAL_VIOLATION_SENSITIVE)) {
        awsval__buf *a = &s->c->varena;
        awsval__out o = {NULL, 0, 0, false};
        awsval__java_text(&o, start, len);
        if (awsval__buf_reserve(a, &s->c->alc, o.len + 1)) {
            awsval__out o2 = {a->data + a->len, o.len + 1, 0, false};
            awsval__java_text(&o2, start, len);
            v->value = a->len;
            a->len += o.len;
            a->data[a->len++] = '\0';
        } else {
            s->nomem = true;
        }
    }
    finish(s, v);
}

/* Echo of a container, for length violations: Java's toString of the value. */
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
                if (sh && !(s->c->opts.flags & AWSVAL_CHECK_IGNORE_UNKNOWN))
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

static void list(st *s, int32_t si, uint32_t nseg, uint32_t vflags)
{
    const awsval__shape *sh = si >= 0 ? &s->m->shapes[si] : NULL;
    const char *start = s->p;
    int64_t count = 0;
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
            if (s->p < s->end && *s->p == 'n' && sh) {
                if (!literal(s, "null", 4)) return;
            } else {
                value(s, sh ? sh->target : -1, nseg + 1, vflags & AWSVAL_VIOLATION_SENSITIVE);
            }
            if (s->stop) return;
            int r = next_item(s, ']');
            if (r < 0) return;
            if (r == 0) break;
        }
    }
    if (!sh) return;
    size_t before = s->c->viol_count;
    length_check(s, nseg, si, vflags, count, NULL, 0, (size_t)(start - s->start),
                 (size_t)(s->p - start));
    if (s->c->viol_count > before)
        container_echo(s, &s->c->viols[before], start, (size_t)(s->p - start), vflags);
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
        if (!rfc3339(v.s, v.len)) {
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

awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts)
{
    awsval_ctx_opts o = {0};
    if (opts) memcpy(&o, opts, opts->size && opts->size < sizeof o ? opts->size : sizeof o);
    o.size = sizeof o;
    if (!o.max_size) o.max_size = 1u << 20;
    if (!o.max_depth) o.max_depth = 64;
    if (!o.max_violations) o.max_violations = 100;
    if (o.max_depth > 4096 || o.max_size > (size_t)UINT32_MAX) return NULL;
    awsval_alc alc;
    awsval__alc_init(&alc, o.alc);
    awsval_ctx *c = awsval__calloc(&alc, 1, sizeof *c);
    if (!c) return NULL;
    c->alc = alc;
    o.alc = NULL;
    c->opts = o;
    awsval__regex_limits lim = {o.match_limit, o.depth_limit, o.heap_limit_kib, o.match_limit_per_byte};
    c->rx = awsval__regex_scratch_create(&c->alc, &lim);
    c->path = awsval__calloc(&alc, o.max_depth + 2, sizeof *c->path);
    c->viols = awsval__calloc(&alc, o.max_violations, sizeof *c->viols);
    if (!c->rx || !c->path || !c->viols) {
        awsval_ctx_free(c);
        return NULL;
    }
    return c;
}

void awsval_ctx_free(awsval_ctx *c)
{
    if (!c) return;
    awsval_alc alc = c->alc;
    awsval__regex_scratch_free(c->rx);
    awsval__free(&alc, c->text);
    awsval__free(&alc, c->keys);
    awsval__free(&alc, c->path);
    awsval__free(&alc, c->seen);
    awsval__free(&alc, c->viols);
    awsval__buf_free(&c->varena, &alc);
    awsval__free(&alc, c);
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
    c->viol_count = c->viol_total = 0;
    c->varena.len = 0;
    c->parse_failed = c->type_failed = c->limit_hit = false;
    c->model = NULL;
    return true;
}

/* Turns arena offsets into the public pointers once the arena has stopped moving. */
static void publish(awsval_ctx *c, const awsval_model *m)
{
    const char *a = c->varena.data;
    for (size_t i = 0; i < c->viol_count; i++) {
        awsval__viol *v = &c->viols[i];
        v->v.size = sizeof v->v;
        v->v.pointer = a + v->pointer;
        v->v.aws_path = a + v->aws_path;
        v->v.shape = AV_STR(m, v->shape_name);
        v->v.constraint = v->constraint == SIZE_MAX ? "" : a + v->constraint;
        v->v.value = v->value == SIZE_MAX ? NULL : a + v->value;
        v->v.pattern = v->pattern >= 0 ? AV_STR(m, m->patterns[v->pattern].source) : NULL;
        v->v.min_text = v->min_text ? AV_STR(m, v->min_text) : NULL;
        v->v.max_text = v->max_text ? AV_STR(m, v->max_text) : NULL;
    }
    c->model = m;
}

typedef struct target {
    int32_t shape;
    int32_t member; /* -1: a bare shape */
} target;

/* Runs the checker over json with the root value of shape `si`. */
static awsval_code run(awsval_ctx *c, const awsval_model *m, target tg, const char *json,
                       size_t len, bool raw_string)
{
    if (!prepare(c, m, len)) return AWSVAL_NOMEM;
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
        if (!s.stop) {
            ws(&s);
            if (s.p < s.end) parse_error(&s, s.p, "trailing characters after the JSON value");
        }
    }
    if (s.nomem) {
        c->viol_count = c->viol_total = 0;
        return AWSVAL_NOMEM;
    }
    publish(c, m);
    return c->viol_total ? AWSVAL_INVALID : AWSVAL_OK;
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
    if (!c || !m || !operation || (!json && len)) return AWSVAL_BADARG;
    c->model = NULL;
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
    target tg;
    awsval_code rc = resolve(m, name, &tg);
    if (rc != AWSVAL_OK) return rc;
    if (m->shapes[tg.shape].type != AV_T_STRING) return AWSVAL_BADARG;
    return run(c, m, tg, str ? str : "", len, true);
}

/* ------------------------------------------------------------------- results (Public) */

size_t awsval_ctx_violation_count(const awsval_ctx *c) { return c && c->model ? c->viol_count : 0; }
size_t awsval_ctx_violation_total(const awsval_ctx *c) { return c && c->model ? c->viol_total : 0; }

awsval_code awsval_ctx_violation(const awsval_ctx *c, size_t i, awsval_violation *out)
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
        [AWSVAL_KIND_UNIQUE] = "unique",
    };
    return kind < sizeof names / sizeof *names && names[kind] ? names[kind] : "unknown";
}

const char *awsval__type_word(uint8_t type)
{
    return type < sizeof type_words / sizeof *type_words && type_words[type] ? type_words[type] : "a value";
}
