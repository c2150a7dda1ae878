/* `awsval batch [FILE|-]`: JSON Lines {"id","service","operation","params"} in, one result line
 * per input line out, in order (see `awsval batch --help`).
 *
 * Each line is read with the library's strict reader (awsval_json_member); the params bytes
 * are checked as given, never re-serialised, so the offsets in failures are byte offsets within
 * the params value. Models are kept in a cache of at most BATCH_MODELS, least recently used
 * first out (an evicted model is freed), so memory stays bounded however many services a run
 * names. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Models kept at once. Compiled, botocore's models take about 100 KiB each on average and up to
 * about 10 MiB (ec2), so the cache holds at most some hundreds of MiB, and in practice a few;
 * a run that cycles through more services than this reloads them (about 2 ms each). An
 * unbounded cache would not do: with --model FILE, every distinct "service" name of the input
 * is a model of its own. */
#define BATCH_MODELS 64
/* A line may be this much longer than --max-size (the other members). */
#define BATCH_ENVELOPE 65536
/* The longest service or operation name taken. */
#define BATCH_MAX_NAME 256

typedef struct cached {
    char *service;
    awsval_model *model;
    uint64_t used;
} cached;

typedef struct batch {
    const cli_opts *o;
    awsval_ctx *ctx;
    uint32_t style;
    cached models[BATCH_MODELS];
    size_t nmodels;
    uint64_t clock;
} batch;

