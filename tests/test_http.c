/* HTTP requests: the raw-message parser of `awsval http` (tools/http_message.c, the
 * awsval_http_message library), and awsval_check_http / awsval_render_http against the built-in
 * models (VPC Lattice restJson1, App Runner awsJson1_0). `awsval http` itself is tested end to
 * end in test_cli.c. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"
#include "http_message.h"
#include "http_util.h"

/* ============================================================== http_message_parse, unit tests */

static awsval_http_header hdrs[16];
static awsval_http_request req;
static const char *perr;
static char *copy; /* the message under test, in a buffer of exactly its size (no NUL after it) */

static void parse_fini(void)
{
    free(copy);
    copy = NULL;
}

TestSuite(parse, .fini = parse_fini);

/* Parses the first n bytes of s from a heap copy of exactly n bytes, so that a read past the
 * end is a heap overflow under ASan. */
static int parse_flags(const char *s, size_t n, uint32_t flags, size_t max_headers)
{
    free(copy);
    copy = malloc(n ? n : 1);
    cr_assert_not_null(copy);
    memcpy(copy, s, n);
    perr = "(not set)";
    memset(hdrs, 0xAB, sizeof hdrs);
    return http_message_parse(copy, n, flags, &req, hdrs, max_headers, &perr);
}

static int parse_n(const char *s, size_t n, size_t max_headers)
{
    return parse_flags(s, n, 0, max_headers);
}

static int parse(const char *s)
{
    return parse_n(s, strlen(s), 16);
}

static void expect_error(const char *s, const char *want)
{
    int r = parse(s);
    cr_assert_eq(r, -1, "accepted: %s", s);
    cr_assert_not_null(perr);
    cr_assert_str_eq(perr, want, "message %s", s);
}

#define ASSERT_SPAN(p, n, want)                                                                   \
    do {                                                                                          \
        cr_assert_eq((n), strlen(want), "length %zu, want %zu (%s)", (size_t)(n), strlen(want), want); \
        cr_assert(memcmp((p), (want), (n)) == 0, "%.*s != %s", (int)(n), (p), want);              \
    } while (0)

Test(parse, crlf_with_body)
{
    const char *m = "POST /servicenetworkserviceassociations?a=1 HTTP/1.1\r\n"
                    "Host: vpc-lattice.us-west-2.amazonaws.com\r\n"
                    "Content-Type:application/json\r\n"
                    "X-Spaces: \t padded value \t\r\n"
                    "X-Empty:\r\n"
                    "Content-Length: 7\r\n"
                    "\r\n"
                    "{\"a\":1}";
    cr_assert_eq(parse(m), 0, "%s", perr);
    cr_assert_null(perr);
    cr_assert_eq(req.size, sizeof req);
    ASSERT_SPAN(req.method, req.method_len, "POST");
    ASSERT_SPAN(req.target, req.target_len, "/servicenetworkserviceassociations?a=1");
    cr_assert_eq(req.header_count, 5);
    cr_assert_eq(req.headers, hdrs);
    ASSERT_SPAN(hdrs[0].name, hdrs[0].name_len, "Host");
    ASSERT_SPAN(hdrs[0].value, hdrs[0].value_len, "vpc-lattice.us-west-2.amazonaws.com");
    ASSERT_SPAN(hdrs[1].name, hdrs[1].name_len, "Content-Type");
    ASSERT_SPAN(hdrs[1].value, hdrs[1].value_len, "application/json");
    ASSERT_SPAN(hdrs[2].value, hdrs[2].value_len, "padded value");
    ASSERT_SPAN(hdrs[3].name, hdrs[3].name_len, "X-Empty");
    cr_assert_eq(hdrs[3].value_len, 0);
    ASSERT_SPAN(hdrs[4].value, hdrs[4].value_len, "7");
    ASSERT_SPAN(req.body, req.body_len, "{\"a\":1}");
    /* Everything points into the buffer. */
    cr_assert(req.method == copy && req.body + req.body_len == copy + strlen(m));
}

Test(parse, crlf_required)
{
    /* A bare LF ends a line for some parsers and not for others: refused everywhere. */
    expect_error("DELETE /x/y HTTP/1.1\nA: b\ncontent-length: 2\n\n{}", "bare LF (lines must end in CRLF)");
    expect_error("GET / HTTP/1.1\r\nA: b\n\r\n", "bare LF (lines must end in CRLF)");
    expect_error("GET / HTTP/1.1\r\nA: b\r\n\n", "bare LF (lines must end in CRLF)");
    expect_error("\nGET / HTTP/1.1\r\n\r\n", "bare LF (lines must end in CRLF)");
    expect_error("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", "bare CR (lines must end in CRLF)");
    expect_error("GET / HTTP/1.1\r\nA: b\r\r\n\r\n", "bare CR (lines must end in CRLF)");
    /* A CR as the last byte may still be followed by its LF: the message is incomplete. */
    expect_error("GET / HTTP/1.1\r", "incomplete request line (no line end)");
}

