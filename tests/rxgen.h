/* Test helpers for the linear engine: a generator of strings from a pattern's syntax tree
 * (awsval_rx.h), mutations, and a deterministic PRNG. Header-only (static functions), shared
 * by tests/test_rxdfa.c, tests/java/regex_diff.c and fuzz/fuzz_regex.c.
 *
 * The generator walks the tree: one alternative at random, repeat counts drawn between min and
 * a bound that grows with the wanted length, code points drawn from the sets (ASCII ranges
 * preferred). Assertions are not enforced, so most but not all generated strings match. */
#ifndef AWSVAL_TESTS_RXGEN_H
#define AWSVAL_TESTS_RXGEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "awsval_rx.h"

typedef struct rxg_rng {
    uint64_t s;
} rxg_rng;

static uint32_t rxg_next(rxg_rng *r) {
    r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t x = r->s;
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    return (uint32_t)x;
}
static uint32_t rxg_below(rxg_rng *r, uint32_t n) { return n ? rxg_next(r) % n : 0; }

static size_t rxg_put_utf8(char *out, size_t n, size_t cap, uint32_t c) {
    char b[4];
    size_t k;
    if (c < 0x80) { b[0] = (char)c; k = 1; }
    else if (c < 0x800) { b[0] = (char)(0xC0 | c >> 6); b[1] = (char)(0x80 | (c & 63)); k = 2; }
    else if (c < 0x10000) {
        b[0] = (char)(0xE0 | c >> 12);
        b[1] = (char)(0x80 | ((c >> 6) & 63));
        b[2] = (char)(0x80 | (c & 63));
        k = 3;
    } else {
        b[0] = (char)(0xF0 | c >> 18);
        b[1] = (char)(0x80 | ((c >> 12) & 63));
        b[2] = (char)(0x80 | ((c >> 6) & 63));
        b[3] = (char)(0x80 | (c & 63));
        k = 4;
    }
    if (n + k > cap) return n;
    memcpy(out + n, b, k);
    return n + k;
}

typedef struct rxg {
    const awsval__rx_tree *t;
    rxg_rng *rng;
    char *out;
    size_t n, cap;
    size_t want; /* the length to aim at: repeats are drawn larger when it is large */
    unsigned depth;
} rxg;

static uint32_t rxg_pick_cp(rxg *g, const awsval__rx_node *nd) {
    const awsval__rx_range *r = awsval__rx_ranges(g->t, nd);
    uint32_t n = nd->nranges;
    /* prefer a printable ASCII range when there is one, half of the time */
    if (rxg_below(g->rng, 2)) {
        for (uint32_t k = 0, i = rxg_below(g->rng, n); k < n; k++, i = (i + 1) % n) {
            if (r[i].lo <= 0x7E && r[i].hi >= 0x21) {
                uint32_t lo = r[i].lo < 0x21 ? 0x21 : r[i].lo, hi = r[i].hi > 0x7E ? 0x7E : r[i].hi;
                return lo + rxg_below(g->rng, hi - lo + 1);
            }
        }
    }
    const awsval__rx_range *x = &r[rxg_below(g->rng, n)];
    uint32_t span = x->hi - x->lo + 1;
    uint32_t c = x->lo + (span > 256 && rxg_below(g->rng, 2) ? rxg_below(g->rng, 256) : rxg_below(g->rng, span));
    return c;
}

static void rxg_node(rxg *g, const awsval__rx_node *nd) {
    if (g->depth > 200 || g->n + 8 > g->cap) return;
    g->depth++;
    switch (nd->kind) {
    case AWSVAL__RX_SET:
        if (nd->nranges) g->n = rxg_put_utf8(g->out, g->n, g->cap, rxg_pick_cp(g, nd));
        break;
    case AWSVAL__RX_CAT:
        for (uint32_t i = 0; i < nd->nkids; i++) rxg_node(g, awsval__rx_kid(g->t, nd, i));
        break;
    case AWSVAL__RX_ALT: rxg_node(g, awsval__rx_kid(g->t, nd, rxg_below(g->rng, nd->nkids))); break;
    case AWSVAL__RX_GROUP: rxg_node(g, awsval__rx_kid(g->t, nd, 0)); break;
    case AWSVAL__RX_REPEAT: {
        uint32_t lo = nd->min, hi = nd->max;
        uint32_t room = (uint32_t)(g->want > g->n ? g->want - g->n : 0);
        uint32_t extra = room > 3 ? room : 3;
        if (hi == AWSVAL__RX_INF || hi - lo > extra) hi = lo + extra;
        uint32_t k = lo + rxg_below(g->rng, hi - lo + 1);
        if (room > 16 && rxg_below(g->rng, 2)) k = hi; /* long values: go for the top */
        for (uint32_t i = 0; i < k && g->n + 8 <= g->cap; i++) rxg_node(g, awsval__rx_kid(g->t, nd, 0));
        break;
    }
    default: break; /* EMPTY, ASSERT */
    }
    g->depth--;
}

/* Writes a string generated from t (at most cap - 1 bytes, NUL-terminated); returns its length. */
static size_t rxg_generate(const awsval__rx_tree *t, rxg_rng *rng, size_t want, char *out, size_t cap) {
    rxg g = {t, rng, out, 0, cap - 1, want, 0};
    rxg_node(&g, awsval__rx_root(t));
    out[g.n] = 0;
    return g.n;
}

/* Code points the mutations insert: tab, line terminators, U+2028, a combining mark, astral
 * characters, Latin-1, CJK, a NUL. */
static const uint32_t RXG_ODD[] = {'\t', '\n', '\r', 0x2028, 0x0301, 0x1F600, 0x10348, 0xE9, 0x65E5,
                                   0, ' ', '/', ':', '-', '_', '.', 0x85, 0x212A, 0xFEFF, 0x7F};

/* Replaces, inserts or deletes one code point at a random position of s (valid UTF-8, length n,
 * buffer cap); returns the new length. The result stays valid UTF-8. */
static size_t rxg_mutate(rxg_rng *rng, char *s, size_t n, size_t cap) {
    /* positions of code point starts */
    size_t pos = 0;
    if (n) {
        pos = rxg_below(rng, (uint32_t)n);
        while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80) pos--;
    }
    size_t len = 0; /* length of the code point at pos */
    if (pos < n) {
        len = 1;
        while (pos + len < n && ((unsigned char)s[pos + len] & 0xC0) == 0x80) len++;
    }
    uint32_t op = rxg_below(rng, 3);
    char b[4];
    size_t k = rxg_put_utf8(b, 0, 4, RXG_ODD[rxg_below(rng, sizeof RXG_ODD / sizeof *RXG_ODD)]);
    if (op == 2 && len) { /* delete */
        memmove(s + pos, s + pos + len, n - pos - len);
        n -= len;
    } else {
        size_t del = op == 0 ? len : 0; /* replace or insert */
        if (n - del + k >= cap) return n;
        memmove(s + pos + k, s + pos + del, n - pos - del);
        memcpy(s + pos, b, k);
        n = n - del + k;
    }
    s[n] = 0;
    return n;
}

#endif