/* The model of a service, from the cache or built (evicting the least recently used). */
static awsval_model *model_for(batch *b, const char *service, char *why, size_t cap)
{
    /* --model FILE --service NAME: one model, whatever the lines name. */
    if (b->o->model_file && b->o->service) service = b->o->service;
    for (size_t i = 0; i < b->nmodels; i++) {
        if (strcmp(b->models[i].service, service) == 0) {
            b->models[i].used = ++b->clock;
            return b->models[i].model;
        }
    }
    awsval_model *m = cli_open_model(b->o, service, why, cap);
    if (!m) return NULL;
    char *name = strdup(service);
    if (!name) {
        awsval_model_free(m);
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    size_t slot = b->nmodels;
    if (slot == BATCH_MODELS) {
        slot = 0;
        for (size_t i = 1; i < BATCH_MODELS; i++)
            if (b->models[i].used < b->models[slot].used) slot = i;
        awsval_model_free(b->models[slot].model);
        free(b->models[slot].service);
    } else {
        b->nmodels++;
    }
    b->models[slot] = (cached){name, m, ++b->clock};
    return m;
}

static void put_id(const char *id, size_t id_len)
{
    fputs("{\"id\":", stdout);
    if (id) fwrite(id, 1, id_len, stdout);
    else fputs("null", stdout);
}

/* A line that could not be checked: one parse failure, whatever the format. */
static int put_failure(const char *id, size_t id_len, const char *message)
{
    put_id(id, id_len);
    fputs(",\"valid\":false,\"total\":1,\"failures\":[{\"path\":\"\",\"constraint\":\"parse\","
          "\"source\":\"model\",\"message\":",
          stdout);
    cli_json_string(stdout, message, strlen(message));
    fputs(",\"awsPath\":\"\"}]}\n", stdout);
    return EXIT_ERROR;
}

/* The result of a check, in the batch's format. Returns EXIT_VALID or EXIT_INVALID, or
 * EXIT_ERROR when it cannot be rendered (then a failure line is written instead). */
static int put_result(batch *b, const char *id, size_t id_len, bool valid)
{
    awsval_code rc;
    size_t n = 0;
    char *doc = NULL;
    if (b->style == AWSVAL_REPORT_JSON || !valid) {
        doc = cli_render(b->ctx, b->style, &n, &rc);
        if (!doc) {
            char msg[160];
            snprintf(msg, sizeof msg, "cannot render the result: %s", awsval_strerror(rc));
            return put_failure(id, id_len, msg);
        }
    }
    put_id(id, id_len);
    if (b->style == AWSVAL_REPORT_JSON) {
        /* The machine report's own members follow the id. */
        putc(',', stdout);
        fwrite(doc + 1, 1, n - 1, stdout);
    } else {
        printf(",\"valid\":%s,\"total\":%zu", valid ? "true" : "false", awsval_ctx_violation_total(b->ctx));
        if (!valid && b->style == AWSVAL_REPORT_NATIVE) {
            awsval_rejection rej = {.size = sizeof rej};
            awsval_ctx_rejection(b->ctx, &rej);
            printf(",\"status\":%d,\"errorType\":", rej.status);
            cli_json_string(stdout, rej.error_type, strlen(rej.error_type));
            fputs(",\"contentType\":", stdout);
            cli_json_string(stdout, rej.content_type, strlen(rej.content_type));
            fputs(",\"body\":", stdout);
            cli_json_string(stdout, doc, n);
        } else if (!valid && b->style == AWSVAL_REPORT_AWS) {
            fputs(",\"message\":", stdout);
            cli_json_string(stdout, doc, n);
        } else if (!valid) {
            fputs(",\"error\":", stdout);
            fwrite(doc, 1, n, stdout);
        }
        putc('}', stdout);
    }
    putc('\n', stdout);
    free(doc);
    return valid ? EXIT_VALID : EXIT_INVALID;
}

/* A member of the line (at off, n bytes; off SIZE_MAX: missing) as a string: NULL with a reason
 * in `why` if it is missing, not a string, too long or holds a NUL. Free with free(). */
static char *name_member(const char *line, size_t off, size_t n, const char *name, char *why, size_t cap)
{
    size_t tlen;
    if (off == SIZE_MAX) {
        snprintf(why, cap, "the line has no \"%s\" (a line is {\"id\",\"service\",\"operation\",\"params\"})", name);
        return NULL;
    }
    char *text = cli_json_text(line + off, n, &tlen);
    if (!text) snprintf(why, cap, "\"%s\" must be a string", name);
    else if (tlen > BATCH_MAX_NAME) snprintf(why, cap, "\"%s\" is longer than %d bytes", name, BATCH_MAX_NAME);
    else if (strlen(text) != tlen) snprintf(why, cap, "\"%s\" holds a NUL character", name);
    else return text;
    free(text);
    return NULL;
}

/* Checks one line and writes its result line. Returns EXIT_VALID, EXIT_INVALID or EXIT_ERROR
 * (the line could not be checked). The line is read once, for its four members together. */
static int batch_line(batch *b, const char *line, size_t len)
{
    static const char *const names[] = {"id", "service", "operation", "params"};
    static const size_t lens[] = {2, 7, 9, 6};
    size_t offs[4], n[4];
    char why[1536];
    awsval_code rc = awsval_json_members(line, len, 4, names, lens, offs, n);
    if (rc == AWSVAL_INVALID) {
        snprintf(why, sizeof why, "the line is not a strict JSON object (error at byte %zu of the line)", offs[0]);
        return put_failure(NULL, 0, why);
    }
    if (rc != AWSVAL_OK && rc != AWSVAL_NOTFOUND) {
        snprintf(why, sizeof why, "cannot read the line: %s", awsval_strerror(rc));
        return put_failure(NULL, 0, why);
    }
    const char *id = offs[0] == SIZE_MAX ? NULL : line + offs[0];
    size_t ilen = id ? n[0] : 0;
    bool have_params = offs[3] != SIZE_MAX;
    size_t poff = offs[3], plen = n[3];
    char *service = name_member(line, offs[1], n[1], "service", why, sizeof why);
    char *operation = service ? name_member(line, offs[2], n[2], "operation", why, sizeof why) : NULL;
    int status = EXIT_ERROR;
    if (!operation) {
        put_failure(id, ilen, why);
    } else if (!have_params) {
        put_failure(id, ilen, "the line has no \"params\" (a line is {\"id\",\"service\",\"operation\",\"params\"})");
    } else {
        awsval_model *m = model_for(b, service, why, sizeof why);
        if (!m) {
            put_failure(id, ilen, why);
        } else if ((rc = awsval_check(b->ctx, m, operation, line + poff, plen)) == AWSVAL_NOTFOUND) {
            snprintf(why, sizeof why, "%s has no operation '%s'", service, operation);
            put_failure(id, ilen, why);
        } else if (rc != AWSVAL_OK && rc != AWSVAL_INVALID) {
            snprintf(why, sizeof why, "cannot check the line: %s", awsval_strerror(rc));
            put_failure(id, ilen, why);
        } else {
            status = put_result(b, id, ilen, rc == AWSVAL_OK);
        }
    }
    free(service);
    free(operation);
    return status;
}

int cmd_batch(const cli_opts *o, int argc, char **argv)
{
    const char *path = argc > 0 ? argv[0] : "-";
    int fd = cli_open_input(path);
    if (fd < 0) return cli_error("cannot read '%s': %s", path, strerror(errno));
    batch b = {.o = o, .style = o->style_set ? o->style : AWSVAL_REPORT_JSON};
    awsval_code rc;
    b.ctx = awsval_ctx_create(&o->ctx, &rc);
    if (!b.ctx) {
        cli_close_input(fd);
        return cli_error("cannot create a checker: %s", awsval_strerror(rc));
    }
    size_t max_line = (o->ctx.max_size ? o->ctx.max_size : (size_t)1 << 20) + BATCH_ENVELOPE;
    cli_lines lines;
    cli_lines_init(&lines, fd, max_line);
    int status = EXIT_VALID, r;
    const char *line;
    size_t len;
    while ((r = cli_lines_next(&lines, &line, &len)) != CLI_LINE_EOF) {
        int s;
        if (r == CLI_LINE_ERROR) {
            status = cli_error("cannot read '%s' (line %zu): %s", path, lines.lineno + 1, strerror(errno));
            break;
        }
        if (r == CLI_LINE_TOO_LONG) {
            char why[160];
            snprintf(why, sizeof why, "the line is longer than %zu bytes (--max-size plus %d)", max_line, BATCH_ENVELOPE);
            s = put_failure(NULL, 0, why);
        } else {
            size_t k = 0;
            while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r')) k++;
            if (k == len) continue; /* a blank line is no record */
            s = batch_line(&b, line, len);
        }
        if (s > status) status = s;
    }
    cli_lines_free(&lines);
    cli_close_input(fd);
    for (size_t i = 0; i < b.nmodels; i++) {
        awsval_model_free(b.models[i].model);
        free(b.models[i].service);
    }
    awsval_ctx_free(b.ctx);
    return status;
}