Test(parse, no_body)
{
    cr_assert_eq(parse("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"), 0, "%s", perr);
    cr_assert_null(req.body);
    cr_assert_eq(req.body_len, 0);
    /* Without Content-Length there is no body, and nothing may follow the header section. */
    expect_error("GET /a HTTP/1.1\r\n\r\ntrailing", "bytes after the header section (no Content-Length)");
    expect_error("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", "bytes after the header section (no Content-Length)");
    /* Content-Length: 0 is an empty body. */
    cr_assert_eq(parse("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 0, "%s", perr);
    cr_assert_eq(req.body_len, 0);
}

Test(parse, bytes_after_the_body)
{
    /* One message: a second one (request smuggling) or stray bytes after the body are refused. */
    expect_error("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n",
                 "bytes after the body (Content-Length)");
    expect_error("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n\r\n", "bytes after the body (Content-Length)");
    expect_error("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\n", "bytes after the body (Content-Length)");
}

Test(parse, truncated_body)
{
    expect_error("POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}", "body shorter than Content-Length");
    expect_error("POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\n", "body shorter than Content-Length");
}

Test(parse, every_prefix_is_bounded)
{
    const char *m = "POST /p?q=1 HTTP/1.1\r\nA: 1\r\nContent-Length: 5\r\n\r\nhello";
    size_t n = strlen(m);
    size_t head = (size_t)(strstr(m, "\r\n\r\n") - m) + 4;
    for (size_t k = 0; k <= n; k++) {
        int r = parse_n(m, k, 16);
        if (k < n) cr_assert_eq(r, -1, "prefix of %zu bytes accepted", k);
        else cr_assert_eq(r, 0, "%s", perr);
        if (k >= head && k < n) cr_assert_str_eq(perr, "body shorter than Content-Length");
    }
    ASSERT_SPAN(req.body, req.body_len, "hello");
}

Test(parse, bad_request_lines)
{
    expect_error("", "empty message");
    expect_error("\r\n\r\n", "empty message");
    expect_error("GET / HTTP/1.1", "incomplete request line (no line end)");
    expect_error("GET /\r\n\r\n", "malformed request line: no HTTP version");
    expect_error("GET\r\n\r\n", "malformed request line: bad method");
    expect_error(" GET / HTTP/1.1\r\n\r\n", "malformed request line: bad method");
    expect_error("GET  / HTTP/1.1\r\n\r\n", "malformed request line: empty target");
    expect_error("GET / HTTP/1.1 \r\n\r\n", "malformed request line: bad HTTP version");
    expect_error("GET /  HTTP/1.1\r\n\r\n", "malformed request line: bad HTTP version");
    expect_error("G(T / HTTP/1.1\r\n\r\n", "malformed request line: bad method");
    expect_error("GET / HTTP/1.0\r\n\r\n", "unsupported HTTP version (HTTP/1.1 expected)");
    expect_error("GET / HTTP/2\r\n\r\n", "unsupported HTTP version (HTTP/1.1 expected)");
    expect_error("GET / http/1.1\r\n\r\n", "malformed request line: bad HTTP version");
    expect_error("GET /a\tb HTTP/1.1\r\n\r\n", "malformed request line: bad character in target");
    expect_error("GET /\xc3\xa9 HTTP/1.1\r\n\r\n", "malformed request line: bad character in target");
    expect_error("GET /a#frag HTTP/1.1\r\n\r\n", "malformed request line: fragment in target");
    expect_error("GET a/b HTTP/1.1\r\n\r\n", "request target must be origin-form (/path?query)");
    expect_error("OPTIONS * HTTP/1.1\r\n\r\n", "asterisk-form request target is not supported");
    expect_error("CONNECT host:443 HTTP/1.1\r\n\r\n", "request target must be origin-form (/path?query)");
    expect_error("GET http:///x HTTP/1.1\r\n\r\n", "absolute-form request target without a host");
    expect_error("GET / HTTP/1.1\rX: y\r\n\r\n", "bare CR (lines must end in CRLF)");
}

Test(parse, leading_empty_lines_and_absolute_form)
{
    cr_assert_eq(parse("\r\n\r\nGET /a HTTP/1.1\r\n\r\n"), 0, "%s", perr);
    ASSERT_SPAN(req.target, req.target_len, "/a");
    cr_assert_eq(parse("GET https://Example.com:443/a/b?c=d HTTP/1.1\r\n\r\n"), 0, "%s", perr);
    ASSERT_SPAN(req.target, req.target_len, "/a/b?c=d");
    cr_assert_eq(parse("GET HTTP://example.com HTTP/1.1\r\n\r\n"), 0, "%s", perr);
    ASSERT_SPAN(req.target, req.target_len, "/");
}

Test(parse, header_errors)
{
    expect_error("GET / HTTP/1.1\r\nA: b\r\n", "incomplete header section (no empty line)");
    expect_error("GET / HTTP/1.1\r\nA: b\r\n\r", "incomplete header section (no empty line)");
    expect_error("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "obsolete line folding (obs-fold) is not allowed");
    expect_error("GET / HTTP/1.1\r\n\tA: b\r\n\r\n", "obsolete line folding (obs-fold) is not allowed");
    expect_error("GET / HTTP/1.1\r\nA : b\r\n\r\n", "whitespace between header field name and colon");
    expect_error("GET / HTTP/1.1\r\nA b\r\n\r\n", "whitespace between header field name and colon");
    expect_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "header field without a colon");
    expect_error("GET / HTTP/1.1\r\n: v\r\n\r\n", "empty header field name");
    expect_error("GET / HTTP/1.1\r\nA(b: v\r\n\r\n", "malformed header field name");
    expect_error("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", "control character in header field value");
    expect_error("GET / HTTP/1.1\r\nA: \x7f\r\n\r\n", "control character in header field value");
    static const char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
    cr_assert_eq(parse_n(nul, sizeof nul - 1, 16), -1);
    cr_assert_str_eq(perr, "control character in header field value");
    /* Header names are RFC 9110 tokens, without '_' (nginx drops such fields by default, so a
     * backend behind it and awsval could disagree on "Transfer_Encoding"). */
    expect_error("GET / HTTP/1.1\r\nTransfer_Encoding: chunked\r\n\r\n",
                 "'_' in a header field name (nginx drops such fields by default)");
    expect_error("GET / HTTP/1.1\r\nX_: v\r\n\r\n", "'_' in a header field name (nginx drops such fields by default)");
    expect_error("GET / HTTP/1.1\r\nA\"b: v\r\n\r\n", "malformed header field name");
    expect_error("GET / HTTP/1.1\r\nA/b: v\r\n\r\n", "malformed header field name");
    expect_error("GET / HTTP/1.1\r\nA\xc3\xa9: v\r\n\r\n", "malformed header field name");
    cr_assert_eq(parse("GET / HTTP/1.1\r\nX-A.b!#$%&'*+^`|~9: v\r\n\r\n"), 0, "%s", perr);
    ASSERT_SPAN(hdrs[0].name, hdrs[0].name_len, "X-A.b!#$%&'*+^`|~9");
    /* obs-text is kept. */
    cr_assert_eq(parse("GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n"), 0, "%s", perr);
    ASSERT_SPAN(hdrs[0].value, hdrs[0].value_len, "caf\xc3\xa9");
}

Test(parse, too_many_headers)
{
    const char *m = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    cr_assert_eq(parse_n(m, strlen(m), 3), 0, "%s", perr);
    cr_assert_eq(req.header_count, 3);
    cr_assert_eq(parse_n(m, strlen(m), 2), -1);
    cr_assert_str_eq(perr, "too many header fields");
    cr_assert_eq(parse_n(m, strlen(m), 0), -1);
    cr_assert_str_eq(perr, "too many header fields");
    /* No header array is needed for a message without headers. */
    const char *bare = "GET / HTTP/1.1\r\n\r\n";
    cr_assert_eq(http_message_parse(bare, strlen(bare), 0, &req, NULL, 0, &perr), 0, "%s", perr);
    cr_assert_eq(req.header_count, 0);
    cr_assert_null(req.headers);
}

Test(parse, content_length_rules)
{
    expect_error("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\nxx", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 1,1\r\n\r\nx", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", "invalid Content-Length");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n", "Content-Length too large");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\nxx",
                 "conflicting Content-Length fields");
    cr_assert_eq(parse("POST / HTTP/1.1\r\nContent-Length: 2\r\nCONTENT-LENGTH: 02\r\n\r\nxy"), 0, "%s", perr);
    ASSERT_SPAN(req.body, req.body_len, "xy");
}

Test(parse, transfer_encoding)
{
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                 "chunked bodies are not supported");
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n", "chunked bodies are not supported");
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported transfer coding");
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}",
                 "both Transfer-Encoding and Content-Length");
}

