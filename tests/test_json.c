/* The JSON scanner against JSONTestSuite (tests/data/json/test_parsing, see the README there),
 * and a differential test against jansson on those files and on generated inputs.
 *
 * Inputs are checked with awsval_check on tests/data/models/any.json, whose only operation has
 * no input shape: the checker then scans any JSON value untyped, so only JSON syntax decides. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

#define SUITE_DIR AWSVAL_TEST_DATA_DIR "/json/test_parsing"

static awsval_model *any;
static awsval_ctx *ctx;

static void setup(void)
{
    awsval_model_err err = {.size = sizeof err};
    any = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/any.json", NULL, &err);
    cr_assert_not_null(any, "%s", err.message);
    ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    awsval_ctx_free(ctx);
    awsval_model_free(any);
}

TestSuite(json, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------------------ helpers */

typedef struct file {
    char name[128];
    char *data;
    size_t len;
} file;

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const file *)a)->name, ((const file *)b)->name);
}

/* Reads every file of the suite whose name starts with `prefix` ("" = all), sorted by name. */
static file *read_suite(const char *prefix, size_t *count)
{
    DIR *d = opendir(SUITE_DIR);
    cr_assert_not_null(d, "cannot open %s", SUITE_DIR);
    size_t n = 0, cap = 512;
    file *fs = calloc(cap, sizeof *fs);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (e->d_name[0] == '.' || nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0) continue;
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        cr_assert_lt(n, cap);
        cr_assert_lt(nl, sizeof fs[n].name);
        memcpy(fs[n].name, e->d_name, nl + 1);
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SUITE_DIR, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        rewind(f);
        fs[n].data = malloc((size_t)sz + 1);
        cr_assert_eq(fread(fs[n].data, 1, (size_t)sz, f), (size_t)sz);
        fclose(f);
        fs[n].len = (size_t)sz;
        n++;
    }
    closedir(d);
    qsort(fs, n, sizeof *fs, cmp_files);
    *count = n;
    return fs;
}

static void free_suite(file *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) free(fs[i].data);
    free(fs);
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0) return true;
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* awsval's verdict; a rejection must be exactly one PARSE violation inside the input. */
static bool awsval_accepts_with(awsval_ctx *c, const char *name, const char *data, size_t len)
{
    awsval_code rc = awsval_check(c, any, "Anything", data, len);
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "%s: %s", name, awsval_err_name(rc));
    if (rc == AWSVAL_OK) {
        cr_assert_eq(awsval_ctx_violation_total(c), 0, "%s", name);
        return true;
    }
    cr_assert_eq(awsval_ctx_violation_count(c), 1, "%s", name);
    cr_assert_eq(awsval_ctx_violation_total(c), 1, "%s", name);
    awsval_violation v = {.size = sizeof v};
    cr_assert_eq(awsval_ctx_violation(c, 0, &v), AWSVAL_OK);
    cr_assert_eq(v.kind, AWSVAL_KIND_PARSE, "%s: kind %s", name, awsval_kind_name(v.kind));
    cr_assert_leq(v.offset, len, "%s: offset %zu past the end (%zu)", name, v.offset, len);
    cr_assert_neq(v.constraint[0], '\0', "%s: no description", name);
    return false;
}

static bool awsval_accepts(const char *name, const char *data, size_t len)
{
    return awsval_accepts_with(ctx, name, data, len);
}

static bool jansson_accepts(const char *data, size_t len)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    json_decref(doc);
    return doc != NULL;
}

/* ------------------------------------------------------------------------ JSONTestSuite */

/* awsval rejects duplicate keys on purpose (so does the service): the two y_ files that have
 * them are rejected. */
static const char *const y_rejected[] = {
    "y_object_duplicated_key.json",
    "y_object_duplicated_key_and_value.json",
};

Test(json, suite_is_complete)
{
    size_t ny, nn, ni;
    file *y = read_suite("y_", &ny), *n = read_suite("n_", &nn), *i = read_suite("i_", &ni);
    cr_assert_eq(ny, 95);
    cr_assert_eq(nn, 188);
    cr_assert_eq(ni, 35);
    free_suite(y, ny);
    free_suite(n, nn);
    free_suite(i, ni);
}

Test(json, suite_y_accepted)
{
    size_t n;
    file *fs = read_suite("y_", &n);
    for (size_t k = 0; k < n; k++) {
        bool ok = awsval_accepts(fs[k].name, fs[k].data, fs[k].len);
        if (in_list(fs[k].name, y_rejected, COUNT(y_rejected))) {
            cr_assert(!ok, "%s: accepted (duplicate keys must be rejected)", fs[k].name);
            awsval_violation v = {.size = sizeof v};
            awsval_ctx_violation(ctx, 0, &v);
            cr_assert_str_eq(v.constraint, "duplicate key \"a\"", "%s", fs[k].name);
        } else {
            cr_assert(ok, "%s: rejected: %s", fs[k].name, ok ? "" : "see violation");
        }
    }
    free_suite(fs, n);
}

