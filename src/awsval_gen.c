/* The generator: operation inputs from a model, valid or with exactly one fault, deterministic
 * in a seed (awsval_generate, see awsval.h; the steps in awsval_gen.h).
 *
 * A generation builds a tree of values that follows the input's shapes (structures with the
 * members drawn, lists, maps, scalars as text), then puts one fault in it, writes it as the
 * operation's JSON input or as the HTTP request the protocol makes of it, and has the real
 * checker answer it on the caller's context.
 *
 * Every scalar is confirmed by the checker's own walk before it goes into the tree: a value
 * that is meant to be valid has no violation, a faulty one exactly the violation of its fault
 * (a container with a fault is confirmed whole). Strings are drawn from the pattern's syntax
 * tree (awsval_rx.h) at a length the tree can make: the set of lengths each node can produce is
 * computed (bitsets up to the length wanted; lengths in code points), so that a length on a
 * bound is hit exactly, then the descent picks alternatives, repeat counts and the split of the
 * length among a concatenation's parts from what can still reach it. Characters come from the
 * sets, within what the documented character sets and the HTTP place allow (header values are
 * visible ASCII). Patterns the tree cannot hold (look-around) are drawn from the pattern with
 * its look-arounds removed (a larger language) and confirmed by the real matcher. */
#include <math.h>
#include <stdio.h>

#include "awsval_check.h"
#include "awsval_gen.h"
#include "awsval_rx.h"

/* ---------------------------------------------------------------------- limits (Private) */

#define TRIES 12             /* draws of a string before giving up */
#define SITE_TRIES 8         /* places tried for a fault before giving up on its kind */
#define LIST_BOUND_CAP 64    /* a list or map sits on its max only up to this many entries */
#define FAULT_ITEMS_CAP 2000 /* most entries a max+1 list or map fault writes */
#define STRING_BOUND_CAP 65536 /* longest string drawn one past a bound */
#define VALID_BOUND_CAP 4096 /* longest string or blob drawn on its upper bound */
#define EXACT_WORDS (1u << 18) /* bitset words of the length sets, else min/max only */
#define WORK_CAP (1u << 24)  /* word operations spent on length sets before min/max only */
#define MAX_PATH_SEGS 32
#define INF32 UINT32_MAX

/* ------------------------------------------------------------------ the tree (Private) */

enum { GV_OBJ = 1, GV_ARR, GV_STR, GV_NUM, GV_TRUE, GV_FALSE, GV_NULL, GV_RAW };

/* Where a value goes in an HTTP request (params JSON: always PL_BODY). */
enum {
    PL_BODY = 0,
    PL_LABEL,   /* a URI label */
    PL_GREEDY,  /* a greedy URI label {name+} */
    PL_QUERY,   /* a query parameter's value */
    PL_QKEY,    /* the key of a query-string map */
    PL_HEADER,  /* a header's value */
    PL_HITEM,   /* an item of a list in a header (no comma) */
    PL_HKEY,    /* the key of a prefix-headers map (part of a header name) */
    PL_RAWSTR,  /* a string payload: the raw body */
    PL_RAWBLOB  /* a blob payload: the raw body */
};

#define GVF_MAP     0x01u /* OBJ: a map */
#define GVF_DUPKEY  0x02u /* OBJ: its first key written twice */
#define GVF_BADUTF8 0x04u /* STR: a byte that is not UTF-8 written in it */
#define GVF_EDITED  0x08u
#define GVF_FAULT   0x10u /* the faulty value */
#define GVF_UITEM   0x20u /* an item of a uniqueItems list */
#define GVF_DEAD    0x40u /* unlinked */
#define GVF_KEYSITE 0x80u /* the fault is in its key (a map entry) */
#define GVF_FIXED   0x100u /* written as the request's own (a member bound to Content-Type) */
#define GVF_RAWEDIT 0x200u /* its JSON text replaced by bytes: no intent is claimed */

typedef struct gv {
    uint8_t kind;       /* GV_* */
    uint8_t place;      /* PL_* */
    uint16_t flags;     /* GVF_* */
    int32_t shape;      /* -1: none (an unknown member, a raw value) */
    int32_t member;     /* a structure's member (model index), or -1 */
    uint32_t parent, first, last, next, nkids;
    uint32_t key, key_len;   /* member name or map key, in g->text */
    uint32_t text, text_len; /* STR: the string; NUM, RAW: JSON text; in g->text */
    int16_t pp;         /* path segments its pointer matches (npath: at or under the path);
                           -1 off the path */
    uint16_t depth;     /* JSON nesting of the value (the input object is 1) */
} gv;

/* A fault site. */
typedef struct site {
    uint32_t node;
    uint8_t kind;   /* AWSVAL_FAULT_* */
    uint8_t key;    /* the map key of the entry `node` */
} site;

typedef struct relaxed {
    uint8_t state;  /* 0 not tried, 1 compiled, 2 cannot */
    awsval__regex *re;
} relaxed;

/* Characters a string may hold where it goes. */
typedef struct restr {
    uint64_t ascii[2];
    bool nonascii;
    const awsval__doc_rule *cs[4]; /* documented character sets: every character in all */
    uint32_t ncs;
} restr;

struct awsval_gen {
    awsval_alc alc;
    const awsval_model *m;
    relaxed *rel;          /* per pattern of the model */

    /* one build */
    awsval_ctx *c;
    awsval_gen_opts o;
    uint64_t rng;
    bool http, built, finished, nomem;
    int32_t op, in;
    uint32_t flags;        /* the context's check flags */
    gv *nodes;
    size_t nn, ncap;
    gv *backup;
    size_t backup_cap;
    awsval__buf text, out, tmp, str, scratch;
    size_t used, budget;   /* bytes of output (about), and the most allowed */

    /* the path of opts.path: segments, NUL-separated, in pathbuf */
    char *pathbuf;
    size_t path_cap;
    uint32_t npath;
    uint32_t pseg[MAX_PATH_SEGS], plen[MAX_PATH_SEGS];

    /* length sets */
    uint64_t *lw;
    size_t lw_cap;
    uint32_t *lu;
    size_t lu_cap;
    uint8_t *lb;
    size_t lb_cap;

    /* sites */
    site *sites;
    size_t nsites, sites_cap;

    /* the fault */
    uint32_t fault, fkind;
    uint8_t fsource;
    bool fwire;
    uint32_t fnode;
    char fault_at[256];
    awsval__buf fptr;      /* the whole pointer of the fault (NUL-terminated) */

    /* reporting */
    uint32_t values, skipped, skip_why, fail_why, cur_why;
    char skip_where[256], fail_where[256];
    bool differs;

    /* HTTP pieces of the written request */
    awsval_http_header *hdr;
    size_t nhdr, hdr_cap;
    size_t m_off, m_len, t_off, t_len, b_off, b_len;
};

/* ------------------------------------------------------------ small helpers (Private) */

static uint64_t rnd(awsval_gen *g)
{
    uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t below(awsval_gen *g, uint64_t n) { return n ? rnd(g) % n : 0; }
static bool pct(awsval_gen *g, uint32_t p) { return below(g, 100) < p; }
/* Uniform in [lo, hi] (hi >= lo), over the whole int64 range. */
static int64_t between(awsval_gen *g, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint64_t r = span == UINT64_MAX ? rnd(g) : below(g, span + 1);
    return (int64_t)((uint64_t)lo + r);
}

static bool oom(awsval_gen *g)
{
    g->nomem = true;
    return false;
}

static bool put(awsval_gen *g, awsval__buf *b, const void *p, size_t n)
{
    return awsval__buf_put(b, &g->alc, p, n) || oom(g);
}
static bool puts_(awsval_gen *g, awsval__buf *b, const char *s) { return put(g, b, s, strlen(s)); }
static bool putc_(awsval_gen *g, awsval__buf *b, char ch) { return put(g, b, &ch, 1); }

/* Text into g->text; returns its offset (UINT32_MAX when out of memory). */
static uint32_t keep(awsval_gen *g, const char *p, size_t n)
{
    size_t off = g->text.len;
    if (off + n > UINT32_MAX - 1 || !put(g, &g->text, p, n)) return UINT32_MAX;
    return (uint32_t)off;
}
static const char *T(const awsval_gen *g, uint32_t off) { return g->text.data ? g->text.data + off : ""; }

static size_t put_cp(char *out, uint32_t cp) { return awsval__utf8_put(out, cp); }

/* Copies s into a fixed buffer, cut on a character boundary. */
static void copy_cut(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) n = awsval__utf8_floor(s, cap - 1);
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------- nodes (Private) */

static uint32_t node_new(awsval_gen *g, uint32_t parent, int32_t shape, uint8_t place)
{
    if (!awsval__grow(&g->alc, (void **)&g->nodes, &g->ncap, g->nn + 1, sizeof *g->nodes)) {
        oom(g);
        return 0;
    }
    uint32_t id = (uint32_t)g->nn++;
    gv *n = &g->nodes[id];
    memset(n, 0, sizeof *n);
    n->shape = shape;
    n->member = -1;
    n->parent = parent;
    n->place = place;
    n->pp = parent ? g->nodes[parent].pp : 0;
    n->depth = parent ? (uint16_t)(g->nodes[parent].depth + 1) : 1;
    return id;
}

static void link_kid(awsval_gen *g, uint32_t parent, uint32_t kid)
{
    gv *p = &g->nodes[parent];
    g->nodes[kid].next = 0;
    g->nodes[kid].parent = parent;
    if (p->last) g->nodes[p->last].next = kid;
    else p->first = kid;
    p->last = kid;
    p->nkids++;
}

static void unlink_kid(awsval_gen *g, uint32_t kid)
{
    gv *k = &g->nodes[kid];
    gv *p = &g->nodes[k->parent];
    uint32_t prev = 0;
    for (uint32_t x = p->first; x && x != kid; x = g->nodes[x].next) prev = x;
    if (prev) g->nodes[prev].next = k->next;
    else p->first = k->next;
    if (p->last == kid) p->last = prev;
    p->nkids--;
    k->next = 0;
    k->flags |= GVF_DEAD;
}

/* The position of kid among its parent's kids. */
static uint32_t kid_index(const awsval_gen *g, uint32_t kid)
{
    uint32_t i = 0;
    for (uint32_t x = g->nodes[g->nodes[kid].parent].first; x && x != kid; x = g->nodes[x].next) i++;
    return i;
}

/* Its path segment's text (key or index) into b. */
static bool seg_text(awsval_gen *g, uint32_t id, awsval__buf *b)
{
    const gv *n = &g->nodes[id];
    const gv *p = &g->nodes[n->parent];
    if (p->kind == GV_ARR) {
        char num[16];
        int k = snprintf(num, sizeof num, "%u", kid_index(g, id));
        return put(g, b, num, (size_t)k);
    }
    return put(g, b, T(g, n->key), n->key_len);
}

/* The JSON Pointer of a node (RFC 6901), appended to b. */
static bool pointer_of(awsval_gen *g, uint32_t id, awsval__buf *b)
{
    if (!id || !g->nodes[id].parent) return true;
    if (!pointer_of(g, g->nodes[id].parent, b) || !putc_(g, b, '/')) return false;
    size_t mark = g->scratch.len;
    if (!seg_text(g, id, &g->scratch)) return false;
    const char *t = g->scratch.data + mark;
    size_t n = g->scratch.len - mark;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (t[i] == '~') ok = puts_(g, b, "~0");
        else if (t[i] == '/') ok = puts_(g, b, "~1");
        else if (t[i] == '\0') ok = puts_(g, b, "\\u0000");
        else ok = putc_(g, b, t[i]);
        t = g->scratch.data + mark; /* b may be scratch's neighbour, never scratch itself */
    }
    g->scratch.len = mark;
    return ok;
}

/* A node's pointer into a fixed buffer (cut short). */
static void pointer_fixed(awsval_gen *g, uint32_t id, char *dst, size_t cap)
{
    awsval__buf b = {0};
    if (pointer_of(g, id, &b)) copy_cut(dst, cap, b.data ? b.data : "", b.len);
    else dst[0] = '\0';
    awsval__buf_free(&b, &g->alc);
}

/* Whether the path segment of kid (key or index) matches segment k of opts.path. */
static bool seg_matches(awsval_gen *g, uint32_t k, const char *s, size_t n)
{
    const char *p = g->pathbuf + g->pseg[k];
    size_t pn = g->plen[k];
    if (pn == 1 && p[0] == '*') return true;
    return pn == n && memcmp(p, s, n) == 0;
}

/* Sets kid's path position from its parent's and its own segment. */
static void set_pp(awsval_gen *g, uint32_t kid, const char *seg, size_t n)
{
    gv *k = &g->nodes[kid];
    int16_t pp = g->nodes[k->parent].pp;
    if (pp < 0) k->pp = -1;
    else if ((uint32_t)pp >= g->npath) k->pp = pp;
    else k->pp = seg_matches(g, (uint32_t)pp, seg, n) ? (int16_t)(pp + 1) : -1;
}

/* The next path segment below a node on the path (not at its end), or NULL. */
static const char *next_seg(awsval_gen *g, uint32_t id, size_t *n)
{
    int16_t pp = g->nodes[id].pp;
    if (pp < 0 || (uint32_t)pp >= g->npath) return NULL;
    *n = g->plen[pp];
    return g->pathbuf + g->pseg[pp];
}

/* Whether a node is the value opts.path names. */
static bool at_path_end(const awsval_gen *g, uint32_t id)
{
    const gv *n = &g->nodes[id];
    return g->npath && n->parent && n->pp == (int16_t)g->npath && g->nodes[n->parent].pp == (int16_t)(g->npath - 1);
}

/* Records why a value could not be made (the first failure's place is kept). */
static void failed_at(awsval_gen *g, uint32_t id, uint32_t why, bool optional)
{
    char *where = optional ? g->skip_where : g->fail_where;
    if (optional) {
        g->skipped++;
        g->skip_why |= why;
    } else {
        g->fail_why |= why;
    }
    if (!where[0] && id) pointer_fixed(g, id, where, sizeof g->skip_where);
}

/* ------------------------------------------------------- checking values (Private) */

/* The checker's answer for one value: how many violations, and the first one's kind. */
typedef struct verdict {
    size_t total;
    uint8_t kind, source;
} verdict;

static bool walk_done(awsval_gen *g, awsval__walk *w, verdict *v)
{
    awsval_code rc = awsval__walk_end(w);
    if (rc == AWSVAL_NOMEM) return oom(g);
    awsval_ctx *c = g->c;
    v->total = c->rec_total;
    v->kind = c->rec_count ? c->recs[0].kind : 0;
    v->source = c->rec_count ? c->recs[0].source : 0;
    return true;
}

/* Checks the JSON text of a value against shape si (-1: any value). */
static bool check_json(awsval_gen *g, int32_t si, const char *json, size_t n, verdict *v)
{
    awsval__walk w;
    if (!awsval__walk_begin(&w, g->c, g->m, json, n, g->flags, -1)) return oom(g);
    awsval__walk_document(&w, si, 0, 0);
    return walk_done(g, &w, v);
}

/* Checks a string (valid UTF-8) against string shape si. */
static bool check_string(awsval_gen *g, int32_t si, const char *s, size_t n, verdict *v)
{
    int64_t cps = awsval__utf8_count(s, n, NULL);
    if (cps < 0) {
        v->total = 1;
        v->kind = AWSVAL_KIND_PARSE;
        v->source = 0;
        return true;
    }
    awsval__walk w;
    if (!awsval__walk_begin(&w, g->c, g->m, "", 0, g->flags, -1)) return oom(g);
    awsval__walk_string(&w, si, 0, 0, NULL, s, n, cps, 0, n);
    return walk_done(g, &w, v);
}

static bool verdict_is(const verdict *v, uint32_t kind, uint8_t source)
{
    if (!kind) return v->total == 0;
    return v->total == 1 && v->kind == kind && v->source == source;
}

/* ------------------------------------------------------------ writing JSON (Private) */

static bool json_escape(awsval_gen *g, awsval__buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        if (!put(g, b, s + run, i - run)) return false;
        run = i + 1;
        char e[7] = "\\u00";
        size_t el = 2;
        switch (ch) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[4] = hex[ch >> 4];
            e[5] = hex[ch & 15];
            el = 6;
        }
        if (!put(g, b, e, el)) return false;
    }
    return put(g, b, s + run, n - run);
}

static bool write_value(awsval_gen *g, uint32_t id, awsval__buf *b);

static bool write_str(awsval_gen *g, const gv *n, awsval__buf *b)
{
    const char *s = T(g, n->text);
    size_t len = n->text_len;
    if (!putc_(g, b, '"')) return false;
    if (n->flags & GVF_BADUTF8) {
        size_t half = awsval__utf8_floor(s, len / 2);
        if (!json_escape(g, b, s, half) || !putc_(g, b, (char)0xFF) || !json_escape(g, b, s + half, len - half))
            return false;
    } else if (!json_escape(g, b, s, len)) {
        return false;
    }
    return putc_(g, b, '"');
}

static bool write_member(awsval_gen *g, uint32_t k, awsval__buf *b)
{
    const gv *n = &g->nodes[k];
    return putc_(g, b, '"') && json_escape(g, b, T(g, n->key), n->key_len) && puts_(g, b, "\":") &&
           write_value(g, k, b);
}

static bool write_value(awsval_gen *g, uint32_t id, awsval__buf *b)
{
    const gv *n = &g->nodes[id];
    switch (n->kind) {
    case GV_OBJ: {
        if (!putc_(g, b, '{')) return false;
        bool first = true;
        for (uint32_t k = n->first; k; k = g->nodes[k].next) {
            if (!first && !putc_(g, b, ',')) return false;
            if (!write_member(g, k, b)) return false;
            first = false;
        }
        if ((n->flags & GVF_DUPKEY) && n->first && (!putc_(g, b, ',') || !write_member(g, n->first, b)))
            return false;
        return putc_(g, b, '}');
    }
    case GV_ARR: {
        if (!putc_(g, b, '[')) return false;
        for (uint32_t k = n->first; k; k = g->nodes[k].next) {
            if (k != n->first && !putc_(g, b, ',')) return false;
            if (!write_value(g, k, b)) return false;
        }
        return putc_(g, b, ']');
    }
    case GV_STR: return write_str(g, n, b);
    case GV_TRUE: return puts_(g, b, "true");
    case GV_FALSE: return puts_(g, b, "false");
    case GV_NULL: return puts_(g, b, "null");
    default: return put(g, b, T(g, n->text), n->text_len); /* NUM, RAW */
    }
}

/* Checks a node's value (as JSON) against its shape. */
static bool check_node(awsval_gen *g, uint32_t id, verdict *v)
{
    const gv *n = &g->nodes[id];
    if (n->kind == GV_STR && n->shape >= 0 && g->m->shapes[n->shape].type == AV_T_STRING &&
        !(n->flags & GVF_BADUTF8))
        return check_string(g, n->shape, T(g, n->text), n->text_len, v);
    g->tmp.len = 0;
    if (!write_value(g, id, &g->tmp)) return false;
    return check_json(g, n->shape, g->tmp.data, g->tmp.len, v);
}

/* ------------------------------------------------------ characters a place allows (Private) */

static void restr_all(restr *r)
{
    r->ascii[0] = ~1ull; /* no NUL */
    r->ascii[1] = ~0ull;
    r->nonascii = true;
    r->ncs = 0;
}

static void ascii_range(restr *r, unsigned lo, unsigned hi)
{
    for (unsigned ch = lo; ch <= hi; ch++) r->ascii[ch >> 6] |= 1ull << (ch & 63);
}

static void ascii_drop(restr *r, const char *chars)
{
    for (; *chars; chars++) r->ascii[(unsigned char)*chars >> 6] &= ~(1ull << ((unsigned char)*chars & 63));
}

/* What a string of shape si may hold at `place`: the documented character sets of the shape,
 * and what the HTTP place can carry. */
static void restr_for(const awsval_gen *g, int32_t si, uint8_t place, restr *r)
{
    restr_all(r);
    if (place == PL_HEADER || place == PL_HITEM) {
        r->ascii[0] = r->ascii[1] = 0;
        ascii_range(r, 0x21, 0x7E);
        r->nonascii = false;
        if (place == PL_HITEM) ascii_drop(r, ",");
    } else if (place == PL_HKEY) {
        r->ascii[0] = r->ascii[1] = 0;
        ascii_range(r, '0', '9');
        ascii_range(r, 'A', 'Z');
        ascii_range(r, 'a', 'z');
        for (const char *t = "!#$%&'*+-.^`|~"; *t; t++) ascii_range(r, (unsigned char)*t, (unsigned char)*t);
        r->nonascii = false;
    }
    if (si < 0) return;
    const awsval_model *m = g->m;
    const awsval__shape *sh = &m->shapes[si];
    for (uint32_t k = 0; k < sh->doc_count && r->ncs < 4; k++) {
        const awsval__doc_rule *d = &m->docs[sh->doc_first + k];
        if (d->form != AV_DOC_CHARSET) continue;
        r->cs[r->ncs++] = d;
        r->ascii[0] &= d->chars.ascii[0];
        r->ascii[1] &= d->chars.ascii[1];
    }
}

