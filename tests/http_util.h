/* Helpers shared by test_http.c and test_smithy.c: render awsval_render_http's response into a
 * heap buffer, split a rendered HTTP/1.1 response into status, headers and body (strictly: CRLF
 * line ends, a Content-Length that matches the body), and compare JSON documents naming the
 * first difference. Header-only; every function is static inline so that a test file may use
 * any subset of them. */
#ifndef AWSVAL_TESTS_HTTP_UTIL_H
#define AWSVAL_TESTS_HTTP_UTIL_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

/* awsval_render_http into a buffer of exactly the size asked for. NULL (with *rc set) when
 * either call fails. */
static inline char *render_http_alloc(const awsval_ctx *ctx, const awsval_model *m, awsval_code *rc,
                                      size_t *len)
{
    (void)m;
    size_t need = 0;
    *rc = awsval_render_http(ctx, NULL, 0, &need);
    if (*rc != AWSVAL_TOOSMALL && *rc != AWSVAL_OK) return NULL;
    if (need == 0) need = 1;
    char *buf = malloc(need);
    if (!buf) return NULL;
    size_t need2 = 0;
    *rc = awsval_render_http(ctx, buf, need, &need2);
    if (*rc != AWSVAL_OK) {
        free(buf);
        return NULL;
    }
    if (len) *len = strlen(buf);
    return buf;
}

typedef struct resp_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} resp_header;

typedef struct http_response {
    int status;
    const char *reason;
    size_t reason_len;
    resp_header headers[64];
    size_t nheaders;
    const char *body;
    size_t body_len;
} http_response;

static inline int util_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The index of the header named `name` (any case), or -1; *dups counts further ones. */
static inline int find_header(const http_response *r, const char *name, int *dups)
{
    int found = -1, n = 0;
    size_t len = strlen(name);
    for (size_t i = 0; i < r->nheaders; i++) {
        if (r->headers[i].name_len != len) continue;
        size_t k = 0;
        while (k < len && util_lower((unsigned char)r->headers[i].name[k]) == util_lower((unsigned char)name[k])) k++;
        if (k < len) continue;
        if (found < 0) found = (int)i;
        else n++;
    }
    if (dups) *dups = n;
    return found;
}

/* Splits `text` (len bytes). NULL on success, else what is wrong with it. */
static inline const char *parse_response(const char *text, size_t len, http_response *r)
{
    memset(r, 0, sizeof *r);
    const char *p = text, *end = text + len;
    if (len < 17 || memcmp(p, "HTTP/1.1 ", 9) != 0) return "status line does not start with 'HTTP/1.1 '";
    p += 9;
    for (int i = 0; i < 3; i++, p++) {
        if (*p < '0' || *p > '9') return "status code is not 3 digits";
        r->status = r->status * 10 + (*p - '0');
    }
    if (*p != ' ') return "no space after the status code";
    p++;
    const char *eol = NULL;
    for (const char *q = p; q + 1 < end; q++)
        if (q[0] == '\r' && q[1] == '\n') {
            eol = q;
            break;
        }
    if (!eol) return "status line without CRLF";
    r->reason = p;
    r->reason_len = (size_t)(eol - p);
    p = eol + 2;
    for (;;) {
        eol = NULL;
        for (const char *q = p; q + 1 < end; q++)
            if (q[0] == '\r' && q[1] == '\n') {
                eol = q;
                break;
            }
        if (!eol) return "header section without an empty CRLF line";
        if (eol == p) {
            p += 2;
            break;
        }
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p) return "header line without a name and colon";
        if (memchr(p, '\n', (size_t)(eol - p))) return "bare LF in header section";
        if (r->nheaders == sizeof r->headers / sizeof r->headers[0]) return "more than 64 headers";
        resp_header *h = &r->headers[r->nheaders++];
        h->name = p;
        h->name_len = (size_t)(colon - p);
        const char *v = colon + 1, *e = eol;
        while (v < e && (*v == ' ' || *v == '\t')) v++;
        while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
        h->value = v;
        h->value_len = (size_t)(e - v);
        p = eol + 2;
    }
    r->body = p;
    r->body_len = (size_t)(end - p);
    int dups = 0;
    int cl = find_header(r, "content-length", &dups);
    if (cl < 0) return "no Content-Length header";
    if (dups) return "more than one Content-Length header";
    size_t n = 0;
    const resp_header *h = &r->headers[cl];
    if (h->value_len == 0) return "empty Content-Length";
    for (size_t i = 0; i < h->value_len; i++) {
        if (h->value[i] < '0' || h->value[i] > '9') return "Content-Length is not a number";
        n = n * 10 + (size_t)(h->value[i] - '0');
    }
    if (n != r->body_len) return "Content-Length does not match the body's length";
    return NULL;
}

