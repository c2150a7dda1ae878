/* Tests of the Java -> PCRE2 pattern module (src/awsval_regex.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval_regex.h"

#ifndef AWSVAL_TEST_DATA_DIR
#define AWSVAL_TEST_DATA_DIR "tests/data"
#endif

/* Matches subj against the Java pattern pat; -9 if it does not compile. */
static int m(const char *pat, const char *subj, uint32_t mode) {
    char eb[512];
    size_t eo;
    awsval__regex *re = awsval__regex_compile(pat, strlen(pat), mode, NULL, &eo, eb, sizeof eb);
    if (!re) {
        cr_log_error("compile %s: %s", pat, eb);
        return -9;
    }
    awsval__regex_scratch *s = awsval__regex_scratch_create(NULL, NULL);
    cr_assert_not_null(s);
    int rc = awsval__regex_match(re, subj, strlen(subj), s);
    awsval__regex_scratch_free(s);
    awsval__regex_free(re);
    return rc;
}
#define FULL(p, s) m(p, s, AWSVAL__RE_FULL)
#define FIND(p, s) m(p, s, AWSVAL__RE_SEARCH)
#define YES(p, s) cr_assert_eq(FULL(p, s), AWSVAL__RE_MATCH, "%s should fully match \"%s\"", p, s)
#define NO(p, s) cr_assert_eq(FULL(p, s), AWSVAL__RE_NOMATCH, "%s should not fully match \"%s\"", p, s)
#define FYES(p, s) cr_assert_eq(FIND(p, s), AWSVAL__RE_MATCH, "%s should be found in \"%s\"", p, s)
#define FNO(p, s) cr_assert_eq(FIND(p, s), AWSVAL__RE_NOMATCH, "%s should not be found in \"%s\"", p, s)

static int bad(const char *pat) {
    char buf[256];
    size_t need, off;
    const char *msg = NULL;
    return awsval__regex_translate(pat, strlen(pat), buf, sizeof buf, &need, &off, &msg) == -1 &&
           msg != NULL;
}

Test(regex_seed, vpc_lattice) {
    const char *p = "((svc-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:service/"
                    "svc-[0-9a-z]{17}))";
    YES(p, "svc-0123456789abcdefg");
    NO(p, "svc-0123456789abcdefg!");
    NO(p, "xsvc-0123456789abcdefg");
    YES(p, "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdefg");
    FYES(p, "xsvc-0123456789abcdefg");
}

/* Values that fit an ID shape (a few single characters, then one repeated ASCII set) are
 * answered before any engine: the answers must be PCRE2's, for the ID, every character of it
 * replaced, one shorter and one longer, in both modes. */