Test(parse, prefix)
{
    /* The first bytes of a longer message: a body cut short is taken as far as it goes. */
    const char *m = "POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n{\"a\":";
    cr_assert_eq(parse_flags(m, strlen(m), HTTP_MESSAGE_PREFIX, 16), 0, "%s", perr);
    ASSERT_SPAN(req.body, req.body_len, "{\"a\":");
    cr_assert_eq(parse_flags(m, strlen(m), 0, 16), -1);
    cr_assert_str_eq(perr, "body shorter than Content-Length");
    /* Everything else is as strict: bytes after the body, an incomplete head, no body. */
    m = "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nab";
    cr_assert_eq(parse_flags(m, strlen(m), HTTP_MESSAGE_PREFIX, 16), -1);
    cr_assert_str_eq(perr, "bytes after the body (Content-Length)");
    m = "POST /a HTTP/1.1\r\nContent-Length: 1\r\n";
    cr_assert_eq(parse_flags(m, strlen(m), HTTP_MESSAGE_PREFIX, 16), -1);
    cr_assert_str_eq(perr, "incomplete header section (no empty line)");
    m = "GET /a HTTP/1.1\r\n\r\nx";
    cr_assert_eq(parse_flags(m, strlen(m), HTTP_MESSAGE_PREFIX, 16), -1);
    cr_assert_str_eq(perr, "bytes after the header section (no Content-Length)");
}

