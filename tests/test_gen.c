/* awsval_generate: valid and single-fault inputs from models, checked twice.
 *
 * Every generated input is checked again here, on a context of its own, from the text the
 * generator wrote (params: awsval_check; HTTP: the message parsed by `awsval http`'s parser,
 * then awsval_check_http): a valid input must have no violation, a faulty one exactly one, of
 * the fault's kind, at the place the generator reports. Over every operation of every model
 * of Debian's botocore (AWSVAL_GEN_MODELS names another data directory; AWSVAL_GEN_SEEDS runs
 * more seeds), the built-in models (every fault kind, several seeds, both formats) and a model
 * written here with the constraints botocore lacks (uniqueItems, unions, integer enums, ranges
 * of every numeric type, blobs, a recursive structure). The botocore run prints the coverage:
 * operations with a valid input and those without (why), values generated and optional members
 * left out, and fault places found per kind. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "awsval.h"
#include "http_message.h"

#define BOTOCORE_DEFAULT "/usr/lib/python3/dist-packages/botocore/data"

static const uint32_t ALL_FAULTS[] = {AWSVAL_FAULT_REQUIRED,  AWSVAL_FAULT_TYPE,          AWSVAL_FAULT_LENGTH,
                                      AWSVAL_FAULT_PATTERN,   AWSVAL_FAULT_ENUM,          AWSVAL_FAULT_RANGE,
                                      AWSVAL_FAULT_UNION,     AWSVAL_FAULT_UNKNOWN,       AWSVAL_FAULT_UNIQUE,
                                      AWSVAL_FAULT_DOCUMENTED, AWSVAL_FAULT_DUPLICATE_KEY, AWSVAL_FAULT_UTF8,
                                      AWSVAL_FAULT_DEPTH,     AWSVAL_FAULT_ANY};
#define NALL (sizeof ALL_FAULTS / sizeof *ALL_FAULTS)

/* ------------------------------------------------------------------------------------------ */
/* One generation, checked again                                                               */
/* ------------------------------------------------------------------------------------------ */

typedef struct gen_out {
    awsval_code rc;
    awsval_gen_info info;
    char *text;
    size_t len;
} gen_out;

static bool is_wire(uint32_t fault)
{
    return fault == AWSVAL_FAULT_DUPLICATE_KEY || fault == AWSVAL_FAULT_UTF8 || fault == AWSVAL_FAULT_DEPTH;
}

/* Generates with a buffer grown to what is needed (the second call must give the same). */
static gen_out generate(awsval_gen *g, awsval_ctx *c, const char *op, const awsval_gen_opts *o)
{
    gen_out r = {0};
    r.info.size = sizeof r.info;
    size_t need = 0;
    r.rc = awsval_generate(g, c, op, o, NULL, 0, &need, &r.info);
    if (r.rc != AWSVAL_TOOSMALL) {
        cr_assert(r.rc == AWSVAL_NOGEN || r.rc == AWSVAL_NOTFOUND || r.rc == AWSVAL_BADARG,
                  "%s fault %s: %s", op, awsval_fault_name(o ? o->fault : 0), awsval_err_name(r.rc));
        return r;
    }
    r.text = malloc(need);
    cr_assert_not_null(r.text);
    size_t need2 = 0;
    r.rc = awsval_generate(g, c, op, o, r.text, need, &need2, &r.info);
    cr_assert_eq(r.rc, AWSVAL_OK, "%s: second call: %s", op, awsval_err_name(r.rc));
    cr_assert_eq(need2, need, "%s: need changed from %zu to %zu", op, need, need2);
    r.len = need - 1;
    cr_assert_eq(strlen(r.text), r.len, "%s: a NUL inside the input", op);
    return r;
}

/* The answer of a second context to the written input. */
static awsval_code check_again(awsval_ctx *c2, const awsval_model *m, const char *op, const gen_out *r, bool http)
{
    if (!http) return awsval_check(c2, m, op, r->text, r->len);
    awsval_http_header hdrs[64];
    awsval_http_request req;
    const char *err = NULL;
    int pr = http_message_parse(r->text, r->len, 0, &req, hdrs, 64, &err);
    cr_assert_eq(pr, 0, "%s: the HTTP request does not parse (%s):\n%.2000s", op, err ? err : "?", r->text);
    awsval_code rc = awsval_check_http(c2, m, &req);
    const char *routed = awsval_ctx_operation(c2);
    cr_assert(routed && strcmp(routed, op) == 0, "%s: routed to %s:\n%.2000s", op, routed ? routed : "nothing", r->text);
    return rc;
}

/* Asserts that the second context's answer is the one intended. */
static void assert_answer(awsval_ctx *c2, awsval_code rc, const char *svc, const char *op, uint32_t fault,
                          const gen_out *r)
{
    cr_assert(!(r->info.flags & AWSVAL_GEN_INFO_DIFFERS), "%s %s fault %s: DIFFERS flagged:\n%.2000s", svc, op,
              awsval_fault_name(fault), r->text);
    if (fault == AWSVAL_FAULT_NONE) {
        cr_assert_eq(r->info.fault, AWSVAL_FAULT_NONE);
        cr_assert_eq(rc, AWSVAL_OK, "%s %s: a valid input is %s (%zu violations):\n%.2000s", svc, op,
                     awsval_err_name(rc), awsval_ctx_violation_total(c2), r->text);
        return;
    }
    cr_assert_eq(rc, AWSVAL_INVALID, "%s %s fault %s: %s:\n%.2000s", svc, op, awsval_fault_name(fault),
                 awsval_err_name(rc), r->text);
    cr_assert_eq(awsval_ctx_violation_total(c2), 1, "%s %s fault %s: %zu violations:\n%.2000s", svc, op,
                 awsval_fault_name(fault), awsval_ctx_violation_total(c2), r->text);
    if (fault != AWSVAL_FAULT_ANY) cr_assert_eq(r->info.fault, fault);
    awsval_violation v = {.size = sizeof v};
    cr_assert_eq(awsval_ctx_violation(c2, 0, &v), AWSVAL_OK);
    cr_assert_eq(v.kind, r->info.kind, "%s %s fault %s: kind %s, not %s at %s", svc, op, awsval_fault_name(fault),
                 awsval_kind_name(v.kind), awsval_kind_name(r->info.kind), v.pointer);
    if (is_wire(r->info.fault)) {
        cr_assert_eq(v.kind, AWSVAL_KIND_PARSE);
        return;
    }
    cr_assert_eq(v.source, r->info.fault == AWSVAL_FAULT_DOCUMENTED ? AWSVAL_SOURCE_DOCUMENTED : AWSVAL_SOURCE_MODEL);
    /* the place (fault_at is cut at 255 bytes; a redacted key is "*") */
    const char *want = r->info.fault_at;
    if (strlen(want) < sizeof r->info.fault_at - 4 && !strchr(v.pointer, '*'))
        cr_assert_str_eq(v.pointer, want, "%s %s fault %s", svc, op, awsval_fault_name(fault));
}

