/* Threads: one model shared by many threads, each with its own context, gives exactly the
 * single-threaded results. Also models built concurrently.
 *
 * Run under ThreadSanitizer by scripts/test.sh. Criterion itself cannot start under TSan (its
 * runner aborts with "Could not initialize inheritable arena": Criterion issue #274), so a TSan
 * build of this file has its own main() that runs the same scenarios without the runner. The
 * scenarios are plain functions returning NULL or a failure message for that reason. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

#define THREADS 8
#define ROUNDS 4

typedef struct request {
    const awsval_model *model;
    const char *op;
    char *json;
    /* single-threaded results */
    awsval_code rc;
    size_t total;
    char *report;  /* AWSVAL_REPORT_JSON */
    char *native;  /* AWSVAL_REPORT_NATIVE */
} request;

static awsval_model *lattice, *runner, *kinds;
static request *reqs;
static size_t nreqs;

static char *render(const awsval_ctx *c, const awsval_model *m, uint32_t style)
{
    (void)m;
    size_t need = 0;
    if (awsval_render(c, style, NULL, 0, &need) != AWSVAL_TOOSMALL) return NULL;
    char *b = malloc(need);
    if (b && awsval_render(c, style, b, need, NULL) != AWSVAL_OK) {
        free(b);
        return NULL;
    }
    return b;
}

static void add(const awsval_model *m, const char *op, const char *json)
{
    reqs[nreqs].model = m;
    reqs[nreqs].op = op;
    reqs[nreqs].json = strdup(json);
    nreqs++;
}

/* A few hundred requests: valid and invalid, each seed operation, malformed JSON too. */
static void make_requests(void)
{
    reqs = calloc(1000, sizeof *reqs);
    char j[8192];
    static const char *const ids[] = {"svc-0123456789abcdefg", "svc-bad", "SVC-0123456789ABCDEFG",
                                      "arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdefg",
                                      "arn:aws:vpc-lattice:us-west-2:12345678901:service/svc-0123456789abcdefg"};
    static const char *const keys[] = {"env", "aws:x", "a#b", "\xF0\xA0\x80\x80", "", "caf\xC3\xA9"};
    for (int i = 0; i < 240; i++) {
        int n = snprintf(j, sizeof j, "{\"serviceIdentifier\":\"%s\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\"",
                         ids[i % 5]);
        int tags = (i * 37) % 205;
        if (i % 3) {
            n += snprintf(j + n, sizeof j - (size_t)n, ",\"tags\":{\"%s\":\"v\"", keys[i % 6]);
            for (int t = 1; t < tags && n < 7000; t++) n += snprintf(j + n, sizeof j - (size_t)n, ",\"t%d\":\"v%d\"", t, i);
            n += snprintf(j + n, sizeof j - (size_t)n, "}");
        }
        if (i % 7 == 0) n += snprintf(j + n, sizeof j - (size_t)n, ",\"clientToken\":\"%0*d\"", 60 + i % 10, i);
        if (i % 11 == 0) n += snprintf(j + n, sizeof j - (size_t)n, ",\"unknown%d\":[1,{\"a\":null}]", i);
        snprintf(j + n, sizeof j - (size_t)n, "%s", i % 13 == 0 ? "" : "}"); /* some are cut short */
        add(lattice, "CreateServiceNetworkServiceAssociation", j);
    }
    for (int i = 0; i < 60; i++) {
        snprintf(j, sizeof j, "{\"serviceNetworkServiceAssociationIdentifier\":\"%s\"}",
                 i % 4 == 0 ? "snsa-0123456789abcdefg" : i % 4 == 1 ? "snsa-1" : i % 4 == 2 ? "x\\u0000y" : "\\ud800");
        add(lattice, "DeleteServiceNetworkServiceAssociation", j);
    }
    for (int i = 0; i < 60; i++) {
        snprintf(j, sizeof j, "{\"VpcIngressConnectionArn\":%s}",
                 i % 3 == 0 ? "\"arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/c/1\""
                 : i % 3 == 1 ? "\"arn:aws:apprunner:us-east-1:1234:x\"" : "42");
        add(runner, "DeleteVpcIngressConnection", j);
    }
    for (int i = 0; i < 60; i++) {
        snprintf(j, sizeof j, "{\"name\":\"%s\",\"count\":%d,\"items\":[%s],\"labels\":{\"k%d\":\"%s\"},\"secret\":\"%s\"}",
                 i % 2 ? "ok" : "BAD", i % 15, i % 4 ? "{\"name\":\"a\"}" : "", i, i % 3 ? "v" : "long",
                 i % 5 ? "s" : "SECRET");
        add(kinds, "Kinds", j);
    }
}

/* The shared models and the requests with their single-threaded answers. */
static const char *prepare(void)
{
    lattice = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    runner = awsval_model_load_builtin("apprunner", NULL, NULL);
    kinds = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/kinds.json", NULL, NULL);
    if (!lattice || !runner || !kinds) return "cannot load the models";
    make_requests();
    /* The single-threaded answers. */
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    for (size_t i = 0; i < nreqs; i++) {
        request *r = &reqs[i];
        r->rc = awsval_check(c, r->model, r->op, r->json, strlen(r->json));
        r->total = awsval_ctx_violation_total(c);
        r->report = render(c, r->model, AWSVAL_REPORT_JSON);
        r->native = render(c, r->model, AWSVAL_REPORT_NATIVE);
        if (!r->report || !r->native) return "cannot render a single-threaded result";
    }
    awsval_ctx_free(c);
    return NULL;
}