static bool restr_cp(const awsval_gen *g, const restr *r, uint32_t cp)
{
    if (cp < 0x80) return (r->ascii[cp >> 6] >> (cp & 63)) & 1;
    if (!r->nonascii) return false;
    char b[4];
    size_t k = put_cp(b, cp);
    for (uint32_t i = 0; i < r->ncs; i++) {
        const awsval__doc_rule *d = r->cs[i];
        if (!awsval__charset_all(&d->chars, g->m->bmp + (size_t)d->chars.bmp * AV_CHARSET_WORDS, b, k)) return false;
    }
    return true;
}

static bool restr_text(const awsval_gen *g, const restr *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k;
        uint32_t cp = awsval__utf8_decode((const unsigned char *)s + i, &k);
        if (!restr_cp(g, r, cp)) return false;
        i += k;
    }
    return true;
}

/* Code points tried first outside ASCII: letters of several scripts, symbols, a combining
 * mark, spaces and astral characters. */
static const uint32_t CURATED[] = {0xE9, 0xF1, 0xFC, 0xDF, 0xC5, 0x3A9, 0x416, 0x639, 0x5D0, 0x4E2D,
                                   0x65E5, 0xD55C, 0x20AC, 0x2603, 0xA0, 0x300, 0x2028, 0x1F600,
                                   0x1F680, 0x1D400, 0x10348, 0x20000, 0x1F1EF};
#define NCURATED (sizeof CURATED / sizeof *CURATED)

static bool in_ranges(const awsval__rx_range *r, uint32_t n, uint32_t cp)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo) hi = mid;
        else if (cp > r[mid].hi) lo = mid + 1;
        else return true;
    }
    return false;
}

/* Picks a code point from ranges r[0..n) that the restriction allows; UINT32_MAX if none was
 * found. */
static uint32_t pick_cp(awsval_gen *g, const awsval__rx_range *r, uint32_t n, const restr *rs)
{
    if (!n) return INF32;
    uint64_t am[2] = {0, 0};
    bool high = r[n - 1].hi >= 0x80, astral = r[n - 1].hi >= 0x10000; /* ranges are sorted */
    for (uint32_t i = 0; i < n && r[i].lo < 0x80; i++) {
        uint32_t lo = r[i].lo, hi = r[i].hi < 0x7F ? r[i].hi : 0x7F;
        for (uint32_t w = lo >> 6; w <= hi >> 6; w++) {
            uint32_t a = w == lo >> 6 ? lo & 63 : 0, b = w == hi >> 6 ? hi & 63 : 63;
            am[w] |= (b == 63 ? ~0ull : (1ull << (b + 1)) - 1) & ~((1ull << a) - 1);
        }
    }
    am[0] &= rs->ascii[0];
    am[1] &= rs->ascii[1];
    bool any_ascii = am[0] || am[1];
    high = high && rs->nonascii;
    if (high && (!any_ascii || pct(g, g->o.nonascii_pct))) {
        bool want_astral = astral && pct(g, g->o.astral_pct);
        for (int t = 0; t < 24; t++) {
            uint32_t cp;
            if (t < 6) {
                cp = CURATED[below(g, NCURATED)];
                if ((cp >= 0x10000) != want_astral && t < 4) continue;
                if (!in_ranges(r, n, cp)) continue;
            } else {
                const awsval__rx_range *x = &r[below(g, n)];
                if (x->hi < 0x80) continue;
                uint32_t lo = x->lo < 0x80 ? 0x80 : x->lo;
                if (want_astral && t < 16) {
                    if (x->hi < 0x10000) continue;
                    if (lo < 0x10000) lo = 0x10000;
                }
                cp = lo + (uint32_t)below(g, (uint64_t)x->hi - lo + 1);
            }
            if (restr_cp(g, rs, cp)) return cp;
        }
    }
    if (!any_ascii) return INF32;
    /* printable ASCII nearly always; other ASCII now and then */
    uint64_t pm[2] = {am[0] & 0xFFFFFFFF00000000ull, am[1] & 0x7FFFFFFFFFFFFFFFull};
    if ((pm[0] || pm[1]) && !pct(g, 3)) {
        am[0] = pm[0];
        am[1] = pm[1];
    }
    int c0 = __builtin_popcountll(am[0]), cnt = c0 + __builtin_popcountll(am[1]);
    int k = (int)below(g, (uint64_t)cnt);
    uint32_t w = k < c0 ? 0 : 1;
    uint64_t bits = am[w];
    if (w) k -= c0;
    while (k-- > 0) bits &= bits - 1;
    return w * 64 + (uint32_t)__builtin_ctzll(bits);
}

/* Code points of a string without a pattern: printable ASCII and the rest of Unicode. */
static const awsval__rx_range ANY_RANGES[] = {{0x09, 0x0A}, {0x20, 0x7E}, {0xA0, 0xD7FF}, {0xE000, 0xFFFD},
                                              {0x10000, 0x10FFFF}};

/* ----------------------------------------------- lengths a pattern tree can make (Private) */

/* The lengths (code points) each node of a tree can produce, up to C: exact bitsets when they
 * fit, and always each node's least and greatest length (mx INF32: more than C, or unbounded). */
typedef struct lens {
    awsval_gen *g;
    const awsval__rx_tree *t;
    const restr *r;
    uint32_t C, W, n;
    bool exact;
    uint64_t *bits;     /* n * W words */
    uint64_t *stack;    /* scratch sets for the descent, `stack_cap` words */
    size_t stack_top, stack_cap;
    uint32_t *mn, *mx;
    uint8_t *done, *setok, *anch; /* anch: per node, 1 known, 2 anchored at the start, 4 at the end */
    size_t work;
} lens;


static uint64_t *LB(const lens *L, uint32_t i) { return L->bits + (size_t)i * L->W; }
static bool has(const uint64_t *s, uint32_t x) { return (s[x >> 6] >> (x & 63)) & 1; }
static void setbit(uint64_t *s, uint32_t x) { s[x >> 6] |= 1ull << (x & 63); }
static void setrange(uint64_t *s, uint32_t a, uint32_t b)
{
    for (uint32_t x = a; x <= b; x++) {
        if ((x & 63) == 0 && x + 63 <= b) {
            s[x >> 6] = ~0ull;
            x += 63;
        } else {
            setbit(s, x);
        }
    }
}
static bool set_empty(const lens *L, const uint64_t *s)
{
    for (uint32_t i = 0; i < L->W; i++)
        if (s[i]) return false;
    return true;
}
static void set_trim(const lens *L, uint64_t *s)
{
    uint32_t extra = L->W * 64 - (L->C + 1);
    if (extra) s[L->W - 1] &= ~0ull >> extra;
}

/* dst |= src << x (bits past C dropped later). */
static void shift_or(const lens *L, uint64_t *dst, const uint64_t *src, uint32_t x)
{
    uint32_t q = x >> 6, r = x & 63;
    for (uint32_t i = L->W; i-- > q;) {
        uint64_t v = src[i - q] << r;
        if (r && i - q >= 1) v |= src[i - q - 1] >> (64 - r);
        dst[i] |= v;
    }
}

static bool set_interval(const lens *L, const uint64_t *s, uint32_t *a, uint32_t *b);

/* dst = {x + y <= C : x in a, y in b} (dst distinct from a and b). A run [p, q] on either
 * side is added by doubling (O(W log C)); otherwise the sparser side's members are. */
static void sumset(lens *L, uint64_t *dst, const uint64_t *a, const uint64_t *b)
{
    memset(dst, 0, L->W * sizeof *dst);
    uint32_t p, q;
    const uint64_t *other = NULL;
    if (set_interval(L, a, &p, &q)) other = b;
    else if (set_interval(L, b, &p, &q)) other = a;
    if (other) {
        /* dst = OR of other << x for x in [p, q] */
        shift_or(L, dst, other, p);
        uint32_t width = q - p + 1, have = 1;
        while (have * 2 <= width) {
            uint64_t *t = L->stack + L->stack_cap; /* the spare set after the stack */
            memcpy(t, dst, L->W * sizeof *t);
            shift_or(L, dst, t, have);
            have *= 2;
            L->work += 2 * L->W;
        }
        if (have < width) {
            uint64_t *t = L->stack + L->stack_cap;
            memcpy(t, dst, L->W * sizeof *t);
            shift_or(L, dst, t, width - have);
        }
        set_trim(L, dst);
        return;
    }
    uint32_t ca = 0, cb = 0;
    for (uint32_t i = 0; i < L->W; i++) {
        ca += (uint32_t)__builtin_popcountll(a[i]);
        cb += (uint32_t)__builtin_popcountll(b[i]);
    }
    if (cb < ca) {
        const uint64_t *t = a;
        a = b;
        b = t;
    }
    for (uint32_t wi = 0; wi < L->W; wi++) {
        uint64_t w = a[wi];
        while (w) {
            uint32_t x = wi * 64 + (uint32_t)__builtin_ctzll(w);
            w &= w - 1;
            if (x > L->C) break;
            shift_or(L, dst, b, x);
            L->work += L->W;
        }
    }
    set_trim(L, dst);
}

/* Whether a set is one run of lengths [*a, *b]. */
static bool set_interval(const lens *L, const uint64_t *s, uint32_t *a, uint32_t *b)
{
    uint32_t lo = INF32, hi = 0, count = 0;
    for (uint32_t wi = 0; wi < L->W; wi++) {
        if (!s[wi]) continue;
        if (lo == INF32) lo = wi * 64 + (uint32_t)__builtin_ctzll(s[wi]);
        hi = wi * 64 + 63 - (uint32_t)__builtin_clzll(s[wi]);
        count += (uint32_t)__builtin_popcountll(s[wi]);
    }
    if (lo == INF32) return false;
    *a = lo;
    *b = hi;
    return count == hi - lo + 1;
}

static uint64_t *push_sets(lens *L, size_t nsets)
{
    size_t need = L->stack_top + nsets * L->W;
    if (need > L->stack_cap) return NULL;
    uint64_t *p = L->stack + L->stack_top;
    L->stack_top = need;
    memset(p, 0, nsets * L->W * sizeof *p);
    return p;
}

static uint32_t sat_add(uint32_t a, uint32_t b) { return a >= INF32 - b ? INF32 : a + b; }
static uint32_t sat_mul(uint32_t a, uint32_t b)
{
    if (!a || !b) return 0;
    return a > (INF32 - 1) / b ? INF32 : a * b;
}

/* Whether a SET node has a character the restriction allows. */
static bool set_ok(lens *L, const awsval__rx_node *nd)
{
    uint32_t i = awsval__rx_node_index(L->t, nd);
    if (L->setok[i]) return L->setok[i] == 1;
    const awsval__rx_range *r = awsval__rx_ranges(L->t, nd);
    bool ok = false;
    for (uint32_t k = 0; k < nd->nranges && !ok; k++) {
        for (uint32_t ch = r[k].lo; ch < 0x80 && ch <= r[k].hi && !ok; ch++)
            ok = (L->r->ascii[ch >> 6] >> (ch & 63)) & 1;
    }
    if (!ok && L->r->nonascii) {
        /* sampled: a set with members outside ASCII of which a documented set allows none is
         * rare, and the string is confirmed anyway */
        awsval_gen *g = L->g;
        for (int t = 0; t < 32 && !ok; t++) {
            const awsval__rx_range *x = &r[below(g, nd->nranges)];
            if (x->hi < 0x80) continue;
            uint32_t lo = x->lo < 0x80 ? 0x80 : x->lo;
            ok = restr_cp(g, L->r, lo + (uint32_t)below(g, (uint64_t)x->hi - lo + 1));
        }
    }
    L->setok[i] = ok ? 1 : 2;
    return ok;
}

/* Whether every match of a node begins at the start of the value (it opens with ^ on every
 * branch), or ends at its end ($): a part of a concatenation before such a node (after, for
 * the end) must then be empty. */
static bool anchored(const awsval__rx_tree *t, const awsval__rx_node *nd, bool start, unsigned depth)
{
    if (depth > 64) return false;
    switch (nd->kind) {
    case AWSVAL__RX_ASSERT:
        return start ? nd->assert == AWSVAL__RX_A_START
                     : nd->assert == AWSVAL__RX_A_END || nd->assert == AWSVAL__RX_A_EOL || nd->assert == AWSVAL__RX_A_EOL_UNIX;
    case AWSVAL__RX_GROUP: return anchored(t, awsval__rx_kid(t, nd, 0), start, depth + 1);
    case AWSVAL__RX_REPEAT: return nd->min >= 1 && anchored(t, awsval__rx_kid(t, nd, 0), start, depth + 1);
    case AWSVAL__RX_CAT: return anchored(t, awsval__rx_kid(t, nd, start ? 0 : nd->nkids - 1), start, depth + 1);
    case AWSVAL__RX_ALT:
        for (uint32_t k = 0; k < nd->nkids; k++)
            if (!anchored(t, awsval__rx_kid(t, nd, k), start, depth + 1)) return false;
        return true;
    default: return false;
    }
}


static bool anchored_at(lens *L, const awsval__rx_node *nd, bool start)
{
    uint32_t i = awsval__rx_node_index(L->t, nd);
    if (!(L->anch[i] & 1))
        L->anch[i] = (uint8_t)(1 | (anchored(L->t, nd, true, 0) ? 2 : 0) | (anchored(L->t, nd, false, 0) ? 4 : 0));
    return (L->anch[i] & (start ? 2 : 4)) != 0;
}

/* Whether part k of concatenation nd must be empty: a later part is anchored at the start, or
 * an earlier one at the end. */
static bool part_empty(lens *L, const awsval__rx_node *nd, uint32_t k)
{
    for (uint32_t j = k + 1; j < nd->nkids; j++)
        if (anchored_at(L, awsval__rx_kid(L->t, nd, j), true)) return true;
    for (uint32_t j = 0; j < k; j++)
        if (anchored_at(L, awsval__rx_kid(L->t, nd, j), false)) return true;
    return false;
}

static const uint64_t ZERO_SET_WORD = 1; /* the set {0}, first word */

static void lens_node(lens *L, const awsval__rx_node *nd);

static void lens_kids(lens *L, const awsval__rx_node *nd)
{
    for (uint32_t k = 0; k < nd->nkids; k++) lens_node(L, awsval__rx_kid(L->t, nd, k));
}

static void lens_node(lens *L, const awsval__rx_node *nd)
{
    uint32_t i = awsval__rx_node_index(L->t, nd);
    if (L->done[i]) return;
    L->done[i] = 1;
    uint32_t mn = 0, mx = 0;
    lens_kids(L, nd);
    uint64_t *s = L->exact ? LB(L, i) : NULL;
    if (s) memset(s, 0, L->W * sizeof *s);
    switch (nd->kind) {
    case AWSVAL__RX_SET:
        if (nd->nranges && set_ok(L, nd)) {
            mn = mx = 1;
            if (s && L->C >= 1) setbit(s, 1);
        } else {
            mn = INF32;
        }
        break;
    case AWSVAL__RX_CAT: {
        for (uint32_t k = 0; k < nd->nkids; k++) {
            uint32_t ki = awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k));
            bool zero = part_empty(L, nd, k);
            if (L->mn[ki] == INF32 || (zero && L->mn[ki] > 0)) mn = INF32;
            if (mn != INF32) {
                mn = sat_add(mn, zero ? 0 : L->mn[ki]);
                mx = sat_add(mx, zero ? 0 : L->mx[ki]);
            }
        }
        if (mn == INF32) mx = 0;
        if (s && mn != INF32) {
            uint64_t *tmp = push_sets(L, 2);
            if (!tmp) {
                L->exact = false;
                break;
            }
            uint64_t *zero = tmp + L->W;
            zero[0] = ZERO_SET_WORD;
            for (uint32_t k = 0; k < nd->nkids; k++) {
                const uint64_t *ks = part_empty(L, nd, k) ? zero : LB(L, awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k)));
                if (k == 0) {
                    memcpy(s, ks, L->W * sizeof *s);
                    continue;
                }
                memcpy(tmp, s, L->W * sizeof *s);
                sumset(L, s, tmp, ks);
            }
            L->stack_top -= 2 * L->W;
        }
        break;
    }
    case AWSVAL__RX_ALT:
        mn = INF32;
        for (uint32_t k = 0; k < nd->nkids; k++) {
            uint32_t ki = awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k));
            if (L->mn[ki] == INF32) continue;
            if (L->mn[ki] < mn) mn = L->mn[ki];
            if (L->mx[ki] > mx) mx = L->mx[ki];
            if (s)
                for (uint32_t w = 0; w < L->W; w++) s[w] |= LB(L, ki)[w];
        }
        if (mn == INF32) mx = 0;
        break;
    case AWSVAL__RX_GROUP: {
        uint32_t ki = awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, 0));
        mn = L->mn[ki];
        mx = L->mx[ki];
        if (s) memcpy(s, LB(L, ki), L->W * sizeof *s);
        break;
    }
    case AWSVAL__RX_REPEAT: {
        uint32_t ki = awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, 0));
        uint32_t kmn = L->mn[ki], kmx = L->mx[ki];
        if (kmn == INF32) {
            mn = nd->min == 0 ? 0 : INF32;
            mx = 0;
            if (s && nd->min == 0) setbit(s, 0);
            break;
        }
        mn = sat_mul(nd->min, kmn);
        mx = nd->max == AWSVAL__RX_INF ? (kmx ? INF32 : 0) : sat_mul(nd->max, kmx);
        if (!s) break;
        const uint64_t *k = LB(L, ki);
        uint32_t a, b;
        if (set_interval(L, k, &a, &b)) {
            /* j copies make [j*a, j*b]: no bitset arithmetic needed */
            uint32_t top = nd->max;
            if (a == 0) {
                uint32_t hi = b == 0 ? 0 : (top == AWSVAL__RX_INF ? L->C : (sat_mul(top, b) > L->C ? L->C : top * b));
                setrange(s, 0, hi);
            } else {
                for (uint32_t j = nd->min; j <= top && sat_mul(j, a) <= L->C; j++) {
                    uint32_t lo = j * a, hi = sat_mul(j, b) > L->C ? L->C : j * b;
                    setrange(s, lo, hi);
                    if (j == AWSVAL__RX_INF - 1) break;
                }
            }
            break;
        }
        uint64_t *t2 = push_sets(L, 2);
        if (!t2) {
            L->exact = false;
            break;
        }
        uint64_t *R = t2, *N = t2 + L->W;
        setbit(R, 0);
        if (nd->min == 0) setbit(s, 0);
        for (uint32_t j = 1; j <= nd->max && j <= L->C + nd->min + 1; j++) {
            sumset(L, N, R, k);
            if (set_empty(L, N)) break;
            if (j >= nd->min)
                for (uint32_t w = 0; w < L->W; w++) s[w] |= N[w];
            bool same = memcmp(N, R, L->W * sizeof *N) == 0;
            memcpy(R, N, L->W * sizeof *R);
            if (same && j >= nd->min) break;
            if (L->work > WORK_CAP) {
                L->exact = false;
                break;
            }
            if (j == AWSVAL__RX_INF - 1) break;
        }
        L->stack_top -= 2 * L->W;
        break;
    }
    default: /* EMPTY, ASSERT */
        if (s) setbit(s, 0);
        break;
    }
    L->mn[i] = mn;
    L->mx[i] = mx;
}

/* Whether node i can make length x. */
static bool can(const lens *L, uint32_t i, uint32_t x)
{
    if (L->mn[i] == INF32 || x < L->mn[i] || x > L->mx[i]) return false;
    return !L->exact || x > L->C || has(LB(L, i), x);
}

