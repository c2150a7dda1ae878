/* Memory: what a context holds is bounded by what inputs hold, measured (awsval_ctx_memory),
 * released (awsval_ctx_trim, retain_memory), capped (max_memory) and bounded in advance
 * (awsval_ctx_max_memory), as a long-running host (an nginx worker) needs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

static awsval_model *kinds;

static void setup(void)
{
    awsval_model_err err = {.size = sizeof err};
    kinds = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/kinds.json", NULL, &err);
    cr_assert_not_null(kinds, "%s", err.message);
}

static void teardown(void) { awsval_model_free(kinds); }

TestSuite(memory, .init = setup, .fini = teardown);

/* About `bytes` of JSON that makes every scratch area work: a map of many keys (keys kept for
 * duplicates), nested structures (bitsets), a uniqueItems list... under an unknown member too. */
static char *big_request(size_t bytes, size_t *len)
{
    char *j = malloc(bytes + 256);
    size_t n = (size_t)sprintf(j, "{\"name\":\"a\",\"zz\":{");
    for (int i = 0; n + 64 < bytes; i++) n += (size_t)sprintf(j + n, "%s\"key%07d\":[1,{\"a\":\"\\u00e9\"}]", i ? "," : "", i);
    n += (size_t)sprintf(j + n, "}}");
    *len = n;
    return j;
}

Test(memory, oversize_body_allocates_nothing_by_its_size)
{
    awsval_ctx *c = awsval_ctx_create(NULL, NULL); /* max_size 1 MiB */
    size_t base = awsval_ctx_memory(c);
    size_t len = (size_t)100 << 20;
    char *body = malloc(len);
    memset(body, ' ', len);
    body[0] = '{';
    body[len - 1] = '}';
    cr_assert_eq(awsval_check(c, kinds, "Kinds", body, len), AWSVAL_INVALID);
    awsval_violation v = {.size = sizeof v};
    cr_assert_eq(awsval_ctx_violation(c, 0, &v), AWSVAL_OK);
    cr_assert_eq(v.kind, AWSVAL_KIND_LIMIT);
    size_t after = awsval_ctx_memory(c);
    cr_assert_lt(after - base, (size_t)1 << 20, "a 100 MiB body raised memory by %zu bytes", after - base);
    /* Over HTTP too: the whole request counts against the limit before anything is bound. */
    awsval_http_request rq = {.size = sizeof rq, .method = "POST", .method_len = 4, .target = "/kinds",
                              .target_len = 6, .body = body, .body_len = len};
    cr_assert_eq(awsval_check_http(c, kinds, &rq), AWSVAL_INVALID);
    awsval_rejection r = {.size = sizeof r};
    cr_assert_eq(awsval_ctx_rejection(c, &r), AWSVAL_OK);
    cr_assert_eq(r.status, 413);
    cr_assert_lt(awsval_ctx_memory(c) - base, (size_t)1 << 20);
    free(body);
    awsval_ctx_free(c);
}

Test(memory, trim_returns_to_the_baseline)
{
    /* retain_memory SIZE_MAX: nothing is released by itself, so the growth is visible. */
    awsval_ctx_opts o = {.size = sizeof o, .retain_memory = SIZE_MAX};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    size_t base = awsval_ctx_memory(c);
    size_t len;
    char *j = big_request((size_t)1 << 20, &len);
    cr_assert_eq(awsval_check(c, kinds, "Kinds", j, len), AWSVAL_INVALID); /* zz is unknown */
    size_t held = awsval_ctx_memory(c);
    cr_assert_gt(held, base, "a 1 MiB request grew nothing");
    printf("memory: baseline %zu bytes, after a 1 MiB request %zu bytes (%.1fx the input), bound %zu\n",
           base, held, (double)held / (double)len, awsval_ctx_max_memory(&o, len));
    awsval_ctx_trim(c);
    cr_assert_eq(awsval_ctx_memory(c), base, "after trim: %zu, baseline %zu", awsval_ctx_memory(c), base);
    /* Trimmed, the result is gone; the context checks again as new. */
    cr_assert_eq(awsval_ctx_violation_count(c), 0);
    cr_assert_eq(awsval_check(c, kinds, "Kinds", j, len), AWSVAL_INVALID);
    free(j);
    awsval_ctx_free(c);
}

Test(memory, retain_memory_releases_after_a_large_request)
{
    awsval_ctx_opts o = {.size = sizeof o, .retain_memory = 64 << 10};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    size_t len;
    char *j = big_request((size_t)1 << 20, &len);
    cr_assert_eq(awsval_check(c, kinds, "Kinds", j, len), AWSVAL_INVALID);
    /* The result is kept (its strings are readable), the scratch is not. */
    awsval_violation v = {.size = sizeof v};
    cr_assert_eq(awsval_ctx_violation(c, 0, &v), AWSVAL_OK);
    cr_assert_str_eq(v.pointer, "/zz");
    awsval_ctx_opts big = {.size = sizeof big, .retain_memory = SIZE_MAX};
    awsval_ctx *keep = awsval_ctx_create(&big, NULL);
    awsval_check(keep, kinds, "Kinds", j, len);
    cr_assert_lt(awsval_ctx_memory(c), awsval_ctx_memory(keep) / 2, "retained %zu of %zu",
                 awsval_ctx_memory(c), awsval_ctx_memory(keep));
    free(j);
    awsval_ctx_free(c);
    awsval_ctx_free(keep);
}

