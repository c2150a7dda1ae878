/* fuzz_check: whole-request checks against the built-in models, and every report renderer.
 *
 * Input layout (see README.md):
 *   byte 0  bit 0: model (0 vpc-lattice, 1 apprunner); bits 1-3: what to run
 *           (0-5 awsval_check of an operation, 6 awsval_check_value, 7 awsval_check_string)
 *   byte 1  operation index (mod the model's count), or member-target index
 *   byte 2  context flags: bit 0 IGNORE_UNKNOWN, bit 1 LIMIT_OPEN, bits 2-4 max_depth
 *           (0 = default 64, else 1..7), bits 5-7 max_violations (0 = default 100, else 1..7)
 *   byte 3  bits 0-5: the small render buffer's capacity (0..63); bit 6: tiny match limits;
 *           bit 7: max_size 32 bytes
 *   rest    the JSON request (or the raw string for check_string)
 *
 * Invariants (abort on violation): the return code is one the API documents; a valid result has
 * no violations and renders empty AWS/NATIVE/SMITHY documents; every violation's strings are
 * non-NULL and valid UTF-8, its span lies inside the input, a sensitive value is never echoed,
 * a parse error is the only violation; a render into a too-small buffer is NUL-terminated and
 * reports the size needed, which then renders exactly; rendered NATIVE, SMITHY and JSON
 * documents are valid JSON (jansson); awsval_native_error agrees with the verdict.
 */
#include <jansson.h>
#include <string.h>

#include "awsval.h"
#include "fuzz_common.h"

static awsval_model *g_models[2];

/* Member targets for awsval_check_value / awsval_check_string, per model. */
static const char *const g_targets[2][10] = {
    {"CreateServiceNetworkServiceAssociationRequest$serviceIdentifier",
     "TagResourceRequest$tags", "TagResourceRequest$resourceArn", "CreateListenerRequest$port",
     "CreateRuleRequest$match", "CreateTargetGroupRequest$config",
     "CreateServiceRequest$customDomainName", "TagKey", "CreateRuleRequest$priority",
     "UpdateRuleRequest$action"},
    {"CreateServiceRequest$ServiceName", "CreateServiceRequest$SourceConfiguration",
     "CreateServiceRequest$InstanceConfiguration",
     "CreateAutoScalingConfigurationRequest$MaxConcurrency", "TagResourceRequest$Tags",
     "CreateConnectionRequest$ProviderType", "CreateServiceRequest$HealthCheckConfiguration",
     "CreateServiceRequest$NetworkConfiguration", "CreateServiceRequest$ServiceName",
     "TagResourceRequest$ResourceArn"},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const names[2] = {"vpc-lattice", "apprunner"};
    for (int i = 0; i < 2; i++) {
        awsval_model_err err = {.size = sizeof err};
        g_models[i] = awsval_model_load_builtin(names[i], NULL, &err);
        FUZZ_ASSERT(g_models[i] != NULL, "builtin model %s: %s", names[i], err.message);
    }
    return 0;
}

static void check_str(const char *what, const char *s)
{
    FUZZ_ASSERT(s != NULL, "violation field %s is NULL", what);
    FUZZ_ASSERT(fuzz_utf8_valid(s, strlen(s)), "violation field %s is not UTF-8", what);
}

