/* fuzz_gen: structure-aware fuzzing of the checker through the generator, and of the generator
 * itself. An input is a recipe: a model (vpc-lattice, apprunner), an operation, a fault kind, a
 * seed and the generator's options, then edits (scalar values of the generated input replaced by
 * bytes). LLVMFuzzerCustomMutator mutates in the model's structure: seeds, operations, faults,
 * options, and edits whose bytes start as a generated value of the place they replace and are
 * mutated by libFuzzer's own byte-level mutator (LLVMFuzzerMutate).
 *
 * Input layout (little-endian):
 *   0      model (mod 2)           1-2   operation index (mod the model's count)
 *   3      fault (mod 15: none, the 13 kinds, any)
 *   4-11   seed
 *   12     optional_pct (mod 101)  13   list_max (mod 6; list_min = list_max / 2)
 *   14     bound_pct (mod 101)     15   nonascii_pct (mod 101)
 *   16     bit 0: HTTP; bit 1: the context ignores unknown members; bit 2: max_depth 6;
 *          bit 3: astral_pct 90; bit 4: max_violations 3
 *   17     max_depth option (mod 8)
 *   18...  edits: site (u16; bit 15: the bytes replace the value's JSON text as they are,
 *          valid JSON or not), length (u8), that many bytes; at most 16
 *
 * Invariants (abort): the generator answers OK or NOGEN; a generated input's answer is the one
 * intended (no AWSVAL_GEN_INFO_DIFFERS): a valid input is valid, a fault input has exactly its
 * one violation of its kind at its place (checked again here on a second context, from the
 * written text; HTTP requests are parsed with `awsval http`'s parser first); with edits, the
 * whole input has exactly the violations of each edited value on its own (raw edits: the two
 * contexts agree, nothing more is claimed); every unedited scalar of a valid input is valid on
 * its own (awsval_check_value on its shape); the generation is
 * deterministic; every report renders with the snprintf contract (a too-small buffer gets a
 * NUL-terminated prefix and `need`, with which the render is exact), valid UTF-8, the JSON
 * styles valid JSON (jansson), an empty AWS document for a valid input. */
#include <jansson.h>
#include <string.h>

#include "../tools/http_message.c"
#include "awsval.h"
#include "awsval_gen.h"
#include "awsval_internal.h"
#include "fuzz_common.h"

/* libFuzzer's byte-level mutator (absent in the replay build, where no mutator runs). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define HEADER 18
#define MAX_EDITS 16
#define MAX_EDIT_LEN 255

static const uint32_t FAULTS[15] = {AWSVAL_FAULT_NONE,     AWSVAL_FAULT_REQUIRED,      AWSVAL_FAULT_TYPE,
                                    AWSVAL_FAULT_LENGTH,   AWSVAL_FAULT_PATTERN,       AWSVAL_FAULT_ENUM,
                                    AWSVAL_FAULT_RANGE,    AWSVAL_FAULT_UNION,         AWSVAL_FAULT_UNKNOWN,
                                    AWSVAL_FAULT_UNIQUE,   AWSVAL_FAULT_DOCUMENTED,    AWSVAL_FAULT_DUPLICATE_KEY,
                                    AWSVAL_FAULT_UTF8,     AWSVAL_FAULT_DEPTH,         AWSVAL_FAULT_ANY};

typedef struct edit {
    uint16_t site;
    uint8_t len;
    uint8_t bytes[MAX_EDIT_LEN];
} edit;

typedef struct recipe {
    uint8_t h[HEADER];
    size_t nedits;
    edit e[MAX_EDITS];
} recipe;

static awsval_model *models[2];
static awsval_gen *gens[2];
static awsval_ctx *ctxs[8], *check_ctx[8]; /* per context option bits (16: bits 1, 2, 4) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const names[2] = {"vpc-lattice", "apprunner"};
    for (int i = 0; i < 2; i++) {
        models[i] = awsval_model_load_builtin(names[i], NULL, NULL);
        FUZZ_ASSERT(models[i] != NULL, "builtin model %s", names[i]);
        gens[i] = awsval_gen_create(models[i], NULL, NULL);
        FUZZ_ASSERT(gens[i] != NULL, "generator");
    }
    for (int k = 0; k < 8; k++) {
        awsval_ctx_opts o = {.size = sizeof o};
        if (k & 1) o.flags = AWSVAL_CHECK_IGNORE_UNKNOWN;
        if (k & 2) o.max_depth = 6;
        if (k & 4) o.max_violations = 3;
        ctxs[k] = awsval_ctx_create(&o, NULL);
        check_ctx[k] = awsval_ctx_create(&o, NULL);
        FUZZ_ASSERT(ctxs[k] && check_ctx[k], "contexts");
    }
    return 0;
}

/* ------------------------------------------------------------------------- recipes */

