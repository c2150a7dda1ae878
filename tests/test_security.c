/* Security at the edge (issue 9): what a gateway in front of a service relies on.
 *
 *   sentinel   no secret is echoed: for every operation of every model at hand that reaches a
 *              sensitive shape, invalid requests carrying a unique sentinel in the secret's
 *              place, every output searched (tests/sentinel.h)
 *   keys       duplicate keys found whatever the keys (no hash to flood), with their wording
 *   http       no parser differential: single-valued fields given twice are refused, list
 *              headers merged, the whole request counted against max_size
 *   output     always valid UTF-8 and JSON: cut on character boundaries, NUL escaped, every
 *              truncation a prefix
 *   limits     no false rejection from an engine limit; bounded work; NUL-terminated buffers on
 *              error; model directories read by name only
 *
 * Needs no data outside the repository: the vendored models, and Debian's python3-botocore data
 * directory (installed by scripts/test.sh); /work/shared/models/botocore is used when present.
 * Run `test_security --verbose` (or `ctest -R test_security -V`) to see the counts. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "awsval.h"
#include "sentinel.h"

#define REPO_DIR AWSVAL_TEST_DATA_DIR "/../.."
#define DEBIAN_BOTOCORE "/usr/lib/python3/dist-packages/botocore/data"
#define SHARED_BOTOCORE "/work/shared/models/botocore"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* ================================================================================ sentinel */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Runs every service of a botocore data directory (its newest API version). */
static void run_dir(runner *r, const char *set, const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1024)
        if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char sdir[4096], version[256] = "", path[4096 + 512];
        snprintf(sdir, sizeof sdir, "%s/%s", dir, names[i]);
        DIR *vd = opendir(sdir);
        while (vd && (e = readdir(vd)) != NULL) {
            snprintf(path, sizeof path, "%s/%s/service-2.json", sdir, e->d_name);
            if (e->d_name[0] != '.' && strcmp(e->d_name, version) > 0 && is_file(path))
                snprintf(version, sizeof version, "%s", e->d_name);
        }
        if (vd) closedir(vd);
        if (version[0]) {
            char spec[600], label[700];
            snprintf(spec, sizeof spec, "%s@%s", names[i], version);
            snprintf(label, sizeof label, "%s:%s", set, spec);
            snprintf(path, sizeof path, "%s/%s/service-2.json", sdir, version);
            awsval_model_err err = {.size = sizeof err};
            awsval_model *m = awsval_model_load_dir(dir, spec, NULL, &err);
            cr_assert_not_null(m, "%s: %s", label, err.message);
            gmodel gm;
            cr_assert(gmodel_open(&gm, label, path, m), "%s: cannot read %s", label, path);
            r->batch_service = names[i]; /* as `awsval batch --models DIR` names it */
            run_model(r, &gm);
            gmodel_close(&gm);
        }
        free(names[i]);
    }
}

static void run_file(runner *r, const char *label, const char *path, awsval_model *m)
{
    gmodel gm;
    cr_assert(gmodel_open(&gm, label, path, m), "%s: cannot read %s", label, path);
    run_model(r, &gm);
    gmodel_close(&gm);
}

static awsval_model *from_file(const char *path)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_file(path, NULL, &err);
    cr_assert_not_null(m, "%s: %s", path, err.message);
    return m;
}

static awsval_model *builtin(const char *name)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_builtin(name, NULL, &err);
    cr_assert_not_null(m, "%s: %s", name, err.message);
    return m;
}

/* Ends a sentinel run: prints the counts and fails on any finding. */
static void finish(runner *r, const char *set, double t0)
{
    tally_print(set, r->t, now() - t0);
    cr_expect_eq(r->t->leaks + r->t->bad_utf8 + r->t->bad_json + (size_t)r->reported, 0,
                 "%s: %zu echoes, %zu outputs not UTF-8, %zu not JSON, %d failures:%s", set, r->t->leaks,
                 r->t->bad_utf8, r->t->bad_json, r->reported, r->failures.p ? r->failures.p : "");
}

TestSuite(sentinel, .timeout = 0);

/* The repository's own models: the built-in two, the models vendored with the real AWS
 * answers, the Smithy conformance model and the hand-written test models. */
Test(sentinel, vendored_models)
{
    runner r;
    tally t;
    runner_init(&r, &t);
    double t0 = now();
    run_file(&r, "builtin:vpc-lattice", REPO_DIR "/models/vpc-lattice/2022-11-30/service-2.json", builtin("vpc-lattice"));
    run_file(&r, "builtin:apprunner", REPO_DIR "/models/apprunner/2020-05-15/service-2.json", builtin("apprunner"));
    run_dir(&r, "vendored", AWSVAL_TEST_DATA_DIR "/real-aws-messages/models");
    const char *files[] = {"smithy-malformed/service-2.json", "models/kinds.json", "models/any.json",
                           "models/security.json"};
    for (size_t i = 0; i < 4; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", AWSVAL_TEST_DATA_DIR, files[i]);
        run_file(&r, files[i], path, from_file(path));
    }
    /* The generator must reach secrets of every kind of place: else it tests nothing. */
    cr_expect_geq(t.models_with, 8);
    cr_expect_geq(t.sites, 40);
    finish(&r, "vendored", t0);
    runner_free(&r);
}

/* Every model of Debian's python3-botocore (its newest API version of each service). */
Test(sentinel, debian_botocore)
{
    if (!is_dir(DEBIAN_BOTOCORE)) cr_skip_test("%s absent (apt-get install python3-botocore)", DEBIAN_BOTOCORE);
    runner r;
    tally t;
    runner_init(&r, &t);
    double t0 = now();
    run_dir(&r, "debian", DEBIAN_BOTOCORE);
    /* Coverage: violations of every kind the probes aim at were found at or in a secret. */
    static const uint32_t aimed[] = {AWSVAL_KIND_TYPE, AWSVAL_KIND_LENGTH, AWSVAL_KIND_PATTERN,
                                     AWSVAL_KIND_ENUM, AWSVAL_KIND_RANGE, AWSVAL_KIND_UNKNOWN};
    for (size_t i = 0; i < sizeof aimed / sizeof aimed[0]; i++)
        cr_expect_gt(t.sensitive_kind[aimed[i]], 0, "no %s violation at a secret", awsval_kind_name(aimed[i]));
    cr_expect_gt(t.kinds_with_secret[AWSVAL_KIND_PARSE], 0);
    cr_expect_geq(t.models_with, 100);
    cr_expect_gt(t.http_probes, 1000);
    finish(&r, "debian", t0);
    runner_free(&r);
}

/* The current botocore (429 services), where the machine has it. */
Test(sentinel, shared_botocore)
{
    if (!is_dir(SHARED_BOTOCORE)) cr_skip_test("%s absent", SHARED_BOTOCORE);
    runner r;
    tally t;
    runner_init(&r, &t);
    double t0 = now();
    run_dir(&r, "shared", SHARED_BOTOCORE);
    finish(&r, "shared", t0);
    runner_free(&r);
}

/* The control: the same probes against the same model with every `sensitive` trait removed
 * (the generator still reads the original) are echoed, kind by kind, so the zero echoes above
 * are the library's doing and not a blind search. */
