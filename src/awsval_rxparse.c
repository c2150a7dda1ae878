/* Parses the PCRE2 text emitted by awsval__regex_translate into a syntax tree (awsval_rx.h).
 *
 * Why the emitted text rather than the Java source: the translator already settles every quirk
 * of Java's grammar (what is a literal, what a quantifier applies to, class nesting and
 * intersection, flags) and writes each construct with an explicit meaning that does not depend
 * on PCRE2 options. Its output is a small dialect, and the PCRE2 path matches exactly that
 * text, so "the tree means what the PCRE2 text means" is checkable by differential testing
 * against PCRE2 on the same text. The dialect:
 *
 *   alt     := seq ('|' seq)*
 *   seq     := (item quant?)*
 *   quant   := ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}') ('?' | '+')?
 *   item    := literal            ASCII alphanumeric, '\' + ASCII punctuation, \x{h}, \t \n \r
 *            | '[' '^'? citem* ']'    citem: literal, literal '-' literal, \p{..}, \P{..}
 *            | '(' alt ')' | '(?<name>' alt ')'      capturing groups
 *            | '(?:' alt ')' | '(?i:' set ')'        (?i: only around one literal or class)
 *            | '(?=' set ')' set | '(?!' set ')' set  class intersection / difference
 *            | '(?!)'                                 the empty class
 *            | '(?(DEFINE)(?<name>' alt '))' '(?&name)'   large counted groups
 *            | \A | \z | the fixed texts of $ and \b / \B (see SPECIALS)
 *            | anything else (back-references, other look-arounds, (?>, \X, \G): not linear
 */
#include <stdlib.h>
#include <string.h>

#include "awsval_rx.h"

#define MAXCP 0x10FFFFu

typedef struct awsval__rx_node node;
typedef awsval__rx_range range;

struct awsval__rx_tree {
    awsval_alc alc;
    node *nodes;
    uint32_t nnodes, root;
    uint32_t *kids;
    uint32_t nkids;
    range *ranges;
    uint32_t nranges;
};

/* ------------------------------------------------------------------------------------------ */
/* Range vectors and set algebra                                                               */
/* ------------------------------------------------------------------------------------------ */

static int rv_reserve(awsval__rx_rangevec *rv, size_t n) {
    if (rv->oom) return -1;
    if (rv->n + n <= rv->cap) return 0;
    size_t nc = rv->cap ? rv->cap * 2 : 16;
    while (nc < rv->n + n) nc *= 2;
    range *v = rv->v ? rv->alc->realloc(rv->alc->ctx, rv->v, rv->cap * sizeof *v, nc * sizeof *v)
                     : rv->alc->malloc(rv->alc->ctx, nc * sizeof *v);
    if (!v) { rv->oom = 1; return -1; }
    rv->v = v;
    rv->cap = nc;
    return 0;
}

void awsval__rx_rangevec_push(awsval__rx_rangevec *rv, uint32_t lo, uint32_t hi) {
    if (lo > hi) return;
    if (rv->n && rv->v[rv->n - 1].hi + 1 >= lo) {
        if (hi > rv->v[rv->n - 1].hi) rv->v[rv->n - 1].hi = hi;
        return;
    }
    if (rv_reserve(rv, 1)) return;
    rv->v[rv->n].lo = lo;
    rv->v[rv->n].hi = hi;
    rv->n++;
}

/* Appends without merging (any order; rv_normalize sorts). */
static void rv_add(awsval__rx_rangevec *rv, uint32_t lo, uint32_t hi) {
    if (rv_reserve(rv, 1)) return;
    rv->v[rv->n].lo = lo;
    rv->v[rv->n].hi = hi;
    rv->n++;
}

static void rv_free(awsval__rx_rangevec *rv) {
    if (rv->v) rv->alc->free(rv->alc->ctx, rv->v);
    rv->v = NULL;
    rv->n = rv->cap = 0;
}