static bool lens_init(awsval_gen *g, lens *L, const awsval__rx_tree *t, const restr *r, uint32_t C)
{
    memset(L, 0, sizeof *L);
    L->g = g;
    L->t = t;
    L->r = r;
    L->C = C;
    L->W = C / 64 + 1;
    L->n = awsval__rx_node_count(t) + 1;
    L->exact = (size_t)L->n * L->W <= EXACT_WORDS;
    size_t words = L->exact ? (size_t)L->n * L->W : 0;
    size_t stack = L->exact ? (size_t)L->W * 256 : 0;
    if (!awsval__grow(&g->alc, (void **)&g->lw, &g->lw_cap, words + stack + L->W + 1, sizeof *g->lw) ||
        !awsval__grow(&g->alc, (void **)&g->lu, &g->lu_cap, 2 * (size_t)L->n, sizeof *g->lu) ||
        !awsval__grow(&g->alc, (void **)&g->lb, &g->lb_cap, 3 * (size_t)L->n, 1))
        return oom(g);
    L->bits = g->lw;
    L->stack = g->lw + words;
    L->stack_cap = stack;
    L->mn = g->lu;
    L->mx = g->lu + L->n;
    L->done = g->lb;
    L->setok = g->lb + L->n;
    L->anch = g->lb + 2 * (size_t)L->n;
    memset(L->done, 0, 3 * (size_t)L->n);
    lens_node(L, awsval__rx_root(t));
    if (!L->exact && words) {
        /* over budget: min and max only */
        memset(L->done, 0, L->n);
        L->stack_top = 0;
        lens_node(L, awsval__rx_root(t));
    }
    return true;
}

/* ------------------------------------------------------- drawing from a tree (Private) */

typedef struct drawer {
    lens *L;
    awsval__buf *out;
    bool fail;
    unsigned depth;
} drawer;

static bool emit(drawer *d, const awsval__rx_node *nd, uint32_t len);

/* Splits len among the parts of a run of copies of kid (interval [a,b] each, b INF32 = any). */
static bool emit_copies(drawer *d, const awsval__rx_node *kid, uint32_t count, uint32_t len, uint32_t a, uint32_t b)
{
    awsval_gen *g = d->L->g;
    uint32_t rem = len;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t left = count - i - 1;
        uint64_t lo = a, hi = b == INF32 ? rem : (b < rem ? b : rem);
        /* the others must be able to take the rest */
        uint64_t others_max = !left ? 0 : b == INF32 ? UINT64_MAX : (uint64_t)left * b;
        if (others_max != UINT64_MAX && rem > others_max && rem - others_max > lo) lo = rem - others_max;
        uint64_t others_min = (uint64_t)left * a;
        if (rem < others_min) return false;
        if (rem - others_min < hi) hi = rem - others_min;
        if (lo > hi) return false;
        uint32_t ki = awsval__rx_node_index(d->L->t, kid);
        uint32_t x = INF32, seen = 0;
        for (uint64_t y = lo; y <= hi && seen < 64; y++) {
            if (y != 0 && !can(d->L, ki, (uint32_t)y)) continue;
            seen++;
            if (below(g, seen) == 0) x = (uint32_t)y;
        }
        if (x == INF32) return false;
        if (!emit(d, kid, x)) return false;
        rem -= x;
    }
    return rem == 0;
}

static bool emit(drawer *d, const awsval__rx_node *nd, uint32_t len)
{
    lens *L = d->L;
    awsval_gen *g = L->g;
    if (++d->depth > 400) return false;
    bool ok = true;
    switch (nd->kind) {
    case AWSVAL__RX_SET: {
        if (len != 1) {
            ok = false;
            break;
        }
        uint32_t cp = pick_cp(g, awsval__rx_ranges(L->t, nd), nd->nranges, L->r);
        if (cp == INF32) {
            ok = false;
            break;
        }
        char b[4];
        ok = put(g, d->out, b, put_cp(b, cp));
        break;
    }
    case AWSVAL__RX_GROUP: ok = emit(d, awsval__rx_kid(L->t, nd, 0), len); break;
    case AWSVAL__RX_ALT: {
        uint32_t cands[64], nc = 0, seen = 0;
        for (uint32_t k = 0; k < nd->nkids; k++) {
            if (!can(L, awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k)), len)) continue;
            /* reservoir: a uniform choice among any number of alternatives */
            seen++;
            if (nc < 64) cands[nc++] = k;
            else if (below(g, seen) < 64) cands[below(g, 64)] = k;
        }
        ok = nc && emit(d, awsval__rx_kid(L->t, nd, cands[below(g, nc)]), len);
        break;
    }
    case AWSVAL__RX_CAT: {
        uint32_t n = nd->nkids;
        size_t mark = L->stack_top;
        uint64_t *suf = L->exact && len <= L->C ? push_sets(L, n) : NULL;
        /* suffix sums of the parts' lengths: sets when exact, else min and max */
        uint32_t sufmn[64], sufmx[64];
        uint64_t *zero = suf ? push_sets(L, 1) : NULL;
        if (suf && !zero) suf = NULL;
        if (zero) zero[0] = ZERO_SET_WORD;
        if (!suf && n > 64) {
            L->stack_top = mark;
            ok = false;
            break;
        }
        if (suf) {
            for (uint32_t k = n; k-- > 0;) {
                const uint64_t *ks = part_empty(L, nd, k) ? zero : LB(L, awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k)));
                if (k == n - 1) memcpy(suf + (size_t)k * L->W, ks, L->W * sizeof *suf);
                else sumset(L, suf + (size_t)k * L->W, ks, suf + (size_t)(k + 1) * L->W);
            }
        } else {
            for (uint32_t k = n; k-- > 0;) {
                uint32_t ki = awsval__rx_node_index(L->t, awsval__rx_kid(L->t, nd, k));
                bool z = part_empty(L, nd, k);
                uint32_t nm = k + 1 < n ? sufmn[k + 1] : 0, nx = k + 1 < n ? sufmx[k + 1] : 0;
                sufmn[k] = sat_add(z ? 0 : L->mn[ki], nm);
                sufmx[k] = sat_add(z ? 0 : L->mx[ki], nx);
            }
        }
        uint32_t rem = len;
        for (uint32_t k = 0; k < n && ok; k++) {
            const awsval__rx_node *kid = awsval__rx_kid(L->t, nd, k);
            uint32_t ki = awsval__rx_node_index(L->t, kid);
            if (k == n - 1) {
                ok = emit(d, kid, rem);
                break;
            }
            /* a length x for this part such that the rest can make rem - x */
            bool z = part_empty(L, nd, k);
            uint32_t lo = z ? 0 : L->mn[ki] == INF32 ? 1 : L->mn[ki];
            uint32_t hi = z ? 0 : L->mx[ki] < rem ? L->mx[ki] : rem;
            uint32_t pick = INF32, seen = 0;
            for (uint32_t x = lo; x <= hi && x != INF32; x++) {
                bool fits;
                if (suf) fits = (z || has(LB(L, ki), x)) && has(suf + (size_t)(k + 1) * L->W, rem - x);
                else fits = (z || can(L, ki, x)) && rem - x >= sufmn[k + 1] && rem - x <= sufmx[k + 1];
                if (!fits) continue;
                seen++;
                if (below(g, seen) == 0) pick = x;
                if (x == UINT32_MAX - 1) break;
            }
            if (pick == INF32) {
                ok = false;
                break;
            }
            ok = emit(d, kid, pick);
            rem -= pick;
        }
        L->stack_top = mark;
        break;
    }
    case AWSVAL__RX_REPEAT: {
        const awsval__rx_node *kid = awsval__rx_kid(L->t, nd, 0);
        uint32_t ki = awsval__rx_node_index(L->t, kid);
        if (L->mn[ki] == INF32) {
            ok = len == 0 && nd->min == 0;
            break;
        }
        uint32_t a, b;
        bool interval = L->exact && len <= L->C ? set_interval(L, LB(L, ki), &a, &b) : false;
        if (interval && b == L->C && L->mx[ki] > L->C) b = INF32;
        /* min/max only, or too many copies for the sets of j copies: as if every length
         * between the kid's least and greatest could be made (the string is confirmed) */
        uint32_t jneed = nd->max == AWSVAL__RX_INF || nd->max > nd->min + len + 1 ? nd->min + len + 1 : nd->max;
        if (!L->exact || len > L->C || (!interval && L->stack_top + ((size_t)jneed + 1) * L->W > L->stack_cap)) {
            interval = true;
            a = L->mn[ki];
            b = L->mx[ki];
        }
        if (interval) {
            if (len == 0) {
                ok = nd->min == 0 || a == 0;
                if (ok && nd->min) ok = emit_copies(d, kid, nd->min, 0, 0, 0);
                break;
            }
            /* nonempty copies: each in [max(a,1), b]; empty ones only when a == 0 */
            uint32_t a1 = a ? a : 1;
            uint64_t cmin = b == INF32 ? 1 : (len + (uint64_t)b - 1) / b;
            uint64_t cmax = len / a1;
            if (nd->max != AWSVAL__RX_INF && cmax > nd->max) cmax = nd->max;
            if (a && cmin < nd->min) cmin = nd->min;
            if (cmin > cmax || cmin == 0) {
                ok = false;
                break;
            }
            uint32_t c = (uint32_t)(cmin + below(g, cmax - cmin + 1));
            uint32_t empties = 0;
            if (!a && c < nd->min) empties = nd->min - c;
            ok = emit_copies(d, kid, c, len, a1, b);
            for (uint32_t e = 0; ok && e < empties; e++) ok = emit(d, kid, 0);
            break;
        }
        /* exact, not an interval: the sets of j copies */
        uint32_t jmax = nd->max == AWSVAL__RX_INF ? nd->min + len + 1 : nd->max;
        if (jmax > nd->min + len + 1) jmax = nd->min + len + 1;
        size_t mark = L->stack_top;
        uint64_t *R = push_sets(L, (size_t)jmax + 1);
        if (!R) {
            ok = false;
            break;
        }
        setbit(R, 0);
        for (uint32_t j = 1; j <= jmax; j++) sumset(L, R + (size_t)j * L->W, R + (size_t)(j - 1) * L->W, LB(L, ki));
        uint32_t pick = INF32, seen = 0;
        for (uint32_t j = nd->min; j <= jmax; j++) {
            if (!has(R + (size_t)j * L->W, len)) continue;
            seen++;
            if (below(g, seen) == 0) pick = j;
        }
        if (pick == INF32) {
            ok = false;
            L->stack_top = mark;
            break;
        }
        uint32_t rem = len;
        for (uint32_t i = 0; i < pick && ok; i++) {
            const uint64_t *rest = R + (size_t)(pick - 1 - i) * L->W;
            uint32_t x = INF32, s2 = 0;
            for (uint32_t y = 0; y <= rem; y++) {
                if (!has(LB(L, ki), y) || !has(rest, rem - y)) continue;
                s2++;
                if (below(g, s2) == 0) x = y;
            }
            ok = x != INF32 && emit(d, kid, x);
            rem -= ok ? x : 0;
        }
        L->stack_top = mark;
        break;
    }
    default: /* EMPTY, ASSERT: zero width (an assertion out of place is caught by the check) */
        ok = len == 0;
        break;
    }
    d->depth--;
    return ok && !g->nomem;
}

/* Draws len code points from a tree (into g->str, replacing it). */
static bool draw_tree(awsval_gen *g, lens *L, uint32_t len)
{
    g->str.len = 0;
    if (!can(L, awsval__rx_node_index(L->t, awsval__rx_root(L->t)), len)) return false;
    drawer d = {L, &g->str, false, 0};
    L->stack_top = 0;
    return emit(&d, awsval__rx_root(L->t), len);
}

/* Draws len code points from ranges (into g->str). */
static bool draw_ranges(awsval_gen *g, const awsval__rx_range *r, uint32_t n, const restr *rs, uint32_t len)
{
    g->str.len = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t cp = pick_cp(g, r, n, rs);
        if (cp == INF32) return false;
        char b[4];
        if (!put(g, &g->str, b, put_cp(b, cp))) return false;
    }
    return true;
}

/* ------------------------------------------------------- patterns to draw from (Private) */

/* The Java pattern src without its look-ahead and look-behind groups (a larger language: what
 * the groups forbid is caught when the string is confirmed). Returns the length written. */
static size_t relax_java(const char *s, size_t n, char *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            if (s[i + 1] == 'Q') { /* \Q...\E quotes */
                size_t e = i + 2;
                while (e + 1 < n && !(s[e] == '\\' && s[e + 1] == 'E')) e++;
                e = e + 1 < n ? e + 2 : n;
                memcpy(out + o, s + i, e - i);
                o += e - i;
                i = e;
                continue;
            }
            out[o++] = s[i++];
            out[o++] = s[i++];
            continue;
        }
        if (ch == '[') { /* a class, with Java's nested classes */
            int depth = 0;
            size_t start = i;
            while (i < n) {
                if (s[i] == '\\' && i + 1 < n) {
                    i += 2;
                    continue;
                }
                if (s[i] == '[') {
                    depth++;
                    i++;
                    if (i < n && s[i] == '^') i++;
                    if (i < n && s[i] == ']') i++; /* a leading ] is a literal */
                    continue;
                }
                if (s[i] == ']' && --depth == 0) {
                    i++;
                    break;
                }
                i++;
            }
            memcpy(out + o, s + start, i - start);
            o += i - start;
            continue;
        }
        bool look = ch == '(' && i + 2 < n && s[i + 1] == '?' &&
                    (s[i + 2] == '=' || s[i + 2] == '!' ||
                     (s[i + 2] == '<' && i + 3 < n && (s[i + 3] == '=' || s[i + 3] == '!')));
        if (ch == '(' && i + 2 < n && s[i + 1] == '?' && s[i + 2] == '>') { /* atomic: a plain group */
            memcpy(out + o, "(?:", 3);
            o += 3;
            i += 3;
            continue;
        }
        if ((ch == '?' || ch == '*' || ch == '+' || ch == '}') && i + 1 < n && s[i + 1] == '+') {
            out[o++] = s[i]; /* a possessive quantifier: the greedy one */
            i += 2;
            continue;
        }
        if (!look) {
            out[o++] = s[i++];
            continue;
        }
        /* skip to the matching ')' */
        int depth = 0;
        while (i < n) {
            if (s[i] == '\\' && i + 1 < n) {
                i += 2;
                continue;
            }
            if (s[i] == '[') {
                int cd = 0;
                while (i < n) {
                    if (s[i] == '\\' && i + 1 < n) {
                        i += 2;
                        continue;
                    }
                    if (s[i] == '[') cd++;
                    else if (s[i] == ']' && --cd == 0) break;
                    i++;
                }
                i++;
                continue;
            }
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) {
                i++;
                break;
            }
            i++;
        }
    }
    return o;
}

/* Compiles the relaxed form of a Java pattern: a regex with a syntax tree, or NULL. */
static awsval__regex *relaxed_compile(const awsval_alc *alc, const char *src, size_t n)
{
    char *buf = awsval__malloc(alc, n + 1);
    if (!buf) return NULL;
    size_t k = relax_java(src, n, buf);
    awsval__regex *re = k == n && memcmp(buf, src, n) == 0 ? NULL
                                                           : awsval__regex_compile(buf, k, AWSVAL__RE_FULL, alc, NULL, NULL, 0);
    awsval__free(alc, buf);
    if (re && !awsval__regex_tree(re)) {
        awsval__regex_free(re);
        re = NULL;
    }
    return re;
}

/* The tree to draw strings of model pattern pi from (its own, or its relaxed form's), or NULL. */
static const awsval__rx_tree *pattern_tree(awsval_gen *g, int32_t pi)
{
    const awsval__pattern *p = &g->m->patterns[pi];
    const awsval__rx_tree *t = awsval__regex_tree(p->re);
    if (t) return t;
    if (!g->rel) {
        g->rel = awsval__calloc(&g->alc, g->m->pattern_count ? g->m->pattern_count : 1, sizeof *g->rel);
        if (!g->rel) {
            oom(g);
            return NULL;
        }
    }
    relaxed *r = &g->rel[pi];
    if (!r->state) {
        const char *src = AV_STR(g->m, p->source);
        r->re = relaxed_compile(&g->alc, src, strlen(src));
        r->state = r->re ? 1 : 2;
    }
    return r->re ? awsval__regex_tree(r->re) : NULL;
}

/* The pattern a string shape's values are drawn from: the model's, else a documented one. */
static int32_t draw_pattern(const awsval_gen *g, int32_t si)
{
    const awsval__shape *sh = &g->m->shapes[si];
    if (sh->pattern >= 0) return sh->pattern;
    for (uint32_t k = 0; k < sh->doc_count; k++)
        if (g->m->docs[sh->doc_first + k].form == AV_DOC_REGEX) return g->m->docs[sh->doc_first + k].pattern;
    return -1;
}

/* ------------------------------------------------------------------ strings (Private) */

/* The length bounds (code points) of shape si with its documented length rules, at `place`. */
static void string_bounds(const awsval_gen *g, int32_t si, uint8_t place, int64_t *lo, int64_t *hi)
{
    const awsval__shape *sh = &g->m->shapes[si];
    *lo = (sh->flags & AV_SF_MIN) && sh->min > 0 ? sh->min : 0;
    *hi = (sh->flags & AV_SF_MAX) ? sh->max : INT64_MAX;
    for (uint32_t k = 0; k < sh->doc_count; k++) {
        const awsval__doc_rule *d = &g->m->docs[sh->doc_first + k];
        if (d->form != AV_DOC_LENGTH) continue;
        if (d->min >= 0 && d->min > *lo) *lo = d->min;
        if (d->max >= 0 && d->max < *hi) *hi = d->max;
    }
    if (place != PL_BODY && place != PL_QUERY && *lo < 1) *lo = 1; /* labels, headers, keys, bodies */
}

/* Picks a length in [lo, hi] that the tree can make (all when L is NULL), on a bound when
 * `bound` (1 lower, 2 upper) can be met, else uniformly. INF32 when none. */
static uint32_t pick_length(awsval_gen *g, const lens *L, uint32_t lo, uint32_t hi, int bound)
{
    uint32_t root = L ? awsval__rx_node_index(L->t, awsval__rx_root(L->t)) : 0;
    if (!L) return bound == 1 ? lo : bound == 2 ? hi : lo + (uint32_t)below(g, (uint64_t)hi - lo + 1);
    /* on a bound: the nearest length to it that the tree can make */
    if (bound == 1)
        for (uint32_t x = lo; x <= hi && x != INF32; x++)
            if (can(L, root, x)) return x;
    if (bound == 2)
        for (uint32_t x = hi; x >= lo && x != INF32; x--) {
            if (can(L, root, x)) return x;
            if (x == 0) break;
        }
    uint32_t pick = INF32, seen = 0;
    for (uint32_t x = lo; x <= hi; x++) {
        if (!can(L, root, x)) continue;
        seen++;
        if (below(g, seen) == 0) pick = x;
        if (x == INF32 - 1) break;
    }
    return pick;
}

/* Draws a string of shape si at `place` of lo..hi code points whose check gives exactly
 * (kind, source) (kind 0: no violation), into g->text. `bias`: a length on a bound now and
 * then. false with g->cur_why when none was found. */
static bool draw_string(awsval_gen *g, int32_t si, uint8_t place, int64_t lo, int64_t hi, bool bias,
                        uint32_t kind, uint8_t source, uint32_t *off, uint32_t *len)
{
    restr r;
    restr_for(g, si, place, &r);
    int32_t pi = draw_pattern(g, si);
    const awsval__rx_tree *t = pi >= 0 ? pattern_tree(g, pi) : NULL;
    if (g->nomem) return false;
    uint64_t room = g->budget > g->used ? (g->budget - g->used) / 4 : 0;
    /* an upper bound to sit on: the shape's own, when it is not huge */
    bool upper = hi <= STRING_BOUND_CAP && (kind || hi <= VALID_BOUND_CAP);
    if (hi > STRING_BOUND_CAP) hi = STRING_BOUND_CAP;
    if ((uint64_t)hi > room) hi = (int64_t)room;
    if (lo > hi || lo < 0) {
        g->cur_why = lo > STRING_BOUND_CAP || (uint64_t)lo > room ? AWSVAL_GEN_WHY_SIZE : AWSVAL_GEN_WHY_LENGTH;
        return false;
    }
    uint32_t ulo = (uint32_t)lo, uhi = (uint32_t)hi;
    uint32_t soft = g->o.max_length > ulo ? g->o.max_length : ulo;
    lens L;
    uint32_t cap_done = INF32;
    bool any_length = false;
    for (int attempt = 0; attempt < TRIES; attempt++) {
        int bound = bias && pct(g, g->o.bound_pct) ? (pct(g, 50) || !upper ? 1 : 2) : 0;
        /* after half the draws failed, the shortest: parts such as `.*` around \b then stay
         * empty */
        if (attempt >= TRIES / 2 && attempt % 2) bound = 1;
        uint32_t top = bound == 2 ? uhi : (soft < uhi ? soft : uhi);
        if (attempt >= TRIES / 2 && top < uhi) top = uhi < 4 * top + 64 ? uhi : 4 * top + 64; /* wider */
        uint32_t want;
        if (t) {
            if (cap_done != top) {
                if (!lens_init(g, &L, t, &r, top)) return false;
                cap_done = top;
            }
            want = pick_length(g, &L, ulo, top, bound);
            if (want == INF32) continue;
            any_length = true;
            if (!draw_tree(g, &L, want)) continue;
        } else {
            want = pick_length(g, NULL, ulo, top, bound);
            any_length = true;
            if (!draw_ranges(g, ANY_RANGES, sizeof ANY_RANGES / sizeof *ANY_RANGES, &r, want)) continue;
        }
        verdict v;
        if (!check_string(g, si, g->str.data ? g->str.data : "", g->str.len, &v)) return false;
        if (!verdict_is(&v, kind, source)) continue;
        *off = keep(g, g->str.data ? g->str.data : "", g->str.len);
        *len = (uint32_t)g->str.len;
        g->used += g->str.len + 2;
        return *off != UINT32_MAX;
    }
    g->cur_why = any_length ? AWSVAL_GEN_WHY_PATTERN : AWSVAL_GEN_WHY_LENGTH;
    return false;
}

