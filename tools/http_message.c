/* One raw HTTP/1.1 request message. The rules are in http_message.h. */
#include "http_message.h"

#include <string.h>

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
        return 1;
    default:
        return 0;
    }
}

static int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* s[0..n) equals the lower-case literal `lit`, ignoring ASCII case. */
static int eq_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != (unsigned char)lit[i]) return 0;
    return 1;
}

/* The line starting at *pos: [*pos, *pos + *n), without its CRLF; *pos moves past the CRLF.
 * Returns 1, 0 when no line end follows within len, -1 for a CR that is not part of a CRLF, or
 * -2 for an LF without its CR. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
    const char *start = buf + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    const char *cr = memchr(start, '\r', nl ? (size_t)(nl - start) : len - *pos);
    if (cr && (!nl || cr + 1 != nl)) return cr + 1 < buf + len ? -1 : 0;
    if (!nl) return 0;
    if (!cr) return -2;
    *line = start;
    *n = (size_t)(cr - start);
    *pos += (size_t)(nl - start) + 1;
    return 1;
}

static const char *line_error(int r, const char *incomplete)
{
    return r == 0 ? incomplete : r == -1 ? "bare CR (lines must end in CRLF)" : "bare LF (lines must end in CRLF)";
}

static int fail(awsval_http_request *req, const char **error, const char *msg)
{
    memset(req, 0, sizeof *req);
    if (error) *error = msg;
    return -1;
}

/* The request line. */
static const char *request_line(const char *s, size_t n, awsval_http_request *req)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)s[i])) i++;
    if (i == 0 || i == n || s[i] != ' ') return "malformed request line: bad method";
    req->method = s;
    req->method_len = i;
    size_t t = ++i;
    while (i < n && s[i] != ' ') {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f) return "malformed request line: bad character in target";
        if (c == '#') return "malformed request line: fragment in target";
        i++;
    }
    if (i == t) return "malformed request line: empty target";
    if (i == n) return "malformed request line: no HTTP version";
    const char *target = s + t;
    size_t tlen = i - t;
    i++;
    const char *ver = s + i;
    size_t vlen = n - i;
    if (vlen != 8 || memcmp(ver, "HTTP/1.1", 8) != 0) {
        if (vlen >= 5 && memcmp(ver, "HTTP/", 5) == 0 && !memchr(ver, ' ', vlen))
            return "unsupported HTTP version (HTTP/1.1 expected)";
        return "malformed request line: bad HTTP version";
    }
    if (target[0] == '/') {
        req->target = target;
        req->target_len = tlen;
        return NULL;
    }
    if (tlen == 1 && target[0] == '*') return "asterisk-form request target is not supported";
    size_t skip = eq_ci(target, tlen < 7 ? tlen : 7, "http://")    ? 7
                  : eq_ci(target, tlen < 8 ? tlen : 8, "https://") ? 8
                                                                   : 0;
    if (!skip) return "request target must be origin-form (/path?query)";
    size_t a = skip;
    while (a < tlen && target[a] != '/' && target[a] != '?') a++;
    if (a == skip) return "absolute-form request target without a host";
    if (a == tlen) {
        /* "http://host" asks for "/" (RFC 9112 section 3.2.2). */
        req->target = "/";
        req->target_len = 1;
        return NULL;
    }
    if (target[a] == '?') return "absolute-form request target with a query but no path";
    req->target = target + a;
    req->target_len = tlen - a;
    return NULL;
}

