/* `awsval http SERVICE [FILE|-]`: one raw HTTP/1.1 request, checked as the service would check
 * it; an invalid one gets the service's whole HTTP response (see `awsval http --help`). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http_message.h"

/* The most header fields taken in one request. */
#define HTTP_MAX_HEADERS 256
/* What is read of a request is at most --max-size plus this (the request line and headers). A
 * longer request is checked from that much of it: its body alone is then over --max-size, and
 * the service's answer to that does not depend on the rest. */
#define HTTP_HEAD_MAX ((size_t)1 << 20)

/* awsval_render_http into a new buffer; *len its length. NULL with *rc on failure. */
static char *render_http(const awsval_ctx *ctx, size_t *len, awsval_code *rc)
{
    size_t cap = 4096, need = 0;
    char *buf = malloc(cap);
    *rc = AWSVAL_NOMEM;
    while (buf && (*rc = awsval_render_http(ctx, buf, cap, &need)) == AWSVAL_TOOSMALL && need > cap) {
        free(buf);
        cap = need;
        buf = malloc(cap);
        *rc = AWSVAL_NOMEM;
    }
    if (buf && *rc != AWSVAL_OK) {
        free(buf);
        buf = NULL;
    }
    *len = need ? need - 1 : 0;
    return buf;
}

int cmd_http(const cli_opts *o, int argc, char **argv)
{
    const char *service = argv[0], *path = argc > 1 ? argv[1] : "-";
    char why[1536];
    awsval_model *m = cli_open_model(o, service, why, sizeof why);
    if (!m) return cli_error("%s", why);
    int status = EXIT_ERROR, fd = -1;
    char *msg = NULL, *resp = NULL;
    awsval_http_header *headers = NULL;
    awsval_code rc;
    awsval_ctx *ctx = awsval_ctx_create(&o->ctx, &rc);
    if (!ctx) {
        cli_error("cannot create a checker: %s", awsval_strerror(rc));
        goto done;
    }
    fd = cli_open_input(path);
    if (fd < 0) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    size_t max_size = o->ctx.max_size ? o->ctx.max_size : (size_t)1 << 20;
    /* One byte more than a request of max_size after a head of HTTP_HEAD_MAX: reading it all
     * means that the body is over max_size or the head over HTTP_HEAD_MAX. */
    size_t limit = max_size + HTTP_HEAD_MAX + 1, len = 0;
    msg = cli_read_upto(fd, limit, &len);
    if (!msg) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    bool prefix = len == limit;
    headers = malloc(HTTP_MAX_HEADERS * sizeof *headers);
    if (!headers) {
        cli_error("out of memory");
        goto done;
    }
    awsval_http_request req;
    const char *err = NULL;
    if (http_message_parse(msg, len, prefix ? HTTP_MESSAGE_PREFIX : 0, &req, headers, HTTP_MAX_HEADERS, &err) != 0) {
        if (prefix)
            cli_error("http: cannot parse the request (of which the first %zu bytes were read): %s", len, err);
        else
            cli_error("http: cannot parse the request: %s", err);
        goto done;
    }
    if (prefix && req.body_len <= max_size) {
        cli_error("http: the request line and header section are longer than %zu bytes", HTTP_HEAD_MAX);
        goto done;
    }
    rc = awsval_check_http(ctx, m, &req);
    if (rc == AWSVAL_OK) {
        status = EXIT_VALID;
        goto done;
    }
    if (rc != AWSVAL_INVALID) {
        cli_error("http: cannot check the request: %s", awsval_strerror(rc));
        goto done;
    }
    size_t n;
    resp = render_http(ctx, &n, &rc);
    if (!resp) {
        cli_error("http: cannot render the response: %s", awsval_strerror(rc));
        goto done;
    }
    fwrite(resp, 1, n, stdout);
    status = EXIT_INVALID;
done:
    free(resp);
    free(headers);
    free(msg);
    if (fd >= 0) cli_close_input(fd);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return status;
}
