/* Tests of the linear engine (src/awsval_rxparse.c, src/awsval_rxdfa.c): the syntax tree, and
 * the DFA against PCRE2 JIT on every AWS pattern with generated probes in both modes. */
#include <criterion/criterion.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_regex.h"
#include "awsval_rx.h"
#include "rxgen.h"

#ifndef AWSVAL_TEST_DATA_DIR
#define AWSVAL_TEST_DATA_DIR "tests/data"
#endif

static awsval__regex *comp(const char *pat, uint32_t mode) {
    char eb[512];
    awsval__regex *re = awsval__regex_compile(pat, strlen(pat), mode, NULL, NULL, eb, sizeof eb);
    cr_assert_not_null(re, "compile %s: %s", pat, eb);
    return re;
}

static const char *tree_of(const char *pat, char *buf, size_t cap) {
    awsval__regex *re = comp(pat, AWSVAL__RE_FULL);
    const struct awsval__rx_tree *t = awsval__regex_tree(re);
    if (!t) snprintf(buf, cap, "-");
    else awsval__rx_dump(t, buf, cap);
    awsval__regex_free(re);
    return buf;
}

Test(rx_tree, shapes) {
    char b[4096];
    cr_assert_str_eq(tree_of("a[bc]+d", b, sizeof b), "(cat [a] (rep 1 inf [b-c]) [d])");
    cr_assert_str_eq(tree_of("(x|y)?", b, sizeof b), "(rep 0 1 (g1 [x-y]))");
    cr_assert_str_eq(tree_of("ab|cd", b, sizeof b), "(alt (cat [a] [b]) (cat [c] [d]))");
    cr_assert_str_eq(tree_of("^a{2,5}$", b, sizeof b), "(cat <start> (rep 2 5 [a]) <eol>)");
    cr_assert_str_eq(tree_of("\\bx\\B", b, sizeof b), "(cat <wordb> [x] <nwordb>)");
    /* class algebra and case-insensitivity are resolved into the sets */
    cr_assert_str_eq(tree_of("[a-z&&[^aeiou]]", b, sizeof b), "[b-df-hj-np-tv-z]");
    cr_assert_str_eq(tree_of("(?i)k", b, sizeof b), "[Kk]");
    cr_assert_str_eq(tree_of("(?iu)k", b, sizeof b), "[Kk\\x{212a}]");
    cr_assert_str_eq(tree_of("[a&&b]", b, sizeof b), "[]");
    cr_assert_str_eq(tree_of("\\d\\s", b, sizeof b), "(cat [0-9] [\\x{9}-\\x{d}\\x{20}])");
    cr_assert_str_eq(tree_of("[^\\x{0}-\\x{10fffe}]", b, sizeof b), "[\\x{10ffff}]");
    /* surrogates never appear */
    cr_assert_str_eq(tree_of("[\\x{d000}-\\x{e000}]", b, sizeof b), "[\\x{d000}-\\x{d7ff}\\x{e000}]");
}

Test(rx_tree, not_linear_constructs_keep_pcre2) {
    static const struct { const char *pat, *why; } cases[] = {
        {"(a)\\1", "back-reference"},
        {"(?=ab)a", "look-ahead"},
        {"a(?!b)", "look-ahead"},
        {"(?<=a)b", "look-behind"},
        {"(?>a+)b", "atomic group"},
        {"a*+b", "possessive repeat"},
        {"(?m)^a$", "look-ahead"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        awsval__regex *re = comp(cases[i].pat, AWSVAL__RE_FULL);
        const char *why = NULL;
        cr_assert_eq(awsval__regex_engine(re, &why), AWSVAL__RE_ENGINE_PCRE2, "%s", cases[i].pat);
        cr_assert_null(awsval__regex_tree(re));
        cr_assert_not_null(why);
        cr_assert(strstr(why, cases[i].why) != NULL || strstr(cases[i].why, "look") != NULL,
                  "%s: %s", cases[i].pat, why);
        awsval__regex_free(re);
    }
    /* a fixed count possessive on one set has one way to match: linear */
    awsval__regex *re = comp("[0-9A-Z]{2}+", AWSVAL__RE_FULL);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_LINEAR);
    awsval__regex_free(re);
}