Test(sentinel, control_echoes_without_sensitive)
{
    size_t len;
    char *text = slurp(AWSVAL_TEST_DATA_DIR "/models/security.json", &len);
    cr_assert_not_null(text);
    char *plain = strdup(text);
    size_t removed = 0;
    for (char *p = strstr(plain, "\"sensitive\": true"); p; p = strstr(p, "\"sensitive\": true")) {
        memcpy(p, "\"sensitive\": 0   ", 17);
        removed++;
    }
    cr_assert_geq(removed, 6);
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_buffer(plain, strlen(plain), NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    runner r;
    tally t;
    runner_init(&r, &t);
    gmodel gm;
    cr_assert(gmodel_open_text(&gm, "control", text, len, m));
    run_model(&r, &gm);
    gmodel_close(&gm);
    tally_print("control", &t, 0);
    static const int echoed[] = {P_LONG, P_PATTERN, P_ENUM, P_TYPE, P_RANGE, P_B64, P_UNKNOWN,
                                 P_DUPKEY, P_MAPKEY, P_ABOVE, P_PARENT_TYPE};
    for (size_t i = 0; i < sizeof echoed / sizeof echoed[0]; i++)
        cr_expect_gt(t.leaks_by_probe[echoed[i]], 0, "a non-sensitive %s probe was not found echoed",
                     probe_names[echoed[i]]);
    runner_free(&r);
    free(plain);
    free(text);
}

#ifdef AWSVAL_CLI
/* Runs `awsval OPTIONS batch FILE` on the lines written by the runner, and searches each
 * output line for its own probe's sentinel; every line must be JSON. */
static void batch_search(runner *r, const char *options, const char *file, size_t *lines, size_t *echoes)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s batch %s", AWSVAL_CLI, options, file);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "%s", cmd);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, p)) > 0) {
        cr_assert_lt(*lines, r->batch_lines, "more output lines than input lines");
        const needles *nd = &r->batch_needles[*lines];
        json_error_t je;
        json_t *d = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &je);
        cr_expect_not_null(d, "batch line %zu is not JSON: %s", *lines, line);
        json_decref(d);
        const char *which = leak_in(line, (size_t)n, nd);
        if (which && (*echoes)++ < 5) cr_log_error("batch line %zu echoes %s: %s", *lines, which, line);
        (*lines)++;
    }
    free(line);
    int status = pclose(p);
    /* 0 all valid, 1 some invalid, 2 some lines not checked (not JSON): all expected here */
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) <= 2, "%s: status %d", cmd, status);
}

/* `awsval batch` (JSON Lines in, JSON Lines out, every --format) over the probes of the
 * repository's models, including lines that are not JSON at all (the parse probes). */
Test(sentinel, batch_command)
{
    char file[] = "/tmp/awsval-sec-batch-XXXXXX";
    size_t lines = 0, echoes = 0, total = 0;
    for (int set = 0; set < 2; set++) {
        int fd = mkstemp(file);
        cr_assert_geq(fd, 0);
        runner r;
        tally t;
        runner_init(&r, &t);
        r.batch = fdopen(fd, "w");
        char options[1024];
        if (set == 0) {
            r.batch_service = "security";
            run_file(&r, "security", AWSVAL_TEST_DATA_DIR "/models/security.json",
                     from_file(AWSVAL_TEST_DATA_DIR "/models/security.json"));
            snprintf(options, sizeof options, "--model %s/models/security.json", AWSVAL_TEST_DATA_DIR);
        } else {
            run_dir(&r, "vendored", AWSVAL_TEST_DATA_DIR "/real-aws-messages/models");
            snprintf(options, sizeof options, "--models %s/real-aws-messages/models", AWSVAL_TEST_DATA_DIR);
        }
        fclose(r.batch);
        r.batch = NULL;
        static const char *const formats[] = {"json", "native", "aws", "smithy"};
        for (size_t f = 0; f < 4; f++) {
            char opts[1200];
            snprintf(opts, sizeof opts, "%s --format %s", options, formats[f]);
            lines = 0;
            batch_search(&r, opts, file, &lines, &echoes);
            cr_assert_eq(lines, r.batch_lines, "--format %s: %zu lines in, %zu out", formats[f], r.batch_lines, lines);
            total += lines;
        }
        unlink(file);
        memcpy(file + strlen(file) - 6, "XXXXXX", 6);
        runner_free(&r);
    }
    /* the control: a value that is not secret is echoed, and found */
    int fd = mkstemp(file);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"id\":1,\"service\":\"security\",\"operation\":\"PutThing\",\"params\":{\"Id\":\"a\",\"Filter\":\"zqCONTROL\"}}\n", f);
    fclose(f);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s --model %s/models/security.json batch %s", AWSVAL_CLI, AWSVAL_TEST_DATA_DIR, file);
    FILE *p = popen(cmd, "r");
    char out[8192];
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = '\0';
    pclose(p);
    unlink(file);
    cr_assert_not_null(strstr(out, "zqCONTROL"), "the control value is not echoed: %s", out);
    fprintf(stderr, "sentinel[batch]: %zu lines through `awsval batch` (4 formats), %zu echo a sentinel\n", total, echoes);
    cr_assert_gt(total, 800);
    cr_assert_eq(echoes, 0, "%zu batch lines echo their sentinel", echoes);
}
#endif

/* ========================================================================= shared fixtures */

static awsval_model *secm, *lattice, *apprunner;
static awsval_ctx *ctx;

static void fixtures_init(void)
{
    secm = from_file(AWSVAL_TEST_DATA_DIR "/models/security.json");
    lattice = builtin("vpc-lattice");
    apprunner = builtin("apprunner");
    ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
}

static void fixtures_fini(void)
{
    awsval_ctx_free(ctx);
    awsval_model_free(secm);
    awsval_model_free(lattice);
    awsval_model_free(apprunner);
}

static awsval_violation viol(size_t i)
{
    awsval_violation v;
    memset(&v, 0, sizeof v);
    v.size = sizeof v;
    cr_assert_eq(awsval_ctx_violation(ctx, i, &v), AWSVAL_OK, "violation %zu", i);
    return v;
}

static awsval_rejection rejection(void)
{
    awsval_rejection r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    cr_assert_eq(awsval_ctx_rejection(ctx, &r), AWSVAL_OK);
    return r;
}

/* A render into a heap buffer of exactly the size asked for (caller frees). */
static char *render_alloc(uint32_t style, size_t *len)
{
    size_t need = 0;
    awsval_code rc = style ? awsval_render(ctx, style, NULL, 0, &need) : awsval_render_http(ctx, NULL, 0, &need);
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_TOOSMALL, "render: %s", awsval_err_name(rc));
    cr_assert_gt(need, 0);
    char *buf = malloc(need);
    cr_assert_not_null(buf);
    size_t need2 = 0;
    rc = style ? awsval_render(ctx, style, buf, need, &need2) : awsval_render_http(ctx, buf, need, &need2);
    cr_assert_eq(rc, AWSVAL_OK);
    cr_assert_eq(need2, need);
    if (len) *len = need - 1;
    return buf;
}

/* No output of the last check (every render, every violation field and message) holds `text`. */
static void assert_nowhere(const char *text)
{
    static const uint32_t styles[] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_SMITHY,
                                      AWSVAL_REPORT_JSON, 0};
    for (size_t i = 0; i < 5; i++) {
        char *s = render_alloc(styles[i], NULL);
        cr_assert_null(strstr(s, text), "style %u holds '%s': %s", styles[i], text, s);
        free(s);
    }
    for (size_t i = 0; i < awsval_ctx_violation_count(ctx); i++) {
        awsval_violation v = viol(i);
        const char *f[] = {v.pointer, v.aws_path, v.shape, v.constraint, v.value, v.pattern};
        for (size_t k = 0; k < 6; k++)
            cr_assert(!f[k] || !strstr(f[k], text), "violation %zu field %zu holds '%s': %s", i, k, text, f[k]);
        char buf[4096];
        for (uint32_t st = AWSVAL_REPORT_AWS; st <= AWSVAL_REPORT_SMITHY; st += 2) {
            cr_assert_eq(awsval_ctx_violation_message(ctx, i, st, buf, sizeof buf, NULL), AWSVAL_OK);
            cr_assert_null(strstr(buf, text), "message %zu holds '%s': %s", i, text, buf);
        }
    }
}

