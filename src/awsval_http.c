/* HTTP: finds the operation of a request as its protocol does, binds the request's labels,
 * query parameters, headers and body to the operation's input, reads bound text as the
 * member's type, and hands the values to the checker.
 *
 * restJson1: the method and the operations' requestUri templates (labels `{name}`, greedy
 * labels `{name+}`, literal query parts); awsJson 1.0/1.1: POST to "/" with X-Amz-Target. A
 * field that binds one value and appears more than once is refused: a backend that reads
 * another copy than the one checked would see input awsval never checked. The whole request
 * counts against max_size before anything is bound, and every decoded string goes into scratch
 * reserved once from the request's size, so pointers into it stay valid. */
#include <math.h>
#include <stddef.h>

#include "awsval_check.h"

#define MAX_LABELS 16

typedef struct label {
    const char *name;  /* the template's label name */
    size_t name_len;
    const char *raw;   /* the request's text for it, still percent-encoded */
    size_t raw_len;
} label;

typedef struct request {
    const awsval_http_request *r;
    const char *path, *query; /* split request target */
    size_t path_len, query_len;
} request;

/* ---------------------------------------------------------------- text helpers (Private) */

static bool ieq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

/* The header named `name`; *count is how many times it appears. */
static const awsval_http_header *header(const awsval_http_request *r, const char *name, size_t n,
                                        size_t *count)
{
    const awsval_http_header *first = NULL;
    *count = 0;
    for (size_t i = 0; i < r->header_count; i++)
        if (ieq(r->headers[i].name, r->headers[i].name_len, name, n)) {
            if (!first) first = &r->headers[i];
            (*count)++;
        }
    return first;
}

/* Percent-decodes src into dst (never longer); a '%' not followed by two hex digits stays. */
static size_t pct_decode(const char *src, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    while (i < n) {
        /* the text up to the next '%' as it is */
        const char *pc = memchr(src + i, '%', n - i);
        size_t run = pc ? (size_t)(pc - (src + i)) : n - i;
        memcpy(dst + o, src + i, run);
        o += run;
        i += run;
        if (i >= n) break;
        int h, l;
        if (i + 2 < n && (h = awsval__hexval((unsigned char)src[i + 1])) >= 0 &&
            (l = awsval__hexval((unsigned char)src[i + 2])) >= 0) {
            dst[o++] = (char)(h * 16 + l);
            i += 3;
        } else {
            dst[o++] = src[i++];
        }
    }
    return o;
}

/* -------------------------------------------------------------------- routing (Private) */

/* The request path split into segments: raw (for labels) and percent-decoded (to compare with
 * the templates' literal segments), in scratch. */
typedef struct segments {
    size_t n;
    const char **raw;
    size_t *raw_len;
    const char **dec;
    size_t *dec_len;
} segments;

static bool split_path(const char *p, size_t n, segments *sg, char *text)
{
    sg->n = 0;
    if (n > 1 && p[n - 1] == '/') n--; /* a single trailing slash does not make another route */
    size_t used = 0, i = 0;
    while (i < n && p[i] == '/') {
        size_t s = ++i;
        const char *slash = memchr(p + s, '/', n - s);
        i = slash ? (size_t)(slash - p) : n;
        sg->raw[sg->n] = p + s;
        sg->raw_len[sg->n] = i - s;
        sg->dec[sg->n] = text + used;
        sg->dec_len[sg->n] = pct_decode(p + s, i - s, text + used);
        used += sg->dec_len[sg->n];
        sg->n++;
    }
    return i >= n; /* a path that does not start with '/' matches no template */
}

/* Matches the path of a requestUri template against the request's segments, collecting labels.
 * Returns the number of literal segments matched (the more, the more specific), or -1. */