/* Both engines on one value. */
static void agree(const char *pat, uint32_t mode, const char *s, int want) {
    awsval__regex *re = comp(pat, mode);
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_LINEAR, "%s", pat);
    int a = awsval__regex_match(re, s, strlen(s), sc);
    int b = awsval__regex_match_pcre2(re, s, strlen(s), sc);
    cr_assert_eq(a, want, "%s %s \"%s\": linear %d", pat, mode ? "find" : "full", s, a);
    cr_assert_eq(b, want, "%s %s \"%s\": pcre2 %d", pat, mode ? "find" : "full", s, b);
    awsval__regex_scratch_free(sc);
    awsval__regex_free(re);
}

Test(rx_dfa, anchors_and_line_terminators) {
    agree("abc$", AWSVAL__RE_FULL, "abc", 1);
    agree("abc$", AWSVAL__RE_FULL, "abc\n", 0); /* matches() needs the whole value */
    agree("abc$\\n", AWSVAL__RE_FULL, "abc\n", 1);
    agree("abc$", AWSVAL__RE_SEARCH, "abc\n", 1);
    agree("abc$", AWSVAL__RE_SEARCH, "abc\r\n", 1);
    agree("abc$", AWSVAL__RE_SEARCH, "abc\n\n", 0);
    agree("abc$", AWSVAL__RE_SEARCH, "abc\xe2\x80\xa8", 1);
    agree("abc\\r$", AWSVAL__RE_SEARCH, "abc\r\n", 0); /* no $ between \r and \n */
    agree("^abc", AWSVAL__RE_SEARCH, "xabc", 0);
    agree("(?d)a$", AWSVAL__RE_SEARCH, "a\n", 1);
    agree("(?d)a$", AWSVAL__RE_SEARCH, "a\r\n", 0);
    agree("a\\z", AWSVAL__RE_SEARCH, "a\n", 0);
    agree("a\\Z", AWSVAL__RE_SEARCH, "a\n", 1);
    agree("$|^x", AWSVAL__RE_FULL, "", 1);
    agree("$|^x", AWSVAL__RE_FULL, "x", 1);
    agree("$|^x", AWSVAL__RE_SEARCH, "yyy", 1);
}

Test(rx_dfa, word_boundaries) {
    agree("\\bfoo\\b", AWSVAL__RE_SEARCH, "a foo b", 1);
    agree("\\bfoo\\b", AWSVAL__RE_SEARCH, "afoo b", 0);
    agree("\\bfoo\\b", AWSVAL__RE_SEARCH, "foo", 1);
    agree("\\bfoo\\b", AWSVAL__RE_SEARCH, "foo_", 0);
    agree("\\bfoo\\b", AWSVAL__RE_SEARCH, "\xc3\xa9" "foo\xc3\xa9", 1); /* ASCII word characters */
    agree("a\\Bb", AWSVAL__RE_FULL, "ab", 1);
    agree("a\\B-", AWSVAL__RE_FULL, "a-", 0);
    agree("\\B", AWSVAL__RE_SEARCH, "", 1);
    agree("\\b", AWSVAL__RE_SEARCH, "", 0);
}

Test(rx_dfa, unicode) {
    agree("[\\p{L}\\p{N}]{2}", AWSVAL__RE_FULL, "\xe6\x97\xa5\xe6\x9c\xac", 1);
    agree("[\\p{L}\\p{N}]{2}", AWSVAL__RE_FULL, "\xe6\x97\xa5\xf0\x9f\x98\x80", 0);
    agree("\\P{M}+", AWSVAL__RE_FULL, "e\xcc\x81", 0);
    agree(".", AWSVAL__RE_FULL, "\xf0\x9f\x98\x80", 1);
    agree(".", AWSVAL__RE_FULL, "\xe2\x80\xa8", 0);
    agree("(?s).", AWSVAL__RE_FULL, "\xe2\x80\xa8", 1);
}

