/* Linear-time matching: syntax tree -> Thompson NFA -> DFA over code-point classes, or the NFA
 * simulated when its DFA is over budget.
 *
 * The whole DFA is built at compile time by subset construction, within a budget (states,
 * unrolled NFA size, bytes, construction work). Over the budget of states, bytes or work, the
 * NFA itself is kept (up to AWSVAL__RX_NFA_KEEP states) for awsval__rx_nfa_match, which does
 * the subset construction on the fly for one value (see "NFA simulation" below); over the NFA's
 * own budget the caller keeps PCRE2. The
 * finished DFA is immutable: a transition table of uint32 entries (target state times the
 * number of classes, so a step is one load), a 128-entry class table for ASCII and a sorted
 * interval table for the other code points. Matching decodes UTF-8 once and does one table
 * step per code point: no backtracking, no allocation.
 *
 * Zero-width assertions are resolved while the closure of a DFA state is computed: the
 * previous character is known there (it is the one just consumed, and the classes are split so
 * that word characters, \r, \n and the other line terminators are classes of their own), and
 * what an assertion demands of the characters still to come (\b: the next one is or is not a
 * word character; $ and \z: the rest is one of a few short strings) is carried along each NFA
 * thread as a small tag that every later step checks. A thread is then (NFA state, tag).
 *
 * In search mode the NFA starts with a loop over any character (an unanchored search), and a
 * state holding a finished match with no pending demand is an accepting sink: the matcher
 * stops there. In full mode the empty state is a dead sink and the matcher stops there. */
#include <stdlib.h>
#include <string.h>

#include "awsval_internal.h" /* awsval__utf8_decode */
#include "awsval_regex.h"
#include "awsval_rx.h"

#define MAXCP 0x10FFFFu

/* Defaults of the budget. */
#define DEF_MAX_STATES 10000u
#define DEF_MAX_NFA 200000u
#define DEF_MAX_BYTES ((size_t)2 << 20)
#define MAX_CLASSES 4096u
#define MAX_WORK 1500000u /* threads visited by closures during construction (the most any AWS pattern
                             * with a DFA needs is about 1.0M) */

typedef awsval__rx_node node;
typedef awsval__rx_range range;

/* ------------------------------------------------------------------------------------------ */
/* NFA                                                                                         */
/* ------------------------------------------------------------------------------------------ */

enum { N_CONS, N_SPLIT, N_ASSERT, N_EPS, N_MATCH };

typedef struct nstate {
    uint8_t op;
    uint8_t assert;
    uint16_t blk; /* N_CONS in a region (see region): its block */
    uint32_t set; /* N_CONS: index into the set list */
    uint32_t out, out2;
} nstate;

/* The optional copies of an unrolled counted repeat X{m,n} (n - m >= 2): n - m blocks of the
 * same size from `first` on, each X's states then its SPLIT (enter the copy, or leave the
 * repeat). Built last copy first, so block i leaves i more optional copies after its own: a
 * thread at offset o of block i can match everything the thread at offset o of block j < i
 * can (X_o X{0,j} R is within X_o X{0,i} R). The NFA simulation keeps, of the threads at one
 * offset, only the one in the highest block (see prune). */
typedef struct region {
    uint32_t first, size, copies;
} region;

typedef struct builder {
    const awsval__rx_tree *t;
    const awsval_alc *alc;
    nstate *ns;
    uint32_t nn, ncap, max_nfa;
    /* sets: distinct SET nodes by content */
    const range **set_r;
    uint32_t *set_n;
    uint32_t nsets, setcap;
    int oom, over;
    const char *why;
    int uses_wordb, uses_eol;
    int search;
    int dfa_over; /* over budget in the subset construction (the NFA is fine) */
    region *reg;  /* outermost regions of optional copies */
    uint32_t nreg, regcap;
} builder;

static void *b_grow(builder *b, void *arr, uint32_t *cap, uint32_t need, size_t elt) {
    if (need <= *cap) return arr;
    uint32_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *v = arr ? b->alc->realloc(b->alc->ctx, arr, (size_t)*cap * elt, (size_t)nc * elt)
                  : b->alc->malloc(b->alc->ctx, (size_t)nc * elt);
    if (!v) { b->oom = 1; return NULL; }
    *cap = nc;
    return v;
}

static uint32_t nfa_new(builder *b, uint8_t op, uint32_t out) {
    if (b->oom || b->over) return 0;
    if (b->nn >= b->max_nfa) {
        b->over = 1;
        b->why = "NFA too large";
        return 0;
    }
    nstate *v = b_grow(b, b->ns, &b->ncap, b->nn + 1, sizeof *v);
    if (!v) return 0;
    b->ns = v;
    uint32_t id = b->nn++;
    memset(&v[id], 0, sizeof v[id]);
    v[id].op = op;
    v[id].out = out;
    return id;
}

static uint32_t set_index(builder *b, const range *r, uint32_t n) {
    for (uint32_t i = 0; i < b->nsets; i++) /* few distinct sets per pattern */
        if (b->set_n[i] == n && (n == 0 || b->set_r[i] == r || memcmp(b->set_r[i], r, n * sizeof *r) == 0)) return i;
    uint32_t c1 = b->setcap, c2 = b->setcap;
    const range **v1 = b_grow(b, (void *)b->set_r, &c1, b->nsets + 1, sizeof *v1);
    if (!v1) return 0;
    b->set_r = v1;
    uint32_t *v2 = b_grow(b, b->set_n, &c2, b->nsets + 1, sizeof *v2);
    if (!v2) return 0;
    b->set_n = v2;
    b->setcap = c1;
    b->set_r[b->nsets] = r;
    b->set_n[b->nsets] = n;
    return b->nsets++;
}

/* Records the optional copies built from state `first` on (see region), after checking that
 * the blocks are alike; drops the regions nested in it (they were recorded before it, and
 * every state since `first` is inside it). */
static void add_region(builder *b, uint32_t first, uint32_t copies) {
    uint32_t total = b->nn - first;
    if (total % copies) return;
    uint32_t size = total / copies;
    for (uint32_t i = 1; i < copies; i++) {
        for (uint32_t o = 0; o < size; o++) {
            const nstate *x = &b->ns[first + o], *y = &b->ns[first + i * size + o];
            if (x->op != y->op || x->assert != y->assert || (x->op == N_CONS && x->set != y->set)) return;
            /* an edge inside a block has the same offset in every block */
            uint32_t xs[2] = {x->out, x->out2}, ys[2] = {y->out, y->out2};
            for (int e = 0; e < 2; e++) {
                int xin = xs[e] >= first && xs[e] < first + size, yin = ys[e] >= first + i * size && ys[e] < first + (i + 1) * size;
                if (xin != yin || (xin && xs[e] - first != ys[e] - first - i * size)) return;
            }
        }
    }
    while (b->nreg && b->reg[b->nreg - 1].first >= first) b->nreg--;
    region *v = b_grow(b, b->reg, &b->regcap, b->nreg + 1, sizeof *v);
    if (!v) return;
    b->reg = v;
    b->reg[b->nreg].first = first;
    b->reg[b->nreg].size = size;
    b->reg[b->nreg].copies = copies;
    b->nreg++;
}

/* Builds node n with continuation `out`; returns its entry state (0 only on failure, as state
 * 0 is the MATCH state created first).
 *
 * In search mode a repeat that nothing precedes (lead) or that nothing follows (out is the
 * MATCH state) needs only its minimum count: if X{k}R matches at i, X{m}R matches where the
 * (k-m)-th iteration ended, and likewise at the end; assertions look at the value, which is the
 * same there. This keeps unanchored prefixes like [^/]{1,1024}x from multiplying DFA states. */