static int match_path(const char *t, size_t tn, const segments *sg, label *labels, int *nlabels,
                      bool *greedy)
{
    size_t ti = 0, si = 0;
    int literals = 0;
    *nlabels = 0;
    *greedy = false;
    if (tn > 1 && t[tn - 1] == '/') tn--;
    if (tn == 1 && t[0] == '/') tn = 0; /* "/" is the root: no segments */
    while (ti < tn) {
        if (t[ti] != '/' || si >= sg->n) return -1;
        size_t ts = ++ti;
        const char *slash = memchr(t + ts, '/', tn - ts);
        ti = slash ? (size_t)(slash - t) : tn;
        size_t tl = ti - ts;
        if (tl > 2 && t[ts] == '{' && t[ti - 1] == '}') {
            bool g = t[ti - 2] == '+';
            if (*nlabels == MAX_LABELS || sg->raw_len[si] == 0) return -1;
            label *l = &labels[(*nlabels)++];
            l->name = t + ts + 1;
            l->name_len = tl - 2 - (g ? 1 : 0);
            l->raw = sg->raw[si];
            if (g) {
                /* A greedy label takes the rest of the path, slashes and all. */
                *greedy = true;
                const char *last = sg->raw[sg->n - 1] + sg->raw_len[sg->n - 1];
                l->raw_len = (size_t)(last - sg->raw[si]);
                si = sg->n;
                break;
            }
            l->raw_len = sg->raw_len[si];
        } else {
            if (sg->dec_len[si] != tl || memcmp(sg->dec[si], t + ts, tl) != 0) return -1;
            literals++;
        }
        si++;
    }
    return ti >= tn && si == sg->n ? literals : -1;
}

/* The template's literal query parts ("?tagging", "?x-id=Get") must all be in the request. */
static bool match_query(const char *tq, size_t tn, const char *q, size_t qn)
{
    size_t i = 0;
    while (i < tn) {
        size_t e = i;
        while (e < tn && tq[e] != '&') e++;
        bool found = false;
        for (size_t k = 0; k < qn && !found;) {
            size_t ke = k;
            while (ke < qn && q[ke] != '&') ke++;
            /* "name" in the template matches "name" and "name=..." in the request. */
            found = (ke - k == e - i && memcmp(q + k, tq + i, e - i) == 0) ||
                    (memchr(tq + i, '=', e - i) == NULL && ke - k > e - i &&
                     memcmp(q + k, tq + i, e - i) == 0 && q[k + (e - i)] == '=');
            k = ke + 1;
        }
        if (!found) return false;
        i = e + 1;
    }
    return true;
}

static int32_t route_rest(const awsval_model *m, const request *rq, const segments *sg,
                          label *labels, int *nlabels)
{
    int32_t best = -1;
    int best_score = -1;
    label tmp[MAX_LABELS];
    for (uint32_t i = 0; i < m->op_count; i++) {
        const awsval__operation *op = &m->ops[i];
        if (op->method_len != rq->r->method_len ||
            memcmp(AV_STR(m, op->method), rq->r->method, op->method_len) != 0)
            continue;
        const char *uri = AV_STR(m, op->uri);
        int n;
        bool greedy;
        int lit = match_path(uri, op->path_len, sg, tmp, &n, &greedy);
        if (lit < 0) continue;
        bool query = uri[op->path_len] == '?';
        if (query && !match_query(uri + op->path_len + 1, strlen(uri + op->path_len + 1), rq->query,
                                  rq->query_len))
            continue;
        /* More literal segments, then literal query parts, then no greedy label: more specific. */
        int score = lit * 4 + (query ? 2 : 0) + (greedy ? 0 : 1);
        if (score > best_score) {
            best_score = score;
            best = (int32_t)i;
            memcpy(labels, tmp, sizeof tmp);
            *nlabels = n;
        }
    }
    return best;
}

/* -------------------------------------------------------------------- binding (Private) */

typedef struct binder {
    awsval_ctx *c;
    awsval__walk *w;
    char *text;     /* decoded strings: room reserved up front */
    size_t text_len;
    size_t n;       /* entries in c->bound */
} binder;

static const char *keep(binder *b, const char *s, size_t n, bool decode, size_t *out_len)
{
    char *d = b->text + b->text_len;
    *out_len = decode ? pct_decode(s, n, d) : (memcpy(d, s, n), n);
    b->text_len += *out_len;
    return d;
}

static bool add(binder *b, int32_t member, uint8_t loc, const char *key, size_t key_len,
                const char *val, size_t val_len)
{
    awsval_ctx *c = b->c;
    if (!awsval__grow(&c->alc, (void **)&c->bound, &c->bound_cap, b->n + 1, sizeof *c->bound)) {
        b->w->nomem = b->w->stop = true;
        return false;
    }
    c->bound[b->n++] = (awsval__bound){member, key, key_len, val, val_len, loc};
    return true;
}

