/* regex_bench: the linear engine (DFA) against PCRE2 JIT on AWS patterns with typical values;
 * patterns over the DFA's budget (PCRE2 JIT then the NFA simulation, the simulation alone,
 * PCRE2 alone); the compile time of every AWS pattern with and without the linear engine.
 *
 *   regex_bench [--iters N] [--corpus PATH]
 *
 * Default: each case runs for about 0.2 s per engine and prints ns per match. With --iters N
 * every case runs exactly N matches per engine and the timings are still printed (for callgrind
 * and the like, whose instruction counts do not depend on the clock). Never fails on timing. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval_regex.h"
#include "awsval_rx.h"
#include "../tests/rxgen.h"

#ifndef AWSVAL_SOURCE_DIR
#define AWSVAL_SOURCE_DIR "."
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct bcase {
    const char *name, *pattern;
    char value[1100];
} bcase;

static volatile int sink;

typedef int (*match_fn)(const awsval__regex *, const char *, size_t, awsval__regex_scratch *);

/* ns per match with fn; *verdict gets the answer. */
static double run_fn(match_fn fn, awsval__regex *re, awsval__regex_scratch *s, const char *v, size_t n, long iters,
                     int *verdict) {
    long done = 0;
    double t0 = now(), t;
    long batch = iters > 0 ? iters : 1000;
    for (;;) {
        for (long i = 0; i < batch; i++) {
            sink += fn(re, v, n, s);
            awsval__regex_scratch_new_check(s); /* each match a request of its own */
        }
        done += batch;
        t = now() - t0;
        if (iters > 0 || t > 0.2) break;
    }
    *verdict = fn(re, v, n, s);
    return t / (double)done * 1e9;
}

static double run(awsval__regex *re, awsval__regex_scratch *s, const char *v, size_t n, long iters, int *verdict) {
    return run_fn(awsval__regex_match, re, s, v, n, iters, verdict);
}

static const char *verdict_name(int v) {
    return v == AWSVAL__RE_MATCH ? "match" : v == AWSVAL__RE_NOMATCH ? "nomatch" : v == AWSVAL__RE_LIMIT ? "limit" : "error";
}

static size_t rep(char *v, size_t n, const char *unit, int times) {
    size_t k = strlen(unit);
    for (int i = 0; i < times; i++, n += k) memcpy(v + n, unit, k);
    v[n] = 0;
    return n;
}

/* Patterns over the DFA's budget: the engine as used (PCRE2 JIT first, the NFA simulation where
 * it hits its limit), the NFA simulation alone, and PCRE2 alone (as before the simulation). */