/* Random mutations of a few messages, each parsed from a buffer of exactly its size: on success
 * every span lies inside the buffer and the header count is within bounds. (A read past the end
 * shows under the ASan build.) */
static int inside(const char *p, size_t n, const char *buf, size_t len)
{
    return n == 0 || (p >= buf && p <= buf + len && n <= (size_t)(buf + len - p));
}

Test(parse, random_mutations_stay_in_bounds)
{
    static const char *const seeds[] = {
        "POST /a/b?c=d HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
        "GET http://h/x HTTP/1.1\r\nA:b\r\n\r\n",
        "DELETE /servicenetworkserviceassociations/snsa-0123456789abcdefg HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    };
    static const char alphabet[] = "\r\n :\t/?#0123456789GETPOST-HTP.\x01\x7f\xc3";
    uint32_t seed = 12345;
    char work[256];
    for (int iter = 0; iter < 40000; iter++) {
        const char *src = seeds[(size_t)iter % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(src);
        memcpy(work, src, len);
        seed = seed * 1103515245u + 12345u;
        int edits = 1 + (int)((seed >> 16) % 4);
        for (int e = 0; e < edits && len > 0; e++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            switch ((seed >> 16) % 4) {
            case 0: work[at] = alphabet[(seed >> 4) % (sizeof alphabet - 1)]; break;
            case 1: len = at; break; /* truncate */
            case 2: /* delete a byte */
                memmove(work + at, work + at + 1, len - at - 1);
                len--;
                break;
            default: /* insert a byte */
                if (len < sizeof work) {
                    memmove(work + at + 1, work + at, len - at);
                    work[at] = alphabet[(seed >> 4) % (sizeof alphabet - 1)];
                    len++;
                }
            }
        }
        size_t max = (size_t)(seed >> 20) % 5;
        if (parse_flags(work, len, (seed >> 12) & 1 ? HTTP_MESSAGE_PREFIX : 0, max) != 0) {
            cr_assert_not_null(perr);
            continue;
        }
        cr_assert_leq(req.header_count, max);
        cr_assert(inside(req.method, req.method_len, copy, len) && req.method_len > 0);
        cr_assert(req.target_len > 0 && req.target[0] == '/');
        cr_assert(inside(req.target, req.target_len, copy, len) || (req.target_len == 1 && req.target[0] == '/'));
        cr_assert(req.body == NULL || inside(req.body, req.body_len, copy, len));
        for (size_t i = 0; i < req.header_count; i++) {
            cr_assert(req.headers[i].name_len > 0 && inside(req.headers[i].name, req.headers[i].name_len, copy, len));
            cr_assert(inside(req.headers[i].value, req.headers[i].value_len, copy, len));
        }
    }
}

/* ====================================================== awsval_check_http, the built-in models */

static awsval_model *lattice, *runner;
static awsval_ctx *ctx;
static char *resp;
static size_t resp_len;
static http_response r;

static void models_init(void)
{
    awsval_model_err err = {.size = sizeof err};
    lattice = awsval_model_load_builtin("vpc-lattice", NULL, &err);
    cr_assert_not_null(lattice, "%s", err.message);
    runner = awsval_model_load_builtin("apprunner", NULL, &err);
    cr_assert_not_null(runner, "%s", err.message);
    ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
}

static void models_fini(void)
{
    free(resp);
    resp = NULL;
    free(copy);
    copy = NULL;
    awsval_ctx_free(ctx);
    awsval_model_free(lattice);
    awsval_model_free(runner);
}

TestSuite(http, .init = models_init, .fini = models_fini);

#define CREATE "CreateServiceNetworkServiceAssociation"
#define DELETE "DeleteServiceNetworkServiceAssociation"
#define DELVPC "DeleteVpcIngressConnection"
#define SNSA "serviceNetworkServiceAssociationIdentifier"
#define SVC_OK "svc-0123456789abcdefg"
#define SN_OK "sn-0123456789abcdefg"
#define VPC_ARN "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/my-conn/0123456789abcdef"

/* Parses a raw message and checks it. */
static awsval_code check_msg(const awsval_model *m, const char *msg)
{
    cr_assert_eq(parse_n(msg, strlen(msg), 16), 0, "message does not parse (%s): %s", perr, msg);
    return awsval_check_http(ctx, m, &req);
}

/* A raw message with a JSON body and its Content-Length. */
static char *with_body(const char *head, const char *body)
{
    size_t n = strlen(head) + strlen(body) + 64;
    char *m = malloc(n);
    cr_assert_not_null(m);
    snprintf(m, n, "%sContent-Length: %zu\r\n\r\n%s", head, strlen(body), body);
    return m;
}

static const char *routed(void)
{
    const char *op = awsval_ctx_operation(ctx);
    return op ? op : "NULL";
}

static void expect_valid(const awsval_model *m, const char *msg, const char *op)
{
    awsval_code rc = check_msg(m, msg);
    cr_assert_eq(rc, AWSVAL_OK, "expected OK, got %s for:\n%s", awsval_err_name(rc), msg);
    cr_assert_str_eq(routed(), op);
    free(resp);
    resp = render_http_alloc(ctx, m, &rc, &resp_len);
    cr_assert_not_null(resp, "awsval_render_http: %s", awsval_err_name(rc));
    cr_assert_str_eq(resp, "", "a valid request renders nothing");
}

/* Checks an invalid message and splits its rendered response into r. */
static void expect_invalid(const awsval_model *m, const char *msg)
{
    awsval_code rc = check_msg(m, msg);
    cr_assert_eq(rc, AWSVAL_INVALID, "expected INVALID, got %s for:\n%s", awsval_err_name(rc), msg);
    free(resp);
    resp = render_http_alloc(ctx, m, &rc, &resp_len);
    cr_assert_not_null(resp, "awsval_render_http: %s", awsval_err_name(rc));
    const char *e = parse_response(resp, resp_len, &r);
    cr_assert_null(e, "rendered response: %s:\n%s", e, resp);
}

static int body_contains(const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= r.body_len; i++)
        if (memcmp(r.body + i, needle, n) == 0) return 1;
    return 0;
}

/* The response's body as JSON. */
static json_t *body_json(void)
{
    json_error_t je;
    json_t *doc = json_loadb(r.body, r.body_len, JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(doc, "body is not JSON (%s): %.*s", je.text, (int)r.body_len, r.body);
    return doc;
}

/* The body must be the document awsval_render gives in the native style for the same input
 * checked with awsval_check (the service's own error document). */
static void expect_native_body(const awsval_model *m, const char *op, const char *json)
{
    awsval_ctx *c2 = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(c2);
    cr_assert_eq(awsval_check(c2, m, op, json, strlen(json)), AWSVAL_INVALID);
    size_t need = 0;
    cr_assert_eq(awsval_render(c2, AWSVAL_REPORT_NATIVE, NULL, 0, &need), AWSVAL_TOOSMALL);
    char *native = malloc(need);
    cr_assert_not_null(native);
    cr_assert_eq(awsval_render(c2, AWSVAL_REPORT_NATIVE, native, need, NULL), AWSVAL_OK);
    json_t *want = json_loads(native, 0, NULL);
    cr_assert_not_null(want, "%s", native);
    json_t *got = body_json();
    char why[2048];
    cr_assert(json_same(want, got, why, sizeof why), "body differs from the native document %s\nwant: %s\ngot:  %.*s",
              why, native, (int)r.body_len, r.body);
    awsval_rejection rej = {.size = sizeof rej};
    cr_assert_eq(awsval_ctx_rejection(c2, &rej), AWSVAL_OK);
    cr_assert_eq(r.status, rej.status);
    cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), rej.error_type);
    cr_assert_eq(r.body_len, rej.body_len);
    json_decref(want);
    json_decref(got);
    free(native);
    awsval_ctx_free(c2);
}

