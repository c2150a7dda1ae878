/* The awsval command-line tool: models, input, lines and JSON output shared by the commands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fputs("awsval: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_ERROR;
}

/* ------------------------------------------------------------------------------------------ */
/* Models                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* "vpc-lattice, apprunner" into buf. */
static void builtin_list(char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < awsval_builtin_count() && n < cap; i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", awsval_builtin_name(i));
        if (k < 0) break;
        n += (size_t)k;
    }
}

awsval_model *cli_open_model(const cli_opts *o, const char *service, char *why, size_t cap)
{
    awsval_model_opts mo = {.size = sizeof mo, .flags = o->model_flags};
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m;
    why[0] = '\0';
    if (o->model_file) {
        mo.service = o->service ? o->service : service;
        m = awsval_model_load_file(o->model_file, &mo, &err);
        if (!m && err.code == AWSVAL_IO) snprintf(why, cap, "%s", err.message);
        else if (!m) snprintf(why, cap, "%s: %s", o->model_file, err.message);
        return m;
    }
    if (o->models_dir) {
        m = awsval_model_load_dir(o->models_dir, service, &mo, &err);
        if (!m) snprintf(why, cap, "%s", err.message);
        return m;
    }
    m = awsval_model_load_builtin(service, &mo, &err);
    if (m || err.code != AWSVAL_NOTFOUND) {
        if (!m) snprintf(why, cap, "%s", err.message);
        return m;
    }
    char names[256];
    builtin_list(names, sizeof names);
    if (!o->models_env) {
        snprintf(why, cap,
                 "no built-in model for service '%s' (built in: %s); for another service, give "
                 "botocore's data directory (.../botocore/data) with --models DIR or the "
                 "AWSVAL_MODELS environment variable",
                 service, names);
        return NULL;
    }
    struct stat st;
    if (stat(o->models_env, &st) != 0) {
        snprintf(why, cap, "no built-in model for service '%s', and AWSVAL_MODELS=%s: %s", service,
                 o->models_env, strerror(errno));
        return NULL;
    }
    err = (awsval_model_err){.size = sizeof err};
    m = awsval_model_load_dir(o->models_env, service, &mo, &err);
    if (!m && err.code == AWSVAL_NOTFOUND)
        snprintf(why, cap, "no built-in model for service '%s' (built in: %s), and %s (AWSVAL_MODELS)",
                 service, names, err.message);
    else if (!m)
        snprintf(why, cap, "%s (AWSVAL_MODELS)", err.message);
    return m;
}

bool cli_has_operation(const awsval_model *m, const char *operation)
{
    for (size_t i = 0, n = awsval_model_operation_count(m); i < n; i++)
        if (strcmp(awsval_model_operation_name(m, i), operation) == 0) return true;
    return false;
}