/* A header's value as a NUL-terminated string in a static buffer ("" when absent). */
static inline const char *header_value(const http_response *r, const char *name)
{
    static char buf[1024];
    int i = find_header(r, name, NULL);
    if (i < 0) return "";
    size_t n = r->headers[i].value_len < sizeof buf - 1 ? r->headers[i].value_len : sizeof buf - 1;
    memcpy(buf, r->headers[i].value, n);
    buf[n] = '\0';
    return buf;
}

static inline const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "real";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return "null";
    }
}

/* Deep equality: objects regardless of key order, arrays in order, numbers by value (an integer
 * equals a real of the same value). On a difference returns 0 and writes into `why` the JSON
 * Pointer of the first difference and what differs there. `path` is the pointer so far. */
static inline int json_same_at(const json_t *want, const json_t *got, const char *path, char *why,
                               size_t cap)
{
    char sub[1024];
    if (json_is_number(want) && json_is_number(got)) {
        if (json_number_value(want) == json_number_value(got) &&
            (!json_is_integer(want) || !json_is_integer(got) ||
             json_integer_value(want) == json_integer_value(got)))
            return 1;
        snprintf(why, cap, "at '%s': expected %g, got %g", path, json_number_value(want), json_number_value(got));
        return 0;
    }
    if (json_typeof(want) != json_typeof(got)) {
        snprintf(why, cap, "at '%s': expected %s, got %s", path, json_type_name(want), json_type_name(got));
        return 0;
    }
    switch (json_typeof(want)) {
    case JSON_STRING:
        if (json_string_length(want) == json_string_length(got) &&
            memcmp(json_string_value(want), json_string_value(got), json_string_length(want)) == 0)
            return 1;
        snprintf(why, cap, "at '%s': expected \"%s\", got \"%s\"", path, json_string_value(want),
                 json_string_value(got));
        return 0;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(want) && i < json_array_size(got); i++) {
            snprintf(sub, sizeof sub, "%s/%zu", path, i);
            if (!json_same_at(json_array_get(want, i), json_array_get(got, i), sub, why, cap)) return 0;
        }
        if (json_array_size(want) != json_array_size(got)) {
            snprintf(why, cap, "at '%s': expected %zu items, got %zu", path, json_array_size(want),
                     json_array_size(got));
            return 0;
        }
        return 1;
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        /* const-correctness: jansson's iteration macros take a non-const object. */
        json_t *w = (json_t *)(uintptr_t)want, *g = (json_t *)(uintptr_t)got;
        json_object_foreach(w, k, v) {
            json_t *gv = json_object_get(g, k);
            snprintf(sub, sizeof sub, "%s/%s", path, k);
            if (!gv) {
                snprintf(why, cap, "at '%s': member missing", sub);
                return 0;
            }
            if (!json_same_at(v, gv, sub, why, cap)) return 0;
        }
        json_object_foreach(g, k, v) {
            if (!json_object_get(w, k)) {
                snprintf(why, cap, "at '%s/%s': unexpected member", path, k);
                return 0;
            }
        }
        return 1;
    }
    default:
        return 1;
    }
}

static inline int json_same(const json_t *want, const json_t *got, char *why, size_t cap)
{
    if (cap) why[0] = '\0';
    return json_same_at(want, got, "", why, cap);
}

#endif