/* Generates, checks again, asserts; returns the code of the generation. */
static awsval_code run_one(awsval_gen *g, awsval_ctx *c, awsval_ctx *c2, const awsval_model *m, const char *svc,
                           const char *op, awsval_gen_opts *o, gen_out *keep)
{
    gen_out r = generate(g, c, op, o);
    if (r.rc == AWSVAL_OK) {
        bool http = (o->flags & AWSVAL_GEN_HTTP) != 0;
        /* the generating context holds the same answer as the second one */
        size_t total = awsval_ctx_violation_total(c);
        awsval_code rc = check_again(c2, m, op, &r, http);
        cr_assert_eq(awsval_ctx_violation_total(c2), total, "%s %s: the generating context says %zu violations", svc,
                     op, total);
        assert_answer(c2, rc, svc, op, o->fault, &r);
    }
    awsval_code rc = r.rc;
    if (keep) *keep = r;
    else free(r.text);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Every operation of every model of a botocore data directory                                  */
/* ------------------------------------------------------------------------------------------ */

typedef struct coverage {
    size_t services, ops, valid, nogen[8], skipped_ops, values, skipped, skip_why[8];
    size_t http_ops, http_valid, http_nogen[8];
    size_t asked[NALL], made[NALL];
    char first_nogen[8][200];
} coverage;

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void why_count(size_t *bins, uint32_t why)
{
    for (int b = 0; b < 8; b++)
        if ((why >> b) & 1) bins[b]++;
}

static const char *const WHY_NAMES[8] = {"pattern", "length", "enum", "range", "depth", "size", "http", "no fault place"};

static void print_why(const char *what, const size_t *bins)
{
    fprintf(stderr, "%s", what);
    for (int b = 0; b < 8; b++)
        if (bins[b]) fprintf(stderr, " %s %zu;", WHY_NAMES[b], bins[b]);
    fprintf(stderr, "\n");
}

Test(gen, botocore_all)
{
    const char *dir = getenv("AWSVAL_GEN_MODELS") ? getenv("AWSVAL_GEN_MODELS") : BOTOCORE_DEFAULT;
    int seeds = getenv("AWSVAL_GEN_SEEDS") ? atoi(getenv("AWSVAL_GEN_SEEDS")) : 1;
    DIR *d = opendir(dir);
    if (!d) cr_skip_test("no botocore data directory at %s", dir);
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (nn == cap) names = realloc(names, (cap = cap ? 2 * cap : 512) * sizeof *names);
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_names);
    coverage cv = {0};
    awsval_ctx *c = awsval_ctx_create(NULL, NULL), *c2 = awsval_ctx_create(NULL, NULL);
    cr_assert(c && c2);
    for (size_t si = 0; si < nn; si++) {
        awsval_model_err err = {.size = sizeof err};
        awsval_model *m = awsval_model_load_dir(dir, names[si], NULL, &err);
        if (!m) continue; /* not a service folder */
        cv.services++;
        awsval_gen *g = awsval_gen_create(m, NULL, NULL);
        cr_assert_not_null(g);
        const char *proto = awsval_model_protocol(m);
        bool http = strcmp(proto, "rest-json") == 0 || strcmp(proto, "json") == 0;
        size_t nops = awsval_model_operation_count(m);
        for (size_t i = 0; i < nops; i++) {
            const char *op = awsval_model_operation_name(m, i);
            cv.ops++;
            for (int s = 0; s < seeds; s++) {
                awsval_gen_opts o;
                awsval_gen_opts_init(&o);
                o.seed = (uint64_t)s * 1000003u + i;
                /* a valid input */
                gen_out r;
                awsval_code rc = run_one(g, c, c2, m, names[si], op, &o, &r);
                if (s == 0) {
                    if (rc == AWSVAL_OK) {
                        cv.valid++;
                        cv.values += r.info.values;
                        cv.skipped += r.info.skipped;
                        if (r.info.skipped) cv.skipped_ops++;
                        why_count(cv.skip_why, r.info.why);
                    } else {
                        why_count(cv.nogen, r.info.why);
                        for (int b = 0; b < 8; b++)
                            if (((r.info.why >> b) & 1) && !cv.first_nogen[b][0])
                                snprintf(cv.first_nogen[b], sizeof cv.first_nogen[b], "%.60s %.60s %.60s", names[si],
                                         op, r.info.where);
                    }
                }
                free(r.text);
                /* one fault kind per operation, in turn */
                size_t k = (i + si + (size_t)s) % NALL;
                o.fault = ALL_FAULTS[k];
                cv.asked[k]++;
                if (run_one(g, c, c2, m, names[si], op, &o, NULL) == AWSVAL_OK) cv.made[k]++;
                if (!http) continue;
                /* the same, as HTTP requests */
                awsval_gen_opts_init(&o);
                o.seed = (uint64_t)s * 1000003u + i;
                o.flags = AWSVAL_GEN_HTTP;
                if (s == 0) cv.http_ops++;
                rc = run_one(g, c, c2, m, names[si], op, &o, &r);
                if (s == 0 && rc == AWSVAL_OK) cv.http_valid++;
                else if (s == 0) why_count(cv.http_nogen, r.info.why);
                free(r.text);
                o.fault = ALL_FAULTS[(k + 7) % NALL];
                run_one(g, c, c2, m, names[si], op, &o, NULL);
            }
        }
        awsval_gen_free(g);
        awsval_model_free(m);
    }
    fprintf(stderr, "gen coverage of %s: %zu services, %zu operations\n", dir, cv.services, cv.ops);
    fprintf(stderr, "  valid input (params): %zu operations; none for %zu:", cv.valid, cv.ops - cv.valid);
    print_why("", cv.nogen);
    for (int b = 0; b < 8; b++)
        if (cv.first_nogen[b][0]) fprintf(stderr, "    e.g. (%s) %s\n", WHY_NAMES[b], cv.first_nogen[b]);
    fprintf(stderr, "  values generated: %zu; optional members left out: %zu (in %zu inputs):", cv.values, cv.skipped,
            cv.skipped_ops);
    print_why("", cv.skip_why);
    fprintf(stderr, "  valid input (HTTP, restJson1 and awsJson): %zu of %zu operations; none:", cv.http_valid,
            cv.http_ops);
    print_why("", cv.http_nogen);
    fprintf(stderr, "  faults made / asked (params, one kind per operation in turn):");
    for (size_t k = 0; k < NALL; k++) fprintf(stderr, " %s %zu/%zu;", awsval_fault_name(ALL_FAULTS[k]), cv.made[k], cv.asked[k]);
    fprintf(stderr, "\n");
    /* Regression guards (the figures above are the report): nearly every operation has a valid
     * input, and faults of the kinds every model has are made nearly everywhere. */
    cr_assert_geq(cv.services, 1);
    cr_assert_geq(cv.valid * 1000, cv.ops * 995, "valid inputs for only %zu of %zu operations", cv.valid, cv.ops);
    cr_assert_geq(cv.made[1] * 100, cv.asked[1] * 95, "type faults made for %zu of %zu", cv.made[1], cv.asked[1]);
    awsval_ctx_free(c);
    awsval_ctx_free(c2);
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
}