char *cli_render(const awsval_ctx *ctx, uint32_t style, size_t *len, awsval_code *rc)
{
    size_t cap = 4096, need = 0;
    char *buf = malloc(cap);
    *rc = AWSVAL_NOMEM;
    if (!buf) return NULL;
    while ((*rc = awsval_render(ctx, style, buf, cap, &need)) == AWSVAL_TOOSMALL && need > cap) {
        free(buf);
        cap = need;
        buf = malloc(cap);
        if (!buf) {
            *rc = AWSVAL_NOMEM;
            return NULL;
        }
    }
    if (*rc != AWSVAL_OK) {
        free(buf);
        return NULL;
    }
    if (len) *len = need ? need - 1 : 0;
    return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Input                                                                                       */
/* ------------------------------------------------------------------------------------------ */

int cli_open_input(const char *path)
{
    if (strcmp(path, "-") == 0) return STDIN_FILENO;
    int fd;
    do fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    return fd;
}

void cli_close_input(int fd)
{
    if (fd > STDIN_FILENO) close(fd);
}

/* read(2), again after a signal. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
    ssize_t k;
    do k = read(fd, buf, n);
    while (k < 0 && errno == EINTR);
    return k;
}

char *cli_read_upto(int fd, size_t max, size_t *len)
{
    size_t cap = max < 65536 ? max + 1 : 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        if (n == max) break;
        if (n + 1 == cap) {
            size_t more = cap * 2 > max + 1 || cap * 2 < cap ? max + 1 : cap * 2;
            char *b = realloc(buf, more);
            if (!b) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = b;
            cap = more;
        }
        ssize_t k = read_some(fd, buf + n, cap - 1 - n);
        if (k < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return NULL;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Lines                                                                                       */
/* ------------------------------------------------------------------------------------------ */

void cli_lines_init(cli_lines *r, int fd, size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->max_line = max_line;
}

void cli_lines_free(cli_lines *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Hands out [s, e) as the next line (dropping one CR before its end). */
static int give_line(cli_lines *r, size_t s, size_t e, const char **line, size_t *len)
{
    r->lineno++;
    if (r->skipping) {
        r->skipping = false;
        return CLI_LINE_TOO_LONG;
    }
    if (e > s && r->buf[e - 1] == '\r') e--;
    if (e - s > r->max_line) return CLI_LINE_TOO_LONG;
    *line = r->buf + s;
    *len = e - s;
    return CLI_LINE_OK;
}

int cli_lines_next(cli_lines *r, const char **line, size_t *len)
{
    for (;;) {
        char *nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl) {
            size_t s = r->start, e = (size_t)(nl - r->buf);
            r->start = r->scan = e + 1;
            return give_line(r, s, e, line, len);
        }
        r->scan = r->end;
        if (r->skipping) r->start = r->scan = r->end = 0; /* drop what a long line holds */
        if (r->eof) {
            if (r->start == r->end && !r->skipping) return CLI_LINE_EOF;
            size_t s = r->start, e = r->end;
            r->start = r->scan = r->end = 0;
            return give_line(r, s, e, line, len);
        }
        if (r->start > 0) {
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->end -= r->start;
            r->scan -= r->start;
            r->start = 0;
        }
        if (r->end > r->max_line + 1) { /* longer than a line and its CR: skip to its end */
            r->skipping = true;
            r->start = r->scan = r->end = 0;
        }
        if (r->cap - r->end < 4096) {
            size_t cap = r->cap ? r->cap * 2 : 65536;
            while (cap - r->end < 4096) cap *= 2;
            char *b = realloc(r->buf, cap);
            if (!b) {
                errno = ENOMEM;
                return CLI_LINE_ERROR;
            }
            r->buf = b;
            r->cap = cap;
        }
        /* About to wait for input: what has been answered so far goes out first. */
        fflush(stdout);
        ssize_t k = read_some(r->fd, r->buf + r->end, r->cap - r->end);
        if (k < 0) return CLI_LINE_ERROR;
        if (k == 0) r->eof = true;
        r->end += (size_t)k;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t k;
    uint32_t cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) k = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef) k = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) k = 4, cp = s[0] & 0x07u;
    else return 0;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return k;
}

void cli_json_string(FILE *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    putc('"', out);
    size_t run = 0; /* start of the bytes not written yet, which need no escape */
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t k = c >= 0x80 ? utf8_seq(u + i, n - i) : 0;
        if (k) {
            i += k;
            continue;
        }
        fwrite(s + run, 1, i - run, out);
        if (c >= 0x80) {
            fputs("\\ufffd", out); /* not UTF-8 (a file name, say): the replacement character */
        } else {
            putc('\\', out);
            switch (c) {
            case '"': putc('"', out); break;
            case '\\': putc('\\', out); break;
            case '\n': putc('n', out); break;
            case '\r': putc('r', out); break;
            case '\t': putc('t', out); break;
            default:
                fputs("u00", out);
                putc(hex[c >> 4], out);
                putc(hex[c & 15], out);
            }
        }
        run = ++i;
    }
    fwrite(s + run, 1, n - run, out);
    putc('"', out);
}

char *cli_json_text(const char *token, size_t n, size_t *len)
{
    if (n < 2 || token[0] != '"' || token[n - 1] != '"') return NULL;
    char *text;
    if (!memchr(token, '\\', n)) {
        /* A strict JSON string without escapes is its bytes between the quotes. */
        text = malloc(n - 1);
        if (!text) return NULL;
        memcpy(text, token + 1, n - 2);
        text[n - 2] = '\0';
        *len = n - 2;
        return text;
    }
    size_t need = 0;
    if (awsval_json_string(token, n, NULL, 0, &need) != AWSVAL_TOOSMALL || need == 0) return NULL;
    text = malloc(need);
    if (!text) return NULL;
    if (awsval_json_string(token, n, text, need, NULL) != AWSVAL_OK) {
        free(text);
        return NULL;
    }
    *len = need - 1;
    return text;
}
