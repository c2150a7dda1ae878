/* Adversarial inputs: the worst-case cost per input byte against the typical case.
 *
 * Each case is about 1 MiB (the default size limit) of input built to be expensive: the deepest
 * nesting allowed, one huge string, escapes everywhere, the most keys that fit, long digit runs
 * against a catastrophically backtracking pattern (^([0-9]+)+$, bounded by the match limit),
 * and invalid input found at the very end. The typical case is the 200 max-length tags request
 * (~190 KB). Prints ns per byte for each and the worst/typical ratio.
 *
 *   awsval_adversarial [--seconds S] [--case TEXT]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval.h"

#define SIZE (1u << 20) /* the default max_size */

static const char model_json[] =
    "{\"metadata\":{\"protocol\":\"rest-json\",\"endpointPrefix\":\"adv\",\"apiVersion\":\"1\"},"
    "\"operations\":{\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/\"},"
    "\"input\":{\"shape\":\"In\"}}},\"shapes\":{"
    "\"In\":{\"type\":\"structure\",\"members\":{\"evil\":{\"shape\":\"Evil\"},\"text\":{\"shape\":\"Text\"},"
    "\"any\":{\"shape\":\"Map\"},\"evils\":{\"shape\":\"EvilList\"}}},"
    "\"Evil\":{\"type\":\"string\",\"pattern\":\"^([0-9]+)+$\"},"
    "\"Text\":{\"type\":\"string\",\"max\":2000000,\"pattern\":\"[\\\\p{L}\\\\p{N}\\\\s]*\"},"
    "\"Map\":{\"type\":\"map\",\"key\":{\"shape\":\"Key\"},\"value\":{\"shape\":\"Text\"}},"
    "\"Key\":{\"type\":\"string\",\"min\":1,\"max\":128},"
    "\"EvilList\":{\"type\":\"list\",\"member\":{\"shape\":\"Evil\"}}}}";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct acase {
    const char *name;
    char *buf;
    size_t len;
} acase;

/* Fills b with prefix, then `unit` repeated while it fits below SIZE - reserve, then suffix. */
static size_t build(char *b, const char *prefix, const char *unit, const char *suffix, size_t reserve)
{
    size_t n = strlen(prefix), u = strlen(unit), s = strlen(suffix);
    memcpy(b, prefix, n);
    while (n + u + s + reserve < SIZE) {
        memcpy(b + n, unit, u);
        n += u;
    }
    memcpy(b + n, suffix, s);
    return n + s;
}