/* ------------------------------------------------------------------------------------------ */
/* The built-in models: every fault kind, several seeds, both formats                          */
/* ------------------------------------------------------------------------------------------ */

/* Every key of every "tags" object in a JSON document. */
static void tag_keys_not_aws(json_t *v, const char *text)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (strcmp(k, "tags") == 0 && json_is_object(x)) {
                const char *tk;
                json_t *tv;
                json_object_foreach(x, tk, tv) {
                    (void)tv;
                    cr_assert(strncmp(tk, "aws:", 4) != 0, "a valid input has the tag key '%s':\n%s", tk, text);
                }
            }
            tag_keys_not_aws(x, text);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) tag_keys_not_aws(x, text);
    }
}

static void builtin_all(const char *svc, size_t *made_doc)
{
    awsval_model *m = awsval_model_load_builtin(svc, NULL, NULL);
    cr_assert_not_null(m);
    awsval_gen *g = awsval_gen_create(m, NULL, NULL);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL), *c2 = awsval_ctx_create(NULL, NULL);
    size_t made[NALL] = {0}, valid = 0, tries = 0;
    for (size_t i = 0; i < awsval_model_operation_count(m); i++) {
        const char *op = awsval_model_operation_name(m, i);
        for (int http = 0; http < 2; http++)
            for (uint64_t seed = 1; seed <= 4; seed++) {
                awsval_gen_opts o;
                awsval_gen_opts_init(&o);
                o.seed = seed;
                o.flags = http ? AWSVAL_GEN_HTTP : 0;
                o.bound_pct = seed == 4 ? 100 : 20;
                o.optional_pct = seed == 3 ? 100 : 50;
                gen_out r;
                tries++;
                if (run_one(g, c, c2, m, svc, op, &o, &r) == AWSVAL_OK) {
                    valid++;
                    if (!http) {
                        json_error_t je;
                        json_t *doc = json_loadb(r.text, r.len, 0, &je);
                        cr_assert_not_null(doc, "%s: not JSON: %s:\n%s", op, je.text, r.text);
                        tag_keys_not_aws(doc, r.text);
                        json_decref(doc);
                    }
                }
                free(r.text);
                for (size_t k = 0; k < NALL; k++) {
                    o.fault = ALL_FAULTS[k];
                    if (run_one(g, c, c2, m, svc, op, &o, NULL) == AWSVAL_OK) made[k]++;
                }
            }
    }
    cr_assert_eq(valid, tries, "%s: valid inputs for %zu of %zu", svc, valid, tries);
    /* the kinds every operation with input admits, and those these models have */
    for (size_t k = 0; k < NALL; k++) {
        uint32_t f = ALL_FAULTS[k];
        bool expected = f == AWSVAL_FAULT_TYPE || f == AWSVAL_FAULT_REQUIRED || f == AWSVAL_FAULT_LENGTH ||
                        f == AWSVAL_FAULT_PATTERN || f == AWSVAL_FAULT_ENUM || f == AWSVAL_FAULT_RANGE ||
                        f == AWSVAL_FAULT_UNKNOWN || f == AWSVAL_FAULT_ANY || is_wire(f);
        if (expected) cr_assert_gt(made[k], 0, "%s: no %s fault made", svc, awsval_fault_name(f));
    }
    *made_doc = made[9];
    awsval_ctx_free(c);
    awsval_ctx_free(c2);
    awsval_gen_free(g);
    awsval_model_free(m);
}

Test(gen, builtin_lattice)
{
    size_t doc = 0;
    builtin_all("vpc-lattice", &doc);
    cr_assert_gt(doc, 0, "no documented (overlay) fault made for vpc-lattice's tags");
}

Test(gen, builtin_apprunner)
{
    size_t doc = 0;
    builtin_all("apprunner", &doc);
}

/* ------------------------------------------------------------------------------------------ */
/* A model with the constraints botocore's models lack                                         */
/* ------------------------------------------------------------------------------------------ */