static void check_violations(awsval_ctx *ctx, awsval_code rc, size_t size,
                             uint32_t max_violations)
{
    size_t count = awsval_ctx_violation_count(ctx), total = awsval_ctx_violation_total(ctx);
    if (rc == AWSVAL_OK) {
        FUZZ_ASSERT(count == 0 && total == 0, "valid result with %zu/%zu violations", count, total);
        return;
    }
    FUZZ_ASSERT(total >= 1 && count >= 1, "invalid result with %zu/%zu violations", count, total);
    FUZZ_ASSERT(count <= total && count <= max_violations, "count %zu total %zu max %u", count,
                total, max_violations);
    FUZZ_ASSERT(count == (total < max_violations ? total : max_violations),
                "count %zu total %zu max %u", count, total, max_violations);
    for (size_t i = 0; i < count; i++) {
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        FUZZ_ASSERT(awsval_ctx_violation(ctx, i, &v) == AWSVAL_OK, "violation %zu", i);
        FUZZ_ASSERT(v.kind >= AWSVAL_KIND_REQUIRED && v.kind <= AWSVAL_KIND_UNIQUE, "kind %u",
                    v.kind);
        FUZZ_ASSERT(v.source == AWSVAL_SOURCE_MODEL || v.source == AWSVAL_SOURCE_DOCUMENTED,
                    "source %u", v.source);
        FUZZ_ASSERT((v.flags & ~15u) == 0, "flags %#x", v.flags);
        check_str("pointer", v.pointer);
        check_str("aws_path", v.aws_path);
        check_str("shape", v.shape);
        check_str("constraint", v.constraint);
        FUZZ_ASSERT(v.pointer[0] == '\0' || v.pointer[0] == '/', "pointer '%s'", v.pointer);
        if (v.value) check_str("value", v.value);
        if (v.pattern) check_str("pattern", v.pattern);
        if (v.min_text) check_str("min_text", v.min_text);
        if (v.max_text) check_str("max_text", v.max_text);
        /* An overlay's forbiddenPrefix rule is reported as a PATTERN violation without a
         * pattern (models/README.md); a model pattern always has one. */
        if (v.kind == AWSVAL_KIND_PATTERN && v.source == AWSVAL_SOURCE_MODEL)
            FUZZ_ASSERT(v.pattern != NULL, "pattern kind, no pattern");
        if (v.flags & AWSVAL_VIOLATION_SENSITIVE)
            FUZZ_ASSERT(v.value == NULL, "sensitive value echoed: '%s'", v.value);
        FUZZ_ASSERT(v.offset <= size && v.length <= size - v.offset,
                    "span %zu+%zu outside input of %zu bytes", v.offset, v.length, size);
        if (v.kind == AWSVAL_KIND_PARSE)
            FUZZ_ASSERT(total == 1, "a parse error among %zu violations", total);
    }
    awsval_violation v;
    memset(&v, 0, sizeof v);
    v.size = sizeof v;
    FUZZ_ASSERT(awsval_ctx_violation(ctx, count, &v) == AWSVAL_NOTFOUND, "violation past count");
}

/* Whether the answer is not a list of validation errors: the request could not be read (a
 * parse failure, a value of the wrong type) or was over a limit as a whole. */
static int parse_failed(awsval_ctx *ctx)
{
    for (size_t i = 0; i < awsval_ctx_violation_count(ctx); i++) {
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        if (awsval_ctx_violation(ctx, i, &v) != AWSVAL_OK) continue;
        if (v.kind == AWSVAL_KIND_PARSE || v.kind == AWSVAL_KIND_TYPE || v.kind == AWSVAL_KIND_OPERATION ||
            (v.kind == AWSVAL_KIND_LIMIT && !v.pattern))
            return 1;
    }
    return 0;
}

/* Whether the JSON string `j` (which may hold NULs) says what the C string `c` says, where the
 * library writes a NUL as the six characters \u0000 (a C string cannot hold one). */
static int same_text(json_t *j, const char *c)
{
    const char *s = json_string_value(j);
    if (!s || !c) return 0;
    size_t n = json_string_length(j), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i]) {
            if (c[k++] != s[i]) return 0;
        } else {
            if (strncmp(c + k, "\\u0000", 6) != 0) return 0;
            k += 6;
        }
    }
    return c[k] == '\0';
}

/* The machine report says what the violations say. */
static void check_machine_doc(awsval_ctx *ctx, awsval_code rc, json_t *doc, const char *buf)
{
    json_t *valid = json_object_get(doc, "valid");
    FUZZ_ASSERT(json_is_boolean(valid) && json_is_true(valid) == (rc == AWSVAL_OK),
                "JSON report 'valid' disagrees: %s", buf);
    json_t *total = json_object_get(doc, "total");
    FUZZ_ASSERT(json_is_integer(total) &&
                    (size_t)json_integer_value(total) == awsval_ctx_violation_total(ctx),
                "JSON report 'total' disagrees: %s", buf);
    json_t *fl = json_object_get(doc, "failures");
    FUZZ_ASSERT(json_is_array(fl) && json_array_size(fl) == awsval_ctx_violation_count(ctx),
                "JSON report 'failures' has not count entries: %s", buf);
    for (size_t i = 0; i < json_array_size(fl); i++) {
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        awsval_ctx_violation(ctx, i, &v);
        json_t *f = json_array_get(fl, i);
        const char *kind = json_string_value(json_object_get(f, "constraint"));
        FUZZ_ASSERT(same_text(json_object_get(f, "path"), v.pointer), "failure %zu path: %s", i, buf);
        FUZZ_ASSERT(same_text(json_object_get(f, "awsPath"), v.aws_path), "failure %zu awsPath: %s", i, buf);
        FUZZ_ASSERT(kind && strcmp(kind, awsval_kind_name(v.kind)) == 0, "failure %zu kind: %s",
                    i, buf);
        FUZZ_ASSERT((size_t)json_integer_value(json_object_get(f, "offset")) == v.offset &&
                        (size_t)json_integer_value(json_object_get(f, "length")) == v.length,
                    "failure %zu span: %s", i, buf);
    }
}

