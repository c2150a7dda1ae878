/* The one-pass checker: it reads the input once, front to back, with the shared tokenizer and
 * follows the shape graph as it descends, recording violations as data (see awsval_check.h).
 *
 * Scratch is grown on demand by what the input holds, never sized by its byte count: keys are
 * kept only for objects that are open, bitsets only for structures that are open, item spans
 * only for open uniqueItems lists. Duplicate keys are found when an object closes (linear for
 * small objects, a heapsort for large ones: O(n log n) whatever the keys, so no flood). */
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "awsval_check.h"
#include "awsval_rx.h"

/* Past this many bytes of echoed text a result keeps no more: each leaf value is echoed once,
 * and the containers echoed around them at most double it. */
#define ECHO_SLACK 4096

/* ------------------------------------------------------------------- scratch (Private) */

static bool oom(awsval__walk *w)
{
    w->nomem = true;
    w->stop = true;
    return false;
}

/* ------------------------------------------------------------------ recording (Private) */

/* Copies text into the result arena; returns its offset (UINT32_MAX when out of memory or the
 * arena would pass 4 GiB). */
static uint32_t res_put(awsval__walk *w, const char *p, size_t n)
{
    awsval__buf *r = &w->c->res;
    if (r->len + n > UINT32_MAX - 1 || !awsval__buf_put(r, &w->c->alc, p, n)) {
        oom(w);
        return UINT32_MAX;
    }
    return (uint32_t)(r->len - n);
}

/* Keeps an echo of p[0..n) within the result's echo budget (cut on a character boundary). */
static void echo_keep(awsval__walk *w, uint32_t *off, uint32_t *len, const char *p, size_t n)
{
    awsval_ctx *c = w->c;
    if (n > c->echo_budget) n = awsval__utf8_floor(p, c->echo_budget);
    c->echo_budget -= n;
    *off = res_put(w, p, n);
    *len = (uint32_t)n;
}

static const char *seg_name(const awsval_ctx *c, const awsval__seg *g)
{
    return g->in_text ? c->text.data + g->text_off : g->name;
}

/* The path node of segments [0, nseg), made (with its ancestors) if it does not exist yet. */
static uint32_t node_for(awsval__walk *w, uint32_t nseg)
{
    awsval_ctx *c = w->c;
    uint32_t parent = 0;
    for (uint32_t i = 0; i < nseg; i++) {
        awsval__seg *g = &c->path[i];
        if (!g->node) {
            if (!awsval__grow(&c->alc, (void **)&c->nodes, &c->node_cap, c->node_count + 1,
                              sizeof *c->nodes)) {
                oom(w);
                return 0;
            }
            awsval__node n = {parent, g->kind, g->redact, (uint16_t)(i + 1), g->member, g->index, 0, 0};
            bool named = g->kind == AV_SEG_KEY || (g->kind == AV_SEG_MEMBER && g->member < 0);
            if (named && !g->redact) {
                n.text = res_put(w, seg_name(c, g), g->len);
                n.text_len = g->len;
                if (w->nomem) return 0;
            }
            c->nodes[c->node_count] = n;
            g->node = (uint32_t)c->node_count++;
        }
        parent = g->node;
    }
    return parent;
}

static int role_index(uint32_t vflags)
{
    return vflags & AWSVAL_VIOLATION_MAP_KEY ? 1 : 0;
}

/* Records a violation of the value at path segments [0, nseg). Items of a list or map of
 * scalars (g set) are grouped into the one error the service reports at the container. Returns
 * the record, or NULL (over max_violations: it is still counted; or the walk stopped). */
static awsval__rec *record(awsval__walk *w, uint32_t nseg, uint8_t kind, uint8_t source,
                           int32_t shape, uint32_t vflags, awsval__grp *g, size_t off, size_t len)
{
    if (w->stop) return NULL;
    awsval_ctx *c = w->c;
    const awsval_model *m = w->m;
    if (shape >= 0 && (m->shapes[shape].flags & AV_SF_SENSITIVE)) vflags |= AWSVAL_VIOLATION_SENSITIVE;
    bool grouped = g && (vflags & (AWSVAL_VIOLATION_LIST_MEMBER | AWSVAL_VIOLATION_MAP_KEY |
                                   AWSVAL_VIOLATION_MAP_VALUE)) &&
                   shape >= 0 && (m->shapes[shape].flags & AV_SF_SCALAR) && kind != AWSVAL_KIND_TYPE;
    int ri = role_index(vflags);
    c->rec_total++;
    if (!grouped) c->units++;
    else if (!g->counted[ri]) {
        g->counted[ri] = true;
        c->units++;
    }
    if (kind == AWSVAL_KIND_TYPE && c->failed < AV_FAIL_TYPE) c->failed = AV_FAIL_TYPE;
    if (c->rec_count >= c->opts.max_violations) return NULL;
    awsval__rec *r = &c->recs[c->rec_count];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->source = source;
    r->flags = (uint16_t)vflags;
    r->shape = shape;
    r->rule = -1;
    r->actual = -1;
    r->offset = off;
    r->length = len;
    r->echo = UINT32_MAX;
    r->echo_shape = -1;
    r->node = node_for(w, nseg);
    if (grouped && !g->group[ri]) {
        awsval__group *gr = &c->groups[++c->group_count];
        memset(gr, 0, sizeof *gr);
        gr->node = node_for(w, g->nseg);
        gr->role = (uint16_t)(vflags & (AWSVAL_VIOLATION_LIST_MEMBER | AWSVAL_VIOLATION_MAP_KEY |
                                        AWSVAL_VIOLATION_MAP_VALUE));
        gr->hidden = g->hidden || (vflags & AWSVAL_VIOLATION_SENSITIVE);
        gr->shape = g->shape;
        gr->item = shape;
        gr->echo = UINT32_MAX;
        g->group[ri] = c->group_count;
    }
    if (grouped) r->group = g->group[ri];
    if (w->nomem) return NULL;
    c->rec_count++;
    return r;
}

/* Echoes a value (text as the service prints strings; JSON printed as Java at publish time).
 * Nothing sensitive, and no container from which a sensitive value can be reached. */
static void echo(awsval__walk *w, awsval__rec *r, uint32_t vflags, uint8_t form, const char *p,
                 size_t n, int32_t shape)
{
    if (!r || (vflags & AWSVAL_VIOLATION_SENSITIVE) || !p) return;
    if (shape >= 0 && (w->m->shapes[shape].flags & AV_SF_HIDES)) return;
    r->echo_form = form;
    r->echo_shape = shape;
    echo_keep(w, &r->echo, &r->echo_len, p, n);
}