static const char CUSTOM[] =
    "{\"version\":\"2.0\",\"metadata\":{\"apiVersion\":\"2024-01-01\",\"endpointPrefix\":\"gentest\","
    "\"protocol\":\"rest-json\",\"serviceId\":\"GenTest\",\"uid\":\"gentest-2024-01-01\"},"
    "\"operations\":{"
    "\"Put\":{\"name\":\"Put\",\"http\":{\"method\":\"PUT\",\"requestUri\":\"/things/{id}\"},\"input\":{\"shape\":\"PutIn\"}},"
    "\"Get\":{\"name\":\"Get\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/things/{id}/x?y=z\"},\"input\":{\"shape\":\"GetIn\"}},"
    "\"Blob\":{\"name\":\"Blob\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/blobs\"},\"input\":{\"shape\":\"BlobIn\"}}},"
    "\"shapes\":{"
    "\"PutIn\":{\"type\":\"structure\",\"required\":[\"id\",\"names\",\"choice\"],\"members\":{"
    "  \"id\":{\"shape\":\"Id\",\"location\":\"uri\",\"locationName\":\"id\"},"
    "  \"names\":{\"shape\":\"Names\"},\"choice\":{\"shape\":\"Choice\"},\"level\":{\"shape\":\"Level\"},"
    "  \"ratio\":{\"shape\":\"Ratio\"},\"weight\":{\"shape\":\"Weight\"},\"small\":{\"shape\":\"Small\"},"
    "  \"short\":{\"shape\":\"Short\"},\"big\":{\"shape\":\"Big\"},\"dec\":{\"shape\":\"Dec\"},"
    "  \"when\":{\"shape\":\"When\"},\"data\":{\"shape\":\"Data\"},\"tree\":{\"shape\":\"Tree\"},"
    "  \"labels\":{\"shape\":\"Labels\"},\"secret\":{\"shape\":\"Secret\"},\"code\":{\"shape\":\"Code\"},"
    "  \"flag\":{\"shape\":\"Flag\",\"location\":\"header\",\"locationName\":\"X-Flag\"},"
    "  \"count\":{\"shape\":\"Level\",\"location\":\"querystring\",\"locationName\":\"count\"},"
    "  \"ids\":{\"shape\":\"Names\",\"location\":\"querystring\",\"locationName\":\"ids\"},"
    "  \"meta\":{\"shape\":\"Meta\",\"location\":\"headers\",\"locationName\":\"x-meta-\"}}},"
    "\"GetIn\":{\"type\":\"structure\",\"required\":[\"id\"],\"members\":{"
    "  \"id\":{\"shape\":\"Id\",\"location\":\"uri\",\"locationName\":\"id\"},"
    "  \"q\":{\"shape\":\"QueryMap\",\"location\":\"querystring\"}}},"
    "\"BlobIn\":{\"type\":\"structure\",\"required\":[\"body\"],\"payload\":\"body\",\"members\":{"
    "  \"body\":{\"shape\":\"Data\"}}},"
    "\"Id\":{\"type\":\"string\",\"min\":3,\"max\":20,\"pattern\":\"^[a-z][a-z0-9-]*$\"},"
    "\"Names\":{\"type\":\"list\",\"member\":{\"shape\":\"Name\"},\"min\":1,\"max\":4,\"uniqueItems\":true},"
    "\"Name\":{\"type\":\"string\",\"min\":1,\"max\":8,\"pattern\":\"^(?!x)[\\\\p{L}\\\\d]+$\"},"
    "\"Choice\":{\"type\":\"structure\",\"union\":true,\"members\":{\"a\":{\"shape\":\"Level\"},\"b\":{\"shape\":\"Name\"},\"c\":{\"shape\":\"Flag\"}}},"
    "\"Level\":{\"type\":\"integer\",\"enum\":[1,2,4,8],\"min\":1,\"max\":8},"
    "\"Ratio\":{\"type\":\"double\",\"min\":0.5,\"max\":2.5},"
    "\"Weight\":{\"type\":\"float\",\"min\":-1.25,\"max\":1e10},"
    "\"Small\":{\"type\":\"byte\",\"min\":-5,\"max\":5},"
    "\"Short\":{\"type\":\"short\",\"min\":100},"
    "\"Big\":{\"type\":\"long\",\"max\":9000000000000000000},"
    "\"Dec\":{\"type\":\"bigDecimal\",\"min\":1},"
    "\"When\":{\"type\":\"timestamp\"},"
    "\"Data\":{\"type\":\"blob\",\"min\":2,\"max\":6},"
    "\"Flag\":{\"type\":\"boolean\"},"
    "\"Tree\":{\"type\":\"structure\",\"required\":[\"value\"],\"members\":{\"value\":{\"shape\":\"Name\"},\"kids\":{\"shape\":\"Trees\"}}},"
    "\"Trees\":{\"type\":\"list\",\"member\":{\"shape\":\"Tree\"},\"max\":2},"
    "\"Labels\":{\"type\":\"map\",\"key\":{\"shape\":\"Kind\"},\"value\":{\"shape\":\"Names\"},\"min\":1,\"max\":3},"
    "\"Kind\":{\"type\":\"string\",\"enum\":[\"red\",\"green\",\"blue\",\"gray\"]},"
    "\"Secret\":{\"type\":\"string\",\"sensitive\":true,\"min\":4,\"max\":12},"
    "\"Code\":{\"type\":\"string\",\"pattern\":\"^(AB|CD){2,3}-[0-9]{4}$\"},"
    "\"Meta\":{\"type\":\"map\",\"key\":{\"shape\":\"MetaKey\"},\"value\":{\"shape\":\"Name\"},\"max\":3},"
    "\"MetaKey\":{\"type\":\"string\",\"min\":1,\"max\":10},"
    "\"QueryMap\":{\"type\":\"map\",\"key\":{\"shape\":\"MetaKey\"},\"value\":{\"shape\":\"Name\"}}"
    "}}";