/* Splits a header value into list items at commas, trimming spaces around them. */
static void add_list_header(binder *b, int32_t member, const char *v, size_t n)
{
    size_t i = 0;
    while (i <= n) {
        size_t e = i;
        while (e < n && v[e] != ',') e++;
        size_t s = i, t = e;
        while (s < t && (v[s] == ' ' || v[s] == '\t')) s++;
        while (t > s && (v[t - 1] == ' ' || v[t - 1] == '\t')) t--;
        size_t kl;
        const char *item = keep(b, v + s, t - s, false, &kl);
        if (!add(b, member, AV_LOC_HEADER, NULL, 0, item, kl)) return;
        i = e + 1;
    }
}

/* Is query parameter (k, kn) bound to a named query member of the input? */
static bool named_query(const awsval_model *m, const awsval__shape *in, const char *k, size_t kn)
{
    for (uint32_t i = 0; i < in->member_count; i++) {
        const awsval__member *mb = &m->members[in->member_first + i];
        if (mb->location != AV_LOC_QUERY || m->shapes[mb->shape].type == AV_T_MAP) continue;
        const char *name = AV_STR(m, mb->location_name ? mb->location_name : mb->name);
        if (strlen(name) == kn && memcmp(name, k, kn) == 0) return true;
    }
    return false;
}

/* A field that binds one value appears more than once. */
static void ambiguous(binder *b, const char *what, size_t n)
{
    awsval__walk_fail(b->w, AWSVAL_KIND_PARSE, AV_WHY_DUP_FIELD, 0, 0);
    /* The field's name is worded by the report layer from the echo. */
    awsval_ctx *c = b->c;
    if (c->rec_count) {
        awsval__rec *r = &c->recs[0];
        size_t off = c->res.len;
        if (awsval__buf_put(&c->res, &c->alc, what, n)) {
            r->echo = (uint32_t)off;
            r->echo_len = (uint32_t)n;
            r->echo_form = AV_ECHO_TEXT;
        }
    }
}

/* Each member's values, in member order (they are checked grouped by member). */
static void bind(binder *b, const awsval_model *m, const awsval__shape *in, const request *rq,
                 const label *labels, int nlabels)
{
    for (uint32_t i = 0; i < in->member_count && !b->w->stop; i++) {
        int32_t mi = (int32_t)(in->member_first + i);
        const awsval__member *mb = &m->members[mi];
        const awsval__shape *ms = &m->shapes[mb->shape];
        const char *name = AV_STR(m, mb->location_name ? mb->location_name : mb->name);
        size_t nn = strlen(name);
        switch (mb->location) {
        case AV_LOC_URI:
            for (int k = 0; k < nlabels; k++) {
                if (labels[k].name_len != nn || memcmp(labels[k].name, name, nn) != 0) continue;
                size_t vl;
                const char *v = keep(b, labels[k].raw, labels[k].raw_len, true, &vl);
                add(b, mi, AV_LOC_URI, NULL, 0, v, vl);
            }
            break;
        case AV_LOC_QUERY: {
            size_t seen = 0;
            for (size_t k = 0; k < rq->query_len && !b->w->stop;) {
                size_t e = k;
                while (e < rq->query_len && rq->query[e] != '&') e++;
                const char *eq = memchr(rq->query + k, '=', e - k);
                size_t kl = eq ? (size_t)(eq - (rq->query + k)) : e - k;
                size_t kdl;
                const char *kd = keep(b, rq->query + k, kl, true, &kdl);
                bool mine = ms->type == AV_T_MAP ? kdl > 0 && !named_query(m, in, kd, kdl)
                                                 : kdl == nn && memcmp(kd, name, nn) == 0;
                if (!mine || e == k) {
                    b->text_len -= kdl; /* not kept */
                } else {
                    size_t vl;
                    /* A parameter without '=' has the empty string as its value. */
                    const char *v = eq ? keep(b, eq + 1, (size_t)(rq->query + e - eq - 1), true, &vl)
                                       : keep(b, "", 0, false, &vl);
                    if (ms->type != AV_T_LIST && ms->type != AV_T_MAP && seen++) {
                        ambiguous(b, name, nn);
                        return;
                    }
                    add(b, mi, AV_LOC_QUERY, ms->type == AV_T_MAP ? kd : NULL, ms->type == AV_T_MAP ? kdl : 0, v, vl);
                }
                k = e + 1;
            }
            break;
        }
        case AV_LOC_HEADER: {
            size_t count;
            const awsval_http_header *h = header(rq->r, name, nn, &count);
            if (!h) break;
            if (ms->type == AV_T_LIST) {
                /* Repeated list headers are one list (RFC 9110 5.3). */
                for (size_t k = 0; k < rq->r->header_count; k++) {
                    const awsval_http_header *x = &rq->r->headers[k];
                    if (ieq(x->name, x->name_len, name, nn)) add_list_header(b, mi, x->value, x->value_len);
                }
            } else if (count > 1) {
                ambiguous(b, name, nn);
                return;
            } else {
                add(b, mi, AV_LOC_HEADER, NULL, 0, h->value, h->value_len);
            }
            break;
        }
        case AV_LOC_HEADERS: {
            /* The keys of a map from which a secret is reachable are not named (as check_bound
             * hides them): a duplicate is reported by the prefix alone. */
            bool hide = mb->sensitive || (m->shapes[ms->target].flags & AV_SF_HIDES) ||
                        (m->shapes[ms->value].flags & AV_SF_HIDES);
            for (size_t k = 0; k < rq->r->header_count; k++) {
                const awsval_http_header *h = &rq->r->headers[k];
                if (h->name_len < nn || !ieq(h->name, nn, name, nn)) continue;
                /* The same prefixed header twice is one map key twice. */
                for (size_t j = 0; j < k; j++)
                    if (ieq(rq->r->headers[j].name, rq->r->headers[j].name_len, h->name, h->name_len)) {
                        ambiguous(b, hide ? name : h->name, hide ? nn : h->name_len);
                        return;
                    }
                add(b, mi, AV_LOC_HEADERS, h->name + nn, h->name_len - nn, h->value, h->value_len);
            }
            break;
        }
        default:
            break;
        }
    }
}