static void over_budget(awsval__regex_scratch *s, long iters) {
    static char v[6][6000];
    size_t n[6];
    const char *pat[6] = {
        "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}",
        "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}",
        "s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])/?((.{1,1024})/)?",
        "^([^/]([!-~]+/){1,511})?[A-Za-z0-9_+=,.@-]{1,64}$",
        "https://([.\\-_a-zA-Z0-9]+/?){3,1016}",
        "[\\P{M}\\p{M}]{0,10000}",
    };
    const char *name[6] = {"alnum{1,256}(-*alnum){0,256}, 1 KB", "the same, 301 B, bad last byte",
                           "s3://bucket/key/, 1 KB", "IAM path + name, 1 KB", "https://(x+/?){3,1016}, 3 KB, bad last",
                           "[\\P{M}\\p{M}]{0,10000}, 5 KB"};
    n[0] = rep(v[0], rep(v[0], 0, "a", 256), "--a", 256);
    n[1] = rep(v[1], rep(v[1], 0, "a", 300), "!", 1);
    n[2] = rep(v[2], rep(v[2], rep(v[2], 0, "s3://my-bucket/", 1), "x", 1024), "/", 1);
    n[3] = rep(v[3], rep(v[3], rep(v[3], 0, "a", 1), "bcd/", 250), "my-role", 1);
    n[4] = rep(v[4], rep(v[4], rep(v[4], 0, "https://", 1), "xxxx/", 600), "!", 1);
    n[5] = rep(v[5], 0, "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80", 400);
    printf("\nover the DFA budget (ns per match)                   as used     NFA only   PCRE2 only  verdicts\n");
    for (int i = 0; i < 6; i++) {
        awsval__regex *re = awsval__regex_compile(pat[i], strlen(pat[i]), AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
        awsval__regex *pc = awsval__regex_compile_opts(pat[i], strlen(pat[i]), AWSVAL__RE_FULL, AWSVAL__RE_OPT_NO_LINEAR,
                                                       NULL, NULL, NULL, 0);
        if (!re || !pc || awsval__regex_engine(re, NULL) != AWSVAL__RE_ENGINE_NFA) {
            printf("%s: not over the DFA budget\n", name[i]);
        } else {
            int a, b, c;
            double ta = run_fn(awsval__regex_match, re, s, v[i], n[i], iters, &a);
            double tb = run_fn(awsval__regex_match_nfa, re, s, v[i], n[i], iters, &b);
            double tc = run_fn(awsval__regex_match_pcre2, pc, s, v[i], n[i], iters, &c);
            printf("%-46s %12.0f %12.0f %12.0f  %s/%s/%s\n", name[i], ta, tb, tc, verdict_name(a), verdict_name(b),
                   verdict_name(c));
        }
        awsval__regex_free(re);
        awsval__regex_free(pc);
    }
}

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
        case 'u': {
            c = 0;
            for (int i = 1; i <= 4; i++) c = c * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
            s += 4;
            if (c >= 0xD800 && c < 0xDC00 && s[1] == '\\' && s[2] == 'u') {
                unsigned lo = 0;
                for (int i = 3; i <= 6; i++) lo = lo * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
            break;
        }
        default: c = (unsigned char)*s;
        }
        s++;
        if (c < 0x80) out[n++] = (char)c;
        else if (c < 0x800) { out[n++] = (char)(0xC0 | c >> 6); out[n++] = (char)(0x80 | (c & 63)); }
        else if (c < 0x10000) {
            out[n++] = (char)(0xE0 | c >> 12);
            out[n++] = (char)(0x80 | ((c >> 6) & 63));
            out[n++] = (char)(0x80 | (c & 63));
        } else {
            out[n++] = (char)(0xF0 | c >> 18);
            out[n++] = (char)(0x80 | ((c >> 12) & 63));
            out[n++] = (char)(0x80 | ((c >> 6) & 63));
            out[n++] = (char)(0x80 | (c & 63));
        }
    }
    out[n] = 0;
    return n;
}

/* Compiles every pattern of the corpus in one mode; returns seconds, counts linear ones. */
static double compile_all(const char *path, uint32_t opts, int *count, int *linear, int *nfa, size_t *dfa_bytes) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    static char line[1 << 16], pat[1 << 16];
    *count = *linear = *nfa = 0;
    *dfa_bytes = 0;
    double total = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"pattern\": \"");
        if (!p) continue;
        size_t n = json_str(p + 12, pat);
        double t0 = now();
        awsval__regex *re = awsval__regex_compile_opts(pat, n, AWSVAL__RE_FULL, opts, NULL, NULL, NULL, 0);
        total += now() - t0;
        (*count)++;
        if (re && awsval__regex_engine(re, NULL) == AWSVAL__RE_ENGINE_LINEAR) (*linear)++;
        if (re && awsval__regex_engine(re, NULL) == AWSVAL__RE_ENGINE_NFA) (*nfa)++;
        *dfa_bytes += awsval__regex_linear_bytes(re);
        awsval__regex_free(re);
    }
    fclose(f);
    return total;
}

/* Every corpus pattern over the DFA's budget, on values generated from its tree (40 per pattern
 * and mode, half of 1-5 KB), unchanged and with one mutation each: total ms of `reps` rounds for
 * the NFA simulation alone and for PCRE2 JIT with a limit of 16, 4, 2, 1 per byte then the NFA
 * (how the limit before the NFA was chosen: docs/pattern-engine.md). */
