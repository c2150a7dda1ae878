/* awsval corpus benchmark: every operation of the built-in services, valid and invalid requests,
 * checked as a whole corpus (each pass goes through all of them in order: no single input stays
 * hot in a loop), and the cost of writing the service's answer to the invalid ones.
 *
 * The corpus is generated here by awsval_generate from fixed seeds, so it is the same on every
 * machine and needs no data file: per operation and seed, four valid requests (required members
 * only and short values; every member at the bounds of its lengths, sizes and ranges; the
 * generator's defaults; 90 % of the characters outside ASCII, a third of those outside the BMP)
 * and one invalid request per fault kind the operation admits (a required member left out, a
 * wrong type, a length, pattern, enum or range broken, two union members, an unknown member, a
 * repeated uniqueItems item, a documented rule broken), each with exactly one violation. The
 * generator checks every request it writes; a request whose answer is not the intended one
 * fails the benchmark.
 *
 *   awsval_corpus [--seconds S] [--seeds N] [--write FILE]
 *   awsval_corpus --iterations N [--seeds N] [--set valid|invalid|render]
 *
 * --write saves the corpus as JSON lines {"service","operation","params","valid"} (the input of
 * `awsval batch`). --iterations runs each set N times untimed, for bench/callgrind.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval.h"
#include "bench_common.h"

typedef struct req {
    const awsval_model *m;
    const char *op;
    char *json;
    size_t len;
    uint32_t fault;
} req;

typedef struct corpus {
    req *r;
    size_t n, cap, bytes;
} corpus;

typedef struct bset {
    const char *name;
    const corpus *c;
    bool render;
} bset;

static void push(corpus *c, req r)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->r = realloc(c->r, c->cap * sizeof *c->r);
        if (!c->r) abort();
    }
    c->r[c->n++] = r;
    c->bytes += r.len;
}

/* Generates one request; false when the operation admits no such input (NOGEN). */
static bool gen_one(awsval_gen *g, awsval_ctx *ctx, const awsval_model *m, const char *op,
                    const awsval_gen_opts *o, corpus *out, int *bad)
{
    awsval_gen_info info = {.size = sizeof info};
    size_t need = 0;
    awsval_code rc = awsval_generate(g, ctx, op, o, NULL, 0, &need, &info);
    if (rc == AWSVAL_NOGEN) return false;
    if (rc != AWSVAL_TOOSMALL && rc != AWSVAL_OK) {
        fprintf(stderr, "%s %s: %s\n", awsval_model_service(m), op, awsval_err_name(rc));
        (*bad)++;
        return false;
    }
    char *buf = malloc(need);
    if (!buf) abort();
    rc = awsval_generate(g, ctx, op, o, buf, need, NULL, &info);
    if (rc != AWSVAL_OK || (info.flags & AWSVAL_GEN_INFO_DIFFERS)) {
        fprintf(stderr, "%s %s (fault %u, seed %llu): %s%s\n", awsval_model_service(m), op, o->fault,
                (unsigned long long)o->seed, awsval_err_name(rc),
                info.flags & AWSVAL_GEN_INFO_DIFFERS ? ", answer not the intended one" : "");
        (*bad)++;
        free(buf);
        return false;
    }
    push(out, (req){m, op, buf, need - 1, o->fault});
    return true;
}

static const uint32_t faults[] = {AWSVAL_FAULT_REQUIRED, AWSVAL_FAULT_TYPE,    AWSVAL_FAULT_LENGTH,
                                  AWSVAL_FAULT_PATTERN,  AWSVAL_FAULT_ENUM,    AWSVAL_FAULT_RANGE,
                                  AWSVAL_FAULT_UNION,    AWSVAL_FAULT_UNKNOWN, AWSVAL_FAULT_UNIQUE,
                                  AWSVAL_FAULT_DOCUMENTED};

#define VARIANTS 4
static const char *const variant_names[VARIANTS] = {"valid: required only, short values", "valid: at the bounds",
                                                    "valid: the generator's defaults", "valid: Unicode-heavy"};