/* A parse-level failure: the answer is this alone, as from a service that cannot read the
 * request. Everything recorded so far is dropped. */
static void fail_at(awsval__walk *w, uint8_t kind, uint8_t why, uint32_t arg, size_t off,
                    const char *echo_text, size_t echo_len)
{
    if (w->stop) return;
    awsval_ctx *c = w->c;
    c->rec_count = c->rec_total = c->units = 0;
    c->group_count = 0;
    c->node_count = 1;
    c->res.len = 0;
    c->failed = kind == AWSVAL_KIND_LIMIT ? AV_FAIL_LIMIT
              : why == AV_WHY_ROUTE     ? AV_FAIL_ROUTE
              : why == AV_WHY_MEDIA     ? AV_FAIL_MEDIA
              : why == AV_WHY_SIZE      ? AV_FAIL_SIZE
                                        : AV_FAIL_PARSE;
    awsval__rec *r = record(w, 0, kind, AWSVAL_SOURCE_MODEL, -1, 0, NULL, off, 0);
    if (r) {
        r->why = why;
        r->arg = arg;
        if (echo_text) echo(w, r, 0, AV_ECHO_TEXT, echo_text, echo_len, -1);
    }
    w->stop = true;
}

/* The tokenizer stopped: word nothing, keep its code. */
static void fail_scan(awsval__walk *w)
{
    if (w->sc.nomem) {
        oom(w);
        return;
    }
    fail_at(w, AWSVAL_KIND_PARSE, w->sc.err, w->sc.err_arg, w->sc.err_off, NULL, 0);
}

void awsval__walk_fail(awsval__walk *w, uint8_t kind, uint8_t why, uint32_t arg, size_t off)
{
    fail_at(w, kind, why, arg, off, NULL, 0);
}

/* ------------------------------------------------------------ constraint checks (Private) */

static void length_violation(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                             awsval__grp *g, int64_t actual, uint8_t form, const char *echo_p,
                             size_t echo_n, int32_t echo_shape, size_t off, size_t len);

/* Lengths are checked for every string, list and map: the common case (in bounds) is inline. */
static inline void length_check(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                                awsval__grp *g, int64_t actual, uint8_t form, const char *echo_p,
                                size_t echo_n, int32_t echo_shape, size_t off, size_t len)
{
    const awsval__shape *sh = &w->m->shapes[si];
    if (((sh->flags & AV_SF_MIN) && actual < sh->min) || ((sh->flags & AV_SF_MAX) && actual > sh->max))
        length_violation(w, nseg, si, vflags, g, actual, form, echo_p, echo_n, echo_shape, off, len);
}

static void length_violation(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                             awsval__grp *g, int64_t actual, uint8_t form, const char *echo_p,
                             size_t echo_n, int32_t echo_shape, size_t off, size_t len)
{
    const awsval__shape *sh = &w->m->shapes[si];
    bool lo = (sh->flags & AV_SF_MIN) && actual < sh->min;
    awsval__rec *r = record(w, nseg, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_MODEL, si, vflags, g, off, len);
    if (!r) return;
    r->actual = actual;
    r->bounds = lo ? 1 : 2;
    echo(w, r, vflags, form, echo_p, echo_n, echo_shape);
}

/* The fast path of a single-class pattern (see awsval__pattern). */
static int fast_match(const awsval__pattern *p, const char *str, size_t n, int64_t cps)
{
    if (cps < (int64_t)p->qmin || cps > (int64_t)p->qmax) return AWSVAL__RE_NOMATCH;
    const unsigned char *s = (const unsigned char *)str, *e = s + n;
#if defined(__SSE2__)
    /* x in [lo, hi] as a signed compare of x - lo - 128 with hi - lo + 1 - 128; bytes of 0x80
     * and above pass when every such code point is a member */
    __m128i bias[AV_FAST_RUNS], top[AV_FAST_RUNS];
    for (unsigned r = 0; r < p->runs; r++) {
        bias[r] = _mm_set1_epi8((char)(p->run_lo[r] + 128));
        top[r] = _mm_set1_epi8((char)(p->run_hi[r] - p->run_lo[r] + 1 - 128));
    }
    const __m128i high = _mm_set1_epi8(p->gaps == 0 ? 0 : (char)0x80); /* v < 0: a byte >= 0x80 */
#endif
    /* After the vector test refuses a block, the next few go straight to the table. */
    unsigned cool = p->runs || p->gaps == 0 ? 0 : UINT32_MAX;
    while (s < e) {
#if defined(__SSE2__)
        while (!cool && e - s >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i in = _mm_cmplt_epi8(v, high);
            for (unsigned r = 0; r < p->runs; r++)
                in = _mm_or_si128(in, _mm_cmplt_epi8(_mm_sub_epi8(v, bias[r]), top[r]));
            if (_mm_movemask_epi8(in) != 0xFFFF) {
                cool = 4;
                break;
            }
            s += 16;
        }
#endif
        if (cool && cool != UINT32_MAX) cool--;
        /* A block the vector test refused: all ASCII, sixteen table lookups and one branch;
         * else a character at a time. */
        if (e - s >= 16) {
            uint64_t w0, w1;
            memcpy(&w0, s, 8);
            memcpy(&w1, s + 8, 8);
            if (!((w0 | w1) & 0x8080808080808080ull)) {
                unsigned ok = 1;
                for (int i = 0; i < 16; i++) ok &= p->member[s[i]];
                if (!ok) return AWSVAL__RE_NOMATCH;
                s += 16;
                continue;
            }
        }
        const unsigned char *stop = e - s > 16 ? s + 16 : e;
        while (s < stop) {
            unsigned c = *s;
            if (c < 0x80) {
                if (!p->member[c]) return AWSVAL__RE_NOMATCH;
                s++;
                continue;
            }
            if (c < 0xC0) { /* a character the vector test passed, cut at its block's end */
                s++;
                continue;
            }
            size_t k;
            uint32_t cp = awsval__utf8_decode(s, &k);
            s += k;
            if (p->gaps < 0) {
                if (!awsval__rx_dfa_first(p->dfa, cp)) return AWSVAL__RE_NOMATCH;
                continue;
            }
            for (int g = 0; g < p->gaps; g++)
                if (cp >= p->gap_lo[g] && cp <= p->gap_hi[g]) return AWSVAL__RE_NOMATCH;
        }
    }
    return AWSVAL__RE_MATCH;
}