static void over_budget_corpus(const char *path, long reps) {
    enum { NV = 40, CAP = 6000 };
    static char line[1 << 16], pat[1 << 16], val[2][NV][CAP];
    static size_t vlen[2][NV];
    static const uint32_t per_byte[] = {16, 4, 2, 1};
    double t[2][5] = {{0}};
    long values = 0, matches[2] = {0, 0};
    awsval__regex_scratch *sc[5];
    for (int k = 0; k < 5; k++) {
        awsval__regex_limits lim = {0, 0, 0, 0, k ? per_byte[k - 1] : 0};
        sc[k] = awsval__regex_scratch_create(NULL, &lim);
    }
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return; }
    rxg_rng rng = {20240601};
    int pats = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"pattern\": \"");
        if (!p) continue;
        size_t n = json_str(p + 12, pat);
        for (uint32_t mode = 0; mode < 2; mode++) {
            awsval__regex *re = awsval__regex_compile(pat, n, mode, NULL, NULL, NULL, 0);
            if (!re || awsval__regex_engine(re, NULL) != AWSVAL__RE_ENGINE_NFA) {
                awsval__regex_free(re);
                continue;
            }
            pats++;
            const struct awsval__rx_tree *tr = awsval__regex_tree(re);
            for (int i = 0; i < NV; i++) {
                size_t want = i < NV / 2 ? 1000 + rxg_below(&rng, 4000) : rxg_below(&rng, 80);
                vlen[0][i] = rxg_generate(tr, &rng, want, val[0][i], CAP);
                memcpy(val[1][i], val[0][i], vlen[0][i] + 1);
                vlen[1][i] = rxg_mutate(&rng, val[1][i], vlen[0][i], CAP);
            }
            values += NV;
            for (int m = 0; m < 2; m++) {
                for (int i = 0; i < NV; i++) matches[m] += awsval__regex_match_nfa(re, val[m][i], vlen[m][i], sc[0]) == 1;
                for (int k = 0; k < 5; k++) {
                    double t0 = now();
                    for (long r = 0; r < reps; r++)
                        for (int i = 0; i < NV; i++) {
                            sink += k ? awsval__regex_match(re, val[m][i], vlen[m][i], sc[k])
                                      : awsval__regex_match_nfa(re, val[m][i], vlen[m][i], sc[k]);
                            awsval__regex_scratch_new_check(sc[k]);
                        }
                    t[m][k] += now() - t0;
                }
            }
            awsval__regex_free(re);
        }
    }
    fclose(f);
    for (int k = 0; k < 5; k++) awsval__regex_scratch_free(sc[k]);
    printf("\nover the DFA budget, %d pattern-modes, %ld generated values each unchanged (%ld match) and mutated "
           "(%ld match), %ld rounds, total ms:\n", pats, values, matches[0], matches[1], reps);
    printf("  %-44s %10s %10s\n", "", "unchanged", "mutated");
    printf("  %-44s %10.1f %10.1f\n", "NFA simulation alone", t[0][0] * 1e3, t[1][0] * 1e3);
    for (int k = 1; k < 5; k++) {
        char lab[64];
        snprintf(lab, sizeof lab, "PCRE2 JIT (limit %u per byte), then the NFA", per_byte[k - 1]);
        printf("  %-44s %10.1f %10.1f%s\n", lab, t[0][k] * 1e3, t[1][k] * 1e3, per_byte[k - 1] == 1 ? "  (as used)" : "");
    }
}