/* A valid enum value of string shape si at `place`, into g->text. */
static bool draw_enum(awsval_gen *g, int32_t si, uint8_t place, uint32_t *off, uint32_t *len)
{
    const awsval__shape *sh = &g->m->shapes[si];
    restr r;
    restr_for(g, si, place, &r);
    uint32_t n = sh->enum_count, start = (uint32_t)below(g, n);
    for (uint32_t k = 0; k < n; k++) {
        const awsval__enum *e = &g->m->enums[sh->enum_first + (start + k) % n];
        const char *s = AV_STR(g->m, e->str);
        if ((place != PL_BODY && place != PL_QUERY && e->len == 0) || !restr_text(g, &r, s, e->len)) continue;
        verdict v;
        if (!check_string(g, si, s, e->len, &v)) return false;
        if (v.total) continue;
        *off = keep(g, s, e->len);
        *len = e->len;
        g->used += e->len + 2;
        return *off != UINT32_MAX;
    }
    g->cur_why = AWSVAL_GEN_WHY_ENUM;
    return false;
}

/* ------------------------------------------------------------------- scalars (Private) */

static bool keep_text(awsval_gen *g, uint32_t id, const char *s, size_t n)
{
    uint32_t off = keep(g, s, n);
    if (off == UINT32_MAX) return false;
    g->nodes[id].text = off;
    g->nodes[id].text_len = (uint32_t)n;
    g->used += n + 1;
    return true;
}

static bool set_int(awsval_gen *g, uint32_t id, int64_t v)
{
    char b[32];
    int k = snprintf(b, sizeof b, "%lld", (long long)v);
    g->nodes[id].kind = GV_NUM;
    return keep_text(g, id, b, (size_t)k);
}

static bool set_double(awsval_gen *g, uint32_t id, double v, bool as_float)
{
    char b[64];
    awsval__out o = {b, sizeof b, 0, 0};
    awsval__out_java_double(&o, v, as_float);
    awsval__out_finish(&o, NULL);
    g->nodes[id].kind = GV_NUM;
    return keep_text(g, id, b, o.len);
}

/* The numeric range of an integral shape: its bounds within its type's. */
static void int_bounds(const awsval_gen *g, int32_t si, int64_t *lo, int64_t *hi)
{
    const awsval__shape *sh = &g->m->shapes[si];
    awsval__int_range(sh->type == AV_T_BIGINTEGER ? AV_T_LONG : sh->type, lo, hi);
    if ((sh->flags & AV_SF_MIN) && sh->min > *lo) *lo = sh->min;
    if ((sh->flags & AV_SF_MAX) && sh->max < *hi) *hi = sh->max;
}

static bool fill_int(awsval_gen *g, uint32_t id)
{
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    int64_t lo, hi;
    int_bounds(g, si, &lo, &hi);
    if (lo > hi) {
        g->cur_why = AWSVAL_GEN_WHY_RANGE;
        return false;
    }
    if (sh->enum_count && (sh->flags & AV_SF_INT_ENUM)) {
        uint32_t n = sh->enum_count, start = (uint32_t)below(g, n);
        for (uint32_t k = 0; k < n; k++) {
            int64_t v = g->m->enums[sh->enum_first + (start + k) % n].num;
            if (v >= lo && v <= hi) return set_int(g, id, v);
        }
        g->cur_why = AWSVAL_GEN_WHY_ENUM;
        return false;
    }
    int64_t v;
    if (pct(g, g->o.bound_pct) && (sh->flags & (AV_SF_MIN | AV_SF_MAX))) {
        bool low = (sh->flags & AV_SF_MIN) && (!(sh->flags & AV_SF_MAX) || pct(g, 50));
        v = low ? lo : hi;
    } else if (lo <= 1000 && hi >= 0 && pct(g, 70)) {
        v = between(g, lo > 0 ? lo : 0, hi < 1000 ? hi : 1000);
    } else {
        v = between(g, lo, hi);
    }
    return set_int(g, id, v);
}

static void float_bounds(const awsval_gen *g, int32_t si, double *lo, double *hi)
{
    const awsval__shape *sh = &g->m->shapes[si];
    bool fr = (sh->flags & AV_SF_FLOAT_RANGE) != 0;
    *lo = (sh->flags & AV_SF_MIN) ? (fr ? sh->fmin : (double)sh->min) : -1e9;
    *hi = (sh->flags & AV_SF_MAX) ? (fr ? sh->fmax : (double)sh->max) : 1e9;
    if (!(sh->flags & AV_SF_MIN) && *hi < *lo) *lo = *hi - 1e9;
    if (!(sh->flags & AV_SF_MAX) && *hi < *lo) *hi = *lo + 1e9;
}

static bool fill_float(awsval_gen *g, uint32_t id)
{
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    bool as_float = sh->type == AV_T_FLOAT;
    double lo, hi;
    float_bounds(g, si, &lo, &hi);
    if (!(lo <= hi)) {
        g->cur_why = AWSVAL_GEN_WHY_RANGE;
        return false;
    }
    for (int t = 0; t < 8; t++) {
        double v;
        if (pct(g, g->o.bound_pct) && (sh->flags & (AV_SF_MIN | AV_SF_MAX))) {
            bool low = (sh->flags & AV_SF_MIN) && (!(sh->flags & AV_SF_MAX) || pct(g, 50));
            v = low ? lo : hi;
        } else {
            double u = (double)(rnd(g) >> 11) * (1.0 / 9007199254740992.0);
            v = lo * (1 - u) + hi * u;
            if (pct(g, 30) && floor(v) >= lo && floor(v) <= hi) v = floor(v);
        }
        if (as_float) v = (double)(float)v;
        if (!isfinite(v)) continue;
        if (!set_double(g, id, v, as_float)) return false;
        verdict vd;
        if (!check_node(g, id, &vd)) return false;
        if (!vd.total) return true;
    }
    g->cur_why = AWSVAL_GEN_WHY_RANGE;
    return false;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n random bytes as base64 (padded) into g->str; raw: printable ASCII bytes themselves. */
static bool blob_text(awsval_gen *g, uint64_t n, bool raw)
{
    g->str.len = 0;
    if (raw) {
        for (uint64_t i = 0; i < n; i++)
            if (!putc_(g, &g->str, (char)(0x21 + below(g, 94)))) return false;
        return true;
    }
    for (uint64_t i = 0; i < n; i += 3) {
        uint32_t v = 0, k = n - i < 3 ? (uint32_t)(n - i) : 3;
        for (uint32_t j = 0; j < 3; j++) v = v << 8 | (j < k ? (uint32_t)below(g, 256) : 0);
        char q[4] = {B64[v >> 18], B64[(v >> 12) & 63], k > 1 ? B64[(v >> 6) & 63] : '=', k > 2 ? B64[v & 63] : '='};
        if (!put(g, &g->str, q, 4)) return false;
    }
    return true;
}

static bool fill_blob(awsval_gen *g, uint32_t id, int64_t want)
{
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    bool raw = g->nodes[id].place == PL_RAWBLOB;
    int64_t lo = (sh->flags & AV_SF_MIN) && sh->min > 0 ? sh->min : 0;
    int64_t hi = (sh->flags & AV_SF_MAX) ? sh->max : INT64_MAX;
    if (raw && lo < 1) lo = 1;
    uint64_t room = g->budget > g->used ? (g->budget - g->used) / 2 : 0;
    int64_t n = want;
    if (n < 0) {
        bool upper = hi <= VALID_BOUND_CAP;
        if (hi > STRING_BOUND_CAP) hi = STRING_BOUND_CAP;
        if ((uint64_t)hi > room) hi = (int64_t)room;
        if (lo > hi) {
            g->cur_why = lo > STRING_BOUND_CAP ? AWSVAL_GEN_WHY_SIZE : AWSVAL_GEN_WHY_LENGTH;
            return false;
        }
        int64_t soft = (int64_t)g->o.max_length > lo ? (int64_t)g->o.max_length : lo;
        if (pct(g, g->o.bound_pct)) n = pct(g, 50) || !upper ? lo : hi;
        else n = between(g, lo, soft < hi ? soft : hi);
    } else if ((uint64_t)n > room) {
        g->cur_why = AWSVAL_GEN_WHY_SIZE;
        return false;
    }
    if (!blob_text(g, (uint64_t)n, raw)) return false;
    g->nodes[id].kind = GV_STR;
    return keep_text(g, id, g->str.data ? g->str.data : "", g->str.len);
}

static bool fill_timestamp(awsval_gen *g, uint32_t id)
{
    int64_t secs = between(g, 0, 4102444799); /* 1970 .. 2099 */
    if (pct(g, 50)) return set_int(g, id, secs);
    int64_t days = secs / 86400, rem = secs % 86400;
    /* civil from days (Howard Hinnant's algorithm) */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9;
    y += mo <= 2;
    char b[40];
    int k = snprintf(b, sizeof b, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld%sZ", (long long)y, (long long)mo,
                     (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60),
                     pct(g, 30) ? ".123" : "");
    g->nodes[id].kind = GV_STR;
    return keep_text(g, id, b, (size_t)k);
}

/* A valid string value for node id (its shape and place). */
static bool fill_string(awsval_gen *g, uint32_t id)
{
    gv *n = &g->nodes[id];
    int32_t si = n->shape;
    uint8_t place = n->place;
    const awsval__shape *sh = &g->m->shapes[si];
    uint32_t off, len;
    bool ok;
    if (sh->enum_count && !(sh->flags & AV_SF_INT_ENUM)) {
        ok = draw_enum(g, si, place, &off, &len);
    } else {
        int64_t lo, hi;
        string_bounds(g, si, place, &lo, &hi);
        ok = draw_string(g, si, place, lo, hi, true, 0, 0, &off, &len);
    }
    if (!ok) return false;
    n = &g->nodes[id];
    n->kind = GV_STR;
    n->text = off;
    n->text_len = len;
    return true;
}

/* ------------------------------------------------------------- the value tree (Private) */

static bool fill(awsval_gen *g, uint32_t id);

/* Header names that the request itself uses: a member bound to one is written specially. */
static bool reserved_header(const char *name)
{
    static const char *const names[] = {"content-length", "host", "transfer-encoding", "x-amz-target",
                                        "connection", "expect"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(name) == strlen(names[i])) {
            bool eq = true;
            for (size_t k = 0; names[i][k] && eq; k++) {
                char ch = name[k];
                if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
                eq = ch == names[i][k];
            }
            if (eq) return true;
        }
    return false;
}

/* Whether a header name is an RFC 9110 token without '_' (which nginx drops, and `awsval http`
 * refuses). */
static bool header_name_ok(const char *name)
{
    for (const char *p = name; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  (ch && strchr("!#$%&'*+-.^`|~", ch));
        if (!ok) return false;
    }
    return true;
}

static bool ieq_cstr(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y) return false;
    }
    return *a == *b;
}

static const char *loc_name(const awsval_model *m, const awsval__member *mb)
{
    return AV_STR(m, mb->location_name ? mb->location_name : mb->name);
}

/* Whether a label of the operation's URI template is greedy ({name+}). */
static bool label_greedy(const awsval_gen *g, const char *name)
{
    const char *uri = AV_STR(g->m, g->m->ops[g->op].uri);
    size_t n = strlen(name);
    for (const char *p = uri; (p = strchr(p, '{')) != NULL; p++)
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '+') return true;
    return false;
}

/* The place of a member of the input structure, when writing HTTP. */
static uint8_t member_place(const awsval_gen *g, const awsval__member *mb)
{
    if (!g->http) return PL_BODY;
    const awsval__shape *ms = &g->m->shapes[mb->shape];
    switch (mb->location) {
    case AV_LOC_URI: return label_greedy(g, loc_name(g->m, mb)) ? PL_GREEDY : PL_LABEL;
    case AV_LOC_QUERY: return PL_QUERY;
    case AV_LOC_HEADER: return ms->type == AV_T_LIST ? PL_HEADER : PL_HEADER;
    case AV_LOC_HEADERS: return PL_HEADER;
    case AV_LOC_PAYLOAD:
        return ms->type == AV_T_STRING ? PL_RAWSTR : ms->type == AV_T_BLOB ? PL_RAWBLOB : PL_BODY;
    default: return PL_BODY;
    }
}

/* Adds a kid to a structure or map node, with its key; returns its id (0: out of memory). */
static uint32_t add_kid(awsval_gen *g, uint32_t parent, int32_t shape, uint8_t place, const char *key, size_t klen)
{
    uint32_t k = node_new(g, parent, shape, place);
    if (!k) return 0;
    uint32_t off = keep(g, key, klen);
    if (off == UINT32_MAX) return 0;
    g->nodes[k].key = off;
    g->nodes[k].key_len = (uint32_t)klen;
    link_kid(g, parent, k);
    set_pp(g, k, key, klen);
    g->used += klen + 4;
    return k;
}

static uint32_t add_item(awsval_gen *g, uint32_t parent, int32_t shape, uint8_t place)
{
    uint32_t k = node_new(g, parent, shape, place);
    if (!k) return 0;
    link_kid(g, parent, k);
    char num[16];
    int nl = snprintf(num, sizeof num, "%u", g->nodes[parent].nkids - 1);
    set_pp(g, k, num, (size_t)nl);
    g->used += 2;
    return k;
}

/* Whether member mi of a structure lies on the way to opts.path. */
static bool on_path(awsval_gen *g, uint32_t id, const awsval__member *mb)
{
    size_t n;
    const char *seg = next_seg(g, id, &n);
    return seg && !(n == 1 && seg[0] == '*') && n == mb->name_len && memcmp(seg, AV_STR(g->m, mb->name), n) == 0;
}

/* The value of a member bound to Content-Type (written as the request's own). */
static bool fill_content_type(awsval_gen *g, uint32_t id)
{
    const char *ct = g->m->native.protocol == AV_PROTO_JSON
                         ? (strcmp(AV_STR(g->m, g->m->json_version), "1.1") == 0 ? "application/x-amz-json-1.1"
                                                                                   : "application/x-amz-json-1.0")
                         : "application/json";
    int32_t si = g->nodes[id].shape;
    if (g->m->shapes[si].type != AV_T_STRING) return false;
    verdict v;
    if (!check_string(g, si, ct, strlen(ct), &v)) return false;
    if (v.total) return false;
    g->nodes[id].kind = GV_STR;
    g->nodes[id].flags |= GVF_FIXED;
    return keep_text(g, id, ct, strlen(ct));
}

static bool fill_struct(awsval_gen *g, uint32_t id)
{
    const awsval_model *m = g->m;
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &m->shapes[si];
    bool top = id == 1;
    uint16_t depth = g->nodes[id].depth;
    g->nodes[id].kind = GV_OBJ;
    if (sh->flags & AV_SF_UNION) {
        if (!sh->member_count) return true; /* an empty union: nothing can be set */
        uint32_t n = sh->member_count, start = (uint32_t)below(g, n);
        /* the member on the path first */
        for (uint32_t k = 0; k < n; k++)
            if (on_path(g, id, &m->members[sh->member_first + k])) start = k;
        for (uint32_t k = 0; k < n; k++) {
            int32_t mi = (int32_t)(sh->member_first + (start + k) % n);
            const awsval__member *mb = &m->members[mi];
            uint32_t kid = add_kid(g, id, mb->shape, top ? member_place(g, mb) : g->nodes[id].place,
                                   AV_STR(m, mb->name), mb->name_len);
            if (!kid) return false;
            g->nodes[kid].member = mi;
            if (fill(g, kid)) return true;
            if (g->nomem) return false;
            unlink_kid(g, kid);
        }
        failed_at(g, id, g->cur_why, false);
        return false;
    }
    for (uint32_t k = 0; k < sh->member_count; k++) {
        int32_t mi = (int32_t)(sh->member_first + k);
        const awsval__member *mb = &m->members[mi];
        uint8_t place = top ? member_place(g, mb) : g->nodes[id].place;
        bool required = mb->required || on_path(g, id, mb) || (top && (place == PL_LABEL || place == PL_GREEDY));
        bool special = false;
        if (top && g->http && (mb->location == AV_LOC_HEADER || mb->location == AV_LOC_HEADERS)) {
            const char *hn = loc_name(m, mb);
            if (reserved_header(hn) || (mb->location == AV_LOC_HEADERS && !*hn) || !header_name_ok(hn)) {
                if (required) {
                    failed_at(g, id, AWSVAL_GEN_WHY_HTTP, false);
                    g->cur_why = AWSVAL_GEN_WHY_HTTP;
                    return false;
                }
                continue;
            }
            special = mb->location == AV_LOC_HEADER && ieq_cstr(hn, "content-type");
        }
        if (!required && (depth > g->o.max_depth || !pct(g, g->o.optional_pct))) continue;
        uint32_t kid = add_kid(g, id, mb->shape, place, AV_STR(m, mb->name), mb->name_len);
        if (!kid) return false;
        g->nodes[kid].member = mi;
        /* an optional member's failures are its skip, not the input's failure */
        char saved[sizeof g->fail_where];
        uint32_t saved_why = g->fail_why;
        memcpy(saved, g->fail_where, sizeof saved);
        g->fail_where[0] = '\0';
        bool ok = special ? fill_content_type(g, kid) : fill(g, kid);
        if (g->nomem) return false;
        if (ok) {
            if (!g->fail_where[0]) memcpy(g->fail_where, saved, sizeof saved);
            continue;
        }
        if (special) g->cur_why = AWSVAL_GEN_WHY_HTTP;
        if (required) {
            if (!g->fail_where[0]) memcpy(g->fail_where, saved, sizeof saved);
            failed_at(g, kid, g->cur_why, false);
            unlink_kid(g, kid);
            return false;
        }
        g->skipped++;
        g->skip_why |= g->cur_why;
        if (!g->skip_where[0]) {
            if (g->fail_where[0]) memcpy(g->skip_where, g->fail_where, sizeof g->skip_where);
            else pointer_fixed(g, kid, g->skip_where, sizeof g->skip_where);
        }
        memcpy(g->fail_where, saved, sizeof saved);
        g->fail_why = saved_why;
        unlink_kid(g, kid);
    }
    return true;
}

/* An entry count in [lo, hi] drawn as the options say. */
static int64_t pick_count(awsval_gen *g, int64_t lo, int64_t hi)
{
    if (pct(g, g->o.bound_pct)) {
        if (pct(g, 50) && hi <= LIST_BOUND_CAP && hi >= lo) return hi;
        return lo;
    }
    int64_t a = (int64_t)g->o.list_min > lo ? (int64_t)g->o.list_min : lo;
    int64_t b = (int64_t)g->o.list_max > a ? (int64_t)g->o.list_max : a;
    if (b > hi) b = hi;
    if (a > b) a = b;
    return between(g, a, b);
}

/* Whether the values of two nodes are written alike. */
static bool same_value(awsval_gen *g, uint32_t a, uint32_t b)
{
    g->tmp.len = 0;
    if (!write_value(g, a, &g->tmp)) return false;
    size_t la = g->tmp.len;
    if (!write_value(g, b, &g->tmp)) return false;
    return g->tmp.len - la == la && memcmp(g->tmp.data, g->tmp.data + la, la) == 0;
}

/* The least number of entries of a list or map node (its shape, its place). */
static int64_t count_min(const awsval_gen *g, uint32_t id)
{
    const gv *n = &g->nodes[id];
    const awsval__shape *sh = &g->m->shapes[n->shape];
    int64_t lo = (sh->flags & AV_SF_MIN) && sh->min > 0 ? sh->min : 0;
    /* an empty list or map in the query string (or a header) is not sent: it would be absent */
    bool bound = n->parent == 1 && (n->place == PL_QUERY || n->place == PL_HEADER);
    if (n->parent == 1 && n->member >= 0 && g->m->members[n->member].location == AV_LOC_QUERY) bound = true;
    if (bound && lo < 1) lo = 1;
    return lo;
}