static void pattern_check(awsval__walk *w, uint32_t nseg, int32_t si, int32_t pi, uint8_t source,
                          int32_t rule, uint32_t vflags, awsval__grp *g, const char *str, size_t n,
                          int64_t cps, size_t off, size_t len)
{
    const awsval__pattern *p = &w->m->patterns[pi];
    int res = p->fast && (p->dfa || (size_t)cps == n) ? fast_match(p, str, n, cps)
                                                      : awsval__regex_match(p->re, str, n, w->c->rx);
    if (res == AWSVAL__RE_MATCH) return;
    bool limit = res == AWSVAL__RE_LIMIT || res == AWSVAL__RE_ERROR;
    if (limit && (w->flags & AWSVAL_CHECK_LIMIT_OPEN)) return;
    awsval__rec *r = record(w, nseg, limit ? AWSVAL_KIND_LIMIT : AWSVAL_KIND_PATTERN, source, si,
                            vflags, g, off, len);
    if (!r) return;
    r->rule = source == AWSVAL_SOURCE_DOCUMENTED ? rule : pi;
    echo(w, r, vflags, AV_ECHO_TEXT, str, n, -1);
}

/* Documented (overlay) rules of a string shape. */
static void doc_checks(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags, awsval__grp *g,
                       const char *str, size_t n, int64_t cps, size_t off, size_t len)
{
    const awsval_model *m = w->m;
    const awsval__shape *sh = &m->shapes[si];
    for (uint32_t k = 0; k < sh->doc_count; k++) {
        int32_t ri = (int32_t)(sh->doc_first + k);
        const awsval__doc_rule *rule = &m->docs[ri];
        if (rule->form == AV_DOC_REGEX) {
            pattern_check(w, nseg, si, rule->pattern, AWSVAL_SOURCE_DOCUMENTED, ri, vflags, g, str, n,
                          cps, off, len);
            continue;
        }
        bool bad;
        uint8_t kind = AWSVAL_KIND_PATTERN;
        if (rule->form == AV_DOC_PREFIX) {
            bad = n >= rule->prefix_len && memcmp(str, AV_STR(m, rule->prefix), rule->prefix_len) == 0;
        } else if (rule->form == AV_DOC_CHARSET) {
            bad = !awsval__charset_all(&rule->chars, m->bmp + (size_t)rule->chars.bmp * AV_CHARSET_WORDS, str, n);
        } else {
            bad = (rule->min >= 0 && cps < rule->min) || (rule->max >= 0 && cps > rule->max);
            kind = AWSVAL_KIND_LENGTH;
        }
        if (!bad) continue;
        awsval__rec *r = record(w, nseg, kind, AWSVAL_SOURCE_DOCUMENTED, si, vflags, g, off, len);
        if (!r) continue;
        r->rule = ri;
        if (kind == AWSVAL_KIND_LENGTH) {
            r->actual = cps;
            r->bounds = rule->min >= 0 && cps < rule->min ? 1 : 2;
        }
        echo(w, r, vflags, AV_ECHO_TEXT, str, n, -1);
    }
}

void awsval__walk_string(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                         awsval__grp *g, const char *str, size_t n, int64_t cps, size_t off,
                         size_t len)
{
    const awsval_model *m = w->m;
    const awsval__shape *sh = &m->shapes[si];
    if (sh->enum_count) {
        bool found = false;
        for (uint32_t k = 0; k < sh->enum_count && !found; k++) {
            const awsval__enum *e = &m->enums[sh->enum_first + k];
            found = e->len == n && memcmp(AV_STR(m, e->str), str, n) == 0;
        }
        if (!found) {
            awsval__rec *r = record(w, nseg, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL, si, vflags, g, off, len);
            echo(w, r, vflags, AV_ECHO_TEXT, str, n, -1);
        }
    }
    length_check(w, nseg, si, vflags, g, cps, AV_ECHO_TEXT, str, n, -1, off, len);
    if (sh->pattern >= 0)
        pattern_check(w, nseg, si, sh->pattern, AWSVAL_SOURCE_MODEL, -1, vflags, g, str, n, cps, off, len);
    if (sh->doc_count) doc_checks(w, nseg, si, vflags, g, str, n, cps, off, len);
}

static void range_violation(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                            awsval__grp *g, bool below, const char *text, size_t n, size_t off,
                            size_t len)
{
    awsval__rec *r = record(w, nseg, AWSVAL_KIND_RANGE, AWSVAL_SOURCE_MODEL, si, vflags, g, off, len);
    if (!r) return;
    r->bounds = below ? 1 : 2;
    /* A number is echoed as the service prints the member's type (2 as "2.0" for a double). */
    echo(w, r, vflags, AV_ECHO_JSON, text, n, si);
}

static void integer_checks(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                           awsval__grp *g, int64_t v, const char *text, size_t n, size_t off,
                           size_t len)
{
    const awsval__shape *sh = &w->m->shapes[si];
    if (sh->enum_count && (sh->flags & AV_SF_INT_ENUM)) {
        bool found = false;
        for (uint32_t k = 0; k < sh->enum_count && !found; k++)
            found = w->m->enums[sh->enum_first + k].num == v;
        if (!found) {
            awsval__rec *r = record(w, nseg, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL, si, vflags, g, off, len);
            echo(w, r, vflags, AV_ECHO_JSON, text, n, si);
        }
    }
    bool below = (sh->flags & AV_SF_MIN) && v < sh->min;
    bool above = (sh->flags & AV_SF_MAX) && v > sh->max;
    if (below || above) range_violation(w, nseg, si, vflags, g, below, text, n, off, len);
}

/* A float against its range: as Java compares the member's value with the bound (NaN compares
 * false with every bound, so it passes, as it does in Java). */
static void float_checks(awsval__walk *w, uint32_t nseg, int32_t si, uint32_t vflags,
                         awsval__grp *g, double v, const char *text, size_t n, size_t off, size_t len)
{
    const awsval__shape *sh = &w->m->shapes[si];
    bool fr = (sh->flags & AV_SF_FLOAT_RANGE) != 0;
    bool below = (sh->flags & AV_SF_MIN) && v < (fr ? sh->fmin : (double)sh->min);
    bool above = (sh->flags & AV_SF_MAX) && v > (fr ? sh->fmax : (double)sh->max);
    if (below || above) range_violation(w, nseg, si, vflags, g, below, text, n, off, len);
}

void awsval__walk_integer(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                          awsval__grp *g, int64_t v, const char *text, size_t n)
{
    integer_checks(w, nseg, si, vflags, g, v, text, n, 0, 0);
}

void awsval__walk_float(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                        awsval__grp *g, double v, const char *text, size_t n)
{
    float_checks(w, nseg, si, vflags, g, v, text, n, 0, 0);
}

void awsval__walk_blob(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                       awsval__grp *g, int64_t bytes, const char *text, size_t n)
{
    length_check(w, nseg, si, vflags, g, bytes, AV_ECHO_TEXT, text, n, -1, 0, 0);
}