/* ==================================================================================== keys */

TestSuite(keys, .init = fixtures_init, .fini = fixtures_fini);

/* Checks `json` as the map of unconstrained strings (FreeMap): OK, or one PARSE violation at
 * the later duplicate (returns its offset, or SIZE_MAX when valid). */
static size_t free_map(const char *json, size_t len)
{
    awsval_code rc = awsval_check_value(ctx, secm, "FreeMap", json, len);
    if (rc == AWSVAL_OK) return SIZE_MAX;
    cr_assert_eq(rc, AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
    awsval_violation v = viol(0);
    cr_assert_eq(v.kind, AWSVAL_KIND_PARSE, "%s", v.constraint);
    return v.offset;
}

/* n distinct keys "<prefix><i>", then (when dup >= 0) key number `dup` again at the end;
 * *dup_at is the offset of the repeated key's quote. */
static char *many_keys(size_t n, const char *prefix, long dup, size_t *len, size_t *dup_at)
{
    sb b = {0};
    sb_chr(&b, '{');
    for (size_t i = 0; i < n; i++) sb_printf(&b, "%s\"%s%zu\":\"v\"", i ? "," : "", prefix, i);
    if (dup >= 0) {
        sb_chr(&b, ',');
        *dup_at = b.n;
        sb_printf(&b, "\"%s%ld\":\"w\"", prefix, dup);
    }
    sb_chr(&b, '}');
    *len = b.n;
    return b.p;
}

/* Duplicates are found among few keys (compared pairwise) and among many (sorted), wherever
 * they are, with the offset of the later one. */
Test(keys, duplicates_found_wherever_they_are)
{
    /* (the largest count of each prefix that stays under the 1 MiB limit) */
    static const size_t sizes[2][5] = {{2, 8, 9, 100, 50000}, {2, 8, 9, 100, 7000}};
    const char *prefixes[] = {"k", "a-long-shared-prefix-to-make-memcmp-work-for-every-compare-"
                                   "of-the-sort-before-the-keys-differ-at-their-ends-"};
    for (size_t p = 0; p < 2; p++)
        for (size_t s = 0; s < 5; s++) {
            size_t n = sizes[p][s], len, at = 0;
            char *j = many_keys(n, prefixes[p], -1, &len, &at);
            cr_assert_eq(free_map(j, len), SIZE_MAX, "%zu distinct keys refused", n);
            free(j);
            long dups[] = {0, (long)n / 2, (long)n - 1};
            for (size_t d = 0; d < 3; d++) {
                j = many_keys(n, prefixes[p], dups[d], &len, &at);
                cr_assert_eq(free_map(j, len), at, "%zu keys, key %ld repeated at %zu", n, dups[d], at);
                free(j);
            }
        }
}

/* Keys that share their first 8 bytes or differ only in length, NUL padding included (the sort
 * orders by an 8-byte prefix, then length, then the rest), in a random order: a duplicate is
 * found exactly when the decoded keys repeat (the reference: pairwise comparison). */
static int cmp_dec(const void *a, const void *b)
{
    const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return memcmp(x + 1, y + 1, x[0]);
}

Test(keys, prefix_collisions_in_random_order)
{
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    int outcomes[2] = {0, 0};
    for (int round = 0; round < 200; round++) {
        size_t n = 9 + (size_t)(seed >> 40) % 300;
        unsigned char (*dec)[17] = calloc(n, sizeof *dec); /* [0] = length, then the bytes */
        const unsigned char **ptr = calloc(n, sizeof *ptr);
        sb b = {0};
        sb_chr(&b, '{');
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned len = 6 + (unsigned)(seed >> 60) % 6; /* 6 to 11 bytes: around the prefix */
            dec[i][0] = (unsigned char)len;
            sb_printf(&b, "%s\"", i ? "," : "");
            for (unsigned k = 0; k < len; k++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                unsigned c = (unsigned)(seed >> 62); /* 'a', 'b', NUL, or 'a' escaped */
                dec[i][1 + k] = c == 1 ? 'b' : c == 2 ? 0 : 'a';
                sb_str(&b, c == 0 ? "a" : c == 1 ? "b" : c == 2 ? "\\u0000" : "\\u0061");
            }
            sb_str(&b, "\":\"v\"");
            ptr[i] = dec[i];
        }
        sb_chr(&b, '}');
        qsort(ptr, n, sizeof *ptr, cmp_dec);
        bool want_dup = false;
        for (size_t i = 1; i < n; i++) want_dup |= cmp_dec(&ptr[i], &ptr[i - 1]) == 0;
        bool dup = free_map(b.p, b.n) != SIZE_MAX;
        cr_assert_eq(dup, want_dup, "round %d, %zu keys: duplicate %s", round, n, dup ? "found" : "missed");
        outcomes[dup]++;
        free(b.p);
        free(dec);
        free(ptr);
    }
    cr_assert(outcomes[0] >= 20 && outcomes[1] >= 20, "%d distinct, %d with a duplicate", outcomes[0], outcomes[1]);
}

/* The same key spelled with escapes is the same key; NUL makes another key. */
Test(keys, spellings)
{
    const char *same[] = {"{\"a\":1,\"\\u0061\":2}", "{\"\\u00e9\":1,\"\xC3\xA9\":2}",
                          "{\"\\ud83d\\ude00\":1,\"\xF0\x9F\x98\x80\":2}", "{\"a/b\":1,\"a\\/b\":2}"};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(awsval_check_value(ctx, secm, "FreeMap", same[i], strlen(same[i])), AWSVAL_INVALID, "%s", same[i]);
        cr_assert_eq(viol(0).kind, AWSVAL_KIND_PARSE, "%s", same[i]);
    }
    const char *distinct[] = {"{\"k\":\"1\",\"k\\u0000\":\"2\"}", "{\"a\\u0000b\":\"1\",\"a\\u0000c\":\"2\"}",
                              "{\"k\":\"1\",\"K\":\"2\"}", "{\"\\u00e9\":\"1\",\"e\\u0301\":\"2\"}"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(awsval_check_value(ctx, secm, "FreeMap", distinct[i], strlen(distinct[i])), AWSVAL_OK, "%s",
                     distinct[i]);
}

/* ==================================================================================== http */

TestSuite(http, .init = fixtures_init, .fini = fixtures_fini);

/* Checks a request; headers are given as name, value pairs ending with NULL. */
static awsval_code request(const awsval_model *m, const char *method, const char *target, const char *body, ...)
{
    awsval_http_header h[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, body);
    for (const char *name; (name = va_arg(ap, const char *)) != NULL && n < 32; n++) {
        const char *value = va_arg(ap, const char *);
        h[n] = (awsval_http_header){name, strlen(name), value, strlen(value)};
    }
    va_end(ap);
    awsval_http_request r = {.size = sizeof r, .method = method, .method_len = strlen(method), .target = target,
                             .target_len = strlen(target), .headers = h, .header_count = n, .body = body,
                             .body_len = body ? strlen(body) : 0};
    return awsval_check_http(ctx, m, &r);
}

#define JSON10 "application/x-amz-json-1.0"
#define RUNNER_TARGET "AppRunner.DeleteVpcIngressConnection"
#define RUNNER_BODY "{\"VpcIngressConnectionArn\":\"arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/x/0123456789abcdef0123456789abcdef\"}"