Test(memory, the_bound_holds)
{
    /* Inputs of several shapes and sizes: the memory held never passes the documented bound. */
    awsval_ctx_opts o = {.size = sizeof o, .retain_memory = SIZE_MAX, .max_size = 4 << 20};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    size_t sizes[] = {100, 10000, 100000, 1 << 20, 3 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t len;
        char *j = big_request(sizes[i], &len);
        awsval_check(c, kinds, "Kinds", j, len);
        for (size_t k = 0; k < awsval_ctx_violation_count(c); k++) {
            awsval_violation v = {.size = sizeof v};
            awsval_ctx_violation(c, k, &v); /* published strings count too */
        }
        size_t bound = awsval_ctx_max_memory(&o, len);
        cr_assert_leq(awsval_ctx_memory(c), bound, "%zu bytes: held %zu, bound %zu", len, awsval_ctx_memory(c), bound);
        free(j);
    }
    awsval_ctx_free(c);
}

Test(memory, cap_answers_limit_and_keeps_working)
{
    awsval_ctx_opts o = {.size = sizeof o, .max_memory = 256 << 10};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    cr_assert_not_null(c);
    size_t len;
    char *j = big_request((size_t)1 << 20, &len);
    cr_assert_eq(awsval_check(c, kinds, "Kinds", j, len), AWSVAL_INVALID);
    awsval_violation v = {.size = sizeof v};
    cr_assert_eq(awsval_ctx_violation(c, 0, &v), AWSVAL_OK);
    cr_assert_eq(v.kind, AWSVAL_KIND_LIMIT, "kind %u", v.kind);
    cr_assert_leq(awsval_ctx_memory(c), (size_t)256 << 10);
    awsval_rejection r = {.size = sizeof r};
    awsval_ctx_rejection(c, &r);
    cr_assert_eq(r.status, 413);
    /* A small request still checks. */
    cr_assert_eq(awsval_check(c, kinds, "Kinds", "{\"name\":\"a\"}", 12), AWSVAL_OK);
    free(j);
    awsval_ctx_free(c);
    /* A cap below what creating a context needs is refused as out of memory. */
    awsval_ctx_opts tiny = {.size = sizeof tiny, .max_memory = 64};
    awsval_code code;
    cr_assert_null(awsval_ctx_create(&tiny, &code));
    cr_assert_eq(code, AWSVAL_NOMEM);
}

Test(memory, create_tells_bad_options_from_out_of_memory)
{
    awsval_code code = 99;
    awsval_ctx_opts o = {.size = sizeof o, .max_depth = 5000};
    cr_assert_null(awsval_ctx_create(&o, &code));
    cr_assert_eq(code, AWSVAL_BADARG);
    o = (awsval_ctx_opts){.size = sizeof o + 8};
    cr_assert_null(awsval_ctx_create(&o, &code));
    cr_assert_eq(code, AWSVAL_BADARG);
    awsval_ctx *c = awsval_ctx_create(NULL, &code);
    cr_assert_not_null(c);
    cr_assert_eq(code, AWSVAL_OK);
    awsval_ctx_free(c);
}

Test(memory, pattern_simulation_scratch_is_the_contexts)
{
    /* A pattern over the automaton's budget, on a value PCRE2 gives up on: the NFA simulation
     * decides it with scratch the context holds, counts, bounds and releases. */
    const char *java = "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}";
    awsval_pattern *p = awsval_pattern_compile(java, strlen(java), 0, NULL, NULL);
    cr_assert_not_null(p);
    awsval_ctx_opts o = {.size = sizeof o, .retain_memory = SIZE_MAX};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    cr_assert_not_null(c);
    char v[320];
    memset(v, 'a', 300);
    v[300] = '!';
    size_t base = awsval_ctx_memory(c);
    cr_assert_eq(awsval_pattern_match(c, p, v, 301), AWSVAL_INVALID);
    size_t held = awsval_ctx_memory(c);
    cr_assert_gt(held, base, "the simulation's scratch is the context's");
    cr_assert_leq(held, awsval_ctx_max_memory(&o, 301));
    /* reused: the same again holds no more */
    cr_assert_eq(awsval_pattern_match(c, p, v, 300), AWSVAL_OK);
    cr_assert_eq(awsval_pattern_match(c, p, v, 301), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_memory(c), held);
    awsval_ctx_trim(c);
    cr_assert_eq(awsval_ctx_memory(c), base);
    awsval_ctx_free(c);
    /* a cap below what the simulation needs: an error, never a verdict */
    awsval_ctx_opts capped = {.size = sizeof capped, .max_memory = base + 1024};
    c = awsval_ctx_create(&capped, NULL);
    cr_assert_not_null(c);
    cr_assert_eq(awsval_pattern_match(c, p, v, 301), AWSVAL_NOMEM);
    cr_assert_eq(awsval_pattern_match(c, p, "abc", 3), AWSVAL_OK); /* PCRE2 decides this one */
    awsval_ctx_free(c);
    awsval_pattern_free(p);
}