void awsval__walk_type(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                       awsval__grp *g, const char *text, size_t n)
{
    awsval__rec *r = record(w, nseg, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL, si, vflags, g, 0, 0);
    if (!r) return;
    r->json_type = AV_JT_STRING;
    echo(w, r, vflags, AV_ECHO_TEXT, text, n, -1);
}

void awsval__walk_count(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                        int64_t count, const char *text, size_t n)
{
    length_check(w, nseg, si, vflags, NULL, count, AV_ECHO_TEXT, text, n, -1, 0, 0);
}

void awsval__walk_not_unique(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags)
{
    record(w, nseg, AWSVAL_KIND_UNIQUE, AWSVAL_SOURCE_MODEL, si, vflags, NULL, 0, 0);
}

void awsval__walk_group_text(awsval__walk *w, awsval__grp *g, const char *text, size_t n)
{
    for (int ri = 0; ri < 2; ri++) {
        if (!g->group[ri] || w->stop) continue;
        awsval__group *gr = &w->c->groups[g->group[ri]];
        if (gr->hidden) continue;
        gr->echo_form = AV_ECHO_TEXT;
        echo_keep(w, &gr->echo, &gr->echo_len, text, n);
    }
}

/* At the end of a JSON list or map: its groups echo it whole (printed as Java at publish). */
static void group_end(awsval__walk *w, awsval__grp *g, const char *start)
{
    for (int ri = 0; ri < 2; ri++) {
        if (!g->group[ri] || w->stop) continue;
        awsval__group *gr = &w->c->groups[g->group[ri]];
        if (gr->hidden) continue;
        gr->echo_form = AV_ECHO_JSON;
        echo_keep(w, &gr->echo, &gr->echo_len, start, (size_t)(w->sc.p - start));
    }
}

/* ------------------------------------------------------------------ descent (Private) */

static bool enter(awsval__walk *w)
{
    if (++w->depth > w->c->opts.max_depth) {
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_DEPTH, w->c->opts.max_depth,
                (size_t)(w->sc.p - w->sc.start), NULL, 0);
        return false;
    }
    return true;
}

static size_t at(const awsval__walk *w, const char *p) { return (size_t)(p - w->sc.start); }

/* The JSON kind of the value at p (for a TYPE violation's wording). */
static uint8_t json_type_at(const char *p, const awsval__num *num)
{
    switch (*p) {
    case '{': return AV_JT_OBJECT;
    case '[': return AV_JT_ARRAY;
    case '"': return AV_JT_STRING;
    case 't': return AV_JT_TRUE;
    case 'f': return AV_JT_FALSE;
    case 'n': return AV_JT_NULL;
    default:
        if (!num) return AV_JT_INT;
        return !num->integral                                       ? AV_JT_FRACTION
               : !num->fits                                         ? AV_JT_BIGINT
               : num->i >= INT32_MIN && num->i <= INT32_MAX ? AV_JT_INT
                                                                    : AV_JT_LONG;
    }
}

/* The value at the scanner does not fit shape si: read it as untyped JSON, then record it. */
static void type_mismatch(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                          awsval__grp *g, const awsval__num *num)
{
    const char *start = w->sc.p;
    uint8_t jt = json_type_at(start, num);
    awsval__walk_value(w, -1, nseg, vflags & AWSVAL_VIOLATION_SENSITIVE, NULL);
    if (w->stop) return;
    awsval__rec *r = record(w, nseg, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL, si, vflags, g,
                            at(w, start), (size_t)(w->sc.p - start));
    if (!r) return;
    r->json_type = jt;
    /* Printed as read (no shape), unless the expected shape hides a secret. */
    if (si >= 0 && (w->m->shapes[si].flags & AV_SF_HIDES)) return;
    echo(w, r, vflags, AV_ECHO_JSON, start, (size_t)(w->sc.p - start), -1);
}

static bool push_key(awsval__walk *w, const awsval__str *k)
{
    awsval_ctx *c = w->c;
    if (!awsval__grow(&c->alc, (void **)&c->keys, &c->keys_cap, w->key_top + 1, sizeof *c->keys))
        return oom(w);
    awsval__keyref *ref = &c->keys[w->key_top++];
    ref->off = (uint32_t)(k->copied ? k->text_off : at(w, k->s));
    ref->len = (uint32_t)k->len | (k->copied ? AV_KEY_TEXT : 0);
    ref->raw = (uint32_t)k->raw_off;
    return true;
}

/* Duplicate keys among keys[mark, key_top): a parse failure naming the later key (unless it is
 * inside a sensitive value). */
static void check_keys(awsval__walk *w, size_t mark, uint32_t vflags)
{
    awsval_ctx *c = w->c;
    size_t n = w->key_top - mark;
    if (n < 2 || w->stop) return;
    long d = awsval__keys_duplicate(c->keys + mark, n, w->sc.start, c->text.data);
    if (d < 0) return;
    const awsval__keyref *k = &c->keys[mark + (size_t)d];
    /* The later of the two in the input (the sort may have swapped them). */
    size_t raw = k->raw;
    for (size_t i = mark; i < w->key_top; i++) {
        const awsval__keyref *o = &c->keys[i];
        if (o != k && (o->len & ~AV_KEY_TEXT) == (k->len & ~AV_KEY_TEXT) && o->raw > raw &&
            memcmp((o->len & AV_KEY_TEXT ? c->text.data : w->sc.start) + o->off,
                   (k->len & AV_KEY_TEXT ? c->text.data : w->sc.start) + k->off, k->len & ~AV_KEY_TEXT) == 0)
            raw = o->raw;
    }
    bool hide = (vflags & AWSVAL_VIOLATION_SENSITIVE) != 0;
    const char *text = (k->len & AV_KEY_TEXT ? c->text.data : w->sc.start) + k->off;
    fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_DUPLICATE, 0, raw, hide ? NULL : text,
            k->len & ~AV_KEY_TEXT);
}

static void set_key_seg(awsval__seg *g, const awsval__str *k)
{
    g->in_text = k->copied;
    g->text_off = (uint32_t)k->text_off;
    g->name = k->copied ? NULL : k->s;
    g->len = (uint32_t)k->len;
    g->node = 0;
}

static void missing_required(awsval__walk *w, const awsval__shape *sh, uint32_t nseg,
                             const uint64_t *set, size_t off, uint32_t vflags)
{
    const awsval_model *m = w->m;
    for (uint32_t k = 0; k < sh->member_count && !w->stop; k++) {
        const awsval__member *mb = &m->members[sh->member_first + k];
        if (!mb->required || (set && (set[k / 64] >> (k % 64)) & 1)) continue;
        awsval__walk_seg_member(w, nseg, (int32_t)(sh->member_first + k));
        uint32_t vf = (vflags & AWSVAL_VIOLATION_SENSITIVE) | (mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0);
        record(w, nseg + 1, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, mb->shape, vf, NULL, off, 0);
    }
}