static bool fill_list(awsval_gen *g, uint32_t id)
{
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    g->nodes[id].kind = GV_ARR;
    int64_t lo = count_min(g, id);
    int64_t hi = (sh->flags & AV_SF_MAX) ? sh->max : INT64_MAX;
    size_t sn = 0;
    const char *seg = next_seg(g, id, &sn);
    if (at_path_end(g, id) && lo < 1) lo = 1;
    if (seg && !(sn == 1 && seg[0] == '*')) {
        int64_t want = 0;
        for (size_t i = 0; i < sn && want < 1000000; i++)
            want = seg[i] >= '0' && seg[i] <= '9' ? want * 10 + (seg[i] - '0') : 1000000;
        if (want + 1 > lo && want < 1000000) lo = want + 1;
    } else if (seg && lo < 1) {
        lo = 1;
    }
    if (lo > hi) {
        g->cur_why = AWSVAL_GEN_WHY_LENGTH;
        return false;
    }
    uint8_t place = g->nodes[id].place;
    uint8_t ip = place == PL_HEADER ? PL_HITEM : place;
    if (g->nodes[id].depth > g->o.max_depth + 1 && lo == 0) return true;
    int64_t n = pick_count(g, lo, hi);
    bool unique = (sh->flags & AV_SF_UNIQUE) != 0;
    for (int64_t i = 0; i < n; i++) {
        bool done = false;
        for (int t = 0; t < (unique ? 6 : 2) && !done; t++) {
            uint32_t kid = add_item(g, id, sh->target, ip);
            if (!kid) return false;
            if (unique) g->nodes[kid].flags |= GVF_UITEM;
            bool ok = fill(g, kid);
            if (g->nomem) return false;
            for (uint32_t x = g->nodes[id].first; ok && unique && x != kid; x = g->nodes[x].next)
                if (same_value(g, x, kid)) ok = false;
            if (g->nomem) return false;
            if (ok) done = true;
            else unlink_kid(g, kid);
        }
        if (done) continue;
        if (i >= lo) break;
        failed_at(g, id, g->cur_why ? g->cur_why : AWSVAL_GEN_WHY_LENGTH, false);
        return false;
    }
    return true;
}

/* Is k the name of a query parameter that a member of the input binds (not a query map)? */
static bool named_query(const awsval_gen *g, const char *k, size_t kn)
{
    const awsval__shape *in = &g->m->shapes[g->in];
    for (uint32_t i = 0; i < in->member_count; i++) {
        const awsval__member *mb = &g->m->members[in->member_first + i];
        if (mb->location != AV_LOC_QUERY || g->m->shapes[mb->shape].type == AV_T_MAP) continue;
        const char *name = loc_name(g->m, mb);
        if (strlen(name) == kn && memcmp(name, k, kn) == 0) return true;
    }
    return false;
}

/* Whether map node id already has a kid with key k (case-insensitively for header names). */
static bool has_key(const awsval_gen *g, uint32_t id, const char *k, size_t kn, bool fold)
{
    for (uint32_t x = g->nodes[id].first; x; x = g->nodes[x].next) {
        const gv *e = &g->nodes[x];
        if (e->key_len != kn) continue;
        const char *t = T(g, e->key);
        bool eq = true;
        for (size_t i = 0; i < kn && eq; i++) {
            char a = t[i], b = k[i];
            if (fold && a >= 'A' && a <= 'Z') a = (char)(a + 32);
            if (fold && b >= 'A' && b <= 'Z') b = (char)(b + 32);
            eq = a == b;
        }
        if (eq) return true;
    }
    return false;
}

/* A new key for map node id (distinct from its others), into g->str. */
static bool draw_key(awsval_gen *g, uint32_t id, uint8_t kplace)
{
    const awsval__shape *sh = &g->m->shapes[g->nodes[id].shape];
    int32_t ks = sh->target;
    const awsval__shape *kshape = &g->m->shapes[ks];
    bool fold = kplace == PL_HKEY;
    for (int t = 0; t < 8; t++) {
        uint32_t off, len;
        bool ok;
        if (kshape->type != AV_T_STRING) {
            ok = false;
        } else if (kshape->enum_count) {
            ok = draw_enum(g, ks, kplace, &off, &len);
        } else {
            int64_t lo, hi;
            string_bounds(g, ks, kplace, &lo, &hi);
            ok = draw_string(g, ks, kplace, lo, hi, true, 0, 0, &off, &len);
        }
        if (!ok) return false;
        const char *k = T(g, off);
        if (has_key(g, id, k, len, fold)) continue;
        if (kplace == PL_QKEY && named_query(g, k, len)) continue;
        g->str.len = 0;
        return put(g, &g->str, T(g, off), len);
    }
    g->cur_why = AWSVAL_GEN_WHY_LENGTH;
    return false;
}

static bool fill_map(awsval_gen *g, uint32_t id)
{
    int32_t si = g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    gv *n = &g->nodes[id];
    n->kind = GV_OBJ;
    n->flags |= GVF_MAP;
    uint8_t place = n->place;
    bool headers = n->parent == 1 && n->member >= 0 && g->m->members[n->member].location == AV_LOC_HEADERS && g->http;
    uint8_t kplace = headers ? PL_HKEY : place == PL_QUERY ? PL_QKEY : PL_BODY;
    uint8_t vplace = headers ? PL_HEADER : place;
    int64_t lo = count_min(g, id);
    int64_t hi = (sh->flags & AV_SF_MAX) ? sh->max : INT64_MAX;
    size_t sn = 0;
    const char *seg = next_seg(g, id, &sn);
    if ((seg || at_path_end(g, id)) && lo < 1) lo = 1;
    if (lo > hi) {
        g->cur_why = AWSVAL_GEN_WHY_LENGTH;
        return false;
    }
    if (g->nodes[id].depth > g->o.max_depth + 1 && lo == 0) return true;
    int64_t count = pick_count(g, lo, hi);
    for (int64_t i = 0; i < count; i++) {
        bool done = false;
        for (int t = 0; t < 2 && !done; t++) {
            /* the path's own key first, when it makes a valid key */
            bool from_path = false;
            if (seg && !(sn == 1 && seg[0] == '*') && i == 0 && t == 0) {
                verdict v;
                if (g->m->shapes[sh->target].type == AV_T_STRING &&
                    !check_string(g, sh->target, seg, sn, &v))
                    return false;
                if (g->m->shapes[sh->target].type == AV_T_STRING && !v.total) {
                    g->str.len = 0;
                    if (!put(g, &g->str, seg, sn)) return false;
                    from_path = true;
                }
            }
            if (!from_path && !draw_key(g, id, kplace)) {
                if (g->nomem) return false;
                break;
            }
            size_t kl = g->str.len;
            char *kcopy = awsval__malloc(&g->alc, kl + 1);
            if (!kcopy) return oom(g);
            memcpy(kcopy, g->str.data ? g->str.data : "", kl);
            int32_t vs = sh->value;
            uint32_t kid = add_kid(g, id, vs, vplace, kcopy, kl);
            awsval__free(&g->alc, kcopy);
            if (!kid) return false;
            g->values++;
            bool ok = fill(g, kid);
            if (g->nomem) return false;
            if (ok) done = true;
            else unlink_kid(g, kid);
        }
        if (done) continue;
        if (i >= lo) break;
        failed_at(g, id, g->cur_why ? g->cur_why : AWSVAL_GEN_WHY_LENGTH, false);
        return false;
    }
    return true;
}

/* Fills node id (shape, place, parent and key set) with a valid value. */
static bool fill(awsval_gen *g, uint32_t id)
{
    gv *n = &g->nodes[id];
    int32_t si = n->shape;
    const awsval__shape *sh = &g->m->shapes[si];
    g->cur_why = 0;
    bool container = sh->type == AV_T_STRUCTURE || sh->type == AV_T_LIST || sh->type == AV_T_MAP;
    if (container && n->depth > g->c->opts.max_depth) { /* the checker's nesting limit */
        g->cur_why = AWSVAL_GEN_WHY_DEPTH;
        return false;
    }
    if (g->used > g->budget) {
        g->cur_why = AWSVAL_GEN_WHY_SIZE;
        return false;
    }
    g->values++;
    /* a query map whose values are lists: one value per key (each key=value pair is an entry) */
    bool qlist = n->place == PL_QUERY && n->parent > 1 && (g->nodes[n->parent].flags & GVF_MAP) && sh->type == AV_T_LIST;
    switch (sh->type) {
    case AV_T_STRUCTURE: return fill_struct(g, id);
    case AV_T_LIST:
        if (qlist) {
            n->kind = GV_ARR;
            uint32_t kid = add_item(g, id, sh->target, PL_QUERY);
            return kid && fill(g, kid);
        }
        return fill_list(g, id);
    case AV_T_MAP: return fill_map(g, id);
    case AV_T_STRING: return fill_string(g, id);
    case AV_T_BOOLEAN:
        n->kind = pct(g, 50) ? GV_TRUE : GV_FALSE;
        return keep_text(g, id, n->kind == GV_TRUE ? "true" : "false", n->kind == GV_TRUE ? 4 : 5);
    case AV_T_BYTE:
    case AV_T_SHORT:
    case AV_T_INTEGER:
    case AV_T_LONG:
    case AV_T_BIGINTEGER: return fill_int(g, id);
    case AV_T_FLOAT:
    case AV_T_DOUBLE:
    case AV_T_BIGDECIMAL: return fill_float(g, id);
    case AV_T_TIMESTAMP: return fill_timestamp(g, id);
    case AV_T_BLOB: return fill_blob(g, id, -1);
    default: n->kind = GV_NULL; return true;
    }
}

/* ---------------------------------------------------------------- faults (Private) */

static bool alive(const awsval_gen *g, uint32_t id)
{
    for (; id; id = g->nodes[id].parent)
        if (g->nodes[id].flags & GVF_DEAD) return false;
    return true;
}

static bool under_path(const awsval_gen *g, uint32_t id)
{
    return g->nodes[id].pp >= 0 && (uint32_t)g->nodes[id].pp >= g->npath;
}

static bool is_map(const awsval_gen *g, uint32_t id) { return id && (g->nodes[id].flags & GVF_MAP); }

static bool add_site(awsval_gen *g, uint32_t node, uint8_t kind, uint8_t key)
{
    if (!awsval__grow(&g->alc, (void **)&g->sites, &g->sites_cap, g->nsites + 1, sizeof *g->sites)) return oom(g);
    g->sites[g->nsites++] = (site){node, kind, key};
    return true;
}

/* The shape of the key of map entry id. */
static int32_t key_shape(const awsval_gen *g, uint32_t id)
{
    return g->m->shapes[g->nodes[g->nodes[id].parent].shape].target;
}

/* Whether a string shape has a length a fault can step out of. */
static bool has_length(const awsval__shape *sh)
{
    return ((sh->flags & AV_SF_MIN) && sh->min > 0) || (sh->flags & AV_SF_MAX);
}

static bool has_docs(const awsval_gen *g, int32_t si)
{
    const awsval__shape *sh = &g->m->shapes[si];
    for (uint32_t k = 0; k < sh->doc_count; k++)
        if (g->m->docs[sh->doc_first + k].form != 0) return true;
    return false;
}

/* Whether the root's JSON body (HTTP) holds node id's value. */
static bool in_body(const awsval_gen *g, uint32_t id)
{
    if (!g->http) return true;
    for (; id > 1; id = g->nodes[id].parent)
        if (g->nodes[id].place != PL_BODY) return false;
    return true;
}

static bool root_has_body_kid(const awsval_gen *g)
{
    if (g->http && g->m->native.protocol != AV_PROTO_JSON && g->m->ops[g->op].payload >= 0) return false;
    for (uint32_t k = g->nodes[1].first; k; k = g->nodes[k].next)
        if (g->nodes[k].place == PL_BODY && (g->m->native.protocol == AV_PROTO_JSON || g->nodes[k].member < 0 ||
                                             g->m->members[g->nodes[k].member].location == AV_LOC_BODY))
            return true;
    return !g->http;
}

/* Collects the sites of fault kind `kind` (only under the path). */
static bool collect(awsval_gen *g, uint32_t kind)
{
    const awsval_model *m = g->m;
    g->nsites = 0;
    for (uint32_t id = 1; id < g->nn; id++) {
        const gv *n = &g->nodes[id];
        if (!alive(g, id) || !under_path(g, id) || (n->flags & GVF_FIXED)) continue;
        const awsval__shape *sh = n->shape >= 0 ? &m->shapes[n->shape] : NULL;
        bool text = n->place != PL_BODY;
        bool entry = is_map(g, n->parent);
        const awsval__shape *ks = entry ? &m->shapes[key_shape(g, id)] : NULL;
        bool kstr = ks && ks->type == AV_T_STRING;
        bool str = sh && sh->type == AV_T_STRING && n->kind == GV_STR;
        bool ok = true;
        switch (kind) {
        case AWSVAL_FAULT_REQUIRED:
            if (n->member >= 0 && m->members[n->member].required && !(m->shapes[g->nodes[n->parent].shape].flags & AV_SF_UNION) &&
                n->place != PL_LABEL && n->place != PL_GREEDY)
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_TYPE:
            if (sh && (!text || ((sh->flags & AV_SF_SCALAR) && sh->type != AV_T_STRING && n->place != PL_RAWBLOB &&
                                 n->place != PL_RAWSTR)))
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_LENGTH:
            if (sh && (sh->type == AV_T_STRING || sh->type == AV_T_BLOB || sh->type == AV_T_LIST || sh->type == AV_T_MAP) &&
                has_length(sh) && !(sh->type == AV_T_LIST && n->kind == GV_ARR && g->nodes[n->parent].kind == GV_OBJ &&
                                    n->place == PL_QUERY && is_map(g, n->parent)))
                ok = add_site(g, id, kind, 0);
            if (ok && kstr && has_length(ks)) ok = add_site(g, id, kind, 1);
            break;
        case AWSVAL_FAULT_PATTERN:
            if (str && sh->pattern >= 0) ok = add_site(g, id, kind, 0);
            if (ok && kstr && ks->pattern >= 0) ok = add_site(g, id, kind, 1);
            break;
        case AWSVAL_FAULT_ENUM:
            if (sh && sh->enum_count && (str || (n->kind == GV_NUM && (sh->flags & AV_SF_INT_ENUM))))
                ok = add_site(g, id, kind, 0);
            if (ok && kstr && ks->enum_count) ok = add_site(g, id, kind, 1);
            break;
        case AWSVAL_FAULT_RANGE:
            if (sh && n->kind == GV_NUM && (sh->flags & (AV_SF_MIN | AV_SF_MAX)) &&
                (awsval__is_int_type(sh->type) || sh->type == AV_T_BIGINTEGER || awsval__is_float_type(sh->type) ||
                 sh->type == AV_T_BIGDECIMAL))
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_UNION:
            if (sh && n->kind == GV_OBJ && !entry && !is_map(g, id) && (sh->flags & AV_SF_UNION) && sh->member_count >= 2 &&
                in_body(g, id))
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_UNKNOWN:
            if (sh && n->kind == GV_OBJ && !is_map(g, id) && !g->http && !(g->flags & AWSVAL_CHECK_IGNORE_UNKNOWN))
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_UNIQUE:
            if (sh && n->kind == GV_ARR && (sh->flags & AV_SF_UNIQUE) && n->nkids >= 1 && !text) ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_DOCUMENTED:
            if (str && has_docs(g, n->shape)) ok = add_site(g, id, kind, 0);
            if (ok && kstr && has_docs(g, key_shape(g, id))) ok = add_site(g, id, kind, 1);
            break;
        case AWSVAL_FAULT_DUPLICATE_KEY:
        case AWSVAL_FAULT_DEPTH:
            if (n->kind == GV_OBJ && in_body(g, id) && (id != 1 || root_has_body_kid(g)) &&
                (kind == AWSVAL_FAULT_DEPTH || n->nkids >= 1) && !(g->http && id != 1 && n->place != PL_BODY))
                ok = add_site(g, id, kind, 0);
            break;
        case AWSVAL_FAULT_UTF8:
            if (n->kind == GV_STR && in_body(g, id) && !text) ok = add_site(g, id, kind, 0);
            break;
        default: break;
        }
        if (!ok) return false;
    }
    return true;
}

/* Snapshot of the tree, to undo a fault that did not take. */
static bool snapshot(awsval_gen *g)
{
    if (!awsval__grow(&g->alc, (void **)&g->backup, &g->backup_cap, g->nn, sizeof *g->backup)) return oom(g);
    memcpy(g->backup, g->nodes, g->nn * sizeof *g->nodes);
    return true;
}

static void restore(awsval_gen *g, size_t nn, size_t text_len, size_t used)
{
    memcpy(g->nodes, g->backup, nn * sizeof *g->nodes);
    g->nn = nn;
    g->text.len = text_len;
    g->used = used;
}

/* Checks node id and tells whether it has exactly the violation (kind, source). */
static int expect(awsval_gen *g, uint32_t id, uint32_t kind, uint8_t source)
{
    verdict v;
    if (!check_node(g, id, &v)) return -1;
    if (!verdict_is(&v, kind, source)) return 0;
    g->fkind = kind;
    g->fsource = source;
    return 1;
}

static void set_text_node(awsval_gen *g, uint32_t id, uint8_t kind, uint32_t off, uint32_t len)
{
    gv *n = &g->nodes[id];
    n->kind = kind;
    n->text = off;
    n->text_len = len;
    n->first = n->last = 0;
    n->nkids = 0;
    n->flags &= (uint16_t)~GVF_MAP;
}

/* A wrong-typed value for node id. */
static int fault_type(awsval_gen *g, uint32_t id)
{
    const gv *n = &g->nodes[id];
    const awsval__shape *sh = &g->m->shapes[n->shape];
    const char *alts[3];
    uint8_t kinds[3];
    int na = 0;
    if (n->place != PL_BODY) { /* text that does not read as the type */
        alts[na] = sh->type == AV_T_BOOLEAN ? "yes" : sh->type == AV_T_TIMESTAMP ? "yesterday"
                   : sh->type == AV_T_BLOB  ? "!!"
                                            : "abc";
        kinds[na++] = GV_STR;
    } else {
        switch (sh->type) {
        case AV_T_STRING: alts[na] = "42"; kinds[na++] = GV_RAW; alts[na] = "true"; kinds[na++] = GV_RAW;
            alts[na] = "{}"; kinds[na++] = GV_RAW; break;
        case AV_T_BOOLEAN: alts[na] = "true"; kinds[na++] = GV_STR; alts[na] = "1"; kinds[na++] = GV_RAW; break;
        case AV_T_STRUCTURE: alts[na] = "[]"; kinds[na++] = GV_RAW; alts[na] = "x"; kinds[na++] = GV_STR; break;
        case AV_T_LIST: alts[na] = "{}"; kinds[na++] = GV_RAW; alts[na] = "7"; kinds[na++] = GV_RAW; break;
        case AV_T_MAP: alts[na] = "[]"; kinds[na++] = GV_RAW; alts[na] = "false"; kinds[na++] = GV_RAW; break;
        case AV_T_TIMESTAMP: alts[na] = "true"; kinds[na++] = GV_RAW; alts[na] = "yesterday"; kinds[na++] = GV_STR; break;
        case AV_T_BLOB: alts[na] = "7"; kinds[na++] = GV_RAW; alts[na] = "!!"; kinds[na++] = GV_STR; break;
        case AV_T_BYTE: alts[na] = "300"; kinds[na++] = GV_RAW; /* fallthrough */
        default: alts[na] = "abc"; kinds[na++] = GV_STR; alts[na] = "true"; kinds[na++] = GV_RAW; break;
        }
    }
    /* an empty list or object for a member bound to the query string reads as no value */
    bool query = n->parent == 1 && n->member >= 0 && g->m->members[n->member].location == AV_LOC_QUERY;
    /* a container below the context's max_depth is answered "too deep", not a type fault */
    bool at_limit = n->depth > g->c->opts.max_depth;
    int first = (int)below(g, (uint64_t)na);
    for (int k = 0; k < na; k++) {
        int a = (first + k) % na;
        if ((query || at_limit) && (alts[a][0] == '{' || alts[a][0] == '[')) continue;
        uint32_t off = keep(g, alts[a], strlen(alts[a]));
        if (off == UINT32_MAX) return -1;
        set_text_node(g, id, kinds[a], off, (uint32_t)strlen(alts[a]));
        int r = expect(g, id, AWSVAL_KIND_TYPE, AWSVAL_SOURCE_MODEL);
        if (r) return r;
    }
    return 0;
}

/* Sets the key of map entry id, if no other entry has it. */
static bool set_key(awsval_gen *g, uint32_t id, uint32_t off, uint32_t len)
{
    if (has_key(g, g->nodes[id].parent, T(g, off), len, g->nodes[id].place == PL_HEADER)) return false;
    g->nodes[id].key = off;
    g->nodes[id].key_len = len;
    return true;
}