/* The library's answer to an unreadable body for the same operation. */
static awsval_rejection unreadable_answer(const awsval_model *m, const char *method, const char *target,
                                          const char *ct, const char *xtarget)
{
    awsval_code rc = xtarget ? request(m, method, target, "{", "Content-Type", ct, "X-Amz-Target", xtarget, NULL)
                             : request(m, method, target, "{", "Content-Type", ct, NULL);
    cr_assert_eq(rc, AWSVAL_INVALID);
    cr_assert_eq(viol(0).kind, AWSVAL_KIND_PARSE);
    return rejection();
}

/* The last check refused the request as ambiguous: one PARSE violation, answered as the library
 * answers an unreadable request of that operation. */
static void assert_ambiguous(awsval_code rc, awsval_rejection want, const char *what)
{
    cr_assert_eq(rc, AWSVAL_INVALID, "%s: accepted", what);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1, "%s", what);
    awsval_violation v = viol(0);
    cr_assert_eq(v.kind, AWSVAL_KIND_PARSE, "%s: %s %s", what, awsval_kind_name(v.kind), v.constraint);
    awsval_rejection got = rejection();
    cr_assert_eq(got.status, want.status, "%s: status %d, unreadable %d", what, got.status, want.status);
    cr_assert_str_eq(got.error_type, want.error_type, "%s", what);
    cr_assert_geq(got.status, 400);
}

Test(http, duplicate_x_amz_target)
{
    awsval_rejection want = unreadable_answer(apprunner, "POST", "/", JSON10, RUNNER_TARGET);
    cr_assert_eq(request(apprunner, "POST", "/", RUNNER_BODY, "Content-Type", JSON10, "X-Amz-Target", RUNNER_TARGET, NULL),
                 AWSVAL_OK);
    assert_ambiguous(request(apprunner, "POST", "/", RUNNER_BODY, "Content-Type", JSON10, "X-Amz-Target", RUNNER_TARGET,
                             "X-Amz-Target", RUNNER_TARGET, NULL),
                     want, "the same X-Amz-Target twice");
    assert_ambiguous(request(apprunner, "POST", "/", RUNNER_BODY, "Content-Type", JSON10, "x-amz-target", RUNNER_TARGET,
                             "X-AMZ-TARGET", "AppRunner.DeleteService", NULL),
                     want, "two X-Amz-Target");
}

Test(http, duplicate_content_type)
{
    awsval_rejection want = unreadable_answer(apprunner, "POST", "/", JSON10, RUNNER_TARGET);
    assert_ambiguous(request(apprunner, "POST", "/", RUNNER_BODY, "Content-Type", JSON10, "X-Amz-Target", RUNNER_TARGET,
                             "content-type", JSON10, NULL),
                     want, "awsJson: Content-Type twice");
    want = unreadable_answer(secm, "POST", "/things/a", "application/json", NULL);
    cr_assert_eq(request(secm, "POST", "/things/a", "{}", "Content-Type", "application/json", NULL), AWSVAL_OK);
    assert_ambiguous(request(secm, "POST", "/things/a", "{}", "Content-Type", "application/json", "Content-Type",
                             "text/plain", NULL),
                     want, "restJson1: Content-Type twice");
}

Test(http, duplicate_header_member)
{
    awsval_rejection want = unreadable_answer(secm, "POST", "/things/a", "application/json", NULL);
    cr_assert_eq(request(secm, "POST", "/things/a", NULL, "x-mode", "fast", NULL), AWSVAL_OK);
    assert_ambiguous(request(secm, "POST", "/things/a", NULL, "x-mode", "fast", "X-Mode", "fast", NULL), want,
                     "a header member twice");
    /* A sensitive one: refused, and neither value is named. */
    assert_ambiguous(request(secm, "POST", "/things/a", NULL, "x-token", "zqtokenone", "x-token", "zqtokentwo", NULL), want,
                     "a sensitive header member twice");
    assert_nowhere("zqtoken");
}

Test(http, repeated_query_parameter)
{
    awsval_rejection want = unreadable_answer(secm, "POST", "/things/a", "application/json", NULL);
    cr_assert_eq(request(secm, "POST", "/things/a?page=2", NULL, NULL), AWSVAL_OK);
    assert_ambiguous(request(secm, "POST", "/things/a?page=2&page=3", NULL, NULL), want, "an integer parameter twice");
    assert_ambiguous(request(secm, "POST", "/things/a?filter=a&x=1&filter=a", NULL, NULL), want, "a string parameter twice");
    assert_ambiguous(request(secm, "POST", "/things/a?filter=a&%66ilter=b", NULL, NULL), want,
                     "a parameter twice, once percent-encoded");
    /* A list parameter is meant to repeat. */
    cr_assert_eq(request(secm, "POST", "/things/a?filters=a&filters=b&filters=c", NULL, NULL), AWSVAL_OK);
    /* A query map's key twice: each copy is checked (whichever one a backend reads was). */
    cr_assert_eq(request(secm, "POST", "/things/a?k=a&j=b", NULL, NULL), AWSVAL_OK);
    cr_assert_eq(request(secm, "POST", "/things/a?k=a&k=B", NULL, NULL), AWSVAL_INVALID);
    cr_assert_eq(request(secm, "POST", "/things/a?k=B&k=a", NULL, NULL), AWSVAL_INVALID);
}

Test(http, duplicate_prefix_header)
{
    awsval_rejection want = unreadable_answer(secm, "POST", "/things/a", "application/json", NULL);
    cr_assert_eq(request(secm, "POST", "/things/a", NULL, "x-meta-a", "v", "x-meta-b", "w", NULL), AWSVAL_OK);
    assert_ambiguous(request(secm, "POST", "/things/a", NULL, "x-meta-a", "v", "X-Meta-A", "v", NULL), want,
                     "a prefixed header twice");
    /* The keys of a map of secrets are secret: the duplicate is not named. */
    assert_ambiguous(request(secm, "POST", "/things/a", NULL, "x-secret-zqkeyname", "abc", "X-SECRET-ZQKEYNAME", "abd", NULL),
                     want, "a secret's prefixed header twice");
    assert_nowhere("zqkeyname");
    assert_nowhere("ZQKEYNAME");
}

