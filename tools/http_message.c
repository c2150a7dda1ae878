/* Raw HTTP/1.1 request messages, and `awsval http`. The rules are in http_message.h. */
#include "http_message.h"

#include <stdint.h>
#include <stdlib.h>
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

/* The line starting at *pos: [*pos, *pos + *n), without its CRLF or LF; *pos moves past the line
 * end. Returns 1, 0 when no line end follows within len, or -1 for a CR that is not part of a
 * CRLF. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
    const char *start = buf + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    if (!nl) return 0;
    size_t k = (size_t)(nl - start);
    size_t content = k > 0 && start[k - 1] == '\r' ? k - 1 : k;
    if (memchr(start, '\r', content)) return -1;
    *line = start;
    *n = content;
    *pos += k + 1;
    return 1;
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

int awsval__http_parse(const char *buf, size_t len, awsval_http_request *req,
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
    /* Empty lines before the request line are skipped. */
    for (;;) {
        if (pos < len && buf[pos] == '\n') pos++;
        else if (pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n') pos += 2;
        else break;
    }
    if (pos == len) return fail(req, error, "empty message");

    const char *line;
    size_t n;
    int r = next_line(buf, len, &pos, &line, &n);
    if (r == 0) return fail(req, error, "incomplete request line (no line end)");
    if (r < 0) return fail(req, error, "bare CR in request line");
    const char *msg = request_line(line, n, req);
    if (msg) return fail(req, error, msg);

    size_t count = 0;
    int have_cl = 0, have_te = 0, te_chunked = 0;
    size_t content_length = 0;
    for (;;) {
        r = next_line(buf, len, &pos, &line, &n);
        if (r == 0) return fail(req, error, "incomplete header section (no empty line)");
        if (r < 0) return fail(req, error, "bare CR in header section");
        if (n == 0) break;
        if (line[0] == ' ' || line[0] == '\t')
            return fail(req, error, "obsolete line folding (obs-fold) is not allowed");
        size_t k = 0;
        while (k < n && is_tchar((unsigned char)line[k])) k++;
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
    if (have_cl) {
        if (content_length > len - pos) return fail(req, error, "body shorter than Content-Length");
        req->body = buf + pos;
        req->body_len = content_length;
    }
    if (error) *error = NULL;
    return 0;
}

/* Reads all of `in` into a new buffer (not NUL-terminated). NULL on a read error, out of memory
 * or past AWSVAL__HTTP_MAX_MESSAGE, with *why set. */
static char *read_all(FILE *in, size_t *len, const char **why)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        *why = "out of memory";
        return NULL;
    }
    for (;;) {
        size_t r = fread(buf + n, 1, cap - n, in);
        n += r;
        if (n < cap) break;
        if (cap >= AWSVAL__HTTP_MAX_MESSAGE) {
            free(buf);
            *why = "message too large (over 64 MiB)";
            return NULL;
        }
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            *why = "out of memory";
            return NULL;
        }
        buf = b;
        cap *= 2;
    }
    if (ferror(in)) {
        free(buf);
        *why = "read error";
        return NULL;
    }
    *len = n;
    return buf;
}

int awsval__cli_http(const awsval_model *m, FILE *in, FILE *out)
{
    const char *why = NULL;
    size_t len = 0;
    char *msg = read_all(in, &len, &why);
    if (!msg) {
        fprintf(stderr, "awsval: http: %s\n", why);
        return 2;
    }
    int status = 2;
    awsval_http_header *headers = malloc(AWSVAL__HTTP_MAX_HEADERS * sizeof *headers);
    awsval_ctx *ctx = NULL;
    char *resp = NULL;
    awsval_http_request req;
    if (!headers) {
        fprintf(stderr, "awsval: http: out of memory\n");
        goto done;
    }
    if (awsval__http_parse(msg, len, &req, headers, AWSVAL__HTTP_MAX_HEADERS, &why) != 0) {
        fprintf(stderr, "awsval: http: cannot parse the request: %s\n", why);
        goto done;
    }
    ctx = awsval_ctx_create(NULL, NULL);
    if (!ctx) {
        fprintf(stderr, "awsval: http: cannot create a checker\n");
        goto done;
    }
    awsval_code rc = awsval_check_http(ctx, m, &req);
    if (rc == AWSVAL_OK) {
        status = 0;
        goto done;
    }
    if (rc != AWSVAL_INVALID) {
        fprintf(stderr, "awsval: http: %s (%s)\n", awsval_strerror(rc), awsval_err_name(rc));
        goto done;
    }
    size_t need = 0, cap = 4096;
    resp = malloc(cap);
    while (resp && (rc = awsval_render_http(ctx, resp, cap, &need)) == AWSVAL_TOOSMALL &&
           need > cap) {
        free(resp);
        cap = need;
        resp = malloc(cap);
    }
    if (!resp) {
        fprintf(stderr, "awsval: http: out of memory\n");
        goto done;
    }
    if (rc != AWSVAL_OK) {
        fprintf(stderr, "awsval: http: cannot render the response: %s\n", awsval_strerror(rc));
        goto done;
    }
    /* need counts the NUL. */
    size_t n = need ? need - 1 : 0;
    if (fwrite(resp, 1, n, out) != n || fflush(out) != 0) {
        fprintf(stderr, "awsval: http: write error\n");
        goto done;
    }
    status = 1;
done:
    free(resp);
    awsval_ctx_free(ctx);
    free(headers);
    free(msg);
    return status;
}
