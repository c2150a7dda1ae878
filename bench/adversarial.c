/* Adversarial inputs: the worst-case cost per input byte against the typical case.
 *
 * Each case is about 1 MiB (the default size limit) of input built to be expensive: the deepest
 * nesting allowed, one huge string, escapes everywhere, the most keys that fit, long digit runs
 * against a catastrophically backtracking pattern (^([0-9]+)+$, bounded by the match limit),
 * and invalid input found at the very end. The typical case is the 200 max-length tags request
 * (~190 KB). Prints ns per byte for each and the worst/typical ratio.
 *
 * Then the key floods (issue 9): 80,000 chosen 8-byte keys in a map, keys chosen so that their
 * awsval__hash (still the member-lookup hash) agrees on bits 11-18, which put all of them in one
 * 2,048-slot window of the duplicate-key table the checker used before (2^19 slots for a 1 MiB
 * input, linear probing): one cluster of 80,000, about 3.2e9 probes. The same keys as unknown
 * members of a structure (looked up in its member table with that hash), 80,000 random keys,
 * distinct keys sharing a long prefix (every compare of the sort runs memcmp over it), and many
 * small objects (8 keys: compared pairwise; 9: sorted). Duplicate keys are found by sorting
 * now, so none of these may cost more per byte than the adversarial worst case: the FLOOD lines
 * compare each flood with the same document of random keys, and the worst with the worst.
 *
 * Each figure is the fastest check of those run in the time given (at least 3).
 *
 *   awsval_adversarial [--seconds S] [--case TEXT]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsval.h"
#include "bench_common.h"
/* For awsval__hash only (a static inline function): the keys are chosen against it. */
#include "../src/awsval_internal.h"

#define SIZE (1u << 20) /* the default max_size */

static const char model_json[] =
    "{\"metadata\":{\"protocol\":\"rest-json\",\"endpointPrefix\":\"adv\",\"apiVersion\":\"1\"},"
    "\"operations\":{\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/\"},"
    "\"input\":{\"shape\":\"In\"}}},\"shapes\":{"
    "\"In\":{\"type\":\"structure\",\"members\":{\"evil\":{\"shape\":\"Evil\"},\"text\":{\"shape\":\"Text\"},"
    "\"any\":{\"shape\":\"Map\"},\"evils\":{\"shape\":\"EvilList\"},\"counts\":{\"shape\":\"Counts\"},"
    "\"smalls\":{\"shape\":\"Smalls\"}}},"
    "\"Counts\":{\"type\":\"map\",\"key\":{\"shape\":\"Key\"},\"value\":{\"shape\":\"Num\"}},"
    "\"Num\":{\"type\":\"integer\"},"
    "\"Smalls\":{\"type\":\"list\",\"member\":{\"shape\":\"Small\"}},"
    "\"Small\":{\"type\":\"structure\",\"members\":{\"a\":{\"shape\":\"Num\"},\"b\":{\"shape\":\"Num\"},"
    "\"c\":{\"shape\":\"Num\"},\"d\":{\"shape\":\"Num\"},\"e\":{\"shape\":\"Num\"},\"f\":{\"shape\":\"Num\"},"
    "\"g\":{\"shape\":\"Num\"},\"h\":{\"shape\":\"Num\"}}},"
    "\"Evil\":{\"type\":\"string\",\"pattern\":\"^([0-9]+)+$\"},"
    "\"Text\":{\"type\":\"string\",\"max\":2000000,\"pattern\":\"[\\\\p{L}\\\\p{N}\\\\s]*\"},"
    "\"Map\":{\"type\":\"map\",\"key\":{\"shape\":\"Key\"},\"value\":{\"shape\":\"Text\"}},"
    "\"Key\":{\"type\":\"string\",\"min\":1,\"max\":128},"
    "\"EvilList\":{\"type\":\"list\",\"member\":{\"shape\":\"Evil\"}}}}";

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

/* ---------------------------------------------------------------- chosen keys (issue 9) */

#define FLOOD_KEYS 80000
#define OLD_TABLE_BITS 19 /* the old duplicate-key table for a 1 MiB input: 2^19 slots */
#define WINDOW_BITS 11    /* chosen keys agree on hash bits 11..18: one 2,048-slot window */

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/* The i-th key: an odd multiple of i modulo 2^48 (a bijection), 6 bits per character, so
 * distinct i give distinct keys that look random. */
static void key_of(uint64_t i, char k[8])
{
    uint64_t x = (i * 0x9E3779B97F4Bull) & 0xFFFFFFFFFFFFull;
    for (int j = 0; j < 8; j++) {
        k[j] = alphabet[x & 63];
        x >>= 6;
    }
}

/* n distinct 8-byte keys; `chosen`: only keys whose awsval__hash agrees with the first one's
 * on bits WINDOW_BITS .. OLD_TABLE_BITS - 1. Returns the keys tried. */