static void parse(const uint8_t *data, size_t size, recipe *r)
{
    memset(r->h, 0, HEADER);
    memcpy(r->h, data, size < HEADER ? size : HEADER);
    r->nedits = 0;
    size_t i = HEADER;
    while (i + 3 <= size && r->nedits < MAX_EDITS) {
        edit *e = &r->e[r->nedits];
        e->site = (uint16_t)(data[i] | data[i + 1] << 8);
        size_t n = data[i + 2];
        i += 3;
        if (n > size - i) n = size - i;
        e->len = (uint8_t)n;
        memcpy(e->bytes, data + i, n);
        i += n;
        r->nedits++;
    }
}

static size_t serialize(const recipe *r, uint8_t *out, size_t max)
{
    if (max < HEADER) return 0;
    memcpy(out, r->h, HEADER);
    size_t n = HEADER;
    for (size_t k = 0; k < r->nedits; k++) {
        const edit *e = &r->e[k];
        if (n + 3 + e->len > max) break;
        out[n] = (uint8_t)e->site;
        out[n + 1] = (uint8_t)(e->site >> 8);
        out[n + 2] = e->len;
        memcpy(out + n + 3, e->bytes, e->len);
        n += 3 + e->len;
    }
    return n;
}

static uint64_t seed_of(const recipe *r)
{
    uint64_t s = 0;
    for (int i = 0; i < 8; i++) s |= (uint64_t)r->h[4 + i] << (8 * i);
    return s;
}

static int model_of(const recipe *r) { return r->h[0] & 1; }

static const char *op_of(const recipe *r)
{
    const awsval_model *m = models[model_of(r)];
    size_t n = awsval_model_operation_count(m);
    return awsval_model_operation_name(m, (size_t)(r->h[1] | r->h[2] << 8) % n);
}

static void opts_of(const recipe *r, awsval_gen_opts *o)
{
    awsval_gen_opts_init(o);
    o->seed = seed_of(r);
    o->fault = FAULTS[r->h[3] % 15];
    o->optional_pct = r->h[12] % 101;
    o->list_max = r->h[13] % 6;
    o->list_min = o->list_max / 2;
    o->bound_pct = r->h[14] % 101;
    o->nonascii_pct = r->h[15] % 101;
    o->flags = (r->h[16] & 1) ? AWSVAL_GEN_HTTP : 0;
    if (r->h[16] & 8) o->astral_pct = 90;
    o->max_depth = r->h[17] % 8;
}

static int ctx_bits(const recipe *r) { return (r->h[16] >> 1) & 7; }

/* -------------------------------------------------------------------- invariants */

static void check_render(awsval_ctx *c, uint32_t style, bool valid)
{
    size_t need = 0;
    char small[24];
    awsval_code rc = awsval_render(c, style, small, sizeof small, &need);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_TOOSMALL, "render style %u: %s", style, awsval_err_name(rc));
    FUZZ_ASSERT(memchr(small, '\0', sizeof small) != NULL, "render: no NUL in a small buffer");
    char *full = malloc(need);
    FUZZ_ASSERT(full != NULL, "out of memory");
    size_t need2 = 0;
    FUZZ_ASSERT(awsval_render(c, style, full, need, &need2) == AWSVAL_OK && need2 == need, "render with need");
    FUZZ_ASSERT(strlen(full) == need - 1, "render: length %zu, need %zu", strlen(full), need);
    FUZZ_ASSERT(fuzz_utf8_valid(full, need - 1), "render: not UTF-8");
    if (rc == AWSVAL_TOOSMALL) FUZZ_ASSERT(strncmp(small, full, strlen(small)) == 0, "render: not a prefix");
    if (valid && style != AWSVAL_REPORT_JSON) FUZZ_ASSERT(need == 1, "a valid input's report is not empty");
    if (style != AWSVAL_REPORT_AWS && need > 1) {
        json_error_t je;
        json_t *doc = json_loads(full, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        /* XML protocols render XML: both built-in models are JSON ones */
        FUZZ_ASSERT(doc != NULL, "render style %u is not JSON: %s\n%s", style, je.text, full);
        json_decref(doc);
    }
    free(full);
}