int main(int argc, char **argv) {
    long iters = 0;
    const char *corpus = AWSVAL_SOURCE_DIR "/tests/data/patterns/aws-patterns.jsonl";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--iters") && i + 1 < argc) iters = atol(argv[++i]);
        else if (!strcmp(argv[i], "--corpus") && i + 1 < argc) corpus = argv[++i];
        else { fprintf(stderr, "usage: %s [--iters N] [--corpus PATH]\n", argv[0]); return 2; }
    }
    static bcase cases[] = {
        {"apprunner-arn (136 B)",
         "arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{0,63}:[a-z0-9-\\\\.]{0,63}:[0-9]{12}:(\\w|\\/|-){1,1011}",
         "arn:aws:apprunner:us-east-1:123456789012:service/python-app-production-eu/"
         "8fe1e10304f84fd2b0df550fe98a71fa8fe1e10304f84fd2b0df550fe98a71"},
        {"vpc-lattice svc id (21 B)", "((svc-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:service/svc-[0-9a-z]{17}))",
         "svc-0123456789abcdefg"},
        {"svc id (21 B)", "svc-[0-9a-z]{17}", "svc-0123456789abcdefg"},
        {"tag key (15 B)", "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "aws:cost-center"},
        {"tag value (24 B)", "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "Team Caf\xc3\xa9 / prod-eu-1"},
        {"iam role arn (60 B)",
         "arn:(aws|aws-cn|aws-iso|aws-iso-[a-z]{1}|aws-us-gov):iam::[0-9]{12}:role/.*",
         "arn:aws:iam::123456789012:role/service-role/my-app-role"},
        {"1 KB value", "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", ""},
        {"1 KB ARN tail (catastrophic for backtracking)", "arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{0,63}:[a-z0-9-\\\\.]{0,63}:[0-9]{12}:(\\w|\\/|-){1,1011}", ""},
    };
    size_t nc = sizeof cases / sizeof *cases;
    /* the 1 KB values */
    memset(cases[6].value, 'x', 1024);
    for (int i = 0; i < 1024; i += 37) cases[6].value[i] = ' ';
    cases[6].value[1024] = 0;
    strcpy(cases[7].value, "arn:aws-a-b-c-d-e-f-g-h:apprunner:us-east-1:123456789012:");
    size_t k = strlen(cases[7].value);
    memset(cases[7].value + k, 'a', 1000 - k);
    strcpy(cases[7].value + 1000, "!");

    awsval__regex_scratch *s = awsval__regex_scratch_create(NULL, NULL);
    printf("%-46s %12s %12s %8s  %s\n", "case (full match)", "linear ns", "pcre2-jit ns", "ratio", "verdicts");
    for (size_t i = 0; i < nc; i++) {
        const char *p = cases[i].pattern;
        awsval__regex *lin = awsval__regex_compile(p, strlen(p), AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
        awsval__regex *pc = awsval__regex_compile_opts(p, strlen(p), AWSVAL__RE_FULL, AWSVAL__RE_OPT_NO_LINEAR, NULL,
                                                       NULL, NULL, 0);
        if (!lin || !pc) { printf("%s: does not compile\n", cases[i].name); continue; }
        size_t n = strlen(cases[i].value);
        int v1, v2;
        double a = run(lin, s, cases[i].value, n, iters, &v1);
        double b = run(pc, s, cases[i].value, n, iters, &v2);
        const char *why = NULL;
        int eng = awsval__regex_engine(lin, &why);
        printf("%-46s %12.1f %12.1f %8.1f  %s/%s%s%s\n", cases[i].name, a, b, b / a,
               v1 == 1 ? "match" : v1 == 0 ? "nomatch" : "limit", v2 == 1 ? "match" : v2 == 0 ? "nomatch" : "limit",
               eng == AWSVAL__RE_ENGINE_LINEAR ? "" : " (not linear: ", eng == AWSVAL__RE_ENGINE_LINEAR ? "" : why);
        awsval__regex_free(lin);
        awsval__regex_free(pc);
    }

    /* The checker's single-class ASCII fast path (a replica of fast_match in awsval_check.c:
     * bitmap per character and a length check) against the DFA, on ^[a-zA-Z0-9._-]{1,1024}$. */
    {
        const char *p = "^[a-zA-Z0-9._-]{1,1024}$";
        uint64_t bits[2] = {0, 0};
        for (int c = 0; c < 128; c++)
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
                bits[c / 64] |= 1ull << (c % 64);
        static char v[1025];
        for (int i = 0; i < 1024; i++) v[i] = "abcdefghij0123456789-_."[i % 23];
        v[1024] = 0;
        const char *vals[2] = {"my-bucket.name_01", v};
        awsval__regex *lin = awsval__regex_compile(p, strlen(p), AWSVAL__RE_FULL, NULL, NULL, NULL, 0);
        for (int vk = 0; vk < 2 && lin; vk++) {
            size_t n = strlen(vals[vk]);
            int vd;
            double a = run(lin, s, vals[vk], n, iters, &vd);
            long reps = iters > 0 ? iters : 200000;
            double t0 = now();
            for (long r = 0; r < reps; r++) {
                int ok = n >= 1 && n <= 1024;
                for (size_t i = 0; i < n && ok; i++) {
                    unsigned char c = (unsigned char)vals[vk][i];
                    ok = (bits[c >> 6] >> (c & 63)) & 1;
                }
                sink += ok;
            }
            double b = (now() - t0) / (double)reps * 1e9;
            printf("%-46s %12.1f %12.1f %8.1f  (fast path replica in the second column)\n",
                   vk ? "single class, 1 KB (fast path)" : "single class, 17 B (fast path)", a, b, b / a);
        }
        awsval__regex_free(lin);
    }
    over_budget(s, iters);
    awsval__regex_scratch_free(s);
    over_budget_corpus(corpus, iters > 0 ? iters : 5);

    int count, linear, nfa;
    size_t bytes;
    double t_before = compile_all(corpus, AWSVAL__RE_OPT_NO_LINEAR, &count, &linear, &nfa, &bytes);
    double t_after = compile_all(corpus, 0, &count, &linear, &nfa, &bytes);
    if (t_before >= 0 && t_after >= 0)
        printf("\ncompile, full mode, %d patterns: PCRE2 only (JIT) %.3f s; with the linear engine %.3f s "
               "(%d DFA, %d NFA, the others PCRE2 JIT; DFAs and NFAs hold %.1f MiB in all)\n",
               count, t_before, t_after, linear, nfa, (double)bytes / 1048576.0);
    return 0;
}
