/* Patterns: Java regex dialect (java.util.regex, as written in AWS models) -> PCRE2.
 *
 * The translator is a port of the recursive-descent parser of OpenJDK's java.util.regex.Pattern
 * (expr, sequence, atom, closure, group0, clazz, range, escape, family), emitting PCRE2 syntax
 * instead of building nodes, so that the quirks of Java's grammar (what is a literal, what a
 * quantifier applies to, how classes nest and intersect) come out the same. Every construct is
 * emitted with an explicit meaning that does not depend on PCRE2 options or character tables:
 * ASCII-only \w \d \s \b, Java line terminators for . ^ $, ASCII case folding for (?i), etc.
 *
 * Java first rewrites \Q...\E into escaped text (Pattern.RemoveQEQuoting); we produce that
 * rewritten stream lazily ("virtual" positions) because translation must not allocate.
 *
 * This is the only file that includes pcre2.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_regex.h"
#include "awsval_rx.h"

/* ------------------------------------------------------------------------------------------ */
/* Limits                                                                                      */
/* ------------------------------------------------------------------------------------------ */

#define MAX_DEPTH 100u          /* nesting of groups and classes; PCRE2's own limit is 250 */
#define MAX_OUT (1u << 20)      /* translated patterns larger than this are refused */
#define PCRE2_MAX_REP 65535u    /* largest count PCRE2 accepts in {n,m} */
#define JAVA_INF 0x7FFFFFFFu    /* Java's MAX_REPS: an unbounded repeat */

/* Java's inline flags (Pattern constants renamed). */
enum {
    F_CI = 1u << 0,       /* CASE_INSENSITIVE (?i) */
    F_ML = 1u << 1,       /* MULTILINE (?m) */
    F_DOTALL = 1u << 2,   /* DOTALL (?s) */
    F_UNIX = 1u << 3,     /* UNIX_LINES (?d) */
    F_UC = 1u << 4,       /* UNICODE_CASE (?u) */
    F_COMMENTS = 1u << 5, /* COMMENTS (?x) */
    F_UCC = 1u << 6,      /* UNICODE_CHARACTER_CLASS (?U) */
    F_CANON = 1u << 7     /* CANON_EQ (?c): accepted, no effect (see README) */
};

/* What an emitted piece is, for quantifiers and class algebra. */
enum {
    K_EMPTY, /* nothing emitted (Java's empty slice) */
    K_POS,   /* "[items]": one code point, mergeable with another K_POS */
    K_NEG,   /* "[^items]" */
    K_ATOM,  /* one quantifiable PCRE2 atom (literal, group, escape) */
    K_SEQ,   /* needs (?:...) before a quantifier: (?=A)B, (?!) */
    K_GROUP, /* a group (...), (?:...), (?>...) */
    K_ZW,    /* a zero-width assertion: quantified, it is tried once or not at all */
    K_NEVER  /* "(?!)": a set that matches nothing */
};

/* ------------------------------------------------------------------------------------------ */
/* Parser state                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* A position in the \Q..\E-rewritten pattern: the source unit at off, the sub-th character it
 * expands to, and the quoting state there. Past the end, sub counts the steps beyond it. */
typedef struct vpos {
    size_t off;
    uint32_t sub;
    uint8_t inq, bq;
} vpos;

#define HIST 8u /* Java's parser steps back at most a few characters (unread) */
typedef struct cursor {
    vpos cur;
    vpos hist[HIST];
    unsigned nh, hp;
} cursor;

typedef struct parser {
    const unsigned char *src;
    size_t len;
    cursor c;
    unsigned flags;
    unsigned depth;
    unsigned groups;       /* capturing groups opened so far (Java's capturingGroupCount - 1) */
    unsigned total_groups; /* from the first pass; UINT_MAX during it */
    unsigned refs;         /* back-references seen */
    unsigned any_refs;     /* from the first pass: does the pattern use back-references? */
    unsigned ndefs;        /* (?(DEFINE)...) groups emitted, for unique names */
    /* output */
    char *out;
    size_t cap, olen, peak;
    int ovf;
    /* name-scan mode: find a named group (want) before offset stop; emits nothing useful */
    const unsigned char *want;
    size_t want_len, stop;
    int found;
    jmp_buf jb;
    size_t erroff;
    const char *errmsg;
} parser;

static void fail(parser *p, const char *msg) {
    p->errmsg = msg;
    p->erroff = p->c.cur.off < p->len ? p->c.cur.off : p->len;
    longjmp(p->jb, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* UTF-8                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid (overlong, surrogate, > U+10FFFF). */
static size_t utf8_valid_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2 || c > 0xF4) return 0;
    size_t k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;
    if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogates */
    if (c == 0xF0 && s[1] < 0x90) return 0;
    if (c == 0xF4 && s[1] >= 0x90) return 0;
    return k;
}

