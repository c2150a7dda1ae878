/* Smithy's restJson1 malformed-request protocol tests (tests/data/smithy-malformed): every case
 * is sent as an HTTP request through awsval_check_http, and the response awsval_render_http
 * renders must match the case's: status code, x-amzn-ErrorType, and the body as JSON.
 *
 * One test runs every case and collects the failures, so that one run reports them all: each
 * failing case is logged with its id, what was expected and what came back, and the pass/fail
 * counts per Smithy source file are logged (cr_log_info; run with --verbose to see them when
 * everything passes). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"
#include "http_util.h"

#define DATA AWSVAL_TEST_DATA_DIR "/smithy-malformed"
#define CASE_COUNT 125

static awsval_model *model;
static awsval_ctx *ctx;

static void setup(void)
{
    awsval_model_err err = {.size = sizeof err};
    model = awsval_model_load_file(DATA "/service-2.json", NULL, &err);
    cr_assert_not_null(model, "cannot load %s: %s", DATA "/service-2.json", err.message);
    ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    awsval_ctx_free(ctx);
    awsval_model_free(model);
}

TestSuite(smithy, .init = setup, .fini = teardown);

/* A growing text buffer for one case's failure report. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cr_assert_geq(n, 0);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        cr_assert_not_null(t->s);
    }
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap2);
    va_end(ap2);
    t->len += (size_t)n;
}

/* The request of a case as awsval_check_http takes it; storage for the target and headers. */
typedef struct built {
    awsval_http_request req;
    awsval_http_header headers[32];
    char *target;
} built;

/* Fills *b from the case's "request". NULL on success, else what is wrong with the case. */
static const char *build_request(json_t *request, built *b)
{
    memset(b, 0, sizeof *b);
    json_t *method = json_object_get(request, "method"), *uri = json_object_get(request, "uri");
    json_t *query = json_object_get(request, "queryParams"), *hdrs = json_object_get(request, "headers");
    json_t *body = json_object_get(request, "body");
    if (!json_is_string(method) || !json_is_string(uri)) return "request without method or uri";
    size_t cap = json_string_length(uri) + 2;
    size_t i;
    json_t *q;
    if (query) {
        if (!json_is_array(query)) return "queryParams is not an array";
        json_array_foreach(query, i, q) {
            if (!json_is_string(q)) return "a query parameter is not a string";
            cap += json_string_length(q) + 1;
        }
    }
    b->target = malloc(cap);
    if (!b->target) return "out of memory";
    size_t n = json_string_length(uri);
    memcpy(b->target, json_string_value(uri), n);
    if (query && json_array_size(query) > 0) {
        json_array_foreach(query, i, q) {
            b->target[n++] = i == 0 ? '?' : '&';
            memcpy(b->target + n, json_string_value(q), json_string_length(q));
            n += json_string_length(q);
        }
    }
    b->target[n] = '\0';
    size_t count = 0;
    if (hdrs) {
        if (!json_is_object(hdrs)) return "headers is not an object";
        const char *k;
        json_t *v;
        json_object_foreach(hdrs, k, v) {
            if (!json_is_string(v)) return "a header value is not a string";
            if (count == sizeof b->headers / sizeof b->headers[0]) return "too many headers";
            b->headers[count].name = k;
            b->headers[count].name_len = strlen(k);
            b->headers[count].value = json_string_value(v);
            b->headers[count].value_len = json_string_length(v);
            count++;
        }
    }
    b->req.size = sizeof b->req;
    b->req.method = json_string_value(method);
    b->req.method_len = json_string_length(method);
    b->req.target = b->target;
    b->req.target_len = n;
    b->req.headers = b->headers;
    b->req.header_count = count;
    if (json_is_string(body)) {
        b->req.body = json_string_value(body);
        b->req.body_len = json_string_length(body);
    } else if (body && !json_is_null(body)) {
        return "body is neither a string nor null";
    }
    return NULL;
}

