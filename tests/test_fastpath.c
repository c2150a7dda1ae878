/* The checker's fast path for single-class patterns (`[A-Z]{1,8}`, `.*`, `\\S+`, `(?s).*`) must
 * agree with PCRE2 on every value.
 *
 * For each pattern of the vendored AWS corpus that starts like one, a one-shape model is built
 * (so the checker decides with its fast path where the pattern qualifies) and the verdicts on
 * random strings (ASCII, and now and then a character outside it: Latin, line and paragraph
 * separators, NEL, no-break space, a combining mark, CJK, an astral emoji) are compared with
 * PCRE2's on the compiled pattern. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "awsval.h"
#include "awsval_regex.h"

#ifndef AWSVAL_TEST_DATA_DIR
#define AWSVAL_TEST_DATA_DIR "tests/data"
#endif

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* A random string biased towards the characters the pattern itself uses, with now and then a
 * character outside ASCII (all assigned in Java's Unicode and PCRE2's). */
static size_t probe(char *out, size_t cap, const char *pattern)
{
    static const char *const wide[] = {"\xC3\xA9", "\xC2\x85", "\xC2\xA0", "\xE2\x80\xA8", "\xE2\x80\xA9",
                                       "\xCC\x81", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"};
    size_t n = next() % 80, plen = strlen(pattern), len = 0;
    if (next() % 8 == 0) n = next() % (cap / 4 - 1);
    bool mixed = next() % 2;
    for (size_t i = 0; i < n; i++) {
        if (mixed && next() % 6 == 0) {
            const char *w = wide[next() % (sizeof wide / sizeof *wide)];
            memcpy(out + len, w, strlen(w));
            len += strlen(w);
            continue;
        }
        char c = (next() % 3 && plen) ? pattern[next() % plen] : (char)(next() % 128);
        out[len++] = (unsigned char)c < 128 ? c : 'a';
    }
    return len;
}

Test(fastpath, agrees_with_pcre2_on_aws_patterns)
{
    FILE *f = fopen(AWSVAL_TEST_DATA_DIR "/patterns/aws-patterns.jsonl", "r");
    cr_assert_not_null(f);
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    awsval__regex_scratch *sc = awsval__regex_scratch_create(NULL, NULL);
    char line[70000];
    size_t patterns = 0, probes = 0;
    while (fgets(line, sizeof line, f)) {
        json_t *doc = json_loads(line, 0, NULL);
        const char *p = json_string_value(json_object_get(doc, "pattern"));
        if (!p) p = json_string_value(json_object_get(doc, "p"));
        if (!p) {
            json_decref(doc);
            continue;
        }
        /* Only patterns that may have the fast path's shape; the rest go to the same engines
         * in both cases. */
        if (!strchr("^[.\\(", p[0])) {
            json_decref(doc);
            continue;
        }
        json_t *model = json_pack("{s:{s:s,s:s,s:s},s:{},s:{s:{s:s,s:s}}}", "metadata", "protocol",
                                  "json", "endpointPrefix", "t", "apiVersion", "1", "operations",
                                  "shapes", "S", "type", "string", "pattern", p);
        char *text = json_dumps(model, 0);
        awsval_model_err err = {.size = sizeof err};
        awsval_model *m = awsval_model_load_buffer(text, strlen(text), NULL, &err);
        cr_assert_not_null(m, "%s: %s", p, err.message);
        size_t erroff;
        char msg[256];
        awsval__regex *re = awsval__regex_compile(p, strlen(p), AWSVAL__RE_FULL, NULL, &erroff, msg, sizeof msg);
        cr_assert_not_null(re, "%s: %s", p, msg);
        for (int k = 0; k < 60; k++) {
            char s[1200];
            size_t n = probe(s, sizeof s, p);
            int direct = awsval__regex_match_pcre2(re, s, n, sc);
            if (direct == AWSVAL__RE_LIMIT) continue;
            awsval_code rc = awsval_check_string(ctx, m, "S", s, n);
            bool pattern_failed = false;
            for (size_t i = 0; i < awsval_ctx_violation_count(ctx); i++) {
                awsval_violation v = {.size = sizeof v};
                awsval_ctx_violation(ctx, i, &v);
                if (v.kind == AWSVAL_KIND_PATTERN) pattern_failed = true;
            }
            cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID);
            cr_assert_eq(pattern_failed, direct == AWSVAL__RE_NOMATCH,
                         "pattern %s on \"%.*s\": checker %d, PCRE2 %d", p, (int)n, s,
                         pattern_failed, direct);
            probes++;
        }
        awsval__regex_free(re);
        awsval_model_free(m);
        free(text);
        json_decref(model);
        json_decref(doc);
        patterns++;
    }
    fclose(f);
    awsval__regex_scratch_free(sc);
    awsval_ctx_free(ctx);
    cr_assert_gt(patterns, 1000, "only %zu single-class-shaped patterns found", patterns);
    cr_log_info("%zu patterns, %zu probes agree", patterns, probes);
}

/* A character cut by the end of a 16-byte block the vector test passed, then a refused byte:
 * the character is not read again as if it began a new one (which swallowed the space). */
Test(fastpath, character_across_a_block_boundary)
{
    static const char model[] =
        "{\"metadata\":{\"protocol\":\"json\",\"endpointPrefix\":\"t\",\"apiVersion\":\"1\"},\"operations\":{},"
        "\"shapes\":{\"S\":{\"type\":\"string\",\"pattern\":\"[^\\\\x00-\\\\x1F\\\\x7F\\\\x20]*\"}}}";
    awsval_model *m = awsval_model_load_buffer(model, sizeof model - 1, NULL, NULL);
    cr_assert_not_null(m);
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    for (size_t at = 10; at < 40; at++) {
        char s[64];
        memset(s, 'x', sizeof s);
        memcpy(s + at, "\xC2\x85 ", 3); /* NEL (a member), then a space (not) */
        cr_assert_eq(awsval_check_string(ctx, m, "S", s, sizeof s), AWSVAL_INVALID, "NEL at %zu", at);
        s[at + 2] = 'x';
        cr_assert_eq(awsval_check_string(ctx, m, "S", s, sizeof s), AWSVAL_OK, "NEL at %zu", at);
    }
    awsval_ctx_free(ctx);
    awsval_model_free(m);
}
