/* One raw HTTP/1.1 request message, as `awsval http` reads it (RFC 9112). CLI code: a small
 * static library (awsval_http_message) that the CLI and its tests link.
 *
 * http_message_parse reads one request message and fills an awsval_http_request whose pointers
 * all point into `buf`. It is strict and bounded: it never reads past `len`, allocates nothing
 * and keeps no state. A gateway in front of AWS must not read a message differently from the
 * server behind it, so anything two parsers could disagree on is an error. The rules:
 *
 *   - Every line ends in CRLF. A bare LF or a bare CR is an error. Empty lines (CRLF) before the
 *     request line are skipped (RFC 9112 section 2.2).
 *   - Request line: METHOD SP request-target SP "HTTP/1.1", single spaces. METHOD is a token.
 *     The target is origin-form ("/path?query"); an absolute-form target
 *     ("http://host/path?query") is reduced to its path and query. Asterisk- and authority-form
 *     targets, and a target holding a '#', a control character or a byte >= 0x80, are errors.
 *   - Header fields: NAME ":" OWS VALUE OWS. NAME is an RFC 9110 token without '_' (nginx drops
 *     such fields by default, `underscores_in_headers off`, so a backend behind it and awsval
 *     would disagree on "Transfer_Encoding"); no whitespace before the colon. Spaces and tabs
 *     around the value are dropped. A line starting with SP or HTAB (obs-fold) is an error, as
 *     are control characters other than HTAB in a value (bytes >= 0x80, obs-text, are kept).
 *     More than `max_headers` fields is an error. No Host field is required.
 *   - Body: with Content-Length (digits only; repeated fields must agree), exactly that many
 *     bytes follow the header section: fewer is an error, and so are bytes after them (one
 *     message, nothing pipelined after it). Without Content-Length there is no body (body NULL,
 *     body_len 0), and any byte after the header section is an error. Transfer-Encoding is
 *     refused: "chunked" with "chunked bodies are not supported", any other coding with
 *     "unsupported transfer coding", and with Content-Length as "both Transfer-Encoding and
 *     Content-Length".
 *
 * With HTTP_MESSAGE_PREFIX, `buf` holds only the first `len` bytes of a longer message (a
 * reader that stops at a size limit): a body that the end of `buf` cuts short is taken as far
 * as it goes instead of being an error. Everything else is as above.
 *
 * Returns 0 on success, or -1 with *error (if error is not NULL) set to a constant message and
 * *req zeroed. */
#ifndef AWSVAL_TOOLS_HTTP_MESSAGE_H
#define AWSVAL_TOOLS_HTTP_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "awsval.h"

/* Flag: buf is a prefix of the message (see above). */
#define HTTP_MESSAGE_PREFIX 0x1u

int http_message_parse(const char *buf, size_t len, uint32_t flags, awsval_http_request *req,
                       awsval_http_header *headers, size_t max_headers, const char **error);

#endif