static uint64_t make_keys(char (*keys)[8], size_t n, bool chosen)
{
    const uint32_t mask = ((1u << OLD_TABLE_BITS) - 1) & ~((1u << WINDOW_BITS) - 1);
    uint64_t tries = 0;
    uint32_t want = 0;
    for (size_t got = 0; got < n;) {
        char k[8];
        key_of(tries++, k);
        uint32_t h = awsval__hash(k, 8) & mask;
        if (chosen && got == 0) want = h;
        if (chosen && h != want) continue;
        memcpy(keys[got++], k, 8);
    }
    return tries;
}

/* Probes per key that the old duplicate-key table needed to insert the keys of one object
 * (index (hash ^ object * 0x9E3779B1) & mask, linear probing), computed with a "next free
 * slot" forest rather than by probing. */
static double old_table_probes(char (*keys)[8], size_t n)
{
    size_t size = (size_t)1 << OLD_TABLE_BITS, mask = size - 1;
    uint32_t *next = malloc(size * sizeof *next);
    unsigned char *used = calloc(size, 1);
    if (!next || !used) exit(1);
    for (size_t i = 0; i < size; i++) next[i] = (uint32_t)i;
    uint64_t probes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t slot = (awsval__hash(keys[i], 8) ^ 0x9E3779B1u) & mask, f = slot;
        while (used[f]) f = next[f];
        for (size_t x = slot; used[x];) { /* path compression */
            size_t nx = next[x];
            next[x] = (uint32_t)f;
            x = nx;
        }
        probes += ((f - slot) & mask) + 1;
        used[f] = 1;
        next[f] = (uint32_t)((f + 1) & mask);
    }
    free(next);
    free(used);
    return (double)probes / (double)n;
}

/* {"<prefix>KKKKKKKK":0,...}<suffix> with the given keys. */
static size_t key_doc(char *b, const char *prefix, char (*keys)[8], size_t n, const char *suffix)
{
    char *q = b + sprintf(b, "%s", prefix);
    for (size_t i = 0; i < n; i++) {
        *q++ = i ? ',' : '{';
        *q++ = '"';
        memcpy(q, keys[i], 8);
        q += 8;
        q += sprintf(q, "\":0");
    }
    q += sprintf(q, "}%s", suffix);
    return (size_t)(q - b);
}

/* ns per byte of the fastest of the checks run in `seconds` (at least 3): the best run is the
 * cost of the input, the others add whatever else the machine was doing. */