/* ------------------------------------------------------------------ VPC Lattice (restJson1) */

#define CREATE_HEAD                                  \
    "POST /servicenetworkserviceassociations HTTP/1.1\r\n" \
    "Host: vpc-lattice.us-west-2.amazonaws.com\r\n"  \
    "Content-Type: application/json\r\n"

Test(http, lattice_create_valid)
{
    char *m = with_body(CREATE_HEAD, "{\"serviceIdentifier\":\"" SVC_OK "\",\"serviceNetworkIdentifier\":\"" SN_OK
                                     "\",\"tags\":{\"k\":\"v\"},\"clientToken\":\"abc\"}");
    expect_valid(lattice, m, CREATE);
    free(m);
}

Test(http, lattice_create_unknown_member_ignored)
{
    char *m = with_body(CREATE_HEAD, "{\"serviceIdentifier\":\"" SVC_OK "\",\"serviceNetworkIdentifier\":\"" SN_OK
                                     "\",\"notInTheModel\":[1,2]}");
    expect_valid(lattice, m, CREATE);
    free(m);
}

Test(http, lattice_create_invalid)
{
    /* serviceIdentifier "bad" (too short, no pattern match) and 201 tags (at most 200). */
    size_t cap = 16384;
    char *body = malloc(cap);
    int n = snprintf(body, cap, "{\"serviceIdentifier\":\"bad\",\"serviceNetworkIdentifier\":\"" SN_OK "\",\"tags\":{");
    for (int i = 0; i < 201; i++) n += snprintf(body + n, cap - (size_t)n, "%s\"k%d\":\"v\"", i ? "," : "", i);
    snprintf(body + n, cap - (size_t)n, "}}");
    char *m = with_body(CREATE_HEAD, body);
    expect_invalid(lattice, m);
    cr_assert_str_eq(routed(), CREATE);
    cr_assert_eq(r.status, 400);
    int dups = 0;
    cr_assert_geq(find_header(&r, "x-amzn-errortype", &dups), 0, "no x-amzn-ErrorType:\n%s", resp);
    cr_assert_eq(dups, 0);
    cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), "ValidationException");
    cr_assert_not_null(strstr(resp, "x-amzn-ErrorType: ValidationException\r\n"), "%s", resp);
    cr_assert_str_eq(header_value(&r, "content-type"), "application/json");
    json_t *doc = body_json();
    cr_assert_str_eq(json_string_value(json_object_get(doc, "reason")), "fieldValidationFailed", "%s", r.body);
    const char *message = json_string_value(json_object_get(doc, "message"));
    cr_assert_not_null(message);
    cr_assert(strncmp(message, "3 validation errors detected: ", 30) == 0, "%s", message);
    json_t *fl = json_object_get(doc, "fieldList");
    cr_assert_eq(json_array_size(fl), 3, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fl, 0), "name")), "serviceIdentifier");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fl, 1), "name")), "serviceIdentifier");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fl, 2), "name")), "tags");
    json_decref(doc);
    expect_native_body(lattice, CREATE, body);
    free(m);
    free(body);
}