/* Replaces a string (a value, or the key of entry id) with one of exactly length `len` whose
 * own check gives (kind, source); then the node (or its map) must give it. */
static int string_at_length(awsval_gen *g, uint32_t id, bool key, int64_t len, uint32_t kind, uint8_t source)
{
    int32_t si = key ? key_shape(g, id) : g->nodes[id].shape;
    uint8_t place = key ? (g->nodes[id].place == PL_HEADER && g->http ? PL_HKEY : g->nodes[id].place == PL_QUERY ? PL_QKEY : PL_BODY)
                        : g->nodes[id].place;
    uint32_t off, l;
    /* labels, header values, keys of query maps and prefix headers, raw bodies: never empty */
    if (len < (place == PL_BODY || place == PL_QUERY ? 0 : 1)) return 0;
    if (!draw_string(g, si, place, len, len, false, kind, source, &off, &l)) return g->nomem ? -1 : 0;
    if (key) {
        if (!set_key(g, id, off, l)) return 0;
        return expect(g, g->nodes[id].parent, kind, source);
    }
    set_text_node(g, id, GV_STR, off, l);
    return expect(g, id, kind, source);
}

/* One past a bound of a string, blob, list or map. */
static int fault_length(awsval_gen *g, uint32_t id, bool key)
{
    int32_t si = key ? key_shape(g, id) : g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    bool low_ok = (sh->flags & AV_SF_MIN) && sh->min > 0, high_ok = (sh->flags & AV_SF_MAX) != 0;
    bool low_first = pct(g, 50);
    for (int side = 0; side < 2; side++) {
        bool low = (side == 0) == low_first;
        if (low ? !low_ok : !high_ok) continue;
        int64_t target = low ? sh->min - 1 : sh->max + 1;
        if (!low && sh->max == INT64_MAX) continue;
        int r = 0;
        if (key || sh->type == AV_T_STRING) {
            r = string_at_length(g, id, key, target, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_MODEL);
        } else if (sh->type == AV_T_BLOB) {
            if (!fill_blob(g, id, target)) {
                if (g->nomem) return -1;
                continue;
            }
            r = expect(g, id, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_MODEL);
        } else { /* list or map: drop entries, or add some */
            /* (no pointer into the nodes is kept: adding nodes may move them) */
            uint32_t parent = g->nodes[id].parent;
            int32_t member = g->nodes[id].member;
            int64_t least = count_min(g, id) > 0 ? 1 : 0; /* a bound list or map must not vanish */
            if (target < least || target > FAULT_ITEMS_CAP) continue;
            while ((int64_t)g->nodes[id].nkids > target) unlink_kid(g, g->nodes[id].last);
            bool map = is_map(g, id);
            uint8_t place = g->nodes[id].place;
            int stall = 0;
            while ((int64_t)g->nodes[id].nkids < target && stall < 8) {
                uint32_t before = g->nodes[id].nkids;
                bool okk;
                if (map) {
                    bool headers = g->http && parent == 1 && member >= 0 &&
                                   g->m->members[member].location == AV_LOC_HEADERS;
                    okk = draw_key(g, id, headers ? PL_HKEY : place == PL_QUERY ? PL_QKEY : PL_BODY);
                    if (okk) {
                        char *kc = awsval__malloc(&g->alc, g->str.len + 1);
                        if (!kc) return -1;
                        memcpy(kc, g->str.data ? g->str.data : "", g->str.len);
                        uint32_t kid = add_kid(g, id, sh->value, headers ? PL_HEADER : place, kc, g->str.len);
                        awsval__free(&g->alc, kc);
                        if (!kid) return -1;
                        if (!fill(g, kid)) unlink_kid(g, kid);
                    }
                } else {
                    uint32_t kid = add_item(g, id, sh->target, place == PL_HEADER ? PL_HITEM : place);
                    if (!kid) return -1;
                    bool fine = fill(g, kid);
                    for (uint32_t x = g->nodes[id].first; fine && (sh->flags & AV_SF_UNIQUE) && x != kid; x = g->nodes[x].next)
                        if (same_value(g, x, kid)) fine = false;
                    if (!fine) unlink_kid(g, kid);
                }
                if (g->nomem) return -1;
                stall = g->nodes[id].nkids == before ? stall + 1 : 0;
                if (g->used > g->budget) break;
            }
            if ((int64_t)g->nodes[id].nkids != target) continue;
            r = expect(g, id, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_MODEL);
        }
        if (r) return r;
    }
    return 0;
}

/* Characters to break patterns and character sets with. */
static const uint32_t BREAKERS[] = {'!', '#', '$', '%', '&', '*', '+', ',', '/', ':', ';', '<', '=', '>', '?', '@',
                                    '[', ']', '^', '`', '{', '|', '}', '~', '"', '\'', '(', ')', '\\', ' ', '-',
                                    '.', '_', 'A', 'z', '0', '\n', '\t', 0xE9, 0x20AC, 0x2603, 0x1F600, 0x300, 0x65E5};
#define NBREAKERS (sizeof BREAKERS / sizeof *BREAKERS)

/* Whether any SET node of tree t holds cp. */
static bool in_alphabet(const awsval__rx_tree *t, uint32_t cp)
{
    uint32_t n = awsval__rx_node_count(t);
    const awsval__rx_node *root = awsval__rx_root(t);
    const awsval__rx_node *base = root - awsval__rx_node_index(t, root);
    for (uint32_t i = 1; i <= n; i++) {
        const awsval__rx_node *nd = base + i;
        if (nd->kind == AWSVAL__RX_SET && nd->nranges && in_ranges(awsval__rx_ranges(t, nd), nd->nranges, cp)) return true;
    }
    return false;
}

/* Mutates the string s (a value or key) with characters from BREAKERS until its own check gives
 * exactly (kind, source): `pi` is the pattern to break (its alphabet is avoided), `cs` a
 * documented set to leave (its members are avoided), `r` what the place allows. */
static int break_string(awsval_gen *g, uint32_t id, bool key, int32_t pi, const awsval__doc_rule *cs, uint32_t kind,
                        uint8_t source)
{
    gv *n = &g->nodes[id];
    int32_t si = key ? key_shape(g, id) : n->shape;
    uint8_t place = key ? (n->place == PL_HEADER && g->http ? PL_HKEY : n->place == PL_QUERY ? PL_QKEY : PL_BODY) : n->place;
    restr r;
    restr_for(g, si, place, &r);
    if (cs) { /* leaving a documented set: its own restriction does not apply */
        restr_for(g, -1, place, &r);
        for (uint32_t k = 0; k < g->m->shapes[si].doc_count; k++) {
            const awsval__doc_rule *d = &g->m->docs[g->m->shapes[si].doc_first + k];
            if (d->form == AV_DOC_CHARSET && d != cs && r.ncs < 4) r.cs[r.ncs++] = d;
        }
    }
    const awsval__rx_tree *t = pi >= 0 ? pattern_tree(g, pi) : NULL;
    if (g->nomem) return -1;
    uint32_t cands[NBREAKERS];
    uint32_t nc = 0, outside = 0;
    for (size_t i = 0; i < NBREAKERS; i++) {
        uint32_t cp = BREAKERS[i];
        if (!restr_cp(g, &r, cp)) continue;
        if (cs) {
            char b[4];
            size_t k = put_cp(b, cp);
            if (awsval__charset_all(&cs->chars, g->m->bmp + (size_t)cs->chars.bmp * AV_CHARSET_WORDS, b, k)) continue;
        }
        bool out = t && !in_alphabet(t, cp);
        if (out) { /* those outside the pattern's alphabet first */
            cands[nc++] = cands[outside];
            cands[outside++] = cp;
        } else {
            cands[nc++] = cp;
        }
    }
    if (!nc) return 0;
    /* the original text, by offset: keeping a new one may move the arena */
    uint32_t off0 = key ? n->key : n->text;
    size_t n0 = key ? n->key_len : n->text_len;
    int64_t lo, hi;
    string_bounds(g, si, place, &lo, &hi);
    int64_t cps = awsval__utf8_count(T(g, off0), n0, NULL);
    for (int t2 = 0; t2 < 24; t2++) {
        const char *s0 = T(g, off0);
        uint32_t cp = outside && t2 < 16 ? cands[below(g, outside)] : cands[below(g, nc)];
        char b[4];
        size_t k = put_cp(b, cp);
        g->str.len = 0;
        /* where: a random character's place */
        size_t pos = n0 ? (size_t)below(g, n0 + 1) : 0;
        while (pos < n0 && ((unsigned char)s0[pos] & 0xC0) == 0x80) pos++;
        int op = (int)below(g, 3); /* 0 replace, 1 insert, 2 all of it */
        if (op == 0 && cps >= 1) {
            size_t e = pos < n0 ? pos + 1 : pos;
            if (pos == n0) {
                pos = awsval__utf8_floor(s0, n0 - 1);
                while (pos > 0 && ((unsigned char)s0[pos] & 0xC0) == 0x80) pos--;
                e = n0;
            }
            while (e < n0 && ((unsigned char)s0[e] & 0xC0) == 0x80) e++;
            if (!put(g, &g->str, s0, pos) || !put(g, &g->str, b, k) || !put(g, &g->str, s0 + e, n0 - e)) return -1;
        } else if (op == 1 || cps == 0) {
            if (cps + 1 > hi) continue;
            if (!put(g, &g->str, s0, pos) || !put(g, &g->str, b, k) || !put(g, &g->str, s0 + pos, n0 - pos)) return -1;
        } else {
            int64_t len = cps > 0 ? cps : 1;
            for (int64_t i = 0; i < len; i++)
                if (!put(g, &g->str, b, k)) return -1;
        }
        int64_t nl = awsval__utf8_count(g->str.data, g->str.len, NULL);
        if (nl < lo || nl > hi) continue;
        verdict v;
        if (!check_string(g, si, g->str.data, g->str.len, &v)) return -1;
        if (!verdict_is(&v, kind, source)) continue;
        uint32_t off = keep(g, g->str.data, g->str.len);
        if (off == UINT32_MAX) return -1;
        if (key) {
            if (!set_key(g, id, off, (uint32_t)g->str.len)) continue;
            int rr = expect(g, n->parent, kind, source);
            if (rr) return rr;
            n = &g->nodes[id];
            continue;
        }
        set_text_node(g, id, GV_STR, off, (uint32_t)g->str.len);
        return expect(g, id, kind, source);
    }
    return 0;
}