static double measure(awsval_ctx *ctx, const awsval_model *m, const char *op, const acase *c,
                      double seconds, awsval_code *rc)
{
    *rc = awsval_check(ctx, m, op, c->buf, c->len);
    unsigned long iters = 0;
    double t0 = now(), t1 = t0, best = 1e30;
    do {
        double a = now();
        awsval_check(ctx, m, op, c->buf, c->len);
        t1 = now();
        if (t1 - a < best) best = t1 - a;
        iters++;
    } while (t1 - t0 < seconds || iters < 3);
    return best * 1e9 / (double)c->len;
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

    acase cases[20];
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
    {
        /* The same keys in a scrambled order (an odd multiple modulo 2^17: distinct keys). */
        char *q = b;
        q += sprintf(q, "{\"any\":{");
        for (unsigned i = 0; (size_t)(q - b) + 32 < SIZE; i++) q += sprintf(q, "%s\"%x\":\"\"", i ? "," : "", (i * 40503u) & 0x1FFFFu);
        q += sprintf(q, "}}");
        cases[nc++] = (acase){"maximal key count, shuffled", b, (size_t)(q - b)};
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

    /* Keys (issue 9): 80,000 chosen keys against the hash (the floods), and the same shapes
     * with random keys, long shared prefixes and many small objects (adversarial cases). */
    acase floods[2];
    size_t nf = 0;
    char(*chosen)[8] = malloc(FLOOD_KEYS * sizeof *chosen), (*random_keys)[8] = malloc(FLOOD_KEYS * sizeof *random_keys);
    double t_keys = now();
    uint64_t tries = make_keys(chosen, FLOOD_KEYS, true);
    t_keys = now() - t_keys;
    make_keys(random_keys, FLOOD_KEYS, false);
    double old_chosen = old_table_probes(chosen, FLOOD_KEYS), old_random = old_table_probes(random_keys, FLOOD_KEYS);
    b = malloc(SIZE);
    floods[nf++] = (acase){"flood: 80k chosen keys, map", b, key_doc(b, "{\"counts\":", chosen, FLOOD_KEYS, "}")};
    b = malloc(SIZE);
    floods[nf++] = (acase){"flood: 80k chosen, members", b, key_doc(b, "", chosen, FLOOD_KEYS, "")};
    b = malloc(SIZE);
    cases[nc++] = (acase){"80k random keys, map", b, key_doc(b, "{\"counts\":", random_keys, FLOOD_KEYS, "}")};
    b = malloc(SIZE);
    cases[nc++] = (acase){"80k random keys, members", b, key_doc(b, "", random_keys, FLOOD_KEYS, "")};
    for (int long_prefix = 0; long_prefix < 2; long_prefix++) {
        /* distinct keys of one length sharing all but their last 6 characters */
        size_t plen = long_prefix ? 120 : 40;
        char prefix[128];
        memset(prefix, 'p', plen);
        prefix[plen] = '\0';
        b = malloc(SIZE);
        char *q = b + sprintf(b, "{\"any\":{");
        for (unsigned i = 0; (size_t)(q - b) + plen + 16 < SIZE; i++) q += sprintf(q, "%s\"%s%06x\":\"\"", i ? "," : "", prefix, i);
        q += sprintf(q, "}}");
        cases[nc++] = (acase){long_prefix ? "distinct keys, 120 B prefix" : "distinct keys, 40 B prefix", b, (size_t)(q - b)};
    }
    b = malloc(SIZE);
    cases[nc++] = (acase){"small objects, 8 keys", b,
                          build(b, "{\"junk\":[", "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0},", "{}]}", 0)};
    b = malloc(SIZE);
    cases[nc++] = (acase){"small objects, 9 keys", b,
                          build(b, "{\"junk\":[", "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,\"i\":0},",
                                "{}]}", 0)};
    b = malloc(SIZE);
    cases[nc++] = (acase){"small typed objects, 8", b,
                          build(b, "{\"smalls\":[", "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0},", "{}]}", 0)};

    awsval_code rc;
    double base = measure(ctx, lattice, "CreateServiceNetworkServiceAssociation", &typical, seconds, &rc);
    printf("awsval %s adversarial benchmark (%.1f s per case, one core)\n", awsval_version_string(), seconds);
    printf("%-28s %9s %10s %8s  %s\n", "case", "bytes", "ns/byte", "x typ", "verdict");
    printf("%-28s %9zu %10.2f %8.2f  %s\n", typical.name, typical.len, base, 1.0, awsval_err_name(rc));
    double worst = 0, flood_worst = 0, nsb_of[40] = {0};
    const char *worst_name = "", *flood_name = "";
    for (size_t i = 0; i < nc + nf; i++) {
        acase *c = i < nc ? &cases[i] : &floods[i - nc];
        if (i == nc)
            printf("floods: %d chosen 8-byte keys (%llu tried, %.2f s) whose awsval__hash share bits %d-%d:\n"
                   "  the old duplicate-key table (2^%d slots, linear probing) needed %.0f probes per key for them,\n"
                   "  %.2f for the 80k random keys\n",
                   FLOOD_KEYS, (unsigned long long)tries, t_keys, WINDOW_BITS, OLD_TABLE_BITS - 1, OLD_TABLE_BITS,
                   old_chosen, old_random);
        if (only && !strstr(c->name, only)) continue;
        double nsb = measure(ctx, adv, "Op", c, seconds, &rc);
        nsb_of[i] = nsb;
        const char *why = "";
        if (rc == AWSVAL_INVALID && awsval_ctx_violation_count(ctx)) {
            awsval_violation v = {.size = sizeof v};
            awsval_ctx_violation(ctx, 0, &v);
            why = awsval_kind_name(v.kind);
        }
        printf("%-28s %9zu %10.2f %8.2f  %s %s\n", c->name, c->len, nsb, nsb / base, awsval_err_name(rc), why);
        if (i < nc && nsb > worst) {
            worst = nsb;
            worst_name = c->name;
        } else if (i >= nc && nsb > flood_worst) {
            flood_worst = nsb;
            flood_name = c->name;
        }
    }
    printf("WORST %s: %.2f ns/byte, %.2fx the typical %.2f ns/byte\n", worst_name, worst, worst / base, base);
    /* each flood against the same document with random keys */
    for (size_t f = 0; f < nf; f++) {
        const char *twin = f == 0 ? "80k random keys, map" : "80k random keys, members";
        for (size_t i = 0; i < nc; i++)
            if (strcmp(cases[i].name, twin) == 0 && nsb_of[i] > 0 && nsb_of[nc + f] > 0)
                printf("FLOOD %s: %.2fx the same with random keys\n", floods[f].name, nsb_of[nc + f] / nsb_of[i]);
    }
    if (flood_worst > 0 && worst > 0)
        printf("FLOOD worst %s: %.2f ns/byte, %.2fx the typical, %.2fx the adversarial worst (%s)\n", flood_name,
               flood_worst, flood_worst / base, flood_worst / worst, flood_worst <= worst ? "no more" : "MORE");
    for (size_t i = 0; i < nc + nf; i++) free(i < nc ? cases[i].buf : floods[i - nc].buf);
    free(chosen);
    free(random_keys);
    free(typ);
    awsval_ctx_free(ctx);
    awsval_model_free(adv);
    awsval_model_free(lattice);
    return 0;
}