Test(http, lattice_create_missing_required_and_bad_json)
{
    char *m = with_body(CREATE_HEAD, "{\"serviceIdentifier\":\"" SVC_OK "\"}");
    expect_invalid(lattice, m);
    cr_assert_eq(r.status, 400);
    expect_native_body(lattice, CREATE, "{\"serviceIdentifier\":\"" SVC_OK "\"}");
    free(m);
    m = with_body(CREATE_HEAD, "{\"serviceIdentifier\":");
    expect_invalid(lattice, m);
    cr_assert_eq(r.status, 400);
    json_t *doc = body_json();
    cr_assert_str_eq(json_string_value(json_object_get(doc, "reason")), "cannotParse", "%s", r.body);
    json_decref(doc);
    free(m);
}

Test(http, lattice_delete_valid_id)
{
    expect_valid(lattice,
                 "DELETE /servicenetworkserviceassociations/snsa-0123456789abcdefg HTTP/1.1\r\n"
                 "Host: vpc-lattice.us-west-2.amazonaws.com\r\n\r\n",
                 DELETE);
}

Test(http, lattice_delete_percent_encoded_arn)
{
    expect_valid(lattice,
                 "DELETE /servicenetworkserviceassociations/arn%3Aaws%3Avpc-lattice%3Aus-west-2%3A123456789012%3A"
                 "servicenetworkserviceassociation%2Fsnsa-0123456789abcdefg HTTP/1.1\r\n\r\n",
                 DELETE);
}

Test(http, lattice_delete_malformed_label)
{
    expect_invalid(lattice, "DELETE /servicenetworkserviceassociations/snsa-1 HTTP/1.1\r\n\r\n");
    cr_assert_str_eq(routed(), DELETE);
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), "ValidationException");
    json_t *doc = body_json();
    cr_assert_str_eq(json_string_value(json_object_get(doc, "reason")), "fieldValidationFailed", "%s", r.body);
    json_t *fl = json_object_get(doc, "fieldList");
    cr_assert_geq(json_array_size(fl), 1, "%s", r.body);
    size_t i;
    json_t *f;
    json_array_foreach(fl, i, f) cr_assert_str_eq(json_string_value(json_object_get(f, "name")), SNSA, "%s", r.body);
    cr_assert_not_null(strstr(json_string_value(json_object_get(doc, "message")), SNSA));
    json_decref(doc);
    expect_native_body(lattice, DELETE, "{\"" SNSA "\":\"snsa-1\"}");
}

