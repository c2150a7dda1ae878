/* fuzz_json: awsval's strict JSON scanner alone, differentially against jansson.
 *
 * A tiny model whose only operation has no input makes awsval_check scan any JSON value
 * untyped, so its verdict is "strict JSON or not". jansson (JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY | JSON_ALLOW_NUL) must agree, except on the documented differences that
 * excluded() recognises (README.md, "Differential exclusions"). A disagreement aborts with
 * both verdicts and jansson's error.
 *
 * Input: the whole input is the JSON text.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "awsval.h"
#include "fuzz_common.h"

static const char k_model[] =
    "{\"version\":\"2.0\",\"metadata\":{\"protocol\":\"json\",\"endpointPrefix\":\"any\","
    "\"apiVersion\":\"1\"},\"operations\":{\"Any\":{\"name\":\"Any\",\"http\":{\"method\":"
    "\"POST\",\"requestUri\":\"/\"}}},\"shapes\":{}}";

/* awsval's nesting limit here; jansson's is JSON_PARSER_DEFAULT_DEPTH (2048). */
#define AWSVAL_DEPTH 4096u
#define DEPTH_EXCLUDE 2000

static awsval_model *g_model;
static awsval_ctx *g_ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    awsval_model_err err = {.size = sizeof err};
    g_model = awsval_model_load_buffer(k_model, sizeof k_model - 1, NULL, &err);
    FUZZ_ASSERT(g_model != NULL, "tiny model: %s", err.message);
    awsval_ctx_opts o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.max_depth = AWSVAL_DEPTH;
    o.max_violations = 4;
    g_ctx = awsval_ctx_create(&o, NULL);
    FUZZ_ASSERT(g_ctx != NULL, "ctx_create");
    return 0;
}

/* Exclusion reasons (README.md lists each). */
enum { EX_NONE, EX_BIG_INT, EX_REAL_OVERFLOW, EX_DEPTH, EX_NUL_KEY };

/* A lenient lexer over the input: number tokens outside strings, nesting depth outside
 * strings, and "\u0000" escapes inside strings. On input that is not JSON it still finds these
 * where a JSON reader would see them; an exclusion only skips the comparison. */
static int excluded(const uint8_t *d, size_t n)
{
    int depth = 0, max_depth = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t c = d[i];
        if (c == '"') {
            for (i++; i < n && d[i] != '"'; i++) {
                if (d[i] == '\\' && i + 1 < n) {
                    if (d[i + 1] == 'u' && i + 5 < n && memcmp(d + i + 2, "0000", 4) == 0)
                        return EX_NUL_KEY; /* jansson refuses NUL in object keys */
                    i++;
                }
            }
            i++;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) max_depth = depth;
            i++;
        } else if (c == ']' || c == '}') {
            depth--;
            i++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            int real = 0;
            char tok[4100];
            while (j < n && j - i < sizeof tok - 1 &&
                   ((d[j] >= '0' && d[j] <= '9') || d[j] == '-' || d[j] == '+' || d[j] == '.' ||
                    d[j] == 'e' || d[j] == 'E')) {
                if (d[j] == '.' || d[j] == 'e' || d[j] == 'E') real = 1;
                j++;
            }
            memcpy(tok, d + i, j - i);
            tok[j - i] = '\0';
            char *end;
            errno = 0;
            if (!real) {
                (void)strtoll(tok, &end, 10);
                if (errno == ERANGE) return EX_BIG_INT;
            } else {
                double v = strtod(tok, &end);
                if (errno == ERANGE && (v > 1.0 || v < -1.0)) return EX_REAL_OVERFLOW;
            }
            i = j;
        } else {
            i++;
        }
    }
    return max_depth > DEPTH_EXCLUDE ? EX_DEPTH : EX_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_model) LLVMFuzzerInitialize(NULL, NULL);
    awsval_code rc = awsval_check(g_ctx, g_model, "Any", (const char *)data, size);
    FUZZ_ASSERT(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "check: %s", awsval_err_name(rc));
    int aw_ok = rc == AWSVAL_OK;
    const char *aw_msg = "";
    size_t aw_off = 0;
    if (!aw_ok) {
        /* The only violation an untyped scan can give is a parse error. */
        awsval_violation v;
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        FUZZ_ASSERT(awsval_ctx_violation_total(g_ctx) == 1, "%zu violations",
                    awsval_ctx_violation_total(g_ctx));
        FUZZ_ASSERT(awsval_ctx_violation(g_ctx, 0, &v) == AWSVAL_OK, "violation 0");
        FUZZ_ASSERT(v.kind == AWSVAL_KIND_PARSE, "untyped scan gave kind %u", v.kind);
        FUZZ_ASSERT(v.offset <= size, "parse error offset %zu past %zu", v.offset, size);
        aw_msg = v.constraint;
        aw_off = v.offset;
    }

    json_error_t err;
    json_t *j = json_loadb((const char *)data, size,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    int js_ok = j != NULL;
    json_decref(j);

    /* A raw NUL byte is never JSON (not whitespace outside strings, a control character inside
     * them), but jansson's reader takes it for the end of input: awsval must reject, and
     * jansson's verdict is not compared. */
    if (memchr(data, 0, size) != NULL) {
        FUZZ_ASSERT(!aw_ok, "awsval accepts a raw NUL byte");
        if (js_ok && getenv("FUZZ_JSON_STATS")) fprintf(stderr, "excluded: raw-nul\n");
        return 0;
    }
    if (aw_ok != js_ok) {
        int ex = excluded(data, size);
        if (ex != EX_NONE) {
            /* FUZZ_JSON_STATS=1: name each exclusion taken (to count them over a corpus). */
            static const char *const why[] = {"", "big-int", "real-overflow", "depth", "nul-escape"};
            if (getenv("FUZZ_JSON_STATS")) fprintf(stderr, "excluded: %s\n", why[ex]);
            return 0;
        }
        FUZZ_ASSERT(0, "differential: awsval %s (%s at %zu), jansson %s (%s at %d)",
                    aw_ok ? "accepts" : "rejects", aw_msg, aw_off,
                    js_ok ? "accepts" : "rejects", js_ok ? "" : err.text, err.position);
    }
    return 0;
}