static void check_renders(awsval_ctx *ctx, const awsval_model *m, awsval_code rc,
                          size_t small_cap)
{
    static const uint32_t styles[4] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE,
                                       AWSVAL_REPORT_SMITHY, AWSVAL_REPORT_JSON};
    char small[64];
    for (int k = 0; k < 4; k++) {
        size_t need = 0;
        memset(small, 'X', sizeof small);
        awsval_code r = awsval_render(ctx, styles[k], small, small_cap, &need);
        FUZZ_ASSERT(r == AWSVAL_OK || r == AWSVAL_TOOSMALL, "render style %u: %u", styles[k], r);
        FUZZ_ASSERT(need >= 1, "render need %zu", need);
        if (small_cap > 0) {
            FUZZ_ASSERT(memchr(small, '\0', small_cap) != NULL, "small render not NUL-terminated");
            if (r == AWSVAL_OK) FUZZ_ASSERT(strlen(small) + 1 == need, "need %zu", need);
        }
        FUZZ_ASSERT(r == (need <= small_cap ? AWSVAL_OK : AWSVAL_TOOSMALL),
                    "render rc %u with need %zu cap %zu", r, need, small_cap);
        char *buf = malloc(need);
        FUZZ_ASSERT(buf != NULL, "malloc");
        size_t need2 = 0;
        r = awsval_render(ctx, styles[k], buf, need, &need2);
        FUZZ_ASSERT(r == AWSVAL_OK && need2 == need, "right-sized render: rc %u need %zu/%zu", r,
                    need2, need);
        size_t len = strlen(buf);
        FUZZ_ASSERT(len + 1 == need, "rendered %zu bytes, need %zu", len, need);
        FUZZ_ASSERT(fuzz_utf8_valid(buf, len), "render style %u is not UTF-8", styles[k]);
        if (small_cap > 0 && need > small_cap) {
            /* cut on a character boundary: up to 3 bytes short of the room when a multi-byte
             * character did not fit whole */
            size_t sl = strlen(small);
            FUZZ_ASSERT(sl < small_cap && small_cap - 1 - sl < 4 && memcmp(small, buf, sl) == 0 &&
                            ((unsigned char)buf[sl] & 0xC0) != 0x80 &&
                            (sl == small_cap - 1 || (unsigned char)buf[sl] >= 0xC0),
                        "truncated render is not the longest whole-character prefix");
        }
        if (styles[k] == AWSVAL_REPORT_AWS && rc == AWSVAL_INVALID && !parse_failed(ctx)) {
            /* "N validation errors detected: ", N the service's count (a list or map of
             * scalars is one error however many of its items fail): 1 <= N <= total. */
            char *end;
            unsigned long n = strtoul(buf, &end, 10);
            size_t t = awsval_ctx_violation_total(ctx);
            const char *tail = n == 1 ? " validation error detected: " : " validation errors detected: ";
            FUZZ_ASSERT(end != buf && n >= 1 && n <= t && strncmp(end, tail, strlen(tail)) == 0,
                        "AWS message head: %s", buf);
        }
        if (rc == AWSVAL_OK && styles[k] != AWSVAL_REPORT_JSON)
            FUZZ_ASSERT(len == 0, "valid result renders style %u: %s", styles[k], buf);
        if (styles[k] != AWSVAL_REPORT_AWS && len > 0) {
            json_error_t err;
            json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
            FUZZ_ASSERT(doc != NULL, "style %u renders invalid JSON (%s at %d): %s", styles[k],
                        err.text, err.position, buf);
            if (styles[k] == AWSVAL_REPORT_JSON) check_machine_doc(ctx, rc, doc, buf);
            json_decref(doc);
        }
        free(buf);
    }
    /* A NULL buffer with cap 0 only measures. */
    size_t need = 0;
    awsval_code r = awsval_render(ctx, AWSVAL_REPORT_JSON, NULL, 0, &need);
    FUZZ_ASSERT((r == AWSVAL_TOOSMALL || r == AWSVAL_OK) && need >= 1, "measure: %u %zu", r, need);

    (void)m;
    awsval_rejection rej = {.size = sizeof rej};
    FUZZ_ASSERT(awsval_ctx_rejection(ctx, &rej) == AWSVAL_OK, "rejection");
    FUZZ_ASSERT(rej.error_type != NULL && rej.content_type != NULL, "rejection strings NULL");
    if (rc == AWSVAL_OK) FUZZ_ASSERT(rej.status == 0 && rej.error_type[0] == '\0', "valid: %d %s", rej.status, rej.error_type);
    else FUZZ_ASSERT(rej.status >= 400 && rej.status <= 599 && rej.error_type[0], "invalid: %d '%s'", rej.status, rej.error_type);
    size_t body_need = 0;
    awsval_render(ctx, AWSVAL_REPORT_NATIVE, NULL, 0, &body_need);
    FUZZ_ASSERT(rej.body_len + 1 == body_need || (rc == AWSVAL_OK && rej.body_len == 0), "body_len");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_models[0]) LLVMFuzzerInitialize(NULL, NULL);
    if (size < 4) return 0;
    const awsval_model *m = g_models[data[0] & 1];
    unsigned what = (data[0] >> 1) & 7;
    unsigned sel = data[1];
    unsigned cflags = data[2];
    size_t small_cap = data[3] & 63;
    const char *json = (const char *)data + 4;
    size_t len = size - 4;

    awsval_ctx_opts o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    if (cflags & 1) o.flags |= AWSVAL_CHECK_IGNORE_UNKNOWN;
    if (cflags & 2) o.flags |= AWSVAL_CHECK_LIMIT_OPEN;
    o.max_depth = (cflags >> 2) & 7;
    o.max_violations = (cflags >> 5) & 7;
    if (data[3] & 64) {
        o.match_limit = 20;
        o.depth_limit = 5;
        o.heap_limit_kib = 1;
    }
    if (data[3] & 128) o.max_size = 32;
    uint32_t maxv = o.max_violations ? o.max_violations : 100;
    awsval_ctx *ctx = awsval_ctx_create(&o, NULL);
    FUZZ_ASSERT(ctx != NULL, "ctx_create");

    /* Before any check: nothing to render. */
    size_t need = 0;
    FUZZ_ASSERT(awsval_render(ctx, AWSVAL_REPORT_JSON, NULL, 0, &need) == AWSVAL_NOCHECK,
                "render before a check");
    FUZZ_ASSERT(awsval_ctx_violation_count(ctx) == 0, "count before a check");

    awsval_code rc;
    if (what < 6) {
        size_t nops = awsval_model_operation_count(m);
        FUZZ_ASSERT(nops > 0, "no operations");
        const char *op = awsval_model_operation_name(m, sel % nops);
        FUZZ_ASSERT(op != NULL, "operation %zu", (size_t)(sel % nops));
        FUZZ_ASSERT(awsval_model_operation_name(m, nops) == NULL, "operation past the end");
        rc = awsval_check(ctx, m, op, json, len);
    } else {
        const char *tg = g_targets[data[0] & 1][sel % 10];
        if (what == 6) {
            rc = awsval_check_value(ctx, m, tg, json, len);
        } else {
            rc = awsval_check_string(ctx, m, tg, json, len);
            /* Not a string shape: a bad argument, and no result. */
            if (rc == AWSVAL_BADARG) goto done;
        }
    }
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "check returned %s", awsval_err_name(rc));
    check_violations(ctx, rc, len, maxv);
    check_renders(ctx, m, rc, small_cap);
    for (size_t i = 0; i < awsval_ctx_violation_count(ctx); i++) {
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        awsval_ctx_violation(ctx, i, &v);
        size_t line = 0, col = 0;
        int ok = awsval_locate_pos(json, len, v.offset, &line, &col) == AWSVAL_OK;
        if (v.offset < len) FUZZ_ASSERT(ok == 1 && line >= 1 && col >= 1, "locate %zu", v.offset);
    }
    /* The same context again, with a different model: the result is replaced. */
    rc = awsval_check(ctx, g_models[(data[0] & 1) ^ 1], "NoSuchOperation", "{}", 2);
    FUZZ_ASSERT(rc == AWSVAL_NOTFOUND, "unknown operation: %s", awsval_err_name(rc));
done:
    awsval_ctx_free(ctx);
    return 0;
}