Test(rx_dfa, app_runner_arn_is_linear_and_decides_long_values) {
    const char *p = "arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{0,63}:[a-z0-9-\\\\.]{0,63}:[0-9]{12}:(\\w|\\/|-){1,1011}";
    awsval__regex *re = comp(p, AWSVAL__RE_FULL);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_LINEAR);
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    static char v[1200];
    strcpy(v, "arn:aws:apprunner:us-east-1:123456789012:");
    size_t n = strlen(v);
    memset(v + n, 'a', 1011);
    v[n + 1011] = 0;
    cr_assert_eq(awsval__regex_match(re, v, strlen(v), sc), AWSVAL__RE_MATCH);
    v[n + 1010] = '!';
    cr_assert_eq(awsval__regex_match(re, v, strlen(v), sc), AWSVAL__RE_NOMATCH);
    v[n + 1010] = 'a';
    v[n + 1011] = 'a';
    v[n + 1012] = 0;
    cr_assert_eq(awsval__regex_match(re, v, strlen(v), sc), AWSVAL__RE_NOMATCH);
    awsval__regex_scratch_free(sc);
    awsval__regex_free(re);
}

/* ------------------------------------------------------------------------------------------ */
/* Patterns over the DFA's budget: the NFA simulation                                          */
/* ------------------------------------------------------------------------------------------ */

/* An allocator that counts allocations and fails them after `fail_after` (-1: never). */
typedef struct count_alc {
    long allocs, live, fail_after;
} count_alc;
static void *ca_malloc(void *ctx, size_t n) {
    count_alc *c = ctx;
    if (c->fail_after >= 0 && c->allocs >= c->fail_after) return NULL;
    void *p = malloc(n);
    if (p) { c->allocs++; c->live++; }
    return p;
}
static void *ca_realloc(void *ctx, void *p, size_t o, size_t n) {
    count_alc *c = ctx;
    (void)o;
    c->allocs++;
    return realloc(p, n);
}
static void ca_free(void *ctx, void *p) {
    count_alc *c = ctx;
    if (p) c->live--;
    free(p);
}

static size_t rep(char *v, size_t n, const char *unit, int times) {
    size_t k = strlen(unit);
    for (int i = 0; i < times; i++, n += k) memcpy(v + n, unit, k);
    v[n] = 0;
    return n;
}

/* A long value decided by the NFA: the answer (known by construction) from awsval__regex_match
 * and from the simulation alone. */
static void nfa_decides(awsval__regex *re, awsval__regex_scratch *sc, const char *v, size_t n, int want) {
    int a = awsval__regex_match(re, v, n, sc);
    int b = awsval__regex_match_nfa(re, v, n, sc);
    cr_assert_eq(a, want, "%s on %zu bytes \"%.60s...\": %d", awsval__regex_pcre2_source(re), n, v, a);
    cr_assert_eq(b, want, "%s on %zu bytes (simulation alone): %d", awsval__regex_pcre2_source(re), n, b);
}