/* A near miss of an enum value. */
static int fault_enum(awsval_gen *g, uint32_t id, bool key)
{
    gv *n = &g->nodes[id];
    int32_t si = key ? key_shape(g, id) : n->shape;
    const awsval__shape *sh = &g->m->shapes[si];
    if (sh->flags & AV_SF_INT_ENUM) {
        int64_t lo, hi;
        int_bounds(g, si, &lo, &hi);
        for (int t = 0; t < 8; t++) {
            int64_t v = g->m->enums[sh->enum_first + below(g, sh->enum_count)].num + (int64_t)below(g, 5) - 2;
            if (v < lo || v > hi) continue;
            if (!set_int(g, id, v)) return -1;
            int r = expect(g, id, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL);
            if (r) return r;
        }
        return 0;
    }
    uint8_t place = key ? (n->place == PL_HEADER && g->http ? PL_HKEY : n->place == PL_QUERY ? PL_QKEY : PL_BODY) : n->place;
    restr r;
    restr_for(g, si, place, &r);
    for (int t = 0; t < 12; t++) {
        const awsval__enum *e = &g->m->enums[sh->enum_first + below(g, sh->enum_count)];
        const char *s = AV_STR(g->m, e->str);
        size_t len = e->len;
        g->str.len = 0;
        if (!put(g, &g->str, s, len)) return -1;
        char *d = g->str.data;
        int how = (int)below(g, 4);
        size_t letters = 0;
        for (size_t i = 0; i < len; i++) letters += ((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'z');
        if (how == 0 && letters) { /* flip the case of a letter */
            size_t k = (size_t)below(g, letters);
            for (size_t i = 0; i < len; i++)
                if (((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'z') && k-- == 0) d[i] ^= 0x20;
        } else if (how == 1 && len > 1) { /* drop the last character */
            g->str.len = awsval__utf8_floor(d, len - 1);
        } else if (how == 2) {
            if (!putc_(g, &g->str, "Xx0-_"[below(g, 5)])) return -1;
        } else if (len) { /* another character in place of one */
            size_t i = (size_t)below(g, len);
            if ((unsigned char)d[i] < 0x80) d[i] = d[i] == 'Q' ? 'Z' : 'Q';
        } else if (!putc_(g, &g->str, 'Q')) {
            return -1;
        }
        if (!restr_text(g, &r, g->str.data, g->str.len)) continue;
        verdict v;
        if (!check_string(g, si, g->str.data, g->str.len, &v)) return -1;
        if (!verdict_is(&v, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL)) continue;
        uint32_t off = keep(g, g->str.data, g->str.len);
        if (off == UINT32_MAX) return -1;
        if (key) {
            if (!set_key(g, id, off, (uint32_t)g->str.len)) continue;
            int rr = expect(g, g->nodes[id].parent, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL);
            if (rr) return rr;
            continue;
        }
        set_text_node(g, id, GV_STR, off, (uint32_t)g->str.len);
        return expect(g, id, AWSVAL_KIND_ENUM, AWSVAL_SOURCE_MODEL);
    }
    return 0;
}

/* A number one step out of its range. */
static int fault_range(awsval_gen *g, uint32_t id)
{
    const awsval__shape *sh = &g->m->shapes[g->nodes[id].shape];
    bool low_first = pct(g, 50);
    for (int side = 0; side < 2; side++) {
        bool low = (side == 0) == low_first;
        if (!(sh->flags & (low ? AV_SF_MIN : AV_SF_MAX))) continue;
        if (awsval__is_int_type(sh->type) || sh->type == AV_T_BIGINTEGER) {
            int64_t tlo, thi;
            awsval__int_range(sh->type == AV_T_BIGINTEGER ? AV_T_LONG : sh->type, &tlo, &thi);
            int64_t b = low ? sh->min : sh->max;
            if (low ? b <= tlo : b >= thi) continue;
            if (!set_int(g, id, low ? b - 1 : b + 1)) return -1;
        } else {
            bool as_float = sh->type == AV_T_FLOAT;
            bool fr = (sh->flags & AV_SF_FLOAT_RANGE) != 0;
            double b = low ? (fr ? sh->fmin : (double)sh->min) : (fr ? sh->fmax : (double)sh->max);
            double v = low ? b - 1 : b + 1;
            if (v == b) v = as_float ? (double)nextafterf((float)b, low ? -INFINITY : INFINITY) : nextafter(b, low ? -INFINITY : INFINITY);
            if (as_float) {
                float f = (float)v;
                if (low ? (double)f >= b : (double)f <= b) f = nextafterf(f, low ? -INFINITY : INFINITY);
                v = (double)f;
            }
            if (!isfinite(v)) continue;
            if (!set_double(g, id, v, as_float)) return -1;
        }
        int r = expect(g, id, AWSVAL_KIND_RANGE, AWSVAL_SOURCE_MODEL);
        if (r) return r;
    }
    return 0;
}

/* A second member in a union. */
static int fault_union(awsval_gen *g, uint32_t id)
{
    const awsval__shape *sh = &g->m->shapes[g->nodes[id].shape];
    uint32_t n = sh->member_count, start = (uint32_t)below(g, n);
    for (uint32_t k = 0; k < n; k++) {
        int32_t mi = (int32_t)(sh->member_first + (start + k) % n);
        bool present = false;
        for (uint32_t x = g->nodes[id].first; x; x = g->nodes[x].next) present |= g->nodes[x].member == mi;
        if (present) continue;
        const awsval__member *mb = &g->m->members[mi];
        uint32_t kid = add_kid(g, id, mb->shape, g->nodes[id].place, AV_STR(g->m, mb->name), mb->name_len);
        if (!kid) return -1;
        g->nodes[kid].member = mi;
        if (!fill(g, kid)) {
            if (g->nomem) return -1;
            unlink_kid(g, kid);
            continue;
        }
        int r = expect(g, id, AWSVAL_KIND_UNION, AWSVAL_SOURCE_MODEL);
        if (r) return r;
        unlink_kid(g, kid);
    }
    return 0;
}

/* A member the model does not define. */
static int fault_unknown(awsval_gen *g, uint32_t id)
{
    const awsval__shape *sh = &g->m->shapes[g->nodes[id].shape];
    char name[32];
    int k = 0;
    for (int t = 0; t < 8; t++) {
        k = snprintf(name, sizeof name, "%s%u", t ? "unknownMember" : "unknown", (unsigned)below(g, 1000));
        if (awsval__find_member(g->m, sh, name, (size_t)k, awsval__hash(name, (size_t)k)) < 0) break;
    }
    uint32_t kid = add_kid(g, id, -1, g->nodes[id].place, name, (size_t)k);
    if (!kid) return -1;
    static const char *const vals[] = {"\"x\"", "1", "true", "{}", "[1,2]"};
    const char *v = vals[below(g, 5)];
    uint32_t off = keep(g, v, strlen(v));
    if (off == UINT32_MAX) return -1;
    set_text_node(g, kid, GV_RAW, off, (uint32_t)strlen(v));
    int r = expect(g, id, AWSVAL_KIND_UNKNOWN, AWSVAL_SOURCE_MODEL);
    if (r == 1) g->fnode = kid;
    return r;
}

/* A copy of the subtree at src as a new kid of parent. */
static uint32_t copy_tree(awsval_gen *g, uint32_t parent, uint32_t src)
{
    uint32_t id = node_new(g, parent, g->nodes[src].shape, g->nodes[src].place);
    if (!id) return 0;
    gv keep_n = g->nodes[src];
    gv *n = &g->nodes[id];
    n->kind = keep_n.kind;
    n->flags = (uint16_t)(keep_n.flags & (GVF_MAP | GVF_UITEM));
    n->member = keep_n.member;
    n->key = keep_n.key;
    n->key_len = keep_n.key_len;
    n->text = keep_n.text;
    n->text_len = keep_n.text_len;
    link_kid(g, parent, id);
    for (uint32_t x = keep_n.first; x; x = g->nodes[x].next)
        if (!copy_tree(g, id, x)) return 0;
    return id;
}

static int fault_unique(awsval_gen *g, uint32_t id)
{
    const awsval__shape *sh = &g->m->shapes[g->nodes[id].shape];
    uint32_t nk = g->nodes[id].nkids;
    bool room = !(sh->flags & AV_SF_MAX) || (int64_t)nk + 1 <= sh->max;
    uint32_t src = g->nodes[id].first;
    for (uint32_t i = (uint32_t)below(g, nk); i > 0; i--) src = g->nodes[src].next;
    if (room && (nk < 2 || pct(g, 50))) {
        if (!copy_tree(g, id, src)) return -1;
    } else if (nk >= 2) {
        uint32_t victim = src == g->nodes[id].first ? g->nodes[id].last : g->nodes[id].first;
        unlink_kid(g, victim);
        if (!copy_tree(g, id, src)) return -1;
    } else {
        return 0;
    }
    return expect(g, id, AWSVAL_KIND_UNIQUE, AWSVAL_SOURCE_MODEL);
}

/* Breaks one of the documented rules of a string (value or key). */
static int fault_documented(awsval_gen *g, uint32_t id, bool key)
{
    int32_t si = key ? key_shape(g, id) : g->nodes[id].shape;
    const awsval__shape *sh = &g->m->shapes[si];
    uint32_t n = sh->doc_count, start = (uint32_t)below(g, n);
    for (uint32_t k = 0; k < n; k++) {
        const awsval__doc_rule *d = &g->m->docs[sh->doc_first + (start + k) % n];
        int r = 0;
        switch (d->form) {
        case AV_DOC_PREFIX: {
            gv *nd = &g->nodes[id];
            const char *s = key ? T(g, nd->key) : T(g, nd->text);
            size_t len = key ? nd->key_len : nd->text_len;
            const char *pre = AV_STR(g->m, d->prefix);
            int64_t lo, hi;
            string_bounds(g, si, nd->place, &lo, &hi);
            int64_t cps = awsval__utf8_count(s, len, NULL);
            g->str.len = 0;
            size_t skip = cps + (int64_t)d->prefix_len > hi ? d->prefix_len : 0;
            if (skip > len) skip = len;
            while (skip < len && ((unsigned char)s[skip] & 0xC0) == 0x80) skip++;
            if (!put(g, &g->str, pre, d->prefix_len) || !put(g, &g->str, s + skip, len - skip)) return -1;
            verdict v;
            if (!check_string(g, si, g->str.data, g->str.len, &v)) return -1;
            if (!verdict_is(&v, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED)) break;
            uint32_t off = keep(g, g->str.data, g->str.len);
            if (off == UINT32_MAX) return -1;
            if (key) {
                if (!set_key(g, id, off, (uint32_t)g->str.len)) break;
                r = expect(g, g->nodes[id].parent, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED);
            } else {
                set_text_node(g, id, GV_STR, off, (uint32_t)g->str.len);
                r = expect(g, id, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED);
            }
            break;
        }
        case AV_DOC_CHARSET:
            r = break_string(g, id, key, -1, d, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED);
            break;
        case AV_DOC_REGEX:
            r = break_string(g, id, key, d->pattern, NULL, AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_DOCUMENTED);
            break;
        case AV_DOC_LENGTH: {
            bool low = pct(g, 50);
            for (int side = 0; side < 2 && !r; side++, low = !low) {
                int64_t target = low ? d->min - 1 : (d->max >= 0 ? d->max + 1 : -1);
                if ((low && d->min < 1) || target < 0) continue;
                r = string_at_length(g, id, key, target, AWSVAL_KIND_LENGTH, AWSVAL_SOURCE_DOCUMENTED);
            }
            break;
        }
        default: break;
        }
        if (r) return r;
    }
    return 0;
}

/* Puts a fault of kind `kind` at site s. 1 done, 0 not here, -1 out of memory. */
static int apply(awsval_gen *g, const site *s)
{
    uint32_t id = s->node;
    bool key = s->key != 0;
    g->fnode = id;
    switch (s->kind) {
    case AWSVAL_FAULT_REQUIRED: {
        uint32_t p = g->nodes[id].parent;
        unlink_kid(g, id);
        return expect(g, p, AWSVAL_KIND_REQUIRED, AWSVAL_SOURCE_MODEL);
    }
    case AWSVAL_FAULT_TYPE: return fault_type(g, id);
    case AWSVAL_FAULT_LENGTH: return fault_length(g, id, key);
    case AWSVAL_FAULT_PATTERN:
        return break_string(g, id, key, g->m->shapes[key ? key_shape(g, id) : g->nodes[id].shape].pattern, NULL,
                            AWSVAL_KIND_PATTERN, AWSVAL_SOURCE_MODEL);
    case AWSVAL_FAULT_ENUM: return fault_enum(g, id, key);
    case AWSVAL_FAULT_RANGE: return fault_range(g, id);
    case AWSVAL_FAULT_UNION: return fault_union(g, id);
    case AWSVAL_FAULT_UNKNOWN: return fault_unknown(g, id);
    case AWSVAL_FAULT_UNIQUE: return fault_unique(g, id);
    case AWSVAL_FAULT_DOCUMENTED: return fault_documented(g, id, key);
    case AWSVAL_FAULT_DUPLICATE_KEY:
        if (g->http && id == 1) { /* the body's first member is the one written twice */
            uint32_t first = 0;
            for (uint32_t k = g->nodes[1].first; k && !first; k = g->nodes[k].next)
                if (g->nodes[k].place == PL_BODY) first = k;
            if (!first) return 0;
        }
        g->nodes[id].flags |= GVF_DUPKEY;
        g->fnode = 0;
        return 1;
    case AWSVAL_FAULT_UTF8:
        if (!g->nodes[id].text_len) { /* room for the byte: a string of one character */
            uint32_t off = keep(g, "a", 1);
            if (off == UINT32_MAX) return -1;
            g->nodes[id].text = off;
            g->nodes[id].text_len = 1;
        }
        g->nodes[id].flags |= GVF_BADUTF8;
        g->fnode = 0;
        return 1;
    case AWSVAL_FAULT_DEPTH: {
        /* the JSON nesting of the node where it is written: a payload member's value is the
         * body itself */
        uint32_t depth = g->nodes[id].depth;
        if (g->http && g->m->native.protocol != AV_PROTO_JSON && g->m->ops[g->op].payload >= 0) depth--;
        uint32_t levels = g->c->opts.max_depth + 1 - depth;
        g->str.len = 0;
        for (uint32_t i = 0; i < levels; i++)
            if (!putc_(g, &g->str, '[')) return -1;
        for (uint32_t i = 0; i < levels; i++)
            if (!putc_(g, &g->str, ']')) return -1;
        char *copy = awsval__malloc(&g->alc, g->str.len + 1);
        if (!copy) return -1;
        memcpy(copy, g->str.data, g->str.len);
        uint32_t kid = add_kid(g, id, -1, PL_BODY, "deep", 4);
        bool ok = kid && keep_text(g, kid, copy, g->str.len);
        awsval__free(&g->alc, copy);
        if (!ok) return -1;
        g->nodes[kid].kind = GV_RAW;
        g->fnode = 0;
        return 1;
    }
    default: return 0;
    }
}

static bool wire(uint32_t f)
{
    return f == AWSVAL_FAULT_DUPLICATE_KEY || f == AWSVAL_FAULT_UTF8 || f == AWSVAL_FAULT_DEPTH;
}

/* Tries the sites of one fault kind (in random order). 1 done, 0 none took, -1 out of memory. */
static int try_kind(awsval_gen *g, uint32_t kind)
{
    if (!collect(g, kind)) return -1;
    size_t n = g->nsites;
    for (size_t i = 0; i + 1 < n; i++) { /* shuffle */
        size_t j = i + (size_t)below(g, n - i);
        site t = g->sites[i];
        g->sites[i] = g->sites[j];
        g->sites[j] = t;
    }
    site *sites = awsval__malloc(&g->alc, (n ? n : 1) * sizeof *sites);
    if (!sites) return -1;
    if (n) memcpy(sites, g->sites, n * sizeof *sites);
    int result = 0;
    for (size_t i = 0; i < n && i < SITE_TRIES && !result; i++) {
        size_t nn = g->nn, tl = g->text.len, used = g->used;
        if (!snapshot(g)) {
            result = -1;
            break;
        }
        uint32_t where = sites[i].node;
        char at[256];
        at[0] = '\0';
        g->fwire = wire(kind);
        g->fkind = wire(kind) ? AWSVAL_KIND_PARSE : 0;
        g->fsource = AWSVAL_SOURCE_MODEL;
        int r = apply(g, &sites[i]);
        if (r < 0 || g->nomem) {
            result = -1;
            break;
        }
        if (r == 0) {
            restore(g, nn, tl, used);
            continue;
        }
        /* where the fault is, once it is in (a key may have changed) */
        g->fptr.len = 0;
        if (!wire(kind) && !pointer_of(g, kind == AWSVAL_FAULT_UNKNOWN && g->fnode ? g->fnode : where, &g->fptr)) {
            result = -1;
            break;
        }
        if (!putc_(g, &g->fptr, '\0')) {
            result = -1;
            break;
        }
        g->fptr.len--;
        copy_cut(at, sizeof at, g->fptr.data, g->fptr.len);
        memcpy(g->fault_at, at, sizeof at);
        g->fault = kind;
        if (g->fnode && !wire(kind)) g->nodes[where].flags |= GVF_FAULT | (sites[i].key ? GVF_KEYSITE : 0);
        result = 1;
    }
    awsval__free(&g->alc, sites);
    return result;
}

static const uint32_t MODEL_FAULTS[] = {AWSVAL_FAULT_REQUIRED, AWSVAL_FAULT_TYPE,  AWSVAL_FAULT_LENGTH,
                                        AWSVAL_FAULT_PATTERN,  AWSVAL_FAULT_ENUM,  AWSVAL_FAULT_RANGE,
                                        AWSVAL_FAULT_UNION,    AWSVAL_FAULT_UNKNOWN, AWSVAL_FAULT_UNIQUE,
                                        AWSVAL_FAULT_DOCUMENTED};
#define NMODEL_FAULTS (sizeof MODEL_FAULTS / sizeof *MODEL_FAULTS)

/* Puts the fault asked for in the tree. 1 done, 0 nowhere, -1 out of memory. */
static int put_fault(awsval_gen *g, uint32_t fault)
{
    if (fault != AWSVAL_FAULT_ANY) return try_kind(g, fault);
    uint32_t kinds[NMODEL_FAULTS];
    size_t nk = NMODEL_FAULTS;
    memcpy(kinds, MODEL_FAULTS, sizeof kinds);
    while (nk) {
        size_t i = (size_t)below(g, nk);
        int r = try_kind(g, kinds[i]);
        if (r) return r;
        kinds[i] = kinds[--nk];
    }
    return 0;
}

/* ------------------------------------------------------------- writing HTTP (Private) */

static bool pct_encode(awsval_gen *g, awsval__buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                     ch == '_' || ch == '~';
        /* a slash of a greedy label stays one when it separates two nonempty segments */
        if (ch == '/' && keep_slash && i > 0 && i + 1 < n && s[i - 1] != '/' && s[i + 1] != '/') plain = true;
        if (plain) {
            if (!putc_(g, b, (char)ch)) return false;
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            if (!put(g, b, e, 3)) return false;
        }
    }
    return true;
}

/* The text a scalar node stands for outside the body. */
static void node_text(const awsval_gen *g, uint32_t id, const char **s, size_t *n)
{
    *s = T(g, g->nodes[id].text);
    *n = g->nodes[id].text_len;
}

static uint32_t top_member(const awsval_gen *g, uint8_t loc, const char *name, size_t n)
{
    for (uint32_t k = g->nodes[1].first; k; k = g->nodes[k].next) {
        const gv *x = &g->nodes[k];
        if (x->member < 0) continue;
        const awsval__member *mb = &g->m->members[x->member];
        const char *ln = loc_name(g->m, mb);
        if (mb->location == loc && strlen(ln) == n && memcmp(ln, name, n) == 0) return k;
    }
    return 0;
}

static bool add_header(awsval_gen *g, const char *name, size_t nn, size_t value_off, size_t value_len)
{
    if (!awsval__grow(&g->alc, (void **)&g->hdr, &g->hdr_cap, g->nhdr + 1, sizeof *g->hdr)) return oom(g);
    /* offsets for now (the buffer may move): pointers are set when the request is complete */
    g->hdr[g->nhdr++] = (awsval_http_header){name, nn, (const char *)(uintptr_t)value_off, value_len};
    return true;
}

/* Writes "Name: " then the value with its offset recorded; the name is copied into out too. */
static bool header_line(awsval_gen *g, const char *name, size_t nn, const char *v, size_t vn)
{
    awsval__buf *o = &g->out;
    size_t name_off = o->len;
    if (!put(g, o, name, nn) || !puts_(g, o, ": ")) return false;
    size_t voff = o->len;
    if (!put(g, o, v, vn) || !puts_(g, o, "\r\n")) return false;
    return add_header(g, (const char *)(uintptr_t)name_off, nn, voff, vn);
}

/* A header whose value is being written into out: starts it, returns the value offset. */
static bool header_start(awsval_gen *g, const char *name, size_t nn, size_t *name_off, size_t *voff)
{
    *name_off = g->out.len;
    if (!put(g, &g->out, name, nn) || !puts_(g, &g->out, ": ")) return false;
    *voff = g->out.len;
    return true;
}

static bool header_end(awsval_gen *g, size_t name_off, size_t nn, size_t voff)
{
    size_t vn = g->out.len - voff;
    if (!puts_(g, &g->out, "\r\n")) return false;
    return add_header(g, (const char *)(uintptr_t)name_off, nn, voff, vn);
}

/* One query parameter: key=value. */
static bool query_param(awsval_gen *g, awsval__buf *q, const char *k, size_t kn, const char *v, size_t vn)
{
    if (q->len && !putc_(g, q, '&')) return false;
    return pct_encode(g, q, k, kn, false) && putc_(g, q, '=') && pct_encode(g, q, v, vn, false);
}

/* The body of a restJson1 request: the payload member's value, or the body members as an
 * object. *ctype: whether it is JSON (Content-Type application/json). */
static bool rest_body(awsval_gen *g, awsval__buf *body, bool *json)
{
    *json = false;
    const gv *root = &g->nodes[1];
    for (uint32_t k = root->first; k; k = g->nodes[k].next) {
        const gv *x = &g->nodes[k];
        if (x->member < 0 || g->m->members[x->member].location != AV_LOC_PAYLOAD) continue;
        if (x->place == PL_RAWSTR || x->place == PL_RAWBLOB) return put(g, body, T(g, x->text), x->text_len);
        *json = true;
        return write_value(g, k, body);
    }
    bool any = false, dup_done = false;
    for (uint32_t k = root->first; k; k = g->nodes[k].next) {
        const gv *x = &g->nodes[k];
        if (x->member >= 0 && g->m->members[x->member].location != AV_LOC_BODY) continue;
        if (!putc_(g, body, any ? ',' : '{') || !write_member(g, k, body)) return false;
        if ((root->flags & GVF_DUPKEY) && !dup_done) {
            dup_done = true;
            if (!putc_(g, body, ',') || !write_member(g, k, body)) return false;
        }
        any = true;
    }
    if (any && !putc_(g, body, '}')) return false;
    *json = any;
    return true;
}

static bool write_http(awsval_gen *g)
{
    const awsval_model *m = g->m;
    const awsval__operation *op = &m->ops[g->op];
    awsval__buf *o = &g->out;
    awsval__buf q = {0}, body = {0};
    bool ok = true;
    o->len = 0;
    g->nhdr = 0;
    bool awsjson = m->native.protocol == AV_PROTO_JSON;
    const char *method = awsjson ? "POST" : AV_STR(m, op->method);
    g->m_off = 0;
    g->m_len = strlen(method);
    ok = put(g, o, method, g->m_len) && putc_(g, o, ' ');
    g->t_off = o->len;
    const char *uri = AV_STR(m, op->uri);
    if (awsjson || g->nodes[1].kind != GV_OBJ) {
        ok = ok && putc_(g, o, '/');
    } else {
        for (uint32_t i = 0; ok && i < op->path_len;) {
            if (uri[i] != '{') {
                ok = putc_(g, o, uri[i++]);
                continue;
            }
            uint32_t e = i + 1;
            while (e < op->path_len && uri[e] != '}') e++;
            bool greedy = e > i + 1 && uri[e - 1] == '+';
            size_t nl = e - i - 1 - (greedy ? 1 : 0);
            uint32_t k = top_member(g, AV_LOC_URI, uri + i + 1, nl);
            if (k) {
                const char *s;
                size_t n;
                node_text(g, k, &s, &n);
                ok = pct_encode(g, o, s, n, greedy);
            }
            i = e + 1;
        }
        /* the template's literal query, then the query members */
        if (ok && uri[op->path_len] == '?') ok = puts_(g, &q, uri + op->path_len + 1);
        for (uint32_t k = g->nodes[1].first; ok && k; k = g->nodes[k].next) {
            const gv *x = &g->nodes[k];
            if (x->member < 0 || m->members[x->member].location != AV_LOC_QUERY) continue;
            const char *name = loc_name(m, &m->members[x->member]);
            if (x->kind == GV_ARR) {
                for (uint32_t it = x->first; ok && it; it = g->nodes[it].next)
                    ok = query_param(g, &q, name, strlen(name), T(g, g->nodes[it].text), g->nodes[it].text_len);
            } else if (x->kind == GV_OBJ) {
                for (uint32_t en = x->first; ok && en; en = g->nodes[en].next) {
                    const gv *e = &g->nodes[en];
                    if (e->kind == GV_ARR) {
                        for (uint32_t it = e->first; ok && it; it = g->nodes[it].next)
                            ok = query_param(g, &q, T(g, e->key), e->key_len, T(g, g->nodes[it].text), g->nodes[it].text_len);
                    } else {
                        ok = query_param(g, &q, T(g, e->key), e->key_len, T(g, e->text), e->text_len);
                    }
                }
            } else {
                ok = query_param(g, &q, name, strlen(name), T(g, x->text), x->text_len);
            }
        }
        if (ok && q.len) ok = putc_(g, o, '?') && put(g, o, q.data, q.len);
    }
    g->t_len = o->len - g->t_off;
    ok = ok && puts_(g, o, " HTTP/1.1\r\n");
    /* Host */
    char host[300];
    int hl = snprintf(host, sizeof host, "%.200s.us-east-1.amazonaws.com", AV_STR(m, m->service));
    ok = ok && header_line(g, "Host", 4, host, (size_t)hl);
    bool json_body = false, have_ct = false;
    if (awsjson) {
        char target[600];
        int tl = snprintf(target, sizeof target, "%.250s.%.300s", AV_STR(m, m->target_prefix), AV_STR(m, op->name));
        ok = ok && header_line(g, "X-Amz-Target", 12, target, (size_t)tl) &&
             header_line(g, "Content-Type", 12,
                         strcmp(AV_STR(m, m->json_version), "1.1") == 0 ? "application/x-amz-json-1.1"
                                                                        : "application/x-amz-json-1.0",
                         26);
        ok = ok && write_value(g, 1, &body);
        have_ct = true;
    } else if (g->nodes[1].kind == GV_OBJ) {
        for (uint32_t k = g->nodes[1].first; ok && k; k = g->nodes[k].next) {
            const gv *x = &g->nodes[k];
            if (x->member < 0) continue;
            const awsval__member *mb = &m->members[x->member];
            const char *name = loc_name(m, mb);
            size_t nn = strlen(name);
            if (mb->location == AV_LOC_HEADER) {
                size_t no, vo;
                ok = header_start(g, name, nn, &no, &vo);
                if (x->kind == GV_ARR) {
                    for (uint32_t it = x->first; ok && it; it = g->nodes[it].next)
                        ok = (it == x->first || puts_(g, o, ", ")) && put(g, o, T(g, g->nodes[it].text), g->nodes[it].text_len);
                } else {
                    ok = ok && put(g, o, T(g, x->text), x->text_len);
                }
                ok = ok && header_end(g, no, nn, vo);
                if (ieq_cstr(name, "content-type")) have_ct = true;
            } else if (mb->location == AV_LOC_HEADERS) {
                for (uint32_t en = x->first; ok && en; en = g->nodes[en].next) {
                    const gv *e = &g->nodes[en];
                    size_t no = o->len;
                    ok = put(g, o, name, nn) && put(g, o, T(g, e->key), e->key_len) && puts_(g, o, ": ");
                    size_t vo = o->len;
                    ok = ok && put(g, o, T(g, e->text), e->text_len) && puts_(g, o, "\r\n") &&
                         add_header(g, (const char *)(uintptr_t)no, nn + e->key_len, vo, e->text_len);
                }
            }
        }
        ok = ok && rest_body(g, &body, &json_body);
    }
    if (ok && json_body && !have_ct) ok = header_line(g, "Content-Type", 12, "application/json", 16);
    char cl[32];
    int cn = snprintf(cl, sizeof cl, "%zu", body.len);
    ok = ok && header_line(g, "Content-Length", 14, cl, (size_t)cn) && puts_(g, o, "\r\n");
    g->b_off = o->len;
    g->b_len = body.len;
    ok = ok && put(g, o, body.data ? body.data : "", body.len);
    awsval__buf_free(&q, &g->alc);
    awsval__buf_free(&body, &g->alc);
    if (!ok) return false;
    for (size_t i = 0; i < g->nhdr; i++) {
        g->hdr[i].name = o->data + (uintptr_t)g->hdr[i].name;
        g->hdr[i].value = o->data + (uintptr_t)g->hdr[i].value;
    }
    return true;
}

/* ------------------------------------------------------------ checking the input (Private) */

/* Whether the checker's pointer `got` names `want` ("*" in got: a redacted key). */
static bool same_pointer(const char *got, const char *want)
{
    while (*got || *want) {
        if (*got != '/' || *want != '/') return false;
        got++;
        want++;
        const char *ge = strchr(got, '/'), *we = strchr(want, '/');
        size_t gl = ge ? (size_t)(ge - got) : strlen(got), wl = we ? (size_t)(we - want) : strlen(want);
        if (!(gl == 1 && got[0] == '*') && (gl != wl || memcmp(got, want, gl) != 0)) return false;
        got += gl;
        want += wl;
    }
    return true;
}

typedef struct expect_count {
    size_t total;
    size_t kinds[16];
} expect_count;

/* Whether the context's answer is what the build intended. */
static bool agrees(awsval_gen *g, awsval_code rc)
{
    awsval_ctx *c = g->c;
    size_t total = awsval_ctx_violation_total(c);
    for (uint32_t i = 1; i < g->nn; i++)
        if ((g->nodes[i].flags & GVF_RAWEDIT) && alive(g, i)) return true; /* bytes: nothing intended */
    if (g->fault == AWSVAL_FAULT_NONE && !(g->nodes[1].flags & GVF_EDITED)) {
        bool edited = false;
        for (size_t i = 1; i < g->nn && !edited; i++) edited = (g->nodes[i].flags & GVF_EDITED) && alive(g, (uint32_t)i);
        if (!edited) return rc == AWSVAL_OK && total == 0;
        /* edits: each edited value's own violations */
        expect_count want = {0};
        for (uint32_t i = 1; i < g->nn; i++) {
            if (!(g->nodes[i].flags & GVF_EDITED) || !alive(g, i)) continue;
            verdict v;
            g->tmp.len = 0;
            if (!write_value(g, i, &g->tmp)) return true; /* out of memory: no verdict */
            /* all the violations of the value alone, by kind */
            awsval__walk w;
            if (!awsval__walk_begin(&w, c, g->m, g->tmp.data, g->tmp.len, g->flags, -1)) return true;
            awsval__walk_document(&w, g->nodes[i].shape, 0, 0);
            if (!walk_done(g, &w, &v)) return true;
            want.total += v.total;
            for (size_t r = 0; r < c->rec_count; r++)
                if (c->recs[r].kind < 16) want.kinds[c->recs[r].kind]++;
        }
        /* the whole input again, to read its violations */
        awsval_code rc2 = awsval_check_ex(c, g->m, AV_STR(g->m, g->m->ops[g->op].name), g->out.data, g->out.len, g->flags);
        if (rc2 != AWSVAL_OK && rc2 != AWSVAL_INVALID) return true;
        if (awsval_ctx_violation_total(c) != want.total) return false;
        expect_count got = {0};
        for (size_t r = 0; r < c->rec_count; r++)
            if (c->recs[r].kind < 16) got.kinds[c->recs[r].kind]++;
        if (c->rec_count == c->rec_total) return memcmp(got.kinds, want.kinds, sizeof got.kinds) == 0;
        return true;
    }
    if (rc != AWSVAL_INVALID || total != 1) return false;
    awsval_violation v = {.size = sizeof v};
    if (awsval_ctx_violation(c, 0, &v) != AWSVAL_OK) return false;
    if (v.kind != g->fkind) return false;
    if (g->fwire) return true;
    if (v.source != g->fsource) return false;
    return same_pointer(v.pointer ? v.pointer : "", g->fptr.data ? g->fptr.data : "");
}

/* ------------------------------------------------------------------------ steps (Internal) */

static void fill_info(const awsval_gen *g, awsval_gen_info *info, awsval_code rc)
{
    if (!info) return;
    uint32_t size = info->size ? info->size : (uint32_t)sizeof *info;
    awsval_gen_info out;
    memset(&out, 0, sizeof out);
    out.size = size;
    out.fault = g->fault;
    out.kind = g->fault ? g->fkind : 0;
    out.flags = g->differs ? AWSVAL_GEN_INFO_DIFFERS : 0;
    out.values = g->values;
    out.skipped = g->skipped;
    bool failed = rc == AWSVAL_NOGEN;
    out.why = failed ? g->fail_why : g->skip_why;
    copy_cut(out.where, sizeof out.where, failed ? g->fail_where : g->skip_where,
             strlen(failed ? g->fail_where : g->skip_where));
    copy_cut(out.fault_at, sizeof out.fault_at, g->fault_at, strlen(g->fault_at));
    memcpy(info, &out, size < sizeof out ? size : sizeof out);
}

/* Copies the caller's options over the defaults, within their size; false when out of range. */
static bool read_opts(const awsval_gen_opts *in, awsval_gen_opts *o)
{
    awsval_gen_opts_init(o);
    if (in) {
        if (in->size < offsetof(awsval_gen_opts, flags) + sizeof in->flags) return false;
        size_t n = in->size < sizeof *o ? in->size : sizeof *o;
        memcpy(o, in, n);
        o->size = sizeof *o;
    }
    if (o->flags & ~AWSVAL_GEN_HTTP) return false;
    if (o->optional_pct > 100 || o->bound_pct > 100 || o->nonascii_pct > 100 || o->astral_pct > 100) return false;
    if (o->list_min > o->list_max || o->list_max > 100000 || o->max_depth > 4096 || o->max_length > (1u << 20))
        return false;
    if (o->fault != AWSVAL_FAULT_ANY && !awsval_fault_name(o->fault)) return false;
    return true;
}

/* Splits opts.path into segments (unescaped). */
static bool read_path(awsval_gen *g, const char *path)
{
    g->npath = 0;
    if (!path || !*path) return true;
    if (path[0] != '/') return false;
    size_t n = strlen(path);
    if (!awsval__grow(&g->alc, (void **)&g->pathbuf, &g->path_cap, n + 1, 1)) return oom(g);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (g->npath == MAX_PATH_SEGS) return false;
        i++; /* '/' */
        g->pseg[g->npath] = (uint32_t)o;
        while (i < n && path[i] != '/') {
            if (path[i] == '~' && i + 1 < n && (path[i + 1] == '0' || path[i + 1] == '1')) {
                g->pathbuf[o++] = path[i + 1] == '0' ? '~' : '/';
                i += 2;
            } else {
                g->pathbuf[o++] = path[i++];
            }
        }
        g->plen[g->npath] = (uint32_t)(o - g->pseg[g->npath]);
        g->npath++;
    }
    return true;
}