static uint32_t build(builder *b, const node *n, uint32_t out, unsigned depth, int lead) {
    if (b->oom || b->over) return 0;
    if (depth > 400) { b->over = 1; b->why = "nesting too deep"; return 0; }
    const awsval__rx_tree *t = b->t;
    switch (n->kind) {
    case AWSVAL__RX_SET: {
        uint32_t si = set_index(b, awsval__rx_ranges(t, n), n->nranges);
        uint32_t id = nfa_new(b, N_CONS, out);
        if (id) b->ns[id].set = si;
        return id;
    }
    case AWSVAL__RX_EMPTY: return out;
    case AWSVAL__RX_GROUP: return build(b, awsval__rx_kid(t, n, 0), out, depth + 1, lead);
    case AWSVAL__RX_ASSERT: {
        uint32_t id = nfa_new(b, N_ASSERT, out);
        if (id) b->ns[id].assert = n->assert;
        if (n->assert == AWSVAL__RX_A_WORDB || n->assert == AWSVAL__RX_A_NWORDB) b->uses_wordb = 1;
        if (n->assert != AWSVAL__RX_A_START) b->uses_eol = 1;
        return id;
    }
    case AWSVAL__RX_CAT:
        for (uint32_t i = n->nkids; i-- > 0;) {
            out = build(b, awsval__rx_kid(t, n, i), out, depth + 1, lead && i == 0);
            if (b->oom || b->over) return 0;
        }
        return out;
    case AWSVAL__RX_ALT: {
        uint32_t entry = build(b, awsval__rx_kid(t, n, n->nkids - 1), out, depth + 1, lead);
        for (uint32_t i = n->nkids - 1; i-- > 0;) {
            uint32_t k = build(b, awsval__rx_kid(t, n, i), out, depth + 1, lead);
            uint32_t s = nfa_new(b, N_SPLIT, k);
            if (!s) return 0;
            b->ns[s].out2 = entry;
            entry = s;
        }
        return entry;
    }
    case AWSVAL__RX_REPEAT: {
        const node *kid = awsval__rx_kid(t, n, 0);
        uint32_t cur, max = n->max;
        if (b->search && (lead || out == 0)) max = n->min;
        if (max == AWSVAL__RX_INF) {
            uint32_t loop = nfa_new(b, N_SPLIT, 0);
            if (!loop) return 0;
            uint32_t body = build(b, kid, loop, depth + 1, 0);
            if (b->oom || b->over) return 0;
            b->ns[loop].out = body;
            b->ns[loop].out2 = out;
            cur = loop;
        } else {
            cur = out;
            uint32_t first = b->nn;
            for (uint32_t k = max - n->min; k > 0; k--) {
                uint32_t body = build(b, kid, cur, depth + 1, 0);
                uint32_t s = nfa_new(b, N_SPLIT, body);
                if (!s) return 0;
                b->ns[s].out2 = out;
                cur = s;
            }
            if (max - n->min >= 2) add_region(b, first, max - n->min);
        }
        for (uint32_t k = 0; k < n->min; k++) {
            cur = build(b, kid, cur, depth + 1, lead && k + 1 == n->min);
            if (b->oom || b->over) return 0;
        }
        return cur;
    }
    default:
        b->over = 1;
        b->why = "unknown node";
        return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Tags: what a thread still demands of the rest of the value                                 */
/* ------------------------------------------------------------------------------------------ */

/* dollar part: the rest must be in a language */
enum { D_ANY, D_F /* $: "", \r\n, \n, \r, U+0085, U+2028, U+2029 */, D_FNOLF /* the same but no
    lone \n (the previous character was \r) */, D_N /* "" or \n */, D_E /* "" */ };
/* boundary part: the next character must (not) be a word character */
enum { B_ANY, B_W, B_NW };
#define NTAGS 15u
#define TAG(d, bd) ((d) * 3u + (bd))
#define TAG_D(t) ((t) / 3u)
#define TAG_B(t) ((t) % 3u)
#define DEAD 0xFFu

static unsigned meet_d(unsigned a, unsigned b) {
    if (a == D_ANY) return b;
    if (b == D_ANY || a == b) return a;
    if (a == D_E || b == D_E) return D_E;
    if ((a == D_F && b == D_FNOLF) || (a == D_FNOLF && b == D_F)) return D_FNOLF;
    if ((a == D_F && b == D_N) || (a == D_N && b == D_F)) return D_N;
    return D_E; /* FNOLF and N */
}
static unsigned meet_b(unsigned a, unsigned b) {
    if (a == B_ANY) return b;
    if (b == B_ANY || a == b) return a;
    return DEAD;
}

/* class properties */
enum { P_W = 1, P_CR = 2, P_LF = 4, P_LT = 8 };

/* The tag after consuming a character with properties pr, or DEAD. */
static unsigned tag_step(unsigned t, unsigned pr) {
    unsigned bd = TAG_B(t), d = TAG_D(t);
    if (bd == B_W && !(pr & P_W)) return DEAD;
    if (bd == B_NW && (pr & P_W)) return DEAD;
    switch (d) {
    case D_ANY: break;
    case D_F: d = (pr & P_CR) ? D_N : (pr & (P_LF | P_LT)) ? D_E : DEAD; break;
    case D_FNOLF: d = (pr & P_CR) ? D_N : (pr & P_LT) ? D_E : DEAD; break;
    case D_N: d = (pr & P_LF) ? D_E : DEAD; break;
    default: d = DEAD;
    }
    return d == DEAD ? DEAD : TAG(d, B_ANY);
}

/* ------------------------------------------------------------------------------------------ */
/* The DFA                                                                                     */
/* ------------------------------------------------------------------------------------------ */

struct awsval__rx_dfa {
    awsval_alc alc;
    uint32_t nstates, ncls;
    uint32_t start;          /* premultiplied */
    uint32_t *trans;         /* nstates * ncls, entries premultiplied; NULL: an NFA */
    uint8_t *acc;            /* per state: 1 = accepts at the end of the value */
    /* an NFA (trans == NULL): its states, entry, the classes of each set, class properties */
    nstate *nfa;
    uint32_t nn, entry;
    uint64_t *set_bits;      /* (sets + 1) * words */
    uint32_t words;
    uint8_t *prop;           /* per class: P_* */
    uint32_t *slot;          /* per NFA state: 1 + its pruning slot (N_CONS in a region), or 0 */
    uint32_t nslots;
    uint16_t ascii[128];     /* class of each ASCII code point */
    uint32_t nint;           /* intervals of code points >= 0x80 */
    uint32_t *int_lo;
    uint16_t *int_cls;
    uint32_t mode;
    size_t bytes;
};

/* Closure and subset construction state. */
typedef struct cons {
    builder *b;
    uint32_t mode;
    uint32_t *mark;        /* nn * NTAGS generation stamps */
    uint32_t gen;
    uint32_t *stk;         /* DFS stack of threads */
    uint32_t stkcap;
    uint32_t *out;         /* kernel threads of the closure being computed */
    uint32_t nout, outcap;
    uint64_t work;
    /* states */
    uint32_t *pool;        /* thread lists of all states */
    uint32_t npool, poolcap;
    uint32_t *st_off, *st_len;
    uint32_t nst, stcap;
    uint32_t *hash;        /* state index + 1, open addressing */
    uint32_t hcap;
    uint32_t *trans;
    uint32_t transcap;     /* in entries */
    uint8_t *acc;
    uint32_t acccap;
    uint32_t ncls;
    uint8_t *cls_prop;
    const uint64_t *set_bits; /* nsets * words: classes in each set */
    uint32_t words;
    uint32_t max_states;
    size_t max_bytes;
} cons;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Adds the closure of threads `in` (n of them) under the context to c->out (unique, in no
 * particular order: a state is a set, compared through the marks of this closure, see intern).
 * Context: at_start, and the properties of the previous character. */
static int closure(cons *c, const uint32_t *in, uint32_t n, int at_start, unsigned prev) {
    builder *b = c->b;
    c->nout = 0;
    c->gen++;
    if (c->gen == 0) { /* wrapped: reset stamps */
        memset(c->mark, 0, (size_t)b->nn * NTAGS * sizeof *c->mark);
        c->gen = 1;
    }
    uint32_t sp = 0;
    if (n > c->stkcap) {
        uint32_t *v = b_grow(b, c->stk, &c->stkcap, n, sizeof *v);
        if (!v) return -1;
        c->stk = v;
    }
    for (uint32_t i = 0; i < n; i++) c->stk[sp++] = in[i];
    while (sp) {
        uint32_t th = c->stk[--sp];
        if (c->mark[th] == c->gen) continue;
        c->mark[th] = c->gen;
        if (++c->work > MAX_WORK) {
            b->over = b->dfa_over = 1;
            b->why = "DFA construction too long";
            return -1;
        }
        uint32_t q = th / NTAGS, tg = th % NTAGS;
        const nstate *s = &b->ns[q];
        uint32_t next[2];
        unsigned nn = 0;
        switch (s->op) {
        case N_CONS:
        case N_MATCH: {
            if (c->nout == c->outcap) {
                uint32_t *v = b_grow(b, c->out, &c->outcap, c->nout + 1, sizeof *v);
                if (!v) return -1;
                c->out = v;
            }
            c->out[c->nout++] = th;
            break;
        }
        case N_EPS: next[nn++] = s->out * NTAGS + tg; break;
        case N_SPLIT:
            next[nn++] = s->out2 * NTAGS + tg;
            next[nn++] = s->out * NTAGS + tg;
            break;
        case N_ASSERT: {
            unsigned d = TAG_D(tg), bd = TAG_B(tg);
            switch (s->assert) {
            case AWSVAL__RX_A_START: if (!at_start) d = DEAD; break;
            case AWSVAL__RX_A_END: d = meet_d(d, D_E); break;
            case AWSVAL__RX_A_EOL: d = meet_d(d, (prev & P_CR) ? D_FNOLF : D_F); break;
            case AWSVAL__RX_A_EOL_UNIX: d = meet_d(d, D_N); break;
            case AWSVAL__RX_A_WORDB: bd = meet_b(bd, (prev & P_W) ? B_NW : B_W); break;
            case AWSVAL__RX_A_NWORDB: bd = meet_b(bd, (prev & P_W) ? B_W : B_NW); break;
            default: d = DEAD;
            }
            if (d != DEAD && bd != DEAD) next[nn++] = s->out * NTAGS + TAG(d, bd);
            break;
        }
        }
        if (sp + 2 > c->stkcap) {
            uint32_t *v = b_grow(b, c->stk, &c->stkcap, sp + 2, sizeof *v);
            if (!v) return -1;
            c->stk = v;
        }
        for (unsigned k = 0; k < nn; k++)
            if (c->mark[next[k]] != c->gen) c->stk[sp++] = next[k];
    }
    return 0;
}

/* A hash of a set of threads, whatever their order. */
static uint32_t hash_list(const uint32_t *v, uint32_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull * (n + 1);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t x = v[i] * 0xFF51AFD7ED558CCDull;
        x ^= x >> 29;
        x *= 0xC4CEB9FE1A85EC53ull;
        h += x ^ (x >> 32);
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Finds or adds the state whose kernel is c->out[0..nout). Returns its index, or UINT32_MAX on
 * failure. States 0 (dead) and 1 (accepting sink) are fixed. */
static uint32_t intern(cons *c, int *is_new) {
    builder *b = c->b;
    *is_new = 0;
    if (c->nout == 0) return 0;
    /* A finished match with no demand on the rest: in search mode, the value matches. */
    if (c->mode == AWSVAL__RE_SEARCH) {
        for (uint32_t i = 0; i < c->nout; i++) {
            uint32_t th = c->out[i];
            if (b->ns[th / NTAGS].op == N_MATCH && th % NTAGS == TAG(D_ANY, B_ANY)) return 1;
        }
    }
    uint32_t h = hash_list(c->out, c->nout);
    if (c->nst * 2 >= c->hcap) {
        uint32_t nc = c->hcap ? c->hcap * 2 : 256;
        uint32_t *nh = c->b->alc->malloc(c->b->alc->ctx, (size_t)nc * sizeof *nh);
        if (!nh) { b->oom = 1; return UINT32_MAX; }
        memset(nh, 0, (size_t)nc * sizeof *nh);
        for (uint32_t i = 2; i < c->nst; i++) {
            uint32_t hh = hash_list(c->pool + c->st_off[i], c->st_len[i]) & (nc - 1);
            while (nh[hh]) hh = (hh + 1) & (nc - 1);
            nh[hh] = i + 1;
        }
        if (c->hash) c->b->alc->free(c->b->alc->ctx, c->hash);
        c->hash = nh;
        c->hcap = nc;
    }
    uint32_t k = h & (c->hcap - 1);
    while (c->hash[k]) {
        uint32_t i = c->hash[k] - 1;
        if (c->st_len[i] == c->nout) { /* the same set: each of its threads is in this closure */
            const uint32_t *v = c->pool + c->st_off[i];
            uint32_t j = 0;
            while (j < c->nout && c->mark[v[j]] == c->gen) j++;
            if (j == c->nout) return i;
        }
        k = (k + 1) & (c->hcap - 1);
    }
    if (c->nst >= c->max_states) {
        b->over = b->dfa_over = 1;
        b->why = "too many DFA states";
        return UINT32_MAX;
    }
    if ((size_t)(c->nst + 1) * c->ncls * sizeof(uint32_t) > c->max_bytes) {
        b->over = b->dfa_over = 1;
        b->why = "DFA too large";
        return UINT32_MAX;
    }
    uint32_t *pv = b_grow(b, c->pool, &c->poolcap, c->npool + c->nout, sizeof *pv);
    if (!pv) return UINT32_MAX;
    c->pool = pv;
    uint32_t cap1 = c->stcap, cap2 = c->stcap;
    uint32_t *o = b_grow(b, c->st_off, &cap1, c->nst + 1, sizeof *o);
    if (!o) return UINT32_MAX;
    c->st_off = o;
    uint32_t *l = b_grow(b, c->st_len, &cap2, c->nst + 1, sizeof *l);
    if (!l) return UINT32_MAX;
    c->st_len = l;
    c->stcap = cap1;
    memcpy(c->pool + c->npool, c->out, c->nout * sizeof *c->out);
    uint32_t id = c->nst++;
    c->st_off[id] = c->npool;
    c->st_len[id] = c->nout;
    c->npool += c->nout;
    c->hash[k] = id + 1;
    *is_new = 1;
    return id;
}

static void cons_free(cons *c) {
    const awsval_alc *a = c->b->alc;
    void *ptrs[] = {c->mark, c->stk, c->out, c->pool, c->st_off, c->st_len, c->hash, c->trans, c->acc};
    for (size_t i = 0; i < sizeof ptrs / sizeof *ptrs; i++)
        if (ptrs[i]) a->free(a->ctx, ptrs[i]);
}

/* ------------------------------------------------------------------------------------------ */
/* Code-point classes                                                                          */
/* ------------------------------------------------------------------------------------------ */

typedef struct classes {
    uint32_t nint;       /* elementary intervals over all code points */
    uint32_t *lo;        /* interval starts, lo[0] = 0 */
    uint32_t *cls;       /* class of each interval */
    uint32_t ncls;
    uint64_t *set_bits;  /* per set, words of class bits */
    uint32_t words;
    uint8_t *prop;       /* per class */
} classes;

static int cmp_u32v(const void *a, const void *b) { return cmp_u32(a, b); }

/* Sets beyond the pattern's: the ones assertions look at (kept as classes of their own). */
static const range R_W[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
static const range R_CR[] = {{'\r', '\r'}};
static const range R_LF[] = {{'\n', '\n'}};
static const range R_LT[] = {{0x85, 0x85}, {0x2028, 0x2029}};

static uint32_t find_int(const classes *k, uint32_t cp) {
    uint32_t lo = 0, hi = k->nint; /* lo[i] <= cp < lo[i+1] */
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (k->lo[mid] <= cp) lo = mid;
        else hi = mid;
    }
    return lo;
}

static void classes_free(const awsval_alc *a, classes *k) {
    if (k->lo) a->free(a->ctx, k->lo);
    if (k->cls) a->free(a->ctx, k->cls);
    if (k->set_bits) a->free(a->ctx, k->set_bits);
    if (k->prop) a->free(a->ctx, k->prop);
}

/* Partitions the code points by which sets contain them. nsets_all = pattern sets + 4 extra. */
static int make_classes(builder *b, classes *k, int extra) {
    const awsval_alc *a = b->alc;
    uint32_t nsets = b->nsets;
    const range *xr[4] = {R_W, R_CR, R_LF, R_LT};
    const uint32_t xn[4] = {4, 1, 1, 2};
    uint32_t total = nsets + (extra ? 4 : 0);
    /* boundaries */
    size_t nb = 2;
    for (uint32_t s = 0; s < nsets; s++) nb += 2 * (size_t)b->set_n[s];
    if (extra) nb += 16;
    uint32_t *bd = a->malloc(a->ctx, nb * sizeof *bd);
    if (!bd) { b->oom = 1; return -1; }
    size_t m = 0;
    bd[m++] = 0;
    bd[m++] = 0x80;
    for (uint32_t s = 0; s < total; s++) {
        const range *r = s < nsets ? b->set_r[s] : xr[s - nsets];
        uint32_t n = s < nsets ? b->set_n[s] : xn[s - nsets];
        for (uint32_t i = 0; i < n; i++) {
            bd[m++] = r[i].lo;
            if (r[i].hi < MAXCP) bd[m++] = r[i].hi + 1;
        }
    }
    qsort(bd, m, sizeof *bd, cmp_u32v);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || bd[u - 1] != bd[i]) bd[u++] = bd[i];
    k->nint = (uint32_t)u;
    k->lo = bd;
    /* signatures */
    uint32_t words = (total + 63) / 64;
    uint64_t *sig = a->malloc(a->ctx, (size_t)u * words * sizeof *sig);
    if (!sig) { b->oom = 1; return -1; }
    memset(sig, 0, (size_t)u * words * sizeof *sig);
    for (uint32_t s = 0; s < total; s++) {
        const range *r = s < nsets ? b->set_r[s] : xr[s - nsets];
        uint32_t n = s < nsets ? b->set_n[s] : xn[s - nsets];
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t j = find_int(k, r[i].lo); j < u && k->lo[j] <= r[i].hi; j++)
                sig[(size_t)j * words + s / 64] |= 1ull << (s % 64);
        }
    }
    /* class ids by signature (hash) */
    k->cls = a->malloc(a->ctx, u * sizeof *k->cls);
    uint32_t hc = 1;
    while (hc < 2 * u + 2) hc *= 2;
    uint32_t *ht = a->malloc(a->ctx, hc * sizeof *ht);
    uint32_t *rep = a->malloc(a->ctx, u * sizeof *rep); /* class -> representative interval */
    if (!k->cls || !ht || !rep) {
        b->oom = 1;
        if (ht) a->free(a->ctx, ht);
        if (rep) a->free(a->ctx, rep);
        a->free(a->ctx, sig);
        return -1;
    }
    memset(ht, 0, hc * sizeof *ht);
    k->ncls = 0;
    for (uint32_t j = 0; j < u; j++) {
        const uint64_t *sj = sig + (size_t)j * words;
        uint64_t h = 0x12345;
        for (uint32_t w = 0; w < words; w++) { h ^= sj[w]; h *= 0x9E3779B97F4A7C15ull; h ^= h >> 31; }
        uint32_t slot = (uint32_t)h & (hc - 1);
        for (;;) {
            if (!ht[slot]) {
                ht[slot] = k->ncls + 1;
                rep[k->ncls] = j;
                k->cls[j] = k->ncls++;
                break;
            }
            uint32_t cl = ht[slot] - 1;
            if (memcmp(sig + (size_t)rep[cl] * words, sj, words * sizeof *sj) == 0) {
                k->cls[j] = cl;
                break;
            }
            slot = (slot + 1) & (hc - 1);
        }
    }
    a->free(a->ctx, ht);
    if (k->ncls > MAX_CLASSES) {
        a->free(a->ctx, rep);
        a->free(a->ctx, sig);
        b->over = 1;
        b->why = "too many character classes";
        return -1;
    }
    /* per set: its classes; per class: properties */
    k->words = (k->ncls + 63) / 64;
    k->set_bits = a->malloc(a->ctx, ((size_t)nsets + 1) * k->words * sizeof *k->set_bits);
    k->prop = a->malloc(a->ctx, k->ncls);
    if (!k->set_bits || !k->prop) {
        b->oom = 1;
        a->free(a->ctx, rep);
        a->free(a->ctx, sig);
        return -1;
    }
    memset(k->set_bits, 0, ((size_t)nsets + 1) * k->words * sizeof *k->set_bits);
    for (uint32_t cl = 0; cl < k->ncls; cl++) {
        const uint64_t *sj = sig + (size_t)rep[cl] * words;
        for (uint32_t s = 0; s < nsets; s++)
            if (sj[s / 64] >> (s % 64) & 1) k->set_bits[(size_t)s * k->words + cl / 64] |= 1ull << (cl % 64);
        uint8_t pr = 0;
        if (extra) {
            for (uint32_t x = 0; x < 4; x++)
                if (sj[(nsets + x) / 64] >> ((nsets + x) % 64) & 1) pr |= (uint8_t)(1u << x);
        }
        k->prop[cl] = pr;
        /* the "any" set of the search loop: every class */
        k->set_bits[(size_t)nsets * k->words + cl / 64] |= 1ull << (cl % 64);
    }
    a->free(a->ctx, rep);
    a->free(a->ctx, sig);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Build                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* The matcher's class tables: ASCII directly, then intervals from 0x80 on (adjacent ones of the
 * same class merged). */
