/* fuzz_model: model loading from fuzzed botocore service-2.json documents.
 *
 * Input: the model JSON; if it holds a NUL byte, what follows the first NUL is an overlay
 * document (awsval_model_opts.overlay). A model with a raw NUL in it is not JSON anyway, so the
 * split loses nothing.
 *
 * Invariants (abort on violation; leaks are reported by LeakSanitizer):
 *   - a failed load returns NULL with a documented code, a non-empty NUL-terminated message
 *     and an offset inside the input (the message is not asserted to be UTF-8: see README.md);
 *   - a successful load zeroes the error; the model's names are non-NULL; describing the model
 *     and its operations renders exactly the bytes `need` announces;
 *   - checking "{}" (and a few other documents) on the first operations returns OK or INVALID,
 *     and every report renders (NATIVE, SMITHY, JSON as valid JSON).
 */
#include <jansson.h>
#include <string.h>

#include "awsval.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void describe(const awsval_model *m, const char *op)
{
    size_t need = 0;
    char small[16];
    awsval_code rc = awsval_model_describe(m, op, small, sizeof small, &need);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_TOOSMALL, "describe: %s", awsval_err_name(rc));
    FUZZ_ASSERT(memchr(small, '\0', sizeof small) != NULL, "describe: not NUL-terminated");
    FUZZ_ASSERT(need >= 1, "describe need %zu", need);
    char *buf = malloc(need);
    FUZZ_ASSERT(buf != NULL, "malloc");
    size_t need2 = 0;
    rc = awsval_model_describe(m, op, buf, need, &need2);
    FUZZ_ASSERT(rc == AWSVAL_OK && need2 == need && strlen(buf) + 1 == need,
                "describe(need): %s %zu/%zu/%zu", awsval_err_name(rc), need, need2, strlen(buf));
    free(buf);
}

static void render_all(const awsval_ctx *ctx, const awsval_model *m)
{
    static const uint32_t styles[4] = {AWSVAL_REPORT_AWS, AWSVAL_REPORT_NATIVE,
                                       AWSVAL_REPORT_SMITHY, AWSVAL_REPORT_JSON};
    for (int k = 0; k < 4; k++) {
        size_t need = 0;
        awsval_code rc = awsval_render(ctx, styles[k], NULL, 0, &need);
        FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_TOOSMALL, "render: %s", awsval_err_name(rc));
        char *buf = malloc(need);
        FUZZ_ASSERT(buf != NULL, "malloc");
        rc = awsval_render(ctx, styles[k], buf, need, NULL);
        FUZZ_ASSERT(rc == AWSVAL_OK && strlen(buf) + 1 == need, "render(need): %s",
                    awsval_err_name(rc));
        if (styles[k] != AWSVAL_REPORT_AWS && buf[0]) {
            json_error_t err;
            json_t *doc = json_loadb(buf, need - 1, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
            FUZZ_ASSERT(doc != NULL, "style %u renders invalid JSON (%s): %s", styles[k],
                        err.text, buf);
            json_decref(doc);
        }
        free(buf);
    }
    (void)m;
    awsval_rejection rej = {.size = sizeof rej};
    FUZZ_ASSERT(awsval_ctx_rejection(ctx, &rej) == AWSVAL_OK && rej.error_type, "rejection");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *json = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t len = nul ? (size_t)(nul - data) : size;
    awsval_model_opts o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    if (nul) {
        o.overlay = (const char *)nul + 1;
        o.overlay_len = size - len - 1;
    }
    awsval_model_err err = {.size = sizeof err};
    memset(&err, 0x5A, sizeof err);
    awsval_model *m = awsval_model_load_buffer(json, len, &o, &err);
    if (!m) {
        FUZZ_ASSERT(err.code == AWSVAL_MODEL || err.code == AWSVAL_NOTFOUND ||
                        err.code == AWSVAL_BADARG || err.code == AWSVAL_NOMEM,
                    "load failed with code %u", err.code);
        FUZZ_ASSERT(memchr(err.message, '\0', sizeof err.message) != NULL,
                    "error message not NUL-terminated");
        FUZZ_ASSERT(err.message[0] != '\0', "load failed without a message");
        /* Not asserted: the message is UTF-8. jansson's parse errors quote the input ("invalid
         * escape near '...'"), raw bytes included (README.md, findings). */
        FUZZ_ASSERT(err.pos <= size, "error pos %zu past input of %zu", err.pos, size);
        return 0;
    }
    FUZZ_ASSERT(err.code == AWSVAL_OK && err.message[0] == '\0' && err.pos == 0,
                "success without a zeroed error: code %u '%.40s'", err.code, err.message);
    FUZZ_ASSERT(awsval_model_service(m) != NULL && awsval_model_protocol(m) != NULL, "names");
    size_t nops = awsval_model_operation_count(m);
    FUZZ_ASSERT(awsval_model_operation_name(m, nops) == NULL, "operation past the end");
    (void)awsval_model_pattern_count(m);
    describe(m, NULL);
    FUZZ_ASSERT(awsval_model_describe(m, "", NULL, 0, NULL) == AWSVAL_NOTFOUND ||
                    awsval_model_operation_count(m) > 0,
                "describe of an unknown operation");

    awsval_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.size = sizeof co;
    co.max_violations = 8;
    awsval_ctx *ctx = awsval_ctx_create(&co, NULL);
    FUZZ_ASSERT(ctx != NULL, "ctx_create");
    static const char *const docs[] = {"{}", "{\"a\":1,\"b\":[\"x\",{}],\"c\":null}", "[]"};
    for (size_t i = 0; i < nops && i < 3; i++) {
        const char *op = awsval_model_operation_name(m, i);
        FUZZ_ASSERT(op != NULL, "operation %zu", i);
        if (i > 0) FUZZ_ASSERT(strcmp(awsval_model_operation_name(m, i - 1), op) < 0,
                               "operations not sorted: %s, %s",
                               awsval_model_operation_name(m, i - 1), op);
        describe(m, op);
        for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
            awsval_code rc = awsval_check(ctx, m, op, docs[d], strlen(docs[d]));
            FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "check %s %s: %s", op, docs[d],
                        awsval_err_name(rc));
            render_all(ctx, m);
        }
    }
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return 0;
}
