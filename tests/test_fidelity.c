#define _POSIX_C_SOURCE 200809L
/* Fidelity: the answers of real AWS services (tests/data/real-aws-messages, each with its
 * source) against awsval's for the same request, exactly: the error code, the HTTP status and
 * the message, and the body where it was recorded.
 *
 * A case whose only difference is an enum printed in a service-specific order, or model drift
 * (an enum that gained values since the answer was recorded), is listed below with that reason:
 * it is compared with the enum's values sorted (order) or left out (drift), and everything else
 * must still be equal. Nothing is skipped. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

#define DIR AWSVAL_TEST_DATA_DIR "/real-aws-messages"

/* Cases compared with a normalised enum set, and why. */
static const struct {
    const char *id;
    enum { ENUM_ORDER = 1, ENUM_DRIFT } how;
    const char *why;
} listed[] = {
    {"ls-apigw-putintegration-type-enum", ENUM_ORDER,
     "API Gateway prints IntegrationType's values in its own order, not the model's"},
    {"ls-apigw-getgatewayresponse-responsetype-enum", ENUM_ORDER,
     "API Gateway prints GatewayResponseType's values in its own order, not the model's"},
    {"ls-transcribe-starttranscriptionjob-languagecode-enum", ENUM_DRIFT,
     "recorded in 2023: LanguageCode has gained values since (and Transcribe's order is its own)"},
};

/* ------------------------------------------------------------------------ helpers */

/* Blobs are base64 text in awsval's JSON (boto3 takes bytes and encodes them): string values of
 * blob members in `params` are encoded, walking the model beside them. */
static char *b64(const char *s, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o = malloc(4 * (n / 3 + 1) + 1), *p = o;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)s[i] << 16 | (i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? (unsigned char)s[i + 2] : 0);
        *p++ = a[v >> 18];
        *p++ = a[(v >> 12) & 63];
        *p++ = i + 1 < n ? a[(v >> 6) & 63] : '=';
        *p++ = i + 2 < n ? a[v & 63] : '=';
    }
    *p = '\0';
    return o;
}

static void encode_blobs(json_t *shapes, const char *shape, json_t *value)
{
    json_t *s = json_object_get(shapes, shape);
    const char *type = json_string_value(json_object_get(s, "type"));
    if (!type) return;
    if (strcmp(type, "structure") == 0 && json_is_object(value)) {
        const char *k;
        json_t *v;
        json_object_foreach(value, k, v) {
            json_t *m = json_object_get(json_object_get(s, "members"), k);
            if (!m) continue;
            const char *t = json_string_value(json_object_get(m, "shape"));
            json_t *ts = json_object_get(shapes, t);
            if (json_is_string(v) && strcmp(json_string_value(json_object_get(ts, "type")), "blob") == 0) {
                char *e = b64(json_string_value(v), json_string_length(v));
                json_object_set_new(value, k, json_string(e));
                free(e);
            } else {
                encode_blobs(shapes, t, v);
            }
        }
    } else if (strcmp(type, "list") == 0 && json_is_array(value)) {
        size_t i;
        json_t *v;
        json_array_foreach(value, i, v) {
            encode_blobs(shapes, json_string_value(json_object_get(json_object_get(s, "member"), "shape")), v);
        }
    } else if (strcmp(type, "map") == 0 && json_is_object(value)) {
        const char *k;
        json_t *v;
        json_object_foreach(value, k, v) {
            encode_blobs(shapes, json_string_value(json_object_get(json_object_get(s, "value"), "shape")), v);
        }
    }
}

/* The model file of a service in the vendored subsets. */
static json_t *model_json(const char *service)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/models/%s/*/service-2.json", DIR, service);
    FILE *p = popen(cmd, "r");
    char path[512] = "";
    cr_assert(p && fgets(path, sizeof path, p), "no model for %s", service);
    pclose(p);
    path[strcspn(path, "\n")] = '\0';
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    cr_assert_not_null(m, "%s: %s", path, je.text);
    return m;
}

/* Text with the values of every "enum value set: [...]" sorted (ENUM_ORDER) or dropped
 * (ENUM_DRIFT). */
static char *normalise(const char *msg, int how)
{
    size_t n = strlen(msg);
    char *out = malloc(2 * n + 1);
    size_t o = 0;
    const char *p = msg;
    for (;;) {
        const char *hit = strstr(p, "enum value set: [");
        if (!hit) break;
        hit += strlen("enum value set: [");
        memcpy(out + o, p, (size_t)(hit - p));
        o += (size_t)(hit - p);
        const char *end = strchr(hit, ']');
        if (!end) break;
        if (how == ENUM_ORDER) {
            /* split at ", ", sort, join */
            char *items[512];
            size_t k = 0;
            char *copy = strndup(hit, (size_t)(end - hit));
            for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && k < 512; t = strtok_r(NULL, ",", &save))
                items[k++] = t + (*t == ' ');
            for (size_t i = 1; i < k; i++)
                for (size_t j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
                    char *t = items[j];
                    items[j] = items[j - 1];
                    items[j - 1] = t;
                }
            for (size_t i = 0; i < k; i++) o += (size_t)sprintf(out + o, "%s%s", i ? ", " : "", items[i]);
            free(copy);
        } else {
            o += (size_t)sprintf(out + o, "(values left out: model drift)");
        }
        p = end;
    }
    strcpy(out + o, p);
    return out;
}