static double measure(awsval_ctx *ctx, const awsval_model *m, const char *op, const acase *c,
                      double seconds, awsval_code *rc)
{
    *rc = awsval_check(ctx, m, op, c->buf, c->len);
    unsigned long iters = 0;
    double t0 = now(), t1;
    do {
        awsval_check(ctx, m, op, c->buf, c->len);
        iters++;
        t1 = now();
    } while (t1 - t0 < seconds);
    return (t1 - t0) * 1e9 / (double)iters / (double)c->len;
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) only = argv[++i];
    }
    awsval_model_err err = {.size = sizeof err};
    awsval_model *adv = awsval_model_load_buffer(model_json, sizeof model_json - 1, NULL, &err);
    awsval_model *lattice = awsval_model_load_builtin("vpc-lattice", NULL, &err);
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    if (!adv || !lattice || !ctx) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }

    /* The typical case: 200 tags of 128 + 256 letters of 1-4 UTF-8 bytes. */
    static const char *const letters[] = {"a", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\xA0\x80\x80"};
    char *typ = malloc(SIZE), *p = typ;
    p += sprintf(p, "{\"serviceIdentifier\":\"svc-0123456789abcdefg\",\"serviceNetworkIdentifier\":"
                    "\"sn-0123456789abcdefg\",\"tags\":{");
    for (int t = 0; t < 200; t++) {
        p += sprintf(p, "%s\"%03d", t ? "," : "", t);
        for (int i = 3; i < 128; i++) p += sprintf(p, "%s", letters[(i + t) % 4]);
        p += sprintf(p, "\":\"");
        for (int i = 0; i < 256; i++) p += sprintf(p, "%s", letters[(i * 7 + t) % 4]);
        *p++ = '"';
    }
    p += sprintf(p, "}}");
    acase typical = {"typical: 200 max tags", typ, (size_t)(p - typ)};

    acase cases[7];
    size_t nc = 0;
    char *b;
    /* The deepest nesting allowed (64 levels, each an object with a key), repeated. */
    b = malloc(SIZE);
    {
        char unit[1024], *u = unit;
        for (int i = 0; i < 62; i++) u += sprintf(u, "{\"k\":");
        u += sprintf(u, "1");
        for (int i = 0; i < 62; i++) *u++ = '}';
        *u++ = ',';
        *u = '\0';
        /* Unknown members are scanned untyped: the nesting itself is the cost. */
        cases[nc++] = (acase){"deepest nesting (64)", b, build(b, "{\"deep\":[", unit, "1]}", 8)};
    }
    b = malloc(SIZE);
    cases[nc++] = (acase){"one 1 MiB string", b, build(b, "{\"text\":\"", "abcdefgh", "\"}", 0)};
    b = malloc(SIZE);
    cases[nc++] = (acase){"escapes everywhere", b, build(b, "{\"text\":\"", "\\u00e9\\n\\ud83d\\ude00", "\"}", 0)};
    b = malloc(SIZE);
    {
        /* As many distinct keys as fit: "k00000":"" ... */
        char *q = b;
        q += sprintf(q, "{\"any\":{");
        for (unsigned i = 0; (size_t)(q - b) + 32 < SIZE; i++) q += sprintf(q, "%s\"%x\":\"\"", i ? "," : "", i);
        q += sprintf(q, "}}");
        cases[nc++] = (acase){"maximal key count", b, (size_t)(q - b)};
    }
    b = malloc(SIZE);
    cases[nc++] = (acase){"^([0-9]+)+$ on digits!", b, build(b, "{\"evil\":\"", "0000000000", "!\"}", 0)};
    b = malloc(SIZE);
    {
        /* Many short evil values: the match limit per value, many times over. */
        char *q = b;
        q += sprintf(q, "{\"evils\":[");
        size_t n = build(q, "", "\"00000000000000000000000000000000!\",", "\"0\"]}", (size_t)(q - b));
        cases[nc++] = (acase){"evil pattern x many", b, (size_t)(q - b) + n};
    }
    b = malloc(SIZE);
    cases[nc++] = (acase){"invalid at the last byte", b, build(b, "{\"text\":\"", "abcdefgh", "\"}}", 0)};

    awsval_code rc;
    double base = measure(ctx, lattice, "CreateServiceNetworkServiceAssociation", &typical, seconds, &rc);
    printf("awsval %s adversarial benchmark (%.1f s per case, one core)\n", awsval_version_string(), seconds);
    printf("%-28s %9s %10s %8s  %s\n", "case", "bytes", "ns/byte", "x typ", "verdict");
    printf("%-28s %9zu %10.2f %8.2f  %s\n", typical.name, typical.len, base, 1.0, awsval_err_name(rc));
    double worst = 0;
    const char *worst_name = "";
    for (size_t i = 0; i < nc; i++) {
        if (only && !strstr(cases[i].name, only)) {
            free(cases[i].buf);
            continue;
        }
        double nsb = measure(ctx, adv, "Op", &cases[i], seconds, &rc);
        const char *why = "";
        if (rc == AWSVAL_INVALID && awsval_ctx_violation_count(ctx)) {
            awsval_violation v = {.size = sizeof v};
            awsval_ctx_violation(ctx, 0, &v);
            why = awsval_kind_name(v.kind);
        }
        printf("%-28s %9zu %10.2f %8.2f  %s %s\n", cases[i].name, cases[i].len, nsb, nsb / base,
               awsval_err_name(rc), why);
        if (nsb > worst) {
            worst = nsb;
            worst_name = cases[i].name;
        }
        free(cases[i].buf);
    }
    printf("WORST %s: %.2f ns/byte, %.2fx the typical %.2f ns/byte\n", worst_name, worst, worst / base, base);
    free(typ);
    awsval_ctx_free(ctx);
    awsval_model_free(adv);
    awsval_model_free(lattice);
    return 0;
}