Test(regex_seed, id_shapes_agree_with_pcre2) {
    static const char *const pats[] = {
        "((snsa-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:"
        "servicenetworkserviceassociation/snsa-[0-9a-z]{17}))",
        "^(sn-[0-9a-z]{17})$", "[a-z]{2}-[0-9]{1,5}", "(?i)svc-[0-9a-f]{8}", "[\\s\\S]{1,4}",
        "^[a-zA-Z0-9_.-]{0,3}$", "(ab|cd)x[0-9]{2}", "\\bid-[a-z]{3}\\b", "[^a]b[a-z]{1,3}",
    };
    static const char *const ids[] = {"snsa-0123456789abcdefg", "sn-0123456789abcdefg", "ab-123",
                                      "svc-0a1b2c3d", "a\nb", "a.b", "abx12", "id-abc", "xbab"};
    static const char *const subs[] = {"A", "-", "0", "z", "\n", "\xc3\xa9", "_", "a"};
    awsval__regex_scratch *s = awsval__regex_scratch_create(NULL, NULL);
    cr_assert_not_null(s);
    size_t compared = 0, matched = 0;
    for (size_t p = 0; p < sizeof pats / sizeof *pats; p++) {
        for (uint32_t mode = AWSVAL__RE_FULL; mode <= AWSVAL__RE_SEARCH; mode++) {
            awsval__regex *re = awsval__regex_compile(pats[p], strlen(pats[p]), mode, NULL, NULL, NULL, 0);
            awsval__regex *ref = awsval__regex_compile_opts(pats[p], strlen(pats[p]), mode,
                                                            AWSVAL__RE_OPT_NO_LINEAR, NULL, NULL, NULL, 0);
            cr_assert(re && ref, "%s", pats[p]);
            const char *id = ids[p];
            size_t n = strlen(id);
            char v[64];
            for (size_t i = 0; i <= n + 1; i++) {
                for (size_t k = 0; k < sizeof subs / sizeof *subs; k++) {
                    size_t vn;
                    if (i < n) { /* character i replaced */
                        size_t sl = strlen(subs[k]);
                        memcpy(v, id, i);
                        memcpy(v + i, subs[k], sl);
                        memcpy(v + i + sl, id + i + 1, n - i - 1);
                        vn = n - 1 + sl;
                    } else if (i == n) { /* one longer */
                        memcpy(v, id, n);
                        memcpy(v + n, subs[k], strlen(subs[k]));
                        vn = n + strlen(subs[k]);
                    } else { /* the ID itself, and one shorter */
                        vn = k == 0 ? n : n - 1;
                        memcpy(v, id, vn);
                    }
                    int got = awsval__regex_match(re, v, vn, s), want = awsval__regex_match(ref, v, vn, s);
                    cr_assert_eq(got, want, "%s (mode %u) on \"%.*s\": %d, PCRE2 %d", pats[p], mode,
                                 (int)vn, v, got, want);
                    compared++;
                    matched += got == AWSVAL__RE_MATCH;
                }
            }
            awsval__regex_free(re);
            awsval__regex_free(ref);
        }
    }
    awsval__regex_scratch_free(s);
    cr_assert_gt(matched, 100, "%zu of %zu matched", matched, compared);
    cr_assert_gt(compared - matched, 100, "%zu of %zu matched", matched, compared);
}

Test(regex_seed, printable) {
    YES(".*[!-~]+.*", "  a ");
    NO(".*[!-~]+.*", "   ");
    NO(".*[!-~]+.*", "a\nb"); /* . excludes line terminators */
}