static int build(awsval_ctx *ctx, awsval_model *const *models, size_t nm, unsigned seeds,
                 corpus *valid, corpus *invalid)
{
    int bad = 0;
    for (size_t k = 0; k < nm; k++) {
        awsval_gen *g = awsval_gen_create(models[k], NULL, NULL);
        if (!g) abort();
        for (size_t i = 0; i < awsval_model_operation_count(models[k]); i++) {
            const char *op = awsval_model_operation_name(models[k], i);
            for (unsigned s = 0; s < seeds; s++) {
                awsval_gen_opts o;
                for (int v = 0; v < VARIANTS; v++) {
                    awsval_gen_opts_init(&o);
                    o.seed = 1000003u * s + (uint64_t)v;
                    if (v == 0) { /* minimal */
                        o.optional_pct = 0;
                        o.bound_pct = 0;
                        o.max_length = 8;
                    } else if (v == 1) { /* at the bounds */
                        o.optional_pct = 100;
                        o.bound_pct = 100;
                        o.list_max = 8;
                    } else if (v == 3) { /* Unicode-heavy */
                        o.nonascii_pct = 90;
                        o.astral_pct = 33;
                    }
                    gen_one(g, ctx, models[k], op, &o, &valid[v], &bad);
                }
                for (size_t f = 0; f < sizeof faults / sizeof *faults; f++) {
                    awsval_gen_opts_init(&o);
                    o.seed = 7919u * s + f;
                    o.fault = faults[f];
                    gen_one(g, ctx, models[k], op, &o, invalid, &bad);
                }
            }
        }
        awsval_gen_free(g);
    }
    return bad;
}

/* One pass over the corpus; returns the number of invalid verdicts. */
static size_t pass(awsval_ctx *ctx, const corpus *c, bool render, char *out, size_t cap)
{
    size_t invalid = 0;
    for (size_t i = 0; i < c->n; i++) {
        const req *r = &c->r[i];
        if (awsval_check(ctx, r->m, r->op, r->json, r->len) == AWSVAL_INVALID) {
            invalid++;
            if (render) awsval_render(ctx, AWSVAL_REPORT_NATIVE, out, cap, NULL);
        }
    }
    return invalid;
}

/* Passes over the corpus until `seconds` are up; returns ns per request. */
static double timed(awsval_ctx *ctx, const corpus *c, bool render, double seconds, char *out,
                    size_t cap, unsigned long *passes)
{
    unsigned long k = 0;
    double t0 = now(), t1;
    do {
        pass(ctx, c, render, out, cap);
        k++;
        t1 = now();
    } while (t1 - t0 < seconds);
    *passes = k;
    return (t1 - t0) * 1e9 / ((double)k * (double)c->n);
}

static void write_corpus(FILE *f, const corpus *c, bool valid)
{
    for (size_t i = 0; i < c->n; i++)
        fprintf(f, "{\"service\":\"%s\",\"operation\":\"%s\",\"valid\":%s,\"params\":%s}\n",
                awsval_model_service(c->r[i].m), c->r[i].op, valid ? "true" : "false", c->r[i].json);
}