static int class_tables(awsval__rx_dfa *d, const classes *k) {
    const awsval_alc *alc = &d->alc;
    for (uint32_t cp = 0; cp < 128; cp++) d->ascii[cp] = (uint16_t)k->cls[find_int(k, cp)];
    uint32_t first = find_int(k, 0x80), n = 0;
    for (uint32_t j = first; j < k->nint; j++)
        if (j == first || k->cls[j] != k->cls[j - 1]) n++;
    d->int_lo = alc->malloc(alc->ctx, n * sizeof *d->int_lo);
    d->int_cls = alc->malloc(alc->ctx, n * sizeof *d->int_cls);
    if (!d->int_lo || !d->int_cls) return -1;
    n = 0;
    for (uint32_t j = first; j < k->nint; j++) {
        if (j == first || k->cls[j] != k->cls[j - 1]) {
            d->int_lo[n] = j == first ? 0x80 : k->lo[j];
            d->int_cls[n] = (uint16_t)k->cls[j];
            n++;
        }
    }
    d->nint = n;
    return 0;
}

int awsval__rx_dfa_build(const awsval__rx_tree *t, uint32_t mode, const awsval_alc *alc,
                         const awsval__rx_budget *budget, awsval__rx_dfa **out, const char **why) {
    *out = NULL;
    if (why) *why = NULL;
    builder b;
    memset(&b, 0, sizeof b);
    b.t = t;
    b.alc = alc;
    b.max_nfa = budget && budget->max_nfa ? budget->max_nfa : DEF_MAX_NFA;
    classes k;
    memset(&k, 0, sizeof k);
    cons c;
    memset(&c, 0, sizeof c);
    c.b = &b;
    c.mode = mode;
    c.max_states = budget && budget->max_states ? budget->max_states : DEF_MAX_STATES;
    c.max_bytes = budget && budget->max_bytes ? budget->max_bytes : DEF_MAX_BYTES;
    awsval__rx_dfa *d = NULL;
    int rc = -1;

    uint32_t match = nfa_new(&b, N_MATCH, 0); /* state 0 */
    b.search = mode == AWSVAL__RE_SEARCH;
    uint32_t entry = build(&b, awsval__rx_root(t), match, 0, 1);
    if (b.oom || b.over) goto done;
    uint32_t anyset = b.nsets; /* index of the search loop's set (see make_classes) */
    if (mode == AWSVAL__RE_SEARCH) {
        uint32_t sp = nfa_new(&b, N_SPLIT, entry);
        uint32_t lp = nfa_new(&b, N_CONS, sp);
        if (b.oom || b.over) goto done;
        b.ns[lp].set = anyset;
        b.ns[sp].out2 = lp;
        entry = sp;
    }
    if (make_classes(&b, &k, b.uses_wordb || b.uses_eol)) goto done;
    if (budget && budget->nfa_only) goto nfa;
    c.ncls = k.ncls;
    c.cls_prop = k.prop;
    c.set_bits = k.set_bits;
    c.words = k.words;
    c.mark = alc->malloc(alc->ctx, (size_t)b.nn * NTAGS * sizeof *c.mark);
    if (!c.mark) { b.oom = 1; goto done; }
    memset(c.mark, 0, (size_t)b.nn * NTAGS * sizeof *c.mark);

    /* states 0 (dead) and 1 (accepting sink) */
    {
        uint32_t cap1 = 0, cap2 = 0;
        uint32_t *o = b_grow(&b, c.st_off, &cap1, 2, sizeof *o);
        if (!o) goto done;
        c.st_off = o;
        uint32_t *l = b_grow(&b, c.st_len, &cap2, 2, sizeof *l);
        if (!l) goto done;
        c.st_len = l;
        c.stcap = cap1;
        c.st_off[0] = c.st_off[1] = 0;
        c.st_len[0] = c.st_len[1] = 0;
        c.nst = 2;
    }
    uint32_t th0 = entry * NTAGS + TAG(D_ANY, B_ANY);
    if (closure(&c, &th0, 1, 1, 0)) goto no_dfa;
    int is_new;
    uint32_t start = intern(&c, &is_new);
    if (start == UINT32_MAX) goto no_dfa;

    /* Row by row: the threads each class moves a state's threads to (all classes' lists one after
     * another in `rows`), then a closure per distinct list (and, when assertions look at it, per
     * kind of character): classes that move the same threads go to the same state. */
    int ctx_matters = b.uses_wordb || b.uses_eol;
    uint32_t *rows = NULL, rowscap = 0, roffcap = 0, *roff = NULL, *rend = NULL, rendcap = 0;
    uint32_t hc = 1, *memo = NULL, memocap = 0, stamp = 0; /* memo: (stamp, class) per slot */
    uint32_t *scl = NULL, *scl_off = NULL, sclcap = 0, scloffcap = 0; /* the classes of each set */
    while (hc < 2 * c.ncls) hc *= 2;
    roff = b_grow(&b, roff, &roffcap, c.ncls + 1, sizeof *roff);
    rend = b_grow(&b, rend, &rendcap, c.ncls, sizeof *rend);
    memo = b_grow(&b, memo, &memocap, 2 * hc, sizeof *memo);
    if (memo) memset(memo, 0, (size_t)2 * hc * sizeof *memo);
    scl_off = b_grow(&b, scl_off, &scloffcap, anyset + 2, sizeof *scl_off);
    if (scl_off) {
        uint32_t n = 0;
        for (uint32_t st = 0; st <= anyset && !b.oom; st++) {
            scl_off[st] = n;
            for (uint32_t cl = 0; cl < c.ncls; cl++) {
                if (!(c.set_bits[(size_t)st * c.words + cl / 64] >> (cl % 64) & 1)) continue;
                uint32_t *v = n < sclcap ? scl : b_grow(&b, scl, &sclcap, n + 1, sizeof *v);
                if (!v) break;
                scl = v;
                scl[n++] = cl;
            }
        }
        scl_off[anyset + 1] = n;
    }
    for (uint32_t s = 2; s < c.nst && roff && rend && memo && scl_off && !b.oom; s++) {
        uint32_t need = (s + 1) * c.ncls;
        uint32_t *tv = b_grow(&b, c.trans, &c.transcap, need, sizeof *tv);
        if (!tv) break;
        c.trans = tv;
        uint32_t off = c.st_off[s], len = c.st_len[s], total = 0;
        /* the size of each class's list, then the lists (a counting sort of the moves by class) */
        memset(roff, 0, (size_t)(c.ncls + 1) * sizeof *roff);
        for (uint32_t i = 0; i < len; i++) {
            uint32_t th = c.pool[off + i];
            const nstate *q = &b.ns[th / NTAGS];
            uint32_t st = q->op == N_CONS ? q->set : q->op == N_MATCH && mode == AWSVAL__RE_SEARCH ? anyset : UINT32_MAX;
            if (st == UINT32_MAX) continue;
            for (uint32_t j = scl_off[st]; j < scl_off[st + 1]; j++) roff[scl[j] + 1]++;
        }
        for (uint32_t cl = 0; cl < c.ncls; cl++) {
            roff[cl + 1] += roff[cl];
            rend[cl] = roff[cl];
        }
        total = roff[c.ncls];
        if (total > rowscap || !rows) { /* at least one entry: never arithmetic on NULL */
            uint32_t *rv = b_grow(&b, rows, &rowscap, total ? total : 1, sizeof *rv);
            if (!rv) break;
            rows = rv;
        }
        for (uint32_t i = 0; i < len; i++) {
            uint32_t th = c.pool[off + i];
            const nstate *q = &b.ns[th / NTAGS];
            uint32_t st, nq;
            if (q->op == N_CONS) {
                st = q->set;
                nq = q->out;
            } else if (q->op == N_MATCH && mode == AWSVAL__RE_SEARCH) {
                st = anyset;
                nq = th / NTAGS;
            } else {
                continue;
            }
            unsigned tg0 = th % NTAGS;
            for (uint32_t j = scl_off[st]; j < scl_off[st + 1]; j++) {
                uint32_t cl = scl[j];
                unsigned tg = tg0 ? tag_step(tg0, c.cls_prop[cl]) : 0;
                if (tg != DEAD) rows[rend[cl]++] = nq * NTAGS + tg;
            }
        }
        if (++stamp == 0) { memset(memo, 0, (size_t)2 * hc * sizeof *memo); stamp = 1; }
        for (uint32_t cl = 0; cl < c.ncls; cl++) {
            unsigned pr = c.cls_prop[cl];
            const uint32_t *lst = rows + roff[cl];
            uint32_t ns = rend[cl] - roff[cl];
            uint32_t h = hash_list(lst, ns) ^ (ctx_matters ? pr * 0x9E3779B1u : 0), slot = h & (hc - 1), tgt = UINT32_MAX;
            for (;;) {
                if (memo[2 * slot] != stamp) break;
                uint32_t o = memo[2 * slot + 1];
                if (rend[o] - roff[o] == ns && (!ctx_matters || c.cls_prop[o] == pr) &&
                    (ns == 0 || memcmp(rows + roff[o], lst, ns * sizeof *lst) == 0)) {
                    tgt = c.trans[(size_t)s * c.ncls + o];
                    break;
                }
                slot = (slot + 1) & (hc - 1);
            }
            if (tgt == UINT32_MAX) {
                if (closure(&c, lst, ns, 0, pr)) break;
                uint32_t t2 = intern(&c, &is_new);
                if (t2 == UINT32_MAX) break;
                tgt = t2 * c.ncls;
                memo[2 * slot] = stamp;
                memo[2 * slot + 1] = cl;
            }
            c.trans[(size_t)s * c.ncls + cl] = tgt;
        }
        if (b.oom || b.over) break;
    }
    void *tmp[] = {rows, roff, rend, memo, scl, scl_off};
    for (size_t i = 0; i < sizeof tmp / sizeof *tmp; i++)
        if (tmp[i]) alc->free(alc->ctx, tmp[i]);
    if (b.oom || b.over) goto no_dfa;

    /* finish: rows of the two sinks, acceptance, the class tables */
    d = alc->malloc(alc->ctx, sizeof *d);
    if (!d) { b.oom = 1; goto done; }
    memset(d, 0, sizeof *d);
    d->alc = *alc;
    d->nstates = c.nst;
    d->ncls = c.ncls;
    d->mode = mode;
    d->start = start * c.ncls;
    size_t tb = (size_t)c.nst * c.ncls * sizeof *d->trans;
    d->trans = alc->malloc(alc->ctx, tb);
    d->acc = alc->malloc(alc->ctx, c.nst);
    if (!d->trans || !d->acc) { b.oom = 1; goto done; }
    for (uint32_t cl = 0; cl < c.ncls; cl++) {
        d->trans[cl] = 0;
        d->trans[c.ncls + cl] = c.ncls;
    }
    if (c.nst > 2) memcpy(d->trans + 2 * (size_t)c.ncls, c.trans + 2 * (size_t)c.ncls, tb - 2 * (size_t)c.ncls * sizeof *d->trans);
    d->acc[0] = 0;
    d->acc[1] = 1;
    for (uint32_t s = 2; s < c.nst; s++) {
        uint8_t acc = 0;
        for (uint32_t i = 0; i < c.st_len[s] && !acc; i++) {
            uint32_t th = c.pool[c.st_off[s] + i];
            if (b.ns[th / NTAGS].op == N_MATCH && TAG_B(th % NTAGS) != B_W) acc = 1;
        }
        d->acc[s] = acc;
    }
    if (class_tables(d, &k)) { b.oom = 1; goto done; }
    d->bytes = sizeof *d + tb + c.nst + (size_t)d->nint * (sizeof *d->int_lo + sizeof *d->int_cls);
    rc = 0;
    goto done;

no_dfa:
    /* Over the DFA's budget (not the NFA's): keep the NFA for simulation if it is small enough. */
    if (b.oom || !b.dfa_over) goto done;
nfa:
    if (b.nn > AWSVAL__RX_NFA_KEEP) { /* its simulation's scratch would be over its bound */
        if (!b.over) b.why = "NFA too large to simulate";
        b.over = 1;
        goto done;
    }
    b.over = 0;
    d = alc->malloc(alc->ctx, sizeof *d);
    if (!d) { b.oom = 1; goto done; }
    memset(d, 0, sizeof *d);
    d->alc = *alc;
    d->ncls = k.ncls;
    d->mode = mode;
    d->entry = entry;
    d->nn = b.nn;
    d->words = k.words;
    /* the NFA's arrays move into d (shrunk to size) */
    d->nfa = alc->malloc(alc->ctx, (size_t)b.nn * sizeof *d->nfa);
    if (!d->nfa) { b.oom = 1; goto done; }
    memcpy(d->nfa, b.ns, (size_t)b.nn * sizeof *d->nfa);
    d->set_bits = k.set_bits;
    k.set_bits = NULL;
    d->prop = k.prop;
    k.prop = NULL;
    if (class_tables(d, &k)) { b.oom = 1; goto done; }
    if (b.nreg) {
        d->slot = alc->malloc(alc->ctx, (size_t)b.nn * sizeof *d->slot);
        if (!d->slot) { b.oom = 1; goto done; }
        memset(d->slot, 0, (size_t)b.nn * sizeof *d->slot);
        for (uint32_t r = 0; r < b.nreg; r++) {
            const region *g = &b.reg[r];
            for (uint32_t i = 0; i < g->copies; i++)
                for (uint32_t o = 0; o < g->size; o++) {
                    uint32_t q = g->first + i * g->size + o;
                    if (d->nfa[q].op != N_CONS) continue;
                    d->nfa[q].blk = (uint16_t)i;
                    d->slot[q] = d->nslots + o + 1;
                }
            d->nslots += g->size;
        }
    }
    d->bytes = sizeof *d + (d->slot ? (size_t)b.nn * sizeof *d->slot : 0) + (size_t)b.nn * sizeof *d->nfa + ((size_t)b.nsets + 1) * k.words * sizeof *d->set_bits +
               k.ncls + (size_t)d->nint * (sizeof *d->int_lo + sizeof *d->int_cls);
    rc = 0;
done:
    if (rc == 0) {
        *out = d;
        if (why && !d->trans) *why = b.why ? b.why : "NFA only";
    } else {
        if (d) awsval__rx_dfa_free(d);
        if (b.oom) rc = -1;
        else {
            rc = 1;
            if (why) *why = b.why ? b.why : "over budget";
        }
    }
    cons_free(&c);
    classes_free(alc, &k);
    if (b.ns) alc->free(alc->ctx, b.ns);
    if (b.set_r) alc->free(alc->ctx, (void *)b.set_r);
    if (b.set_n) alc->free(alc->ctx, b.set_n);
    if (b.reg) alc->free(alc->ctx, b.reg);
    return rc;
}

