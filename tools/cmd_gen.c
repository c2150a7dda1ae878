/* `awsval gen SERVICE OPERATION [--count N] [--seed S] [--fault KIND|any] [--path PTR]
 * [--format params|http]`: generated inputs of an operation, valid or with one fault each, as
 * JSON Lines with the service's answer to each. Public API only (awsval.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_gen_help[] =
    "Writes generated inputs of OPERATION as JSON Lines, one per input:\n"
    "  {\"id\": I, \"service\", \"operation\", \"seed\": S+I, \"fault\": KIND,\n"
    "   \"params\": INPUT (--format http: \"http\", the raw HTTP/1.1 request as a string),\n"
    "   \"expect\": {\"valid\", \"violations\": [{\"path\", \"constraint\"}], \"status\", \"type\"}}\n"
    "Without --fault every input is valid; with --fault KIND every input has exactly one\n"
    "fault of that kind (any: a kind drawn for each). \"expect\" is the checker's answer to\n"
    "the input, what the service answers: its status and error type, and each violation's\n"
    "JSON Pointer and kind. The lines are `awsval batch` input as they are. An input that is\n"
    "not UTF-8 (--fault utf8) is written as \"params_base64\" or \"http_base64\". Line I has\n"
    "seed S+I: `--seed S+I --count 1` writes it again.\n"
    "Faults: required, type, length, pattern, enum, range, union, unknown, unique,\n"
    "documented (a rule of the built-in overlay); any (one of those, drawn); and the wire\n"
    "faults duplicate-key, utf8, depth (only by name).\n";

const char cmd_gen_exits[] =
    "  0  every input was written as asked\n"
    "  1  an input could not be generated (why, on standard error), or its answer is not the\n"
    "     one intended (a bug, on standard error; the line is written with the answer)\n"
    "  2  an error: usage, no such service or operation, a model that does not load, I/O\n";

static void base64(FILE *out, const char *s, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        fputc(b64[v >> 18], out);
        fputc(b64[(v >> 12) & 63], out);
        fputc(i + 1 < n ? b64[(v >> 6) & 63] : '=', out);
        fputc(i + 2 < n ? b64[v & 63] : '=', out);
    }
    fputc('"', out);
}

/* Whether s is valid UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
static int utf8_ok(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            lo = c == 0xE0 ? 0xA0 : lo;
            hi = c == 0xED ? 0x9F : hi;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            lo = c == 0xF0 ? 0x90 : lo;
            hi = c == 0xF4 ? 0x8F : hi;
        } else {
            return 0;
        }
        if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

static const char *why_text(uint32_t why)
{
    return why & AWSVAL_GEN_WHY_NOFAULT ? "no value admits the fault asked for"
           : why & AWSVAL_GEN_WHY_HTTP  ? "it cannot be written as an HTTP request that routes to the operation"
           : why & AWSVAL_GEN_WHY_SIZE  ? "it would be over the size limit"
           : why & AWSVAL_GEN_WHY_DEPTH ? "required members nest too deep"
           : why & AWSVAL_GEN_WHY_ENUM  ? "no enum value meets the other constraints"
           : why & AWSVAL_GEN_WHY_RANGE ? "its numeric range is empty"
           : why & AWSVAL_GEN_WHY_LENGTH ? "no length the pattern allows lies within its bounds"
           : why & AWSVAL_GEN_WHY_PATTERN ? "no string matching its pattern and other constraints was found"
                                          : "no value could be made";
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !*s || *end || s[0] == '-') return 0;
    *out = v;
    return 1;
}

int cmd_gen(const cli_opts *o, int argc, char **argv)
{
    (void)argc;
    const char *service = argv[0], *operation = argv[1];
    const cli_gen_opts *go = &o->gen;
    uint64_t count = 1, seed = 1;
    uint32_t fault = AWSVAL_FAULT_NONE;
    const char *path = go->path;
    int http = go->format && strcmp(go->format, "http") == 0;
    if (o->style_set && !go->format)
        return cli_error("gen: --format is params or http for gen (see: awsval gen --help)");
    if (go->count && (!parse_u64(go->count, &count) || count == 0 || count > 100000000))
        return cli_error("--count: '%s' is not a number from 1 to 100000000", go->count);
    if (go->seed && !parse_u64(go->seed, &seed))
        return cli_error("--seed: '%s' is not a number from 0 to 18446744073709551615", go->seed);
    if (go->fault && awsval_fault_find(go->fault, &fault) != AWSVAL_OK)
        return cli_error("--fault: unknown fault '%s' (see: awsval gen --help)", go->fault);
    if (path && path[0] && path[0] != '/')
        return cli_error("--path: '%s' is not a JSON Pointer (\"/member/...\")", path);
    char why[1536];
    awsval_model *m = cli_open_model(o, service, why, sizeof why);
    if (!m) return cli_error("%s", why);
    if (!cli_has_operation(m, operation)) {
        awsval_model_free(m);
        return cli_error("%s has no operation '%s' (see: awsval describe %s)", service, operation, service);
    }
    const char *proto = awsval_model_protocol(m);
    if (http && strcmp(proto, "rest-json") != 0 && strcmp(proto, "json") != 0) {
        awsval_model_free(m);
        return cli_error("gen: --format http serves restJson1 and awsJson services, not %s (%s)", service, proto);
    }
    int status = 2;
    awsval_code rc;
    awsval_ctx *ctx = awsval_ctx_create(&o->ctx, &rc);
    awsval_gen *gen = ctx ? awsval_gen_create(m, NULL, &rc) : NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    if (!ctx || !gen || !buf) {
        fprintf(stderr, "awsval: gen: %s\n", awsval_strerror(buf ? rc : AWSVAL_NOMEM));
        goto done;
    }
    status = 0;
    unsigned long long failed = 0, differs = 0;
    for (uint64_t i = 0; i < count; i++) {
        awsval_gen_opts go2;
        awsval_gen_opts_init(&go2);
        go2.seed = seed + i;
        go2.fault = fault;
        go2.path = path;
        go2.flags = http ? AWSVAL_GEN_HTTP : 0;
        awsval_gen_info info = {.size = sizeof info};
        size_t need = 0;
        rc = awsval_generate(gen, ctx, operation, &go2, buf, cap, &need, &info);
        if (rc == AWSVAL_TOOSMALL) {
            char *more = realloc(buf, need);
            if (!more) {
                rc = AWSVAL_NOMEM;
            } else {
                buf = more;
                cap = need;
                rc = awsval_generate(gen, ctx, operation, &go2, buf, cap, &need, &info);
            }
        }
        if (rc == AWSVAL_NOGEN) {
            if (failed++ < 10)
                fprintf(stderr, "awsval: gen: seed %llu: cannot generate %s input of %s: %s%s%s\n",
                        (unsigned long long)go2.seed, fault ? awsval_fault_name(fault) : "a valid", operation,
                        why_text(info.why), info.where[0] ? " at " : "", info.where);
            status = 1;
            continue;
        }
        if (rc != AWSVAL_OK) {
            fprintf(stderr, "awsval: gen: %s\n", awsval_strerror(rc));
            status = 2;
            break;
        }
        size_t len = need - 1;
        printf("{\"id\":%llu,\"service\":", (unsigned long long)i);
        cli_json_string(stdout, awsval_model_service(m), strlen(awsval_model_service(m)));
        fputs(",\"operation\":", stdout);
        cli_json_string(stdout, operation, strlen(operation));
        printf(",\"seed\":%llu,\"fault\":\"%s\",", (unsigned long long)go2.seed, awsval_fault_name(info.fault));
        int text = utf8_ok(buf, len);
        if (http) {
            fputs(text ? "\"http\":" : "\"http_base64\":", stdout);
            if (text) cli_json_string(stdout, buf, len);
            else base64(stdout, buf, len);
        } else if (text) {
            fputs("\"params\":", stdout);
            fwrite(buf, 1, len, stdout);
        } else {
            fputs("\"params_base64\":", stdout);
            base64(stdout, buf, len);
        }
        awsval_rejection rej = {.size = sizeof rej};
        awsval_ctx_rejection(ctx, &rej);
        size_t nv = awsval_ctx_violation_count(ctx);
        printf(",\"expect\":{\"valid\":%s,\"violations\":[", rej.status ? "false" : "true");
        for (size_t k = 0; k < nv; k++) {
            awsval_violation v = {.size = sizeof v};
            if (awsval_ctx_violation(ctx, k, &v) != AWSVAL_OK) continue;
            fputs(k ? ",{\"path\":" : "{\"path\":", stdout);
            cli_json_string(stdout, v.pointer, strlen(v.pointer));
            printf(",\"constraint\":\"%s\"}", awsval_kind_name(v.kind));
        }
        printf("],\"status\":%d,\"type\":", rej.status);
        cli_json_string(stdout, rej.error_type ? rej.error_type : "", rej.error_type ? strlen(rej.error_type) : 0);
        fputs("}}\n", stdout);
        if (info.flags & AWSVAL_GEN_INFO_DIFFERS) {
            if (differs++ < 10)
                fprintf(stderr, "awsval: gen: seed %llu: the answer is not the one intended (please report it: "
                                "awsval gen %s %s --seed %llu%s%s)\n",
                        (unsigned long long)go2.seed, service, operation, (unsigned long long)go2.seed,
                        fault ? " --fault " : "", fault ? awsval_fault_name(fault) : "");
            status = 1;
        }
    }
    if (failed > 10) fprintf(stderr, "awsval: gen: %llu inputs could not be generated in all\n", failed);
    if (differs > 10) fprintf(stderr, "awsval: gen: %llu answers were not the ones intended in all\n", differs);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "awsval: gen: cannot write: %s\n", strerror(errno));
        status = 2;
    }
done:
    free(buf);
    awsval_gen_free(gen);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return status;
}