Test(rx_nfa, over_budget_patterns_decide_long_values) {
    static char v[8192];
    size_t n;
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    /* [a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}: at most 512 letters, the first 1..256 leading,
     * every later one a group of its own after any dashes */
    awsval__regex *re = comp("[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}", AWSVAL__RE_FULL);
    const char *why = NULL;
    cr_assert_eq(awsval__regex_engine(re, &why), AWSVAL__RE_ENGINE_NFA);
    cr_assert(why && strstr(why, "DFA"), "%s", why ? why : "(none)"); /* states or construction work */
    n = rep(v, 0, "a", 256);
    n = rep(v, n, "--a", 256); /* 1024 bytes, 512 letters */
    nfa_decides(re, sc, v, n, AWSVAL__RE_MATCH);
    n = rep(v, n, "-a", 1); /* 513 letters */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    n = rep(v, 0, "a", 300);
    n = rep(v, n, "!", 1); /* a bad last character: PCRE2 backtracks into its limit here */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    n = rep(v, 0, "a", 1);
    n = rep(v, n, "-a", 256); /* one leading letter, 256 groups */
    nfa_decides(re, sc, v, n, AWSVAL__RE_MATCH);
    n = rep(v, n - 1, "\t", 1); /* the last letter a tab */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    awsval__regex_free(re);

    /* s3://bucket/key with a key of at most 1024 characters other than line terminators, then / */
    re = comp("s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])/?((.{1,1024})/)?", AWSVAL__RE_FULL);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_NFA);
    n = rep(v, 0, "s3://my-bucket/", 1);
    n = rep(v, n, "x", 1024);
    n = rep(v, n, "/", 1);
    nfa_decides(re, sc, v, n, AWSVAL__RE_MATCH);
    n = rep(v, 0, "s3://my-bucket/", 1);
    n = rep(v, n, "x", 1025);
    n = rep(v, n, "/", 1);
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    n = rep(v, 0, "s3://my-bucket/", 1);
    n = rep(v, n, "\xf0\x9f\x98\x80\xcc\x81" "a/", 120); /* astral, combining: one `.` each */
    nfa_decides(re, sc, v, n, AWSVAL__RE_MATCH);
    n = rep(v, n - 1, "\xe2\x80\xa8/", 1); /* U+2028 is not a `.` */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    awsval__regex_free(re);

    /* search mode, with \b (a demand on the next character, carried by the NFA's threads): a
     * host of 1..256 characters right after https://, a dot, 1..6 characters, a boundary */
    re = comp(".*https?:\\/\\/(www\\.)?[-a-zA-Z0-9@:%._\\+~#=]{1,256}\\.[a-zA-Z0-9()]{1,6}\\b([-a-zA-Z0-9()@:%_\\+.~#?&*//=]*).*",
              AWSVAL__RE_SEARCH);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_NFA);
    n = rep(v, 0, "see ", 100);
    n = rep(v, n, "https://", 1);
    size_t host = n;
    n = rep(v, n, "a", 256);
    n = rep(v, n, ".c", 1);
    nfa_decides(re, sc, v, n, AWSVAL__RE_MATCH);
    n = rep(v, n, "_", 1); /* c_ : no boundary after the c */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    n = rep(v, host, "a", 257);
    n = rep(v, n, ".c", 1); /* a host of 257 */
    nfa_decides(re, sc, v, n, AWSVAL__RE_NOMATCH);
    awsval__regex_free(re);
    awsval__regex_scratch_free(sc);
}