int main(int argc, char **argv)
{
    double seconds = 1.0;
    unsigned seeds = 4;
    unsigned long fixed = 0;
    const char *write = NULL, *set = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) seeds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc) write = argv[++i];
        else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) fixed = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) set = argv[++i];
        else {
            fprintf(stderr, "usage: awsval_corpus [--seconds S] [--seeds N] [--write FILE]\n"
                            "       awsval_corpus --iterations N [--seeds N] [--set valid|invalid|render]\n");
            return 2;
        }
    }
    awsval_ctx_opts co = {.size = sizeof co, .alc = &bench_alc};
    awsval_ctx *ctx = awsval_ctx_create(&co, NULL);
    size_t nm = awsval_builtin_count();
    awsval_model **models = calloc(nm, sizeof *models);
    if (!ctx || !models) return 1;
    for (size_t i = 0; i < nm; i++)
        if (!(models[i] = awsval_model_load_builtin(awsval_builtin_name(i), NULL, NULL))) return 1;
    corpus variant[VARIANTS] = {{0}}, valid = {0}, invalid = {0};
    int bad = build(ctx, models, nm, seeds, variant, &invalid);
    for (int v = 0; v < VARIANTS; v++)
        for (size_t i = 0; i < variant[v].n; i++) push(&valid, variant[v].r[i]);
    if (write) {
        FILE *f = fopen(write, "w");
        if (!f) {
            perror(write);
            return 1;
        }
        write_corpus(f, &valid, true);
        write_corpus(f, &invalid, false);
        fclose(f);
    }
    static char out[1 << 20];
    /* Every verdict as generated: the valid set passes, each invalid request fails. */
    size_t got_invalid = pass(ctx, &valid, false, out, sizeof out) + pass(ctx, &invalid, false, out, sizeof out);
    if (got_invalid != invalid.n) {
        fprintf(stderr, "verdicts: %zu invalid, want %zu\n", got_invalid, invalid.n);
        bad++;
    }
    if (fixed) {
        const corpus *c = set && strcmp(set, "valid") == 0 ? &valid : &invalid;
        bool render = set && strcmp(set, "render") == 0;
        allocs = 0;
        for (unsigned long i = 0; i < fixed; i++) pass(ctx, c, render, out, sizeof out);
        printf("%s: %zu requests x %lu, %.3f allocs/check\n", set ? set : "invalid", c->n, fixed,
               (double)allocs / ((double)fixed * (double)c->n));
        if (allocs) bad++;
        goto done;
    }
    size_t ops = 0;
    for (size_t i = 0; i < nm; i++) ops += awsval_model_operation_count(models[i]);
    printf("awsval %s corpus benchmark, one core: %zu services, %zu operations, %u seeds\n",
           awsval_version_string(), nm, ops, seeds);
    printf("%-36s %9s %10s %11s %14s %9s %s\n", "set", "requests", "bytes", "ns/check", "checks/s", "MB/s",
           "allocs/check");
    /* warm-up */
    pass(ctx, &valid, false, out, sizeof out);
    pass(ctx, &invalid, true, out, sizeof out);
    bset sets[VARIANTS + 3];
    for (int v = 0; v < VARIANTS; v++) sets[v] = (bset){variant_names[v], &variant[v], false};
    sets[VARIANTS] = (bset){"valid: all", &valid, false};
    sets[VARIANTS + 1] = (bset){"invalid (verdict and violations)", &invalid, false};
    sets[VARIANTS + 2] = (bset){"invalid, with the service's answer", &invalid, true};
    double ns[VARIANTS + 3];
    for (int s = 0; s < VARIANTS + 3; s++) {
        unsigned long passes;
        allocs = 0;
        ns[s] = timed(ctx, sets[s].c, sets[s].render, seconds, out, sizeof out, &passes);
        double checks = (double)passes * (double)sets[s].c->n;
        printf("%-36s %9zu %10zu %11.1f %14.0f %9.1f %.3f\n", sets[s].name, sets[s].c->n, sets[s].c->bytes,
               ns[s], 1e9 / ns[s], (double)sets[s].c->bytes / (double)sets[s].c->n / ns[s] * 1e3,
               (double)allocs / checks);
        if (allocs) bad++;
    }
    double all = (ns[VARIANTS] * (double)valid.n + ns[VARIANTS + 1] * (double)invalid.n) / (double)(valid.n + invalid.n);
    printf("CORPUS %zu requests (%zu valid, %zu invalid): %.1f ns/check, %.0f checks/s; "
           "rendering the answer adds %.1f ns per invalid request\n",
           valid.n + invalid.n, valid.n, invalid.n, all, 1e9 / all, ns[VARIANTS + 2] - ns[VARIANTS + 1]);
    printf("TOTAL %s\n", bad ? "FAILED (a generated request not answered as intended, or a steady-state allocation)"
                             : "ok: every verdict as generated, zero allocations per check");
done:
    for (size_t i = 0; i < valid.n; i++) free(valid.r[i].json);
    for (int v = 0; v < VARIANTS; v++) free(variant[v].r);
    for (size_t i = 0; i < invalid.n; i++) free(invalid.r[i].json);
    free(valid.r);
    free(invalid.r);
    for (size_t i = 0; i < nm; i++) awsval_model_free(models[i]);
    free(models);
    awsval_ctx_free(ctx);
    return bad ? 1 : 0;
}