Test(json, suite_n_rejected)
{
    size_t n;
    file *fs = read_suite("n_", &n);
    for (size_t k = 0; k < n; k++) {
        bool ok = awsval_accepts(fs[k].name, fs[k].data, fs[k].len);
        cr_assert(!ok, "%s: accepted", fs[k].name);
    }
    free_suite(fs, n);
}

/* Implementation-defined cases: awsval's current decision for each (README.md beside the data
 * says why). A new i_ file must be added to one of the lists. */
static const char *const i_accepted[] = {
    "i_number_double_huge_neg_exp.json",
    "i_number_huge_exp.json",
    "i_number_neg_int_huge_exp.json",
    "i_number_pos_double_huge_exp.json",
    "i_number_real_neg_overflow.json",
    "i_number_real_pos_overflow.json",
    "i_number_real_underflow.json",
    "i_number_too_big_neg_int.json",
    "i_number_too_big_pos_int.json",
    "i_number_very_big_negative_int.json",
};
static const char *const i_rejected[] = {
    "i_object_key_lone_2nd_surrogate.json",
    "i_string_1st_surrogate_but_2nd_missing.json",
    "i_string_1st_valid_surrogate_2nd_invalid.json",
    "i_string_UTF-16LE_with_BOM.json",
    "i_string_UTF-8_invalid_sequence.json",
    "i_string_UTF8_surrogate_U+D800.json",
    "i_string_incomplete_surrogate_and_escape_valid.json",
    "i_string_incomplete_surrogate_pair.json",
    "i_string_incomplete_surrogates_escape_valid.json",
    "i_string_invalid_lonely_surrogate.json",
    "i_string_invalid_surrogate.json",
    "i_string_invalid_utf-8.json",
    "i_string_inverted_surrogates_U+1D11E.json",
    "i_string_iso_latin_1.json",
    "i_string_lone_second_surrogate.json",
    "i_string_lone_utf8_continuation_byte.json",
    "i_string_not_in_unicode_range.json",
    "i_string_overlong_sequence_2_bytes.json",
    "i_string_overlong_sequence_6_bytes.json",
    "i_string_overlong_sequence_6_bytes_null.json",
    "i_string_truncated-utf-8.json",
    "i_string_utf16BE_no_BOM.json",
    "i_string_utf16LE_no_BOM.json",
    "i_structure_500_nested_arrays.json", /* deeper than the default max_depth of 64 */
    "i_structure_UTF-8_BOM_empty_object.json",
};

Test(json, suite_i_decisions)
{
    size_t n;
    file *fs = read_suite("i_", &n);
    cr_assert_eq(n, COUNT(i_accepted) + COUNT(i_rejected));
    for (size_t k = 0; k < n; k++) {
        bool acc = in_list(fs[k].name, i_accepted, COUNT(i_accepted));
        bool rej = in_list(fs[k].name, i_rejected, COUNT(i_rejected));
        cr_assert(acc != rej, "%s: not in the decision table (or in both lists)", fs[k].name);
        bool ok = awsval_accepts(fs[k].name, fs[k].data, fs[k].len);
        cr_assert_eq(ok, acc, "%s: %s, the table says %s", fs[k].name, ok ? "accepted" : "rejected",
                     acc ? "accepted" : "rejected");
    }
    free_suite(fs, n);
}

/* The depth decision is the limit's, not the scanner's. */
Test(json, suite_depth_follows_max_depth)
{
    size_t n;
    file *fs = read_suite("i_structure_500_nested_arrays.json", &n);
    cr_assert_eq(n, 1);
    awsval_ctx_opts o = {.size = sizeof o, .max_depth = 500};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    cr_assert(awsval_accepts_with(c, fs[0].name, fs[0].data, fs[0].len));
    awsval_ctx_free(c);
    o.max_depth = 499;
    c = awsval_ctx_create(&o, NULL);
    cr_assert(!awsval_accepts_with(c, fs[0].name, fs[0].data, fs[0].len));
    awsval_violation v = {.size = sizeof v};
    awsval_ctx_violation(c, 0, &v);
    cr_assert_eq(v.offset, 499);
    cr_assert_str_eq(v.constraint, "nesting deeper than 499 levels");
    awsval_ctx_free(c);
    free_suite(fs, n);

    fs = read_suite("n_structure_100000_opening_arrays.json", &n);
    cr_assert_eq(n, 1);
    cr_assert(!awsval_accepts(fs[0].name, fs[0].data, fs[0].len));
    awsval_violation w = {.size = sizeof w};
    awsval_ctx_violation(ctx, 0, &w);
    cr_assert_eq(w.offset, 64);
    free_suite(fs, n);
}

