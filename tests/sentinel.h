/* The sentinel generator of test_security.c: for every operation of a botocore model whose input
 * reaches a sensitive shape, invalid requests that carry a unique sentinel in the secret's
 * position, checked with awsval_check (and awsval_check_http where the protocol allows, and
 * awsval_check_value/_string on the secret alone), with every output the library can give
 * searched for the sentinel.
 *
 * The model is read twice: by the library (the model under test) and by jansson (the generator
 * walks the shape graph itself, so a bug in the library's own reading of `sensitive` cannot hide
 * a leak). Per operation, a breadth-first walk from the input finds each place where a sensitive
 * shape or member is reached ("site": the shortest path to it); per site, one request per probe
 * kind that applies (see probe_names): the path is written with the fewest members that reach
 * the site, the secret is written with the sentinel in every string, key, blob and number it
 * holds, varied by the kind (too long, too short, pattern, enum, type, range, base64, unknown
 * member, duplicate key, bad map key, containers above the secret, malformed JSON right after
 * it). Outputs searched: the four awsval_render styles, awsval_render_http, every field of every
 * awsval_ctx_violation, awsval_ctx_violation_message in both styles and the rejection's strings;
 * for the sentinel itself and for its first 8 bytes (numbers: their digits, with '.' removed
 * from the output so that Java's "1.71234567E8" is found too). Every output must also be valid
 * UTF-8, and the JSON ones valid JSON.
 *
 * Header-only (static functions) for test_security.c alone. */
#ifndef AWSVAL_TESTS_SENTINEL_H
#define AWSVAL_TESTS_SENTINEL_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

/* ------------------------------------------------------------------------- string buffer */

typedef struct sb {
    char *p;
    size_t n, cap;
} sb;

static void sb_room(sb *b, size_t more)
{
    if (b->n + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) abort();
    b->p = p;
    b->cap = cap;
}

