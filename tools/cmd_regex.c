/* `awsval regex`: match patterns written in Java's dialect the way awsval matches them, one JSON
 * line at a time (awsval_pattern_compile / awsval_pattern_match).
 *
 * Input lines:  {"p": PATTERN, "s": SUBJECT, "mode": "full"|"find"}   (mode defaults to full;
 *               "search" is the same as "find")
 * Output lines: {"match": true|false|"error"|"limit"}, one per input line, in order.
 * A line that is not such an object, or a pattern that does not compile, gives "error". Lines
 * share nothing but a cache of compiled patterns. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Compiled patterns kept, least recently used first out. */
#define REGEX_CACHE 16
/* A longer line is answered "error" without being held. */
#define REGEX_MAX_LINE ((size_t)16 << 20)

typedef struct compiled {
    char *src; /* NULL: an empty slot */
    size_t len;
    uint32_t flags;
    awsval_pattern *re; /* NULL: the pattern does not compile */
    uint64_t used;
} compiled;

typedef struct regex_cache {
    compiled e[REGEX_CACHE];
    uint64_t clock;
} regex_cache;

/* The compiled pattern; NULL if it does not compile or memory runs out. */
static const awsval_pattern *pattern_for(regex_cache *k, const char *src, size_t len, uint32_t flags)
{
    size_t slot = 0;
    for (size_t i = 0; i < REGEX_CACHE; i++) {
        compiled *c = &k->e[i];
        if (c->src && c->flags == flags && c->len == len && memcmp(c->src, src, len) == 0) {
            c->used = ++k->clock;
            return c->re;
        }
        if (!c->src || (k->e[slot].src && c->used < k->e[slot].used)) slot = i;
    }
    compiled *c = &k->e[slot];
    free(c->src);
    awsval_pattern_free(c->re);
    *c = (compiled){0};
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, src, len);
    copy[len] = '\0';
    *c = (compiled){copy, len, flags, awsval_pattern_compile(src, len, flags, NULL, NULL), ++k->clock};
    return c->re;
}

/* The answer to one line. */
static const char *answer(regex_cache *k, awsval_ctx *ctx, const char *line, size_t len)
{
    size_t off, n, plen, slen, mlen;
    char *p = NULL, *s = NULL, *mode = NULL;
    const char *res = "\"error\"";
    if (awsval_json_member(line, len, "p", 1, &off, &n) != AWSVAL_OK || !(p = cli_json_text(line + off, n, &plen)))
        goto done;
    if (awsval_json_member(line, len, "s", 1, &off, &n) != AWSVAL_OK || !(s = cli_json_text(line + off, n, &slen)))
        goto done;
    uint32_t flags = 0;
    awsval_code rc = awsval_json_member(line, len, "mode", 4, &off, &n);
    if (rc == AWSVAL_OK) {
        if (!(mode = cli_json_text(line + off, n, &mlen))) goto done;
        if (strcmp(mode, "find") == 0 || strcmp(mode, "search") == 0) flags = AWSVAL_PATTERN_SEARCH;
        else if (strcmp(mode, "full") != 0) goto done;
    } else if (rc != AWSVAL_NOTFOUND) {
        goto done;
    }
    const awsval_pattern *re = pattern_for(k, p, plen, flags);
    if (!re) goto done;
    switch (awsval_pattern_match(ctx, re, s, slen)) {
    case AWSVAL_OK: res = "true"; break;
    case AWSVAL_INVALID: res = "false"; break;
    case AWSVAL_LIMIT: res = "\"limit\""; break;
    default: break;
    }
done:
    free(p);
    free(s);
    free(mode);
    return res;
}

int cmd_regex(const cli_opts *o, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    awsval_code rc;
    awsval_ctx *ctx = awsval_ctx_create(&o->ctx, &rc);
    if (!ctx) return cli_error("cannot create a matcher: %s", awsval_strerror(rc));
    regex_cache k = {0};
    cli_lines lines;
    cli_lines_init(&lines, 0, REGEX_MAX_LINE);
    int status = EXIT_VALID, r;
    const char *line;
    size_t len;
    while ((r = cli_lines_next(&lines, &line, &len)) != CLI_LINE_EOF) {
        if (r == CLI_LINE_ERROR) {
            status = cli_error("cannot read standard input: %s", strerror(errno));
            break;
        }
        const char *res = r == CLI_LINE_OK ? answer(&k, ctx, line, len) : "\"error\"";
        printf("{\"match\": %s}\n", res);
    }
    cli_lines_free(&lines);
    for (size_t i = 0; i < REGEX_CACHE; i++) {
        free(k.e[i].src);
        awsval_pattern_free(k.e[i].re);
    }
    awsval_ctx_free(ctx);
    return status;
}
