/* `awsval regex`: match Java-dialect patterns the way awsval does, one JSON line at a time.
 *
 *   int awsval__cli_regex(FILE *in, FILE *out);
 *
 * Input lines:  {"p": PATTERN, "s": SUBJECT, "mode": "full"|"find"}   (mode defaults to full)
 * Output lines: {"match": true|false|"error"|"limit"}, one per input line, in order.
 * A malformed line, or a pattern that does not compile, yields {"match": "error"}. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "awsval_regex.h"

int awsval__cli_regex(FILE *in, FILE *out);

/* The compiled pattern of the previous line, reused while lines repeat it. */
typedef struct cache {
    char *src;
    size_t len;
    uint32_t mode;
    awsval__regex *re; /* NULL: the pattern does not compile */
    int valid;
} cache;

static const char *answer(cache *c, awsval__regex_scratch *scr, const char *line, size_t n) {
    json_error_t jerr;
    json_t *doc = json_loadb(line, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    const char *res = "\"error\"";
    if (!json_is_object(doc)) goto done;
    json_t *p = json_object_get(doc, "p"), *s = json_object_get(doc, "s"), *m = json_object_get(doc, "mode");
    if (!json_is_string(p) || !json_is_string(s) || (m && !json_is_string(m))) goto done;
    uint32_t mode = AWSVAL__RE_FULL;
    if (m) {
        if (strcmp(json_string_value(m), "find") == 0) mode = AWSVAL__RE_SEARCH;
        else if (strcmp(json_string_value(m), "full") != 0) goto done;
    }
    const char *ps = json_string_value(p);
    size_t pl = json_string_length(p);
    if (!c->valid || c->mode != mode || c->len != pl || memcmp(c->src, ps, pl) != 0) {
        awsval__regex_free(c->re);
        free(c->src);
        c->valid = 0;
        c->src = malloc(pl + 1);
        if (!c->src) goto done;
        memcpy(c->src, ps, pl);
        c->len = pl;
        c->mode = mode;
        c->re = awsval__regex_compile(ps, pl, mode, NULL, NULL, NULL, 0);
        c->valid = 1;
    }
    if (!c->re) goto done;
    switch (awsval__regex_match(c->re, json_string_value(s), json_string_length(s), scr)) {
    case AWSVAL__RE_MATCH: res = "true"; break;
    case AWSVAL__RE_NOMATCH: res = "false"; break;
    case AWSVAL__RE_LIMIT: res = "\"limit\""; break;
    default: break;
    }
done:
    json_decref(doc);
    return res;
}

int awsval__cli_regex(FILE *in, FILE *out) {
    cache c = {0};
    awsval__regex_scratch *scr = awsval__regex_scratch_create(NULL, NULL);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) >= 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        const char *res = scr ? answer(&c, scr, line, len) : "\"error\"";
        fprintf(out, "{\"match\": %s}\n", res);
    }
    fflush(out);
    free(line);
    awsval__regex_free(c.re);
    free(c.src);
    awsval__regex_scratch_free(scr);
    return 0;
}