int http_message_parse(const char *buf, size_t len, uint32_t flags, awsval_http_request *req,
                       awsval_http_header *headers, size_t max_headers, const char **error)
{
    if (!req) {
        if (error) *error = "no request to fill";
        return -1;
    }
    memset(req, 0, sizeof *req);
    req->size = sizeof *req;
    if (!buf) return fail(req, error, "no message");
    if (max_headers && !headers) return fail(req, error, "no header array");

    size_t pos = 0;
    /* Empty lines (CRLF) before the request line are skipped. */
    while (pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n') pos += 2;
    if (pos == len) return fail(req, error, "empty message");

    const char *line;
    size_t n;
    int r = next_line(buf, len, &pos, &line, &n);
    if (r <= 0) return fail(req, error, line_error(r, "incomplete request line (no line end)"));
    const char *msg = request_line(line, n, req);
    if (msg) return fail(req, error, msg);

    size_t count = 0;
    int have_cl = 0, have_te = 0, te_chunked = 0;
    size_t content_length = 0;
    for (;;) {
        r = next_line(buf, len, &pos, &line, &n);
        if (r <= 0) return fail(req, error, line_error(r, "incomplete header section (no empty line)"));
        if (n == 0) break;
        if (line[0] == ' ' || line[0] == '\t')
            return fail(req, error, "obsolete line folding (obs-fold) is not allowed");
        size_t k = 0;
        while (k < n && is_tchar((unsigned char)line[k]) && line[k] != '_') k++;
        if (k < n && line[k] == '_')
            return fail(req, error, "'_' in a header field name (nginx drops such fields by default)");
        if (k == n) return fail(req, error, "header field without a colon");
        if (line[k] != ':') {
            if (k > 0 && (line[k] == ' ' || line[k] == '\t'))
                return fail(req, error, "whitespace between header field name and colon");
            return fail(req, error, "malformed header field name");
        }
        if (k == 0) return fail(req, error, "empty header field name");
        size_t v = k + 1, e = n;
        while (v < e && (line[v] == ' ' || line[v] == '\t')) v++;
        while (e > v && (line[e - 1] == ' ' || line[e - 1] == '\t')) e--;
        for (size_t j = v; j < e; j++) {
            unsigned char c = (unsigned char)line[j];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(req, error, "control character in header field value");
        }
        if (count == max_headers) return fail(req, error, "too many header fields");
        awsval_http_header *h = &headers[count++];
        h->name = line;
        h->name_len = k;
        h->value = line + v;
        h->value_len = e - v;

        if (eq_ci(line, k, "content-length")) {
            if (e == v) return fail(req, error, "invalid Content-Length");
            size_t cl = 0;
            for (size_t j = v; j < e; j++) {
                unsigned char c = (unsigned char)line[j];
                if (c < '0' || c > '9') return fail(req, error, "invalid Content-Length");
                if (cl > (SIZE_MAX - 9) / 10) return fail(req, error, "Content-Length too large");
                cl = cl * 10 + (size_t)(c - '0');
            }
            if (have_cl && cl != content_length)
                return fail(req, error, "conflicting Content-Length fields");
            have_cl = 1;
            content_length = cl;
        } else if (eq_ci(line, k, "transfer-encoding")) {
            /* The last coding decides whether the body is chunked. */
            size_t s = e;
            while (s > v && line[s - 1] != ',') s--;
            size_t t = s;
            while (t < e && (line[t] == ' ' || line[t] == '\t')) t++;
            have_te = 1;
            te_chunked = eq_ci(line + t, e - t, "chunked");
        }
    }
    if (have_te && have_cl) return fail(req, error, "both Transfer-Encoding and Content-Length");
    if (have_te && te_chunked) return fail(req, error, "chunked bodies are not supported");
    if (have_te) return fail(req, error, "unsupported transfer coding");

    req->headers = count ? headers : NULL;
    req->header_count = count;
    size_t rest = len - pos;
    if (have_cl) {
        if (content_length > rest && !(flags & HTTP_MESSAGE_PREFIX))
            return fail(req, error, "body shorter than Content-Length");
        if (content_length < rest) return fail(req, error, "bytes after the body (Content-Length)");
        req->body = buf + pos;
        req->body_len = content_length < rest ? content_length : rest;
    } else if (rest) {
        return fail(req, error, "bytes after the header section (no Content-Length)");
    }
    if (error) *error = NULL;
    return 0;
}