void awsval__walk_required(awsval__walk *w, int32_t si, uint32_t nseg, const uint64_t *set_bits)
{
    missing_required(w, &w->m->shapes[si], nseg, set_bits, 0, 0);
}

/* Whether the value at the scanner is `[]` or `{}`: an empty list or map bound to the query
 * string is not sent by the SDKs, so the service sees the member as absent. */
static bool empty_container(awsval__walk *w)
{
    const char *p = w->sc.p, *e = w->sc.end;
    if (p >= e || (*p != '[' && *p != '{')) return false;
    char close = *p == '[' ? ']' : '}';
    for (p++; p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'); p++) {}
    return p < e && *p == close;
}

static void structure(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                      const uint64_t *preset, uint32_t preset_set)
{
    awsval_ctx *c = w->c;
    const awsval_model *m = w->m;
    const awsval__shape *sh = si >= 0 ? &m->shapes[si] : NULL;
    const char *start = w->sc.p;
    size_t key_mark = w->key_top, text_mark = c->text.len, seen_mark = w->seen_top;
    uint32_t words = w->seen_words;
    uint32_t set = 0;
    if (sh) {
        if (!awsval__grow(&c->alc, (void **)&c->seen, &c->seen_cap, w->seen_top + 2 * words, sizeof *c->seen)) {
            oom(w);
            return;
        }
        memset(c->seen + w->seen_top, 0, 2 * words * sizeof *c->seen);
        w->seen_top += 2 * words;
    }
    bool sensitive = (vflags & AWSVAL_VIOLATION_SENSITIVE) != 0;
    w->sc.p++;
    if (!awsval__scan_take(&w->sc, '}')) {
        for (;;) {
            awsval__str k;
            if (!awsval__scan_key(&w->sc, &k)) {
                fail_scan(w);
                return;
            }
            int32_t mi = sh ? awsval__find_member(m, sh, k.s, k.len, awsval__hash(k.s, k.len)) : -1;
            /* Over HTTP, a member bound to the URI, query or headers is not read from the body. */
            if (w->http && nseg == 0 && mi >= 0 && m->members[mi].location != AV_LOC_BODY &&
                m->members[mi].location != AV_LOC_PAYLOAD)
                mi = -1;
            awsval__seg *g = &c->path[nseg];
            g->kind = AV_SEG_MEMBER;
            g->member = mi;
            g->redact = mi < 0 && sensitive;
            set_key_seg(g, &k);
            if (mi >= 0) {
                const awsval__member *mb = &m->members[mi];
                uint32_t bit = (uint32_t)mi - sh->member_first;
                uint64_t *present = c->seen + seen_mark, *isset = present + words;
                if ((present[bit / 64] >> (bit % 64)) & 1) {
                    fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_DUPLICATE, 0, k.raw_off,
                            sensitive ? NULL : k.s, k.len);
                    return;
                }
                present[bit / 64] |= 1ull << (bit % 64);
                if (k.copied) c->text.len = k.text_off; /* a member's name is in the model */
                g->in_text = false;
                awsval__scan_ws(&w->sc);
                bool query = mb->location == AV_LOC_QUERY && !w->http;
                if (w->sc.p < w->sc.end && *w->sc.p == 'n') {
                    if (!awsval__scan_literal(&w->sc, "null", 4)) {
                        fail_scan(w);
                        return;
                    }
                } else if (query && empty_container(w)) {
                    awsval__walk_value(w, -1, nseg + 1, 0, NULL);
                } else {
                    isset[bit / 64] |= 1ull << (bit % 64);
                    set++;
                    uint32_t vf = (vflags & AWSVAL_VIOLATION_SENSITIVE) |
                                  (mb->sensitive ? AWSVAL_VIOLATION_SENSITIVE : 0);
                    awsval__walk_value(w, mb->shape, nseg + 1, vf, NULL);
                }
            } else {
                if (!push_key(w, &k)) return;
                const char *vs = w->sc.p;
                awsval__walk_value(w, -1, nseg + 1, vflags & AWSVAL_VIOLATION_SENSITIVE, NULL);
                if (w->stop) return;
                if (sh && !w->http && !(w->flags & AWSVAL_CHECK_IGNORE_UNKNOWN))
                    record(w, nseg + 1, AWSVAL_KIND_UNKNOWN, AWSVAL_SOURCE_MODEL, si,
                           vflags & AWSVAL_VIOLATION_SENSITIVE, NULL, at(w, vs),
                           (size_t)(w->sc.p - vs));
            }
            if (w->stop) return;
            int r = awsval__scan_next(&w->sc, '}');
            if (r < 0) {
                fail_scan(w);
                return;
            }
            if (r == 0) break;
        }
    }
    check_keys(w, key_mark, vflags);
    w->key_top = key_mark;
    c->text.len = text_mark;
    if (sh && !w->stop) {
        uint64_t *isset = c->seen + seen_mark + words;
        if (preset)
            for (uint32_t i = 0; i < words; i++) isset[i] |= preset[words + i];
        missing_required(w, sh, nseg, isset, at(w, start), vflags);
        if ((sh->flags & AV_SF_UNION) && set + preset_set != 1) {
            awsval__rec *r = record(w, nseg, AWSVAL_KIND_UNION, AWSVAL_SOURCE_MODEL, si, vflags, NULL,
                                    at(w, start), (size_t)(w->sc.p - start));
            if (r) r->actual = set + preset_set;
        }
    }
    w->seen_top = seen_mark;
}