/* ------------------------------------------------------- text -> typed values (Private) */

/* An integer in decimal text, as the REST protocols write them outside the body. */
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

static bool special_float(const char *s, size_t n)
{
    return (n == 3 && memcmp(s, "NaN", 3) == 0) || (n == 8 && memcmp(s, "Infinity", 8) == 0) ||
           (n == 9 && memcmp(s, "-Infinity", 9) == 0);
}

/* Checks one bound string as a value of shape si. */
static void check_text(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags, awsval__grp *g,
                       const char *str, size_t n)
{
    const awsval__shape *sh = &w->m->shapes[si];
    /* Percent-decoding and header bytes can make anything: what is not UTF-8 is no value of any
     * type, and is never echoed (a report must stay UTF-8). */
    int64_t cps = awsval__utf8_count(str, n, NULL);
    if (cps < 0) {
        awsval__walk_type(w, si, nseg, vflags, g, NULL, 0);
        return;
    }
    int64_t v;
    switch (sh->type) {
    case AV_T_STRING:
        awsval__walk_string(w, si, nseg, vflags, g, str, n, cps, 0, 0);
        return;
    case AV_T_BOOLEAN:
        if (!((n == 4 && memcmp(str, "true", 4) == 0) || (n == 5 && memcmp(str, "false", 5) == 0)))
            awsval__walk_type(w, si, nseg, vflags, g, str, n);
        return;
    case AV_T_BYTE:
    case AV_T_SHORT:
    case AV_T_INTEGER:
    case AV_T_LONG: {
        int64_t lo, hi;
        awsval__int_range(sh->type, &lo, &hi);
        if (!text_int(str, n, &v) || v < lo || v > hi) awsval__walk_type(w, si, nseg, vflags, g, str, n);
        else awsval__walk_integer(w, si, nseg, vflags, g, v, str, n);
        return;
    }
    case AV_T_BIGINTEGER: {
        size_t i = n && str[0] == '-' ? 1 : 0;
        bool digits = i < n;
        for (size_t k = i; k < n; k++) digits = digits && str[k] >= '0' && str[k] <= '9';
        if (!digits) awsval__walk_type(w, si, nseg, vflags, g, str, n);
        else if (text_int(str, n, &v)) awsval__walk_integer(w, si, nseg, vflags, g, v, str, n);
        return;
    }
    case AV_T_FLOAT:
    case AV_T_DOUBLE:
    case AV_T_BIGDECIMAL:
        if (special_float(str, n)) {
            double d = str[0] == 'N' ? (double)NAN : str[0] == '-' ? -(double)INFINITY : (double)INFINITY;
            awsval__walk_float(w, si, nseg, vflags, g, d, str, n);
        } else if (awsval__num_valid(str, n)) {
            awsval__walk_float(w, si, nseg, vflags, g, awsval__num_double(str, n, sh->type == AV_T_FLOAT), str, n);
        } else {
            awsval__walk_type(w, si, nseg, vflags, g, str, n);
        }
        return;
    case AV_T_TIMESTAMP:
        /* RFC 3339, IMF-fixdate or epoch seconds wherever it is bound: the safe side. */
        if (!awsval__rfc3339(str, n) && !awsval__http_date(str, n) && !awsval__num_valid(str, n))
            awsval__walk_type(w, si, nseg, vflags, g, str, n);
        return;
    case AV_T_BLOB: {
        int64_t bytes = awsval__base64_len(str, n);
        if (bytes < 0) awsval__walk_type(w, si, nseg, vflags, g, str, n);
        else awsval__walk_blob(w, si, nseg, vflags, g, bytes, str, n);
        return;
    }
    default:
        awsval__walk_type(w, si, nseg, vflags, g, str, n);
    }
}