/* A label longer than any fixed buffer still routes, and gets its length violation. */
Test(http, lattice_long_label_routes)
{
    static char msg[9000];
    int n = snprintf(msg, sizeof msg, "DELETE /servicenetworkserviceassociations/");
    for (int i = 0; i < 2100; i++) n += snprintf(msg + n, sizeof msg - (size_t)n, "%%61");
    snprintf(msg + n, sizeof msg - (size_t)n, " HTTP/1.1\r\n\r\n");
    expect_invalid(lattice, msg);
    cr_assert_str_eq(routed(), DELETE);
    cr_assert_eq(r.status, 400);
    cr_assert_not_null(strstr(r.body, "Member must have length less than or equal to 2048"), "%s", r.body);
}

Test(http, lattice_get_and_list_routes)
{
    expect_valid(lattice, "GET /servicenetworkserviceassociations/snsa-0123456789abcdefg HTTP/1.1\r\n\r\n",
                 "GetServiceNetworkServiceAssociation");
    expect_valid(lattice, "GET /servicenetworkserviceassociations HTTP/1.1\r\n\r\n",
                 "ListServiceNetworkServiceAssociations");
    expect_valid(lattice, "GET /servicenetworkserviceassociations?maxResults=5&serviceNetworkIdentifier=" SN_OK
                          " HTTP/1.1\r\n\r\n",
                 "ListServiceNetworkServiceAssociations");
}

Test(http, lattice_query_parameter_checked)
{
    expect_invalid(lattice, "GET /servicenetworkserviceassociations?maxResults=0 HTTP/1.1\r\n\r\n");
    cr_assert_str_eq(routed(), "ListServiceNetworkServiceAssociations");
    cr_assert_eq(r.status, 400);
    cr_assert(body_contains("maxResults"), "%s", resp);
}

Test(http, lattice_unknown_route)
{
    /* The protocol's unknown-operation answer, as awsval renders it for restJson1: the model's
     * own ValidationException with reason unknownOperation, no operation routed. */
    const char *msgs[] = {
        "GET /nosuchresource HTTP/1.1\r\n\r\n",
        "PATCH /servicenetworkserviceassociations/snsa-0123456789abcdefg HTTP/1.1\r\n\r\n",
        "DELETE /servicenetworkserviceassociations HTTP/1.1\r\n\r\n",
        "DELETE /servicenetworkserviceassociations/ HTTP/1.1\r\n\r\n",
        "DELETE /servicenetworkserviceassociations/snsa-0123456789abcdefg/extra HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        expect_invalid(lattice, msgs[i]);
        cr_assert_null(awsval_ctx_operation(ctx), "%s routed to %s", msgs[i], routed());
        cr_assert_eq(r.status, 400, "%s: status %d\n%s", msgs[i], r.status, resp);
        cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), "ValidationException", "%s", resp);
        cr_assert_str_eq(header_value(&r, "content-type"), "application/json", "%s", resp);
        json_t *doc = body_json();
        json_t *want = json_pack("{s:s,s:s}", "message", "No operation matches the request", "reason", "unknownOperation");
        char why[1024];
        cr_assert(json_same(want, doc, why, sizeof why), "%s: %s\n%s", msgs[i], why, resp);
        json_decref(want);
        json_decref(doc);
    }
}

/* ------------------------------------------------------------------ App Runner (awsJson1_0) */

#define RUNNER_HEAD(target)                                      \
    "POST / HTTP/1.1\r\n"                                        \
    "Host: apprunner.us-east-1.amazonaws.com\r\n"                \
    "X-Amz-Target: " target "\r\n"                               \
    "Content-Type: application/x-amz-json-1.0\r\n"

Test(http, apprunner_valid)
{
    char *m = with_body(RUNNER_HEAD("AppRunner." DELVPC), "{\"VpcIngressConnectionArn\":\"" VPC_ARN "\"}");
    expect_valid(runner, m, DELVPC);
    free(m);
    /* Header names compare case-insensitively. */
    m = with_body("POST / HTTP/1.1\r\nx-amz-target: AppRunner." DELVPC "\r\ncontent-type: application/x-amz-json-1.0\r\n",
                  "{\"VpcIngressConnectionArn\":\"" VPC_ARN "\"}");
    expect_valid(runner, m, DELVPC);
    free(m);
}

