/* Fuzz target: raw HTTP/1.1 requests, parsed as `awsval http` parses them, routed and checked
 * against the built-in models (restJson1 and awsJson1_0), and the response rendered.
 *
 * The first byte picks the model and whether the input is taken as a raw message or split into
 * method / target / body by NUL bytes (so the router sees targets the message parser would
 * reject). Invariants: a rendered response is empty exactly when the request is valid, and
 * otherwise starts with a status line and ends with a body that is valid JSON. */
#include <jansson.h>
#include <string.h>

#include "../tools/http_message.c"
#include "awsval.h"
#include "fuzz_common.h"

static awsval_model *models[2];
static awsval_ctx *ctx;
static char *out;
static size_t out_cap;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    models[0] = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    models[1] = awsval_model_load_builtin("apprunner", NULL, NULL);
    ctx = awsval_ctx_create(NULL, NULL);
    if (!models[0] || !models[1] || !ctx) abort();
    return 0;
}

static void check_response(const awsval_model *m, awsval_code rc)
{
    (void)m;
    size_t need = 0;
    awsval_code r = awsval_render_http(ctx, out, out_cap, &need);
    if (r == AWSVAL_TOOSMALL) {
        free(out);
        out_cap = need;
        out = malloc(out_cap);
        FUZZ_ASSERT(out != NULL, "out of memory");
        r = awsval_render_http(ctx, out, out_cap, &need);
    }
    FUZZ_ASSERT(r == AWSVAL_OK, "render_http: %s", awsval_err_name(r));
    if (rc == AWSVAL_OK) {
        FUZZ_ASSERT(out[0] == '\0', "a valid request rendered a response");
        return;
    }
    FUZZ_ASSERT(strncmp(out, "HTTP/1.1 ", 9) == 0, "no status line: %.40s", out);
    const char *body = strstr(out, "\r\n\r\n");
    FUZZ_ASSERT(body != NULL, "no blank line after the headers");
    json_error_t je;
    json_t *doc = json_loads(body + 4, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    FUZZ_ASSERT(doc != NULL, "response body is not JSON (%s): %s", je.text, body + 4);
    json_decref(doc);
    FUZZ_ASSERT(fuzz_utf8_valid(out, strlen(out)), "response is not UTF-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) return 0;
    const awsval_model *m = models[data[0] & 1];
    const char *msg = (const char *)data + 1;
    size_t len = size - 1;
    awsval_http_request req;
    awsval_http_header headers[64];
    if (data[0] & 2) {
        /* Split mode: METHOD \0 TARGET \0 BODY, with fixed JSON headers. */
        const char *a = memchr(msg, 0, len);
        const char *b = a ? memchr(a + 1, 0, len - (size_t)(a + 1 - msg)) : NULL;
        if (!a || !b) return 0;
        static const awsval_http_header fixed[] = {
            {"Content-Type", 12, "application/json", 16},
            {"X-Amz-Target", 12, "AppRunner.DeleteVpcIngressConnection", 36},
        };
        req = (awsval_http_request){sizeof req, msg, (size_t)(a - msg), a + 1, (size_t)(b - a - 1),
                                    fixed, 2, b + 1, len - (size_t)(b + 1 - msg)};
    } else {
        const char *error = NULL;
        if (http_message_parse(msg, len, 0, &req, headers, 64, &error) != 0) {
            FUZZ_ASSERT(error != NULL && *error, "a parse failure without a message");
            return 0;
        }
    }
    awsval_code rc = awsval_check_http(ctx, m, &req);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "check_http: %s", awsval_err_name(rc));
    FUZZ_ASSERT((rc == AWSVAL_OK) == (awsval_ctx_violation_total(ctx) == 0), "verdict and violations disagree");
    check_response(m, rc);
    return 0;
}