/* The place of the fault, as the checker writes it ("*" for a redacted key). */
static bool same_pointer(const char *got, const char *want)
{
    while (*got || *want) {
        if (*got != '/' || *want != '/') return false;
        got++;
        want++;
        size_t gl = strcspn(got, "/"), wl = strcspn(want, "/");
        if (!(gl == 1 && got[0] == '*') && (gl != wl || memcmp(got, want, gl) != 0)) return false;
        got += gl;
        want += wl;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    recipe r;
    parse(data, size, &r);
    int mi = model_of(&r);
    awsval_gen *g = gens[mi];
    awsval_ctx *c = ctxs[ctx_bits(&r)], *c2 = check_ctx[ctx_bits(&r)];
    const char *op = op_of(&r);
    awsval_gen_opts o;
    opts_of(&r, &o);
    awsval_gen_info info = {.size = sizeof info};
    awsval_code rc = awsval__gen_build(g, c, op, &o, &info);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_NOGEN, "build %s: %s", op, awsval_err_name(rc));
    if (rc != AWSVAL_OK) return 0;
    bool edited = false;
    if (o.fault == AWSVAL_FAULT_NONE && !(o.flags & AWSVAL_GEN_HTTP)) {
        size_t n = awsval__gen_scalar_count(g);
        /* each unedited scalar, checked alone against its shape, is valid */
        for (size_t k = 0; k < n && k < 8 && !r.nedits; k++) {
            const char *json;
            size_t jl;
            int32_t shape;
            FUZZ_ASSERT(awsval__gen_scalar(g, k, &json, &jl, &shape), "scalar");
            const char *name = AV_STR(models[mi], models[mi]->shapes[shape].name);
            awsval_code vr = awsval_check_value(c2, models[mi], name, json, jl);
            FUZZ_ASSERT(vr == AWSVAL_OK, "%s: a generated %s value is %s alone: %.*s", op, name, awsval_err_name(vr),
                        (int)jl, json);
        }
        for (size_t k = 0; k < r.nedits && n; k++) {
            size_t site = (r.e[k].site & 0x7FFF) % n;
            if (r.e[k].site & 0x8000)
                FUZZ_ASSERT(awsval__gen_edit_raw(g, site, (const char *)r.e[k].bytes, r.e[k].len), "raw edit");
            else
                FUZZ_ASSERT(awsval__gen_edit(g, site, (const char *)r.e[k].bytes, r.e[k].len), "edit");
            edited = true;
        }
    }
    rc = awsval__gen_finish(g, &info);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_NOGEN, "finish %s: %s", op, awsval_err_name(rc));
    if (rc != AWSVAL_OK) return 0;
    FUZZ_ASSERT(!(info.flags & AWSVAL_GEN_INFO_DIFFERS), "%s fault %s%s: the answer is not the one intended", op,
                awsval_fault_name(info.fault), edited ? " (edited)" : "");
    const char *text;
    size_t len;
    awsval__gen_output(g, &text, &len);
    /* the same answer from a second context, from the text alone */
    awsval_code rc2;
    awsval_http_header hdrs[64];
    if (o.flags & AWSVAL_GEN_HTTP) {
        awsval_http_request req;
        const char *err = NULL;
        FUZZ_ASSERT(http_message_parse(text, len, 0, &req, hdrs, 64, &err) == 0, "HTTP request: %s", err);
        rc2 = awsval_check_http(c2, models[mi], &req);
    } else {
        rc2 = awsval_check(c2, models[mi], op, text, len);
    }
    FUZZ_ASSERT(rc2 == AWSVAL_OK || rc2 == AWSVAL_INVALID, "second check: %s", awsval_err_name(rc2));
    size_t total = awsval_ctx_violation_total(c2);
    FUZZ_ASSERT(total == awsval_ctx_violation_total(c), "two contexts disagree");
    if (!edited) {
        if (info.fault == AWSVAL_FAULT_NONE) {
            FUZZ_ASSERT(rc2 == AWSVAL_OK && total == 0, "a valid input has %zu violations", total);
        } else {
            FUZZ_ASSERT(rc2 == AWSVAL_INVALID && total == 1, "a fault input has %zu violations", total);
            awsval_violation v = {.size = sizeof v};
            FUZZ_ASSERT(awsval_ctx_violation(c2, 0, &v) == AWSVAL_OK, "violation");
            FUZZ_ASSERT(v.kind == info.kind, "kind %u, not %u", v.kind, info.kind);
            if (info.kind != AWSVAL_KIND_PARSE && strlen(info.fault_at) < sizeof info.fault_at - 4)
                FUZZ_ASSERT(same_pointer(v.pointer, info.fault_at), "at %s, not %s", v.pointer, info.fault_at);
        }
    }
    /* determinism: the same recipe again */
    if (!edited) {
        char *copy = malloc(len + 1);
        FUZZ_ASSERT(copy != NULL, "out of memory");
        memcpy(copy, text, len);
        size_t need = 0;
        awsval_code rc3 = awsval_generate(g, c, op, &o, NULL, 0, &need, NULL);
        FUZZ_ASSERT(rc3 == AWSVAL_TOOSMALL && need == len + 1, "again: %s, need %zu for %zu", awsval_err_name(rc3),
                    need, len);
        char *again = malloc(need);
        FUZZ_ASSERT(again && awsval_generate(g, c, op, &o, again, need, NULL, NULL) == AWSVAL_OK, "again");
        FUZZ_ASSERT(memcmp(again, copy, len) == 0, "not deterministic");
        free(again);
        free(copy);
    }
    /* the reports */
    bool valid = total == 0;
    check_render(c2, AWSVAL_REPORT_AWS, valid);
    check_render(c2, AWSVAL_REPORT_NATIVE, valid);
    check_render(c2, AWSVAL_REPORT_SMITHY, valid);
    check_render(c2, AWSVAL_REPORT_JSON, valid);
    size_t need = 0;
    char one[1];
    awsval_code hr = awsval_render_http(c2, one, sizeof one, &need);
    FUZZ_ASSERT(valid ? hr == AWSVAL_OK && need == 1 : hr == AWSVAL_TOOSMALL && need > 1, "render_http");
    return 0;
}