static void map(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags)
{
    awsval_ctx *c = w->c;
    const awsval_model *m = w->m;
    const awsval__shape *sh = &m->shapes[si];
    const char *start = w->sc.p;
    size_t key_mark = w->key_top, text_mark = c->text.len;
    bool sensitive = (vflags & AWSVAL_VIOLATION_SENSITIVE) != 0;
    /* Keys of a map whose values are secret are secret too (environment variables). */
    bool hide_keys = sensitive || (m->shapes[sh->value].flags & AV_SF_HIDES) ||
                     (m->shapes[sh->target].flags & AV_SF_HIDES);
    /* The keys' own violations are sensitive when the keys are. */
    awsval__grp g;
    awsval__grp_init(&g, nseg, si, sensitive || (sh->flags & AV_SF_HIDES));
    int64_t count = 0;
    w->sc.p++;
    if (!awsval__scan_take(&w->sc, '}')) {
        for (;;) {
            awsval__str k;
            if (!awsval__scan_key(&w->sc, &k)) {
                fail_scan(w);
                return;
            }
            if (!push_key(w, &k)) return;
            awsval__seg *seg = &c->path[nseg];
            seg->kind = AV_SEG_KEY;
            seg->member = -1;
            seg->index = (uint32_t)count++;
            seg->redact = hide_keys;
            set_key_seg(seg, &k);
            uint32_t base = vflags & AWSVAL_VIOLATION_SENSITIVE;
            if (m->shapes[sh->target].type == AV_T_STRING)
                awsval__walk_string(w, sh->target, nseg + 1,
                                    base | AWSVAL_VIOLATION_MAP_KEY | (hide_keys ? AWSVAL_VIOLATION_SENSITIVE : 0),
                                    &g, k.s, k.len, k.cps, k.raw_off, k.raw_len);
            awsval__scan_ws(&w->sc);
            uint32_t vf = base | AWSVAL_VIOLATION_MAP_VALUE;
            if (w->sc.p < w->sc.end && *w->sc.p == 'n') {
                const char *vs = w->sc.p;
                if (!awsval__scan_literal(&w->sc, "null", 4)) {
                    fail_scan(w);
                    return;
                }
                /* Map values are members that must not be null. */
                record(w, nseg + 1, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, sh->value, vf, &g,
                       at(w, vs), 4);
            } else {
                awsval__walk_value(w, sh->value, nseg + 1, vf, &g);
            }
            if (w->stop) return;
            int r = awsval__scan_next(&w->sc, '}');
            if (r < 0) {
                fail_scan(w);
                return;
            }
            if (r == 0) break;
        }
    }
    /* A duplicate key of a map whose keys are hidden is not named either. */
    check_keys(w, key_mark, hide_keys ? vflags | AWSVAL_VIOLATION_SENSITIVE : vflags);
    w->key_top = key_mark;
    c->text.len = text_mark;
    size_t span = (size_t)(w->sc.p - start);
    length_check(w, nseg, si, vflags, NULL, count, AV_ECHO_JSON, start, span, si, at(w, start), span);
    group_end(w, &g, start);
}

static void list(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags)
{
    awsval_ctx *c = w->c;
    const awsval__shape *sh = si >= 0 ? &w->m->shapes[si] : NULL;
    const char *start = w->sc.p;
    int64_t count = 0;
    bool unique = sh && (sh->flags & AV_SF_UNIQUE);
    size_t item_mark = w->item_top;
    bool sensitive = (vflags & AWSVAL_VIOLATION_SENSITIVE) != 0;
    awsval__grp g;
    awsval__grp_init(&g, nseg, si, sensitive || (sh && (sh->flags & AV_SF_HIDES)));
    uint32_t vf = (vflags & AWSVAL_VIOLATION_SENSITIVE) | (sh ? AWSVAL_VIOLATION_LIST_MEMBER : 0);
    w->sc.p++;
    if (!awsval__scan_take(&w->sc, ']')) {
        for (;;) {
            awsval__walk_seg_index(w, nseg, (uint32_t)count++);
            awsval__scan_ws(&w->sc);
            const char *item = w->sc.p;
            if (sh && item < w->sc.end && *item == 'n') {
                if (!awsval__scan_literal(&w->sc, "null", 4)) {
                    fail_scan(w);
                    return;
                }
                /* List members must not be null. */
                record(w, nseg + 1, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, sh->target, vf, &g,
                       at(w, item), 4);
            } else {
                awsval__walk_value(w, sh ? sh->target : -1, nseg + 1, vf, sh ? &g : NULL);
            }
            if (w->stop) return;
            if (unique) {
                if (!awsval__grow(&c->alc, (void **)&c->items, &c->items_cap, w->item_top + 1, sizeof *c->items)) {
                    oom(w);
                    return;
                }
                c->items[w->item_top++] = (awsval__item){(uint32_t)at(w, item), (uint32_t)at(w, w->sc.p)};
            }
            int r = awsval__scan_next(&w->sc, ']');
            if (r < 0) {
                fail_scan(w);
                return;
            }
            if (r == 0) break;
        }
    }
    if (!sh) return;
    size_t span = (size_t)(w->sc.p - start);
    length_check(w, nseg, si, vflags, NULL, count, AV_ECHO_JSON, start, span, si, at(w, start), span);
    if (unique) {
        bool nomem = false;
        size_t n = w->item_top - item_mark;
        if (n > 1 && awsval__jsoneq_duplicates(c, w->sc.start, c->items + item_mark, n, &nomem))
            record(w, nseg, AWSVAL_KIND_UNIQUE, AWSVAL_SOURCE_MODEL, si, vflags, NULL, at(w, start), span);
        if (nomem) oom(w);
        w->item_top = item_mark;
    }
    group_end(w, &g, start);
}

static void number(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, awsval__grp *g)
{
    awsval__num n;
    const char *start = w->sc.p;
    if (!awsval__scan_number(&w->sc, &n)) {
        fail_scan(w);
        return;
    }
    if (si < 0) return;
    const awsval__shape *sh = &w->m->shapes[si];
    size_t off = at(w, start);
    uint8_t t = sh->type;
    if (t == AV_T_TIMESTAMP) return; /* epoch seconds, any precision */
    if (awsval__is_int_type(t) || t == AV_T_BIGINTEGER) {
        /* An integral value written as 1.0 or 1e2 is accepted: Jackson-based services read it
         * as that integer, and rejecting it would reject what the service accepts. */
        int64_t iv = n.i;
        bool ok = n.fits;
        if (!n.integral) {
            awsval__dec d;
            awsval__dec_read(n.raw, n.len, &d);
            ok = awsval__dec_int(&d, &iv) || (t == AV_T_BIGINTEGER && d.exp >= 0);
            if (ok && t == AV_T_BIGINTEGER) return;
        } else if (t == AV_T_BIGINTEGER) {
            if (ok) integer_checks(w, nseg, si, vflags, g, iv, n.raw, n.len, off, n.len);
            return;
        }
        int64_t lo, hi;
        awsval__int_range(t, &lo, &hi);
        if (!ok || iv < lo || iv > hi) {
            w->sc.p = start;
            type_mismatch(w, si, nseg, vflags, g, &n);
            return;
        }
        integer_checks(w, nseg, si, vflags, g, iv, n.raw, n.len, off, n.len);
        return;
    }
    if (awsval__is_float_type(t) || t == AV_T_BIGDECIMAL) {
        if (!(sh->flags & (AV_SF_MIN | AV_SF_MAX))) return;
        double d = awsval__num_double(n.raw, n.len, t == AV_T_FLOAT);
        float_checks(w, nseg, si, vflags, g, d, n.raw, n.len, off, n.len);
        return;
    }
    w->sc.p = start;
    type_mismatch(w, si, nseg, vflags, g, &n);
}