Test(http, list_headers_merged)
{
    /* Two x-tags fields are one list of their items (RFC 9110 5.3). */
    cr_assert_eq(request(secm, "POST", "/things/a", NULL, "x-tags", "a, b", "X-Tags", "c", NULL), AWSVAL_OK);
    /* 3 + 2 items against a max of 4: only the merged list is too long. */
    cr_assert_eq(request(secm, "POST", "/things/a", NULL, "x-tags", "a,b,c", "x-tags", "d,e", NULL), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
    awsval_violation v = viol(0);
    cr_assert_eq(v.kind, AWSVAL_KIND_LENGTH);
    cr_assert_str_eq(v.pointer, "/Tags");
    cr_assert_eq(v.actual, 5);
    /* An item of the second copy is checked as well. */
    cr_assert_eq(request(secm, "POST", "/things/a", NULL, "x-tags", "a", "x-tags", "B", NULL), AWSVAL_INVALID);
    cr_assert_eq(viol(0).kind, AWSVAL_KIND_PATTERN);
}

/* Bytes of the request a gateway sees: method, target, header names and values, body. */
static size_t request_bytes(const awsval_http_request *r)
{
    size_t n = r->method_len + r->target_len + r->body_len;
    for (size_t i = 0; i < r->header_count; i++) n += r->headers[i].name_len + r->headers[i].value_len;
    return n;
}

static void assert_too_large(void)
{
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
    cr_assert_eq(viol(0).kind, AWSVAL_KIND_LIMIT);
    cr_assert_eq(rejection().status, 413);
    size_t need = 0;
    cr_assert_eq(awsval_render_http(ctx, NULL, 0, &need), AWSVAL_TOOSMALL);
    cr_assert_lt(need, 1024, "a %zu-byte answer to an oversized request", need);
}

Test(http, whole_request_counts_against_max_size)
{
    size_t before = awsval_ctx_memory(ctx);
    /* A 60 MiB label under the default 1 MiB limit. */
    size_t big = (size_t)60 << 20;
    char *target = malloc(big + 16);
    cr_assert_not_null(target);
    memcpy(target, "/things/", 8);
    memset(target + 8, 'a', big);
    awsval_http_request r = {.size = sizeof r, .method = "POST", .method_len = 4, .target = target, .target_len = big + 8};
    cr_assert_eq(awsval_check_http(ctx, secm, &r), AWSVAL_INVALID);
    assert_too_large();
    /* Nothing was sized by the request: the context holds what it held (give or take the
     * answer's few bytes). */
    size_t after = awsval_ctx_memory(ctx);
    cr_assert_lt(after, before + 64 * 1024, "context grew from %zu to %zu bytes", before, after);
    /* A 60 MiB header value. */
    awsval_http_header h = {"x-mode", 6, target, big};
    r.target = "/things/a";
    r.target_len = 9;
    r.headers = &h;
    r.header_count = 1;
    cr_assert_eq(awsval_check_http(ctx, secm, &r), AWSVAL_INVALID);
    assert_too_large();
    cr_assert_lt(awsval_ctx_memory(ctx), before + 64 * 1024);
    free(target);

    /* Exactly at the limit, and one byte over it: target, headers and body add up. */
    awsval_ctx_opts o = {.size = sizeof o, .max_size = 4096};
    awsval_ctx *small = awsval_ctx_create(&o, NULL);
    cr_assert_not_null(small);
    awsval_ctx *keep = ctx;
    ctx = small;
    char tgt[2048], val[2048], body[2048];
    snprintf(tgt, sizeof tgt, "/things/%01000d", 0);
    memset(val, 'b', sizeof val);
    strcpy(body, "{}");
    awsval_http_header hs[2] = {{"x-mode", 6, "fast", 4}, {"x-pad", 5, val, 0}};
    awsval_http_request q = {.size = sizeof q, .method = "POST", .method_len = 4, .target = tgt,
                             .target_len = strlen(tgt), .headers = hs, .header_count = 2, .body = body, .body_len = 2};
    hs[1].value_len = 4096 - (request_bytes(&q) - hs[1].value_len) - 0;
    cr_assert_eq(request_bytes(&q), 4096);
    awsval_code rc = awsval_check_http(ctx, secm, &q);
    cr_assert(rc == AWSVAL_OK || viol(0).kind != AWSVAL_KIND_LIMIT, "a request of exactly max_size refused");
    hs[1].value_len++;
    cr_assert_eq(awsval_check_http(ctx, secm, &q), AWSVAL_INVALID);
    assert_too_large();
    ctx = keep;
    awsval_ctx_free(small);
}

/* ================================================================================== output */

TestSuite(output, .init = fixtures_init, .fini = fixtures_fini);

/* Every output of the last check is valid UTF-8; the JSON ones are valid JSON (no raw control
 * character, nothing cut). */
static void assert_outputs_valid(bool native_json)
{
    static const uint32_t styles[] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_SMITHY,
                                      AWSVAL_REPORT_JSON, 0};
    bool invalid = awsval_ctx_violation_total(ctx) > 0;
    for (size_t i = 0; i < 5; i++) {
        size_t len;
        char *s = render_alloc(styles[i], &len);
        cr_assert_eq(strlen(s), len, "style %u: a NUL inside the output", styles[i]);
        cr_assert(utf8_valid(s, len), "style %u: not UTF-8: %s", styles[i], s);
        bool json = styles[i] == AWSVAL_REPORT_JSON || (invalid && styles[i] == AWSVAL_REPORT_SMITHY) ||
                    (invalid && native_json && styles[i] == AWSVAL_REPORT_NATIVE);
        if (json) {
            json_error_t je;
            json_t *d = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
            cr_assert_not_null(d, "style %u: not JSON (%s): %s", styles[i], je.text, s);
            json_decref(d);
        }
        free(s);
    }
    for (size_t i = 0; i < awsval_ctx_violation_count(ctx); i++) {
        awsval_violation v = viol(i);
        const char *f[] = {v.pointer, v.aws_path, v.shape, v.constraint, v.value, v.pattern};
        for (size_t k = 0; k < 6; k++)
            cr_assert(!f[k] || utf8_valid(f[k], strlen(f[k])), "violation %zu field %zu not UTF-8", i, k);
    }
}

/* The longest prefix of key[0..n) that `text` holds. */
static size_t longest_prefix_in(const char *text, const char *key, size_t n)
{
    size_t best = 0;
    for (const char *p = text; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] == key[k]) k++;
        if (k > best) best = k;
    }
    return best;
}

/* A duplicate key of 60 to 70 bytes with a multi-byte character at or across byte 64: the
 * message quotes the key cut at 64 bytes on a character boundary, and every output stays valid. */
Test(output, duplicate_key_cut_on_character_boundary)
{
    static const char *const chars[] = {"\xC3\xA9", "\xE6\x97\xA5", "\xF0\xA0\x80\x80"};
    size_t cases = 0;
    for (size_t len = 60; len <= 70; len++)
        for (size_t c = 0; c < 3; c++)
            for (size_t at = 60; at <= 64; at++) {
                size_t cl = strlen(chars[c]);
                if (at + cl > len) continue;
                char key[80];
                memset(key, 'k', len);
                memcpy(key + at, chars[c], cl);
                key[len] = '\0';
                /* in a map, as an unknown member of a structure, and in an HTTP body */
                for (int where = 0; where < 3; where++) {
                    sb j = {0};
                    awsval_code rc;
                    if (where == 0) {
                        sb_printf(&j, "{\"%s\":\"1\",\"%s\":\"2\"}", key, key);
                        rc = awsval_check_value(ctx, secm, "FreeMap", j.p, j.n);
                    } else if (where == 1) {
                        sb_printf(&j, "{\"Id\":\"a\",\"%s\":1,\"%s\":2}", key, key);
                        rc = awsval_check(ctx, secm, "PutThing", j.p, j.n);
                    } else {
                        sb_printf(&j, "{\"Free\":{\"%s\":\"1\",\"%s\":\"2\"}}", key, key);
                        rc = request(secm, "POST", "/records", j.p, "Content-Type", "application/json", NULL);
                    }
                    free(j.p);
                    cr_assert_eq(rc, AWSVAL_INVALID);
                    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
                    awsval_violation v = viol(0);
                    cr_assert_eq(v.kind, AWSVAL_KIND_PARSE);
                    size_t p = longest_prefix_in(v.constraint, key, len);
                    if (len <= 64) {
                        cr_assert_eq(p, len, "a %zu-byte key not quoted whole: %s", len, v.constraint);
                    } else {
                        /* at most 64 bytes, on a boundary, and the next character would pass 64 */
                        size_t next = p < len && (unsigned char)key[p] >= 0xF0 ? 4
                                      : p < len && (unsigned char)key[p] >= 0xE0 ? 3
                                      : p < len && (unsigned char)key[p] >= 0xC0 ? 2 : 1;
                        cr_assert(p <= 64 && p + next > 64, "key of %zu bytes, char at %zu: quoted %zu bytes: %s",
                                  len, at, p, v.constraint);
                        cr_assert(((unsigned char)key[p] & 0xC0) != 0x80, "cut inside a character: %s", v.constraint);
                    }
                    assert_outputs_valid(true);
                    cases++;
                }
            }
    cr_assert_eq(cases, 3 * 90, "%zu cases", cases); /* 90 keys, 3 places each */
}