Test(rx_nfa, scratch_is_reused_and_bounded) {
    count_alc ca = {0, 0, -1};
    awsval_alc a = {ca_malloc, ca_realloc, ca_free, &ca};
    awsval__regex_scratch *sc = awsval__regex_scratch_create(&a, NULL);
    awsval__regex *re = comp("[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}", AWSVAL__RE_FULL);
    static char v[4096];
    size_t n = rep(v, 0, "ab-", 1200);
    cr_assert_eq(awsval__regex_match_nfa(re, v, n, sc), AWSVAL__RE_NOMATCH);
    size_t held = awsval__regex_scratch_bytes(sc);
    cr_assert_gt(held, 0);
    cr_assert_leq(held, awsval__regex_scratch_max_bytes());
    long before = ca.allocs;
    for (int i = 0; i < 20; i++) {
        n = rep(v, 0, "a", 1 + i * 20);
        cr_assert_eq(awsval__regex_match_nfa(re, v, n, sc), AWSVAL__RE_MATCH);
    }
    cr_assert_eq(ca.allocs, before, "the steady state allocates");
    cr_assert_eq(awsval__regex_scratch_bytes(sc), held);
    awsval__regex_scratch_trim(sc);
    cr_assert_eq(awsval__regex_scratch_bytes(sc), 0);
    cr_assert_eq(awsval__regex_match_nfa(re, v, n, sc), AWSVAL__RE_MATCH); /* usable after a trim */
    awsval__regex_free(re);
    awsval__regex_scratch_free(sc);
    cr_assert_eq(ca.live, 0);
    /* a scratch that cannot grow: an error, never a wrong answer */
    for (long k = 0; k < 12; k++) {
        count_alc cf = {0, 0, -1};
        awsval_alc af = {ca_malloc, ca_realloc, ca_free, &cf};
        awsval__regex_scratch *s2 = awsval__regex_scratch_create(&af, NULL);
        cr_assert_not_null(s2);
        cf.fail_after = cf.allocs + k;
        re = comp("[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}", AWSVAL__RE_FULL);
        int r = awsval__regex_match_nfa(re, "abc", 3, s2);
        cr_assert(r == AWSVAL__RE_MATCH || r == AWSVAL__RE_ERROR, "%d", r);
        awsval__regex_free(re);
        awsval__regex_scratch_free(s2);
        cr_assert_eq(cf.live, 0, "leak when allocation %ld fails", k);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Every AWS pattern: linear engine vs PCRE2 JIT                                               */
/* ------------------------------------------------------------------------------------------ */

static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return v;
}
static size_t json_str(const char *s, char *out, size_t cap) {
    size_t n = 0;
    while (*s && *s != '"') {
        if (*s != '\\') { out[n++] = *s++; continue; }
        s++;
        unsigned c;
        switch (*s) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'u':
            c = hex4(s + 1);
            s += 4;
            if (c >= 0xD800 && c < 0xDC00 && s[1] == '\\' && s[2] == 'u') {
                c = 0x10000 + ((c - 0xD800) << 10) + (hex4(s + 3) - 0xDC00);
                s += 6;
            }
            break;
        default: c = (unsigned char)*s;
        }
        s++;
        n = rxg_put_utf8(out, n, cap - 1, c);
    }
    out[n] = 0;
    return n;
}

static const char *const FIXED[] = {
    "", "a", "A1", "aws:x", " ", "\n", "abc\n", "abc\r\n", "a\r", "\xc3\xa9", "\xf0\x9f\x98\x80",
    "arn:aws:iam::123456789012:role/x", "123456789012", "sg-12345678", "a b", "-", "_", "*", "\t",
};

#define PROBES_PER_MODE 24
#define LONG_PROBES 4
#define PROBE_CAP 6000

