/* awsval benchmark: ns per check and checks per second, from JSON bytes to result, on one core.
 *
 * Inputs are generated deterministically here (no data files to drift). Every case also counts
 * heap allocations through the context's allocator hook after warm-up: the steady state must
 * allocate nothing. A checksum of the verdicts catches a faster build that answers differently.
 *
 *   awsval_bench [--seconds S] [--case NAME] [--json FILE]
 *   awsval_bench --iterations N [--case NAME]
 *
 * With --iterations, each case runs exactly N times after its warm-up and nothing is timed or
 * compiled: the mode for counting instructions under callgrind (bench/callgrind.sh), where a
 * figure does not depend on the machine's other load.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval.h"
#include "bench_common.h"

/* Appends a code point of the cycle a, é, 日, 𠀀 (1, 2, 3 and 4 UTF-8 bytes; all letters). */
static size_t put_mixed(char *p, int i)
{
    static const char *const chars[] = {"a", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\xA0\x80\x80"};
    const char *c = chars[i % 4];
    size_t n = strlen(c);
    memcpy(p, c, n);
    return n;
}

/* 200 tags, keys of 128 and values of 256 code points of mixed 1-4-byte UTF-8. */
static char *max_tags(size_t *len)
{
    size_t cap = 400000;
    char *b = malloc(cap), *p = b;
    p += sprintf(p, "{\"serviceIdentifier\":\"svc-0123456789abcdefg\","
                    "\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
                    "\"clientToken\":\"5e8d1c9a-0f1b-4d5e-9c3a-2b7f4e6d8a10\",\"tags\":{");
    for (int t = 0; t < 200; t++) {
        if (t) *p++ = ',';
        *p++ = '"';
        p += sprintf(p, "%03d", t); /* unique keys */
        for (int i = 3; i < 128; i++) p += put_mixed(p, i + t);
        *p++ = '"';
        *p++ = ':';
        *p++ = '"';
        for (int i = 0; i < 256; i++) p += put_mixed(p, i * 7 + t);
        *p++ = '"';
    }
    p += sprintf(p, "}}");
    *len = (size_t)(p - b);
    return b;
}

typedef struct bcase {
    const char *name, *service, *operation; /* operation NULL: an HTTP request */
    char *input;
    size_t len;
    awsval_code expect;
    const awsval_http_request *http;
} bcase;

static const awsval_http_header json_headers[] = {
    {"Host", 4, "vpc-lattice.us-west-2.amazonaws.com", 35},
    {"Content-Type", 12, "application/json", 16},
    {"X-Amz-Date", 10, "20261122T000000Z", 16},
};
static const awsval_http_header apprunner_headers[] = {
    {"Host", 4, "apprunner.us-east-1.amazonaws.com", 33},
    {"Content-Type", 12, "application/x-amz-json-1.0", 26},
    {"X-Amz-Target", 12, "AppRunner.DeleteVpcIngressConnection", 36},
};

static awsval_code run_case(awsval_ctx *ctx, const awsval_model *m, const bcase *b)
{
    return b->http ? awsval_check_http(ctx, m, b->http) : awsval_check(ctx, m, b->operation, b->input, b->len);
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    unsigned long fixed = 0;
    bool list = false;
    const char *json_out = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) only = argv[++i];
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) json_out = argv[++i];
        else if (strcmp(argv[i], "--list") == 0) list = true;
        else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) fixed = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: awsval_bench [--seconds S] [--case NAME] [--json FILE] [--iterations N] [--list]\n");
            return 2;
        }
    }
    static const char typical[] =
        "{\"serviceIdentifier\":\"svc-0123456789abcdefg\","
        "\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
        "\"clientToken\":\"5e8d1c9a-0f1b-4d5e-9c3a-2b7f4e6d8a10\","
        "\"tags\":{\"Environment\":\"production\",\"Team\":\"payments\",\"CostCenter\":\"cc-1234\"}}";
    static const char del[] = "{\"serviceNetworkServiceAssociationIdentifier\":\"snsa-0123456789abcdefg\"}";
    static const char ar_del[] =
        "{\"VpcIngressConnectionArn\":\"arn:aws:apprunner:us-east-1:123456789012:"
        "vpcingressconnection/my-connection/0123456789abcdef0123456789abcdef\"}";
    static const char invalid[] =
        "{\"serviceIdentifier\":\"svc-BAD\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
        "\"tags\":{\"aws:reserved\":\"x\"}}";
    size_t big_len;
    char *big = max_tags(&big_len);
    static const char del_target[] =
        "/servicenetworkserviceassociations/arn%3Aaws%3Avpc-lattice%3Aus-west-2%3A123456789012%3A"
        "servicenetworkserviceassociation%2Fsnsa-0123456789abcdefg";
    const awsval_http_request http_create = {sizeof http_create, "POST", 4,
        "/servicenetworkserviceassociations", 34, json_headers, 3, typical, sizeof typical - 1};
    const awsval_http_request http_delete = {sizeof http_delete, "DELETE", 6, del_target,
        sizeof del_target - 1, json_headers, 1, NULL, 0};
    const awsval_http_request http_apprunner = {sizeof http_apprunner, "POST", 4, "/", 1,
        apprunner_headers, 3, ar_del, sizeof ar_del - 1};
    bcase cases[] = {
        {"create_typical", "vpc-lattice", "CreateServiceNetworkServiceAssociation", (char *)typical,
         sizeof typical - 1, AWSVAL_OK, NULL},
        {"create_200_max_tags", "vpc-lattice", "CreateServiceNetworkServiceAssociation", big,
         big_len, AWSVAL_OK, NULL},
        {"delete_lattice", "vpc-lattice", "DeleteServiceNetworkServiceAssociation", (char *)del,
         sizeof del - 1, AWSVAL_OK, NULL},
        {"delete_apprunner", "apprunner", "DeleteVpcIngressConnection", (char *)ar_del,
         sizeof ar_del - 1, AWSVAL_OK, NULL},
        {"create_invalid", "vpc-lattice", "CreateServiceNetworkServiceAssociation", (char *)invalid,
         sizeof invalid - 1, AWSVAL_INVALID, NULL},
        {"http_create_typical", "vpc-lattice", NULL, (char *)typical, sizeof typical - 1, AWSVAL_OK, &http_create},
        {"http_delete_arn_label", "vpc-lattice", NULL, (char *)del_target, sizeof del_target - 1, AWSVAL_OK, &http_delete},
        {"http_delete_apprunner", "apprunner", NULL, (char *)ar_del, sizeof ar_del - 1, AWSVAL_OK, &http_apprunner},
    };
    size_t ncases = sizeof cases / sizeof *cases;
    if (list) {
        for (size_t k = 0; k < ncases; k++) puts(cases[k].name);
        free(big);
        return 0;
    }
    awsval_ctx_opts co = {.size = sizeof co, .alc = &bench_alc};
    awsval_ctx *ctx = awsval_ctx_create(&co, NULL);
    awsval_model *lattice = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    awsval_model *apprunner = awsval_model_load_builtin("apprunner", NULL, NULL);
    if (!ctx || !lattice || !apprunner) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    /* Compile time, separately from checking: each built-in model, parsed, compiled, freed. */
    for (size_t i = 0; !fixed && i < awsval_builtin_count(); i++) {
        const char *svc = awsval_builtin_name(i);
        int reps = 0;
        double t0 = now(), t1;
        do {
            awsval_model_free(awsval_model_load_builtin(svc, NULL, NULL));
            reps++;
            t1 = now();
        } while (t1 - t0 < seconds / 4 || reps < 3);
        printf("model %-12s load+compile %8.3f ms\n", svc, (t1 - t0) * 1e3 / reps);
    }
    FILE *jf = json_out ? fopen(json_out, "w") : NULL;
    if (jf) fprintf(jf, "[");
    printf("awsval %s benchmark, %.1f s per case, one core\n", awsval_version_string(), seconds);
    printf("%-3s %-22s %9s %12s %14s %12s %s\n", "#", "case", "bytes", "ns/check", "checks/s",
           "MB/s", "allocs/check");
    unsigned long checksum = 0;
    int failures = 0;
    for (size_t k = 0; k < ncases; k++) {
        bcase *b = &cases[k];
        if (only && strcmp(only, b->name) != 0) continue;
        awsval_model *m = strcmp(b->service, "apprunner") == 0 ? apprunner : lattice;
        awsval_code rc = run_case(ctx, m, b);
        /* The verdict and violation count, once per case: stable whatever the speed. */
        checksum = checksum * 31 + rc * 1000003u + awsval_ctx_violation_total(ctx);
        if (rc != b->expect) {
            fprintf(stderr, "%s: expected %s, got %s\n", b->name, awsval_err_name(b->expect),
                    awsval_err_name(rc));
            failures++;
        }
        /* Warm up, then measure in batches until the time is up. */
        for (int i = 0; i < (fixed ? 10 : 1000); i++) run_case(ctx, m, b);
        allocs = 0;
        if (fixed) {
            for (unsigned long i = 0; i < fixed; i++) run_case(ctx, m, b);
            printf("%-3zu %-22s %9zu %lu checks, %.3f allocs/check\n", k + 1, b->name, b->len, fixed,
                   (double)allocs / (double)fixed);
            if (allocs) failures++;
            continue;
        }
        unsigned long iters = 0;
        double t0 = now(), t1;
        unsigned long batch = b->len > 10000 ? 16 : 4096;
        do {
            for (unsigned long i = 0; i < batch; i++)
                run_case(ctx, m, b);
            iters += batch;
            t1 = now();
        } while (t1 - t0 < seconds);
        double ns = (t1 - t0) * 1e9 / (double)iters;
        printf("%-3zu %-22s %9zu %12.1f %14.0f %12.1f %.3f\n", k + 1, b->name, b->len, ns, 1e9 / ns,
               (double)b->len / ns * 1e3, (double)allocs / (double)iters);
        if (jf)
            fprintf(jf, "%s{\"case\":\"%s\",\"bytes\":%zu,\"ns_per_check\":%.1f,\"allocs_per_check\":%.3f}",
                    k ? "," : "", b->name, b->len, ns, (double)allocs / (double)iters);
        if (allocs) failures++;
    }
    printf("TOTAL %zu cases, checksum %08lx, %s\n", ncases, checksum & 0xffffffffUL,
           failures ? "FAILED (wrong verdict or steady-state allocation)" : "ok: zero allocations per check");
    if (jf) {
        fprintf(jf, "]\n");
        fclose(jf);
    }
    awsval_ctx_free(ctx);
    awsval_model_free(lattice);
    awsval_model_free(apprunner);
    free(big);
    return failures ? 1 : 0;
}