/* NUL is written as the six characters \u0000 in plain strings: keys "K" and "K\u0000" have
 * different pointers, and nothing after a NUL is lost. */
Test(output, nul_keys_distinct)
{
    const char *j = "{\"K\":\"a\",\"K\\u0000\":\"a\",\"K\\u0000\\u0000\":\"a\"}";
    cr_assert_eq(awsval_check_value(ctx, secm, "MetaMap", j, strlen(j)), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 3);
    awsval_violation v[3] = {viol(0), viol(1), viol(2)};
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++)
            cr_assert_str_neq(v[a].pointer, v[b].pointer, "keys %d and %d share the pointer %s", a, b, v[a].pointer);
    cr_assert_lt(strlen(v[0].pointer), strlen(v[1].pointer));
    cr_assert_lt(strlen(v[1].pointer), strlen(v[2].pointer));
    /* the machine report keeps them apart too */
    char *s = render_alloc(AWSVAL_REPORT_JSON, NULL);
    json_error_t je;
    json_t *d = json_loadb(s, strlen(s), JSON_ALLOW_NUL, &je);
    cr_assert_not_null(d, "%s", je.text);
    json_t *f = json_object_get(d, "failures");
    cr_assert_eq(json_array_size(f), 3);
    json_t *p0 = json_object_get(json_array_get(f, 0), "path"), *p1 = json_object_get(json_array_get(f, 1), "path");
    cr_assert(json_is_string(p0) && json_is_string(p1) && !json_equal(p0, p1), "%s", s);
    json_decref(d);
    free(s);
    assert_outputs_valid(true);
    /* unknown members "k" and "k\u0000" */
    j = "{\"Id\":\"a\",\"k\":1,\"k\\u0000\":1}";
    cr_assert_eq(awsval_check(ctx, secm, "PutThing", j, strlen(j)), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 2);
    cr_assert_str_neq(viol(0).pointer, viol(1).pointer);
}

/* A value holding NUL and control characters: echoed whole (nothing cut at the NUL), escaped in
 * every JSON output. */
Test(output, nul_and_controls_escaped)
{
    const char *j = "{\"Id\":\"a\",\"Filter\":\"ab\\u0000cd\\u0001\\u001f\\u007f\\r\\nEND\"}";
    cr_assert_eq(awsval_check(ctx, secm, "PutThing", j, strlen(j)), AWSVAL_INVALID);
    awsval_violation v = viol(0);
    cr_assert_not_null(v.value);
    cr_assert_not_null(strstr(v.value, "END"), "the echo stops at the NUL: '%s'", v.value);
    assert_outputs_valid(true);
    /* the HTTP response: CRLF only in its head, no raw control character in its JSON body */
    size_t len;
    char *s = render_alloc(0, &len);
    const char *body = strstr(s, "\r\n\r\n");
    cr_assert_not_null(body);
    for (const char *p = body + 4; *p; p++) cr_assert_geq((unsigned char)*p, 0x20, "raw control byte in the body: %s", s);
    cr_assert_not_null(strstr(body, "END"), "the body lost what follows the NUL: %s", body);
    free(s);
}

/* A render at every capacity from 0 to its full size: the snprintf contract, a prefix of the
 * full text, valid UTF-8, cut at the last character boundary that fits. */
static size_t check_truncations(const char *what, awsval_code (*fn)(size_t i, uint32_t style, char *buf, size_t cap, size_t *need),
                                size_t i, uint32_t style)
{
    size_t need = 0;
    awsval_code rc = fn(i, style, NULL, 0, &need);
    cr_assert_eq(rc, AWSVAL_TOOSMALL, "%s: cap 0: %s", what, awsval_err_name(rc));
    char *full = malloc(need);
    cr_assert_eq(fn(i, style, full, need, NULL), AWSVAL_OK);
    size_t len = strlen(full);
    cr_assert_eq(len + 1, need, "%s", what);
    for (size_t cap = 1; cap <= need; cap++) {
        char *buf = malloc(cap); /* exactly cap bytes: a write past it is a heap overflow */
        memset(buf, 0x5A, cap);
        size_t n2 = 0;
        rc = fn(i, style, buf, cap, &n2);
        cr_assert_eq(n2, need, "%s: cap %zu: need %zu, then %zu", what, cap, need, n2);
        cr_assert_eq(rc, cap == need ? AWSVAL_OK : AWSVAL_TOOSMALL, "%s: cap %zu", what, cap);
        size_t got = strnlen(buf, cap);
        cr_assert_lt(got, cap, "%s: cap %zu: not NUL-terminated", what, cap);
        cr_assert(memcmp(buf, full, got) == 0, "%s: cap %zu: not a prefix", what, cap);
        cr_assert(utf8_valid(buf, got), "%s: cap %zu: not UTF-8", what, cap);
        if (got < len) {
            /* the next character did not fit */
            unsigned char c = (unsigned char)full[got];
            size_t cl = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            cr_assert_gt(got + cl, cap - 1, "%s: cap %zu: cut at %zu, before a %zu-byte character", what, cap, got, cl);
        }
        free(buf);
    }
    free(full);
    return need;
}

static awsval_code f_render(size_t i, uint32_t style, char *buf, size_t cap, size_t *need)
{
    (void)i;
    return style ? awsval_render(ctx, style, buf, cap, need) : awsval_render_http(ctx, buf, cap, need);
}

static awsval_code f_message(size_t i, uint32_t style, char *buf, size_t cap, size_t *need)
{
    return awsval_ctx_violation_message(ctx, i, style, buf, cap, need);
}

static void truncations_of_last_check(const char *what)
{
    static const uint32_t styles[] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_SMITHY,
                                      AWSVAL_REPORT_JSON, 0};
    bool invalid = awsval_ctx_violation_total(ctx) > 0;
    for (size_t s = 0; s < 5; s++)
        if (invalid || styles[s] == AWSVAL_REPORT_JSON) check_truncations(what, f_render, 0, styles[s]);
    for (size_t i = 0; i < awsval_ctx_violation_count(ctx) && i < 3; i++) {
        check_truncations(what, f_message, i, AWSVAL_REPORT_AWS);
        check_truncations(what, f_message, i, AWSVAL_REPORT_SMITHY);
    }
}

Test(output, every_truncation_is_a_prefix)
{
    /* echoes of 1- to 4-byte characters, a NUL, a duplicate key across byte 64, a valid result,
     * an HTTP answer */
    const char *j = "{\"serviceIdentifier\":\"\xC3\xA9\xE6\x97\xA5\xF0\xA0\x80\x80-\\u0000x\","
                    "\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\",\"tags\":{\"aws:\xF0\x9F\x98\x80\":\"\xE2\x82\xAC\"}}";
    cr_assert_eq(awsval_check(ctx, lattice, "CreateServiceNetworkServiceAssociation", j, strlen(j)), AWSVAL_INVALID);
    truncations_of_last_check("lattice multi-byte echoes");
    sb k = {0};
    sb_rep(&k, 'k', 62);
    sb_str(&k, "\xF0\xA0\x80\x80zz");
    sb d = {0};
    sb_printf(&d, "{\"%s\":\"1\",\"%s\":\"2\"}", k.p, k.p);
    cr_assert_eq(awsval_check_value(ctx, secm, "FreeMap", d.p, d.n), AWSVAL_INVALID);
    truncations_of_last_check("duplicate key across byte 64");
    free(k.p);
    free(d.p);
    j = "{\"Id\":\"a\"}";
    cr_assert_eq(awsval_check(ctx, secm, "PutThing", j, strlen(j)), AWSVAL_OK);
    truncations_of_last_check("valid");
    cr_assert_eq(request(apprunner, "POST", "/", "{\"VpcIngressConnectionArn\":\"\xE6\x97\xA5\"}", "Content-Type", JSON10,
                         "X-Amz-Target", RUNNER_TARGET, NULL),
                 AWSVAL_INVALID);
    truncations_of_last_check("apprunner HTTP");
}