static int cmp_range(const void *a, const void *b) {
    const range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

/* Sorts, merges, removes surrogates. */
static void rv_normalize(awsval__rx_rangevec *rv) {
    if (rv->oom) return;
    qsort(rv->v, rv->n, sizeof *rv->v, cmp_range);
    size_t m = 0;
    for (size_t i = 0; i < rv->n; i++) {
        range r = rv->v[i];
        if (m && rv->v[m - 1].hi + 1 >= r.lo) {
            if (r.hi > rv->v[m - 1].hi) rv->v[m - 1].hi = r.hi;
        } else {
            rv->v[m++] = r;
        }
    }
    rv->n = m;
    /* cut out U+D800..U+DFFF */
    for (size_t i = 0; i < rv->n; i++) {
        range r = rv->v[i];
        if (r.hi < 0xD800 || r.lo > 0xDFFF) continue;
        if (r.lo >= 0xD800 && r.hi <= 0xDFFF) {
            memmove(rv->v + i, rv->v + i + 1, (rv->n - i - 1) * sizeof *rv->v);
            rv->n--;
            i--;
        } else if (r.lo < 0xD800 && r.hi > 0xDFFF) {
            if (rv_reserve(rv, 1)) return;
            memmove(rv->v + i + 1, rv->v + i, (rv->n - i) * sizeof *rv->v);
            rv->n++;
            rv->v[i].hi = 0xD7FF;
            rv->v[i + 1].lo = 0xE000;
            i++;
        } else if (r.lo < 0xD800) {
            rv->v[i].hi = 0xD7FF;
        } else {
            rv->v[i].lo = 0xE000;
        }
    }
}

/* a := complement of a (within valid code points) */
static void rv_complement(awsval__rx_rangevec *a) {
    awsval__rx_rangevec r = {NULL, 0, 0, a->alc, 0};
    uint32_t next = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i].lo > next) awsval__rx_rangevec_push(&r, next, a->v[i].lo - 1);
        next = a->v[i].hi + 1;
    }
    if (next <= MAXCP) awsval__rx_rangevec_push(&r, next, MAXCP);
    int oom = a->oom || r.oom;
    rv_free(a);
    *a = r;
    a->oom = oom;
    rv_normalize(a);
}

/* a := a ∩ b */
static void rv_intersect(awsval__rx_rangevec *a, const range *b, size_t nb) {
    awsval__rx_rangevec r = {NULL, 0, 0, a->alc, 0};
    size_t i = 0, j = 0;
    while (i < a->n && j < nb) {
        uint32_t lo = a->v[i].lo > b[j].lo ? a->v[i].lo : b[j].lo;
        uint32_t hi = a->v[i].hi < b[j].hi ? a->v[i].hi : b[j].hi;
        if (lo <= hi) awsval__rx_rangevec_push(&r, lo, hi);
        if (a->v[i].hi < b[j].hi) i++;
        else j++;
    }
    int oom = a->oom || r.oom;
    rv_free(a);
    *a = r;
    a->oom = oom;
}

/* a := a ∪ b */
static void rv_union(awsval__rx_rangevec *a, const range *b, size_t nb) {
    if (nb == 0) return;
    if (rv_reserve(a, nb)) return;
    memcpy(a->v + a->n, b, nb * sizeof *b);
    a->n += nb;
    rv_normalize(a);
}

/* ------------------------------------------------------------------------------------------ */
/* Tree building                                                                               */
/* ------------------------------------------------------------------------------------------ */

#define MAX_DEPTH 200u
#define MAX_DEFS 64u

typedef struct pstate {
    const char *s;
    size_t n, i;
    const awsval_alc *alc;
    awsval__rx_resolver resolve;
    void *rctx;
    awsval__rx_tree *t;
    uint32_t ncap, kcap, rcap;
    uint32_t *stack; /* kids being collected */
    uint32_t nstack, scap;
    unsigned groups, depth;
    int oom;
    const char *why; /* not linear: the reason */
    struct { size_t off, len; uint32_t node; } defs[MAX_DEFS];
    unsigned ndefs;
    /* sets already resolved through the callback (it scans every code point: worth reusing) */
    struct { size_t off, len; uint32_t node; } res[16];
    unsigned nres;
} pstate;

static void *grow_arr(pstate *p, void *arr, uint32_t *cap, uint32_t need, size_t elt) {
    if (need <= *cap) return arr;
    uint32_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *v = arr ? p->alc->realloc(p->alc->ctx, arr, (size_t)*cap * elt, (size_t)nc * elt)
                  : p->alc->malloc(p->alc->ctx, (size_t)nc * elt);
    if (!v) { p->oom = 1; return NULL; }
    *cap = nc;
    return v;
}

static uint32_t new_node(pstate *p, uint8_t kind) {
    awsval__rx_tree *t = p->t;
    if (p->oom) return 0;
    node *nv = grow_arr(p, t->nodes, &p->ncap, t->nnodes + 1, sizeof *nv);
    if (!nv) return 0;
    t->nodes = nv;
    uint32_t id = t->nnodes++;
    memset(&nv[id], 0, sizeof nv[id]);
    nv[id].kind = kind;
    return id;
}