/* -------------------------------------------------------------- differential: jansson */

/* Files where awsval and jansson (2.14, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY) disagree, and
 * why. Each is checked to still disagree in the stated direction. */
static const struct {
    const char *name;
    bool awsval; /* awsval's verdict; jansson's is the opposite */
    const char *why;
} known_differences[] = {
    {"i_number_huge_exp.json", true, "jansson: real number overflow; awsval keeps numbers as text"},
    {"i_number_neg_int_huge_exp.json", true, "jansson: real number overflow"},
    {"i_number_pos_double_huge_exp.json", true, "jansson: real number overflow"},
    {"i_number_real_neg_overflow.json", true, "jansson: real number overflow"},
    {"i_number_real_pos_overflow.json", true, "jansson: real number overflow"},
    {"i_number_too_big_neg_int.json", true, "jansson: integer beyond int64"},
    {"i_number_too_big_pos_int.json", true, "jansson: integer beyond int64"},
    {"i_number_very_big_negative_int.json", true, "jansson: integer beyond int64"},
    {"i_structure_500_nested_arrays.json", false, "awsval: deeper than max_depth 64"},
    {"n_multidigit_number_then_00.json", false, "jansson stops at the NUL byte after 123"},
    {"y_object_escaped_null_in_key.json", true, "jansson: no U+0000 in keys"},
    {"y_string_null_escape.json", true, "jansson: no U+0000 without JSON_ALLOW_NUL"},
};

Test(json, differential_suite_files)
{
    size_t n;
    file *fs = read_suite("", &n);
    cr_assert_eq(n, 318);
    size_t differing = 0;
    for (size_t k = 0; k < n; k++) {
        bool a = awsval_accepts(fs[k].name, fs[k].data, fs[k].len);
        bool j = jansson_accepts(fs[k].data, fs[k].len);
        size_t d = 0;
        while (d < COUNT(known_differences) && strcmp(known_differences[d].name, fs[k].name) != 0) d++;
        if (d < COUNT(known_differences)) {
            cr_assert(a != j && a == known_differences[d].awsval, "%s: no longer differs as documented (%s)",
                      fs[k].name, known_differences[d].why);
            differing++;
        } else {
            cr_assert_eq(a, j, "%s: awsval %s, jansson %s", fs[k].name, a ? "accepts" : "rejects",
                         j ? "accepts" : "rejects");
        }
    }
    cr_assert_eq(differing, COUNT(known_differences));
    free_suite(fs, n);
}

/* A small deterministic generator of JSON texts, valid and broken. */
typedef struct rng {
    uint64_t s;
} rng;

static uint32_t next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

static uint32_t below(rng *r, uint32_t n) { return next(r) % n; }

typedef struct out {
    char buf[4096];
    size_t len;
} out;

static void put(out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n < sizeof o->buf) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    }
}

static void gen_string(rng *r, out *o)
{
    static const char *const parts[] = {
        "a", "key", "Z9", " ", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b", "\\f", "\\r", "\\u00e9", "\\u20AC",
        "\\ud83d\\ude00", "\\uD834\\uDD1E", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "\xE2\x80\x8D", "~",
        "\\u0041", "\\u0061", "\\u001f", "\x7f",
    };
    put(o, "\"");
    for (uint32_t k = below(r, 5); k > 0; k--) put(o, parts[below(r, COUNT(parts))]);
    put(o, "\"");
}

static void gen_number(rng *r, out *o)
{
    char t[64];
    int n = 0;
    if (below(r, 3) == 0) t[n++] = '-';
    if (below(r, 4) == 0) {
        t[n++] = '0';
    } else {
        int digits = 1 + (int)below(r, 12);
        t[n++] = (char)('1' + below(r, 9));
        for (int k = 1; k < digits; k++) t[n++] = (char)('0' + below(r, 10));
    }
    if (below(r, 3) == 0) {
        t[n++] = '.';
        for (int k = 0, d = 1 + (int)below(r, 3); k < d; k++) t[n++] = (char)('0' + below(r, 10));
    }
    if (below(r, 4) == 0) {
        t[n++] = "eE"[below(r, 2)];
        if (below(r, 2)) t[n++] = "+-"[below(r, 2)];
        t[n++] = (char)('0' + below(r, 10));
    }
    t[n] = '\0';
    put(o, t);
}

