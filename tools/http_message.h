/* Raw HTTP/1.1 request messages for `awsval http`, and the command itself.
 *
 * awsval__http_parse reads one request message as a gateway receives it (RFC 9112) and fills an
 * awsval_http_request whose pointers all point into `buf`. It is strict and bounded: it never
 * reads past `len`, allocates nothing and keeps no state. The rules:
 *
 *   - Lines end in CRLF or a bare LF; a CR anywhere else is an error. Empty lines before the
 *     request line are skipped (RFC 9112 section 2.2).
 *   - Request line: METHOD SP request-target SP "HTTP/1.1", single spaces. METHOD is a token.
 *     The target is origin-form ("/path?query"); an absolute-form target
 *     ("http://host/path?query") is reduced to its path and query. Asterisk- and authority-form
 *     targets, and a target holding a '#', a control character or a byte >= 0x80, are errors.
 *   - Header fields: NAME ":" OWS VALUE OWS. NAME is a token with no whitespace before the colon;
 *     spaces and tabs around the value are dropped. A line starting with SP or HTAB (obs-fold)
 *     is an error, as are control characters other than HTAB in a value (bytes >= 0x80,
 *     obs-text, are kept). More than `max_headers` fields is an error. The header section must
 *     end with an empty line. No Host header is required (the test vectors carry none).
 *   - Body: with Content-Length (digits only; repeated fields must agree), exactly that many
 *     bytes follow the header section: fewer is an error, bytes past them are ignored. Without
 *     Content-Length or Transfer-Encoding there is no body (body NULL, body_len 0) and anything
 *     after the header section is ignored. Transfer-Encoding is not supported: a chunked body
 *     cannot be decoded in place in a const buffer and the request points into `buf`, so
 *     "chunked" is refused with "chunked bodies are not supported" and any other coding with
 *     "unsupported transfer coding"; Transfer-Encoding with Content-Length is an error too.
 *
 * Returns 0 on success, or -1 with *error (if error is not NULL) set to a constant message.
 */
#ifndef AWSVAL_TOOLS_HTTP_MESSAGE_H
#define AWSVAL_TOOLS_HTTP_MESSAGE_H

#include <stddef.h>
#include <stdio.h>

#include "awsval.h"

int awsval__http_parse(const char *buf, size_t len, awsval_http_request *req,
                       awsval_http_header *headers, size_t max_headers, const char **error);

/* The most header fields `awsval http` accepts in one message. */
#define AWSVAL__HTTP_MAX_HEADERS 256
/* The largest message `awsval http` reads (64 MiB). */
#define AWSVAL__HTTP_MAX_MESSAGE ((size_t)64 << 20)

/* `awsval http SERVICE [FILE|-]`: reads one whole HTTP request message from `in`, parses it,
 * checks it against `m` with a fresh context, and
 *   - valid: prints nothing, returns 0;
 *   - invalid: writes the response awsval_render_http renders, byte for byte, to `out`, and
 *     returns 1;
 *   - a message that does not parse, a read error, or any other result of the check: writes
 *     "awsval: http: ..." to stderr and returns 2. */
int awsval__cli_http(const awsval_model *m, FILE *in, FILE *out);

#endif