static uint32_t set_node(pstate *p, const range *r, size_t nr) {
    uint32_t id = new_node(p, AWSVAL__RX_SET);
    if (!id) return 0;
    awsval__rx_tree *t = p->t;
    t->nodes[id].ranges = t->nranges;
    if (nr == 0) return id; /* the empty set: matches nothing */
    range *rv = grow_arr(p, t->ranges, &p->rcap, t->nranges + (uint32_t)nr, sizeof *rv);
    if (!rv) return 0;
    t->ranges = rv;
    memcpy(rv + t->nranges, r, nr * sizeof *r);
    t->nodes[id].ranges = t->nranges;
    t->nodes[id].nranges = (uint32_t)nr;
    t->nranges += (uint32_t)nr;
    return id;
}

static uint32_t set_node_rv(pstate *p, awsval__rx_rangevec *rv) {
    if (rv->oom) { p->oom = 1; rv_free(rv); return 0; }
    uint32_t id = set_node(p, rv->v, rv->n);
    rv_free(rv);
    return id;
}

static uint32_t single_node(pstate *p, uint32_t c) {
    range r = {c, c};
    if (c >= 0xD800 && c <= 0xDFFF) return set_node(p, NULL, 0);
    return set_node(p, &r, 1);
}

static void push_kid(pstate *p, uint32_t id) {
    uint32_t *v = grow_arr(p, p->stack, &p->scap, p->nstack + 1, sizeof *v);
    if (!v) return;
    p->stack = v;
    p->stack[p->nstack++] = id;
}

/* Makes a node of the given kind from the kids stacked at [base, nstack). */
static uint32_t multi_node(pstate *p, uint8_t kind, uint32_t base) {
    uint32_t k = p->nstack - base;
    if (p->oom) return 0;
    if (k == 0) { p->nstack = base; return new_node(p, AWSVAL__RX_EMPTY); }
    if (k == 1) { uint32_t id = p->stack[base]; p->nstack = base; return id; }
    uint32_t id = new_node(p, kind);
    if (!id) return 0;
    awsval__rx_tree *t = p->t;
    uint32_t *kv = grow_arr(p, t->kids, &p->kcap, t->nkids + k, sizeof *kv);
    if (!kv) return 0;
    t->kids = kv;
    memcpy(kv + t->nkids, p->stack + base, k * sizeof *kv);
    t->nodes[id].kids = t->nkids;
    t->nodes[id].nkids = k;
    t->nkids += k;
    p->nstack = base;
    return id;
}

static uint32_t unary_node(pstate *p, uint8_t kind, uint32_t kid) {
    uint32_t base = p->nstack;
    push_kid(p, kid);
    if (p->oom) return 0;
    uint32_t id = new_node(p, kind);
    if (!id) return 0;
    awsval__rx_tree *t = p->t;
    uint32_t *kv = grow_arr(p, t->kids, &p->kcap, t->nkids + 1, sizeof *kv);
    if (!kv) return 0;
    t->kids = kv;
    kv[t->nkids] = kid;
    t->nodes[id].kids = t->nkids++;
    t->nodes[id].nkids = 1;
    p->nstack = base;
    return id;
}

static node *N(pstate *p, uint32_t id) { return &p->t->nodes[id]; }