/* Decodes the (pre-validated) code point at src[off]; *n gets its length. */
static uint32_t dec(const parser *p, size_t off, size_t *n) {
    const unsigned char *s = p->src + off;
    if (s[0] < 0x80) { *n = 1; return s[0]; }
    if (s[0] < 0xE0) { *n = 2; return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F); }
    if (s[0] < 0xF0) {
        *n = 3;
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *n = 4;
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* ------------------------------------------------------------------------------------------ */
/* The \Q..\E-rewritten stream (Pattern.RemoveQEQuoting, computed lazily)                     */
/* ------------------------------------------------------------------------------------------ */

static int is_ascii_alpha(uint32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_ascii_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int is_ascii_alnum(uint32_t c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
static int is_hex(uint32_t c) { return is_ascii_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static uint32_t hexval(uint32_t c) { return is_ascii_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }
static int is_space(uint32_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); } /* ASCII.isSpace */

/* The expansion of the source unit at (off, inq, bq): how many virtual characters (0 for a
 * \Q or \E marker), how many source bytes it covers, and the quoting state after it. */
typedef struct unit {
    unsigned nv;
    size_t adv;
    uint8_t inq, bq;
    uint32_t c; /* the source code point */
} unit;

static unit unit_at(const parser *p, size_t off, int inq, int bq) {
    unit u;
    size_t n;
    u.c = dec(p, off, &n);
    int has_next = off + 1 < p->len;
    uint32_t d = has_next ? p->src[off + 1] : 0;
    if (!inq) {
        u.inq = 0;
        u.bq = 0;
        if (u.c == '\\' && d == 'Q') { u.nv = 0; u.adv = 2; u.inq = 1; u.bq = 1; return u; }
        if (u.c == '\\' && has_next) {
            size_t n2;
            (void)dec(p, off + 1, &n2);
            u.nv = 2;
            u.adv = 1 + n2;
            return u;
        }
        u.nv = 1;
        u.adv = n;
        return u;
    }
    u.inq = 1;
    u.bq = 0;
    if (u.c == '\\') {
        if (d == 'E') { u.nv = 0; u.adv = 2; u.inq = 0; return u; }
        u.nv = 2; /* "\\\\" */
        u.adv = 1;
        return u;
    }
    u.adv = n;
    if (u.c >= 0x80 || is_ascii_alpha(u.c)) u.nv = 1;
    else if (is_ascii_digit(u.c)) u.nv = bq ? 4 : 1; /* "\x3d" so that it joins no escape */
    else u.nv = 2;                                      /* "\c" */
    return u;
}

static void vnorm(const parser *p, vpos *v) {
    while (v->off < p->len && v->sub == 0) {
        unit u = unit_at(p, v->off, v->inq, v->bq);
        if (u.nv != 0) return;
        v->off += u.adv;
        v->inq = u.inq;
        v->bq = u.bq;
    }
}

static uint32_t vget(const parser *p, vpos v) {
    if (v.off >= p->len) return 0;
    unit u = unit_at(p, v.off, v.inq, v.bq);
    if (!v.inq) {
        if (u.c != '\\') return u.c;
        if (v.sub == 0) return '\\';
        size_t n;
        return dec(p, v.off + 1, &n);
    }
    if (u.c == '\\') return '\\';
    if (u.nv == 1) return u.c;
    if (u.nv == 4) return v.sub == 3 ? u.c : (uint32_t)"\\x3"[v.sub];
    return v.sub == 0 ? '\\' : u.c;
}

static vpos vnext(const parser *p, vpos v) {
    if (v.off >= p->len) { v.sub++; return v; }
    unit u = unit_at(p, v.off, v.inq, v.bq);
    if (v.sub + 1 < u.nv) { v.sub++; return v; }
    v.off += u.adv;
    v.sub = 0;
    v.inq = u.inq;
    v.bq = u.bq;
    vnorm(p, &v);
    return v;
}

/* Java's cursor operations. */
static int at_end(const parser *p) { return p->c.cur.off >= p->len; }
static uint32_t cp(const parser *p) { return vget(p, p->c.cur); }
static void adv(parser *p) {
    if (p->c.cur.off >= p->len && p->c.cur.sub > 4) fail(p, "unexpected end of pattern");
    p->c.hist[p->c.hp] = p->c.cur;
    p->c.hp = (p->c.hp + 1) % HIST;
    if (p->c.nh < HIST) p->c.nh++;
    p->c.cur = vnext(p, p->c.cur);
}
static void unread(parser *p) {
    if (p->c.nh == 0) fail(p, "internal error: cannot step back");
    p->c.hp = (p->c.hp + HIST - 1) % HIST;
    p->c.nh--;
    p->c.cur = p->c.hist[p->c.hp];
}
static uint32_t prevch(const parser *p) { /* temp[cursor-1] */
    if (p->c.nh == 0) return 0;
    return vget(p, p->c.hist[(p->c.hp + HIST - 1) % HIST]);
}
static uint32_t nextch_raw(const parser *p) { return vget(p, vnext(p, p->c.cur)); } /* temp[cursor+1] */

static int is_line_sep(const parser *p, uint32_t ch) {
    if (p->flags & F_UNIX) return ch == '\n';
    return ch == '\n' || ch == '\r' || (ch | 1) == 0x2029 || ch == 0x85;
}
static uint32_t peek_past_line(parser *p) {
    adv(p);
    uint32_t ch = cp(p);
    while (ch != 0 && !is_line_sep(p, ch)) { adv(p); ch = cp(p); }
    return ch;
}
static uint32_t peek_past_ws(parser *p, uint32_t ch) {
    while (is_space(ch) || ch == '#') {
        while (is_space(ch)) { adv(p); ch = cp(p); }
        if (ch == '#') ch = peek_past_line(p);
    }
    return ch;
}
static uint32_t parse_past_line(parser *p) {
    uint32_t ch = cp(p);
    adv(p);
    while (ch != 0 && !is_line_sep(p, ch)) { ch = cp(p); adv(p); }
    return ch;
}
static uint32_t parse_past_ws(parser *p, uint32_t ch) {
    while (is_space(ch) || ch == '#') {
        while (is_space(ch)) { ch = cp(p); adv(p); }
        if (ch == '#') ch = parse_past_line(p);
    }
    return ch;
}
static uint32_t peek(parser *p) {
    uint32_t ch = cp(p);
    if (p->flags & F_COMMENTS) ch = peek_past_ws(p, ch);
    return ch;
}
static uint32_t read_(parser *p) {
    uint32_t ch = cp(p);
    adv(p);
    if (p->flags & F_COMMENTS) ch = parse_past_ws(p, ch);
    return ch;
}
static uint32_t next(parser *p) {
    adv(p);
    uint32_t ch = cp(p);
    if (p->flags & F_COMMENTS) ch = peek_past_ws(p, ch);
    return ch;
}
static uint32_t next_escaped(parser *p) { adv(p); return cp(p); }
static uint32_t skip(parser *p) { uint32_t ch = nextch_raw(p); adv(p); adv(p); return ch; }
static void accept(parser *p, uint32_t ch, const char *msg) {
    uint32_t t = cp(p);
    adv(p);
    if (p->flags & F_COMMENTS) t = parse_past_ws(p, t);
    if (t != ch) fail(p, msg);
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Once the buffer is too small we only count (ovf); the caller retries with *need bytes.
 * peak, not the final length, is what a retry needs, as pieces are removed after emission. */
static void grow(parser *p, size_t n) {
    if (p->olen + n > MAX_OUT) fail(p, "translated pattern too large");
    if (!p->ovf && p->olen + n + 1 > p->cap) p->ovf = 1;
}
static void track(parser *p) { if (p->olen > p->peak) p->peak = p->olen; }
static void w_put(parser *p, const char *s, size_t n) {
    grow(p, n);
    if (!p->ovf) memcpy(p->out + p->olen, s, n);
    p->olen += n;
    track(p);
}
static void w_str(parser *p, const char *s) { w_put(p, s, strlen(s)); }
static void w_ins(parser *p, size_t pos, const char *s, size_t n) {
    grow(p, n);
    if (!p->ovf) {
        memmove(p->out + pos + n, p->out + pos, p->olen - pos);
        memcpy(p->out + pos, s, n);
    }
    p->olen += n;
    track(p);
}
static void w_del(parser *p, size_t pos, size_t n) {
    if (!p->ovf) memmove(p->out + pos, p->out + pos + n, p->olen - pos - n);
    p->olen -= n;
}
static void w_copy(parser *p, size_t from, size_t n) {
    grow(p, n);
    if (!p->ovf) memmove(p->out + p->olen, p->out + from, n);
    p->olen += n;
    track(p);
}
static void w_cut(parser *p, size_t pos) { p->olen = pos; }


static void w_hex(parser *p, uint32_t c) {
    char b[16];
    int n = snprintf(b, sizeof b, "\\x{%x}", (unsigned)c);
    w_put(p, b, (size_t)n);
}
static void w_uint(parser *p, uint32_t v) {
    char b[16];
    int n = snprintf(b, sizeof b, "%u", (unsigned)v);
    w_put(p, b, (size_t)n);
}

/* A code point as a PCRE2 literal, valid both inside and outside brackets. */
static void w_cp(parser *p, uint32_t c) {
    if (c < 0x80 && is_ascii_alnum(c)) {
        char ch = (char)c;
        w_put(p, &ch, 1);
    } else if (c > 0x20 && c < 0x7F) {
        char b[2] = {'\\', (char)c};
        w_put(p, b, 2);
    } else {
        w_hex(p, c);
    }
}

static int is_surrogate(uint32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

/* ------------------------------------------------------------------------------------------ */
/* Sets                                                                                        */
/* ------------------------------------------------------------------------------------------ */

#define ANY_ITEMS "\\x{0}-\\x{10ffff}"

/* Emits bracket items for the range lo..hi (Java Range / CIRange), leaving out surrogates,
 * which no valid UTF-8 subject contains. Returns the number of items written. */
static int w_range_items(parser *p, uint32_t lo, uint32_t hi) {
    int n = 0;
    uint32_t parts[2][2] = {{lo, hi < 0xD7FF ? hi : 0xD7FF}, {lo > 0xE000 ? lo : 0xE000, hi}};
    for (int i = 0; i < 2; i++) {
        uint32_t a = parts[i][0], b = parts[i][1];
        if (a > b || (i == 1 && hi < 0xE000) || (i == 0 && lo > 0xD7FF)) continue;
        w_cp(p, a);
        if (b != a) { w_str(p, "-"); w_cp(p, b); }
        n++;
    }
    if ((p->flags & (F_CI | F_UC)) == F_CI) {
        /* CIRange: an ASCII character also matches if its other case is in the range */
        uint32_t a = lo > 'A' ? lo : 'A', b = hi < 'Z' ? hi : 'Z';
        if (a <= b) { w_cp(p, a + 32); if (b != a) { w_str(p, "-"); w_cp(p, b + 32); } n++; }
        a = lo > 'a' ? lo : 'a';
        b = hi < 'z' ? hi : 'z';
        if (a <= b) { w_cp(p, a - 32); if (b != a) { w_str(p, "-"); w_cp(p, b - 32); } n++; }
    }
    return n;
}

/* A single character or range as a set piece. Under (?iu) PCRE2's Unicode caseless matching
 * stands in for Java's toUpperCase/toLowerCase folding. */
static int w_range_set(parser *p, uint32_t lo, uint32_t hi) {
    size_t s = p->olen;
    int ciu = (p->flags & (F_CI | F_UC)) == (F_CI | F_UC);
    w_str(p, ciu ? "(?i:[" : "[");
    if (w_range_items(p, lo, hi) == 0) {
        w_cut(p, s);
        w_str(p, "(?!)");
        return K_NEVER;
    }
    w_str(p, ciu ? "])" : "]");
    return ciu ? K_ATOM : K_POS;
}

/* A literal character outside classes (Java Single / SingleI / SingleU / slices). */
static int w_literal(parser *p, uint32_t c) {
    if (is_surrogate(c)) { w_str(p, "(?!)"); return K_NEVER; }
    if ((p->flags & F_CI) && !(p->flags & F_UC)) {
        if (is_ascii_alpha(c)) {
            char b[4] = {'[', (char)(c | 0x20), (char)(c & ~0x20u), ']'};
            w_put(p, b, 4);
            return K_POS;
        }
    } else if ((p->flags & F_CI) && !(c < 0x80 && !is_ascii_alpha(c))) {
        w_str(p, "(?i:");
        w_cp(p, c);
        w_str(p, ")");
        return K_ATOM;
    }
    w_cp(p, c);
    return K_ATOM;
}

/* A predicate: bracket items, possibly meaning the complement. */
typedef struct pred {
    const char *items;
    const char *comp; /* items of the complement, if cheap to write; else NULL */
    int neg;
} pred;

static const pred P_DIGIT = {"0-9", "\\x{0}-/:-\\x{10ffff}", 0};
static const pred P_WORD = {"0-9A-Z_a-z", "\\x{0}-/:-@\\[-\\^`\\{-\\x{10ffff}", 0};
static const pred P_SPACE = {"\\t-\\r ", "\\x{0}-\\x{8}\\x{e}-\\x{1f}!-\\x{10ffff}", 0};
static const pred P_H = {"\\t \\x{a0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}",
                         NULL, 0};
static const pred P_V = {"\\n-\\r\\x{85}\\x{2028}\\x{2029}", NULL, 0};
/* (?U) versions (CharPredicates.DIGIT/WHITE_SPACE/WORD) */
static const pred P_UDIGIT = {"\\p{Nd}", "\\P{Nd}", 0};
static const pred P_USPACE = {"\\t-\\r\\x{85}\\p{Z}", NULL, 0};
static const pred P_UWORD = {"\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}", NULL, 0};

/* Emits a predicate (or its complement) as a set piece. */
static int w_pred(parser *p, const pred *pd, int comp) {
    int neg = pd->neg ^ comp;
    const char *items = pd->items;
    if (comp && pd->comp) { items = pd->comp; neg = 0; }
    w_str(p, neg ? "[^" : "[");
    w_str(p, items);
    w_str(p, "]");
    return neg ? K_NEG : K_POS;
}

/* Class algebra on emitted text. The left operand occupies [ls, xs), the right [xs, xe); text
 * after xe (if any) is shifted along. */
static int set_union_at(parser *p, size_t ls, int lk, size_t xs, int xk, size_t xe) {
    if (lk == K_EMPTY) return xk;
    if (xk == K_EMPTY) return lk;
    if (xk == K_NEVER) { w_del(p, xs, xe - xs); return lk; }
    if (lk == K_NEVER) { w_del(p, ls, xs - ls); return xk; }
    if (lk == K_POS && xk == K_POS) {
        /* "[a][b]" -> "[ab]" */
        w_del(p, xs, 1);
        w_del(p, xs - 1, 1);
        return K_POS;
    }
    w_ins(p, xe, ")", 1);
    w_ins(p, xs, "|", 1);
    w_ins(p, ls, "(?:", 3);
    return K_ATOM;
}
static int set_union(parser *p, size_t ls, int lk, size_t xs, int xk) {
    return set_union_at(p, ls, lk, xs, xk, p->olen);
}
static int set_and(parser *p, size_t ls, int lk, size_t xs, int xk) {
    if (lk == K_NEVER || xk == K_NEVER) {
        w_cut(p, ls);
        w_str(p, "(?!)");
        return K_NEVER;
    }
    w_ins(p, xs, ")", 1);
    w_ins(p, ls, "(?=", 3);
    return K_SEQ;
}
static int set_negate(parser *p, size_t ls, int lk) {
    switch (lk) {
    case K_POS: w_ins(p, ls + 1, "^", 1); return K_NEG;
    case K_NEG: w_del(p, ls + 1, 1); return K_POS;
    case K_NEVER: w_cut(p, ls); w_str(p, "[" ANY_ITEMS "]"); return K_POS;
    default:
        w_ins(p, ls, "(?:(?!", 6);
        w_str(p, ")[" ANY_ITEMS "])");
        return K_ATOM;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Properties (Pattern.family, CharPredicates)                                                 */
/* ------------------------------------------------------------------------------------------ */

typedef struct named_pred {
    const char *name;
    pred pd;
    int ci_variant; /* index into the case-insensitive replacement, 0 = none */
} named_pred;

#define CASED_ITEMS "\\p{Lowercase}\\p{Uppercase}\\p{Lt}"
#define LCASE_ITEMS "\\p{Ll}\\p{Lu}\\p{Lt}"

/* CharPredicates.forProperty: case-sensitive names. */
static const named_pred JAVA_PROPS[] = {
    {"Cn", {"\\p{Cn}", "\\P{Cn}", 0}, 0}, {"Lu", {"\\p{Lu}", "\\P{Lu}", 0}, 2},
    {"Ll", {"\\p{Ll}", "\\P{Ll}", 0}, 2}, {"Lt", {"\\p{Lt}", "\\P{Lt}", 0}, 2},
    {"Lm", {"\\p{Lm}", "\\P{Lm}", 0}, 0}, {"Lo", {"\\p{Lo}", "\\P{Lo}", 0}, 0},
    {"Mn", {"\\p{Mn}", "\\P{Mn}", 0}, 0}, {"Me", {"\\p{Me}", "\\P{Me}", 0}, 0},
    {"Mc", {"\\p{Mc}", "\\P{Mc}", 0}, 0}, {"Nd", {"\\p{Nd}", "\\P{Nd}", 0}, 0},
    {"Nl", {"\\p{Nl}", "\\P{Nl}", 0}, 0}, {"No", {"\\p{No}", "\\P{No}", 0}, 0},
    {"Zs", {"\\p{Zs}", "\\P{Zs}", 0}, 0}, {"Zl", {"\\p{Zl}", "\\P{Zl}", 0}, 0},
    {"Zp", {"\\p{Zp}", "\\P{Zp}", 0}, 0}, {"Cc", {"\\p{Cc}", "\\P{Cc}", 0}, 0},
    {"Cf", {"\\p{Cf}", "\\P{Cf}", 0}, 0}, {"Co", {"\\p{Co}", "\\P{Co}", 0}, 0},
    {"Cs", {"\\p{Cs}", "\\P{Cs}", 0}, 0}, {"Pd", {"\\p{Pd}", "\\P{Pd}", 0}, 0},
    {"Ps", {"\\p{Ps}", "\\P{Ps}", 0}, 0}, {"Pe", {"\\p{Pe}", "\\P{Pe}", 0}, 0},
    {"Pc", {"\\p{Pc}", "\\P{Pc}", 0}, 0}, {"Po", {"\\p{Po}", "\\P{Po}", 0}, 0},
    {"Sm", {"\\p{Sm}", "\\P{Sm}", 0}, 0}, {"Sc", {"\\p{Sc}", "\\P{Sc}", 0}, 0},
    {"Sk", {"\\p{Sk}", "\\P{Sk}", 0}, 0}, {"So", {"\\p{So}", "\\P{So}", 0}, 0},
    {"Pi", {"\\p{Pi}", "\\P{Pi}", 0}, 0}, {"Pf", {"\\p{Pf}", "\\P{Pf}", 0}, 0},
    {"L", {"\\p{L}", "\\P{L}", 0}, 0},    {"M", {"\\p{M}", "\\P{M}", 0}, 0},
    {"N", {"\\p{N}", "\\P{N}", 0}, 0},    {"Z", {"\\p{Z}", "\\P{Z}", 0}, 0},
    {"C", {"\\p{C}", "\\P{C}", 0}, 0},    {"P", {"\\p{P}", "\\P{P}", 0}, 0},
    {"S", {"\\p{S}", "\\P{S}", 0}, 0},    {"LC", {LCASE_ITEMS, NULL, 0}, 0},
    {"LD", {"\\p{L}\\p{Nd}", NULL, 0}, 0},
    {"L1", {"\\x{0}-\\x{ff}", "\\x{100}-\\x{10ffff}", 0}, 0},
    {"all", {ANY_ITEMS, NULL, 0}, 0},
    {"ASCII", {"\\x{0}-\\x{7f}", "\\x{80}-\\x{10ffff}", 0}, 0},
    /* POSIX classes are ASCII-only in Java (ASCII.java ctype table) */
    {"Alnum", {"0-9A-Za-z", NULL, 0}, 0},
    {"Alpha", {"A-Za-z", NULL, 0}, 0},
    {"Blank", {"\\t ", NULL, 0}, 0},
    {"Cntrl", {"\\x{0}-\\x{1f}\\x{7f}", NULL, 0}, 0},
    {"Digit", {"0-9", "\\x{0}-/:-\\x{10ffff}", 0}, 0},
    {"Graph", {"!-~", NULL, 0}, 0},
    {"Lower", {"a-z", NULL, 0}, 1},
    {"Print", {" -~", NULL, 0}, 0},
    {"Punct", {"!-/:-@\\[-`\\{-~", NULL, 0}, 0},
    {"Space", {"\\t-\\r ", NULL, 0}, 0},
    {"Upper", {"A-Z", NULL, 0}, 1},
    {"XDigit", {"0-9A-Fa-f", NULL, 0}, 0},
    /* java.lang.Character methods */
    {"javaLowerCase", {"\\p{Lowercase}", NULL, 0}, 3},
    {"javaUpperCase", {"\\p{Uppercase}", NULL, 0}, 3},
    {"javaTitleCase", {"\\p{Lt}", NULL, 0}, 3},
    {"javaAlphabetic", {"\\p{Alphabetic}", NULL, 0}, 0},
    {"javaIdeographic", {"\\p{Ideographic}", NULL, 0}, 0},
    {"javaDigit", {"\\p{Nd}", NULL, 0}, 0},
    {"javaDefined", {"\\P{Cn}", NULL, 0}, 0},
    {"javaLetter", {"\\p{L}", NULL, 0}, 0},
    {"javaLetterOrDigit", {"\\p{L}\\p{Nd}", NULL, 0}, 0},
    {"javaJavaIdentifierStart", {"\\p{L}\\p{Nl}\\p{Sc}\\p{Pc}", NULL, 0}, 0},
    {"javaJavaIdentifierPart",
     {"\\p{L}\\p{Sc}\\p{Pc}\\p{Nd}\\p{Nl}\\p{Mc}\\p{Mn}\\x{0}-\\x{8}\\x{e}-\\x{1b}\\x{7f}-\\x{9f}\\p{Cf}",
      NULL, 0},
     0},
    {"javaUnicodeIdentifierStart", {"\\p{ID_Start}\\x{2e2f}", NULL, 0}, 0},
    {"javaUnicodeIdentifierPart",
     {"\\p{ID_Continue}\\x{2e2f}\\x{0}-\\x{8}\\x{e}-\\x{1b}\\x{7f}-\\x{9f}\\p{Cf}", NULL, 0},
     0},
    {"javaIdentifierIgnorable", {"\\x{0}-\\x{8}\\x{e}-\\x{1b}\\x{7f}-\\x{9f}\\p{Cf}", NULL, 0}, 0},
    {"javaSpaceChar", {"\\p{Z}", "\\P{Z}", 0}, 0},
    {"javaWhitespace",
     {"\\t-\\r\\x{1c}-\\x{1f} \\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200a}\\x{2028}\\x{2029}"
      "\\x{205f}\\x{3000}",
      NULL, 0},
     0},
    {"javaISOControl", {"\\x{0}-\\x{1f}\\x{7f}-\\x{9f}", NULL, 0}, 0},
    {"javaMirrored", {"\\p{Bidi_Mirrored}", NULL, 0}, 0},
};

/* CharPredicates.getUnicodePredicate / getPosixPredicate (Unicode meanings), upper-case keys. */
static const named_pred UNI_PROPS[] = {
    {"ALPHABETIC", {"\\p{Alphabetic}", NULL, 0}, 0},
    {"ASSIGNED", {"\\P{Cn}", "\\p{Cn}", 0}, 0},
    {"CONTROL", {"\\p{Cc}", "\\P{Cc}", 0}, 0},
    {"EMOJI", {"\\p{Emoji}", NULL, 0}, 0},
    {"EMOJI_PRESENTATION", {"\\p{Emoji_Presentation}", NULL, 0}, 0},
    {"EMOJI_MODIFIER", {"\\p{Emoji_Modifier}", NULL, 0}, 0},
    {"EMOJI_MODIFIER_BASE", {"\\p{Emoji_Modifier_Base}", NULL, 0}, 0},
    {"EMOJI_COMPONENT", {"\\p{Emoji_Component}", NULL, 0}, 0},
    {"EXTENDED_PICTOGRAPHIC", {"\\p{Extended_Pictographic}", NULL, 0}, 0},
    {"HEXDIGIT", {"\\p{Nd}A-Fa-f\\x{ff21}-\\x{ff26}\\x{ff41}-\\x{ff46}", NULL, 0}, 0},
    {"HEX_DIGIT", {"\\p{Nd}A-Fa-f\\x{ff21}-\\x{ff26}\\x{ff41}-\\x{ff46}", NULL, 0}, 0},
    {"IDEOGRAPHIC", {"\\p{Ideographic}", NULL, 0}, 0},
    {"JOINCONTROL", {"\\x{200c}\\x{200d}", NULL, 0}, 0},
    {"JOIN_CONTROL", {"\\x{200c}\\x{200d}", NULL, 0}, 0},
    {"LETTER", {"\\p{L}", "\\P{L}", 0}, 0},
    {"LOWERCASE", {"\\p{Lowercase}", NULL, 0}, 3},
    {"NONCHARACTERCODEPOINT", {"\\p{Noncharacter_Code_Point}", NULL, 0}, 0},
    {"NONCHARACTER_CODE_POINT", {"\\p{Noncharacter_Code_Point}", NULL, 0}, 0},
    {"TITLECASE", {"\\p{Lt}", NULL, 0}, 3},
    {"PUNCTUATION", {"\\p{P}", "\\P{P}", 0}, 0},
    {"UPPERCASE", {"\\p{Uppercase}", NULL, 0}, 3},
    {"WHITESPACE", {"\\t-\\r\\x{85}\\p{Z}", NULL, 0}, 0},
    {"WHITE_SPACE", {"\\t-\\r\\x{85}\\p{Z}", NULL, 0}, 0},
    {"WORD", {"\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}", NULL, 0}, 0},
};
static const named_pred POSIX_UNI[] = {
    {"ALPHA", {"\\p{Alphabetic}", NULL, 0}, 0},
    {"LOWER", {"\\p{Lowercase}", NULL, 0}, 3},
    {"UPPER", {"\\p{Uppercase}", NULL, 0}, 3},
    {"SPACE", {"\\t-\\r\\x{85}\\p{Z}", NULL, 0}, 0},
    {"PUNCT", {"\\p{P}", "\\P{P}", 0}, 0},
    {"XDIGIT", {"\\p{Nd}A-Fa-f\\x{ff21}-\\x{ff26}\\x{ff41}-\\x{ff46}", NULL, 0}, 0},
    {"ALNUM", {"\\p{Alphabetic}\\p{Nd}", NULL, 0}, 0},
    {"CNTRL", {"\\p{Cc}", "\\P{Cc}", 0}, 0},
    {"DIGIT", {"\\p{Nd}", "\\P{Nd}", 0}, 0},
    {"BLANK", {"\\p{Zs}\\t", NULL, 0}, 0},
    {"GRAPH", {"\\p{Z}\\p{Cc}\\p{Cs}\\p{Cn}", NULL, 1}, 0},
    {"PRINT", {"\\p{Zl}\\p{Zp}\\p{Cc}\\p{Cs}\\p{Cn}", NULL, 1}, 0},
};
/* Replacements under CASE_INSENSITIVE (ci_variant index - 1). */
static const pred CI_PREDS[] = {
    {"A-Za-z", NULL, 0},       /* \p{Lower} \p{Upper} */
    {LCASE_ITEMS, NULL, 0},    /* \p{Lu} \p{Ll} \p{Lt} */
    {CASED_ITEMS, NULL, 0},    /* Lowercase / Uppercase / Titlecase */
};

static const pred *find_pred(const named_pred *t, size_t n, const char *name, unsigned flags) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0) {
            if ((flags & F_CI) && t[i].ci_variant) return &CI_PREDS[t[i].ci_variant - 1];
            return &t[i].pd;
        }
    }
    return NULL;
}

/* A script name for \p{sc:...}: Java accepts UnicodeScript names and ISO 15924 codes. */
static int script_name_ok(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!is_ascii_alnum((unsigned char)*s) && *s != '_') return 0;
    return 1;
}

/* Pattern.family: parses the property name after \p / \P and emits it as a set piece. */
static int family(parser *p, int one_letter, int comp) {
    char name[64];
    size_t n = 0;
    next(p);
    if (one_letter) {
        uint32_t c = cp(p);
        if (c == 0 && at_end(p)) fail(p, "Unknown character property name");
        if (c >= 0x80) fail(p, "Unknown character property name");
        name[n++] = (char)c;
        read_(p);
    } else {
        /* Java scans for '}' over the raw (rewritten) characters */
        for (;;) {
            if (at_end(p)) fail(p, "Unclosed character family");
            uint32_t c = cp(p);
            adv(p);
            if (c == '}') break;
            if (n + 1 >= sizeof name || c >= 0x80 || c == 0) n = sizeof name; /* unknown */
            else name[n++] = (char)c;
        }
        if (n == 0) fail(p, "Empty character family");
        if (n >= sizeof name) fail(p, "Unknown character property name");
    }
    name[n] = 0;

    const pred *pd = NULL;
    char buf[96];
    pred dyn = {NULL, NULL, 0};
    char *eq = strchr(name, '=');
    if (eq) {
        *eq = 0;
        const char *val = eq + 1;
        for (char *q = name; *q; q++)
            if (*q >= 'A' && *q <= 'Z') *q = (char)(*q + 32);
        if (!strcmp(name, "sc") || !strcmp(name, "script")) {
            if (script_name_ok(val)) {
                snprintf(buf, sizeof buf, "\\p{sc:%s}", val);
                dyn.items = buf;
                pd = &dyn;
            }
        } else if (!strcmp(name, "blk") || !strcmp(name, "block")) {
            fail(p, "Unicode blocks are not supported");
        } else if (!strcmp(name, "gc") || !strcmp(name, "general_category")) {
            pd = find_pred(JAVA_PROPS, sizeof JAVA_PROPS / sizeof *JAVA_PROPS, val, p->flags);
        }
        if (!pd) fail(p, "Unknown Unicode property");
    } else if (name[0] == 'I' && name[1] == 'n') {
        fail(p, "Unicode blocks are not supported");
    } else if (name[0] == 'I' && name[1] == 's') {
        char up[64];
        size_t i = 0;
        for (; name[2 + i]; i++) {
            char ch = name[2 + i];
            up[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
        }
        up[i] = 0;
        pd = find_pred(UNI_PROPS, sizeof UNI_PROPS / sizeof *UNI_PROPS, up, p->flags);
        if (!pd) pd = find_pred(POSIX_UNI, sizeof POSIX_UNI / sizeof *POSIX_UNI, up, p->flags);
        if (!pd) pd = find_pred(JAVA_PROPS, sizeof JAVA_PROPS / sizeof *JAVA_PROPS, name + 2, p->flags);
        if (!pd && script_name_ok(name + 2)) {
            snprintf(buf, sizeof buf, "\\p{sc:%s}", name + 2);
            dyn.items = buf;
            pd = &dyn;
        }
    } else {
        if (p->flags & F_UCC) {
            char up[64];
            size_t i = 0;
            for (; name[i]; i++) up[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
            up[i] = 0;
            pd = find_pred(POSIX_UNI, sizeof POSIX_UNI / sizeof *POSIX_UNI, up, p->flags);
        }
        if (!pd) pd = find_pred(JAVA_PROPS, sizeof JAVA_PROPS / sizeof *JAVA_PROPS, name, p->flags);
    }
    if (!pd) fail(p, "Unknown character property name");
    return w_pred(p, pd, comp);
}

/* ------------------------------------------------------------------------------------------ */
/* Anchors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Pattern.Dollar / UnixDollar. Non-multiline: at the end, or before a final line terminator
 * (\r\n counts as one; no match between \r and \n). */
static void w_dollar(parser *p, int multiline) {
    if (p->flags & F_UNIX) {
        w_str(p, multiline ? "(?=\\n|\\z)" : "(?=\\n?\\z)");
    } else if (multiline) {
        w_str(p, "(?=\\z|(?<!\\r)\\n|[\\r\\x{85}\\x{2028}\\x{2029}])");
    } else {
        w_str(p, "(?=\\z|\\r\\n\\z|(?<!\\r)\\n\\z|[\\r\\x{85}\\x{2028}\\x{2029}]\\z)");
    }
}

static void w_caret(parser *p) {
    if (!(p->flags & F_ML)) w_str(p, "\\A");
    else if (p->flags & F_UNIX) w_str(p, "(?!\\z)(?:\\A|(?<=\\n))");
    /* Caret: not at the end of input, and never between \r and \n */
    else w_str(p, "(?!\\z)(?:\\A|(?<=[\\n\\x{85}\\x{2028}\\x{2029}])|(?<=\\r)(?!\\n))");
}

static void w_bound(parser *p, int neg) {
    const char *w = (p->flags & F_UCC) ? "[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200c}\\x{200d}]"
                                       : "[0-9A-Z_a-z]";
    w_str(p, neg ? "(?:(?<=" : "(?:(?<=");
    w_str(p, w);
    w_str(p, neg ? ")(?=" : ")(?!");
    w_str(p, w);
    w_str(p, neg ? ")|(?<!" : ")|(?<!");
    w_str(p, w);
    w_str(p, neg ? ")(?!" : ")(?=");
    w_str(p, w);
    w_str(p, "))");
}

/* ------------------------------------------------------------------------------------------ */
/* Escapes                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static uint32_t esc_c(parser *p) {
    if (!at_end(p)) return read_(p) ^ 64;
    fail(p, "Illegal control escape sequence");
    return 0;
}
static uint32_t esc_o(parser *p) {
    uint32_t n = read_(p);
    if (n >= '0' && n <= '7') {
        uint32_t m = read_(p);
        if (m >= '0' && m <= '7') {
            uint32_t o = read_(p);
            if (o >= '0' && o <= '7' && n <= '3') return (n - '0') * 64 + (m - '0') * 8 + (o - '0');
            unread(p);
            return (n - '0') * 8 + (m - '0');
        }
        unread(p);
        return n - '0';
    }
    fail(p, "Illegal octal escape sequence");
    return 0;
}
static uint32_t esc_x(parser *p) {
    uint32_t n = read_(p);
    if (is_hex(n)) {
        uint32_t m = read_(p);
        if (is_hex(m)) return hexval(n) * 16 + hexval(m);
    } else if (n == '{' && is_hex(peek(p))) {
        uint32_t ch = 0;
        while (is_hex(n = read_(p))) {
            ch = (ch << 4) + hexval(n);
            if (ch > 0x10FFFF) fail(p, "Hexadecimal codepoint is too big");
        }
        if (n != '}') fail(p, "Unclosed hexadecimal escape sequence");
        return ch;
    }
    fail(p, "Illegal hexadecimal escape sequence");
    return 0;
}
static uint32_t uxxxx(parser *p) {
    uint32_t n = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t ch = read_(p);
        if (!is_hex(ch)) fail(p, "Illegal Unicode escape sequence");
        n = n * 16 + hexval(ch);
    }
    return n;
}
static uint32_t esc_u(parser *p) {
    uint32_t n = uxxxx(p);
    if (n >= 0xD800 && n <= 0xDBFF) { /* a UTF-16 pair written as two escapes */
        cursor save = p->c;
        if (read_(p) == '\\' && read_(p) == 'u') {
            uint32_t n2 = uxxxx(p);
            if (n2 >= 0xDC00 && n2 <= 0xDFFF) return 0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00);
        }
        p->c = save;
    }
    return n;
}

static void translate_all(parser *p);

/* setjmp lives here so that the parser state, in the caller's frame, stays well defined after
 * a longjmp. Returns 0 on success, else nonzero (1 = syntax error, 2 = name scan stopped). */
static int run(parser *p) {
    if (setjmp(p->jb) != 0) return 1;
    translate_all(p);
    return 0;
}

/* Does a group named want[0..want_len) start before src offset `stop`? Java resolves \k<name>
 * and duplicate names against the groups parsed so far, so we re-parse the prefix. */
static int name_defined_before(const parser *p, const unsigned char *name, size_t nlen, size_t stop) {
    parser q;
    memset(&q, 0, sizeof q);
    q.src = p->src;
    q.len = stop;
    q.total_groups = UINT_MAX;
    q.want = name;
    q.want_len = nlen;
    q.stop = stop;
    run(&q);
    return q.found;
}

/* Reads a group name (Pattern.groupname): ASCII letter then letters/digits, then '>'. Returns
 * the source span of the name (names never come from \Q quotes: letters are not rewritten). */
static void groupname(parser *p, uint32_t ch, size_t *off, size_t *nlen) {
    if (!is_ascii_alpha(ch)) fail(p, "capturing group name does not start with a Latin letter");
    size_t start = p->c.hist[(p->c.hp + HIST - 1) % HIST].off;
    size_t n = 0;
    do {
        n++;
    } while (is_ascii_alnum(ch = read_(p)));
    if (ch != '>') fail(p, "named capturing group is missing trailing '>'");
    *off = start;
    *nlen = n;
}

/* Pattern.escape. Returns the code point, or -1 when the escape is a node/predicate: with
 * create, outside a class the node is emitted (*kind set); inside a class *pd is set. */
static long escape(parser *p, int inclass, int create, int isrange, int *kind, const pred **pd,
                   int *pcomp) {
    size_t s = p->olen;
    uint32_t ch = skip(p);
    const pred *q = NULL;
    int comp = 0;
    switch (ch) {
    case '0': return esc_o(p);
    case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        if (inclass) break;
        if (create) {
            /* Pattern.ref: more digits only while such a group already exists */
            uint32_t ref = ch - '0';
            for (;;) {
                uint32_t d = peek(p);
                if (!is_ascii_digit(d)) break;
                uint32_t nr = ref * 10 + (d - '0');
                if (p->groups < nr) break;
                ref = nr;
                read_(p);
            }
            p->refs++;
            if (ref > p->total_groups) {
                /* no such group: it can never have matched */
                w_str(p, "(?!)");
                *kind = K_NEVER;
            } else {
                w_str(p, (p->flags & F_CI) ? "(?i:\\g{" : "\\g{");
                w_uint(p, ref);
                w_str(p, (p->flags & F_CI) ? "})" : "}");
                *kind = K_ATOM;
            }
        }
        return -1;
    case 'A':
        if (inclass) break;
        if (create) { w_str(p, "\\A"); *kind = K_ZW; }
        return -1;
    case 'B':
        if (inclass) break;
        if (create) { w_bound(p, 1); *kind = K_ZW; }
        return -1;
    case 'D': q = (p->flags & F_UCC) ? &P_UDIGIT : &P_DIGIT; comp = 1; goto predicate;
    case 'G':
        if (inclass) break;
        if (create) { w_str(p, "\\G"); *kind = K_ZW; }
        return -1;
    case 'H': q = &P_H; comp = 1; goto predicate;
    case 'N': fail(p, "\\N{name} is not supported"); break;
    case 'R':
        if (inclass) break;
        if (create) { w_str(p, "(?:\\r\\n|[\\n-\\r\\x{85}\\x{2028}\\x{2029}])"); *kind = K_ATOM; }
        return -1;
    case 'S': q = (p->flags & F_UCC) ? &P_USPACE : &P_SPACE; comp = 1; goto predicate;
    case 'V': q = &P_V; comp = 1; goto predicate;
    case 'W': q = (p->flags & F_UCC) ? &P_UWORD : &P_WORD; comp = 1; goto predicate;
    case 'X':
        if (inclass) break;
        if (create) { w_str(p, "\\X"); *kind = K_ATOM; }
        return -1;
    case 'Z':
        if (inclass) break;
        if (create) { w_dollar(p, 0); *kind = K_ZW; }
        return -1;
    case 'a': return 7;
    case 'b':
        if (inclass) break;
        if (create) {
            if (peek(p) == '{') {
                if (skip(p) == 'g') fail(p, "\\b{g} is not supported");
                unread(p);
                unread(p);
            }
            w_bound(p, 0);
            *kind = K_ZW;
        }
        return -1;
    case 'c': return esc_c(p);
    case 'd': q = (p->flags & F_UCC) ? &P_UDIGIT : &P_DIGIT; goto predicate;
    case 'e': return 033;
    case 'f': return '\f';
    case 'h': q = &P_H; goto predicate;
    case 'k': {
        if (inclass) break;
        if (read_(p) != '<') fail(p, "\\k is not followed by '<' for named capturing group");
        size_t off, nlen;
        groupname(p, read_(p), &off, &nlen);
        if (!p->want && !name_defined_before(p, p->src + off, nlen, off))
            fail(p, "named capturing group does not exist");
        if (create) {
            p->refs++;
            w_str(p, (p->flags & F_CI) ? "(?i:\\k<" : "\\k<");
            w_put(p, (const char *)p->src + off, nlen);
            w_str(p, (p->flags & F_CI) ? ">)" : ">");
            *kind = K_ATOM;
        }
        return -1;
    }
    case 'n': return '\n';
    case 'r': return '\r';
    case 's': q = (p->flags & F_UCC) ? &P_USPACE : &P_SPACE; goto predicate;
    case 't': return '\t';
    case 'u': return esc_u(p);
    case 'v':
        if (isrange) return 013; /* Java keeps \v = VT as a range endpoint */
        q = &P_V;
        goto predicate;
    case 'w': q = (p->flags & F_UCC) ? &P_UWORD : &P_WORD; goto predicate;
    case 'x': return esc_x(p);
    case 'z':
        if (inclass) break;
        if (create) { w_str(p, "\\z"); *kind = K_ZW; }
        return -1;
    default:
        if (is_ascii_alpha(ch)) break; /* C E F I J K L M O P Q T U Y g i j l m o p q y */
        if (ch == 0 && at_end(p)) fail(p, "Unescaped trailing backslash");
        return ch;
    }
    fail(p, "Illegal/unsupported escape sequence");
    return -1;

predicate:
    if (create) {
        if (inclass) { *pd = q; *pcomp = comp; }
        else { (void)s; *kind = w_pred(p, q, comp); }
    }
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Character classes (Pattern.clazz / range)                                                  */
/* ------------------------------------------------------------------------------------------ */

static int clazz(parser *p, int consume);

static void depth_in(parser *p) {
    if (++p->depth > MAX_DEPTH) fail(p, "pattern nested too deeply");
}

/* Pattern.range: one class item. *bits = 1 when Java would put it in the class's BitClass
 * (a single character below 256), which matters for the && corner cases. */
static int range(parser *p, int *bits) {
    uint32_t ch = peek(p);
    *bits = 0;
    if (ch == '\\') {
        ch = next_escaped(p);
        if (ch == 'p' || ch == 'P') {
            int comp = ch == 'P', one = 1;
            ch = next(p);
            if (ch != '{') unread(p);
            else one = 0;
            return family(p, one, comp);
        }
        int isrange = nextch_raw(p) == '-';
        unread(p);
        const pred *pd = NULL;
        int comp = 0, kind = K_EMPTY;
        long r = escape(p, 1, 1, isrange, &kind, &pd, &comp);
        if (r == -1) return w_pred(p, pd, comp);
        ch = (uint32_t)r;
    } else {
        next(p);
    }
    if (peek(p) == '-') {
        uint32_t end_range = nextch_raw(p);
        if (end_range != '[' && end_range != ']') {
            next(p);
            uint32_t m = peek(p);
            long mm;
            if (m == '\\') {
                int kind = K_EMPTY, comp = 0;
                const pred *pd = NULL;
                mm = escape(p, 1, 0, 1, &kind, &pd, &comp);
            } else {
                next(p);
                mm = m;
            }
            if (mm < (long)ch) fail(p, "Illegal character range");
            return w_range_set(p, ch, (uint32_t)mm);
        }
    }
    /* bitsOrSingle: characters below 256 go to the BitClass, except those that Java folds
     * with Unicode case rules */
    int ciu = (p->flags & (F_CI | F_UC)) == (F_CI | F_UC);
    if (ch < 256 && !(ciu && (ch == 0xff || ch == 0xb5 || ch == 0x49 || ch == 0x69 || ch == 0x53 ||
                              ch == 0x73 || ch == 0x4b || ch == 0x6b || ch == 0xc5 || ch == 0xe5)))
        *bits = 1;
    return w_range_set(p, ch, ch);
}

/* Pattern.clazz: emits a set piece for the class whose '[' (or, without consume, whose first
 * item) is at the cursor. Java's state: prev (the union so far, or the intersection), curr (the
 * last item or right operand), bits (single characters, merged at && and at ']'). We keep bits
 * inline in prev, which is equivalent except for one corner case (see README). */
static int clazz(parser *p, int consume) {
    depth_in(p);
    size_t fs = p->olen; /* frame start: prev's text */
    int pk = K_EMPTY;    /* kind of prev's text (includes bits) */
    int have_prev = 0;   /* Java's prev != null */
    int has_bits = 0;
    /* curr: 0 = null, 1 = the last item (its text starts at ls), 2 = a superset of prev */
    int curr = 0;
    size_t ls = fs; /* start of the pending last item, not yet merged into prev */
    int lk = K_EMPTY;
    int neg = 0;
    uint32_t ch = next(p);
    if (ch == '^' && prevch(p) == '[') {
        ch = next(p);
        neg = 1;
    }
    for (;;) {
        switch (ch) {
        case '[': {
            pk = set_union(p, fs, pk, ls, lk);
            ls = p->olen;
            lk = clazz(p, 1);
            have_prev = 1;
            curr = 1;
            ch = peek(p);
            continue;
        }
        case '&':
            ch = next(p);
            if (ch == '&') {
                ch = next(p);
                size_t rs = p->olen;
                int rk = K_EMPTY, have_right = 0;
                while (ch != ']' && ch != '&') {
                    size_t xs = p->olen;
                    int xk;
                    if (ch == '[') {
                        xk = clazz(p, 1);
                    } else {
                        unread(p);
                        xk = clazz(p, 0);
                    }
                    rk = set_union(p, rs, rk, xs, xk);
                    have_right = 1;
                    ch = peek(p);
                }
                int bits_only = !have_prev && has_bits;
                if (bits_only) curr = 2; /* prev = curr = bits */
                has_bits = 0;
                if (!have_prev && !bits_only) {
                    if (!have_right) fail(p, "Bad class syntax");
                    pk = rk; /* prev = right; nothing was emitted before it */
                    ls = p->olen;
                    lk = K_EMPTY;
                    curr = 2;
                } else if (have_right) {
                    /* merge the pending item into prev, then prev && right */
                    size_t before = p->olen;
                    pk = set_union_at(p, fs, pk, ls, lk, rs);
                    rs = rs + p->olen - before;
                    pk = set_and(p, fs, pk, rs, rk);
                    ls = p->olen;
                    lk = K_EMPTY;
                    curr = 2;
                } else {
                    /* no right operand: prev = prev && curr */
                    if (curr == 0) fail(p, "Bad intersection syntax");
                    if (curr == 1 && lk != K_EMPTY) {
                        /* curr is the last item, a subset of prev: the result is curr */
                        w_del(p, fs, ls - fs);
                        pk = lk;
                    } else {
                        pk = set_union(p, fs, pk, ls, lk);
                    }
                    ls = p->olen;
                    lk = K_EMPTY;
                    curr = 2;
                }
                have_prev = 1;
            } else {
                unread(p); /* a literal '&' */
                break;
            }
            continue;
        case 0:
            if (at_end(p)) fail(p, "Unclosed character class");
            break;
        case ']':
            if (have_prev || has_bits) {
                if (consume) next(p);
                pk = set_union(p, fs, pk, ls, lk);
                if (neg) pk = set_negate(p, fs, pk);
                p->depth--;
                return pk;
            }
            break;
        default:
            break;
        }
        pk = set_union(p, fs, pk, ls, lk);
        ls = p->olen;
        int bits;
        lk = range(p, &bits);
        if (bits) {
            has_bits = 1;
            curr = 0;
        } else {
            have_prev = 1;
            curr = 1;
        }
        ch = peek(p);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Sequences, atoms, quantifiers, groups                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Emits {lo,hi} (hi = JAVA_INF for unbounded) with suffix, for the atom at [as, olen).
 * Counts above PCRE2's limit are split: x{n} = (?:x{65535}){q}x{r}; x{n,m} = x{n}x{0,m-n},
 * and x{0,M} = (?:x{0,65535}){q'}... is not exact, so we use x{0,M} = (?:x{65535}){0,q}-style
 * pieces only where they are exact (see w_upto). Possessive splits are made atomic. */
static void w_count(parser *p, uint32_t lo, uint32_t hi) {
    w_str(p, "{");
    w_uint(p, lo);
    if (hi != lo) {
        w_str(p, ",");
        if (hi != JAVA_INF) w_uint(p, hi);
    }
    w_str(p, "}");
}

/* Appends x{n} for n <= 2^31 using copies of the atom text at [as, as+alen). */
static void w_exact(parser *p, size_t as, size_t alen, uint32_t n, const char *lazy) {
    uint32_t q = n / PCRE2_MAX_REP, r = n % PCRE2_MAX_REP;
    int first = 1;
    if (q) {
        w_str(p, "(?:");
        w_copy(p, as, alen);
        w_count(p, PCRE2_MAX_REP, PCRE2_MAX_REP);
        w_str(p, ")");
        w_count(p, q, q);
        first = 0;
    }
    if (r) {
        w_copy(p, as, alen);
        w_count(p, r, r);
        first = 0;
    }
    (void)first;
    (void)lazy;
}

/* Appends x{0,m}: exact for any m, as x{0,m} = (?:x{K}){0,q-1}... would not be; instead
 * x{0,m} = (?:x{0,r}|x{K}(?:x{K}){0,q-1}x{0,...}) is messy, so we nest: with m = q*K + r,
 * x{0,m} = (?:x{K}){0,q} x{0,r}  |  (?:x{K}){0,q-1} x{0,K-1}   covers every count once. */
static void w_upto(parser *p, size_t as, size_t alen, uint32_t m, const char *lazy) {
    uint32_t q = m / PCRE2_MAX_REP, r = m % PCRE2_MAX_REP;
    w_str(p, "(?:(?:(?:");
    w_copy(p, as, alen);
    w_count(p, PCRE2_MAX_REP, PCRE2_MAX_REP);
    w_str(p, ")");
    w_count(p, 0, q);
    w_str(p, lazy);
    if (r) {
        w_copy(p, as, alen);
        w_count(p, 0, r);
        w_str(p, lazy);
    }
    w_str(p, ")|(?:(?:");
    w_copy(p, as, alen);
    w_count(p, PCRE2_MAX_REP, PCRE2_MAX_REP);
    w_str(p, ")");
    w_count(p, 0, q - 1);
    w_str(p, lazy);
    w_copy(p, as, alen);
    w_count(p, 0, PCRE2_MAX_REP - 1);
    w_str(p, lazy);
    w_str(p, "))");
}

static void w_quant(parser *p, size_t as, uint32_t lo, uint32_t hi, int type /* 0 greedy 1 lazy 2 poss */) {
    static const char *const suffix[] = {"", "?", "+"};
    if (lo <= PCRE2_MAX_REP && (hi <= PCRE2_MAX_REP || hi == JAVA_INF)) {
        if (lo == 0 && hi == 1) w_str(p, "?");
        else if (lo == 0 && hi == JAVA_INF) w_str(p, "*");
        else if (lo == 1 && hi == JAVA_INF) w_str(p, "+");
        else w_count(p, lo, hi);
        w_str(p, suffix[type]);
        return;
    }
    /* Too large for PCRE2: rebuild from copies of the atom; the original stays in place and is
     * removed at the end. */
    size_t alen = p->olen - as;
    const char *lazy = type == 1 ? "?" : "";
    w_str(p, type == 2 ? "(?>" : "(?:");
    w_exact(p, as, alen, lo, lazy);
    if (hi == JAVA_INF) {
        w_copy(p, as, alen);
        w_str(p, "*");
        w_str(p, lazy);
    } else if (hi > lo) {
        uint32_t m = hi - lo;
        if (m <= PCRE2_MAX_REP) {
            w_copy(p, as, alen);
            w_count(p, 0, m);
            w_str(p, lazy);
        } else {
            w_upto(p, as, alen, m, lazy);
        }
    }
    w_str(p, ")");
    w_del(p, as, alen);
}

/* Pattern.closure: a quantifier after the atom (kind k) emitted at [as, olen). */
static void closure(parser *p, size_t as, int k) {
    uint32_t ch = peek(p);
    uint32_t lo, hi;
    switch (ch) {
    case '?': lo = 0; hi = 1; break;
    case '*': lo = 0; hi = JAVA_INF; break;
    case '+': lo = 1; hi = JAVA_INF; break;
    case '{': {
        ch = skip(p);
        if (!is_ascii_digit(ch)) fail(p, "Illegal repetition");
        uint64_t cmin = 0, cmax;
        do {
            cmin = cmin * 10 + (ch - '0');
            if (cmin > 0x7FFFFFFF) fail(p, "Illegal repetition range");
        } while (is_ascii_digit(ch = read_(p)));
        if (ch == ',') {
            ch = read_(p);
            if (ch == '}') {
                cmax = JAVA_INF;
            } else {
                cmax = 0;
                while (is_ascii_digit(ch)) {
                    cmax = cmax * 10 + (ch - '0');
                    if (cmax > 0x7FFFFFFF) fail(p, "Illegal repetition range");
                    ch = read_(p);
                }
                if (ch != '}') fail(p, "Unclosed counted closure");
            }
        } else {
            cmax = cmin;
            if (ch != '}') fail(p, "Unclosed counted closure");
        }
        if (cmax < cmin) fail(p, "Illegal repetition range");
        unread(p);
        lo = (uint32_t)cmin;
        hi = (uint32_t)cmax;
        break;
    }
    default: return;
    }
    /* qtype(): the character after the quantifier */
    int type = 0;
    ch = next(p);
    if (ch == '?') { next(p); type = 1; }
    else if (ch == '+') { next(p); type = 2; }
    if (k == K_EMPTY) return; /* Java quantifies an empty slice: matches the empty string */
    if (k == K_ZW) {
        /* Java's Curly stops at the first zero-length iteration: an assertion repeated at least
         * once is the assertion; {0,n} makes it optional. Writing the count would make PCRE2
         * replicate it. */
        w_ins(p, as, "(?:", 3);
        w_str(p, lo == 0 ? ")?" : ")");
        return;
    }
    if (k == K_SEQ || k == K_NEVER) {
        w_ins(p, as, "(?:", 3);
        w_str(p, ")");
    }
    size_t alen = p->olen - as;
    uint64_t copies = hi == JAVA_INF ? (uint64_t)lo + 1 : hi;
    if (k == K_GROUP && !p->any_refs && (uint64_t)alen * copies > 8192) {
        /* PCRE2 compiles a counted group by replicating it, which overflows its 64 KiB code
         * limit; a subroutine call is small. Only without back-references: the DEFINE group
         * shifts group numbers and PCRE2 restores captures after a call. */
        char name[32];
        int n = snprintf(name, sizeof name, "_aw%u", p->ndefs++);
        w_ins(p, as, ">", 1);
        w_ins(p, as, name, (size_t)n);
        w_ins(p, as, "(?(DEFINE)(?<", 13);
        w_str(p, "))");
        as = p->olen;
        w_str(p, "(?&");
        w_put(p, name, (size_t)n);
        w_str(p, ")");
    }
    w_quant(p, as, lo, hi, type);
}

/* Pattern.atom: a run of literal characters. Returns the kind of the last character (what a
 * following quantifier applies to) and its start in *qs. */
static int atom(parser *p, size_t *qs) {
    int first = 0;
    cursor prev = p->c;
    size_t last = p->olen;
    int lk = K_EMPTY;
    uint32_t ch = peek(p);
    for (;;) {
        switch (ch) {
        case '*': case '+': case '?': case '{':
            if (first > 1) { /* the quantifier takes the last character alone */
                p->c = prev;
                first--;
                w_cut(p, last);
                *qs = p->olen;
                return K_ATOM;
            }
            break;
        case '$': case '.': case '^': case '(': case '[': case '|': case ')':
            break;
        case '\\':
            ch = next_escaped(p);
            if (ch == 'p' || ch == 'P') {
                if (first > 0) { unread(p); break; }
                int comp = ch == 'P', one = 1;
                ch = next(p);
                if (ch != '{') unread(p);
                else one = 0;
                *qs = p->olen;
                return family(p, one, comp);
            } else {
                unread(p);
                prev = p->c;
                size_t s = p->olen;
                int kind = K_EMPTY, comp = 0;
                const pred *pd = NULL;
                long r = escape(p, 0, first == 0, 0, &kind, &pd, &comp);
                if (r >= 0) {
                    last = p->olen;
                    lk = w_literal(p, (uint32_t)r);
                    first++;
                    ch = peek(p);
                    continue;
                } else if (first == 0) {
                    *qs = s;
                    return kind;
                }
                p->c = prev; /* a node escape ends the slice */
            }
            break;
        case 0:
            if (at_end(p)) break;
            /* fall through */
        default:
            prev = p->c;
            last = p->olen;
            lk = w_literal(p, ch);
            first++;
            ch = next(p);
            continue;
        }
        break;
    }
    *qs = last;
    return first == 0 ? K_EMPTY : lk;
}

static void expr(parser *p);

/* Pattern.addFlag / subFlag */
static void add_flags(parser *p) {
    uint32_t ch = peek(p);
    int sub = 0;
    for (;;) {
        unsigned f = 0;
        switch (ch) {
        case 'i': f = F_CI; break;
        case 'm': f = F_ML; break;
        case 's': f = F_DOTALL; break;
        case 'd': f = F_UNIX; break;
        case 'u': f = F_UC; break;
        case 'c': f = F_CANON; break;
        case 'x': f = F_COMMENTS; break;
        case 'U': f = F_UCC | F_UC; break;
        case '-':
            if (sub) return;
            sub = 1;
            ch = next(p);
            continue;
        default: return;
        }
        if (sub) p->flags &= ~f;
        else p->flags |= f;
        ch = next(p);
    }
}

/* Pattern.group0 */
static void group0(parser *p) {
    unsigned save = p->flags;
    size_t as = p->olen;
    int kind = K_GROUP;
    depth_in(p);
    uint32_t ch = next(p);
    if (ch == '?') {
        ch = skip(p);
        switch (ch) {
        case ':': w_str(p, "(?:"); expr(p); break;
        case '=': w_str(p, "(?="); expr(p); kind = K_ZW; break;
        case '!': w_str(p, "(?!"); expr(p); kind = K_ZW; break;
        case '>': w_str(p, "(?>"); expr(p); break;
        case '<':
            ch = read_(p);
            if (ch != '=' && ch != '!') {
                size_t off, nlen;
                groupname(p, ch, &off, &nlen);
                if (p->want) {
                    if (nlen == p->want_len && memcmp(p->src + off, p->want, nlen) == 0) {
                        p->found = 1;
                        longjmp(p->jb, 2);
                    }
                } else if (name_defined_before(p, p->src + off, nlen, off)) {
                    fail(p, "Named capturing group is already defined");
                }
                p->groups++;
                w_str(p, "(?<");
                w_put(p, (const char *)p->src + off, nlen);
                w_str(p, ">");
                expr(p);
                break;
            }
            w_str(p, ch == '=' ? "(?<=" : "(?<!");
            expr(p);
            kind = K_ZW;
            break;
        case '$': case '@': fail(p, "Unknown group type"); break;
        default:
            unread(p);
            add_flags(p);
            ch = read_(p);
            if (ch == ')') { p->depth--; return; } /* flags stay until the enclosing group ends */
            if (ch != ':') fail(p, "Unknown inline modifier");
            w_str(p, "(?:");
            expr(p);
            break;
        }
    } else {
        p->groups++;
        w_str(p, "(");
        expr(p);
    }
    accept(p, ')', "Unclosed group");
    w_str(p, ")");
    p->flags = save;
    p->depth--;
    closure(p, as, kind);
}

/* Pattern.sequence */
static void sequence(parser *p) {
    for (;;) {
        if (p->want && p->c.cur.off >= p->stop) longjmp(p->jb, 2);
        uint32_t ch = peek(p);
        size_t as = p->olen;
        int k;
        switch (ch) {
        case '(': group0(p); continue;
        case '[': k = clazz(p, 1); break;
        case '\\':
            ch = next_escaped(p);
            if (ch == 'p' || ch == 'P') {
                int comp = ch == 'P', one = 1;
                ch = next(p);
                if (ch != '{') unread(p);
                else one = 0;
                k = family(p, one, comp);
            } else {
                unread(p);
                k = atom(p, &as);
            }
            break;
        case '^': next(p); w_caret(p); k = K_ZW; break;
        case '$': next(p); w_dollar(p, (p->flags & F_ML) != 0); k = K_ZW; break;
        case '.':
            next(p);
            if (p->flags & F_DOTALL) w_str(p, "[" ANY_ITEMS "]");
            else if (p->flags & F_UNIX) w_str(p, "[^\\n]");
            else w_str(p, "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]");
            k = K_POS;
            break;
        case '|': case ')': return;
        case '?': case '*': case '+': next(p); fail(p, "Dangling meta character"); return;
        case 0:
            if (at_end(p)) return;
            /* fall through */
        default: k = atom(p, &as); break;
        }
        closure(p, as, k);
    }
}

/* Pattern.expr */
static void expr(parser *p) {
    for (;;) {
        sequence(p);
        if (peek(p) != '|') return;
        next(p);
        w_str(p, "|");
    }
}

static void translate_all(parser *p) {
    p->c.cur.off = 0;
    p->c.cur.sub = 0;
    p->c.cur.inq = p->c.cur.bq = 0;
    vnorm(p, &p->c.cur);
    if (p->len == 0) return;
    expr(p);
    if (!at_end(p) || p->c.cur.sub > 0) {
        if (peek(p) == ')') fail(p, "Unmatched closing ')'");
        fail(p, "Unexpected character");
    }
}

int awsval__regex_translate(const char *src, size_t len, char *dst, size_t cap, size_t *need,
                            size_t *erroff, const char **errmsg) {
    const unsigned char *s = (const unsigned char *)src;
    if (need) *need = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_valid_len(s + i, len - i);
        if (k == 0) {
            if (erroff) *erroff = i;
            if (errmsg) *errmsg = "pattern is not valid UTF-8";
            return -1;
        }
        i += k;
    }
    /* Pass 1 counts capturing groups (a back-reference to a group that does not exist anywhere
     * must become a never-matching atom); pass 2 emits. */
    parser p;
    unsigned groups = UINT_MAX, refs = 1;
    for (int pass = 0; pass < 2; pass++) {
        memset(&p, 0, sizeof p);
        p.any_refs = refs;
        p.src = s;
        p.len = len;
        p.total_groups = groups;
        p.out = pass && dst ? dst : NULL;
        p.cap = pass && dst ? cap : 0;
        if (run(&p) != 0) {
            if (erroff) *erroff = p.erroff;
            if (errmsg) *errmsg = p.errmsg;
            return -1;
        }
        groups = p.groups;
        refs = p.refs;
    }
    if (need) *need = p.peak + 1;
    if (p.ovf || !dst || p.peak + 1 > cap) return 1;
    dst[p.olen] = 0;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Compile and match                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* ID shapes: a whole-value alternative made of a few single ASCII characters (each from a set)
 * and one repeated ASCII set, as most AWS identifiers are (`snsa-[0-9a-z]{17}`, `sn-...`). */
#define ID_MAX_POS 12
#define ID_MAX_SHAPES 2

struct awsval__regex {
    awsval_alc alc;
    pcre2_general_context *gctx;
    pcre2_code *code;
    int jit;
    char *pcre2_src; /* NUL-terminated */
    size_t src_size;
    awsval__rx_tree *tree; /* NULL: not linear */
    awsval__rx_dfa *dfa;   /* NULL: PCRE2 decides; else a DFA, or the NFA (see awsval__regex_match) */
    int full_dfa;          /* dfa is a complete DFA */
    int jit_first;         /* with a complete DFA: PCRE2 JIT first (see jit_friendly) */
    const char *why_not;   /* why there is no complete DFA */
    uint8_t nids;          /* ID shapes (see id_shapes), tried before any engine */
    struct id_shape {
        uint8_t npos;                 /* leading positions, one ASCII set each */
        uint32_t min, max;            /* then min..max characters of the run's ASCII set */
        uint64_t pos[ID_MAX_POS][2];  /* the positions' sets, as bitmaps of ASCII */
        uint64_t run[2];
    } ids[ID_MAX_SHAPES];
};

static void id_shapes(awsval__regex *re);

/* Values shorter than this go to the DFA alone: there, JIT's entry costs more than it saves
 * (`build/awsval_bench`: typical create and lattice delete, IDs of 20-22 bytes). */
#define JIT_FIRST_MIN 48

/* Whether PCRE2 JIT is likely to beat the DFA on src (a translated pattern): no group is
 * repeated (`)*`, `)+`, `){`), so JIT's compiled loops over classes and literals rarely
 * backtrack, and it runs ahead where each DFA step waits on the one before. Only a matter of
 * speed: JIT runs under a small limit and the DFA decides when it gives up. */
static bool jit_friendly(const char *src)
{
    for (const char *p = src; *p; p++) {
        if (*p == '\\') {
            if (!p[1]) break;
            p++;
        } else if (*p == '[') {
            p++;
            if (*p == '^') p++;
            if (*p == ']') p++;
            while (*p && *p != ']') {
                if (*p == '\\' && p[1]) p++;
                p++;
            }
            if (!*p) break;
        } else if (*p == ')' && (p[1] == '*' || p[1] == '+' || p[1] == '{')) {
            return false;
        }
    }
    return true;
}

/* The match limit per byte of PCRE2's attempt before the NFA simulation (the default of
 * awsval__regex_limits.nfa_pcre2_per_byte): measured on the AWS patterns over the DFA budget
 * (docs/pattern-engine.md, `regex_bench`), 1 costs 3-5 times less than the NFA alone and 20
 * times less than the usual 16, with which PCRE2 backtracks long before giving up. */
#define NFA_PCRE2_PER_BYTE 1u

/* The DFA fallback: values up to DFA_MAX_SUBJECT bytes, DFA_BUDGET bytes per request. Its time
 * is proportional to subject length times the pattern's states, so these bound the work. */
#define DFA_WORKSPACE 2048
#define DFA_MAX_SUBJECT 1024
#define DFA_BUDGET 2048

struct awsval__regex_scratch {
    awsval_alc alc;
    uint32_t match_limit, per_byte, nfa_per_byte;
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    pcre2_jit_stack *jit_stack;
    size_t dfa_budget;            /* subject bytes the DFA fallback may still read this request */
    awsval__rx_scratch nfa;       /* the NFA simulation's */
    int dfa_ws[DFA_WORKSPACE];    /* the DFA matcher's workspace */
};

static void *libc_malloc(void *ctx, size_t n) { (void)ctx; return malloc(n); }
static void *libc_realloc(void *ctx, void *p, size_t o, size_t n) { (void)ctx; (void)o; return realloc(p, n); }
static void libc_free(void *ctx, void *p) { (void)ctx; free(p); }

static awsval_alc alc_or_libc(const awsval_alc *alc) {
    if (alc) return *alc;
    awsval_alc a = {libc_malloc, libc_realloc, libc_free, NULL};
    return a;
}

/* PCRE2 frees without a size; our allocator's free does not need one either. */
static void *pcre_malloc(PCRE2_SIZE n, void *ctx) {
    const awsval_alc *a = ctx;
    return a->malloc(a->ctx, n);
}
static void pcre_free(void *ptr, void *ctx) {
    const awsval_alc *a = ctx;
    if (ptr) a->free(a->ctx, ptr);
}

static void put_msg(char *errbuf, size_t errcap, const char *msg) {
    if (errbuf && errcap) snprintf(errbuf, errcap, "%s", msg);
}

/* The set resolver of the syntax tree (awsval_rx.h): the code points that a PCRE2 set
 * expression (a class with \p{..} items, or (?i:x)) matches, computed by PCRE2 itself so that
 * the linear engine uses exactly PCRE2's Unicode data. The set runs over every code point in
 * ascending order, in chunks; each match of "X+" is a run of members, i.e. one range. */
#define RESOLVE_CHUNK 16384u

/* PCRE2's general categories, tabulated at build time by tools/ucdgen.c (awsval_ucd_data.c):
 * runs of code points and their category. */
extern const char awsval__ucd_version[];
extern const char awsval__ucd_names[][3];
extern const uint32_t awsval__ucd_start[];
extern const uint8_t awsval__ucd_gc[];
extern const uint32_t awsval__ucd_runs, awsval__ucd_ncat;

/* \p{X} / \P{X} for a general category X (one or two letters) from the table, when the PCRE2
 * we run with has the Unicode version the table was made from. Returns 0 and appends the
 * ranges, or 1 (no table, another property, another Unicode version). */
static int resolve_gc(const char *text, size_t len, awsval__rx_rangevec *out) {
    if (len < 5 || len > 6 || text[0] != '\\' || (text[1] != 'p' && text[1] != 'P') || text[2] != '{' ||
        text[len - 1] != '}' || !awsval__ucd_runs || awsval__ucd_ncat > 32)
        return 1;
    size_t nl = len - 4;
    const char *name = text + 3;
    uint32_t mask = 0; /* categories in the set */
    for (uint32_t c = 0; c < awsval__ucd_ncat; c++)
        if (awsval__ucd_names[c][0] == name[0] && (nl == 1 || awsval__ucd_names[c][1] == name[1])) mask |= 1u << c;
    if (!mask) return 1;
    char v[64];
    if (pcre2_config(PCRE2_CONFIG_UNICODE_VERSION, v) < 0 || strcmp(v, awsval__ucd_version) != 0) return 1;
    int neg = text[1] == 'P';
    for (uint32_t i = 0; i < awsval__ucd_runs; i++) {
        uint32_t lo = awsval__ucd_start[i], hi = i + 1 < awsval__ucd_runs ? awsval__ucd_start[i + 1] - 1 : 0x10FFFFu;
        if (((mask >> awsval__ucd_gc[i]) & 1) != (uint32_t)neg) awsval__rx_rangevec_push(out, lo, hi);
    }
    return 0;
}

static int resolve_set(void *ctx, const char *text, size_t len, int quick, awsval__rx_rangevec *out) {
    if (quick) return resolve_gc(text, len, out);
    awsval__regex *re = ctx;
    awsval_alc *a = &re->alc;
    int rc = -1;
    char *pat = a->malloc(a->ctx, len + 8);
    unsigned char *buf = a->malloc(a->ctx, (size_t)RESOLVE_CHUNK * 4);
    pcre2_code *code = NULL;
    pcre2_match_data *md = NULL;
    if (!pat || !buf) { out->oom = 1; goto done; }
    /* "X+" or "(?i)X+" for "(?i:X)": a repeated single item needs no backtracking stack */
    size_t plen;
    if (len > 5 && memcmp(text, "(?i:", 4) == 0 && text[len - 1] == ')') {
        memcpy(pat, "(?i)", 4);
        memcpy(pat + 4, text + 4, len - 5);
        plen = len - 1;
    } else {
        memcpy(pat, text, len);
        plen = len;
    }
    pat[plen++] = '+';
    int ec;
    PCRE2_SIZE eo;
    pcre2_compile_context *cctx = pcre2_compile_context_create(re->gctx);
    if (!cctx) { out->oom = 1; goto done; }
    code = pcre2_compile((PCRE2_SPTR)pat, plen, PCRE2_UTF | PCRE2_NO_UTF_CHECK, &ec, &eo, cctx);
    pcre2_compile_context_free(cctx);
    if (!code) goto done;
    int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    md = pcre2_match_data_create(1, re->gctx);
    if (!md) { out->oom = 1; goto done; }
    for (uint32_t base = 0; base <= 0x10FFFF; base += RESOLVE_CHUNK) {
        /* the chunk's code points, surrogates left out */
        size_t n = 0;
        uint32_t end = base + RESOLVE_CHUNK - 1 > 0x10FFFF ? 0x10FFFF : base + RESOLVE_CHUNK - 1;
        for (uint32_t c = base; c <= end; c++) {
            if (c >= 0xD800 && c <= 0xDFFF) continue;
            if (c < 0x80) buf[n++] = (unsigned char)c;
            else if (c < 0x800) { buf[n++] = (unsigned char)(0xC0 | c >> 6); buf[n++] = (unsigned char)(0x80 | (c & 63)); }
            else if (c < 0x10000) {
                buf[n++] = (unsigned char)(0xE0 | c >> 12);
                buf[n++] = (unsigned char)(0x80 | ((c >> 6) & 63));
                buf[n++] = (unsigned char)(0x80 | (c & 63));
            } else {
                buf[n++] = (unsigned char)(0xF0 | c >> 18);
                buf[n++] = (unsigned char)(0x80 | ((c >> 12) & 63));
                buf[n++] = (unsigned char)(0x80 | ((c >> 6) & 63));
                buf[n++] = (unsigned char)(0x80 | (c & 63));
            }
        }
        PCRE2_SIZE off = 0;
        while (off < n) {
            int m = jit ? pcre2_jit_match(code, buf, n, off, 0, md, NULL)
                        : pcre2_match(code, buf, n, off, PCRE2_NO_UTF_CHECK, md, NULL);
            if (m == PCRE2_ERROR_NOMATCH) break;
            if (m < 0) goto done;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[1] <= ov[0]) goto done; /* cannot happen: the pattern matches one or more */
            parser dp;
            dp.src = buf;
            size_t k;
            uint32_t lo = dec(&dp, ov[0], &k);
            size_t last = ov[1] - 1;
            while ((buf[last] & 0xC0) == 0x80) last--;
            uint32_t hi = dec(&dp, last, &k);
            awsval__rx_rangevec_push(out, lo, hi);
            off = ov[1];
        }
    }
    rc = out->oom ? -1 : 0;
done:
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    if (pat) a->free(a->ctx, pat);
    if (buf) a->free(a->ctx, buf);
    return rc;
}

awsval__regex *awsval__regex_compile(const char *src, size_t len, uint32_t mode,
                                     const awsval_alc *alc, size_t *erroff, char *errbuf,
                                     size_t errcap) {
    return awsval__regex_compile_opts(src, len, mode, 0, alc, erroff, errbuf, errcap);
}

awsval__regex *awsval__regex_compile_opts(const char *src, size_t len, uint32_t mode, uint32_t copts,
                                          const awsval_alc *alc, size_t *erroff, char *errbuf,
                                          size_t errcap) {
    awsval_alc a = alc_or_libc(alc);
    size_t off = 0, need = 0;
    const char *msg = NULL;
    if (erroff) *erroff = 0;
    if (errbuf && errcap) errbuf[0] = 0;
    if (mode != AWSVAL__RE_FULL && mode != AWSVAL__RE_SEARCH) {
        put_msg(errbuf, errcap, "invalid pattern mode");
        return NULL;
    }
    if (!src && len) {
        put_msg(errbuf, errcap, "no pattern");
        return NULL;
    }
    int rc = awsval__regex_translate(src ? src : "", len, NULL, 0, &need, &off, &msg);
    if (rc < 0) {
        if (erroff) *erroff = off;
        if (errbuf && errcap) snprintf(errbuf, errcap, "%s at offset %zu", msg, off);
        return NULL;
    }
    awsval__regex *re = a.malloc(a.ctx, sizeof *re);
    if (!re) goto nomem0;
    memset(re, 0, sizeof *re);
    re->alc = a;
    re->src_size = need;
    re->pcre2_src = a.malloc(a.ctx, need);
    if (!re->pcre2_src) goto nomem;
    rc = awsval__regex_translate(src ? src : "", len, re->pcre2_src, need, &need, &off, &msg);
    if (rc != 0) { /* cannot happen: same input, enough room */
        put_msg(errbuf, errcap, "internal error in pattern translation");
        awsval__regex_free(re);
        return NULL;
    }
    /* the general context keeps a pointer to re->alc, which lives as long as re */
    re->gctx = pcre2_general_context_create(pcre_malloc, pcre_free, &re->alc);
    if (!re->gctx) goto nomem;
    pcre2_compile_context *cctx = pcre2_compile_context_create(re->gctx);
    if (!cctx) goto nomem;
    uint32_t opts = PCRE2_UTF | PCRE2_NO_UTF_CHECK;
    if (mode == AWSVAL__RE_FULL) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    int ec = 0;
    PCRE2_SIZE eo = 0;
    re->code = pcre2_compile((PCRE2_SPTR)re->pcre2_src, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, cctx);
    pcre2_compile_context_free(cctx);
    if (!re->code && ec == PCRE2_ERROR_HEAP_FAILED) goto nomem;
    if (!re->code) {
        PCRE2_UCHAR m[256];
        if (pcre2_get_error_message(ec, m, sizeof m) < 0) strcpy((char *)m, "unknown PCRE2 error");
        if (errbuf && errcap)
            snprintf(errbuf, errcap, "PCRE2 rejects the translated pattern: %s (at offset %zu of %s)",
                     (char *)m, (size_t)eo, re->pcre2_src);
        awsval__regex_free(re);
        return NULL;
    }
    /* The linear engine: syntax tree, then DFA within its budget. */
    if (copts & AWSVAL__RE_OPT_NO_LINEAR) {
        re->why_not = "disabled";
    } else {
        const char *why = NULL;
        int pr = awsval__rx_parse(re->pcre2_src, strlen(re->pcre2_src), &re->alc, resolve_set, re,
                                  &re->tree, &why);
        if (pr < 0) goto nomem;
        if (pr == 0) {
            awsval__rx_budget budget;
            memset(&budget, 0, sizeof budget);
            budget.nfa_only = (copts & AWSVAL__RE_OPT_NFA) != 0;
            pr = awsval__rx_dfa_build(re->tree, mode, &re->alc, &budget, &re->dfa, &why);
            if (pr < 0) goto nomem;
        }
        re->full_dfa = re->dfa && awsval__rx_dfa_full(re->dfa);
        re->why_not = re->full_dfa ? NULL : why;
        if (re->tree) id_shapes(re);
    }
    /* JIT now, never lazily, so that the compiled pattern stays immutable. Any JIT failure
     * (unsupported platform, out of memory) leaves the interpreter, which is equivalent. With a
     * DFA, PCRE2 only serves awsval__regex_match_pcre2, and the interpreter does. */
    re->jit_first = re->full_dfa && jit_friendly(re->pcre2_src);
    if (!re->full_dfa || re->jit_first) re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
    return re;
nomem:
    awsval__regex_free(re);
nomem0:
    put_msg(errbuf, errcap, "out of memory");
    return NULL;
}

void awsval__regex_free(awsval__regex *re) {
    if (!re) return;
    awsval_alc a = re->alc;
    awsval__rx_dfa_free(re->dfa);
    awsval__rx_tree_free(re->tree);
    pcre2_code_free(re->code); /* frees the JIT code through the general context too */
    pcre2_general_context_free(re->gctx);
    if (re->pcre2_src) a.free(a.ctx, re->pcre2_src);
    a.free(a.ctx, re);
}

const char *awsval__regex_pcre2_source(const awsval__regex *re) { return re ? re->pcre2_src : NULL; }

awsval__regex_scratch *awsval__regex_scratch_create(const awsval_alc *alc,
                                                    const awsval__regex_limits *limits) {
    awsval_alc a = alc_or_libc(alc);
    awsval__regex_scratch *s = a.malloc(a.ctx, sizeof *s);
    if (!s) return NULL;
    memset(s, 0, sizeof *s);
    s->alc = a;
    s->nfa.alc = a;
    s->gctx = pcre2_general_context_create(pcre_malloc, pcre_free, &s->alc);
    if (!s->gctx) goto fail;
    s->mctx = pcre2_match_context_create(s->gctx);
    if (!s->mctx) goto fail;
    uint32_t ml = limits && limits->match_limit ? limits->match_limit : 100000u;
    uint32_t dl = limits && limits->depth_limit ? limits->depth_limit : 1000u;
    uint32_t hl = limits && limits->heap_limit_kib ? limits->heap_limit_kib : 1024u;
    pcre2_set_match_limit(s->mctx, ml);
    s->match_limit = ml;
    s->dfa_budget = DFA_BUDGET;
    s->per_byte = limits && limits->match_limit_per_byte ? limits->match_limit_per_byte : 16u;
    s->nfa_per_byte = limits && limits->nfa_pcre2_per_byte ? limits->nfa_pcre2_per_byte : NFA_PCRE2_PER_BYTE;
    if (s->nfa_per_byte > s->per_byte) s->nfa_per_byte = s->per_byte;
    pcre2_set_depth_limit(s->mctx, dl);
    pcre2_set_heap_limit(s->mctx, hl);
    /* one pair: we only ask whether there is a match. Usable with any pattern. */
    s->md = pcre2_match_data_create(1, s->gctx);
    if (!s->md) goto fail;
    /* JIT's default 32 KiB machine stack is too small for valid AWS values: a 1011-character
     * ARN against (\w|\/|-){1,1011} needs more. The stack grows on demand up to 1 MiB; the
     * match limit still bounds the work. Without JIT support this is NULL and unused. */
    uint32_t jit = 0;
    pcre2_config(PCRE2_CONFIG_JIT, &jit);
    if (jit) {
        s->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, s->gctx);
        if (!s->jit_stack) goto fail;
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    }
    return s;
fail:
    awsval__regex_scratch_free(s);
    return NULL;
}

void awsval__regex_scratch_new_check(awsval__regex_scratch *s) {
    if (s) s->dfa_budget = DFA_BUDGET;
}

void awsval__regex_scratch_free(awsval__regex_scratch *s) {
    if (!s) return;
    awsval_alc a = s->alc;
    awsval__rx_scratch_release(&s->nfa);
    pcre2_jit_stack_free(s->jit_stack);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_general_context_free(s->gctx);
    a.free(a.ctx, s);
}

size_t awsval__regex_scratch_bytes(const awsval__regex_scratch *s) { return s ? awsval__rx_scratch_bytes(&s->nfa) : 0; }

void awsval__regex_scratch_trim(awsval__regex_scratch *s) {
    if (s) awsval__rx_scratch_release(&s->nfa);
}

size_t awsval__regex_scratch_max_bytes(void) { return awsval__rx_scratch_max_bytes(); }

int awsval__regex_engine(const awsval__regex *re, const char **why) {
    if (why) *why = re && !re->full_dfa ? re->why_not : NULL;
    if (!re || !re->dfa) return AWSVAL__RE_ENGINE_PCRE2;
    return re->full_dfa ? AWSVAL__RE_ENGINE_LINEAR : AWSVAL__RE_ENGINE_NFA;
}

const struct awsval__rx_tree *awsval__regex_tree(const awsval__regex *re) { return re ? re->tree : NULL; }

size_t awsval__regex_linear_bytes(const awsval__regex *re) {
    size_t b = 0;
    if (re && re->dfa) awsval__rx_dfa_stats(re->dfa, NULL, NULL, &b);
    return b;
}

static int pcre2_first(const awsval__regex *re, const char *subj, size_t len, awsval__regex_scratch *s);

/* Skips capturing groups. */
static const awsval__rx_node *ungroup(const awsval__rx_tree *t, const awsval__rx_node *n)
{
    while (n->kind == AWSVAL__RX_GROUP) n = awsval__rx_kid(t, n, 0);
    return n;
}

/* Whether n is a set of ASCII characters only; if so, its bitmap. */
static bool ascii_set(const awsval__rx_tree *t, const awsval__rx_node *n, uint64_t bits[2])
{
    if (n->kind != AWSVAL__RX_SET || n->nranges == 0) return false;
    const awsval__rx_range *r = awsval__rx_ranges(t, n);
    if (r[n->nranges - 1].hi > 0x7F) return false;
    bits[0] = bits[1] = 0;
    for (uint32_t i = 0; i < n->nranges; i++)
        for (uint32_t c = r[i].lo; c <= r[i].hi; c++) bits[c >> 6] |= 1ull << (c & 63);
    return true;
}

/* Reads alternative n as an ID shape: single-character ASCII sets, then one repeat of an ASCII
 * set; anchors at either end (satisfied by a whole-value match). */
static bool id_shape_of(const awsval__rx_tree *t, const awsval__rx_node *n, struct id_shape *id)
{
    n = ungroup(t, n);
    if (n->kind != AWSVAL__RX_CAT) return false;
    uint32_t k = 0, end = n->nkids;
    while (k < end && ungroup(t, awsval__rx_kid(t, n, k))->kind == AWSVAL__RX_ASSERT &&
           ungroup(t, awsval__rx_kid(t, n, k))->assert == AWSVAL__RX_A_START)
        k++;
    while (end > k) {
        const awsval__rx_node *e = ungroup(t, awsval__rx_kid(t, n, end - 1));
        if (e->kind != AWSVAL__RX_ASSERT ||
            (e->assert != AWSVAL__RX_A_END && e->assert != AWSVAL__RX_A_EOL && e->assert != AWSVAL__RX_A_EOL_UNIX))
            break;
        end--;
    }
    if (end <= k || end - k - 1 > ID_MAX_POS) return false;
    memset(id, 0, sizeof *id);
    for (; k + 1 < end; k++)
        if (!ascii_set(t, ungroup(t, awsval__rx_kid(t, n, k)), id->pos[id->npos++])) return false;
    const awsval__rx_node *r = ungroup(t, awsval__rx_kid(t, n, k));
    if (r->kind != AWSVAL__RX_REPEAT || r->max == AWSVAL__RX_INF || r->max > 4096) return false;
    id->min = r->min;
    id->max = r->max;
    return ascii_set(t, ungroup(t, awsval__rx_kid(t, r, 0)), id->run);
}

/* The ID shapes among the root's alternatives (or the root itself). A value that fits one is in
 * the pattern's language; any other value goes to the engines. */
static void id_shapes(awsval__regex *re)
{
    /* through groups, and a sequence of anchors around one part (`^(...)$`) */
    const awsval__rx_node *root = ungroup(re->tree, awsval__rx_root(re->tree));
    while (root->kind == AWSVAL__RX_CAT) {
        const awsval__rx_node *only = NULL;
        uint32_t parts = 0;
        for (uint32_t k = 0; k < root->nkids; k++) {
            const awsval__rx_node *kid = ungroup(re->tree, awsval__rx_kid(re->tree, root, k));
            if (kid->kind == AWSVAL__RX_ASSERT && (kid->assert == AWSVAL__RX_A_START ? k == 0 : k == root->nkids - 1) &&
                kid->assert != AWSVAL__RX_A_WORDB && kid->assert != AWSVAL__RX_A_NWORDB)
                continue;
            only = kid;
            parts++;
        }
        if (parts != 1 || only->kind != AWSVAL__RX_ALT) break;
        root = only;
    }
    uint32_t n = root->kind == AWSVAL__RX_ALT ? root->nkids : 1;
    for (uint32_t i = 0; i < n && re->nids < ID_MAX_SHAPES; i++) {
        const awsval__rx_node *alt = root->kind == AWSVAL__RX_ALT ? awsval__rx_kid(re->tree, root, i) : root;
        if (id_shape_of(re->tree, alt, &re->ids[re->nids])) re->nids++;
    }
}

static inline bool in_ascii_set(const uint64_t bits[2], unsigned char c)
{
    return c < 0x80 && ((bits[c >> 6] >> (c & 63)) & 1);
}

/* Whether subj fits one of re's ID shapes. Each byte is tested on its own (no step waits on
 * the one before, as a DFA's do). */
static bool fits_id(const awsval__regex *re, const char *subj, size_t len)
{
    const unsigned char *s = (const unsigned char *)subj;
    for (unsigned k = 0; k < re->nids; k++) {
        const struct id_shape *id = &re->ids[k];
        if (len < id->npos + (size_t)id->min || len > id->npos + (size_t)id->max) continue;
        unsigned ok = 1;
        for (unsigned i = 0; i < id->npos; i++) ok &= in_ascii_set(id->pos[i], s[i]);
        for (size_t i = id->npos; i < len; i++) ok &= in_ascii_set(id->run, s[i]);
        if (ok) return true;
    }
    return false;
}

int awsval__regex_match_nfa(const awsval__regex *re, const char *subj, size_t len, awsval__regex_scratch *s) {
    if (!re || !s || (!subj && len) || !re->dfa) return AWSVAL__RE_ERROR;
    int r = awsval__rx_nfa_match(re->dfa, subj ? subj : "", len, &s->nfa);
    return r < 0 ? AWSVAL__RE_ERROR : r ? AWSVAL__RE_MATCH : AWSVAL__RE_NOMATCH;
}

int awsval__regex_match(const awsval__regex *re, const char *subj, size_t len,
                        awsval__regex_scratch *s) {
    if (!re || !s || (!subj && len)) return AWSVAL__RE_ERROR;
    if (re->nids && subj && fits_id(re, subj, len)) return AWSVAL__RE_MATCH;
    if (re->full_dfa) {
        if (re->jit_first && re->jit && len >= JIT_FIRST_MIN) {
            int r = pcre2_first(re, subj, len, s);
            if (r != AWSVAL__RE_LIMIT) return r;
        }
        return awsval__rx_dfa_match(re->dfa, subj ? subj : "", len) ? AWSVAL__RE_MATCH : AWSVAL__RE_NOMATCH;
    }
    if (re->dfa) {
        /* The NFA simulation decides whatever the value; PCRE2 JIT first, as it is much faster
         * on most values, with a small limit (NFA_PCRE2_PER_BYTE), and the NFA when it gives up
         * (measurements in docs/pattern-engine.md). */
        int r = pcre2_first(re, subj, len, s);
        if (r != AWSVAL__RE_LIMIT) return r;
        return awsval__regex_match_nfa(re, subj, len, s);
    }
    return awsval__regex_match_pcre2(re, subj, len, s);
}

/* PCRE2 (JIT when compiled) under the scratch's limits; with fallback = 1, PCRE2's DFA matcher
 * decides short values that hit a limit (see below). */
static int pcre2_run(const awsval__regex *re, const char *subj, size_t len, awsval__regex_scratch *s,
                     int fallback, uint32_t per_byte) {
    PCRE2_SPTR sp = (PCRE2_SPTR)(subj ? subj : "");
    int rc;
    /* A limit per match alone lets many short values each burn it; scaled by the subject's
     * length, the total is linear in the input. Over every AWS pattern, a matching value never
     * needed more than 8.5 units per byte, and a short value that needs more still gets a
     * definite answer from the DFA fallback below. */
    uint64_t scaled = (uint64_t)per_byte * ((uint64_t)len + 1);
    pcre2_set_match_limit(s->mctx, scaled < s->match_limit ? (uint32_t)scaled : s->match_limit);
    /* The anchoring options were given at compile time, where JIT honours them. The JIT runs on
     * the scratch's stack (up to 1 MiB); deeper still fails with JIT_STACKLIMIT (= LIMIT). */
    if (re->jit) rc = pcre2_jit_match(re->code, sp, len, 0, 0, s->md, s->mctx);
    else rc = pcre2_match(re->code, sp, len, 0, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    if (rc >= 0) return AWSVAL__RE_MATCH; /* 0 = ovector too small: still a match */
    int limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                 rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
    if (limit && fallback && len <= DFA_MAX_SUBJECT && len <= s->dfa_budget) {
        s->dfa_budget -= len;
        rc = pcre2_dfa_match(re->code, sp, len, 0, PCRE2_NO_UTF_CHECK, s->md, s->mctx, s->dfa_ws,
                             DFA_WORKSPACE);
        if (rc >= 0) return AWSVAL__RE_MATCH;
        if (rc == PCRE2_ERROR_NOMATCH) return AWSVAL__RE_NOMATCH;
        /* Back-references and the like are beyond the DFA matcher: undecided. */
        return AWSVAL__RE_LIMIT;
    }
    switch (rc) {
    case PCRE2_ERROR_NOMATCH: return AWSVAL__RE_NOMATCH;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT: return AWSVAL__RE_LIMIT;
    default: return AWSVAL__RE_ERROR;
    }
}

static int pcre2_first(const awsval__regex *re, const char *subj, size_t len, awsval__regex_scratch *s) {
    return pcre2_run(re, subj, len, s, 0, s->nfa_per_byte);
}

int awsval__regex_match_pcre2(const awsval__regex *re, const char *subj, size_t len,
                              awsval__regex_scratch *s) {
    if (!re || !s || (!subj && len)) return AWSVAL__RE_ERROR;
    return pcre2_run(re, subj, len, s, 1, s->per_byte);
}

const awsval__rx_dfa *awsval__regex_dfa(const awsval__regex *re) { return re && re->full_dfa ? re->dfa : NULL; }