Test(rx_corpus, linear_engine_agrees_with_pcre2_jit, .timeout = 600) {
    FILE *f = fopen(AWSVAL_TEST_DATA_DIR "/patterns/aws-patterns.jsonl", "r");
    cr_assert_not_null(f);
    static char line[1 << 16], pat[1 << 16], probe[PROBE_CAP];
    int total = 0, linear[2] = {0, 0}, nfa[2] = {0, 0};
    long compared = 0, matched = 0, limits = 0, disagree = 0, long_compared = 0;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_jit_stack *js = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
    pcre2_jit_stack_assign(mc, NULL, js);
    pcre2_set_match_limit(mc, 2000000);
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    rxg_rng rng = {12345};
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"pattern\": \"");
        if (!p) continue;
        size_t n = json_str(p + 12, pat, sizeof pat);
        total++;
        for (uint32_t mode = 0; mode < 2; mode++) {
            awsval__regex *re = awsval__regex_compile(pat, n, mode, NULL, NULL, NULL, 0);
            cr_assert_not_null(re);
            const struct awsval__rx_tree *t = awsval__regex_tree(re);
            int eng = awsval__regex_engine(re, NULL);
            if (eng == AWSVAL__RE_ENGINE_PCRE2) {
                awsval__regex_free(re);
                continue;
            }
            if (eng == AWSVAL__RE_ENGINE_LINEAR) linear[mode]++;
            else nfa[mode]++;
            /* the oracle: PCRE2 JIT on the same translated text, with the library's options */
            int ec;
            PCRE2_SIZE eo;
            uint32_t opts = PCRE2_UTF | PCRE2_NO_UTF_CHECK;
            if (mode == AWSVAL__RE_FULL) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
            pcre2_code *code = pcre2_compile((PCRE2_SPTR)awsval__regex_pcre2_source(re), PCRE2_ZERO_TERMINATED,
                                             opts, &ec, &eo, NULL);
            cr_assert_not_null(code);
            int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
            for (int i = 0; i < (int)(sizeof FIXED / sizeof *FIXED) + PROBES_PER_MODE; i++) {
                size_t len;
                int is_long = 0;
                if (i < (int)(sizeof FIXED / sizeof *FIXED)) {
                    len = strlen(FIXED[i]);
                    memcpy(probe, FIXED[i], len + 1);
                } else {
                    int k = i - (int)(sizeof FIXED / sizeof *FIXED);
                    is_long = k < LONG_PROBES;
                    size_t want = is_long ? 1000 + rxg_below(&rng, 4000) : rxg_below(&rng, 40);
                    len = rxg_generate(t, &rng, want, probe, sizeof probe);
                    /* a third unchanged, the rest with one to three mutations */
                    if (k % 3) {
                        for (uint32_t mu = 1 + rxg_below(&rng, 3); mu > 0; mu--)
                            len = rxg_mutate(&rng, probe, len, sizeof probe);
                    }
                }
                int lin = awsval__regex_match(re, probe, len, sc);
                int pc = jit ? pcre2_jit_match(code, (PCRE2_SPTR)probe, len, 0, 0, md, mc)
                             : pcre2_match(code, (PCRE2_SPTR)probe, len, 0, PCRE2_NO_UTF_CHECK, md, mc);
                cr_assert(lin == AWSVAL__RE_MATCH || lin == AWSVAL__RE_NOMATCH, "linear engine returned %d", lin);
                if (pc == PCRE2_ERROR_MATCHLIMIT || pc == PCRE2_ERROR_JIT_STACKLIMIT || pc == PCRE2_ERROR_DEPTHLIMIT ||
                    pc == PCRE2_ERROR_HEAPLIMIT) {
                    limits++;
                    continue;
                }
                cr_assert(pc >= 0 || pc == PCRE2_ERROR_NOMATCH, "pcre2 error %d", pc);
                int want = pc >= 0;
                compared++;
                long_compared += is_long;
                matched += want;
                if (want != lin) {
                    if (disagree++ < 20)
                        cr_log_error("DISAGREE %s mode %u: pcre2 %d linear %d on \"%.200s\" (%zu bytes)", pat,
                                     (unsigned)mode, want, lin, probe, len);
                }
            }
            pcre2_code_free(code);
            awsval__regex_free(re);
        }
    }
    fclose(f);
    awsval__regex_scratch_free(sc);
    pcre2_jit_stack_free(js);
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    cr_log_info("%d patterns; DFA: %d (full), %d (search); NFA: %d (full), %d (search); %ld probes compared "
                "(%ld long, %ld matches), %ld PCRE2 limits, %ld disagreements",
                total, linear[0], linear[1], nfa[0], nfa[1], compared, long_compared, matched, limits, disagree);
    printf("rx_corpus: %d patterns; DFA: %d (full), %d (search); NFA: %d (full), %d (search); %ld probes "
           "compared (%ld long, %ld matches), %ld PCRE2 limits, %ld disagreements\n",
           total, linear[0], linear[1], nfa[0], nfa[1], compared, long_compared, matched, limits, disagree);
    cr_assert_eq(total, 4529);
    cr_assert_eq(disagree, 0);
    cr_assert_geq(linear[0], 4300, "only %d patterns use the linear engine", linear[0]);
    cr_assert_geq(linear[1], 4300, "only %d patterns use the linear engine", linear[1]);
}