/* ------------------------------------------------------------------------------------------ */
/* Lexing                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static int not_linear(pstate *p, const char *why) {
    if (!p->why) p->why = why;
    return -1;
}

static int at(const pstate *p, const char *lit) {
    size_t k = strlen(lit);
    return p->n - p->i >= k && memcmp(p->s + p->i, lit, k) == 0;
}

static int is_hex(char c) {
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
static unsigned hexv(char c) { return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10); }

/* Decodes one UTF-8 code point (the text is valid UTF-8). */
static uint32_t dec_utf8(const pstate *p, size_t *i) {
    const unsigned char *s = (const unsigned char *)p->s + *i;
    if (s[0] < 0x80) { (*i)++; return s[0]; }
    if (s[0] < 0xE0) { *i += 2; return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F); }
    if (s[0] < 0xF0) {
        *i += 3;
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *i += 4;
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* A literal (outside or inside a class): returns 0 and the code point, 1 if the text at i is
 * not a literal, -1 on a construct we do not handle. */
static int literal(pstate *p, uint32_t *c) {
    if (p->i >= p->n) return 1;
    char ch = p->s[p->i];
    if (ch != '\\') {
        if (strchr("()[]|?*+{}^$.", ch) && ch) return 1;
        *c = dec_utf8(p, &p->i);
        return 0;
    }
    if (p->i + 1 >= p->n) return not_linear(p, "trailing backslash");
    char e = p->s[p->i + 1];
    switch (e) {
    case 'x':
        if (p->i + 2 < p->n && p->s[p->i + 2] == '{') {
            size_t j = p->i + 3;
            uint32_t v = 0;
            while (j < p->n && is_hex(p->s[j]) && v <= MAXCP) v = v * 16 + hexv(p->s[j++]);
            if (j >= p->n || p->s[j] != '}' || v > MAXCP) return not_linear(p, "bad \\x{}");
            p->i = j + 1;
            *c = v;
            return 0;
        }
        return not_linear(p, "bad \\x");
    case 't': *c = '\t'; p->i += 2; return 0;
    case 'n': *c = '\n'; p->i += 2; return 0;
    case 'r': *c = '\r'; p->i += 2; return 0;
    default:
        if ((unsigned char)e < 0x80 && !((e | 0x20) >= 'a' && (e | 0x20) <= 'z') && !(e >= '0' && e <= '9')) {
            *c = (unsigned char)e;
            p->i += 2;
            return 0;
        }
        return 1; /* \A, \z, \p, \g, ... */
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static int parse_alt(pstate *p, uint32_t *out);

/* '[' ... ']' at i. */
static int parse_class(pstate *p, uint32_t *out) {
    size_t start = p->i;
    p->i++;
    int neg = 0, props = 0;
    size_t prop_at[8], prop_len[8]; /* the first property items, resolved one by one if quick */
    if (p->i < p->n && p->s[p->i] == '^') { neg = 1; p->i++; }
    awsval__rx_rangevec rv = {NULL, 0, 0, p->alc, 0};
    for (;;) {
        if (p->i >= p->n) { rv_free(&rv); return not_linear(p, "unterminated class"); }
        if (p->s[p->i] == ']') { p->i++; break; }
        if (at(p, "\\p{") || at(p, "\\P{")) {
            const char *e = memchr(p->s + p->i, '}', p->n - p->i);
            if (!e) { rv_free(&rv); return not_linear(p, "bad property"); }
            if (props < (int)(sizeof prop_at / sizeof *prop_at)) {
                prop_at[props] = p->i;
                prop_len[props] = (size_t)(e - p->s) + 1 - p->i;
            }
            p->i = (size_t)(e - p->s) + 1;
            props++;
            continue;
        }
        uint32_t lo, hi;
        int r = literal(p, &lo);
        if (r != 0) { rv_free(&rv); return not_linear(p, "unknown class item"); }
        hi = lo;
        if (p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
            p->i++;
            if (literal(p, &hi) != 0 || hi < lo) { rv_free(&rv); return not_linear(p, "bad class range"); }
        }
        rv_add(&rv, lo, hi); /* in any order: normalized below */
    }
    if (props) {
        /* the whole class through PCRE2, so that Unicode data is PCRE2's own */
        for (unsigned k = 0; k < p->nres; k++) {
            if (p->res[k].len == p->i - start && memcmp(p->s + p->res[k].off, p->s + start, p->i - start) == 0) {
                rv_free(&rv);
                *out = p->res[k].node;
                return 0;
            }
        }
        /* Each property from the resolver's table (cheap), united with the literal items; when
         * it has none, the whole class as PCRE2 matches it (a scan of every code point). */
        int quick = p->resolve && props <= (int)(sizeof prop_at / sizeof *prop_at);
        for (int k = 0; quick && k < props; k++) {
            awsval__rx_rangevec one = {NULL, 0, 0, p->alc, 0};
            int r = p->resolve(p->rctx, p->s + prop_at[k], prop_len[k], 1, &one);
            if (r == 0)
                for (size_t j = 0; j < one.n; j++) rv_add(&rv, one.v[j].lo, one.v[j].hi);
            int oom = one.oom || rv.oom;
            rv_free(&one);
            if (oom) { rv_free(&rv); p->oom = 1; return -1; }
            if (r) quick = 0;
        }
        if (quick) {
            rv_normalize(&rv);
            if (neg) rv_complement(&rv);
        } else {
            rv.n = 0;
            if (!p->resolve || p->resolve(p->rctx, p->s + start, p->i - start, 0, &rv) != 0) {
                rv_free(&rv);
                if (rv.oom) { p->oom = 1; return -1; }
                return not_linear(p, "Unicode property not resolved");
            }
            rv_normalize(&rv);
        }
        *out = set_node_rv(p, &rv);
        if (p->oom) return -1;
        if (p->nres < sizeof p->res / sizeof *p->res) {
            p->res[p->nres].off = start;
            p->res[p->nres].len = p->i - start;
            p->res[p->nres].node = *out;
            p->nres++;
        }
        return 0;
    }
    rv_normalize(&rv);
    if (neg) rv_complement(&rv);
    *out = set_node_rv(p, &rv);
    return p->oom ? -1 : 0;
}

static int is_set(pstate *p, uint32_t id) { return N(p, id)->kind == AWSVAL__RX_SET; }

/* The fixed texts of anchors and boundaries (see w_dollar, w_bound in awsval_regex.c). */
#define WORDCLS "[0-9A-Z_a-z]"
static const struct {
    const char *text;
    uint8_t assert;
} SPECIALS[] = {
    {"(?=\\z|\\r\\n\\z|(?<!\\r)\\n\\z|[\\r\\x{85}\\x{2028}\\x{2029}]\\z)", AWSVAL__RX_A_EOL},
    {"(?=\\n?\\z)", AWSVAL__RX_A_EOL_UNIX},
    {"(?:(?<=" WORDCLS ")(?!" WORDCLS ")|(?<!" WORDCLS ")(?=" WORDCLS "))", AWSVAL__RX_A_WORDB},
    {"(?:(?<=" WORDCLS ")(?=" WORDCLS ")|(?<!" WORDCLS ")(?!" WORDCLS "))", AWSVAL__RX_A_NWORDB},
};

static int parse_item(pstate *p, uint32_t *out);

/* After '(?=' or '(?!' has been parsed into the set `look`: the next item must be a set too. */
static int look_set(pstate *p, int neg, uint32_t look, uint32_t *out) {
    uint32_t right;
    if (!is_set(p, look)) return not_linear(p, "look-ahead");
    if (p->i >= p->n || p->s[p->i] == '|' || p->s[p->i] == ')') return not_linear(p, "look-ahead");
    int r = parse_item(p, &right);
    if (r) return r;
    if (!is_set(p, right)) return not_linear(p, "look-ahead");
    /* (?=S)T{m,n} is not (S&T){m,n}: only an unquantified T is the class algebra's output */
    if (p->i < p->n && strchr("?*+{", p->s[p->i])) return not_linear(p, "look-ahead");
    node *a = N(p, right), *b = N(p, look);
    awsval__rx_rangevec rv = {NULL, 0, 0, p->alc, 0};
    awsval__rx_range *tr = p->t->ranges;
    rv_union(&rv, tr + a->ranges, a->nranges);
    if (neg) {
        awsval__rx_rangevec c = {NULL, 0, 0, p->alc, 0};
        rv_union(&c, tr + b->ranges, b->nranges);
        rv_complement(&c);
        rv_intersect(&rv, c.v, c.n);
        if (c.oom) rv.oom = 1;
        rv_free(&c);
    } else {
        rv_intersect(&rv, tr + b->ranges, b->nranges);
    }
    *out = set_node_rv(p, &rv);
    return p->oom ? -1 : 0;
}

static int parse_group(pstate *p, uint32_t *out) {
    for (size_t k = 0; k < sizeof SPECIALS / sizeof *SPECIALS; k++) {
        if (at(p, SPECIALS[k].text)) {
            p->i += strlen(SPECIALS[k].text);
            uint32_t id = new_node(p, AWSVAL__RX_ASSERT);
            if (!id) return -1;
            N(p, id)->assert = SPECIALS[k].assert;
            *out = id;
            return 0;
        }
    }
    if (at(p, "(?!)")) {
        p->i += 4;
        *out = set_node(p, NULL, 0);
        return p->oom ? -1 : 0;
    }
    uint32_t inner;
    int r;
    if (at(p, "(?:") || at(p, "(?i:")) {
        size_t start = p->i;
        int ci = p->s[p->i + 2] == 'i';
        p->i += ci ? 4 : 3;
        if ((r = parse_alt(p, &inner))) return r;
        if (p->i >= p->n || p->s[p->i] != ')') return not_linear(p, "unclosed group");
        p->i++;
        if (ci) {
            if (!is_set(p, inner)) return not_linear(p, "caseless string");
            awsval__rx_rangevec rv = {NULL, 0, 0, p->alc, 0};
            if (!p->resolve || p->resolve(p->rctx, p->s + start, p->i - start, 0, &rv) != 0) {
                rv_free(&rv);
                if (rv.oom) { p->oom = 1; return -1; }
                return not_linear(p, "caseless set not resolved");
            }
            rv_normalize(&rv);
            inner = set_node_rv(p, &rv);
            if (p->oom) return -1;
        }
        *out = inner;
        return 0;
    }
    if (at(p, "(?=") || at(p, "(?!")) {
        int neg = p->s[p->i + 2] == '!';
        p->i += 3;
        if ((r = parse_alt(p, &inner))) return r;
        if (p->i >= p->n || p->s[p->i] != ')') return not_linear(p, "unclosed group");
        p->i++;
        return look_set(p, neg, inner, out);
    }
    if (at(p, "(?(DEFINE)(?<")) {
        p->i += 13;
        size_t nstart = p->i;
        while (p->i < p->n && p->s[p->i] != '>') p->i++;
        if (p->i >= p->n || p->ndefs >= MAX_DEFS) return not_linear(p, "bad DEFINE");
        size_t nlen = p->i - nstart;
        p->i++;
        p->groups++;
        unsigned g = p->groups;
        if ((r = parse_alt(p, &inner))) return r;
        if (!at(p, "))")) return not_linear(p, "bad DEFINE");
        p->i += 2;
        uint32_t gid = unary_node(p, AWSVAL__RX_GROUP, inner);
        if (!gid) return -1;
        N(p, gid)->group = (uint16_t)(g > 0xFFFF ? 0xFFFF : g);
        p->defs[p->ndefs].off = nstart;
        p->defs[p->ndefs].len = nlen;
        p->defs[p->ndefs].node = gid;
        p->ndefs++;
        *out = new_node(p, AWSVAL__RX_EMPTY);
        return p->oom ? -1 : 0;
    }
    if (at(p, "(?&")) {
        p->i += 3;
        size_t nstart = p->i;
        while (p->i < p->n && p->s[p->i] != ')') p->i++;
        if (p->i >= p->n) return not_linear(p, "bad subroutine call");
        size_t nlen = p->i - nstart;
        p->i++;
        for (unsigned k = 0; k < p->ndefs; k++) {
            if (p->defs[k].len == nlen && memcmp(p->s + p->defs[k].off, p->s + nstart, nlen) == 0) {
                /* PCRE2 10.30+ subroutine calls backtrack like the group itself: same language */
                *out = p->defs[k].node;
                return 0;
            }
        }
        return not_linear(p, "subroutine call");
    }
    int named = at(p, "(?<") && !at(p, "(?<=") && !at(p, "(?<!");
    if (p->i + 1 < p->n && p->s[p->i + 1] == '?' && !named) {
        if (at(p, "(?>")) return not_linear(p, "atomic group");
        if (at(p, "(?<=") || at(p, "(?<!")) return not_linear(p, "look-behind");
        return not_linear(p, "group type");
    }
    if (named) {
        while (p->i < p->n && p->s[p->i] != '>') p->i++;
        p->i++;
    } else {
        p->i++;
    }
    p->groups++;
    unsigned g = p->groups;
    if ((r = parse_alt(p, &inner))) return r;
    if (p->i >= p->n || p->s[p->i] != ')') return not_linear(p, "unclosed group");
    p->i++;
    uint32_t id = unary_node(p, AWSVAL__RX_GROUP, inner);
    if (!id) return -1;
    N(p, id)->group = (uint16_t)(g > 0xFFFF ? 0xFFFF : g);
    *out = id;
    return 0;
}

static int parse_item(pstate *p, uint32_t *out) {
    if (p->i >= p->n) return not_linear(p, "missing item");
    char c = p->s[p->i];
    if (++p->depth > MAX_DEPTH) return not_linear(p, "nesting too deep");
    int r = 0;
    if (c == '(') {
        r = parse_group(p, out);
    } else if (c == '[') {
        r = parse_class(p, out);
    } else if (at(p, "\\A") || at(p, "\\z")) {
        uint32_t id = new_node(p, AWSVAL__RX_ASSERT);
        if (!id) { r = -1; }
        else {
            N(p, id)->assert = p->s[p->i + 1] == 'A' ? AWSVAL__RX_A_START : AWSVAL__RX_A_END;
            p->i += 2;
            *out = id;
        }
    } else {
        uint32_t cp;
        int k = literal(p, &cp);
        if (k == 0) {
            *out = single_node(p, cp);
            if (p->oom) r = -1;
        } else if (k > 0) {
            if (at(p, "\\g") || at(p, "\\k")) r = not_linear(p, "back-reference");
            else if (c == '\\') r = not_linear(p, "escape");
            else r = not_linear(p, "unexpected character");
        } else {
            r = -1;
        }
    }
    p->depth--;
    return r;
}

static int parse_uint(pstate *p, uint32_t *v) {
    if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') return -1;
    uint64_t x = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        x = x * 10 + (uint64_t)(p->s[p->i++] - '0');
        if (x > 0xFFFFFFFEu) return -1;
    }
    *v = (uint32_t)x;
    return 0;
}

/* A quantifier at i, if any: 1 and min/max/possessive, 0 if none, -1 if malformed. */
static int parse_quant(pstate *p, uint32_t *mn, uint32_t *mx, int *poss) {
    if (p->i >= p->n) return 0;
    char c = p->s[p->i];
    size_t save = p->i;
    if (c == '?') { *mn = 0; *mx = 1; p->i++; }
    else if (c == '*') { *mn = 0; *mx = AWSVAL__RX_INF; p->i++; }
    else if (c == '+') { *mn = 1; *mx = AWSVAL__RX_INF; p->i++; }
    else if (c == '{') {
        p->i++;
        if (parse_uint(p, mn)) { p->i = save; return -1; }
        *mx = *mn;
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            if (p->i < p->n && p->s[p->i] == '}') *mx = AWSVAL__RX_INF;
            else if (parse_uint(p, mx)) { p->i = save; return -1; }
        }
        if (p->i >= p->n || p->s[p->i] != '}' || *mx < *mn) { p->i = save; return -1; }
        p->i++;
    } else {
        return 0;
    }
    *poss = 0;
    if (p->i < p->n && p->s[p->i] == '?') p->i++;
    else if (p->i < p->n && p->s[p->i] == '+') { p->i++; *poss = 1; }
    return 1;
}

static int parse_seq(pstate *p, uint32_t *out) {
    uint32_t base = p->nstack;
    for (;;) {
        if (p->i >= p->n || p->s[p->i] == '|' || p->s[p->i] == ')') break;
        uint32_t it;
        int r = parse_item(p, &it);
        if (r) return r;
        for (;;) { /* PCRE2 allows stacked quantifiers only as lazy/possessive suffixes */
            uint32_t mn, mx;
            int poss;
            int q = parse_quant(p, &mn, &mx, &poss);
            if (q < 0) return not_linear(p, "bad quantifier");
            if (q == 0) break;
            if (poss) {
                /* x{n}+ on a single character set has one way to match: same language */
                if (!(is_set(p, it) && mn == mx)) return not_linear(p, "possessive repeat");
            }
            if (mn == 1 && mx == 1) continue;
            uint32_t id = unary_node(p, AWSVAL__RX_REPEAT, it);
            if (!id) return -1;
            N(p, id)->min = mn;
            N(p, id)->max = mx;
            it = id;
            break;
        }
        push_kid(p, it);
        if (p->oom) return -1;
    }
    *out = multi_node(p, AWSVAL__RX_CAT, base);
    return p->oom ? -1 : 0;
}

static int parse_alt(pstate *p, uint32_t *out) {
    uint32_t base = p->nstack;
    if (++p->depth > MAX_DEPTH) return not_linear(p, "nesting too deep");
    for (;;) {
        uint32_t s;
        int r = parse_seq(p, &s);
        if (r) return r;
        push_kid(p, s);
        if (p->oom) return -1;
        if (p->i < p->n && p->s[p->i] == '|') { p->i++; continue; }
        break;
    }
    p->depth--;
    /* an alternation of single characters is one set */
    uint32_t k = p->nstack - base;
    int all_sets = k > 1;
    for (uint32_t j = base; j < p->nstack && all_sets; j++) all_sets = is_set(p, p->stack[j]);
    if (all_sets) {
        awsval__rx_rangevec rv = {NULL, 0, 0, p->alc, 0};
        for (uint32_t j = base; j < p->nstack; j++) {
            node *a = N(p, p->stack[j]);
            rv_union(&rv, p->t->ranges + a->ranges, a->nranges);
        }
        p->nstack = base;
        *out = set_node_rv(p, &rv);
        return p->oom ? -1 : 0;
    }
    *out = multi_node(p, AWSVAL__RX_ALT, base);
    return p->oom ? -1 : 0;
}

int awsval__rx_parse(const char *pcre2, size_t len, const awsval_alc *alc,
                     awsval__rx_resolver resolve, void *rctx, awsval__rx_tree **out,
                     const char **why) {
    *out = NULL;
    if (why) *why = NULL;
    awsval__rx_tree *t = alc->malloc(alc->ctx, sizeof *t);
    if (!t) return -1;
    memset(t, 0, sizeof *t);
    t->alc = *alc;
    pstate p;
    memset(&p, 0, sizeof p);
    p.s = pcre2;
    p.n = len;
    p.alc = &t->alc;
    p.resolve = resolve;
    p.rctx = rctx;
    p.t = t;
    uint32_t root = 0;
    int r = 0;
    (void)new_node(&p, AWSVAL__RX_EMPTY); /* node 0: unused */
    if (!p.oom) r = parse_alt(&p, &root);
    if (!r && !p.oom && p.i != p.n) r = not_linear(&p, "unbalanced ')'");
    if (p.stack) t->alc.free(t->alc.ctx, p.stack);
    if (p.oom) {
        awsval__rx_tree_free(t);
        return -1;
    }
    if (r) {
        if (why) *why = p.why ? p.why : "not linear";
        awsval__rx_tree_free(t);
        return 1;
    }
    t->root = root;
    *out = t;
    return 0;
}

void awsval__rx_tree_free(awsval__rx_tree *t) {
    if (!t) return;
    awsval_alc a = t->alc;
    if (t->nodes) a.free(a.ctx, t->nodes);
    if (t->kids) a.free(a.ctx, t->kids);
    if (t->ranges) a.free(a.ctx, t->ranges);
    a.free(a.ctx, t);
}

const awsval__rx_node *awsval__rx_root(const awsval__rx_tree *t) { return &t->nodes[t->root]; }
const awsval__rx_node *awsval__rx_kid(const awsval__rx_tree *t, const awsval__rx_node *n, uint32_t i) {
    return &t->nodes[t->kids[n->kids + i]];
}
const awsval__rx_range *awsval__rx_ranges(const awsval__rx_tree *t, const awsval__rx_node *n) {
    return t->ranges ? t->ranges + n->ranges : NULL; /* no ranges anywhere: only empty sets */
}
uint32_t awsval__rx_node_count(const awsval__rx_tree *t) { return t->nnodes - 1; }
uint32_t awsval__rx_node_index(const awsval__rx_tree *t, const awsval__rx_node *n) { return (uint32_t)(n - t->nodes); }

/* ------------------------------------------------------------------------------------------ */
/* Dump                                                                                        */
/* ------------------------------------------------------------------------------------------ */

typedef struct dbuf {
    char *b;
    size_t cap, n;
} dbuf;

static void dput(dbuf *d, const char *s) {
    for (; *s; s++) {
        if (d->n + 1 < d->cap) d->b[d->n] = *s;
        d->n++;
    }
}

static void dcp(dbuf *d, uint32_t c) {
    char b[16];
    if (c > 0x20 && c < 0x7F && c != '\\' && c != '-' && c != ']') { b[0] = (char)c; b[1] = 0; }
    else {
        static const char hx[] = "0123456789abcdef";
        int k = 0;
        b[k++] = '\\'; b[k++] = 'x'; b[k++] = '{';
        int started = 0;
        for (int sh = 20; sh >= 0; sh -= 4) {
            unsigned v = (c >> sh) & 15;
            if (v || started || sh == 0) { b[k++] = hx[v]; started = 1; }
        }
        b[k++] = '}';
        b[k] = 0;
    }
    dput(d, b);
}

static void dnum(dbuf *d, uint32_t v) {
    char b[12];
    int k = 11;
    b[k] = 0;
    do { b[--k] = (char)('0' + v % 10); v /= 10; } while (v);
    dput(d, b + k);
}

static void dump_node(const awsval__rx_tree *t, const node *n, dbuf *d, unsigned depth) {
    if (depth > 300) { dput(d, "..."); return; }
    static const char *const an[] = {"?", "start", "end", "eol", "eol-unix", "wordb", "nwordb"};
    switch (n->kind) {
    case AWSVAL__RX_SET:
        dput(d, "[");
        for (uint32_t i = 0; i < n->nranges; i++) {
            range r = t->ranges[n->ranges + i];
            dcp(d, r.lo);
            if (r.hi != r.lo) { dput(d, "-"); dcp(d, r.hi); }
        }
        dput(d, "]");
        return;
    case AWSVAL__RX_EMPTY: dput(d, "()"); return;
    case AWSVAL__RX_ASSERT:
        dput(d, "<");
        dput(d, an[n->assert < 7 ? n->assert : 0]);
        dput(d, ">");
        return;
    case AWSVAL__RX_REPEAT:
        dput(d, "(rep ");
        dnum(d, n->min);
        dput(d, " ");
        if (n->max == AWSVAL__RX_INF) dput(d, "inf");
        else dnum(d, n->max);
        dput(d, " ");
        dump_node(t, awsval__rx_kid(t, n, 0), d, depth + 1);
        dput(d, ")");
        return;
    case AWSVAL__RX_GROUP:
        dput(d, "(g");
        dnum(d, n->group);
        dput(d, " ");
        dump_node(t, awsval__rx_kid(t, n, 0), d, depth + 1);
        dput(d, ")");
        return;
    default:
        dput(d, n->kind == AWSVAL__RX_CAT ? "(cat" : "(alt");
        for (uint32_t i = 0; i < n->nkids; i++) {
            dput(d, " ");
            dump_node(t, awsval__rx_kid(t, n, i), d, depth + 1);
        }
        dput(d, ")");
    }
}

size_t awsval__rx_dump(const awsval__rx_tree *t, char *buf, size_t cap) {
    dbuf d = {buf, cap, 0};
    dump_node(t, awsval__rx_root(t), &d, 0);
    if (cap) buf[d.n < cap ? d.n : cap - 1] = 0;
    return d.n;
}