void awsval__rx_dfa_free(awsval__rx_dfa *d) {
    if (!d) return;
    awsval_alc a = d->alc;
    if (d->trans) a.free(a.ctx, d->trans);
    if (d->acc) a.free(a.ctx, d->acc);
    if (d->nfa) a.free(a.ctx, d->nfa);
    if (d->set_bits) a.free(a.ctx, d->set_bits);
    if (d->prop) a.free(a.ctx, d->prop);
    if (d->slot) a.free(a.ctx, d->slot);
    if (d->int_lo) a.free(a.ctx, d->int_lo);
    if (d->int_cls) a.free(a.ctx, d->int_cls);
    a.free(a.ctx, d);
}

int awsval__rx_dfa_full(const awsval__rx_dfa *d) { return d->trans != NULL; }

uint32_t awsval__rx_nfa_states(const awsval__rx_dfa *d) { return d->trans ? 0 : d->nn; }

void awsval__rx_dfa_stats(const awsval__rx_dfa *d, uint32_t *states, uint32_t *classes_,
                          size_t *bytes) {
    if (states) *states = d->nstates;
    if (classes_) *classes_ = d->ncls;
    if (bytes) *bytes = d->bytes;
}

/* ------------------------------------------------------------------------------------------ */
/* Match                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static inline uint32_t cls_of(const awsval__rx_dfa *d, uint32_t cp) {
    const uint32_t *lo = d->int_lo;
    uint32_t a = 0, b = d->nint;
    while (b - a > 1) {
        uint32_t mid = (a + b) / 2;
        if (lo[mid] <= cp) a = mid;
        else b = mid;
    }
    return d->int_cls[a];
}

int awsval__rx_dfa_match(const awsval__rx_dfa *d, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    const uint32_t *tr = d->trans;
    const uint32_t sink = 2 * d->ncls; /* states below are the dead (0) and accepting sinks */
    const uint16_t *a = d->ascii;
    uint32_t st = d->start;
    size_t i = 0;
    if (st < sink) return st != 0;
    /* Runs of 8 ASCII bytes: one dependent load per byte, and the sinks, which never exit,
     * checked once per run. */
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull) {
            if (s[i] >= 0x80) goto one; /* a multi-byte character first */
            st = tr[st + a[s[i]]];
            i++;
        } else {
            st = tr[st + a[s[i]]];
            st = tr[st + a[s[i + 1]]];
            st = tr[st + a[s[i + 2]]];
            st = tr[st + a[s[i + 3]]];
            st = tr[st + a[s[i + 4]]];
            st = tr[st + a[s[i + 5]]];
            st = tr[st + a[s[i + 6]]];
            st = tr[st + a[s[i + 7]]];
            i += 8;
        }
        if (st < sink) return st != 0;
        continue;
    one:;
        size_t k;
        uint32_t cp = awsval__utf8_decode(s + i, &k);
        i += k;
        st = tr[st + cls_of(d, cp)];
        if (st < sink) return st != 0;
    }
    while (i < n) {
        uint32_t c = s[i];
        if (c < 0x80) {
            i++;
            st = tr[st + a[c]];
        } else {
            size_t k;
            uint32_t cp = awsval__utf8_decode(s + i, &k);
            i += k;
            st = tr[st + cls_of(d, cp)];
        }
        if (st < sink) return st != 0;
    }
    return d->acc[st / d->ncls];
}