/* ------------------------------------------------------------------------ the mutator */

static uint64_t mrng;
static uint64_t mnext(void)
{
    uint64_t z = (mrng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A generated value of scalar site `site` (of the recipe's valid params input), as the bytes
 * an edit writes (a string's content, a number's text); false when there is none. */
static bool value_of(const recipe *r, uint64_t seed, uint16_t site, edit *e)
{
    recipe t = *r;
    for (int i = 0; i < 8; i++) t.h[4 + i] = (uint8_t)(seed >> (8 * i));
    awsval_gen_opts o;
    opts_of(&t, &o);
    o.fault = AWSVAL_FAULT_NONE;
    o.flags = 0;
    int mi = model_of(&t);
    if (awsval__gen_build(gens[mi], ctxs[0], op_of(&t), &o, NULL) != AWSVAL_OK) return false;
    size_t n = awsval__gen_scalar_count(gens[mi]);
    if (!n) return false;
    const char *json;
    size_t len;
    int32_t shape;
    if (!awsval__gen_scalar(gens[mi], site % n, &json, &len, &shape)) return false;
    char buf[MAX_EDIT_LEN + 1];
    size_t got = 0;
    if (len >= 2 && json[0] == '"') {
        if (awsval_json_string(json, len, buf, sizeof buf, &got) == AWSVAL_INVALID) return false;
        got = got ? got - 1 : 0;
        if (got > MAX_EDIT_LEN) got = MAX_EDIT_LEN;
    } else {
        got = len < MAX_EDIT_LEN ? len : MAX_EDIT_LEN;
        memcpy(buf, json, got);
    }
    e->site = site;
    e->len = (uint8_t)got;
    memcpy(e->bytes, buf, got);
    return true;
}

static void mutate_bytes(edit *e)
{
    if (!LLVMFuzzerMutate) return;
    uint8_t buf[MAX_EDIT_LEN];
    memcpy(buf, e->bytes, e->len);
    size_t n = LLVMFuzzerMutate(buf, e->len, MAX_EDIT_LEN);
    if (n > MAX_EDIT_LEN) n = MAX_EDIT_LEN;
    memcpy(e->bytes, buf, n);
    e->len = (uint8_t)n;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    recipe r;
    parse(data, size, &r);
    mrng = seed * 0x2545F4914F6CDD1Dull + size;
    int steps = 1 + (int)(mnext() % 3);
    for (int s = 0; s < steps; s++) {
        switch (mnext() % 12) {
        case 0: { /* another seed */
            uint64_t v = mnext();
            for (int i = 0; i < 8; i++) r.h[4 + i] = (uint8_t)(v >> (8 * i));
            break;
        }
        case 1: { /* a nearby seed */
            uint64_t v = seed_of(&r) + 1 + mnext() % 16;
            for (int i = 0; i < 8; i++) r.h[4 + i] = (uint8_t)(v >> (8 * i));
            break;
        }
        case 2: r.h[3] = (uint8_t)(mnext() % 15); break; /* another fault */
        case 3: { /* another operation (or model) */
            uint64_t v = mnext();
            r.h[1] = (uint8_t)v;
            r.h[2] = (uint8_t)(v >> 8);
            if (v >> 63) r.h[0] ^= 1;
            break;
        }
        case 4: r.h[12 + mnext() % 6] = (uint8_t)mnext(); break; /* an option */
        case 5:
        case 6:
        case 7: { /* a new edit: a generated value of a place, its bytes mutated */
            if (r.nedits == MAX_EDITS) break;
            r.h[3] = 0; /* edits apply to valid params inputs */
            r.h[16] &= (uint8_t)~1u;
            edit *e = &r.e[r.nedits];
            if (!value_of(&r, seed_of(&r), (uint16_t)(mnext() & 0x7FFF), e)) break;
            if (mnext() % 4 == 0) { /* raw: the value's JSON text itself, its bytes mutated */
                e->site |= 0x8000;
                if (e->len < MAX_EDIT_LEN - 1) {
                    memmove(e->bytes + 1, e->bytes, e->len);
                    e->bytes[0] = '"';
                    e->bytes[e->len + 1] = '"';
                    e->len = (uint8_t)(e->len + 2);
                }
            }
            if (mnext() % 4) mutate_bytes(e);
            r.nedits++;
            break;
        }
        case 8: /* an edit's bytes mutated */
            if (r.nedits) mutate_bytes(&r.e[mnext() % r.nedits]);
            break;
        case 9: /* an edit dropped */
            if (r.nedits) {
                size_t k = mnext() % r.nedits;
                r.e[k] = r.e[--r.nedits];
            }
            break;
        case 10: /* an edit's bytes from another seed's value of the same place (a splice) */
            if (r.nedits) {
                edit *e = &r.e[mnext() % r.nedits];
                edit t;
                if (value_of(&r, mnext(), e->site & 0x7FFF, &t)) {
                    t.site |= e->site & 0x8000;
                    *e = t;
                }
            }
            break;
        default: /* raw bytes of the header, by libFuzzer */
            if (LLVMFuzzerMutate) {
                uint8_t h[HEADER];
                memcpy(h, r.h, HEADER);
                size_t n = LLVMFuzzerMutate(h, HEADER, HEADER);
                memcpy(r.h, h, n < HEADER ? n : HEADER);
            }
            break;
        }
    }
    return serialize(&r, data, max_size);
}