/* The NFA simulation (forced for every linear pattern) against the DFA, the reference the test
 * above holds to PCRE2, on generated, long and mutated probes in both modes. */
Test(rx_corpus, nfa_simulation_agrees_with_dfa, .timeout = 600) {
    FILE *f = fopen(AWSVAL_TEST_DATA_DIR "/patterns/aws-patterns.jsonl", "r");
    cr_assert_not_null(f);
    static char line[1 << 16], pat[1 << 16], probe[PROBE_CAP];
    long compared = 0, matched = 0, disagree = 0, nfa_only = 0;
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    rxg_rng rng = {4242};
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"pattern\": \"");
        if (!p) continue;
        size_t n = json_str(p + 12, pat, sizeof pat);
        for (uint32_t mode = 0; mode < 2; mode++) {
            awsval__regex *ref = awsval__regex_compile(pat, n, mode, NULL, NULL, NULL, 0);
            awsval__regex *nf = awsval__regex_compile_opts(pat, n, mode, AWSVAL__RE_OPT_NFA, NULL, NULL, NULL, 0);
            cr_assert(ref && nf);
            const struct awsval__rx_tree *t = awsval__regex_tree(ref);
            int eng = awsval__regex_engine(ref, NULL);
            if (eng == AWSVAL__RE_ENGINE_PCRE2) {
                cr_assert_eq(awsval__regex_engine(nf, NULL), AWSVAL__RE_ENGINE_PCRE2);
                awsval__regex_free(ref);
                awsval__regex_free(nf);
                continue;
            }
            cr_assert_eq(awsval__regex_engine(nf, NULL), AWSVAL__RE_ENGINE_NFA, "%s", pat);
            nfa_only += eng == AWSVAL__RE_ENGINE_NFA;
            for (int i = 0; i < (int)(sizeof FIXED / sizeof *FIXED) + 12; i++) {
                size_t len;
                if (i < (int)(sizeof FIXED / sizeof *FIXED)) {
                    len = strlen(FIXED[i]);
                    memcpy(probe, FIXED[i], len + 1);
                } else {
                    int k = i - (int)(sizeof FIXED / sizeof *FIXED);
                    size_t want = k < 4 ? 1000 + rxg_below(&rng, 4000) : rxg_below(&rng, 40);
                    len = rxg_generate(t, &rng, want, probe, sizeof probe);
                    if (k % 3)
                        for (uint32_t mu = 1 + rxg_below(&rng, 3); mu > 0; mu--) len = rxg_mutate(&rng, probe, len, sizeof probe);
                }
                int a = awsval__regex_match_nfa(nf, probe, len, sc);
                /* the reference: the DFA, or for patterns over its budget PCRE2 then the NFA */
                int b = awsval__regex_match(ref, probe, len, sc);
                cr_assert(a == AWSVAL__RE_MATCH || a == AWSVAL__RE_NOMATCH, "simulation returned %d", a);
                compared++;
                matched += a == AWSVAL__RE_MATCH;
                if (a != b && disagree++ < 20)
                    cr_log_error("DISAGREE %s mode %u: simulation %d, reference %d on \"%.200s\" (%zu bytes)", pat,
                                 (unsigned)mode, a, b, probe, len);
            }
            awsval__regex_free(ref);
            awsval__regex_free(nf);
        }
    }
    fclose(f);
    awsval__regex_scratch_free(sc);
    printf("rx_corpus: NFA simulation: %ld probes compared (%ld matches), %ld disagreements; %ld pattern-modes "
           "over the DFA budget\n", compared, matched, disagree, nfa_only);
    cr_assert_eq(disagree, 0);
    cr_assert_gt(nfa_only, 0);
}