static char *render(const awsval_ctx *c, uint32_t style)
{
    size_t need = 0;
    awsval_render(c, style, NULL, 0, &need);
    char *b = malloc(need ? need : 1);
    cr_assert_eq(awsval_render(c, style, b, need, NULL), AWSVAL_OK);
    return b;
}

/* ------------------------------------------------------------------------ the cases */

Test(fidelity, real_aws_answers)
{
    FILE *f = fopen(DIR "/cases.jsonl", "r");
    cr_assert_not_null(f);
    char line[65536];
    int cases = 0, exact = 0, normalised = 0;
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    while (fgets(line, sizeof line, f)) {
        json_error_t je;
        json_t *c = json_loads(line, 0, &je);
        cr_assert_not_null(c, "%s", je.text);
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *service = json_string_value(json_object_get(c, "service"));
        const char *op = json_string_value(json_object_get(c, "operation"));
        json_t *real = json_object_get(c, "real");
        int how = 0;
        for (size_t i = 0; i < sizeof listed / sizeof *listed; i++)
            if (strcmp(listed[i].id, id) == 0) how = listed[i].how;

        awsval_model_opts mo = {.size = sizeof mo};
        awsval_model_err err = {.size = sizeof err};
        awsval_model *m = awsval_model_load_dir(DIR "/models", service, &mo, &err);
        cr_assert_not_null(m, "%s: %s", id, err.message);

        json_t *model = model_json(service);
        json_t *params = json_deep_copy(json_object_get(c, "params"));
        const char *input = json_string_value(json_object_get(json_object_get(
            json_object_get(json_object_get(model, "operations"), op), "input"), "shape"));
        encode_blobs(json_object_get(model, "shapes"), input, params);
        char *body = json_dumps(params, JSON_COMPACT);
        cr_assert_eq(awsval_check(ctx, m, op, body, strlen(body)), AWSVAL_INVALID, "%s: valid", id);

        awsval_rejection rej = {.size = sizeof rej};
        cr_assert_eq(awsval_ctx_rejection(ctx, &rej), AWSVAL_OK);
        /* The code as the SDKs show it (namespace stripped), or in full where the raw body was
         * recorded. */
        const char *type = json_string_value(json_object_get(real, "type"));
        char *native = render(ctx, AWSVAL_REPORT_NATIVE);
        json_t *doc = json_loads(native, JSON_ALLOW_NUL, &je);
        if (strchr(type, '#')) {
            cr_assert_not_null(doc, "%s: %s", id, native);
            cr_assert_str_eq(json_string_value(json_object_get(doc, "__type")), type, "%s", id);
        } else {
            cr_assert_str_eq(rej.error_type, type, "%s", id);
        }
        if (json_is_integer(json_object_get(real, "status")))
            cr_assert_eq(rej.status, json_integer_value(json_object_get(real, "status")), "%s", id);
        /* The message, exactly (or with the listed normalisation). */
        char *msg = render(ctx, AWSVAL_REPORT_AWS);
        const char *want = json_string_value(json_object_get(real, "message"));
        if (how) {
            char *a = normalise(msg, how), *b = normalise(want, how);
            cr_assert_str_eq(a, b, "%s (listed: enum %s)", id, how == ENUM_ORDER ? "order" : "drift");
            cr_assert_str_neq(msg, want, "%s is listed but now matches exactly: unlist it", id);
            free(a);
            free(b);
            normalised++;
        } else {
            cr_assert_str_eq(msg, want, "%s:\n got: %s\nwant: %s", id, msg, want);
            exact++;
        }
        /* The recorded body, member by member. */
        json_t *rb = json_object_get(real, "body");
        if (rb) {
            const char *k;
            json_t *v;
            json_object_foreach(rb, k, v) {
                cr_assert(json_equal(json_object_get(doc, k), v), "%s: body member %s: %s", id, k, native);
            }
            cr_assert_eq(json_object_size(doc), json_object_size(rb), "%s: %s", id, native);
        }
        json_decref(doc);
        free(native);
        free(msg);
        free(body);
        json_decref(params);
        json_decref(model);
        awsval_model_free(m);
        json_decref(c);
        cases++;
    }
    fclose(f);
    awsval_ctx_free(ctx);
    cr_assert_eq(cases, 20);
    cr_log_info("%d real answers: %d exact, %d equal but for a listed enum difference", cases, exact, normalised);
    printf("fidelity: %d real answers: %d exact, %d equal but for a listed enum difference\n", cases, exact,
           normalised);
}