/* ------------------------------------------------------------------------------------------ */
/* First steps (the fast path of one-class patterns)                                           */
/* ------------------------------------------------------------------------------------------ */

bool awsval__rx_dfa_first(const awsval__rx_dfa *d, uint32_t cp)
{
    uint32_t cls = cp < 0x80 ? d->ascii[cp] : cls_of(d, cp);
    return d->trans[d->start + cls] != 0;
}

int awsval__rx_dfa_first_gaps(const awsval__rx_dfa *d, uint32_t *lo, uint32_t *hi, int max)
{
    int n = 0;
    for (uint32_t i = 0; i < d->nint; i++) {
        uint32_t a = d->int_lo[i], b = i + 1 < d->nint ? d->int_lo[i + 1] - 1 : MAXCP;
        if (a < 0x80) a = 0x80;
        if (a > b || d->trans[d->start + d->int_cls[i]] != 0) continue;
        if (a >= 0xD800 && b <= 0xDFFF) continue; /* surrogates: never in UTF-8 */
        if (n > 0 && hi[n - 1] + 1 == a) {
            hi[n - 1] = b;
            continue;
        }
        if (n == max) return -1;
        lo[n] = a;
        hi[n] = b;
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* NFA simulation                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* A thread is (NFA state, tag) as in the DFA's construction; the threads of one step are kept
 * per state, as a mask of tags (bit t = tag t), so every array is sized by the NFA's states.
 * A step moves the consuming states of the current list over the code point, then follows
 * epsilon moves and assertions (the closure) from there, with the same rules as the closure of
 * the subset construction: the set after each code point is the DFA state the DFA would be in,
 * computed on the fly. */

#define SCRATCH_PER_STATE (sizeof(uint32_t) * 6 + sizeof(uint16_t) * 5)

static void scratch_free_arrays(awsval__rx_scratch *sc) {
    const awsval_alc *a = &sc->alc;
    void *ptrs[] = {sc->stamp, sc->seen, sc->pend, sc->stack, sc->list[0], sc->list[1], sc->mask[0], sc->mask[1],
                    sc->slot_stamp, sc->slot_best, sc->slot_mask};
    for (size_t i = 0; i < sizeof ptrs / sizeof *ptrs; i++)
        if (ptrs[i]) a->free(a->ctx, ptrs[i]);
    sc->stamp = sc->stack = sc->list[0] = sc->list[1] = sc->slot_stamp = sc->slot_best = NULL;
    sc->seen = sc->pend = sc->mask[0] = sc->mask[1] = sc->slot_mask = NULL;
    sc->cap = 0;
    sc->gen = 0;
}

void awsval__rx_scratch_release(awsval__rx_scratch *sc) {
    if (sc && sc->cap) scratch_free_arrays(sc);
}

size_t awsval__rx_scratch_bytes(const awsval__rx_scratch *sc) {
    return sc ? (size_t)sc->cap * SCRATCH_PER_STATE : 0;
}

size_t awsval__rx_scratch_max_bytes(void) { return (size_t)AWSVAL__RX_NFA_KEEP * SCRATCH_PER_STATE; }

/* Makes room for an NFA of n states (contents are not kept: called between matches). */
static int scratch_reserve(awsval__rx_scratch *sc, uint32_t n) {
    if (n <= sc->cap) return 0;
    uint32_t cap = sc->cap ? sc->cap : 256;
    while (cap < n) cap *= 2;
    if (cap > AWSVAL__RX_NFA_KEEP && n <= AWSVAL__RX_NFA_KEEP) cap = AWSVAL__RX_NFA_KEEP;
    scratch_free_arrays(sc);
    const awsval_alc *a = &sc->alc;
    sc->stamp = a->malloc(a->ctx, (size_t)cap * sizeof *sc->stamp);
    sc->stack = a->malloc(a->ctx, (size_t)cap * sizeof *sc->stack);
    sc->list[0] = a->malloc(a->ctx, (size_t)cap * sizeof *sc->list[0]);
    sc->list[1] = a->malloc(a->ctx, (size_t)cap * sizeof *sc->list[1]);
    sc->seen = a->malloc(a->ctx, (size_t)cap * sizeof *sc->seen);
    sc->pend = a->malloc(a->ctx, (size_t)cap * sizeof *sc->pend);
    sc->mask[0] = a->malloc(a->ctx, (size_t)cap * sizeof *sc->mask[0]);
    sc->mask[1] = a->malloc(a->ctx, (size_t)cap * sizeof *sc->mask[1]);
    sc->slot_stamp = a->malloc(a->ctx, (size_t)cap * sizeof *sc->slot_stamp);
    sc->slot_best = a->malloc(a->ctx, (size_t)cap * sizeof *sc->slot_best);
    sc->slot_mask = a->malloc(a->ctx, (size_t)cap * sizeof *sc->slot_mask);
    if (!sc->stamp || !sc->stack || !sc->list[0] || !sc->list[1] || !sc->seen || !sc->pend || !sc->mask[0] ||
        !sc->mask[1] || !sc->slot_stamp || !sc->slot_best || !sc->slot_mask) {
        scratch_free_arrays(sc);
        return -1;
    }
    memset(sc->stamp, 0, (size_t)cap * sizeof *sc->stamp);
    memset(sc->slot_stamp, 0, (size_t)cap * sizeof *sc->slot_stamp);
    sc->cap = cap;
    sc->gen = 0;
    return 0;
}

static void next_gen(awsval__rx_scratch *sc) {
    if (++sc->gen == 0) { /* wrapped: reset stamps */
        memset(sc->stamp, 0, (size_t)sc->cap * sizeof *sc->stamp);
        memset(sc->slot_stamp, 0, (size_t)sc->cap * sizeof *sc->slot_stamp);
        sc->gen = 1;
    }
}

/* Drops the threads of the list that another thread of it covers (see region): of the states at
 * one offset of a region's blocks, the one in the highest block stays, with its tags; the others
 * go when their tags are among its. Returns the new length. */
static uint32_t prune(const awsval__rx_dfa *d, awsval__rx_scratch *sc, uint32_t *list, uint16_t *mask,
                      uint32_t n, uint32_t g) {
    for (uint32_t k = 0; k < n; k++) {
        uint32_t slot = d->slot[list[k]];
        if (!slot--) continue;
        uint32_t blk = d->nfa[list[k]].blk;
        if (sc->slot_stamp[slot] != g || blk > sc->slot_best[slot]) {
            sc->slot_stamp[slot] = g;
            sc->slot_best[slot] = blk;
            sc->slot_mask[slot] = mask[k];
        }
    }
    uint32_t m = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t slot = d->slot[list[k]];
        if (slot--) {
            uint32_t blk = d->nfa[list[k]].blk;
            if (blk != sc->slot_best[slot] && (mask[k] & ~sc->slot_mask[slot]) == 0) continue;
        }
        list[m] = list[k];
        mask[m] = mask[k];
        m++;
    }
    return m;
}

/* The arrays of one simulation, in locals (restrict: no store to them changes another), the
 * generation, the stack and the list being filled. */
typedef struct sim {
    const nstate *restrict ns;
    uint32_t *restrict stamp;
    uint16_t *restrict seen;
    uint16_t *restrict pend;
    uint32_t *restrict stack;
    uint32_t *restrict list;
    uint32_t g, sp, nl;
} sim;

/* Adds tags m at state q. */
static inline void sim_add(sim *x, uint32_t q, unsigned m) {
    uint8_t op = x->ns[q].op;
    int kernel = op == N_CONS || op == N_MATCH;
    if (x->stamp[q] != x->g) {
        x->stamp[q] = x->g;
        x->seen[q] = 0;
        x->pend[q] = 0;
        if (kernel) x->list[x->nl++] = q;
    }
    unsigned nb = m & ~(unsigned)x->seen[q];
    if (!nb) return;
    x->seen[q] = (uint16_t)(x->seen[q] | nb);
    if (kernel) return; /* nothing to follow before the next code point */
    if (!x->pend[q]) x->stack[x->sp++] = q;
    x->pend[q] = (uint16_t)(x->pend[q] | nb);
}

/* Follows epsilon moves and assertions from the states on the stack. */
static inline void sim_closure(sim *x, int at_start, unsigned prev) {
    while (x->sp) {
        uint32_t q = x->stack[--x->sp];
        unsigned m = x->pend[q];
        x->pend[q] = 0;
        const nstate *s = &x->ns[q];
        switch (s->op) {
        case N_EPS: sim_add(x, s->out, m); break;
        case N_SPLIT:
            sim_add(x, s->out2, m);
            sim_add(x, s->out, m);
            break;
        case N_ASSERT: {
            unsigned nm = 0;
            if (s->assert == AWSVAL__RX_A_START) {
                if (at_start) nm = m;
            } else {
                for (unsigned rest = m; rest; rest &= rest - 1) {
                    unsigned tg = (unsigned)__builtin_ctz(rest);
                    unsigned dd = TAG_D(tg), bd = TAG_B(tg);
                    switch (s->assert) {
                    case AWSVAL__RX_A_END: dd = meet_d(dd, D_E); break;
                    case AWSVAL__RX_A_EOL: dd = meet_d(dd, (prev & P_CR) ? D_FNOLF : D_F); break;
                    case AWSVAL__RX_A_EOL_UNIX: dd = meet_d(dd, D_N); break;
                    case AWSVAL__RX_A_WORDB: bd = meet_b(bd, (prev & P_W) ? B_NW : B_W); break;
                    case AWSVAL__RX_A_NWORDB: bd = meet_b(bd, (prev & P_W) ? B_W : B_NW); break;
                    default: dd = DEAD;
                    }
                    if (dd != DEAD && bd != DEAD) nm |= 1u << TAG(dd, bd);
                }
            }
            if (nm) sim_add(x, s->out, nm);
            break;
        }
        default: break; /* N_CONS, N_MATCH are never on the stack */
        }
    }
}

int awsval__rx_nfa_match(const awsval__rx_dfa *d, const char *str, size_t n, awsval__rx_scratch *sc) {
    if (d->trans) return awsval__rx_dfa_match(d, str, n);
    if (scratch_reserve(sc, d->nn)) return -1;
    const unsigned char *s = (const unsigned char *)str;
    const int search = d->mode == AWSVAL__RE_SEARCH;
    const unsigned tag0 = 1u << TAG(D_ANY, B_ANY); /* the only tag without $, \z, \b, \B */
    sim x;
    x.ns = d->nfa;
    x.stamp = sc->stamp;
    x.seen = sc->seen;
    x.pend = sc->pend;
    x.stack = sc->stack;
    x.sp = x.nl = 0;
    uint32_t *restrict lists[2] = {sc->list[0], sc->list[1]};
    uint16_t *restrict masks[2] = {sc->mask[0], sc->mask[1]};
    unsigned cur = 0;
    uint32_t ncur;
    /* the start: the closure of the entry at the start of the value */
    next_gen(sc);
    x.g = sc->gen;
    x.list = lists[cur];
    sim_add(&x, d->entry, tag0);
    sim_closure(&x, 1, 0);
    size_t i = 0;
    for (;;) {
        ncur = x.nl;
        /* the tags of the listed states; the final state (0) with no demand left ends a search */
        uint32_t *restrict cl_list = lists[cur];
        uint16_t *restrict cl_mask = masks[cur];
        for (uint32_t k = 0; k < ncur; k++) cl_mask[k] = x.seen[cl_list[k]];
        if (d->slot && ncur > 1) ncur = prune(d, sc, cl_list, cl_mask, ncur, x.g);
        if (search && x.stamp[0] == x.g && (x.seen[0] & tag0)) return 1;
        if (ncur == 0) return 0;
        if (i >= n) break;
        /* the next code point and its class */
        uint32_t c = s[i], cl;
        if (c < 0x80) {
            i++;
            cl = d->ascii[c];
        } else {
            size_t k;
            cl = cls_of(d, awsval__utf8_decode(s + i, &k));
            i += k;
        }
        unsigned pr = d->prop[cl];
        const uint64_t *bits = d->set_bits + cl / 64;
        const uint64_t bit = 1ull << (cl % 64);
        /* the step: a new generation, filled from the current list */
        next_gen(sc);
        x.g = sc->gen;
        x.nl = 0;
        x.list = lists[cur ^ 1];
        for (uint32_t k = 0; k < ncur; k++) {
            uint32_t q = cl_list[k];
            const nstate *st = &x.ns[q];
            uint32_t to;
            if (st->op == N_CONS) {
                if (!(bits[(size_t)st->set * d->words] & bit)) continue;
                to = st->out;
            } else if (search) { /* N_MATCH in search mode: a finished match with a demand */
                to = q;
            } else {
                continue;
            }
            unsigned m = cl_mask[k], nm = 0;
            if (m == tag0) {
                nm = tag0; /* no demand: none after any character */
            } else {
                for (unsigned rest = m; rest; rest &= rest - 1) {
                    unsigned t2 = tag_step((unsigned)__builtin_ctz(rest), pr);
                    if (t2 != DEAD) nm |= 1u << t2;
                }
            }
            if (nm) sim_add(&x, to, nm);
        }
        sim_closure(&x, 0, pr);
        cur ^= 1;
    }
    /* the end of the value: a final thread that does not demand a word character next */
    if (x.stamp[0] != x.g) return 0;
    for (unsigned tg = 0; tg < NTAGS; tg++)
        if ((x.seen[0] >> tg & 1) && TAG_B(tg) != B_W) return 1;
    return 0;
}