static void string_value(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, awsval__grp *g)
{
    awsval_ctx *c = w->c;
    const char *start = w->sc.p;
    size_t mark = c->text.len;
    awsval__str v;
    if (!awsval__scan_string(&w->sc, &v)) {
        fail_scan(w);
        return;
    }
    if (si >= 0) {
        const awsval__shape *sh = &w->m->shapes[si];
        size_t off = at(w, start);
        bool bad = false;
        switch (sh->type) {
        case AV_T_STRING:
            awsval__walk_string(w, si, nseg, vflags, g, v.s, v.len, v.cps, off, v.raw_len);
            break;
        case AV_T_BLOB: {
            int64_t bytes = awsval__base64_len(v.s, v.len);
            if (bytes < 0) bad = true;
            else length_check(w, nseg, si, vflags, g, bytes, AV_ECHO_TEXT, v.s, v.len, -1, off, v.raw_len);
            break;
        }
        case AV_T_TIMESTAMP:
            /* Any of the protocols' string forms, whatever the member's timestampFormat says: a
             * service that reads one form may well read the others (the safe side). */
            bad = !awsval__rfc3339(v.s, v.len) && !awsval__http_date(v.s, v.len);
            break;
        case AV_T_FLOAT:
        case AV_T_DOUBLE: {
            /* The JSON protocols write non-finite values as strings. NaN compares false with
             * any bound, as in Java; the infinities are beyond every bound. */
            bool nan = v.len == 3 && memcmp(v.s, "NaN", 3) == 0;
            int inf = (v.len == 8 && memcmp(v.s, "Infinity", 8) == 0)    ? 1
                      : (v.len == 9 && memcmp(v.s, "-Infinity", 9) == 0) ? -1
                                                                          : 0;
            if (nan || inf) {
                double d = nan ? (double)NAN : inf > 0 ? (double)INFINITY : -(double)INFINITY;
                /* Echoed as Java prints the double: the text itself. */
                const awsval__shape *s2 = sh;
                bool fr = (s2->flags & AV_SF_FLOAT_RANGE) != 0;
                bool below = (s2->flags & AV_SF_MIN) && d < (fr ? s2->fmin : (double)s2->min);
                bool above = (s2->flags & AV_SF_MAX) && d > (fr ? s2->fmax : (double)s2->max);
                if (below || above) {
                    awsval__rec *r = record(w, nseg, AWSVAL_KIND_RANGE, AWSVAL_SOURCE_MODEL, si,
                                            vflags, g, off, v.raw_len);
                    if (r) {
                        r->bounds = below ? 1 : 2;
                        echo(w, r, vflags, AV_ECHO_TEXT, v.s, v.len, -1);
                    }
                }
            } else {
                bad = true;
            }
            break;
        }
        default:
            bad = true;
        }
        if (bad) {
            c->text.len = mark;
            w->sc.p = start;
            type_mismatch(w, si, nseg, vflags, g, NULL);
        }
    }
    c->text.len = mark;
}

void awsval__walk_value(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, awsval__grp *g)
{
    if (w->stop) return;
    awsval__scan_ws(&w->sc);
    if (w->sc.p >= w->sc.end) {
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_VALUE, 0, at(w, w->sc.p), NULL, 0);
        return;
    }
    const awsval__shape *sh = si >= 0 ? &w->m->shapes[si] : NULL;
    uint8_t t = sh ? sh->type : 0;
    /* A sensitive shape makes everything in it sensitive, however it is reached. */
    if (sh && (sh->flags & AV_SF_SENSITIVE)) vflags |= AWSVAL_VIOLATION_SENSITIVE;
    switch (*w->sc.p) {
    /* A container of the wrong type is entered once, by type_mismatch's untyped reading. */
    case '{':
        if (sh && t != AV_T_STRUCTURE && t != AV_T_MAP) {
            type_mismatch(w, si, nseg, vflags, g, NULL);
            break;
        }
        if (!enter(w)) return;
        if (!sh || t == AV_T_STRUCTURE) structure(w, si, nseg, vflags, NULL, 0);
        else map(w, si, nseg, vflags);
        w->depth--;
        break;
    case '[':
        if (sh && t != AV_T_LIST) {
            type_mismatch(w, si, nseg, vflags, g, NULL);
            break;
        }
        if (!enter(w)) return;
        list(w, si, nseg, vflags);
        w->depth--;
        break;
    case '"':
        string_value(w, si, nseg, vflags, g);
        break;
    case 't':
    case 'f':
        if (sh && t != AV_T_BOOLEAN) type_mismatch(w, si, nseg, vflags, g, NULL);
        else if (!(*w->sc.p == 't' ? awsval__scan_literal(&w->sc, "true", 4)
                                   : awsval__scan_literal(&w->sc, "false", 5)))
            fail_scan(w);
        break;
    case 'n':
        if (!awsval__scan_literal(&w->sc, "null", 4)) fail_scan(w);
        break;
    default:
        if (*w->sc.p == '-' || (*w->sc.p >= '0' && *w->sc.p <= '9')) number(w, si, nseg, vflags, g);
        else fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_CHAR, (unsigned char)*w->sc.p, at(w, w->sc.p), NULL, 0);
    }
}

/* ------------------------------------------------------------------ walks (Internal) */

void awsval__walk_seg_member(awsval__walk *w, uint32_t nseg, int32_t member)
{
    awsval__seg *g = &w->c->path[nseg];
    memset(g, 0, sizeof *g);
    g->kind = AV_SEG_MEMBER;
    g->member = member;
}

void awsval__walk_seg_index(awsval__walk *w, uint32_t nseg, uint32_t index)
{
    awsval__seg *g = &w->c->path[nseg];
    memset(g, 0, sizeof *g);
    g->kind = AV_SEG_INDEX;
    g->member = -1;
    g->index = index;
}

void awsval__walk_seg_key(awsval__walk *w, uint32_t nseg, const char *key, size_t len,
                          uint32_t index, bool redact)
{
    awsval__seg *g = &w->c->path[nseg];
    memset(g, 0, sizeof *g);
    g->kind = AV_SEG_KEY;
    g->member = -1;
    g->name = key;
    g->len = (uint32_t)len;
    g->index = index;
    g->redact = redact;
}