Test(gen, custom_model)
{
    awsval_model_opts mo = {.size = sizeof mo, .service = "gentest"};
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_buffer(CUSTOM, sizeof CUSTOM - 1, &mo, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_gen *g = awsval_gen_create(m, NULL, NULL);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL), *c2 = awsval_ctx_create(NULL, NULL);
    size_t made[NALL] = {0};
    for (size_t i = 0; i < awsval_model_operation_count(m); i++) {
        const char *op = awsval_model_operation_name(m, i);
        for (int http = 0; http < 2; http++)
            for (uint64_t seed = 0; seed < 40; seed++) {
                awsval_gen_opts o;
                awsval_gen_opts_init(&o);
                o.seed = seed;
                o.flags = http ? AWSVAL_GEN_HTTP : 0;
                o.optional_pct = 80;
                o.bound_pct = (uint32_t)(seed % 5) * 25;
                cr_assert_eq(run_one(g, c, c2, m, "gentest", op, &o, NULL), AWSVAL_OK, "%s seed %d valid", op, (int)seed);
                for (size_t k = 0; k < NALL; k++) {
                    o.fault = ALL_FAULTS[k];
                    if (run_one(g, c, c2, m, "gentest", op, &o, NULL) == AWSVAL_OK) made[k]++;
                }
            }
    }
    /* every model fault kind but documented (no overlay here) is made somewhere */
    for (size_t k = 0; k < NALL; k++)
        if (ALL_FAULTS[k] != AWSVAL_FAULT_DOCUMENTED)
            cr_assert_gt(made[k], 0, "no %s fault made", awsval_fault_name(ALL_FAULTS[k]));
    awsval_ctx_free(c);
    awsval_ctx_free(c2);
    awsval_gen_free(g);
    awsval_model_free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* Contracts                                                                                   */
/* ------------------------------------------------------------------------------------------ */

#define CREATE "CreateServiceNetworkServiceAssociation"

typedef struct fixture {
    awsval_model *m;
    awsval_gen *g;
    awsval_ctx *c;
} fixture;

static fixture lattice(void)
{
    fixture f;
    f.m = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    cr_assert_not_null(f.m);
    awsval_code rc;
    f.g = awsval_gen_create(f.m, NULL, &rc);
    cr_assert_eq(rc, AWSVAL_OK);
    f.c = awsval_ctx_create(NULL, NULL);
    return f;
}

static void fixture_free(fixture *f)
{
    awsval_ctx_free(f->c);
    awsval_gen_free(f->g);
    awsval_model_free(f->m);
}

Test(gen, deterministic)
{
    fixture f = lattice();
    bool differ = false;
    for (uint64_t seed = 0; seed < 30; seed++) {
        awsval_gen_opts o;
        awsval_gen_opts_init(&o);
        o.seed = seed;
        o.fault = seed % 2 ? AWSVAL_FAULT_ANY : AWSVAL_FAULT_NONE;
        o.flags = seed % 3 ? 0 : AWSVAL_GEN_HTTP;
        gen_out a = generate(f.g, f.c, "TagResource", &o), b = generate(f.g, f.c, "TagResource", &o);
        cr_assert_eq(a.rc, AWSVAL_OK);
        cr_assert_eq(a.len, b.len);
        cr_assert(memcmp(a.text, b.text, a.len) == 0, "seed %d: two inputs:\n%s\n%s", (int)seed, a.text, b.text);
        /* a new generator gives the same too (nothing depends on what it cached) */
        awsval_gen *g2 = awsval_gen_create(f.m, NULL, NULL);
        gen_out c3 = generate(g2, f.c, "TagResource", &o);
        cr_assert(c3.len == a.len && memcmp(c3.text, a.text, a.len) == 0);
        awsval_gen_free(g2);
        o.seed = seed + 1000;
        gen_out d = generate(f.g, f.c, "TagResource", &o);
        if (d.len != a.len || memcmp(d.text, a.text, a.len) != 0) differ = true;
        free(a.text);
        free(b.text);
        free(c3.text);
        free(d.text);
    }
    cr_assert(differ, "every seed gives the same input");
    fixture_free(&f);
}

Test(gen, need_contract)
{
    fixture f = lattice();
    awsval_gen_opts o;
    awsval_gen_opts_init(&o);
    o.seed = 7;
    size_t need = 0;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &o, NULL, 0, &need, NULL), AWSVAL_TOOSMALL);
    cr_assert_gt(need, 1);
    /* the context holds the answer to the whole input even when the buffer is too small */
    cr_assert_eq(awsval_ctx_violation_total(f.c), 0);
    awsval_rejection rej = {.size = sizeof rej};
    cr_assert_eq(awsval_ctx_rejection(f.c, &rej), AWSVAL_OK);
    char *full = malloc(need), *cut = malloc(need);
    size_t need2 = 0;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &o, full, need, &need2, NULL), AWSVAL_OK);
    cr_assert_eq(need2, need);
    cr_assert_eq(strlen(full), need - 1);
    memset(cut, 'X', need);
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &o, cut, need - 1, &need2, NULL), AWSVAL_TOOSMALL);
    cr_assert_eq(need2, need);
    cr_assert_eq(strlen(cut), need - 2, "a cut input is NUL-terminated within the buffer");
    cr_assert(memcmp(cut, full, need - 2) == 0);
    cut[0] = 'X';
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &o, cut, 1, NULL, NULL), AWSVAL_TOOSMALL);
    cr_assert_eq(cut[0], '\0');
    free(full);
    free(cut);
    fixture_free(&f);
}