Test(http, apprunner_invalid)
{
    char *m = with_body(RUNNER_HEAD("AppRunner." DELVPC), "{\"VpcIngressConnectionArn\":\"x\"}");
    expect_invalid(runner, m);
    cr_assert_str_eq(routed(), DELVPC);
    cr_assert_eq(r.status, 400);
    /* App Runner's own error (its answer profile). */
    cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), "InvalidRequestException");
    json_t *doc = body_json();
    cr_assert_str_eq(json_string_value(json_object_get(doc, "__type")), "InvalidRequestException", "%s", r.body);
    json_decref(doc);
    expect_native_body(runner, DELVPC, "{\"VpcIngressConnectionArn\":\"x\"}");
    free(m);
    m = with_body(RUNNER_HEAD("AppRunner." DELVPC), "{}");
    expect_invalid(runner, m);
    expect_native_body(runner, DELVPC, "{}");
    free(m);
}

/* awsJson's unknown-operation answer: 400 UnknownOperationException, no operation routed. */
static void expect_unknown_operation(const char *msg)
{
    expect_invalid(runner, msg);
    cr_assert_null(awsval_ctx_operation(ctx), "routed to %s:\n%s", routed(), msg);
    cr_assert_eq(r.status, 400, "%s", resp);
    cr_assert_str_eq(header_value(&r, "x-amzn-errortype"), "UnknownOperationException", "%s", resp);
    cr_assert_str_eq(header_value(&r, "content-type"), "application/x-amz-json-1.0", "%s", resp);
    json_t *doc = body_json();
    cr_assert_str_eq(json_string_value(json_object_get(doc, "__type")),
                     "com.amazon.coral.service#UnknownOperationException", "%s", resp);
    json_decref(doc);
}

Test(http, apprunner_wrong_target)
{
    const char *targets[] = {"AppRunner.NoSuchOperation", "Other." DELVPC, DELVPC, "AppRunner.", "",
                             "apprunner." DELVPC};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        char head[512];
        snprintf(head, sizeof head,
                 "POST / HTTP/1.1\r\nX-Amz-Target: %s\r\nContent-Type: application/x-amz-json-1.0\r\n", targets[i]);
        char *m = with_body(head, "{\"VpcIngressConnectionArn\":\"" VPC_ARN "\"}");
        expect_unknown_operation(m);
        free(m);
    }
    /* No X-Amz-Target at all. */
    char *m = with_body("POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\n",
                        "{\"VpcIngressConnectionArn\":\"" VPC_ARN "\"}");
    expect_unknown_operation(m);
    free(m);
}

Test(http, bad_arguments)
{
    awsval_http_request rq = {.size = sizeof rq, .method = "GET", .method_len = 3, .target = "/", .target_len = 1};
    cr_assert_eq(awsval_check_http(NULL, lattice, &rq), AWSVAL_BADARG);
    cr_assert_eq(awsval_check_http(ctx, NULL, &rq), AWSVAL_BADARG);
    cr_assert_eq(awsval_check_http(ctx, lattice, NULL), AWSVAL_BADARG);
}

/* A '%' with one character after it at the very end of the path or of a query value is kept as
 * it is, and nothing past the target is read (the target here is exactly its bytes, no NUL:
 * an ASan build would see a read beyond it; the old decoder read one byte past). */
Test(http, percent_at_the_end_reads_nothing_past_the_target)
{
    static const char *const targets[] = {"/servicenetworkserviceassociations/snsa-0123456789abcde%4",
                                          "/servicenetworkserviceassociations/snsa-0123456789abcdefg?x=%4",
                                          "/servicenetworkserviceassociations/snsa-0123456789abcdefg%"};
    static const awsval_code want[] = {AWSVAL_INVALID, AWSVAL_OK, AWSVAL_INVALID};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        size_t n = strlen(targets[i]);
        char *t = malloc(n);
        cr_assert_not_null(t);
        memcpy(t, targets[i], n);
        awsval_http_request rq = {.size = sizeof rq, .method = "DELETE", .method_len = 6, .target = t, .target_len = n};
        awsval_code rc = awsval_check_http(ctx, lattice, &rq);
        cr_assert_eq(rc, want[i], "%s: %s", targets[i], awsval_err_name(rc));
        if (rc == AWSVAL_INVALID) {
            /* the label keeps its '%': 22 characters, and not the ID pattern */
            awsval_violation v = {.size = sizeof v};
            cr_assert_eq(awsval_ctx_violation(ctx, 0, &v), AWSVAL_OK);
            cr_assert_str_eq(v.pointer, "/" SNSA, "%s", targets[i]);
        }
        free(t);
    }
}