bool awsval__walk_begin(awsval__walk *w, awsval_ctx *c, const awsval_model *m, const char *input,
                        size_t len, uint32_t flags, int32_t op)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    w->m = m;
    w->flags = flags;
    w->seen_words = awsval__seen_words(m);
    c->flags = flags;
    c->model = NULL;
    c->op = op;
    c->rec_count = c->rec_total = c->units = 0;
    c->group_count = 0;
    c->failed = AV_FAIL_NONE;
    c->http = false;
    c->text.len = 0;
    c->res.len = 0;
    c->echo_budget = 2 * len + ECHO_SLACK;
    awsval__scan_init(&w->sc, input, len, &c->text, &c->alc);
    awsval__regex_scratch_new_check(c->rx);
    if (!awsval__grow(&c->alc, (void **)&c->nodes, &c->node_cap, 1, sizeof *c->nodes)) return false;
    memset(&c->nodes[0], 0, sizeof c->nodes[0]);
    c->node_count = 1;
    return true;
}

/* After a check: scratch that grew past retain_memory is released (the result stays), so one
 * large request does not keep its memory. */
static void settle(awsval_ctx *c)
{
    if (awsval__ctx_scratch(c) <= c->opts.retain_memory) return;
    awsval__buf_free(&c->text, &c->alc);
    awsval__free(&c->alc, c->keys);
    awsval__free(&c->alc, c->seen);
    awsval__free(&c->alc, c->items);
    awsval__free(&c->alc, c->bound);
    c->keys = NULL;
    c->seen = NULL;
    c->items = NULL;
    c->bound = NULL;
    c->keys_cap = c->seen_cap = c->items_cap = c->bound_cap = 0;
    awsval__buf_free(&c->eq, &c->alc);
    awsval__buf_free(&c->hbuf, &c->alc);
    awsval__regex_scratch_trim(c->rx);
}

awsval_code awsval__walk_end(awsval__walk *w)
{
    awsval_ctx *c = w->c;
    if (w->nomem && c->mem.cap_hit) {
        /* Over the context's max_memory: the request is refused with a LIMIT violation (fail
         * closed); the baseline holds it (records are preallocated), nothing more is needed. */
        c->mem.cap_hit = false;
        c->rec_count = c->rec_total = c->units = 1;
        c->group_count = 0;
        c->node_count = 1;
        c->res.len = 0;
        c->failed = AV_FAIL_LIMIT;
        awsval__rec *r = &c->recs[0];
        memset(r, 0, sizeof *r);
        r->kind = AWSVAL_KIND_LIMIT;
        r->why = AV_WHY_MEMORY;
        r->shape = r->rule = r->echo_shape = -1;
        r->actual = -1;
        r->echo = UINT32_MAX;
        r->offset = (size_t)(w->sc.p - w->sc.start);
        w->nomem = false;
    }
    if (w->nomem) {
        c->rec_count = c->rec_total = c->units = 0;
        return AWSVAL_NOMEM;
    }
    settle(c);
    c->model = w->m;
    c->pub_mark = c->res.len;
    c->published = false;
    return c->rec_total ? AWSVAL_INVALID : AWSVAL_OK;
}

void awsval__walk_document(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags)
{
    awsval__scan_ws(&w->sc);
    if (w->sc.p >= w->sc.end) {
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_EMPTY, 0, at(w, w->sc.p), NULL, 0);
        return;
    }
    awsval__walk_value(w, si, nseg, vflags, NULL);
    if (w->stop) return;
    awsval__scan_ws(&w->sc);
    if (w->sc.p < w->sc.end) fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_TRAILING, 0, at(w, w->sc.p), NULL, 0);
}

void awsval__walk_input(awsval__walk *w, int32_t si, const uint64_t *preset, uint32_t preset_set)
{
    awsval__scan_ws(&w->sc);
    if (w->sc.p >= w->sc.end) {
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_EMPTY, 0, at(w, w->sc.p), NULL, 0);
        return;
    }
    if (*w->sc.p != '{') {
        awsval__walk_value(w, si, 0, 0, NULL);
    } else if (enter(w)) {
        structure(w, si, 0, 0, preset, preset_set);
        w->depth--;
    }
    if (w->stop) return;
    awsval__scan_ws(&w->sc);
    if (w->sc.p < w->sc.end) fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_TRAILING, 0, at(w, w->sc.p), NULL, 0);
}

void awsval__walk_null(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, int32_t member)
{
    if (!awsval__scan_literal(&w->sc, "null", 4)) {
        fail_scan(w);
        return;
    }
    if (member >= 0) {
        if (w->m->members[member].required)
            record(w, nseg, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL, si, vflags, NULL, 0, 0);
    } else {
        missing_required(w, &w->m->shapes[si], nseg, NULL, 0, vflags);
    }
    awsval__scan_ws(&w->sc);
    if (w->sc.p < w->sc.end && !w->stop)
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_TRAILING, 0, at(w, w->sc.p), NULL, 0);
}

size_t awsval__walk_object_members(awsval__walk *w, size_t count, const char *const *names,
                                   const size_t *name_lens, size_t *offs, size_t *lens)
{
    awsval_ctx *c = w->c;
    size_t found = 0;
    awsval__scan_ws(&w->sc);
    if (w->sc.p >= w->sc.end || *w->sc.p != '{') {
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_NOT_OBJECT, 0, at(w, w->sc.p), NULL, 0);
        return 0;
    }
    if (!enter(w)) return 0;
    w->sc.p++;
    if (!awsval__scan_take(&w->sc, '}')) {
        for (;;) {
            awsval__str k;
            if (!awsval__scan_key(&w->sc, &k)) {
                fail_scan(w);
                return 0;
            }
            size_t hit = count;
            for (size_t i = 0; i < count && hit == count; i++)
                if (k.len == name_lens[i] && memcmp(k.s, names[i], k.len) == 0) hit = i;
            if (!push_key(w, &k)) return 0;
            awsval__scan_ws(&w->sc);
            const char *v = w->sc.p;
            awsval__walk_value(w, -1, 1, 0, NULL);
            if (w->stop) return 0;
            if (hit < count) {
                found++;
                offs[hit] = at(w, v);
                lens[hit] = (size_t)(w->sc.p - v);
            }
            int r = awsval__scan_next(&w->sc, '}');
            if (r < 0) {
                fail_scan(w);
                return 0;
            }
            if (r == 0) break;
        }
    }
    check_keys(w, 0, 0);
    w->key_top = 0;
    c->text.len = 0;
    w->depth--;
    awsval__scan_ws(&w->sc);
    if (w->sc.p < w->sc.end && !w->stop)
        fail_at(w, AWSVAL_KIND_PARSE, AV_WHY_TRAILING, 0, at(w, w->sc.p), NULL, 0);
    return w->stop ? 0 : found;
}