static void gen_value(rng *r, out *o, int depth)
{
    uint32_t kind = below(r, depth > 4 ? 5 : 7);
    static const char *const ws[] = {"", "", " ", "\n", "\t", "\r\n "};
    put(o, ws[below(r, COUNT(ws))]);
    switch (kind) {
    case 0: gen_string(r, o); break;
    case 1: gen_number(r, o); break;
    case 2: put(o, "true"); break;
    case 3: put(o, "false"); break;
    case 4: put(o, "null"); break;
    case 5: {
        put(o, "[");
        for (uint32_t k = 0, n = below(r, 4); k < n; k++) {
            if (k) put(o, ",");
            gen_value(r, o, depth + 1);
        }
        put(o, "]");
        break;
    }
    default: {
        put(o, "{");
        /* Distinct keys, with now and then a duplicate, plain or escaped. */
        uint32_t n = below(r, 4);
        bool dup = below(r, 6) == 0 && n >= 2;
        for (uint32_t k = 0; k < n; k++) {
            char key[32];
            if (dup && k == n - 1) snprintf(key, sizeof key, below(r, 2) ? "\"k0\"" : "\"\\u006b0\"");
            else snprintf(key, sizeof key, "\"k%u\"", k);
            if (k) put(o, ",");
            put(o, ws[below(r, COUNT(ws))]);
            put(o, key);
            put(o, ws[below(r, COUNT(ws))]);
            put(o, ":");
            gen_value(r, o, depth + 1);
        }
        put(o, ws[below(r, COUNT(ws))]);
        put(o, "}");
    }
    }
    put(o, ws[below(r, COUNT(ws))]);
}

/* Breaks the text now and then: a byte deleted, replaced, inserted, or the text cut short. */
static void mutate(rng *r, out *o)
{
    static const char interesting[] = "{}[],:\"\\ 0123456789eE.+-tfnu\x01\x80\xC3\xFF\xED\xF4";
    uint32_t times = below(r, 3);
    for (uint32_t t = 0; t < times && o->len > 0; t++) {
        size_t at = below(r, (uint32_t)o->len);
        switch (below(r, 4)) {
        case 0:
            memmove(o->buf + at, o->buf + at + 1, o->len - at - 1);
            o->len--;
            break;
        case 1: o->buf[at] = interesting[below(r, sizeof interesting - 1)]; break;
        case 2:
            if (o->len + 1 < sizeof o->buf) {
                memmove(o->buf + at + 1, o->buf + at, o->len - at);
                o->buf[at] = interesting[below(r, sizeof interesting - 1)];
                o->len++;
            }
            break;
        default: o->len = at; break;
        }
    }
}

/* Inputs outside jansson's own limits, where a disagreement is expected (see the table above):
 * a raw NUL byte, an escaped U+0000, or a run of digits that jansson cannot hold as a number. */
static bool beyond_jansson(const out *o)
{
    size_t run = 0;
    for (size_t i = 0; i < o->len; i++) {
        if (o->buf[i] == '\0') return true;
        if (i + 6 <= o->len && memcmp(o->buf + i, "\\u0000", 6) == 0) return true;
        run = (o->buf[i] >= '0' && o->buf[i] <= '9') ? run + 1 : 0;
        if (run >= 18) return true;
    }
    /* Exponents that overflow a double: e followed by three digits or more. */
    for (size_t i = 0; i + 3 < o->len; i++)
        if ((o->buf[i] == 'e' || o->buf[i] == 'E') && o->buf[i + 1] >= '0' && o->buf[i + 1] <= '9' &&
            o->buf[i + 2] >= '0' && o->buf[i + 2] <= '9' && o->buf[i + 3] >= '0' && o->buf[i + 3] <= '9')
            return true;
    return false;
}

Test(json, differential_generated)
{
    rng r = {0x9E3779B97F4A7C15ull};
    size_t accepted = 0, rejected = 0, skipped = 0;
    for (int k = 0; k < 800; k++) {
        out o = {.len = 0};
        gen_value(&r, &o, 0);
        if (below(&r, 2)) mutate(&r, &o);
        if (beyond_jansson(&o)) {
            skipped++;
            continue;
        }
        char name[32];
        snprintf(name, sizeof name, "generated #%d", k);
        bool a = awsval_accepts(name, o.buf, o.len);
        bool j = jansson_accepts(o.buf, o.len);
        cr_assert_eq(a, j, "%s: awsval %s, jansson %s: [%.*s]", name, a ? "accepts" : "rejects",
                     j ? "accepts" : "rejects", (int)o.len, o.buf);
        if (a) accepted++;
        else rejected++;
    }
    /* The generator must exercise both sides. */
    cr_assert_gt(accepted, 200, "accepted %zu", accepted);
    cr_assert_gt(rejected, 200, "rejected %zu", rejected);
    cr_assert_lt(skipped, 80, "skipped %zu", skipped);
}