/* ================================================================================== limits */

TestSuite(limits, .init = fixtures_init, .fini = fixtures_fini);

/* An empty body is an absent payload: for a structure payload, its required members are not
 * asked for; for a string payload, the member is missing (not too short). */
Test(limits, empty_payload_is_absent)
{
    cr_assert_eq(request(secm, "PUT", "/documents/a", "", NULL), AWSVAL_OK);
    cr_assert_eq(request(secm, "PUT", "/documents/a", NULL, NULL), AWSVAL_OK);
    cr_assert_eq(request(secm, "PUT", "/documents/a", " \r\n\t", "Content-Type", "application/json", NULL), AWSVAL_OK);
    /* a present payload is checked */
    cr_assert_eq(request(secm, "PUT", "/documents/a", "{}", "Content-Type", "application/json", NULL), AWSVAL_INVALID);
    awsval_violation v = viol(0);
    cr_assert_eq(v.kind, AWSVAL_KIND_REQUIRED);
    cr_assert_str_eq(v.pointer, "/Document/Title");
    cr_assert_eq(request(secm, "PUT", "/documents/a", "{\"Title\":\"abc\"}", "Content-Type", "application/json", NULL),
                 AWSVAL_OK);
    /* a required string payload: absent, not too short */
    cr_assert_eq(request(secm, "PUT", "/texts/a", "", NULL), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
    v = viol(0);
    cr_assert_eq(v.kind, AWSVAL_KIND_REQUIRED, "%s", awsval_kind_name(v.kind));
    cr_assert_str_eq(v.pointer, "/Text");
    cr_assert_eq(request(secm, "PUT", "/texts/a", "abc", "Content-Type", "application/json", NULL), AWSVAL_OK);
    /* Debian's botocore: Lambda Invoke, whose payload is a blob */
    if (is_dir(DEBIAN_BOTOCORE)) {
        awsval_model_err err = {.size = sizeof err};
        awsval_model *lambda = awsval_model_load_dir(DEBIAN_BOTOCORE, "lambda", NULL, &err);
        cr_assert_not_null(lambda, "%s", err.message);
        cr_assert_eq(request(lambda, "POST", "/2015-03-31/functions/my-function/invocations", "", NULL), AWSVAL_OK);
        cr_assert_eq(request(lambda, "POST", "/2015-03-31/functions/my-function/invocations", "{\"k\":1}", NULL), AWSVAL_OK);
        awsval_model_free(lambda);
    }
}

/* Values of ~44,000 characters against Glue's patterns that repeat a group per character
 * (DQDLString "([\u0020-\u007E\r\s\n])*", max 65536; SqlQuery, NodeName, ... without a max): a
 * value Java decides must be decided here, never a LIMIT. */
Test(limits, long_values_decided)
{
    if (!is_dir(DEBIAN_BOTOCORE)) cr_skip_test("%s absent", DEBIAN_BOTOCORE);
    awsval_model_err err = {.size = sizeof err};
    awsval_model *glue = awsval_model_load_dir(DEBIAN_BOTOCORE, "glue", NULL, &err);
    cr_assert_not_null(glue, "%s", err.message);
    static const char *const shapes[] = {"DQDLString", "SqlQuery", "NodeName", "EnclosedInStringProperty"};
    /* a character each pattern refuses (NodeName takes every character but CR and LF) */
    static const char *const refused[] = {"\\u0001", "\\u0001", "\\n", "\\u0001"};
    static const char *const refused_name[] = {"U+0001", "U+0001", "LF", "U+0001"};
    size_t n = 44000;
    static const char *const mixed[] = {"a", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\xA0\x80\x80"};
    char *j = malloc(4 * n + 16);
    /* variants: ASCII (matches), ASCII then a refused character (does not), 1- to 4-byte
     * characters (decided either way: never a LIMIT) */
    for (size_t s = 0; s < 4; s++)
        for (int variant = 0; variant < 3; variant++) {
            size_t len = 0;
            j[len++] = '"';
            for (size_t i = 0; i < n; i++) {
                const char *c = variant == 2 ? mixed[i % 4] : i % 4 == 2 ? " " : "a";
                memcpy(j + len, c, strlen(c));
                len += strlen(c);
            }
            if (variant == 1) {
                memcpy(j + len, refused[s], strlen(refused[s]));
                len += strlen(refused[s]);
            }
            j[len++] = '"';
            awsval_code rc = awsval_check_value(ctx, glue, shapes[s], j, len);
            uint32_t kind = rc == AWSVAL_INVALID ? viol(0).kind : 0;
            bool decided = variant == 0   ? rc == AWSVAL_OK
                           : variant == 1 ? rc == AWSVAL_INVALID && kind == AWSVAL_KIND_PATTERN
                                          : rc == AWSVAL_OK || (rc == AWSVAL_INVALID && kind == AWSVAL_KIND_PATTERN);
            const char *what = variant == 0 ? "" : variant == 1 ? refused_name[s] : " (1- to 4-byte characters)";
            fprintf(stderr, "long_values_decided: %s, %zu characters%s%s: %s %s\n", shapes[s], n,
                    variant == 1 ? " + " : "", what, awsval_err_name(rc), kind ? awsval_kind_name(kind) : "");
            cr_expect(decided, "%s: %zu characters%s%s: %s %s", shapes[s], n, variant == 1 ? " + " : "", what,
                      awsval_err_name(rc), kind ? awsval_kind_name(kind) : "");
        }
    /* the whole request too: EvaluateDataQuality's Ruleset is a DQDLString (other violations
     * of the minimal request do not matter; a LIMIT does) */
    sb req = {0};
    sb_str(&req, "{\"Name\":\"job\",\"Role\":\"role\",\"Command\":{},\"CodeGenConfigurationNodes\":{\"node\":"
                 "{\"EvaluateDataQuality\":{\"Name\":\"dq\",\"Inputs\":[\"in\"],\"Ruleset\":\"");
    for (size_t i = 0; i < n; i++) sb_chr(&req, "ab c"[i % 4]);
    sb_str(&req, "\"}}}}");
    awsval_code rc = awsval_check(ctx, glue, "CreateJob", req.p, req.n);
    bool limit = false;
    for (size_t i = 0; rc == AWSVAL_INVALID && i < awsval_ctx_violation_count(ctx); i++)
        limit = limit || viol(i).kind == AWSVAL_KIND_LIMIT;
    fprintf(stderr, "long_values_decided: CreateJob with a %zu-character EvaluateDataQuality.Ruleset: %s%s\n", n,
            awsval_err_name(rc), limit ? " with a LIMIT" : "");
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID);
    cr_expect(!limit, "CreateJob: a LIMIT violation");
    free(req.p);
    free(j);
    awsval_model_free(glue);
}

/* uniqueItems on a list of structures: equal structures are found (members in any order), and
 * the work grows as n log n: the times of N and 2N records (about 1 MB) are printed. */
Test(limits, unique_items_of_structures)
{
    double t[2] = {0, 0};
    size_t counts[2] = {8000, 16000};
    for (int round = 0; round < 2; round++) {
        size_t n = counts[round];
        sb j = {0};
        sb_str(&j, "{\"Records\":[");
        for (size_t i = 0; i < n; i++)
            sb_printf(&j, "%s{\"Name\":\"record-%06zu\",\"Size\":%zu,\"Parts\":[\"a\",\"b\"]}", i ? "," : "", i, i);
        size_t distinct_end = j.n;
        sb_str(&j, "]}");
        cr_assert_lt(j.n, (size_t)1 << 20);
        double t0 = now();
        cr_assert_eq(awsval_check(ctx, secm, "PutRecords", j.p, j.n), AWSVAL_OK);
        t[round] = now() - t0;
        /* the first record again at the end, its members in another order and spelling */
        j.n = distinct_end;
        sb_str(&j, ",{\"Parts\":[\"a\",\"b\"],\"Size\":0.0e1,\"Name\":\"record-\\u0030\\u00300000\"}]}");
        cr_assert_eq(awsval_check(ctx, secm, "PutRecords", j.p, j.n), AWSVAL_INVALID);
        cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
        awsval_violation v = viol(0);
        cr_assert_eq(v.kind, AWSVAL_KIND_UNIQUE);
        cr_assert_str_eq(v.pointer, "/Records");
        /* nearly equal: one more part */
        j.n = distinct_end;
        sb_str(&j, ",{\"Parts\":[\"a\",\"b\",\"c\"],\"Size\":0,\"Name\":\"record-000000\"}]}");
        cr_assert_eq(awsval_check(ctx, secm, "PutRecords", j.p, j.n), AWSVAL_OK);
        free(j.p);
    }
    fprintf(stderr, "unique_items_of_structures: %zu records %.1f ms, %zu records %.1f ms (x%.2f)\n", counts[0],
            t[0] * 1e3, counts[1], t[1] * 1e3, t[1] / t[0]);
}

/* "NaN" passes a range-constrained double, as in Java, where every comparison with NaN is
 * false; the infinities are beyond every bound. */
Test(limits, nan_passes_a_range)
{
    const char *ok[] = {"\"NaN\"", "0", "0.5", "1"};
    for (size_t i = 0; i < 4; i++) {
        char j[64];
        snprintf(j, sizeof j, "{\"Id\":\"a\",\"Ratio\":%s}", ok[i]);
        cr_assert_eq(awsval_check(ctx, secm, "PutThing", j, strlen(j)), AWSVAL_OK, "%s", j);
        cr_assert_eq(awsval_check_value(ctx, secm, "Ratio", ok[i], strlen(ok[i])), AWSVAL_OK, "%s", ok[i]);
    }
    const char *bad[] = {"\"Infinity\"", "\"-Infinity\"", "1.5", "-0.1"};
    for (size_t i = 0; i < 4; i++) {
        char j[64];
        snprintf(j, sizeof j, "{\"Id\":\"a\",\"Ratio\":%s}", bad[i]);
        cr_assert_eq(awsval_check(ctx, secm, "PutThing", j, strlen(j)), AWSVAL_INVALID, "%s", j);
        cr_assert_eq(viol(0).kind, AWSVAL_KIND_RANGE, "%s", j);
    }
    /* the same over HTTP */
    cr_assert_eq(request(secm, "POST", "/things/a", "{\"Ratio\":\"NaN\"}", "Content-Type", "application/json", NULL), AWSVAL_OK);
    cr_assert_eq(request(secm, "POST", "/things/a", "{\"Ratio\":\"Infinity\"}", "Content-Type", "application/json", NULL),
                 AWSVAL_INVALID);
}

/* Every render NUL-terminates a buffer it was given, also when it fails. */
Test(limits, renders_terminate_on_error)
{
    char buf[64];
    size_t need = 123;
#define DIRTY() memset(buf, 'X', sizeof buf)
    awsval_ctx *fresh = awsval_ctx_create(NULL, NULL);
    DIRTY();
    cr_assert_eq(awsval_render(fresh, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_render_http(fresh, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_ctx_violation_message(fresh, 0, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_render(NULL, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_BADARG);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_render_http(NULL, buf, sizeof buf, &need), AWSVAL_BADARG);
    cr_assert_eq(buf[0], '\0');
    const char *j = "{\"Id\":\"A\"}";
    cr_assert_eq(awsval_check(fresh, secm, "PutThing", j, strlen(j)), AWSVAL_INVALID);
    DIRTY();
    cr_assert_eq(awsval_render(fresh, 99, buf, sizeof buf, &need), AWSVAL_BADARG);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_ctx_violation_message(fresh, 0, 99, buf, sizeof buf, &need), AWSVAL_BADARG);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_ctx_violation_message(fresh, 5, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_NOTFOUND);
    cr_assert_eq(buf[0], '\0');
    DIRTY();
    cr_assert_eq(awsval_model_describe(secm, "NoSuchOperation", buf, sizeof buf, &need), AWSVAL_NOTFOUND);
    cr_assert_eq(buf[0], '\0');
    /* and a buffer too small gets a terminated prefix */
    DIRTY();
    cr_assert_eq(awsval_render(fresh, AWSVAL_REPORT_AWS, buf, 8, &need), AWSVAL_TOOSMALL);
    cr_assert_eq(strnlen(buf, 8), 7);
    cr_assert_eq(buf[8], 'X', "wrote past the capacity");
    /* after a trim the result is gone: NOCHECK again */
    awsval_ctx_trim(fresh);
    DIRTY();
    cr_assert_eq(awsval_render(fresh, AWSVAL_REPORT_JSON, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(buf[0], '\0');
#undef DIRTY
    awsval_ctx_free(fresh);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* awsval_model_load_dir takes names, never paths: "..", "/" and a leading "." are refused for
 * the service and the version, although each would reach a model file here. */
Test(limits, load_dir_takes_names_only)
{
    char root[] = "/tmp/awsval-sec-XXXXXX";
    cr_assert_not_null(mkdtemp(root));
    size_t len;
    char *model = slurp(AWSVAL_TEST_DATA_DIR "/models/security.json", &len);
    cr_assert_not_null(model);
    static const char *const dirs[] = {"data", "data/inner", "data/inner/svc", "data/inner/svc/2020-01-01",
                                       "data/2020-01-01", "data/inner/.hidden", "data/inner/.hidden/2020-01-01",
                                       "data/inner/svc/.v", "data/outside", "data/outside/2020-01-01"};
    char p[512];
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
        cr_assert_eq(mkdir(p, 0700), 0, "%s: %s", p, strerror(errno));
    }
    static const char *const files[] = {"data/inner/svc/2020-01-01", "data/2020-01-01", "data/inner/.hidden/2020-01-01",
                                        "data/inner/svc/.v", "data/inner", "data/outside/2020-01-01"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s/service-2.json", root, files[i]);
        write_file(p, model, len);
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/data/inner", root);
    awsval_model_err err = {.size = sizeof err};
    /* the control: a name loads */
    awsval_model *m = awsval_model_load_dir(dir, "svc", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_model_free(m);
    m = awsval_model_load_dir(dir, "svc@2020-01-01", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_model_free(m);
    /* each of these would open a service-2.json written above */
    static const char *const refused[] = {"..", "../outside", "..@2020-01-01", ".hidden", ".hidden@2020-01-01",
                                          "svc@.v", "svc@..", "svc@../..", "svc@../../2020-01-01",
                                          "svc/2020-01-01", "./svc", "svc@2020-01-01/..", "/tmp", "", "svc@"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memset(&err, 0, sizeof err);
        err.size = sizeof err;
        m = awsval_model_load_dir(dir, refused[i], NULL, &err);
        cr_expect_null(m, "'%s' loaded a model", refused[i]);
        awsval_model_free(m);
        cr_expect(err.code == AWSVAL_BADARG || err.code == AWSVAL_NOTFOUND, "'%s': %s", refused[i],
                  awsval_err_name(err.code));
    }
    free(model);
    /* clean up */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s/service-2.json", root, files[i]);
        unlink(p);
    }
    for (size_t i = sizeof dirs / sizeof dirs[0]; i-- > 0;) {
        snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
        rmdir(p);
    }
    rmdir(root);
}