Test(regex_seed, iam_tag_value) {
    const char *p = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
    YES(p, "");
    YES(p, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac 12");
    NO(p, "a,b");
    FYES(p, "a,b");
}

Test(regex_seed, catastrophic_backtracking) {
    char subj[128];
    memset(subj, '1', 80);
    strcpy(subj + 80, "!");
    clock_t t0 = clock();
    int rc = FULL("^([0-9]+)+$", subj);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_assert(rc == AWSVAL__RE_NOMATCH || rc == AWSVAL__RE_LIMIT, "rc=%d", rc);
    cr_assert(secs < 5.0, "took %f s", secs);
}

Test(regex_seed, tiny_match_limit) {
    /* The PCRE2 path (the linear engine, by default, decides this pattern without limits). */
    const char *pat = "(a|aa)+(?:b|c)";
    awsval__regex *re = awsval__regex_compile_opts(pat, strlen(pat), AWSVAL__RE_FULL, AWSVAL__RE_OPT_NO_LINEAR,
                                                   NULL, NULL, NULL, 0);
    cr_assert_not_null(re);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_PCRE2);
    awsval__regex_limits lim = {5, 0, 0, 0, 0};
    awsval__regex_scratch *s = awsval__regex_scratch_create(NULL, &lim);
    cr_assert_not_null(s);
    /* The backtracking matcher gives up; the DFA matcher decides the short value. */
    const char *subj = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaax";
    cr_assert_eq(awsval__regex_match(re, subj, strlen(subj), s), AWSVAL__RE_NOMATCH);
    cr_assert_eq(awsval__regex_match(re, "aaab", 4, s), AWSVAL__RE_MATCH);
    /* Past the DFA's subject cap, the limit stands. */
    static char big[2000];
    memset(big, 'a', sizeof big - 1);
    cr_assert_eq(awsval__regex_match(re, big, sizeof big - 1, s), AWSVAL__RE_LIMIT);
    /* And once a request's DFA budget (2 KiB of subjects) is spent, short values too. */
    for (int i = 0; i < 50; i++) awsval__regex_match(re, subj, strlen(subj), s);
    cr_assert_eq(awsval__regex_match(re, subj, strlen(subj), s), AWSVAL__RE_LIMIT);
    awsval__regex_scratch_new_check(s);
    cr_assert_eq(awsval__regex_match(re, subj, strlen(subj), s), AWSVAL__RE_NOMATCH);
    awsval__regex_free(re);
    /* The default: the linear engine decides every value, whatever the limits. */
    re = awsval__regex_compile(pat, strlen(pat), AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
    cr_assert_eq(awsval__regex_engine(re, NULL), AWSVAL__RE_ENGINE_LINEAR);
    cr_assert_eq(awsval__regex_match(re, big, sizeof big - 1, s), AWSVAL__RE_NOMATCH);
    big[sizeof big - 2] = 'b';
    cr_assert_eq(awsval__regex_match(re, big, sizeof big - 1, s), AWSVAL__RE_MATCH);
    for (int i = 0; i < 50; i++) cr_assert_eq(awsval__regex_match(re, subj, strlen(subj), s), AWSVAL__RE_NOMATCH);
    awsval__regex_scratch_free(s);
    awsval__regex_free(re);
}

Test(regex_seed, dfa_cannot_decide_back_references) {
    const char *pat = "(a|aa)+\\1x";
    awsval__regex *re = awsval__regex_compile(pat, strlen(pat), AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
    cr_assert_not_null(re);
    awsval__regex_limits lim = {5, 0, 0, 0, 0};
    awsval__regex_scratch *s = awsval__regex_scratch_create(NULL, &lim);
    /* ("x" is there, so PCRE2 cannot rule it out before matching.) */
    const char *subj = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabx";
    cr_assert_eq(awsval__regex_match(re, subj, strlen(subj), s), AWSVAL__RE_LIMIT);
    awsval__regex_scratch_free(s);
    awsval__regex_free(re);
}

Test(regex_ascii, shorthand_classes_are_ascii) {
    YES("\\w+", "abc_09");
    NO("\\w", "\xc3\xa9"); /* é */
    YES("\\W", "\xc3\xa9");
    YES("\\d", "7");
    NO("\\d", "\xd9\xa3"); /* ARABIC-INDIC DIGIT THREE */
    YES("\\s", "\x0b");    /* Java \s includes VT */
    NO("\\s", "\xc2\xa0"); /* NBSP */
    NO("\\s", "\xe2\x80\xa8");
    YES("\\S", "\xc2\xa0");
    YES("[^\\s]", "x");
    NO("[\\S]", " ");
    YES("\\D\\W\\S", "a!x");
}

Test(regex_ascii, word_boundary) {
    FYES("\\bfoo\\b", "a foo b");
    FNO("\\bfoo\\b", "afoo");
    FYES("foo\\B", "foox");
    /* ASCII word characters only: é is not a word character */
    FYES("\\bfoo", "\xc3\xa9" "foo");
}

Test(regex_ascii, posix_classes) {
    YES("\\p{Alpha}+", "abcXYZ");
    NO("\\p{Alpha}", "\xc3\xa9");
    YES("\\p{Alnum}\\p{Digit}\\p{XDigit}", "a1f");
    YES("\\p{Punct}", "!");
    NO("\\p{Punct}", "\xc2\xa1");
    YES("\\p{Print}", " ");
    NO("\\p{Graph}", " ");
    YES("\\p{Upper}\\p{Lower}", "Ab");
    YES("\\p{Cntrl}\\p{Blank}\\p{Space}", "\x01\t\n");
    YES("\\p{ASCII}", "~");
    NO("\\p{ASCII}", "\xc3\xa9");
    YES("\\P{Alpha}", "1");
    YES("[\\p{Alpha}\\d]+", "a1");
    NO("[^\\p{Alpha}]", "a");
}

Test(regex_unicode, categories_and_properties) {
    YES("\\p{L}", "\xc3\xa9");
    YES("\\p{Lu}", "\xc3\x89");
    NO("\\p{Lu}", "\xc3\xa9");
    YES("\\p{IsL}\\p{IsLu}", "aB");
    YES("\\p{IsAlphabetic}", "\xe6\x97\xa5");
    YES("\\p{IsWhitespace}", "\xe2\x80\xa8");
    YES("\\p{IsDigit}", "\xd9\xa3");
    YES("\\p{IsLatin}", "a");
    NO("\\p{IsLatin}", "\xce\xb1"); /* alpha */
    YES("\\p{Z}", " ");
    YES("\\p{N}\\p{S}\\p{P}", "1$!");
    YES("\\p{javaLetterOrDigit}", "\xe6\x97\xa5");
    YES("\\p{LD}", "5");
    YES("\\p{sc=Greek}", "\xce\xb1");
    YES("\\p{gc=Nd}", "3");
    YES("\\pL", "x");
    cr_assert(bad("\\p{NoSuchThing}"));
    cr_assert(bad("\\p{}"));
    cr_assert(bad("\\p{L"));
}

Test(regex_lines, dot_and_dollar) {
    NO(".", "\n");
    NO(".", "\r");
    NO(".", "\xc2\x85");
    NO(".", "\xe2\x80\xa8");
    YES("(?s).", "\n");
    YES("(?d).", "\r");
    YES("\\x{1F600}", "\xf0\x9f\x98\x80");
    YES(".", "\xf0\x9f\x98\x80");
    /* $ before a final terminator: only a find (or an explicit terminator) can use it */
    FYES("abc$", "abc\n");
    FYES("abc$", "abc\r\n");
    FNO("abc$", "abc\n\n");
    FYES("abc$", "abc\xe2\x80\xa8");
    YES("abc$\\n", "abc\n");
    YES("abc$\\r\\n", "abc\r\n");
    NO("abc\\r$\\n", "abc\r\n"); /* never between \r and \n */
    NO("abc$", "abc\n");         /* full match must consume the whole value */
    YES("(?m)^a$\\n^b$", "a\nb");
    FYES("(?m)^b", "a\r\nb");
    FNO("(?m)^\\nb", "a\r\nb");
    YES("\\Aabc\\z", "abc");
    FYES("abc\\Z", "abc\n");
    FNO("abc\\z", "abc\n");
    FYES("^abc", "abc");
    FNO("^abc", "xabc");
}

Test(regex_escapes, literals) {
    YES("\\Qa.b*\\E", "a.b*");
    NO("\\Qa.b\\E", "axb");
    YES("\\Qab\\E+", "abbb");
    YES("[\\Q]\\E]", "]");
    YES("\\Qa\\\\E", "a\\");
    YES("\\u0041\\x42\\x{43}\\0104\\t", "ABCD\t");
    YES("\\cA\\e\\a\\f", "\x01\x1b\x07\f");
    YES("\\uD83D\\uDE00", "\xf0\x9f\x98\x80");
    YES("[\\uD83D\\uDE00]", "\xf0\x9f\x98\x80");
    YES("[\\uD800\\uDC00-\\uDBFF\\uDFFF]", "\xf0\x9f\x98\x80");
    NO("[\\uD800\\uDC00-\\uDBFF\\uDFFF]", "a");
    NO("\\uD800", "\xf0\x90\x80\x80");
    FNO("[\\uD800-\\uDFFF]", "\xf0\x9f\x98\x80");
    YES("\\uD800?x", "x");
    YES("a\\-\\#", "a-#");
    cr_assert(bad("\\q"));
    cr_assert(bad("\\"));
    cr_assert(bad("\\x{110000}"));
    cr_assert(bad("\\u12"));
    cr_assert(bad("\\0"));
    cr_assert(bad("\\E"));
}

Test(regex_class, java_class_syntax) {
    YES("[a-z[0-9]]+", "a1");
    YES("[a-z&&[^aeiou]]+", "bcd");
    NO("[a-z&&[^aeiou]]", "a");
    YES("[\\w-_]+", "a-_");
    YES("[a-]", "-");
    YES("[-a]", "-");
    YES("[]a]", "]");
    YES("[^]a]", "b");
    NO("[^]a]", "]");
    YES("[a-c&&b-d]", "b");
    NO("[a-c&&b-d]", "a");
    YES("[a&b]", "&");
    YES("[^a[b]]", "c");
    NO("[^a[b]]", "b");
    YES("[\\p{Print}&&[^|:/]]+", "abc");
    NO("[\\p{Print}&&[^|:/]]+", "a:b");
    YES("[[a-c]&&[b-d]&&[c-e]]", "c");
    NO("[[a-c]&&[b-d]&&[c-e]]", "b");
    YES("[a-z&&]", "q");
    YES("[\\x{1F600}-\\x{1F64F}]", "\xf0\x9f\x98\x81");
    cr_assert(bad("[a"));
    cr_assert(bad("[z-a]"));
    cr_assert(bad("[&&]"));
    cr_assert(bad("[\\b]"));
}

Test(regex_quant, java_quantifier_rules) {
    /* a second counted quantifier applies to an empty slice: x{2}{3} is x{2} */
    YES("a{2}{3}", "aa");
    NO("a{2}{3}", "aaaaaa");
    YES("([a-z]*)${1,128}", "abc");
    NO("([a-z]*)${1,128}", "abc\n");
    YES("a++b", "aab");
    NO("a++a", "aaa");
    YES("a*?b", "aab");
    YES("a?+a", "aa");
    YES("(?:ab){2,}+", "ababab");
    YES("a{1,100000}", "aaaa");
    YES("a{0,70000}", "");
    cr_assert_eq(FULL("a{65536}", "a"), AWSVAL__RE_NOMATCH);
    YES("(ab|c){1,900}", "abcab");
    cr_assert(bad("a**"));
    cr_assert(bad("*a"));
    cr_assert(bad("a{"));
    cr_assert(bad("a{2,1}"));
    cr_assert(bad("a{99999999999}"));
    YES("{1}", ""); /* Java quantifies an empty slice */
}

Test(regex_quant, big_counts_are_exact) {
    char *s = malloc(70002);
    memset(s, 'a', 70001);
    s[70001] = 0;
    cr_assert_eq(FULL("a{70001}", s), AWSVAL__RE_MATCH);
    cr_assert_eq(FULL("a{70002}", s), AWSVAL__RE_NOMATCH);
    cr_assert_eq(FULL("a{0,70001}", s), AWSVAL__RE_MATCH);
    cr_assert_eq(FULL("a{0,70000}", s), AWSVAL__RE_NOMATCH);
    cr_assert_eq(FULL("a{3,65537}", s), AWSVAL__RE_NOMATCH);
    cr_assert_eq(FULL("a{65537,}", s), AWSVAL__RE_MATCH);
    s[65600] = 0;
    cr_assert_eq(FULL("a{1,65600}", s), AWSVAL__RE_MATCH);
    cr_assert_eq(FULL("a{1,65599}", s), AWSVAL__RE_NOMATCH);
    free(s);
}

Test(regex_flags, inline_flags) {
    YES("(?i)abc", "AbC");
    YES("(?i)[a-c]+", "ABC");
    NO("(?i)\\u00e9", "\xc3\x89"); /* ASCII-only without (?u) */
    YES("(?iu)\\u00e9", "\xc3\x89");
    NO("(?i)k", "\xe2\x84\xaa"); /* KELVIN SIGN */
    YES("a(?i:b)c", "aBc");
    NO("a(?i:b)c", "aBC");
    YES("(?i)a(?-i)b", "Ab");
    NO("(?i)a(?-i)b", "AB");
    YES("(?x) a b # comment\n c", "abc");
    YES("(?x)[a b]", "b");
    YES("(?s)a.b", "a\nb");
    YES("(?m)a$", "a");
    YES("(?i)[^a]", "b");
    NO("(?i)[^a]", "A");
    YES("(a(?i)b|c)", "C");
    cr_assert(bad("(?q)"));
}

Test(regex_groups, lookaround_backrefs_named) {
    YES("(?=a)a", "a");
    YES("(?!b)a", "a");
    FYES("(?<=a)b", "ab");
    FNO("(?<!a)b", "ab");
    YES("(?<n>a)\\k<n>", "aa");
    NO("(?<n>a)\\k<n>", "ab");
    YES("(a)\\1", "aa");
    YES("(a)\\11", "aa1"); /* only one group: \1 then '1' */
    YES("(?>a+)b", "aab");
    NO("(?>a+)a", "aa");
    NO("(a)\\2", "aa");
    YES("^(?!.*?(.)\\1{3})[a-z]*$", "aabbb");
    NO("^(?!.*?(.)\\1{3})[a-z]*$", "aaaab");
    cr_assert(bad("\\k<n>(?<n>a)"));
    cr_assert(bad("(?<n>a)(?<n>b)"));
    cr_assert(bad("(a"));
    cr_assert(bad("a)"));
    cr_assert(bad("(?<1a>x)"));
}

Test(regex_api, translate_buffer_protocol) {
    const char *p = "[a-z&&[^aeiou]]+\\w";
    size_t need = 0, off;
    const char *msg;
    cr_assert_eq(awsval__regex_translate(p, strlen(p), NULL, 0, &need, &off, &msg), 1);
    cr_assert_gt(need, 1);
    char *buf = malloc(need);
    cr_assert_eq(awsval__regex_translate(p, strlen(p), buf, need - 1, &need, &off, &msg), 1);
    cr_assert_eq(awsval__regex_translate(p, strlen(p), buf, need, &need, &off, &msg), 0);
    cr_assert_eq(strlen(buf) + 1 <= need, 1);
    free(buf);
    cr_assert_eq(awsval__regex_translate("\xff", 1, NULL, 0, &need, &off, &msg), -1);
    cr_assert_eq(awsval__regex_translate("", 0, NULL, 0, &need, &off, &msg), 1);
    YES("", "");
    NO("", "a");
    FYES("", "a");
}

Test(regex_api, compile_error_message) {
    char eb[256];
    size_t eo = 99;
    cr_assert_null(awsval__regex_compile("ab(", 3, AWSVAL__RE_FULL, NULL, &eo, eb, sizeof eb));
    cr_assert_neq(strstr(eb, "Unclosed group"), NULL, "%s", eb);
    /* Java accepts, PCRE2 10.42 does not (variable-length look-behind) */
    cr_assert_null(awsval__regex_compile("(?<=ab?)c", 9, AWSVAL__RE_FULL, NULL, &eo, eb, sizeof eb));
    cr_assert_neq(strstr(eb, "PCRE2"), NULL, "%s", eb);
    awsval__regex *re = awsval__regex_compile("a\\w", 3, AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
    cr_assert_str_eq(awsval__regex_pcre2_source(re), "a[0-9A-Z_a-z]");
    awsval__regex_free(re);
}

/* An allocator that fails the Nth allocation, counting live blocks. */
typedef struct fail_alc {
    long n, live;
} fail_alc;
static void *fa_malloc(void *ctx, size_t n) {
    fail_alc *f = ctx;
    if (f->n-- == 0) return NULL;
    void *p = malloc(n);
    if (p) f->live++;
    return p;
}
static void *fa_realloc(void *ctx, void *p, size_t o, size_t n) {
    (void)ctx; (void)o;
    return realloc(p, n);
}
static void fa_free(void *ctx, void *p) {
    fail_alc *f = ctx;
    if (p) f->live--;
    free(p);
}

Test(regex_api, allocation_failures_do_not_leak) {
    const char *p = "(?<n>[a-z]+)\\k<n>\\d{2,5}";
    int ok = 0;
    for (long n = 0; n < 64 && !ok; n++) {
        fail_alc f = {n, 0};
        awsval_alc a = {fa_malloc, fa_realloc, fa_free, &f};
        awsval__regex *re = awsval__regex_compile(p, strlen(p), AWSVAL__RE_FULL, &a, NULL, NULL, 0);
        awsval__regex_scratch *s = re ? awsval__regex_scratch_create(&a, NULL) : NULL;
        if (re && s) {
            ok = 1;
            cr_assert_eq(awsval__regex_match(re, "abab12", 6, s), AWSVAL__RE_MATCH);
            /* steady state: no allocation */
            f.n = 0;
            for (int i = 0; i < 10; i++) cr_assert_eq(awsval__regex_match(re, "abab12", 6, s), AWSVAL__RE_MATCH);
        }
        awsval__regex_scratch_free(s);
        awsval__regex_free(re);
        cr_assert_eq(f.live, 0, "leak after failing allocation %ld", n);
    }
    cr_assert(ok);
}

/* ------------------------------------------------------------------------------------------ */
/* The AWS corpus                                                                              */
/* ------------------------------------------------------------------------------------------ */

static void put_utf8(char *out, size_t *n, unsigned c) {
    if (c < 0x80) out[(*n)++] = (char)c;
    else if (c < 0x800) { out[(*n)++] = (char)(0xC0 | c >> 6); out[(*n)++] = (char)(0x80 | (c & 63)); }
    else if (c < 0x10000) {
        out[(*n)++] = (char)(0xE0 | c >> 12);
        out[(*n)++] = (char)(0x80 | ((c >> 6) & 63));
        out[(*n)++] = (char)(0x80 | (c & 63));
    } else {
        out[(*n)++] = (char)(0xF0 | c >> 18);
        out[(*n)++] = (char)(0x80 | ((c >> 12) & 63));
        out[(*n)++] = (char)(0x80 | ((c >> 6) & 63));
        out[(*n)++] = (char)(0x80 | (c & 63));
    }
}
static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}
/* Decodes the JSON string starting after its opening quote (enough JSON for this file). */
static size_t json_str(const char *s, char *out) {
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
        put_utf8(out, &n, c);
    }
    out[n] = 0;
    return n;
}

Test(regex_corpus, all_aws_patterns_compile) {
    FILE *f = fopen(AWSVAL_TEST_DATA_DIR "/patterns/aws-patterns.jsonl", "r");
    cr_assert_not_null(f, "cannot open the pattern corpus");
    static char line[1 << 16], pat[1 << 16];
    int total = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"pattern\": \"");
        if (!p) continue;
        size_t n = json_str(p + 12, pat);
        total++;
        for (uint32_t mode = 0; mode < 2; mode++) {
            char eb[1024];
            size_t eo;
            awsval__regex *re = awsval__regex_compile(pat, n, mode, NULL, &eo, eb, sizeof eb);
            if (!re) {
                failed++;
                cr_log_error("mode %u: %s: %s", (unsigned)mode, pat, eb);
            }
            awsval__regex_free(re);
        }
    }
    fclose(f);
    cr_assert_eq(total, 4529);
    cr_assert_eq(failed, 0, "%d of %d compilations failed", failed, 2 * total);
}