/* Runs one case; appends what differs to *why. Returns 1 if it passed. */
static int run_case(json_t *c, text *why)
{
    json_t *request = json_object_get(c, "request"), *response = json_object_get(c, "response");
    const char *operation = json_string_value(json_object_get(c, "operation"));
    json_t *want_code = json_object_get(response, "code");
    json_t *want_headers = json_object_get(response, "headers");
    json_t *want_body = json_object_get(response, "body");
    const char *want_type = json_string_value(json_object_get(want_headers, "x-amzn-errortype"));
    if (!operation || !json_is_integer(want_code) || !want_type || !want_body) {
        add(why, "  malformed case (operation, response.code, x-amzn-errortype or body missing)\n");
        return 0;
    }
    built b;
    const char *bad = build_request(request, &b);
    if (bad) {
        add(why, "  malformed case: %s\n", bad);
        free(b.target);
        return 0;
    }
    int ok = 1;
    char *resp = NULL;
    awsval_code rc = awsval_check_http(ctx, model, &b.req);
    if (rc != AWSVAL_INVALID) {
        add(why, "  awsval_check_http: expected INVALID, got %s\n", awsval_err_name(rc));
        ok = 0;
        if (rc != AWSVAL_OK) goto done;
    }
    const char *routed = awsval_ctx_operation(ctx);
    if (!routed || strcmp(routed, operation) != 0) {
        add(why, "  awsval_ctx_operation: expected %s, got %s\n", operation, routed ? routed : "NULL");
        ok = 0;
    }
    if (rc != AWSVAL_INVALID) goto done;
    size_t len = 0;
    resp = render_http_alloc(ctx, model, &rc, &len);
    if (!resp) {
        add(why, "  awsval_render_http: %s\n", awsval_err_name(rc));
        ok = 0;
        goto done;
    }
    http_response r;
    const char *perr = parse_response(resp, len, &r);
    if (perr) {
        add(why, "  response: %s; got:\n%s\n", perr, resp);
        ok = 0;
        goto done;
    }
    if (r.status != (int)json_integer_value(want_code)) {
        add(why, "  status: expected %d, got %d\n", (int)json_integer_value(want_code), r.status);
        ok = 0;
    }
    int dups = 0;
    int ti = find_header(&r, "x-amzn-errortype", &dups);
    if (ti < 0) {
        add(why, "  x-amzn-errortype: expected %s, got no such header\n", want_type);
        ok = 0;
    } else if (strlen(want_type) != r.headers[ti].value_len ||
               memcmp(want_type, r.headers[ti].value, r.headers[ti].value_len) != 0 || dups) {
        add(why, "  x-amzn-errortype: expected %s, got %.*s%s\n", want_type, (int)r.headers[ti].value_len,
            r.headers[ti].value, dups ? " (and more than one such header)" : "");
        ok = 0;
    }
    json_error_t je;
    json_t *got_body = json_loadb(r.body, r.body_len, JSON_REJECT_DUPLICATES, &je);
    char *want_text = json_dumps(want_body, JSON_COMPACT | JSON_SORT_KEYS);
    if (!got_body) {
        add(why, "  body: not JSON (%s at %d)\n    expected: %s\n    got:      %.*s\n", je.text, je.position,
            want_text, (int)r.body_len, r.body);
        ok = 0;
    } else {
        char diff[2048];
        if (!json_same(want_body, got_body, diff, sizeof diff)) {
            char *got_text = json_dumps(got_body, JSON_COMPACT | JSON_SORT_KEYS);
            add(why, "  body differs %s\n    expected: %s\n    got:      %s\n", diff, want_text, got_text);
            free(got_text);
            ok = 0;
        }
        json_decref(got_body);
    }
    free(want_text);
done:
    free(resp);
    free(b.target);
    return ok;
}

typedef struct file_count {
    char file[128];
    int pass, fail;
} file_count;

Test(smithy, model_loads)
{
    cr_assert_str_eq(awsval_model_protocol(model), "rest-json");
    cr_assert_eq(awsval_model_operation_count(model), 12);
}