Test(gen, bad_arguments)
{
    fixture f = lattice();
    char buf[64];
    size_t need = 99;
    awsval_gen_opts o;
    awsval_gen_opts_init(&o);
    cr_assert_eq(awsval_generate(NULL, f.c, CREATE, &o, buf, sizeof buf, &need, NULL), AWSVAL_BADARG);
    cr_assert_eq(need, 0);
    cr_assert_eq(awsval_generate(f.g, NULL, CREATE, &o, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    cr_assert_eq(awsval_generate(f.g, f.c, NULL, &o, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &o, NULL, 10, NULL, NULL), AWSVAL_BADARG);
    cr_assert_eq(awsval_generate(f.g, f.c, "NoSuchOperation", &o, buf, sizeof buf, NULL, NULL), AWSVAL_NOTFOUND);
    awsval_gen_opts bad;
    bad = o, bad.optional_pct = 101;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    bad = o, bad.list_min = 4, bad.list_max = 3;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    bad = o, bad.fault = 9; /* PARSE is no fault kind */
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    bad = o, bad.flags = 0x80;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    bad = o, bad.path = "tags";
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    bad = o, bad.size = 4;
    cr_assert_eq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    /* a caller built against a first version that ends at `fault`: the rest takes defaults */
    bad = o, bad.size = (uint32_t)(offsetof(awsval_gen_opts, fault) + sizeof bad.fault), bad.optional_pct = 999;
    cr_assert_neq(awsval_generate(f.g, f.c, CREATE, &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    cr_assert_null(awsval_gen_create(NULL, NULL, NULL));
    awsval_code rc = AWSVAL_OK;
    cr_assert_null(awsval_gen_create(NULL, NULL, &rc));
    cr_assert_eq(rc, AWSVAL_BADARG);
    awsval_gen_free(NULL);
    /* HTTP serves restJson1 and awsJson only */
    awsval_model_err err = {.size = sizeof err};
    awsval_model_opts mo = {.size = sizeof mo};
    static const char QUERY[] = "{\"metadata\":{\"protocol\":\"query\",\"apiVersion\":\"1\",\"endpointPrefix\":\"q\"},"
                                "\"operations\":{\"Op\":{\"name\":\"Op\",\"input\":{\"shape\":\"In\"}}},"
                                "\"shapes\":{\"In\":{\"type\":\"structure\",\"members\":{}}}}";
    awsval_model *qm = awsval_model_load_buffer(QUERY, sizeof QUERY - 1, &mo, &err);
    cr_assert_not_null(qm, "%s", err.message);
    awsval_gen *qg = awsval_gen_create(qm, NULL, NULL);
    bad = o, bad.flags = AWSVAL_GEN_HTTP;
    cr_assert_eq(awsval_generate(qg, f.c, "Op", &bad, buf, sizeof buf, NULL, NULL), AWSVAL_BADARG);
    cr_assert_eq(awsval_generate(qg, f.c, "Op", &o, buf, sizeof buf, NULL, NULL), AWSVAL_OK);
    cr_assert_str_eq(buf, "{}");
    awsval_gen_free(qg);
    awsval_model_free(qm);
    /* names */
    uint32_t k = 0;
    for (size_t i = 0; i < NALL; i++) {
        const char *name = awsval_fault_name(ALL_FAULTS[i]);
        cr_assert_not_null(name);
        cr_assert_eq(awsval_fault_find(name, &k), AWSVAL_OK);
        cr_assert_eq(k, ALL_FAULTS[i]);
    }
    cr_assert_str_eq(awsval_fault_name(AWSVAL_FAULT_NONE), "none");
    cr_assert_null(awsval_fault_name(9));
    cr_assert_null(awsval_fault_name(1000));
    cr_assert_eq(awsval_fault_find("nonsense", &k), AWSVAL_NOTFOUND);
    cr_assert_eq(awsval_fault_find(NULL, &k), AWSVAL_BADARG);
    cr_assert_str_eq(awsval_err_name(AWSVAL_NOGEN), "NOGEN");
    fixture_free(&f);
}

Test(gen, path)
{
    fixture f = lattice();
    awsval_ctx *c2 = awsval_ctx_create(NULL, NULL);
    /* the fault at or below the path; the members on the way are made */
    static const struct {
        const char *path;
        uint32_t fault;
    } cases[] = {
        {"/tags", AWSVAL_FAULT_LENGTH}, {"/tags", AWSVAL_FAULT_DOCUMENTED}, {"/tags/*", AWSVAL_FAULT_DOCUMENTED},
        {"/serviceIdentifier", AWSVAL_FAULT_PATTERN}, {"/serviceIdentifier", AWSVAL_FAULT_REQUIRED},
        {"/clientToken", AWSVAL_FAULT_LENGTH}, {"", AWSVAL_FAULT_ANY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (uint64_t seed = 0; seed < 10; seed++) {
            awsval_gen_opts o;
            awsval_gen_opts_init(&o);
            o.seed = seed;
            o.fault = cases[i].fault;
            o.path = cases[i].path;
            o.optional_pct = 0; /* members on the path are made all the same */
            gen_out r;
            cr_assert_eq(run_one(f.g, f.c, c2, f.m, "vpc-lattice", CREATE, &o, &r), AWSVAL_OK, "%s %s seed %d",
                         cases[i].path, awsval_fault_name(cases[i].fault), (int)seed);
            size_t pl = strlen(cases[i].path);
            const char *star = strchr(cases[i].path, '*');
            size_t cmp = star ? (size_t)(star - cases[i].path) : pl;
            cr_assert(strncmp(r.info.fault_at, cases[i].path, cmp) == 0 &&
                          (star || r.info.fault_at[pl] == '\0' || r.info.fault_at[pl] == '/'),
                      "fault at %s, not under %s", r.info.fault_at, cases[i].path);
            free(r.text);
        }
    /* no place for the fault under the path */
    awsval_gen_opts o;
    awsval_gen_opts_init(&o);
    o.fault = AWSVAL_FAULT_ENUM;
    o.path = "/serviceIdentifier";
    gen_out r = generate(f.g, f.c, CREATE, &o);
    cr_assert_eq(r.rc, AWSVAL_NOGEN);
    cr_assert_eq(r.info.why, AWSVAL_GEN_WHY_NOFAULT);
    cr_assert_str_eq(r.info.where, "/serviceIdentifier");
    cr_assert_eq(awsval_ctx_violation_total(f.c), 0);
    awsval_rejection rej = {.size = sizeof rej};
    cr_assert_eq(awsval_ctx_rejection(f.c, &rej), AWSVAL_NOCHECK, "no answer is left for an input not made");
    o.path = "/noSuchMember";
    o.fault = AWSVAL_FAULT_ANY;
    cr_assert_eq(generate(f.g, f.c, CREATE, &o).rc, AWSVAL_NOGEN);
    awsval_ctx_free(c2);
    fixture_free(&f);
}

/* Counts the members of the top-level object, and whether any string holds a byte >= 0x80 or
 * an astral character. */
static void scan_json(const char *text, size_t len, size_t *members, bool *nonascii, bool *astral)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    cr_assert_not_null(doc, "%s", je.text);
    *members = json_object_size(doc);
    json_decref(doc);
    *nonascii = *astral = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 0x80) *nonascii = true;
        if (ch >= 0xF0) *astral = true;
    }
}

Test(gen, options)
{
    fixture f = lattice();
    bool any_nonascii = false, any_astral = false;
    for (uint64_t seed = 0; seed < 20; seed++) {
        awsval_gen_opts o;
        awsval_gen_opts_init(&o);
        o.seed = seed;
        size_t members;
        bool na, as;
        /* no optional member; then every one */
        o.optional_pct = 0;
        gen_out r = generate(f.g, f.c, CREATE, &o);
        scan_json(r.text, r.len, &members, &na, &as);
        cr_assert_eq(members, 2, "%s", r.text); /* serviceIdentifier, serviceNetworkIdentifier */
        free(r.text);
        o.optional_pct = 100;
        o.nonascii_pct = 0;
        r = generate(f.g, f.c, CREATE, &o);
        scan_json(r.text, r.len, &members, &na, &as);
        cr_assert_eq(members, 4, "%s", r.text);
        cr_assert(!na, "nonascii_pct 0, yet: %s", r.text);
        free(r.text);
        o.nonascii_pct = 100;
        o.astral_pct = 100;
        r = generate(f.g, f.c, CREATE, &o);
        scan_json(r.text, r.len, &members, &na, &as);
        any_nonascii |= na;
        any_astral |= as;
        free(r.text);
    }
    cr_assert(any_nonascii && any_astral);
    /* list and map sizes: exactly 2 tags (TagMap allows 0..200) */
    for (uint64_t seed = 0; seed < 10; seed++) {
        awsval_gen_opts o;
        awsval_gen_opts_init(&o);
        o.seed = seed;
        o.list_min = o.list_max = 2;
        o.bound_pct = 0;
        gen_out r = generate(f.g, f.c, "TagResource", &o);
        json_t *doc = json_loadb(r.text, r.len, 0, NULL);
        cr_assert_eq(json_object_size(json_object_get(doc, "tags")), 2, "%s", r.text);
        json_decref(doc);
        free(r.text);
    }
    fixture_free(&f);
}

static size_t cps_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

Test(gen, bounds)
{
    /* with bound_pct 100 every length, size and number sits on a bound of its shape */
    awsval_model_opts mo = {.size = sizeof mo, .service = "gentest"};
    awsval_model *m = awsval_model_load_buffer(CUSTOM, sizeof CUSTOM - 1, &mo, NULL);
    awsval_gen *g = awsval_gen_create(m, NULL, NULL);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    size_t lows = 0, highs = 0;
    for (uint64_t seed = 0; seed < 40; seed++) {
        awsval_gen_opts o;
        awsval_gen_opts_init(&o);
        o.seed = seed;
        o.bound_pct = 100;
        o.optional_pct = 100;
        gen_out r = generate(g, c, "Put", &o);
        cr_assert_eq(r.rc, AWSVAL_OK);
        json_t *doc = json_loadb(r.text, r.len, 0, NULL);
        size_t id = cps_of(json_string_value(json_object_get(doc, "id")));
        cr_assert(id == 3 || id == 20, "id of %zu code points: %s", id, r.text);
        json_t *names = json_object_get(doc, "names");
        cr_assert(json_array_size(names) == 1 || json_array_size(names) == 4, "%s", r.text);
        size_t i;
        json_t *x;
        json_array_foreach(names, i, x) {
            size_t n = cps_of(json_string_value(x));
            cr_assert(n == 1 || n == 8, "a name of %zu code points: %s", n, r.text);
        }
        double ratio = json_number_value(json_object_get(doc, "ratio"));
        cr_assert(ratio == 0.5 || ratio == 2.5, "ratio %g", ratio);
        json_int_t small = json_integer_value(json_object_get(doc, "small"));
        cr_assert(small == -5 || small == 5, "small %lld", (long long)small);
        size_t b64 = strlen(json_string_value(json_object_get(doc, "data")));
        cr_assert(b64 == 4 || b64 == 8, "data of %zu base64 characters (2 or 6 bytes)", b64);
        lows += id == 3;
        highs += id == 20;
        json_decref(doc);
        free(r.text);
    }
    cr_assert(lows && highs);
    awsval_ctx_free(c);
    awsval_gen_free(g);
    awsval_model_free(m);
}

Test(gen, context_flags_and_limits)
{
    fixture f = lattice();
    /* unknown members are no fault for a context that ignores them */
    awsval_ctx_opts co = {.size = sizeof co, .flags = AWSVAL_CHECK_IGNORE_UNKNOWN};
    awsval_ctx *ci = awsval_ctx_create(&co, NULL);
    awsval_gen_opts o;
    awsval_gen_opts_init(&o);
    o.fault = AWSVAL_FAULT_UNKNOWN;
    cr_assert_eq(generate(f.g, ci, CREATE, &o).rc, AWSVAL_NOGEN);
    o.fault = AWSVAL_FAULT_DEPTH;
    gen_out r = generate(f.g, ci, CREATE, &o);
    cr_assert_eq(r.rc, AWSVAL_OK);
    free(r.text);
    awsval_ctx_free(ci);
    /* a shallow context: the depth fault nests one deeper than it */
    co.flags = 0;
    co.max_depth = 3;
    awsval_ctx *cd = awsval_ctx_create(&co, NULL), *c2 = awsval_ctx_create(&co, NULL);
    o.fault = AWSVAL_FAULT_DEPTH;
    cr_assert_eq(run_one(f.g, cd, c2, f.m, "vpc-lattice", CREATE, &o, NULL), AWSVAL_OK);
    awsval_ctx_free(cd);
    awsval_ctx_free(c2);
    /* a tiny max_size: nothing that large is made */
    co.max_depth = 0;
    co.max_size = 40;
    awsval_ctx *cs = awsval_ctx_create(&co, NULL);
    o.fault = AWSVAL_FAULT_NONE;
    r = generate(f.g, cs, CREATE, &o);
    cr_assert_eq(r.rc, AWSVAL_NOGEN);
    cr_assert(r.info.why & AWSVAL_GEN_WHY_SIZE, "why %x", r.info.why);
    awsval_ctx_free(cs);
    fixture_free(&f);
}

Test(gen, pattern_search_mode)
{
    awsval_model_opts mo = {.size = sizeof mo, .flags = AWSVAL_MODEL_PATTERN_SEARCH};
    awsval_model *m = awsval_model_load_builtin("vpc-lattice", &mo, NULL);
    awsval_gen *g = awsval_gen_create(m, NULL, NULL);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL), *c2 = awsval_ctx_create(NULL, NULL);
    size_t made = 0;
    for (uint64_t seed = 0; seed < 30; seed++) {
        awsval_gen_opts o;
        awsval_gen_opts_init(&o);
        o.seed = seed;
        cr_assert_eq(run_one(g, c, c2, m, "vpc-lattice", CREATE, &o, NULL), AWSVAL_OK);
        o.fault = AWSVAL_FAULT_PATTERN;
        made += run_one(g, c, c2, m, "vpc-lattice", CREATE, &o, NULL) == AWSVAL_OK;
    }
    cr_assert_gt(made, 0);
    awsval_ctx_free(c);
    awsval_ctx_free(c2);
    awsval_gen_free(g);
    awsval_model_free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* The command line                                                                            */
/* ------------------------------------------------------------------------------------------ */

#ifdef AWSVAL_CLI
/* Runs a shell command line; returns its exit status and its standard output. */
static int sh(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 4096) buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (out) *out = buf;
    else free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(gen, cli_batch_agrees)
{
    char tmpl[] = "/tmp/awsval_gen_XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    char cmd[2048], *out = NULL;
    /* 1000 valid inputs: `awsval batch` finds every one valid */
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --count 1000 > %s/v.jsonl && %s batch %s/v.jsonl",
             AWSVAL_CLI, tmpl, AWSVAL_CLI, tmpl);
    cr_assert_eq(sh(cmd, &out), 0);
    size_t lines = 0;
    for (char *p = out; (p = strstr(p, "\"valid\":true")) != NULL; p++) lines++;
    cr_assert_eq(lines, 1000);
    free(out);
    /* faults of any kind: batch answers each exactly as its "expect" says */
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --count 300 --fault any --seed 77 > %s/f.jsonl", AWSVAL_CLI,
             tmpl);
    cr_assert_eq(sh(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s batch %s/f.jsonl", AWSVAL_CLI, tmpl);
    cr_assert_eq(sh(cmd, &out), 1);
    snprintf(cmd, sizeof cmd, "%s/f.jsonl", tmpl);
    FILE *gf = fopen(cmd, "r");
    char *line = NULL, *save = NULL;
    size_t cap = 0;
    char *bl = strtok_r(out, "\n", &save);
    size_t n = 0;
    while (getline(&line, &cap, gf) > 0) {
        cr_assert_not_null(bl);
        json_t *g = json_loads(line, 0, NULL), *b = json_loads(bl, 0, NULL);
        cr_assert(g && b);
        json_t *want = json_object_get(json_object_get(g, "expect"), "violations"), *got = json_object_get(b, "failures");
        cr_assert_eq(json_array_size(want), 1);
        cr_assert_eq(json_array_size(got), 1, "%s", bl);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(want, 0), "path")),
                         json_string_value(json_object_get(json_array_get(got, 0), "path")));
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(want, 0), "constraint")),
                         json_string_value(json_object_get(json_array_get(got, 0), "constraint")));
        cr_assert(json_is_false(json_object_get(b, "valid")));
        json_decref(g);
        json_decref(b);
        bl = strtok_r(NULL, "\n", &save);
        n++;
    }
    cr_assert_eq(n, 300);
    fclose(gf);
    free(line);
    free(out);
    /* HTTP: each request, given to `awsval http`, gets the status its line expects */
    snprintf(cmd, sizeof cmd, "%s gen apprunner CreateService --count 20 --fault any --format http > %s/h.jsonl",
             AWSVAL_CLI, tmpl);
    cr_assert_eq(sh(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/h.jsonl", tmpl);
    gf = fopen(cmd, "r");
    line = NULL;
    n = 0;
    while (getline(&line, &cap, gf) > 0) {
        json_t *g = json_loads(line, 0, NULL);
        const char *req = json_string_value(json_object_get(g, "http"));
        cr_assert_not_null(req);
        char path[512];
        snprintf(path, sizeof path, "%s/req", tmpl);
        FILE *rf = fopen(path, "wb");
        fwrite(req, 1, strlen(req), rf);
        fclose(rf);
        snprintf(cmd, sizeof cmd, "%s http apprunner %s", AWSVAL_CLI, path);
        char *resp = NULL;
        int st = sh(cmd, &resp);
        int status = (int)json_integer_value(json_object_get(json_object_get(g, "expect"), "status"));
        cr_assert_eq(st, status ? 1 : 0);
        char want[32];
        snprintf(want, sizeof want, "HTTP/1.1 %d ", status);
        cr_assert(strncmp(resp, want, strlen(want)) == 0, "%s", resp);
        free(resp);
        json_decref(g);
        n++;
    }
    cr_assert_eq(n, 20);
    fclose(gf);
    free(line);
    /* usage errors */
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --fault nonsense 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --count 0 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --format native 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s check vpc-lattice " CREATE " --format http </dev/null 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice NoSuchOp 2>/dev/null", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, NULL), 2);
    /* nothing to put the fault in: exit 1, the reason on standard error */
    snprintf(cmd, sizeof cmd, "%s gen vpc-lattice " CREATE " --fault enum --path /serviceIdentifier 2>&1 >/dev/null",
             AWSVAL_CLI);
    cr_assert_eq(sh(cmd, &out), 1);
    cr_assert(strstr(out, "cannot generate") != NULL, "%s", out);
    free(out);
    /* a line again from its seed */
    snprintf(cmd, sizeof cmd, "%s gen apprunner ListServices --count 5 --seed 10 | tail -1", AWSVAL_CLI);
    char *a = NULL, *b = NULL;
    cr_assert_eq(sh(cmd, &a), 0);
    snprintf(cmd, sizeof cmd, "%s gen apprunner ListServices --seed 14", AWSVAL_CLI);
    cr_assert_eq(sh(cmd, &b), 0);
    cr_assert_str_eq(strstr(a, "\"seed\""), strstr(b, "\"seed\""));
    free(a);
    free(b);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    cr_assert_eq(system(cmd), 0);
}
#endif