/* "[a, b]" or "{k=v, ...}" of bound entries [i, k), as Java prints a list or map, into c->eq
 * (scratch free during binding). */
static const char *java_text(awsval_ctx *c, const awsval__bound *e, size_t n, bool map, size_t *len)
{
    awsval__buf *t = &c->eq;
    t->len = 0;
    bool ok = awsval__buf_put(t, &c->alc, map ? "{" : "[", 1);
    for (size_t i = 0; ok && i < n; i++) {
        if (i) ok = awsval__buf_put(t, &c->alc, ", ", 2);
        if (map) ok = ok && awsval__buf_put(t, &c->alc, e[i].key, e[i].key_len) && awsval__buf_put(t, &c->alc, "=", 1);
        ok = ok && awsval__buf_put(t, &c->alc, e[i].val, e[i].val_len);
    }
    ok = ok && awsval__buf_put(t, &c->alc, map ? "}" : "]", 1);
    *len = ok ? t->len : 0;
    return ok ? t->data : NULL;
}

/* Checks the members bound from the request (grouped by member), marking them in `preset`
 * (present bits, then set bits). */
static void check_bound(awsval__walk *w, const awsval__shape *in, size_t nbound, uint64_t *preset,
                        uint32_t *set)
{
    awsval_ctx *c = w->c;
    const awsval_model *m = w->m;
    uint32_t words = w->seen_words;
    const awsval__bound *all = c->bound;
    for (size_t i = 0; i < nbound && !w->stop;) {
        const awsval__bound *b = &all[i];
        size_t k = i;
        while (k < nbound && all[k].member == b->member) k++;
        const awsval__member *mb = &m->members[b->member];
        const awsval__shape *ms = &m->shapes[mb->shape];
        uint32_t bit = (uint32_t)b->member - in->member_first;
        preset[bit / 64] |= 1ull << (bit % 64);
        preset[words + bit / 64] |= 1ull << (bit % 64);
        (*set)++;
        uint32_t vflags = mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0;
        awsval__walk_seg_member(w, 0, b->member);
        size_t jl = 0;
        const char *jt = NULL;
        if (ms->type == AV_T_LIST) {
            awsval__grp g;
            awsval__grp_init(&g, 1, mb->shape, vflags != 0);
            for (size_t j = i; j < k && !w->stop; j++) {
                awsval__walk_seg_index(w, 1, (uint32_t)(j - i));
                check_text(w, 2, ms->target, vflags | AWSVAL_VIOLATION_LIST_MEMBER, &g, all[j].val, all[j].val_len);
            }
            if (!vflags && !mb->hides) jt = java_text(c, all + i, k - i, false, &jl);
            awsval__walk_group_text(w, &g, jt, jl);
            awsval__walk_count(w, mb->shape, 1, vflags, (int64_t)(k - i), jt, jl);
            if (ms->flags & AV_SF_UNIQUE) {
                /* Equal strings, by the shared duplicate detector over the decoded values. */
                awsval__keyref *refs = NULL;
                size_t cap = 0;
                if (!awsval__grow(&c->alc, (void **)&refs, &cap, k - i, sizeof *refs)) {
                    w->nomem = w->stop = true;
                    return;
                }
                /* Every list item is in the binding scratch (query values are decoded into it,
                 * header items copied): compare them by offset, sorted (no quadratic work). */
                const char *base = c->hbuf.data;
                for (size_t j = i; j < k; j++)
                    refs[j - i] = (awsval__keyref){(uint32_t)(all[j].val - base), (uint32_t)all[j].val_len | AV_KEY_TEXT, 0, 0};
                bool dup = awsval__keys_duplicate(refs, k - i, "", base) >= 0;
                awsval__free(&c->alc, refs);
                if (dup) awsval__walk_not_unique(w, mb->shape, 1, vflags);
            }
        } else if (ms->type == AV_T_MAP) {
            bool hide = vflags || (m->shapes[ms->target].flags & AV_SF_HIDES) || (m->shapes[ms->value].flags & AV_SF_HIDES);
            /* (a map bound to headers or the query string from which a secret is reachable) */
            awsval__grp g;
            awsval__grp_init(&g, 1, mb->shape, hide);
            for (size_t j = i; j < k && !w->stop; j++) {
                const awsval__bound *e = &all[j];
                int64_t cps = awsval__utf8_count(e->key, e->key_len, NULL);
                /* A key that is not UTF-8 cannot stand in a path: it is written as "*". */
                awsval__walk_seg_key(w, 1, e->key, e->key_len, (uint32_t)(j - i), hide || cps < 0);
                uint32_t kf = vflags | AWSVAL_VIOLATION_MAP_KEY | (hide ? AWSVAL_VIOLATION_SENSITIVE : 0);
                if (m->shapes[ms->target].type == AV_T_STRING) {
                    if (cps < 0) awsval__walk_type(w, ms->target, 2, kf, &g, NULL, 0);
                    else awsval__walk_string(w, ms->target, 2, kf, &g, e->key, e->key_len, cps, 0, 0);
                }
                int32_t vs = ms->value;
                if (m->shapes[vs].type == AV_T_LIST) vs = m->shapes[vs].target;
                check_text(w, 2, vs, vflags | AWSVAL_VIOLATION_MAP_VALUE, &g, e->val, e->val_len);
            }
            if (!hide) jt = java_text(c, all + i, k - i, true, &jl);
            awsval__walk_group_text(w, &g, jt, jl);
            awsval__walk_count(w, mb->shape, 1, vflags, (int64_t)(k - i), jt, jl);
        } else {
            check_text(w, 1, mb->shape, vflags, NULL, b->val, b->val_len);
        }
        i = k;
    }
}