Test(smithy, malformed_requests)
{
    FILE *f = fopen(DATA "/cases.jsonl", "r");
    cr_assert_not_null(f, "cannot open %s", DATA "/cases.jsonl");
    file_count files[16];
    size_t nfiles = 0;
    int total = 0, failed = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t n;
    text report = {0};
    while ((n = getline(&line, &linecap, f)) > 0) {
        json_error_t je;
        json_t *c = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
        cr_assert_not_null(c, "cases.jsonl line %d: %s", total + 1, je.text);
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *file = json_string_value(json_object_get(json_object_get(c, "source"), "file"));
        cr_assert_not_null(id, "cases.jsonl line %d: no id", total + 1);
        cr_assert_not_null(file, "cases.jsonl line %d: no source.file", total + 1);
        size_t fi = 0;
        while (fi < nfiles && strcmp(files[fi].file, file) != 0) fi++;
        if (fi == nfiles) {
            cr_assert_lt(nfiles, sizeof files / sizeof files[0]);
            memset(&files[fi], 0, sizeof files[fi]);
            snprintf(files[fi].file, sizeof files[fi].file, "%s", file);
            nfiles++;
        }
        text why = {0};
        if (run_case(c, &why)) {
            files[fi].pass++;
        } else {
            files[fi].fail++;
            failed++;
            /* The request, so that a failure can be replayed by hand. */
            json_t *req = json_object_get(c, "request");
            char *req_text = json_dumps(req, JSON_COMPACT);
            cr_log_error("smithy case %s (%s) FAILED\n  request: %s\n%s", id, file, req_text,
                         why.s ? why.s : "");
            add(&report, "%s\n", id);
            free(req_text);
        }
        free(why.s);
        json_decref(c);
        total++;
    }
    free(line);
    fclose(f);
    for (size_t i = 0; i < nfiles; i++)
        cr_log_info("smithy %-32s pass %3d  fail %3d", files[i].file, files[i].pass, files[i].fail);
    cr_log_info("smithy total: %d cases, %d passed, %d failed", total, total - failed, failed);
    if (failed) {
        for (size_t i = 0; i < nfiles; i++)
            cr_log_warn("smithy %-32s pass %3d  fail %3d", files[i].file, files[i].pass, files[i].fail);
        cr_log_warn("smithy failing cases:\n%s", report.s);
    }
    free(report.s);
    cr_assert_eq(total, CASE_COUNT, "cases.jsonl holds %d cases, expected %d", total, CASE_COUNT);
    cr_assert_eq(failed, 0, "%d of %d Smithy malformed-request cases failed (see the log above)", failed, total);
}

/* The one test of those Smithy files that is not a malformed request: the service must accept it
 * (README.md, "Not converted"). */
Test(smithy, recursive_structures_accepted)
{
    static const char body[] = "{ \"union\" : {\n    \"union\" : {\n        \"union\" : { \"string\" : \"abc\" }\n    }\n  }\n}";
    awsval_http_header h[] = {{"content-type", 12, "application/json", 16}};
    awsval_http_request req = {.size = sizeof req, .method = "POST", .method_len = 4,
                               .target = "/RecursiveStructures", .target_len = 20, .headers = h,
                               .header_count = 1, .body = body, .body_len = sizeof body - 1};
    awsval_code rc = awsval_check_http(ctx, model, &req);
    cr_assert_eq(rc, AWSVAL_OK, "got %s", awsval_err_name(rc));
    cr_assert_str_eq(awsval_ctx_operation(ctx) ? awsval_ctx_operation(ctx) : "NULL", "RecursiveStructures");
    size_t len = 0;
    char *resp = render_http_alloc(ctx, model, &rc, &len);
    cr_assert_not_null(resp, "awsval_render_http: %s", awsval_err_name(rc));
    cr_assert_str_eq(resp, "");
    free(resp);
}