static void sb_put(sb *b, const void *s, size_t n)
{
    sb_room(b, n);
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_str(sb *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_chr(sb *b, char c) { sb_put(b, &c, 1); }
static void sb_rep(sb *b, char c, size_t n)
{
    sb_room(b, n);
    memset(b->p + b->n, c, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    sb_room(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

static void sb_reset(sb *b)
{
    b->n = 0;
    if (b->p) b->p[0] = '\0';
}

/* ----------------------------------------------------------------------- output checks */

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or code points past U+10FFFF. */
static bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (i + k >= n) return false; /* the sequence needs bytes i+1 .. i+k */
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (size_t j = 2; j <= k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return false;
        i += k + 1;
    }
    return true;
}

/* The needles of one probe: the string sentinel and the number sentinel (digits). */
typedef struct needles {
    char str[16];  /* "zq" + 10 base-36 digits */
    char num[16];  /* digits */
    char fnum[16]; /* digits of the float form */
} needles;

/* Whether `hay` holds `needle`'s first 8 bytes (all of it when shorter). */
static bool holds(const char *hay, size_t n, const char *needle)
{
    size_t nl = strlen(needle), pl = nl < 8 ? nl : 8;
    if (!nl || n < pl) return false;
    const char *end = hay + n - pl + 1;
    for (const char *p = memchr(hay, needle[0], (size_t)(end - hay)); p;
         p = p + 1 < end ? memchr(p + 1, needle[0], (size_t)(end - p - 1)) : NULL)
        if (memcmp(p, needle, pl) == 0) return true;
    return false;
}

/* Whether `hay` holds the first 8 bytes of `needle` when every '.' of hay is skipped (Java
 * prints 171234567.0 as "1.71234567E8"). */
static bool holds_digits(const char *hay, size_t n, const char *needle)
{
    size_t nl = strlen(needle), pl = nl < 8 ? nl : 8;
    for (const char *p = memchr(hay, needle[0], n); p; p = memchr(p + 1, needle[0], (size_t)(hay + n - p - 1))) {
        size_t k = 0;
        for (const char *q = p; q < hay + n && k < pl; q++) {
            if (*q == '.') continue;
            if (*q != needle[k]) break;
            k++;
        }
        if (k == pl) return true;
        if (p + 1 >= hay + n) break;
    }
    return false;
}

/* Which needle `s` holds, or NULL: the string sentinel as is, the numbers with '.' skipped. */
static const char *leak_in(const char *s, size_t n, const needles *nd)
{
    if (!s || !n) return NULL;
    if (holds(s, n, nd->str)) return nd->str;
    if (holds_digits(s, n, nd->num)) return nd->num;
    if (holds_digits(s, n, nd->fnum)) return nd->fnum;
    return NULL;
}

/* --------------------------------------------------------------------------- the model */

typedef struct gmodel {
    char label[160];       /* "debian:glue@2017-03-31" */
    json_t *doc;
    json_t *shapes;
    json_t *ops;
    awsval_model *m;
    const char *protocol;  /* metadata.protocol */
    const char *target_prefix, *json_version;
} gmodel;

static json_t *shape_of(const gmodel *g, const char *name)
{
    json_t *s = name ? json_object_get(g->shapes, name) : NULL;
    return json_is_object(s) ? s : NULL;
}

static const char *type_of(json_t *s)
{
    const char *t = json_string_value(json_object_get(s, "type"));
    return t ? t : "";
}

static bool is_sensitive(json_t *s) { return json_is_true(json_object_get(s, "sensitive")); }

static const char *target_of(json_t *ref) { return json_string_value(json_object_get(ref, "shape")); }

/* min/max as a number; false when absent. */
static bool bound(json_t *s, const char *which, double *out)
{
    json_t *v = json_object_get(s, which);
    if (!json_is_number(v)) return false;
    *out = json_number_value(v);
    return true;
}

/* --------------------------------------------------------------------------------- sites */

enum { ST_MEMBER, ST_ITEM, ST_MAPVAL, ST_MAPKEY };
#define MAX_STEPS 40

typedef struct step {
    int kind;
    const char *container; /* the structure, list or map shape */
    const char *member;    /* ST_MEMBER: the member's name */
} step;

typedef struct site {
    step steps[MAX_STEPS];
    int n;
    const char *target;    /* the sensitive shape (the secret) */
    bool member_sensitive; /* the trait is on the member (not the shape) */
} site;

typedef struct bfs_node {
    const char *shape;
    int parent;
    step st;
} bfs_node;

typedef void (*site_fn)(void *arg, const site *s);

static int site_path(const bfs_node *nodes, int at, site *s)
{
    int depth = 0;
    for (int k = at; k > 0; k = nodes[k].parent) depth++;
    if (depth >= MAX_STEPS) return -1;
    s->n = depth;
    for (int k = at, i = depth - 1; k > 0; k = nodes[k].parent, i--) s->steps[i] = nodes[k].st;
    return depth;
}

/* Emits one site per place a sensitive shape is reached from `input` (shortest path; each
 * shape expanded once per operation). Returns the number of sites. */
static int find_sites(const gmodel *g, const char *input, site_fn fn, void *arg)
{
    json_t *in = shape_of(g, input);
    if (!in) return 0;
    site s;
    memset(&s, 0, sizeof s);
    if (is_sensitive(in)) {
        s.n = 0;
        s.target = input;
        fn(arg, &s);
        return 1;
    }
    size_t cap = 256, n = 0;
    bfs_node *nodes = malloc(cap * sizeof *nodes);
    json_t *seen = json_object();
    nodes[n++] = (bfs_node){input, -1, {0, NULL, NULL}};
    json_object_set_new(seen, input, json_true());
    int found = 0;
    for (size_t head = 0; head < n; head++) {
        const char *name = nodes[head].shape;
        json_t *sh = shape_of(g, name);
        const char *t = type_of(sh);
        struct {
            int kind;
            const char *member;
            const char *target;
            bool member_sens;
        } next[4096];
        size_t nn = 0;
        if (strcmp(t, "structure") == 0) {
            const char *mname;
            json_t *mb;
            json_object_foreach(json_object_get(sh, "members"), mname, mb) {
                if (nn == sizeof next / sizeof next[0]) break;
                next[nn].kind = ST_MEMBER;
                next[nn].member = mname;
                next[nn].target = target_of(mb);
                next[nn].member_sens = is_sensitive(mb);
                nn++;
            }
        } else if (strcmp(t, "list") == 0) {
            next[nn].kind = ST_ITEM;
            next[nn].member = NULL;
            next[nn].target = target_of(json_object_get(sh, "member"));
            next[nn].member_sens = false;
            nn++;
        } else if (strcmp(t, "map") == 0) {
            next[nn].kind = ST_MAPKEY;
            next[nn].member = NULL;
            next[nn].target = target_of(json_object_get(sh, "key"));
            next[nn].member_sens = false;
            nn++;
            next[nn].kind = ST_MAPVAL;
            next[nn].member = NULL;
            next[nn].target = target_of(json_object_get(sh, "value"));
            next[nn].member_sens = false;
            nn++;
        }
        for (size_t k = 0; k < nn; k++) {
            json_t *ts = shape_of(g, next[k].target);
            if (!ts) continue;
            step st = {next[k].kind, name, next[k].member};
            if (next[k].member_sens || is_sensitive(ts)) {
                if (n == cap) {
                    cap *= 2;
                    nodes = realloc(nodes, cap * sizeof *nodes);
                }
                nodes[n] = (bfs_node){next[k].target, (int)head, st};
                if (site_path(nodes, (int)n, &s) >= 0) {
                    s.target = next[k].target;
                    s.member_sensitive = next[k].member_sens;
                    fn(arg, &s);
                    found++;
                }
                continue;
            }
            const char *tt = type_of(ts);
            bool container = strcmp(tt, "structure") == 0 || strcmp(tt, "list") == 0 || strcmp(tt, "map") == 0;
            if (!container || json_object_get(seen, next[k].target)) continue;
            json_object_set_new(seen, next[k].target, json_true());
            if (n == cap) {
                cap *= 2;
                nodes = realloc(nodes, cap * sizeof *nodes);
            }
            nodes[n++] = (bfs_node){next[k].target, (int)head, st};
        }
    }
    json_decref(seen);
    free(nodes);
    return found;
}

/* ---------------------------------------------------------------------------- probes */

#define PROBE_KINDS(X)                                                                            \
    X(PLAIN, "plain")             /* the sentinel everywhere in the secret, the request invalid    \
                                     elsewhere (missing required members) */                       \
    X(LONG, "too-long")           /* strings, blobs, lists, maps above their max */                \
    X(SHORT, "too-short")         /* below their min */                                            \
    X(PATTERN, "pattern")         /* the sentinel + characters most patterns refuse */             \
    X(ENUM, "enum")               /* the sentinel is no enum value */                              \
    X(TYPE, "type")               /* a value of the wrong JSON type holding the sentinel */        \
    X(RANGE, "range")             /* a number out of range */                                      \
    X(B64, "base64")              /* a blob that is not base64 */                                  \
    X(UNKNOWN, "unknown-member")  /* a member the model does not define, named by the sentinel */  \
    X(DUPKEY, "duplicate-key")    /* a key twice, inside the secret or in a map of secrets */      \
    X(MAPKEY, "bad-map-key")      /* a key that breaks the key shape's constraints */              \
    X(ABOVE, "container-above")   /* a list or map above the secret over its max, or not unique */ \
    X(PARENT_TYPE, "parent-type") /* the structure holding the secret written as an array */       \
    X(DUP_MEMBER, "duplicate-member") /* the secret's member twice in its structure */             \
    X(PARSE_ESC, "parse-escape")  /* a bad escape right after the sentinel */                      \
    X(PARSE_CTRL, "parse-control") /* a raw control character right after it */                    \
    X(PARSE_UTF8, "parse-utf8")   /* an invalid UTF-8 byte right after it */                       \
    X(TRUNC, "truncated")         /* the request ends right after the sentinel */

enum {
#define PK_ENUM(id, name) P_##id,
    PROBE_KINDS(PK_ENUM)
#undef PK_ENUM
        P_COUNT
};
static const char *const probe_names[] = {
#define PK_NAME(id, name) name,
    PROBE_KINDS(PK_NAME)
#undef PK_NAME
};

/* Counts for the closing note. */
typedef struct tally {
    size_t models, models_with, operations, ops_with, sites, probes, http_probes, value_probes;
    size_t http_skipped, invalid, outputs, violations, leaks, bad_utf8, bad_json;
    size_t by_probe[P_COUNT];        /* requests made per probe kind */
    size_t leaks_by_probe[P_COUNT];  /* echoes found per probe kind */
    size_t sensitive_kind[16];       /* violations flagged SENSITIVE, per AWSVAL_KIND_* */
    size_t kinds_with_secret[16];    /* probes whose result has a violation of this kind */
    json_t *members;                 /* distinct "model shape$member" sites */
} tally;

/* One generation pass over a site with one probe kind. */
typedef struct gen {
    const gmodel *gm;
    int kind;
    needles nd;
    bool applied;   /* the kind found a place to apply */
    bool cut;       /* P_TRUNC: the request ends here */
    bool numbers;   /* a number sentinel was written */
    bool skip;      /* the kind cannot be written at this site */
} gen;

static void base36(char *out, uint64_t v, int digits)
{
    /* least significant digit first: the first 8 bytes of sentinels differ between probes */
    for (int i = 0; i < digits; i++) {
        out[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
        v /= 36;
    }
    out[digits] = '\0';
}

static void make_needles(needles *nd, uint64_t counter)
{
    nd->str[0] = 'z';
    nd->str[1] = 'q';
    base36(nd->str + 2, counter, 10);
    /* 9 digits, 171000000..179999999: an int32, and a double Java prints as 1.7xxxxxxxE8 */
    snprintf(nd->num, sizeof nd->num, "17%07llu", (unsigned long long)(1000000 + counter % 9000000));
    /* 8 digits < 2^24: exact as a float, which Java prints as 1.5xxxxxxE7 */
    snprintf(nd->fnum, sizeof nd->fnum, "15%06llu", (unsigned long long)(counter % 1000000));
}

static void w_secret(gen *g, sb *b, const char *shape, int depth);

/* The text inside a string secret's quotes (or a key's), varied by the probe kind. */
static void w_string_body(gen *g, sb *b, json_t *s, bool blob)
{
    double mn = 0, mx = 0;
    bool has_min = bound(s, "min", &mn), has_max = bound(s, "max", &mx);
    size_t sl = strlen(g->nd.str);
    sb_str(b, g->nd.str);
    switch (g->kind) {
    case P_LONG:
        if (has_max && mx + 1 <= 70000) {
            size_t want = (size_t)mx + 1;
            if (blob) want = (want + 2) / 3 * 4; /* base64 characters for max + 1 bytes */
            if (want > sl) sb_rep(b, 'A', want - sl);
            g->applied = true;
        }
        break;
    case P_SHORT:
        if (has_min && (blob ? mn * 4 / 3 : mn) > (double)sl) g->applied = true;
        break;
    case P_PATTERN:
        if (!blob && json_object_get(s, "pattern")) {
            sb_str(b, "\\u0001 \\n!~");
            g->applied = true;
        }
        break;
    case P_ENUM:
        if (!blob && json_object_get(s, "enum")) g->applied = true;
        break;
    case P_B64:
        if (blob) {
            sb_str(b, "!*");
            g->applied = true;
        }
        break;
    case P_PARSE_ESC:
        sb_str(b, "\\q");
        g->applied = true;
        break;
    case P_PARSE_CTRL:
        sb_chr(b, '\x01');
        g->applied = true;
        break;
    case P_PARSE_UTF8:
        sb_chr(b, '\xff');
        g->applied = true;
        break;
    case P_TRUNC:
        g->applied = true;
        g->cut = true;
        break;
    default:
        break;
    }
}

/* A number carrying the number sentinel, out of the shape's range for P_RANGE. */
static void w_number(gen *g, sb *b, json_t *s, const char *t)
{
    bool flt = strcmp(t, "float") == 0;
    const char *digits = flt ? g->nd.fnum : g->nd.num;
    double v = atof(digits), mn = 0, mx = 0;
    bool has_min = bound(s, "min", &mn), has_max = bound(s, "max", &mx);
    g->numbers = true;
    if (g->kind == P_RANGE) {
        if (has_max && mx < v) {
            sb_str(b, digits);
            g->applied = true;
        } else if (has_min && mn > -v) {
            sb_chr(b, '-');
            sb_str(b, digits);
            g->applied = true;
        } else if (has_max && mx < 1e300) {
            /* beyond a wide bound: the digits, then zeros */
            sb_str(b, digits);
            double x = v;
            while (x <= mx) {
                sb_chr(b, '0');
                x *= 10;
            }
            g->applied = true;
        } else {
            sb_str(b, digits);
        }
        return;
    }
    sb_str(b, digits);
    if (g->kind == P_PARSE_ESC || g->kind == P_PARSE_CTRL) {
        sb_str(b, g->kind == P_PARSE_ESC ? ".e" : "x"); /* not a number / not JSON after it */
        g->applied = true;
    } else if (g->kind == P_TRUNC) {
        g->applied = true;
        g->cut = true;
    }
}

/* A filler value for a shape that holds no secret. */
static void w_min(const gmodel *gm, sb *b, const char *shape)
{
    const char *t = type_of(shape_of(gm, shape));
    if (strcmp(t, "structure") == 0 || strcmp(t, "map") == 0) sb_str(b, "{}");
    else if (strcmp(t, "list") == 0) sb_str(b, "[]");
    else if (strcmp(t, "string") == 0) sb_str(b, "\"a\"");
    else if (strcmp(t, "blob") == 0) sb_str(b, "\"AAAA\"");
    else if (strcmp(t, "boolean") == 0) sb_str(b, "true");
    else sb_str(b, "1");
}

/* A quoted key holding the sentinel (the secret map's keys). */
static void w_key(gen *g, sb *b, const char *suffix)
{
    sb_chr(b, '"');
    sb_str(b, g->nd.str);
    sb_str(b, suffix);
    sb_chr(b, '"');
}

/* The secret: a value of `shape` with the sentinel in every string, key, blob and number. */
static void w_secret(gen *g, sb *b, const char *shape, int depth)
{
    if (g->cut) return;
    json_t *s = shape_of(g->gm, shape);
    const char *t = type_of(s);
    double mn = 0, mx = 0;
    bool has_max = bound(s, "max", &mx), has_min = bound(s, "min", &mn);
    if (strcmp(t, "string") == 0 || strcmp(t, "blob") == 0) {
        if (g->kind == P_TYPE) {
            sb_printf(b, "{\"%s\":\"%s\"}", g->nd.str, g->nd.str);
            g->applied = true;
            return;
        }
        sb_chr(b, '"');
        w_string_body(g, b, s, t[0] == 'b');
        if (!g->cut) sb_chr(b, '"');
        return;
    }
    if (strcmp(t, "boolean") == 0 || strcmp(t, "timestamp") == 0) {
        if (g->kind == P_TYPE) {
            sb_printf(b, "\"%s\"", g->nd.str);
            g->applied = true;
        } else if (t[0] == 't') {
            w_number(g, b, s, "long"); /* epoch seconds */
        } else {
            sb_str(b, "true");
        }
        return;
    }
    if (strcmp(t, "structure") == 0) {
        if (g->kind == P_TYPE) {
            sb_printf(b, "[\"%s\"]", g->nd.str);
            g->applied = true;
            return;
        }
        if (g->kind == P_DUPKEY) {
            sb_chr(b, '{');
            w_key(g, b, "");
            sb_str(b, ":1,");
            w_key(g, b, "");
            sb_str(b, ":1}");
            g->applied = true;
            return;
        }
        sb_chr(b, '{');
        bool first = true;
        if (depth < 4) {
            bool uni = json_is_true(json_object_get(s, "union"));
            const char *mname;
            json_t *mb;
            int count = 0;
            json_object_foreach(json_object_get(s, "members"), mname, mb) {
                if (count++ == 12 || g->cut) break;
                if (!first) sb_chr(b, ',');
                first = false;
                sb_printf(b, "\"%s\":", mname);
                w_secret(g, b, target_of(mb), depth + 1);
                if (uni) break;
            }
        }
        if (g->cut) return;
        if (g->kind == P_UNKNOWN) {
            if (!first) sb_chr(b, ',');
            w_key(g, b, "");
            sb_printf(b, ":\"%s\"", g->nd.str);
            g->applied = true;
        }
        sb_chr(b, '}');
        return;
    }
    if (strcmp(t, "list") == 0) {
        const char *item = target_of(json_object_get(s, "member"));
        if (g->kind == P_TYPE) {
            sb_printf(b, "{\"%s\":1}", g->nd.str);
            g->applied = true;
            return;
        }
        size_t count = 1;
        if (g->kind == P_LONG && has_max && mx < 64) {
            count = (size_t)mx + 1;
            g->applied = true;
        } else if (g->kind == P_SHORT && has_min && mn > 1) {
            g->applied = true;
        } else if (g->kind == P_DUPKEY && json_is_true(json_object_get(s, "uniqueItems"))) {
            count = 2;
            g->applied = true;
        }
        sb_chr(b, '[');
        for (size_t i = 0; i < count && !g->cut; i++) {
            if (i) sb_chr(b, ',');
            w_secret(g, b, item, depth + 1);
        }
        if (!g->cut) sb_chr(b, ']');
        return;
    }
    if (strcmp(t, "map") == 0) {
        const char *val = target_of(json_object_get(s, "value"));
        if (g->kind == P_TYPE) {
            sb_printf(b, "[\"%s\"]", g->nd.str);
            g->applied = true;
            return;
        }
        size_t count = 1;
        bool same_key = false;
        const char *kind_suffix = "";
        if (g->kind == P_LONG && has_max && mx < 64) {
            count = (size_t)mx + 1;
            g->applied = true;
        } else if (g->kind == P_DUPKEY) {
            count = 2;
            same_key = true;
            g->applied = true;
        } else if (g->kind == P_MAPKEY) {
            kind_suffix = "\\u0001 !~";
            g->applied = true;
        }
        sb_chr(b, '{');
        for (size_t i = 0; i < count && !g->cut; i++) {
            char suffix[32];
            if (count > 1 && !same_key) snprintf(suffix, sizeof suffix, "-%zu", i);
            else snprintf(suffix, sizeof suffix, "%s", kind_suffix);
            if (i) sb_chr(b, ',');
            w_key(g, b, suffix);
            sb_chr(b, ':');
            w_secret(g, b, val, depth + 1);
        }
        if (!g->cut) sb_chr(b, '}');
        return;
    }
    /* numbers */
    if (g->kind == P_TYPE) {
        sb_printf(b, "\"%s\"", g->nd.str);
        g->applied = true;
        return;
    }
    w_number(g, b, s, t);
}

/* The path from step i to the secret. */
static void w_path(gen *g, sb *b, const site *st, int i)
{
    if (g->cut) return;
    if (i == st->n) {
        w_secret(g, b, st->target, 0);
        return;
    }
    const step *sp = &st->steps[i];
    bool last = i == st->n - 1;
    json_t *c = shape_of(g->gm, sp->container);
    double mx = 0;
    bool has_max = bound(c, "max", &mx);
    switch (sp->kind) {
    case ST_MEMBER:
        if (last && g->kind == P_PARENT_TYPE) {
            sb_printf(b, "[{\"%s\":", sp->member);
            w_path(g, b, st, i + 1);
            if (!g->cut) sb_str(b, "}]");
            g->applied = true;
        } else if (last && g->kind == P_DUP_MEMBER) {
            sb_printf(b, "{\"%s\":", sp->member);
            w_path(g, b, st, i + 1);
            sb_printf(b, ",\"%s\":", sp->member);
            w_path(g, b, st, i + 1);
            sb_chr(b, '}');
            g->applied = true;
        } else {
            sb_printf(b, "{\"%s\":", sp->member);
            w_path(g, b, st, i + 1);
            if (!g->cut) sb_chr(b, '}');
        }
        return;
    case ST_ITEM: {
        size_t count = 1;
        if (g->kind == P_ABOVE && has_max && mx < 64) {
            count = (size_t)mx + 1;
            g->applied = true;
        } else if (g->kind == P_ABOVE && json_is_true(json_object_get(c, "uniqueItems"))) {
            count = 2;
            g->applied = true;
        }
        sb_chr(b, '[');
        for (size_t k = 0; k < count && !g->cut; k++) {
            if (k) sb_chr(b, ',');
            w_path(g, b, st, i + 1);
        }
        if (!g->cut) sb_chr(b, ']');
        return;
    }
    case ST_MAPVAL: {
        /* The keys of a map of secrets are the secret's too ("environment variables"). */
        size_t count = 1;
        bool same = false;
        if (g->kind == P_ABOVE && has_max && mx < 64) {
            count = (size_t)mx + 1;
            g->applied = true;
        } else if (last && g->kind == P_DUPKEY) {
            count = 2;
            same = true;
            g->applied = true;
        }
        sb_chr(b, '{');
        for (size_t k = 0; k < count && !g->cut; k++) {
            char key[64];
            if (count == 1 || same) snprintf(key, sizeof key, "k%s", last ? g->nd.str : "");
            else snprintf(key, sizeof key, "k%s-%zu", last ? g->nd.str : "", k);
            if (k) sb_chr(b, ',');
            sb_printf(b, "\"%s\":", key);
            w_path(g, b, st, i + 1);
        }
        if (!g->cut) sb_chr(b, '}');
        return;
    }
    case ST_MAPKEY: {
        /* The secret is the key. */
        json_t *ks = shape_of(g->gm, st->target);
        if (g->kind == P_TYPE || strcmp(type_of(ks), "string") != 0) {
            g->skip = true;
            return;
        }
        const char *val = target_of(json_object_get(c, "value"));
        size_t count = g->kind == P_DUPKEY ? 2 : 1;
        if (count == 2) g->applied = true;
        sb_chr(b, '{');
        for (size_t k = 0; k < count && !g->cut; k++) {
            if (k) sb_chr(b, ',');
            sb_chr(b, '"');
            w_string_body(g, b, ks, false);
            if (g->cut) return;
            if (g->kind == P_MAPKEY) {
                sb_str(b, "\\u0001 !~");
                g->applied = true;
            }
            sb_str(b, "\":");
            w_min(g->gm, b, val);
        }
        sb_chr(b, '}');
        return;
    }
    default:
        return;
    }
}

/* ---------------------------------------------------------------------------- the runner */

typedef struct runner {
    awsval_ctx *ctx;
    tally *t;
    uint64_t counter;
    sb req, val, out, scratch, desc, failures;
    int reported;
    /* the probe being inspected */
    const gmodel *gm;
    const char *op;
    const site *st;
    int kind;
    const char *via;
    /* when set: every request checked is also written as a line for `awsval batch` */
    FILE *batch;
    const char *batch_service;
    needles *batch_needles;
    size_t batch_lines, batch_cap;
} runner;

static void site_text(sb *b, const site *st)
{
    for (int i = 0; i < st->n; i++) {
        const step *sp = &st->steps[i];
        switch (sp->kind) {
        case ST_MEMBER: sb_printf(b, "%s%s", i ? "." : "", sp->member); break;
        case ST_ITEM: sb_str(b, "[]"); break;
        case ST_MAPVAL: sb_str(b, "{v}"); break;
        default: sb_str(b, "{k}"); break;
        }
    }
    sb_printf(b, " (%s)", st->target);
}

/* Records a failure of the probe being inspected (the first 25 are described). */
static void failure(runner *r, const char *what, const char *output, const char *s, size_t n,
                    const char *input, size_t input_len)
{
    if (r->reported++ >= 25) return;
    sb *f = &r->failures;
    sb_printf(f, "\n[%s] %s %s: %s via %s: %s in %s", what, r->gm->label, r->op, probe_names[r->kind],
              r->via, output, "site ");
    site_text(f, r->st);
    sb_printf(f, "\n  input: %.300s%s", input ? input : "", input_len > 300 ? "..." : "");
    sb_printf(f, "\n  output: %.600s%s", s ? s : "(null)", n > 600 ? "..." : "");
}

/* One output: valid UTF-8, and no sentinel. */
static void look(runner *r, const needles *nd, const char *name, const char *s, size_t n,
                 const char *input, size_t input_len)
{
    if (!s) return;
    r->t->outputs++;
    if (!utf8_valid(s, n)) {
        r->t->bad_utf8++;
        failure(r, "not UTF-8", name, s, n, input, input_len);
    }
    const char *which = leak_in(s, n, nd);
    if (which) {
        r->t->leaks++;
        r->t->leaks_by_probe[r->kind]++;
        char what[64];
        snprintf(what, sizeof what, "ECHOES %s", which);
        failure(r, what, name, s, n, input, input_len);
    }
}

/* awsval_render (or _render_http: style 0) into r->out, grown to what it needs. */
static awsval_code render_into(runner *r, uint32_t style)
{
    for (;;) {
        size_t need = 0;
        sb_room(&r->out, 64);
        awsval_code rc = style ? awsval_render(r->ctx, style, r->out.p, r->out.cap, &need)
                               : awsval_render_http(r->ctx, r->out.p, r->out.cap, &need);
        if (rc == AWSVAL_TOOSMALL) {
            sb_room(&r->out, need);
            continue;
        }
        r->out.n = rc == AWSVAL_OK ? strlen(r->out.p) : 0;
        return rc;
    }
}

/* Every output of the last check. */
static void inspect(runner *r, const needles *nd, const char *input, size_t input_len)
{
    static const uint32_t styles[] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_SMITHY,
                                      AWSVAL_REPORT_JSON, 0};
    static const char *const style_names[] = {"render AWS", "render NATIVE", "render SMITHY", "render JSON",
                                              "render_http"};
    bool json_native = strcmp(r->gm->protocol, "json") == 0 || strcmp(r->gm->protocol, "rest-json") == 0;
    bool invalid = awsval_ctx_violation_total(r->ctx) > 0;
    for (size_t i = 0; i < 5; i++) {
        awsval_code rc = render_into(r, styles[i]);
        if (rc != AWSVAL_OK) {
            failure(r, "render failed", style_names[i], awsval_err_name(rc), 0, input, input_len);
            continue;
        }
        look(r, nd, style_names[i], r->out.p, r->out.n, input, input_len);
        bool is_json = styles[i] == AWSVAL_REPORT_JSON || (invalid && styles[i] == AWSVAL_REPORT_SMITHY) ||
                       (invalid && styles[i] == AWSVAL_REPORT_NATIVE && json_native);
        if (is_json) {
            json_error_t je;
            json_t *d = json_loadb(r->out.p, r->out.n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
            if (!d) {
                r->t->bad_json++;
                failure(r, "not JSON", style_names[i], r->out.p, r->out.n, input, input_len);
            }
            json_decref(d);
        }
    }
    awsval_rejection rj = {.size = sizeof rj};
    if (awsval_ctx_rejection(r->ctx, &rj) == AWSVAL_OK) {
        look(r, nd, "rejection.error_type", rj.error_type, strlen(rj.error_type), input, input_len);
        if (rj.type_header) look(r, nd, "rejection.type_header", rj.type_header, strlen(rj.type_header), input, input_len);
    }
    size_t count = awsval_ctx_violation_count(r->ctx);
    bool kinds[16] = {false};
    for (size_t i = 0; i < count; i++) {
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        if (awsval_ctx_violation(r->ctx, i, &v) != AWSVAL_OK) {
            failure(r, "violation failed", "awsval_ctx_violation", "", 0, input, input_len);
            continue;
        }
        r->t->violations++;
        if (v.kind < 16) {
            kinds[v.kind] = true;
            if (v.flags & AWSVAL_VIOLATION_SENSITIVE) r->t->sensitive_kind[v.kind]++;
        }
        const char *fields[] = {v.pointer, v.aws_path, v.shape, v.constraint, v.value, v.pattern,
                                v.min_text, v.max_text};
        static const char *const names[] = {"pointer", "aws_path", "shape", "constraint", "value",
                                            "pattern", "min_text", "max_text"};
        for (size_t k = 0; k < 8; k++)
            if (fields[k]) look(r, nd, names[k], fields[k], strlen(fields[k]), input, input_len);
        for (int st = 0; st < 2; st++) {
            uint32_t style = st ? AWSVAL_REPORT_SMITHY : AWSVAL_REPORT_AWS;
            for (;;) {
                size_t need = 0;
                sb_room(&r->out, 64);
                awsval_code rc = awsval_ctx_violation_message(r->ctx, i, style, r->out.p, r->out.cap, &need);
                if (rc == AWSVAL_TOOSMALL) {
                    sb_room(&r->out, need);
                    continue;
                }
                if (rc != AWSVAL_OK) failure(r, "message failed", "awsval_ctx_violation_message", awsval_err_name(rc), 0, input, input_len);
                else look(r, nd, st ? "violation_message SMITHY" : "violation_message AWS", r->out.p, strlen(r->out.p), input, input_len);
                break;
            }
        }
    }
    for (int k = 0; k < 16; k++)
        if (kinds[k]) r->t->kinds_with_secret[k]++;
}

/* ----------------------------------------------------------------- HTTP requests (probes) */

typedef struct hreq {
    sb target, body;
    char *names[64], *values[64];
    size_t name_len[64], value_len[64];
    size_t nh;
} hreq;

static void hreq_reset(hreq *h)
{
    sb_reset(&h->target);
    sb_reset(&h->body);
    for (size_t i = 0; i < h->nh; i++) {
        free(h->names[i]);
        free(h->values[i]);
    }
    h->nh = 0;
}

static void hreq_free(hreq *h)
{
    hreq_reset(h);
    free(h->target.p);
    free(h->body.p);
}

static bool hreq_header(hreq *h, const char *name, size_t nl, const char *value, size_t vl)
{
    if (h->nh == 64) return false;
    h->names[h->nh] = malloc(nl + 1);
    h->values[h->nh] = malloc(vl + 1);
    memcpy(h->names[h->nh], name, nl);
    memcpy(h->values[h->nh], value, vl);
    h->name_len[h->nh] = nl;
    h->value_len[h->nh] = vl;
    h->nh++;
    return true;
}

static void pct(sb *b, const char *s, size_t n, bool keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || (keep_slash && c == '/'))
            sb_chr(b, (char)c);
        else
            sb_printf(b, "%%%02X", c);
    }
}

/* A scalar JSON value as the text a label, query parameter or header carries; false if it has
 * no text form. `raw` is the value's JSON text (numbers are kept as written). */
static bool scalar_text(json_t *v, const char *raw, size_t raw_len, sb *out)
{
    sb_reset(out);
    if (json_is_string(v)) sb_put(out, json_string_value(v), json_string_length(v));
    else if (json_is_number(v)) sb_put(out, raw, raw_len);
    else if (json_is_boolean(v)) sb_str(out, json_is_true(v) ? "true" : "false");
    else return false;
    return true;
}

static void finish_request(awsval_http_request *rq, awsval_http_header *hs, hreq *h, const char *method)
{
    for (size_t i = 0; i < h->nh; i++)
        hs[i] = (awsval_http_header){h->names[i], h->name_len[i], h->values[i], h->value_len[i]};
    memset(rq, 0, sizeof *rq);
    rq->size = sizeof *rq;
    rq->method = method;
    rq->method_len = strlen(method);
    rq->target = h->target.p ? h->target.p : "";
    rq->target_len = h->target.n;
    rq->headers = hs;
    rq->header_count = h->nh;
    rq->body = h->body.p;
    rq->body_len = h->body.n;
}

/* awsJson: POST / with X-Amz-Target and the whole input as the body. */
static bool http_json(const gmodel *gm, const char *op, const char *input, size_t len, hreq *h)
{
    if (!gm->target_prefix) return false;
    sb_str(&h->target, "/");
    sb_put(&h->body, input, len);
    char t[512], ct[64];
    int tl = snprintf(t, sizeof t, "%s.%s", gm->target_prefix, op);
    int cl = snprintf(ct, sizeof ct, "application/x-amz-json-%s", gm->json_version ? gm->json_version : "1.0");
    hreq_header(h, "X-Amz-Target", 12, t, (size_t)tl);
    hreq_header(h, "Content-Type", 12, ct, (size_t)cl);
    return true;
}

/* restJson1: the top member of the site bound where the model binds it; the other labels
 * filled. False when the probe has no HTTP form (then it is checked as JSON only). */
static bool http_rest(const gmodel *gm, const char *op, const site *st, int kind, const char *val,
                      size_t val_len, hreq *h, const char **method)
{
    json_t *o = json_object_get(gm->ops, op);
    json_t *http = json_object_get(o, "http");
    const char *uri = json_string_value(json_object_get(http, "requestUri"));
    *method = json_string_value(json_object_get(http, "method"));
    const char *input = target_of(json_object_get(o, "input"));
    json_t *in = shape_of(gm, input);
    if (!uri || !*method || !in || st->n == 0 || st->steps[0].kind != ST_MEMBER) return false;
    const char *top = st->steps[0].member;
    json_t *members = json_object_get(in, "members");
    json_t *mb = json_object_get(members, top);
    const char *loc = json_string_value(json_object_get(mb, "location"));
    const char *locname = json_string_value(json_object_get(mb, "locationName"));
    if (!locname) locname = top;
    const char *payload = json_string_value(json_object_get(in, "payload"));
    bool dup = st->n == 1 && kind == P_DUP_MEMBER, arr = st->n == 1 && kind == P_PARENT_TYPE;
    json_error_t je;
    json_t *v = json_loadb(val, val_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    bool ok = true;
    sb text = {0};
    sb query = {0};
    if (!loc) {
        if (payload && strcmp(payload, top) != 0) {
            ok = false; /* only the payload is sent */
        } else if (payload) {
            const char *pt = type_of(shape_of(gm, target_of(mb)));
            if (dup || arr) ok = false;
            else if (strcmp(pt, "string") == 0 || strcmp(pt, "blob") == 0) ok = v && scalar_text(v, val, val_len, &h->body);
            else sb_put(&h->body, val, val_len);
        } else {
            if (arr) sb_chr(&h->body, '[');
            sb_printf(&h->body, "{\"%s\":", top);
            sb_put(&h->body, val, val_len);
            if (dup) {
                sb_printf(&h->body, ",\"%s\":", top);
                sb_put(&h->body, val, val_len);
            }
            sb_chr(&h->body, '}');
            if (arr) sb_chr(&h->body, ']');
        }
    } else if (!v || arr) {
        ok = false;
    } else if (strcmp(loc, "uri") == 0) {
        ok = !dup && scalar_text(v, val, val_len, &text);
    } else if (strcmp(loc, "querystring") == 0) {
        for (int rep = 0; rep < (dup ? 2 : 1) && ok; rep++) {
            if (json_is_array(v)) {
                size_t i;
                json_t *it;
                json_array_foreach(v, i, it) {
                    if (!scalar_text(it, "", 0, &text)) ok = false;
                    if (query.n) sb_chr(&query, '&');
                    pct(&query, locname, strlen(locname), false);
                    sb_chr(&query, '=');
                    pct(&query, text.p ? text.p : "", text.n, false);
                }
            } else if (json_is_object(v)) {
                const char *k;
                json_t *it;
                json_object_foreach(v, k, it) {
                    if (!scalar_text(it, "", 0, &text)) ok = false;
                    if (query.n) sb_chr(&query, '&');
                    pct(&query, k, strlen(k), false);
                    sb_chr(&query, '=');
                    pct(&query, text.p ? text.p : "", text.n, false);
                }
            } else if (scalar_text(v, val, val_len, &text)) {
                if (query.n) sb_chr(&query, '&');
                pct(&query, locname, strlen(locname), false);
                sb_chr(&query, '=');
                pct(&query, text.p ? text.p : "", text.n, false);
            } else {
                ok = false;
            }
        }
        sb_reset(&text);
    } else if (strcmp(loc, "header") == 0) {
        for (int rep = 0; rep < (dup ? 2 : 1) && ok; rep++) {
            if (json_is_array(v)) {
                sb joined = {0};
                size_t i;
                json_t *it;
                json_array_foreach(v, i, it) {
                    if (!scalar_text(it, "", 0, &text)) ok = false;
                    if (i) sb_chr(&joined, ',');
                    sb_put(&joined, text.p ? text.p : "", text.n);
                }
                hreq_header(h, locname, strlen(locname), joined.p ? joined.p : "", joined.n);
                free(joined.p);
            } else if (scalar_text(v, val, val_len, &text)) {
                hreq_header(h, locname, strlen(locname), text.p, text.n);
            } else {
                ok = false;
            }
        }
        sb_reset(&text);
    } else if (strcmp(loc, "headers") == 0) {
        /* A duplicated key (P_DUPKEY) is the same prefixed header twice. */
        const char *k;
        json_t *it;
        if (!json_is_object(v)) ok = false;
        else json_object_foreach(v, k, it) {
            if (!scalar_text(it, "", 0, &text)) {
                ok = false;
                break;
            }
            sb name = {0};
            sb_str(&name, locname);
            sb_str(&name, k);
            for (int rep = 0; rep < (kind == P_DUPKEY ? 2 : 1); rep++)
                hreq_header(h, name.p, name.n, text.p ? text.p : "", text.n);
            free(name.p);
        }
        sb_reset(&text);
    } else {
        ok = false;
    }
    /* The target: labels (the secret's, or a filler), then the literal and bound query. */
    const char *qm = strchr(uri, '?');
    size_t plen = qm ? (size_t)(qm - uri) : strlen(uri);
    for (size_t i = 0; ok && i < plen;) {
        if (uri[i] != '{') {
            sb_chr(&h->target, uri[i++]);
            continue;
        }
        const char *close = memchr(uri + i, '}', plen - i);
        if (!close) {
            ok = false;
            break;
        }
        size_t nl = (size_t)(close - (uri + i + 1));
        bool greedy = nl && uri[i + nl] == '+';
        if (greedy) nl--;
        char label[256];
        snprintf(label, sizeof label, "%.*s", (int)nl, uri + i + 1);
        if (loc && strcmp(loc, "uri") == 0 && strcmp(label, locname) == 0) {
            pct(&h->target, text.p ? text.p : "", text.n, greedy);
        } else {
            /* a filler of the label's type */
            const char *ft = "string";
            const char *mname;
            json_t *m2;
            json_object_foreach(members, mname, m2) {
                const char *l2 = json_string_value(json_object_get(m2, "locationName"));
                if (json_string_value(json_object_get(m2, "location")) &&
                    strcmp(json_string_value(json_object_get(m2, "location")), "uri") == 0 &&
                    strcmp(l2 ? l2 : mname, label) == 0)
                    ft = type_of(shape_of(gm, target_of(m2)));
            }
            bool numeric = strcmp(ft, "integer") == 0 || strcmp(ft, "long") == 0 || strcmp(ft, "short") == 0 ||
                           strcmp(ft, "byte") == 0 || strcmp(ft, "double") == 0 || strcmp(ft, "float") == 0;
            sb_str(&h->target, numeric ? "1" : "a");
        }
        i = (size_t)(close - uri) + 1;
    }
    if (ok && (qm || query.n)) {
        sb_chr(&h->target, '?');
        if (qm) sb_str(&h->target, qm + 1);
        if (qm && qm[1] && query.n) sb_chr(&h->target, '&');
        sb_put(&h->target, query.p ? query.p : "", query.n);
    }
    if (ok && h->body.n) hreq_header(h, "Content-Type", 12, "application/json", 16);
    json_decref(v);
    free(text.p);
    free(query.p);
    return ok;
}

/* -------------------------------------------------------------------- one site, all kinds */

static void run_probe_http(runner *r, const gmodel *gm, const char *op, const site *st, gen *g,
                           const needles *nd)
{
    bool rest = strcmp(gm->protocol, "rest-json") == 0, json = strcmp(gm->protocol, "json") == 0;
    if (!rest && !json) return;
    hreq h;
    memset(&h, 0, sizeof h);
    const char *method = "POST";
    bool ok;
    if (json) {
        ok = http_json(gm, op, r->req.p, r->req.n, &h);
    } else {
        /* the top member's value alone */
        gen g2 = *g;
        g2.cut = g2.applied = g2.skip = false;
        sb_reset(&r->val);
        if (st->n >= 1) w_path(&g2, &r->val, st, 1);
        ok = st->n >= 1 && !g2.skip && http_rest(gm, op, st, g->kind, r->val.p, r->val.n, &h, &method);
    }
    if (!ok) {
        r->t->http_skipped++;
        hreq_free(&h);
        return;
    }
    awsval_http_header hs[64];
    awsval_http_request rq;
    finish_request(&rq, hs, &h, method);
    r->via = "awsval_check_http";
    awsval_code rc = awsval_check_http(r->ctx, gm->m, &rq);
    r->t->http_probes++;
    if (rc != AWSVAL_OK && rc != AWSVAL_INVALID)
        failure(r, "check_http failed", awsval_err_name(rc), "", 0, h.target.p, h.target.n);
    else
        inspect(r, nd, h.body.p ? h.body.p : h.target.p, h.body.p ? h.body.n : h.target.n);
    /* the request's own header values are not outputs; only what the library answers */
    hreq_free(&h);
}

static void run_site(runner *r, const gmodel *gm, const char *op, const site *st)
{
    tally *t = r->t;
    t->sites++;
    sb *d = &r->desc;
    sb_reset(d);
    sb_printf(d, "%s ", gm->label);
    if (st->n) {
        const step *last = &st->steps[st->n - 1];
        sb_printf(d, "%s%s%s", last->container, last->kind == ST_MEMBER ? "$" : "", last->kind == ST_MEMBER ? last->member
                  : last->kind == ST_ITEM ? "[]" : last->kind == ST_MAPKEY ? "{key}" : "{value}");
    } else {
        sb_str(d, st->target);
    }
    json_object_set_new(t->members, d->p, json_true());
    r->gm = gm;
    r->op = op;
    r->st = st;
    for (int kind = 0; kind < P_COUNT; kind++) {
        gen g;
        memset(&g, 0, sizeof g);
        g.gm = gm;
        g.kind = kind;
        make_needles(&g.nd, ++r->counter);
        sb_reset(&r->req);
        w_path(&g, &r->req, st, 0);
        if (g.skip || (kind != P_PLAIN && !g.applied)) continue;
        r->kind = kind;
        r->via = "awsval_check";
        t->probes++;
        t->by_probe[kind]++;
        awsval_code rc = awsval_check(r->ctx, gm->m, op, r->req.p, r->req.n);
        if (rc == AWSVAL_INVALID) t->invalid++;
        if (rc != AWSVAL_OK && rc != AWSVAL_INVALID) {
            failure(r, "check failed", awsval_err_name(rc), "", 0, r->req.p, r->req.n);
            continue;
        }
        inspect(r, &g.nd, r->req.p, r->req.n);
        if (r->batch) {
            if (r->batch_lines == r->batch_cap) {
                r->batch_cap = r->batch_cap ? 2 * r->batch_cap : 256;
                r->batch_needles = realloc(r->batch_needles, r->batch_cap * sizeof *r->batch_needles);
            }
            r->batch_needles[r->batch_lines] = g.nd;
            fprintf(r->batch, "{\"id\":%zu,\"service\":\"%s\",\"operation\":\"%s\",\"params\":", r->batch_lines++,
                    r->batch_service ? r->batch_service : gm->label, op);
            fwrite(r->req.p, 1, r->req.n, r->batch);
            fputs("}\n", r->batch);
        }
        run_probe_http(r, gm, op, st, &g, &g.nd);
        /* The secret alone, through awsval_check_value and awsval_check_string. */
        if (st->n == 0 || kind == P_ABOVE || kind == P_PARENT_TYPE || kind == P_DUP_MEMBER) continue;
        const step *last = &st->steps[st->n - 1];
        char name[512];
        if (last->kind == ST_MEMBER) snprintf(name, sizeof name, "%s$%s", last->container, last->member);
        else snprintf(name, sizeof name, "%s", st->target);
        gen g3 = g;
        g3.cut = g3.applied = g3.skip = false;
        sb_reset(&r->val);
        bool key = last->kind == ST_MAPKEY;
        if (key) {
            sb_chr(&r->val, '"');
            w_string_body(&g3, &r->val, shape_of(gm, st->target), false);
            if (!g3.cut) sb_chr(&r->val, '"');
        } else {
            w_secret(&g3, &r->val, st->target, 0);
        }
        r->via = "awsval_check_value";
        rc = awsval_check_value(r->ctx, gm->m, name, r->val.p, r->val.n);
        t->value_probes++;
        if (rc == AWSVAL_OK || rc == AWSVAL_INVALID) inspect(r, &g.nd, r->val.p, r->val.n);
        else failure(r, "check_value failed", awsval_err_name(rc), name, strlen(name), r->val.p, r->val.n);
        /* a string secret as raw text */
        json_error_t je;
        json_t *v = strcmp(type_of(shape_of(gm, st->target)), "string") == 0
                        ? json_loadb(r->val.p, r->val.n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je)
                        : NULL;
        if (json_is_string(v)) {
            r->via = "awsval_check_string";
            rc = awsval_check_string(r->ctx, gm->m, name, json_string_value(v), json_string_length(v));
            t->value_probes++;
            if (rc == AWSVAL_OK || rc == AWSVAL_INVALID) inspect(r, &g.nd, r->val.p, r->val.n);
            else failure(r, "check_string failed", awsval_err_name(rc), name, strlen(name), r->val.p, r->val.n);
        }
        json_decref(v);
    }
}

typedef struct op_arg {
    runner *r;
    const gmodel *gm;
    const char *op;
} op_arg;

static void on_site(void *arg, const site *st)
{
    op_arg *a = arg;
    run_site(a->r, a->gm, a->op, st);
}

/* Every operation of a model. */
static void run_model(runner *r, gmodel *gm)
{
    tally *t = r->t;
    t->models++;
    size_t before = t->sites;
    const char *op;
    json_t *o;
    json_object_foreach(gm->ops, op, o) {
        t->operations++;
        const char *input = target_of(json_object_get(o, "input"));
        if (!input) continue;
        op_arg a = {r, gm, op};
        if (find_sites(gm, input, on_site, &a) > 0) t->ops_with++;
    }
    if (t->sites > before) t->models_with++;
}

/* The generator's reading of a model document; `m` is the library's model of it. */
static bool gmodel_open_text(gmodel *gm, const char *label, const char *text, size_t len, awsval_model *m)
{
    memset(gm, 0, sizeof *gm);
    snprintf(gm->label, sizeof gm->label, "%s", label);
    json_error_t je;
    gm->doc = json_loadb(text, len, 0, &je);
    if (!gm->doc || !m) {
        json_decref(gm->doc);
        awsval_model_free(m);
        gm->doc = NULL;
        return false;
    }
    gm->m = m;
    gm->shapes = json_object_get(gm->doc, "shapes");
    gm->ops = json_object_get(gm->doc, "operations");
    json_t *meta = json_object_get(gm->doc, "metadata");
    gm->protocol = json_string_value(json_object_get(meta, "protocol"));
    if (!gm->protocol) gm->protocol = "";
    gm->target_prefix = json_string_value(json_object_get(meta, "targetPrefix"));
    gm->json_version = json_string_value(json_object_get(meta, "jsonVersion"));
    return gm->shapes && gm->ops;
}

/* A whole file (NULL when it cannot be read). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    sb text = {0};
    char chunk[65536];
    size_t got;
    while (f && (got = fread(chunk, 1, sizeof chunk, f)) > 0) sb_put(&text, chunk, got);
    if (f) fclose(f);
    *len = text.n;
    return text.p;
}

static bool gmodel_open(gmodel *gm, const char *label, const char *path, awsval_model *m)
{
    size_t len;
    char *text = slurp(path, &len);
    bool ok = text && gmodel_open_text(gm, label, text, len, m);
    if (!text) awsval_model_free(m);
    free(text);
    return ok;
}

static void gmodel_close(gmodel *gm)
{
    json_decref(gm->doc);
    awsval_model_free(gm->m);
    memset(gm, 0, sizeof *gm);
}

static void runner_init(runner *r, tally *t)
{
    memset(r, 0, sizeof *r);
    memset(t, 0, sizeof *t);
    t->members = json_object();
    r->t = t;
    awsval_code code;
    r->ctx = awsval_ctx_create(NULL, &code);
}

static void runner_free(runner *r)
{
    awsval_ctx_free(r->ctx);
    free(r->req.p);
    free(r->val.p);
    free(r->out.p);
    free(r->scratch.p);
    free(r->desc.p);
    free(r->failures.p);
    free(r->batch_needles);
    json_decref(r->t->members);
}

static void tally_print(const char *set, const tally *t, double seconds)
{
    fprintf(stderr,
            "sentinel[%s]: %zu models (%zu reach a sensitive shape), %zu operations (%zu reach one), "
            "%zu sensitive members (%zu operation sites), %zu probes: %zu checks (%zu invalid), %zu HTTP "
            "(%zu without an HTTP form), %zu value/string; %zu violations, %zu outputs searched; "
            "%zu echoes, %zu not UTF-8, %zu not JSON; %.1f s\n",
            set, t->models, t->models_with, t->operations, t->ops_with, json_object_size(t->members),
            t->sites, t->probes + t->http_probes + t->value_probes, t->probes, t->invalid, t->http_probes,
            t->http_skipped, t->value_probes, t->violations, t->outputs, t->leaks, t->bad_utf8,
            t->bad_json, seconds);
    fprintf(stderr, "sentinel[%s]: requests per probe kind:", set);
    for (int k = 0; k < P_COUNT; k++) fprintf(stderr, " %s %zu", probe_names[k], t->by_probe[k]);
    fprintf(stderr, "\nsentinel[%s]: violations at or in a secret, per kind:", set);
    for (uint32_t k = 1; k < 16; k++)
        if (awsval_kind_name(k)) fprintf(stderr, " %s %zu", awsval_kind_name(k), t->sensitive_kind[k]);
    fprintf(stderr, "\n");
}

#endif