/* ---------------------------------------------------------------------- entry (Public) */

/* Whether the Content-Type is `want` (parameters allowed, but a charset only UTF-8). Absent:
 * the body is read as the protocol's JSON. */
static bool media_ok(const awsval_http_header *h, const char *want)
{
    if (!h) return true;
    size_t n = strlen(want), i = 0;
    const char *v = h->value;
    size_t len = h->value_len;
    while (i < len && (v[i] == ' ' || v[i] == '\t')) i++;
    if (len - i < n || !ieq(v + i, n, want, n)) return false;
    i += n;
    /* ; param=value ... */
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t')) i++;
        if (i >= len) break;
        if (v[i] != ';') return false;
        i++;
        while (i < len && (v[i] == ' ' || v[i] == '\t')) i++;
        size_t ps = i;
        while (i < len && v[i] != '=' && v[i] != ';') i++;
        size_t pe = i;
        while (pe > ps && (v[pe - 1] == ' ' || v[pe - 1] == '\t')) pe--;
        if (i >= len || v[i] != '=') {
            if (pe > ps) return false;
            continue;
        }
        i++;
        size_t vs = i;
        while (i < len && v[i] != ';') i++;
        size_t ve = i;
        while (ve > vs && (v[ve - 1] == ' ' || v[ve - 1] == '\t')) ve--;
        if (ve > vs + 1 && v[vs] == '"' && v[ve - 1] == '"') {
            vs++;
            ve--;
        }
        if (ieq(v + ps, pe - ps, "charset", 7) && !ieq(v + vs, ve - vs, "utf-8", 5) &&
            !ieq(v + vs, ve - vs, "utf8", 4))
            return false;
    }
    return true;
}

awsval_code awsval_check_http(awsval_ctx *c, const awsval_model *m, const awsval_http_request *r)
{
    return awsval_check_http_ex(c, m, r, c ? c->opts.flags : 0);
}