static void setup(void)
{
    const char *err = prepare();
    cr_assert_null(err, "%s", err);
}

static void teardown(void)
{
    for (size_t i = 0; i < nreqs; i++) {
        free(reqs[i].json);
        free(reqs[i].report);
        free(reqs[i].native);
    }
    free(reqs);
    awsval_model_free(lattice);
    awsval_model_free(runner);
    awsval_model_free(kinds);
}

TestSuite(threads, .init = setup, .fini = teardown);

typedef struct worker {
    int id;
    size_t checks, mismatches;
    char first[512];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    if (!c) {
        w->mismatches++;
        snprintf(w->first, sizeof w->first, "thread %d: no context", w->id);
        return NULL;
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < nreqs; k++) {
            /* Each thread walks the requests in its own order. */
            size_t i = (k * (size_t)(2 * w->id + 1) + (size_t)(w->id * 31 + round * 7)) % nreqs;
            const request *r = &reqs[i];
            awsval_code rc = awsval_check(c, r->model, r->op, r->json, strlen(r->json));
            char *rep = render(c, r->model, AWSVAL_REPORT_JSON);
            char *nat = render(c, r->model, AWSVAL_REPORT_NATIVE);
            bool same = rc == r->rc && awsval_ctx_violation_total(c) == r->total && rep && nat &&
                        strcmp(rep, r->report) == 0 && strcmp(nat, r->native) == 0;
            if (!same && w->mismatches++ == 0)
                snprintf(w->first, sizeof w->first, "thread %d, request %zu (%s): rc %s/%s, report %.200s",
                         w->id, i, r->op, awsval_err_name(rc), awsval_err_name(r->rc), rep ? rep : "(none)");
            free(rep);
            free(nat);
            w->checks++;
        }
    }
    awsval_ctx_free(c);
    return NULL;
}

static char failure[1024];

/* A failure message in a static buffer (scenarios run one at a time). */
static const char *failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(failure, sizeof failure, fmt, ap);
    va_end(ap);
    return failure;
}

static const char *shared_model_same_results(void)
{
    if (nreqs < 400) return failf("only %zu requests", nreqs);
    /* The set holds valid, invalid and unparseable requests. */
    size_t ok = 0, bad = 0;
    for (size_t i = 0; i < nreqs; i++) {
        if (reqs[i].rc == AWSVAL_OK) ok++;
        else bad++;
    }
    if (ok <= 50 || bad <= 50) return failf("%zu valid and %zu invalid requests", ok, bad);
    pthread_t t[THREADS];
    worker w[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].id = i;
        if (pthread_create(&t[i], NULL, work, &w[i]) != 0) return failf("pthread_create");
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        if (w[i].checks != nreqs * ROUNDS) return failf("thread %d: %zu checks", i, w[i].checks);
        if (w[i].mismatches) return failf("%zu mismatches; first: %s", w[i].mismatches, w[i].first);
    }
    return NULL;
}

Test(threads, shared_model_same_results)
{
    const char *err = shared_model_same_results();
    cr_assert_null(err, "%s", err);
}

/* Contexts may move between threads (one at a time), and one context may serve several models. */
typedef struct relay {
    awsval_ctx *c;
    size_t from, to, mismatches;
} relay;

static void *relay_work(void *arg)
{
    relay *r = arg;
    for (size_t i = r->from; i < r->to; i++) {
        awsval_code rc = awsval_check(r->c, reqs[i].model, reqs[i].op, reqs[i].json, strlen(reqs[i].json));
        char *rep = render(r->c, reqs[i].model, AWSVAL_REPORT_JSON);
        if (rc != reqs[i].rc || !rep || strcmp(rep, reqs[i].report) != 0) r->mismatches++;
        free(rep);
    }
    return NULL;
}

static const char *context_handed_between_threads(void)
{
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    size_t step = nreqs / 4 + 1;
    for (size_t from = 0; from < nreqs; from += step) {
        relay r = {c, from, from + step < nreqs ? from + step : nreqs, 0};
        pthread_t t;
        if (pthread_create(&t, NULL, relay_work, &r) != 0) return failf("pthread_create");
        pthread_join(t, NULL);
        if (r.mismatches) return failf("%zu mismatches in requests %zu..%zu", r.mismatches, r.from, r.to);
    }
    awsval_ctx_free(c);
    return NULL;
}

Test(threads, context_handed_between_threads)
{
    const char *err = context_handed_between_threads();
    cr_assert_null(err, "%s", err);
}

/* Building models is thread-safe: each thread builds its own and checks with it. */
typedef struct builder {
    const char *service;
    int failures;
} builder;