awsval_code awsval__gen_build(awsval_gen *g, awsval_ctx *c, const char *opname, const awsval_gen_opts *opts,
                              awsval_gen_info *info)
{
    if (!g || !c || !opname) return AWSVAL_BADARG;
    awsval_gen_opts o;
    if (!read_opts(opts, &o)) return AWSVAL_BADARG;
    const awsval_model *m = g->m;
    g->built = g->finished = false;
    g->c = c;
    g->o = o;
    g->http = (o.flags & AWSVAL_GEN_HTTP) != 0;
    if (g->http && m->native.protocol != AV_PROTO_REST_JSON && m->native.protocol != AV_PROTO_JSON) return AWSVAL_BADARG;
    g->op = awsval__find_operation(m, opname, strlen(opname));
    if (g->op < 0) return AWSVAL_NOTFOUND;
    g->in = m->ops[g->op].input;
    g->flags = c->opts.flags;
    g->rng = o.seed ^ 0x6A09E667F3BCC908ull;
    g->nomem = g->differs = false;
    g->nn = 1;
    g->text.len = g->out.len = g->tmp.len = g->str.len = g->scratch.len = 0;
    g->values = g->skipped = g->skip_why = g->fail_why = g->cur_why = 0;
    g->skip_where[0] = g->fail_where[0] = g->fault_at[0] = '\0';
    g->fptr.len = 0;
    g->fault = AWSVAL_FAULT_NONE;
    g->fkind = 0;
    g->fsource = 0;
    g->fwire = false;
    g->used = 0;
    g->budget = c->opts.max_size > 8192 ? c->opts.max_size - 4096 : c->opts.max_size / 2;
    if (!read_path(g, o.path)) return g->nomem ? AWSVAL_NOMEM : AWSVAL_BADARG;
    uint32_t root = node_new(g, 0, g->in, PL_BODY);
    if (!root) return AWSVAL_NOMEM;
    awsval_code rc = AWSVAL_OK;
    if (g->in < 0) {
        g->nodes[root].kind = GV_OBJ; /* an operation without input: {} */
    } else if (!fill(g, root)) {
        if (g->nomem) return AWSVAL_NOMEM;
        if (!g->fail_why) g->fail_why = g->cur_why ? g->cur_why : AWSVAL_GEN_WHY_PATTERN;
        rc = AWSVAL_NOGEN;
    }
    if (rc == AWSVAL_OK && o.fault != AWSVAL_FAULT_NONE) {
        int r = g->in < 0 && !wire(o.fault) ? 0 : put_fault(g, o.fault);
        if (r < 0 || g->nomem) return AWSVAL_NOMEM;
        if (r == 0) {
            g->fail_why = AWSVAL_GEN_WHY_NOFAULT;
            copy_cut(g->fail_where, sizeof g->fail_where, o.path ? o.path : "", o.path ? strlen(o.path) : 0);
            rc = AWSVAL_NOGEN;
        }
    }
    g->built = rc == AWSVAL_OK;
    fill_info(g, info, rc);
    return rc;
}

awsval_code awsval__gen_finish(awsval_gen *g, awsval_gen_info *info)
{
    if (!g || !g->built) return AWSVAL_BADARG;
    awsval_ctx *c = g->c;
    const char *opname = AV_STR(g->m, g->m->ops[g->op].name);
    awsval_code rc;
    g->out.len = 0;
    if (g->http) {
        if (!write_http(g)) return AWSVAL_NOMEM;
        size_t total = g->m_len + g->t_len + g->b_len;
        for (size_t i = 0; i < g->nhdr; i++) total += g->hdr[i].name_len + g->hdr[i].value_len;
        if (total > c->opts.max_size) {
            g->fail_why = AWSVAL_GEN_WHY_SIZE;
            fill_info(g, info, AWSVAL_NOGEN);
            return AWSVAL_NOGEN;
        }
        awsval_http_request req = {sizeof req, g->out.data + g->m_off, g->m_len, g->out.data + g->t_off, g->t_len,
                                   g->hdr, g->nhdr, g->out.data + g->b_off, g->b_len};
        rc = awsval_check_http_ex(c, g->m, &req, g->flags);
        const char *routed = awsval_ctx_operation(c);
        if ((rc == AWSVAL_OK || rc == AWSVAL_INVALID) && (!routed || strcmp(routed, opname) != 0)) {
            g->fail_why = AWSVAL_GEN_WHY_HTTP;
            copy_cut(g->fail_where, sizeof g->fail_where, "", 0);
            fill_info(g, info, AWSVAL_NOGEN);
            return AWSVAL_NOGEN;
        }
    } else {
        if (!write_value(g, 1, &g->out)) return AWSVAL_NOMEM;
        if (g->out.len > c->opts.max_size) {
            g->fail_why = AWSVAL_GEN_WHY_SIZE;
            fill_info(g, info, AWSVAL_NOGEN);
            return AWSVAL_NOGEN;
        }
        rc = awsval_check_ex(c, g->m, opname, g->out.data ? g->out.data : "", g->out.len, g->flags);
    }
    if (rc != AWSVAL_OK && rc != AWSVAL_INVALID) return rc;
    g->differs = !agrees(g, rc);
    g->finished = true;
    fill_info(g, info, AWSVAL_OK);
    return AWSVAL_OK;
}

void awsval__gen_output(const awsval_gen *g, const char **text, size_t *len)
{
    *text = g && g->out.data ? g->out.data : "";
    *len = g ? g->out.len : 0;
}

/* Scalars an edit may replace. */
static bool editable(const awsval_gen *g, uint32_t id)
{
    const gv *n = &g->nodes[id];
    bool scalar = n->kind == GV_STR || n->kind == GV_NUM || n->kind == GV_TRUE || n->kind == GV_FALSE ||
                  (n->kind == GV_RAW && (n->flags & GVF_RAWEDIT));
    return scalar && n->shape >= 0 &&
           !(n->flags & (GVF_FAULT | GVF_UITEM | GVF_DEAD)) && alive(g, id);
}

size_t awsval__gen_scalar_count(const awsval_gen *g)
{
    if (!g || !g->built || g->http || g->fault) return 0;
    size_t n = 0;
    for (uint32_t i = 1; i < g->nn; i++) n += editable(g, i);
    return n;
}

static uint32_t scalar_id(const awsval_gen *g, size_t i)
{
    if (!g || !g->built || g->http || g->fault) return 0;
    for (uint32_t k = 1; k < g->nn; k++)
        if (editable(g, k) && i-- == 0) return k;
    return 0;
}

bool awsval__gen_scalar(const awsval_gen *g, size_t i, const char **json, size_t *len, int32_t *shape)
{
    uint32_t id = scalar_id(g, i);
    if (!id) return false;
    awsval_gen *mg = (awsval_gen *)(uintptr_t)g;
    mg->tmp.len = 0;
    if (!write_value(mg, id, &mg->tmp)) return false;
    *json = mg->tmp.data;
    *len = mg->tmp.len;
    *shape = g->nodes[id].shape;
    return true;
}

bool awsval__gen_edit(awsval_gen *g, size_t i, const char *text, size_t len)
{
    uint32_t id = scalar_id(g, i);
    if (!id) return false;
    /* invalid UTF-8 becomes U+FFFD: an edit changes a value, not the wire */
    g->str.len = 0;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t k = 0; k < len;) {
        size_t q = s[k] < 0x80 ? 1 : awsval__utf8_seq(s, k, len);
        if (s[k] == 0) q = 0;
        if (q) {
            if (!put(g, &g->str, text + k, q)) return false;
            k += q;
        } else {
            if (!put(g, &g->str, "\xEF\xBF\xBD", 3)) return false;
            k++;
        }
    }
    uint32_t off = keep(g, g->str.data ? g->str.data : "", g->str.len);
    if (off == UINT32_MAX) return false;
    set_text_node(g, id, GV_STR, off, (uint32_t)g->str.len);
    g->nodes[id].flags |= GVF_EDITED;
    return true;
}

bool awsval__gen_edit_raw(awsval_gen *g, size_t i, const char *bytes, size_t len)
{
    uint32_t id = scalar_id(g, i);
    if (!id) return false;
    uint32_t off = keep(g, len ? bytes : "", len);
    if (off == UINT32_MAX) return false;
    set_text_node(g, id, GV_RAW, off, (uint32_t)len);
    g->nodes[id].flags |= GVF_EDITED | GVF_RAWEDIT;
    return true;
}

/* ---------------------------------------------------------------------------- public API */

void awsval_gen_opts_init(awsval_gen_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->optional_pct = 50;
    o->list_min = 1;
    o->list_max = 3;
    o->bound_pct = 20;
    o->nonascii_pct = 10;
    o->astral_pct = 20;
    o->max_depth = 5;
    o->max_length = 40;
}

awsval_gen *awsval_gen_create(const awsval_model *model, const awsval_alc *alc, awsval_code *code)
{
    if (code) *code = AWSVAL_BADARG;
    if (!model) return NULL;
    awsval_alc a;
    awsval__alc_init(&a, alc);
    awsval_gen *g = awsval__calloc(&a, 1, sizeof *g);
    if (!g) {
        if (code) *code = AWSVAL_NOMEM;
        return NULL;
    }
    g->alc = a;
    g->m = model;
    if (code) *code = AWSVAL_OK;
    return g;
}

void awsval_gen_free(awsval_gen *g)
{
    if (!g) return;
    awsval_alc a = g->alc;
    if (g->rel)
        for (uint32_t i = 0; i < g->m->pattern_count; i++) awsval__regex_free(g->rel[i].re);
    awsval__free(&a, g->rel);
    awsval__free(&a, g->nodes);
    awsval__free(&a, g->backup);
    awsval__buf_free(&g->text, &a);
    awsval__buf_free(&g->out, &a);
    awsval__buf_free(&g->tmp, &a);
    awsval__buf_free(&g->str, &a);
    awsval__buf_free(&g->scratch, &a);
    awsval__buf_free(&g->fptr, &a);
    awsval__free(&a, g->pathbuf);
    awsval__free(&a, g->lw);
    awsval__free(&a, g->lu);
    awsval__free(&a, g->lb);
    awsval__free(&a, g->sites);
    awsval__free(&a, g->hdr);
    awsval__free(&a, g);
}

awsval_code awsval_generate(awsval_gen *g, awsval_ctx *c, const char *operation, const awsval_gen_opts *opts,
                            char *buf, size_t cap, size_t *need, awsval_gen_info *info)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!g || !c || !operation || (!buf && cap)) return AWSVAL_BADARG;
    awsval_gen_opts o;
    if (!read_opts(opts, &o)) return AWSVAL_BADARG;
    awsval_code rc = AWSVAL_NOGEN;
    /* HTTP: a request whose labels route it to another operation is drawn again (a few times,
     * deterministically) */
    for (int attempt = 0; attempt < 4 && rc == AWSVAL_NOGEN; attempt++) {
        awsval_gen_opts oa = o;
        oa.seed = o.seed + (uint64_t)attempt * 0x9E3779B97F4A7C15ull;
        rc = awsval__gen_build(g, c, operation, &oa, info);
        if (rc != AWSVAL_OK) break;
        rc = awsval__gen_finish(g, info);
        if (rc == AWSVAL_NOGEN && g->fail_why != AWSVAL_GEN_WHY_HTTP) break;
    }
    if (rc != AWSVAL_OK) {
        /* no answer is left for an input that was not made (the checks of its values ran) */
        if (rc != AWSVAL_BADARG) awsval_ctx_trim(c);
        return rc;
    }
    size_t n = g->out.len;
    if (n < cap) {
        memcpy(buf, g->out.data ? g->out.data : "", n);
        buf[n] = '\0';
    } else if (cap) {
        memcpy(buf, g->out.data, cap - 1);
        buf[cap - 1] = '\0';
    }
    if (need) *need = n + 1;
    return n < cap ? AWSVAL_OK : AWSVAL_TOOSMALL;
}

static const char *const FAULT_NAMES[] = {"none",    "required", "type",    "length",     "pattern",
                                          "enum",    "range",    "union",   "unknown",    NULL,
                                          NULL,      "unique",   NULL,      "documented", "duplicate-key",
                                          "utf8",    "depth"};

const char *awsval_fault_name(uint32_t fault)
{
    if (fault == AWSVAL_FAULT_ANY) return "any";
    return fault < sizeof FAULT_NAMES / sizeof *FAULT_NAMES ? FAULT_NAMES[fault] : NULL;
}

awsval_code awsval_fault_find(const char *name, uint32_t *fault)
{
    if (!name || !fault) return AWSVAL_BADARG;
    if (strcmp(name, "any") == 0) {
        *fault = AWSVAL_FAULT_ANY;
        return AWSVAL_OK;
    }
    for (uint32_t i = 0; i < sizeof FAULT_NAMES / sizeof *FAULT_NAMES; i++)
        if (FAULT_NAMES[i] && strcmp(FAULT_NAMES[i], name) == 0) {
            *fault = i;
            return AWSVAL_OK;
        }
    return AWSVAL_NOTFOUND;
}

/* ------------------------------------------------------------- strings of a pattern alone */

int awsval__gen_pattern_string(const char *java, size_t java_len, uint32_t mode, uint64_t seed, uint32_t lo,
                               uint32_t hi, char *buf, size_t cap, size_t *len)
{
    awsval_alc a;
    awsval__alc_init(&a, NULL);
    awsval__regex *re = awsval__regex_compile(java, java_len, mode, &a, NULL, NULL, 0);
    if (!re) return -1;
    awsval__regex *relax = NULL;
    const awsval__rx_tree *t = awsval__regex_tree(re);
    if (!t) {
        relax = relaxed_compile(&a, java, java_len);
        t = relax ? awsval__regex_tree(relax) : NULL;
    }
    awsval__regex_scratch *scr = awsval__regex_scratch_create(&a, NULL);
    awsval_gen *g = awsval__calloc(&a, 1, sizeof *g);
    int result = scr && g ? 0 : -1;
    if (g) {
        g->alc = a;
        g->rng = seed ^ 0xBB67AE8584CAA73Bull;
        awsval_gen_opts_init(&g->o);
        g->o.nonascii_pct = 25;
    }
    restr r;
    restr_all(&r);
    lens L;
    uint32_t cap_done = INF32;
    for (int attempt = 0; result == 0 && t && attempt < 3 * TRIES; attempt++) {
        /* as for a member: mostly up to 40 code points over the least, now and then the most */
        int bound = attempt % 4 == 3 ? 2 : attempt % 4 == 2 ? 1 : 0;
        uint32_t top = bound == 2 || hi - lo < 40 ? hi : lo + 40;
        if (attempt >= 2 * TRIES) top = hi;
        if (top != cap_done) {
            if (!lens_init(g, &L, t, &r, top)) {
                result = -1;
                break;
            }
            cap_done = top;
        }
        uint32_t want = pick_length(g, &L, lo, top, bound);
        if (want == INF32) continue;
        if (!draw_tree(g, &L, want)) continue;
        if (g->str.len + 1 > cap) continue;
        if (awsval__regex_match(re, g->str.data ? g->str.data : "", g->str.len, scr) != AWSVAL__RE_MATCH) continue;
        memcpy(buf, g->str.data ? g->str.data : "", g->str.len);
        buf[g->str.len] = '\0';
        *len = g->str.len;
        result = 1;
    }
    if (g && g->nomem) result = -1;
    if (g) {
        awsval__buf_free(&g->str, &a);
        awsval__free(&a, g->lw);
        awsval__free(&a, g->lu);
        awsval__free(&a, g->lb);
        awsval__free(&a, g);
    }
    awsval__regex_scratch_free(scr);
    awsval__regex_free(relax);
    awsval__regex_free(re);
    return result;
}