awsval_code awsval_check_http_ex(awsval_ctx *c, const awsval_model *m, const awsval_http_request *r,
                                 uint32_t flags)
{
    /* `size` is at least the first published struct's: a caller built against an older header
     * is read within what it set (there is no older one yet, so that is all of it). */
    if (!c || !m || !r || r->size < offsetof(awsval_http_request, body_len) + sizeof r->body_len || !r->method || (!r->target && r->target_len) ||
        (!r->body && r->body_len) || (!r->headers && r->header_count))
        return AWSVAL_BADARG;
    for (size_t i = 0; i < r->header_count; i++)
        if ((!r->headers[i].name && r->headers[i].name_len) || (!r->headers[i].value && r->headers[i].value_len))
            return AWSVAL_BADARG;
    const char *body = r->body ? r->body : "";
    /* The whole request counts against max_size before anything is bound. */
    size_t total = r->method_len + r->target_len + r->body_len;
    for (size_t i = 0; i < r->header_count && total <= c->opts.max_size; i++)
        total += r->headers[i].name_len + r->headers[i].value_len;
    awsval__walk w;
    if (total > c->opts.max_size) {
        if (!awsval__walk_begin(&w, c, m, "", 0, flags, -1)) return AWSVAL_NOMEM;
        c->http = true;
        awsval__walk_fail(&w, AWSVAL_KIND_LIMIT, AV_WHY_SIZE, (uint32_t)c->opts.max_size, 0);
        awsval_code rc = awsval__walk_end(&w);
        return rc;
    }
    request rq = {.r = r, .path = r->target ? r->target : "", .path_len = r->target_len};
    const char *qm = rq.path_len ? memchr(rq.path, '?', rq.path_len) : NULL;
    if (qm) {
        rq.query = qm + 1;
        rq.query_len = (size_t)(rq.path + rq.path_len - qm - 1);
        rq.path_len = (size_t)(qm - rq.path);
    } else {
        rq.query = "";
    }

    /* Scratch, reserved once: the decoded path, every decoded string (a percent-decoded string
     * is never longer than its source), and the segment tables. */
    size_t segs = rq.path_len + 1, header_bytes = 0;
    for (size_t i = 0; i < r->header_count; i++) header_bytes += r->headers[i].value_len;
    /* decoded path | segment tables | labels, query keys and values, header list items */
    size_t room = rq.path_len + 16 + sizeof(void *) + segs * (2 * sizeof(const char *) + 2 * sizeof(size_t)) +
                  rq.path_len + 2 * rq.query_len + header_bytes + 16;
    c->hbuf.len = 0;
    if (!awsval__buf_reserve(&c->hbuf, &c->alc, room)) return AWSVAL_NOMEM;
    char *scratch = c->hbuf.data;
    size_t align = sizeof(void *);
    size_t tab = (rq.path_len + 16 + align - 1) / align * align;
    segments sg = {0, (const char **)(void *)(scratch + tab), NULL, NULL, NULL};
    sg.raw_len = (size_t *)(void *)(sg.raw + segs);
    sg.dec = (const char **)(void *)(sg.raw_len + segs);
    sg.dec_len = (size_t *)(void *)(sg.dec + segs);
    binder bd = {.c = c, .w = &w, .text = (char *)(sg.dec_len + segs), .text_len = 0};

    label labels[MAX_LABELS];
    int nlabels = 0;
    int32_t op = -1;
    uint8_t why = 0;
    size_t nct;
    const awsval_http_header *ct = header(r, "Content-Type", 12, &nct);
    if (m->native.protocol == AV_PROTO_JSON) {
        size_t nt;
        const awsval_http_header *h = header(r, "X-Amz-Target", 12, &nt);
        const char *prefix = AV_STR(m, m->target_prefix);
        size_t pl = strlen(prefix);
        /* awsJson operations are all POST to "/". */
        bool post = r->method_len == 4 && memcmp(r->method, "POST", 4) == 0;
        bool root = rq.path_len == 1 && rq.path[0] == '/';
        if (nt > 1 || nct > 1) why = AV_WHY_DUP_FIELD;
        else if (post && root && h && h->value_len > pl + 1 && memcmp(h->value, prefix, pl) == 0 && h->value[pl] == '.')
            op = awsval__find_operation(m, h->value + pl + 1, h->value_len - pl - 1);
        const char *want = strcmp(AV_STR(m, m->json_version), "1.1") == 0 ? "application/x-amz-json-1.1"
                                                                           : "application/x-amz-json-1.0";
        if (!why && op < 0) why = AV_WHY_ROUTE;
        else if (!why && !media_ok(ct, want)) why = AV_WHY_MEDIA;
    } else {
        if (!split_path(rq.path, rq.path_len, &sg, scratch)) sg.n = SIZE_MAX;
        if (sg.n != SIZE_MAX) op = route_rest(m, &rq, &sg, labels, &nlabels);
        if (nct > 1) why = AV_WHY_DUP_FIELD;
        else if (op < 0) why = AV_WHY_ROUTE;
        else if (r->body_len && !media_ok(ct, "application/json")) why = AV_WHY_MEDIA;
    }
    if (!awsval__walk_begin(&w, c, m, body, r->body_len, flags | AWSVAL_CHECK_IGNORE_UNKNOWN, op))
        return AWSVAL_NOMEM;
    c->http = true;
    w.http = true;
    if (why) {
        if (why == AV_WHY_DUP_FIELD) {
            bool target = m->native.protocol == AV_PROTO_JSON && nct <= 1;
            ambiguous(&bd, target ? "X-Amz-Target" : "Content-Type", 12);
        } else {
            awsval__walk_fail(&w, why == AV_WHY_ROUTE ? AWSVAL_KIND_OPERATION : AWSVAL_KIND_PARSE, why, 0, 0);
        }
        awsval_code rc = awsval__walk_end(&w);
        return rc;
    }

    int32_t in = m->ops[op].input;
    uint32_t words = w.seen_words;
    uint64_t preset_buf[2 * 8];
    uint64_t *preset = preset_buf;
    if (words > 8) {
        preset = awsval__calloc(&c->alc, 2 * words, sizeof *preset);
        if (!preset) return AWSVAL_NOMEM;
    } else {
        memset(preset_buf, 0, sizeof preset_buf);
    }
    uint32_t preset_set = 0;
    if (in >= 0) {
        const awsval__shape *sh = &m->shapes[in];
        bind(&bd, m, sh, &rq, labels, nlabels);
        check_bound(&w, sh, bd.n, preset, &preset_set);
        const awsval__operation *o = &m->ops[op];
        size_t lead = 0;
        while (lead < r->body_len && (body[lead] == ' ' || body[lead] == '\t' || body[lead] == '\r' || body[lead] == '\n'))
            lead++;
        bool empty = lead == r->body_len;
        if (w.stop) {
            /* a parse-level failure while binding */
        } else if (o->payload >= 0) {
            /* The body is one member's value; an empty body is an absent payload. */
            const awsval__member *mb = &m->members[o->payload];
            const awsval__shape *ps = &m->shapes[mb->shape];
            uint32_t bit = (uint32_t)o->payload - sh->member_first;
            uint32_t vf = mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0;
            if (!empty || ((ps->type == AV_T_STRING || ps->type == AV_T_BLOB) && r->body_len)) {
                preset[words + bit / 64] |= 1ull << (bit % 64);
                preset_set++;
                awsval__walk_seg_member(&w, 0, o->payload);
                if (ps->type == AV_T_STRING) {
                    int64_t cps = awsval__utf8_count(body, r->body_len, NULL);
                    if (cps < 0) awsval__walk_fail(&w, AWSVAL_KIND_PARSE, AV_WHY_PAYLOAD_UTF8, 0, 0);
                    else awsval__walk_string(&w, mb->shape, 1, vf, NULL, body, r->body_len, cps, 0, r->body_len);
                } else if (ps->type == AV_T_BLOB) {
                    awsval__walk_blob(&w, mb->shape, 1, vf, NULL, (int64_t)r->body_len, NULL, 0);
                } else {
                    awsval__walk_document(&w, mb->shape, 1, vf);
                }
            }
            if (!w.stop) awsval__walk_required(&w, in, 0, preset + words);
        } else if (empty) {
            /* restJson1 and awsJson read an empty body as an empty input. */
            awsval__scan_init(&w.sc, "{}", 2, &c->text, &c->alc);
            awsval__walk_input(&w, in, preset, preset_set);
        } else {
            awsval__walk_input(&w, in, preset, preset_set);
        }
    } else if (r->body_len) {
        awsval__walk_document(&w, -1, 0, 0);
    }
    if (preset != preset_buf) awsval__free(&c->alc, preset);
    awsval_code rc = awsval__walk_end(&w);
    return rc;
}