static void *build_work(void *arg)
{
    builder *b = arg;
    for (int k = 0; k < 3; k++) {
        awsval_model_err err = {.size = sizeof err};
        awsval_model *m = awsval_model_load_builtin(b->service, NULL, &err);
        if (!m) {
            b->failures++;
            continue;
        }
        awsval_ctx *c = awsval_ctx_create(NULL, NULL);
        for (size_t i = 0; i < nreqs; i++) {
            if (strcmp(awsval_model_service(reqs[i].model), b->service) != 0) continue;
            awsval_code rc = awsval_check(c, m, reqs[i].op, reqs[i].json, strlen(reqs[i].json));
            char *rep = render(c, m, AWSVAL_REPORT_JSON);
            if (rc != reqs[i].rc || !rep || strcmp(rep, reqs[i].report) != 0) b->failures++;
            free(rep);
        }
        awsval_ctx_free(c);
        awsval_model_free(m);
    }
    return NULL;
}

static const char *concurrent_model_building(void)
{
    pthread_t t[4];
    builder b[4] = {{"vpc-lattice", 0}, {"apprunner", 0}, {"vpc-lattice", 0}, {"apprunner", 0}};
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, build_work, &b[i]) != 0) return failf("pthread_create");
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++)
        if (b[i].failures) return failf("%s: %d failures", b[i].service, b[i].failures);
    return NULL;
}

Test(threads, concurrent_model_building)
{
    const char *err = concurrent_model_building();
    cr_assert_null(err, "%s", err);
}

/* A pattern over the automaton's budget, shared: each thread's context simulates its NFA (on the
 * values PCRE2 gives up on) with its own scratch, and answers as one thread does. */
#define PVALUES 6
static awsval_pattern *shared_pattern;
static char pvalue[PVALUES][1100];
static size_t plen[PVALUES];
static awsval_code pwant[PVALUES];

typedef struct pworker {
    size_t mismatches;
} pworker;

static void *pattern_work(void *arg)
{
    pworker *w = arg;
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    for (int r = 0; r < ROUNDS * 4 && c; r++)
        for (int i = 0; i < PVALUES; i++)
            if (awsval_pattern_match(c, shared_pattern, pvalue[i], plen[i]) != pwant[i]) w->mismatches++;
    if (!c) w->mismatches++;
    awsval_ctx_free(c);
    return NULL;
}

static const char *shared_pattern_over_budget(void)
{
    const char *java = "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}";
    shared_pattern = awsval_pattern_compile(java, strlen(java), 0, NULL, NULL);
    if (!shared_pattern) return failf("compile");
    for (int i = 0; i < PVALUES; i++) {
        size_t n = 0;
        for (int k = 0; k < 200 + 150 * i; k++) pvalue[i][n++] = k % 3 == 2 && i % 2 ? '-' : 'a';
        if (i >= 4) pvalue[i][n++] = '!'; /* PCRE2 gives up on these */
        plen[i] = n;
    }
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    if (!c) return failf("context");
    for (int i = 0; i < PVALUES; i++) pwant[i] = awsval_pattern_match(c, shared_pattern, pvalue[i], plen[i]);
    awsval_ctx_free(c);
    for (int i = 0; i < PVALUES; i++)
        if (pwant[i] != (i < 4 ? (i == 3 ? AWSVAL_INVALID : AWSVAL_OK) : AWSVAL_INVALID))
            return failf("value %d: %d", i, (int)pwant[i]);
    pthread_t t[THREADS];
    pworker w[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, pattern_work, &w[i]) != 0) return failf("pthread_create");
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    awsval_pattern_free(shared_pattern);
    for (int i = 0; i < THREADS; i++)
        if (w[i].mismatches) return failf("thread %d: %zu mismatches", i, w[i].mismatches);
    return NULL;
}

Test(threads, shared_pattern_over_budget)
{
    const char *err = shared_pattern_over_budget();
    cr_assert_null(err, "%s", err);
}

#if defined(__SANITIZE_THREAD__)
#define AWSVAL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AWSVAL_TEST_TSAN 1
#endif
#endif

#ifdef AWSVAL_TEST_TSAN
/* Under TSan: the same scenarios without Criterion's runner (see the top of the file). This
 * main() takes the place of Criterion's default one; its arguments are ignored. */
int main(void)
{
    static const struct {
        const char *name;
        const char *(*run)(void);
    } scenarios[] = {
        {"shared_model_same_results", shared_model_same_results},
        {"context_handed_between_threads", context_handed_between_threads},
        {"concurrent_model_building", concurrent_model_building},
        {"shared_pattern_over_budget", shared_pattern_over_budget},
    };
    const char *err = prepare();
    if (err) {
        fprintf(stderr, "threads: %s\n", err);
        return 1;
    }
    int failed = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
        err = scenarios[i].run();
        printf("[%s] threads::%s%s%s\n", err ? "FAIL" : "PASS", scenarios[i].name, err ? ": " : "", err ? err : "");
        failed += err != NULL;
    }
    teardown();
    printf("threads (without Criterion, TSan build): %d of %zu failed\n", failed,
           sizeof scenarios / sizeof *scenarios);
    return failed ? 1 : 0;
}
#endif
