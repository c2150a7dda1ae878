/*
 * awsval: check AWS API requests against the constraints of the official service models, and
 * answer what the service itself would answer.
 *
 * Three lifetimes, as in PCRE2:
 *   - awsval_model: a compiled service model. Immutable after it is built, shared by any number
 *     of threads without locking.
 *   - awsval_ctx: a checker context, one per thread, reused across checks. It owns the scratch
 *     memory, the PCRE2 match data and the result of the last check. Once it has grown to the
 *     size of the largest request seen, checking allocates nothing.
 *   - results: the violations of the last check live in the context until the next check on it
 *     (or awsval_ctx_free). Copy what must outlive that.
 *
 * No function keeps global mutable state. Every function is thread-safe when the objects passed
 * to it are not used by another thread at the same time, except that an awsval_model may be
 * used by any number of threads at once.
 */
#ifndef AWSVAL_H
#define AWSVAL_H

#include <stddef.h>
#include <stdint.h>

#include "awsval/version.h"

#if defined(_WIN32) && defined(AWSVAL_EXPORTS) && defined(AWSVAL_IMPORTS)
#error "define at most one of AWSVAL_EXPORTS and AWSVAL_IMPORTS"
#endif
#if defined(_WIN32) && defined(AWSVAL_EXPORTS)
#define AWSVAL_API __declspec(dllexport)
#elif defined(_WIN32) && defined(AWSVAL_IMPORTS)
#define AWSVAL_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define AWSVAL_API __attribute__((visibility("default")))
#else
#define AWSVAL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Version                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** The library's AWSVAL_VERSION_HEX. Compare with the header's macro to detect a mismatch. */
AWSVAL_API uint32_t awsval_version(void);
/** The library's AWSVAL_VERSION_STRING. Static storage; never free it. */
AWSVAL_API const char *awsval_version_string(void);

/* ------------------------------------------------------------------------------------------ */
/* Result codes. The numbers are part of the ABI and never change.                             */
/* ------------------------------------------------------------------------------------------ */

#define AWSVAL_CODE_MAP(X)                                                          \
    X(OK, 0, "success: the request satisfies every constraint")                      \
    X(INVALID, 1, "the request violates the model's constraints")                    \
    X(NOMEM, 2, "out of memory")                                                     \
    X(BADARG, 3, "invalid argument")                                                 \
    X(MODEL, 4, "the service model is invalid")                                      \
    X(NOTFOUND, 5, "no such service, operation, shape or member")                    \
    X(IO, 6, "cannot read the file")                                                 \
    X(TOOSMALL, 7, "the output buffer is too small")                                 \
    X(NOCHECK, 8, "no check has run on this context")

typedef uint32_t awsval_code;
#define AWSVAL__CODE_DEFINE(name, num, msg) enum { AWSVAL_##name = num };
AWSVAL_CODE_MAP(AWSVAL__CODE_DEFINE)
#undef AWSVAL__CODE_DEFINE

/** The code's name ("OK", "INVALID", ...), or "UNKNOWN". Static storage. Thread-safe. */
AWSVAL_API const char *awsval_err_name(awsval_code code);
/** A sentence describing the code. Static storage. Thread-safe. */
AWSVAL_API const char *awsval_strerror(awsval_code code);

/* ------------------------------------------------------------------------------------------ */
/* Allocator                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * A memory allocator. `old_size` lets a pool allocator implement realloc by allocate-and-copy;
 * `free` may be a no-op for a pool. Passing NULL wherever an allocator is taken means libc.
 * The allocator is stored in each object made with it and must outlive that object; it must be
 * thread-safe if the object is used from several threads (a shared model frees nothing while
 * checks run, so a model's allocator is only called from the thread that builds or frees it).
 */
typedef struct awsval_alc {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} awsval_alc;

/* ------------------------------------------------------------------------------------------ */
/* Models                                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef struct awsval_model awsval_model;

/** Model flag: a pattern matches anywhere in the value (Smithy's rule). Default: the whole value
 *  must match, as AWS services do. */
#define AWSVAL_MODEL_PATTERN_SEARCH 0x1u
/** Model flag: do not merge the built-in overlay of documented constraints. */
#define AWSVAL_MODEL_NO_OVERLAY 0x2u

/** Options for building a model. Zero-initialise, then set `size = sizeof(awsval_model_opts)`. */
typedef struct awsval_model_opts {
    uint32_t size;          /**< sizeof(awsval_model_opts); 0 is read as the current size */
    uint32_t flags;         /**< AWSVAL_MODEL_* */
    const awsval_alc *alc;  /**< NULL = libc */
    /** An overlay document (see models/overlays/README.md) merged in addition to the built-in
     *  one for the service. NULL = none. Borrowed during the call only. */
    const char *overlay;
    size_t overlay_len;
} awsval_model_opts;

/** What went wrong while building a model. Zeroed on success. */
typedef struct awsval_model_err {
    awsval_code code;   /**< AWSVAL_MODEL, AWSVAL_IO, AWSVAL_NOMEM, AWSVAL_NOTFOUND, ... */
    size_t pos;         /**< byte offset in the model JSON, or in a pattern, where known; else 0 */
    char message[512];  /**< e.g. "shape 'TagKey': pattern: missing ) at offset 3" */
} awsval_model_err;

/**
 * Builds a model from a botocore `service-2.json` document in memory.
 * Thread-safe. `json` is borrowed for the call only. `opts` and `err` may be NULL.
 * @return a model owned by the caller (free with awsval_model_free), or NULL with `err` filled.
 */
AWSVAL_API awsval_model *awsval_model_load_buffer(const char *json, size_t len,
                                                  const awsval_model_opts *opts,
                                                  awsval_model_err *err);
/** As awsval_model_load_buffer, reading the file at `path` (plain or gzip-compressed). */
AWSVAL_API awsval_model *awsval_model_load_file(const char *path, const awsval_model_opts *opts,
                                                awsval_model_err *err);
/**
 * Builds one of the models embedded in the library, by service name as botocore spells it
 * ("vpc-lattice", "apprunner"). Its built-in overlay is merged unless AWSVAL_MODEL_NO_OVERLAY.
 */
AWSVAL_API awsval_model *awsval_model_builtin(const char *service, const awsval_model_opts *opts,
                                              awsval_model_err *err);
/**
 * Builds a model from a botocore data directory (`DIR/SERVICE/VERSION/service-2.json`, or
 * `service-2.json.gz` as recent botocore ships them). `service` is "name" for the newest API
 * version or "name@version" for another. The built-in overlay of a service of that name is
 * merged unless AWSVAL_MODEL_NO_OVERLAY. Thread-safe.
 * @return a model owned by the caller (free with awsval_model_free), or NULL with `err` filled
 *         (AWSVAL_NOTFOUND when the service or version is not in the directory).
 */
AWSVAL_API awsval_model *awsval_model_load_dir(const char *dir, const char *service,
                                               const awsval_model_opts *opts,
                                               awsval_model_err *err);
/** Frees a model. NULL is a no-op. No context may be using it at the time. */
AWSVAL_API void awsval_model_free(awsval_model *model);

/** Number of embedded models, and the name of the i-th (NULL past the end). Static storage. */
AWSVAL_API size_t awsval_builtin_count(void);
AWSVAL_API const char *awsval_builtin_name(size_t i);

/** The model's service name (botocore directory name when known, else endpointPrefix). */
AWSVAL_API const char *awsval_model_service(const awsval_model *model);
/** The model's protocol as botocore writes it: "rest-json", "json", ... */
AWSVAL_API const char *awsval_model_protocol(const awsval_model *model);
/** Number of operations, and the name of the i-th in alphabetical order (NULL past the end). */
AWSVAL_API size_t awsval_model_operation_count(const awsval_model *model);
AWSVAL_API const char *awsval_model_operation_name(const awsval_model *model, size_t i);
/** Number of shapes in the model. */
AWSVAL_API size_t awsval_model_shape_count(const awsval_model *model);
/** Number of distinct patterns compiled for the model. */
AWSVAL_API size_t awsval_model_pattern_count(const awsval_model *model);

/**
 * Writes a person-readable description into `buf`: the operations (operation NULL), or the
 * members of the operation's input with their constraints. Always NUL-terminates when cap > 0.
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL (truncated), AWSVAL_NOTFOUND or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_model_describe(const awsval_model *model, const char *operation,
                                             char *buf, size_t cap, size_t *need);

/* ------------------------------------------------------------------------------------------ */
/* Checker contexts                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct awsval_ctx awsval_ctx;

/** Context flag: do not report members that the model does not define. */
#define AWSVAL_CHECK_IGNORE_UNKNOWN 0x1u
/** Context flag: a pattern match that hits a PCRE2 limit is not a violation (fail open). By
 *  default it is one, of kind AWSVAL_KIND_LIMIT (fail closed). */
#define AWSVAL_CHECK_LIMIT_OPEN 0x2u

/** Options for a context. Zero-initialise and set `size`; a zero field takes its default. */
typedef struct awsval_ctx_opts {
    uint32_t size;            /**< sizeof(awsval_ctx_opts); 0 is read as the current size */
    uint32_t flags;           /**< AWSVAL_CHECK_* */
    const awsval_alc *alc;    /**< NULL = libc */
    size_t max_size;          /**< largest input in bytes; default 1 MiB */
    uint32_t max_depth;       /**< deepest JSON nesting; default 64, at most 4096 */
    uint32_t max_violations;  /**< violations kept (all are counted); default 100 */
    uint32_t match_limit;     /**< PCRE2 match limit per match; default 100000 */
    uint32_t depth_limit;     /**< PCRE2 depth limit per match; default 1000 */
    uint32_t heap_limit_kib;  /**< PCRE2 heap limit per match in KiB; default 1024 */
    /** The match limit of one match is at most this times (the value's bytes + 1), so that the
     *  pattern work on a whole request is linear in its size; default 16 (AWS patterns need at
     *  most 8.5 on values they accept, and a short value that hits the limit is decided by
     *  PCRE2's DFA matcher: see README). */
    uint32_t match_limit_per_byte;
} awsval_ctx_opts;

/**
 * Creates a checker context. One per thread; it may be used with any number of models.
 * `opts` may be NULL (defaults).
 * @return a context owned by the caller (free with awsval_ctx_free), or NULL if out of memory or
 *         if an option is out of range.
 */
AWSVAL_API awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts);
/** Frees a context and the result it holds. NULL is a no-op. */
AWSVAL_API void awsval_ctx_free(awsval_ctx *ctx);

/* ------------------------------------------------------------------------------------------ */
/* Checking                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * Checks an operation's whole input, given as JSON (every member by its model name, including
 * those bound to the URI, query string and headers, as boto3 takes them).
 * Thread-safe when `ctx` is not used by another thread at the same time.
 * @param json borrowed for the call only; need not be NUL-terminated.
 * @return AWSVAL_OK (valid), AWSVAL_INVALID (violations recorded in ctx, including a
 *         AWSVAL_KIND_PARSE one for input that is not strict JSON), AWSVAL_NOTFOUND (no such
 *         operation), AWSVAL_BADARG or AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_check(awsval_ctx *ctx, const awsval_model *model,
                                    const char *operation, const char *json, size_t len);

/**
 * Checks one JSON value against a shape, or against one member of a structure shape.
 * `target` is a shape name ("ServiceIdentifier") or a structure member as
 * "Structure$member" ("CreateServiceNetworkServiceAssociationRequest$serviceIdentifier"), in
 * which case the member's own traits (sensitive, required) apply and paths name the member.
 * Return values as awsval_check.
 */
AWSVAL_API awsval_code awsval_check_value(awsval_ctx *ctx, const awsval_model *model,
                                          const char *target, const char *json, size_t len);

/**
 * Checks a raw string (not JSON-encoded; UTF-8) against a string shape or member, as named for
 * awsval_check_value: "is this a valid serviceIdentifier?". Invalid UTF-8 is a violation.
 */
AWSVAL_API awsval_code awsval_check_string(awsval_ctx *ctx, const awsval_model *model,
                                           const char *target, const char *str, size_t len);

/* ------------------------------------------------------------------------------------------ */
/* HTTP requests (restJson1, awsJson1_0, awsJson1_1)                                           */
/* ------------------------------------------------------------------------------------------ */

/** One header field. Names compare case-insensitively. Borrowed for the call only. */
typedef struct awsval_http_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} awsval_http_header;

/** An HTTP request as a gateway sees it. Every pointer is borrowed for the call only. */
typedef struct awsval_http_request {
    uint32_t size;            /**< sizeof(awsval_http_request) */
    const char *method;       /**< "POST", ... */
    size_t method_len;
    const char *target;       /**< the request target: path and query ("/a/b?x=1") */
    size_t target_len;
    const awsval_http_header *headers;
    size_t header_count;
    const char *body;         /**< may be NULL when body_len is 0 */
    size_t body_len;
} awsval_http_request;

/**
 * Checks an HTTP request against a model: finds the operation as the protocol does (restJson1:
 * the method and the operations' requestUri templates; awsJson: X-Amz-Target), binds labels,
 * query parameters, headers and the body to the operation's input, and checks it. Members the
 * model does not define are ignored, as services ignore them (AWSVAL_CHECK_IGNORE_UNKNOWN is
 * implied). Thread-safe when `ctx` is not used by another thread at the same time.
 * @return AWSVAL_OK, AWSVAL_INVALID (violations recorded, including no matching operation:
 *         see awsval_render_http), AWSVAL_BADARG or AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_check_http(awsval_ctx *ctx, const awsval_model *model,
                                         const awsval_http_request *request);

/** The operation that the last awsval_check_http routed to, or NULL. Model lifetime. */
AWSVAL_API const char *awsval_ctx_operation(const awsval_ctx *ctx);

/**
 * Renders the whole HTTP/1.1 response the service would send for the last check (status line,
 * headers with Content-Type, Content-Length and x-amzn-ErrorType, blank line, body), or ""
 * for a valid request. Same contract as awsval_render.
 */
AWSVAL_API awsval_code awsval_render_http(const awsval_ctx *ctx, const awsval_model *model,
                                          char *buf, size_t cap, size_t *need);

/* ------------------------------------------------------------------------------------------ */
/* Violations                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Violation kinds. Numbers are part of the ABI. */
#define AWSVAL_KIND_REQUIRED 1u /**< a required member is missing or null */
#define AWSVAL_KIND_TYPE     2u /**< the JSON type does not fit the shape */
#define AWSVAL_KIND_LENGTH   3u /**< string/blob/list/map length out of range */
#define AWSVAL_KIND_PATTERN  4u /**< string does not match the pattern */
#define AWSVAL_KIND_ENUM     5u /**< value not in the enum */
#define AWSVAL_KIND_RANGE    6u /**< number out of range (or of its type's range) */
#define AWSVAL_KIND_UNION    7u /**< a union does not have exactly one member set */
#define AWSVAL_KIND_UNKNOWN  8u /**< a member the model does not define */
#define AWSVAL_KIND_PARSE    9u /**< the input is not strict JSON (or is over a limit) */
#define AWSVAL_KIND_LIMIT   10u /**< a pattern match hit a PCRE2 limit: not decided */
#define AWSVAL_KIND_UNIQUE  11u /**< a list marked uniqueItems holds two equal items */
#define AWSVAL_KIND_OPERATION 12u /**< HTTP: no operation matches the request */

/* Where a constraint comes from. */
#define AWSVAL_SOURCE_MODEL      0u /**< the service model */
#define AWSVAL_SOURCE_DOCUMENTED 1u /**< an overlay: stated by the AWS documentation only */

/* Violation flags. */
#define AWSVAL_VIOLATION_SENSITIVE 0x1u /**< the value is sensitive: reports never echo it */
#define AWSVAL_VIOLATION_MAP_KEY   0x2u /**< the value is a map key */
#define AWSVAL_VIOLATION_MAP_VALUE 0x4u /**< the value is a map value */

/**
 * One violation. All pointers are NUL-terminated strings owned by the context, valid until the
 * next check on it or awsval_ctx_free; they never point into the caller's input.
 */
typedef struct awsval_violation {
    uint32_t size;           /**< set by the caller: sizeof(awsval_violation) */
    uint32_t kind;           /**< AWSVAL_KIND_* */
    uint32_t source;         /**< AWSVAL_SOURCE_* */
    uint32_t flags;          /**< AWSVAL_VIOLATION_* */
    const char *pointer;     /**< JSON Pointer (RFC 6901) of the value: "/tags/aws:x" */
    const char *aws_path;    /**< AWS member path: "tags", "items.1.member.name" */
    const char *shape;       /**< the shape whose constraint failed ("" for parse errors) */
    const char *constraint;  /**< the constraint as AWS words it: "Member must have length less
                                  than or equal to 128" (a parse error's description for PARSE) */
    const char *value;       /**< the value as the service would echo it; NULL when it must not
                                  be echoed (sensitive, missing) */
    const char *pattern;     /**< PATTERN, LIMIT: the pattern; NULL otherwise, and for a
                                  documented rule that is not a regex (a forbidden prefix) */
    const char *min_text;    /**< LENGTH/RANGE: the lower bound as the model writes it, or NULL */
    const char *max_text;    /**< LENGTH/RANGE: the upper bound as the model writes it, or NULL */
    int64_t actual;          /**< LENGTH: the length found (code points, decoded bytes, entries);
                                  UNION: members set; else -1 */
    size_t offset;           /**< byte offset of the value in the input (PARSE: of the error) */
    size_t length;           /**< byte length of the value in the input (0 when missing) */
} awsval_violation;

/** Violations recorded by the last check (at most max_violations). 0 if none ran. */
AWSVAL_API size_t awsval_ctx_violation_count(const awsval_ctx *ctx);
/** Violations found by the last check, including those past max_violations. */
AWSVAL_API size_t awsval_ctx_violation_total(const awsval_ctx *ctx);
/**
 * Copies the i-th violation into `*out` (whose `size` field the caller sets; fields beyond it
 * are not written).
 * @return AWSVAL_OK, AWSVAL_NOTFOUND (i out of range) or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_ctx_violation(const awsval_ctx *ctx, size_t i,
                                            awsval_violation *out);

/** Name of a kind as the batch output spells it: "required", "type", "length", ... */
AWSVAL_API const char *awsval_kind_name(uint32_t kind);

/* ------------------------------------------------------------------------------------------ */
/* Reports                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** The AWS (Coral) message: "1 validation error detected: Value 'x' at 'y' failed to ..." */
#define AWSVAL_REPORT_AWS 1u
/** The service-native error document (body), derived from the model's protocol and its own
 *  ValidationException shape. */
#define AWSVAL_REPORT_NATIVE 2u
/** Smithy's framework ValidationException: message + fieldList of {path, message}. */
#define AWSVAL_REPORT_SMITHY 3u
/** Machine JSON: {"valid": ..., "total": N, "failures": [{path, constraint, source, ...}]} */
#define AWSVAL_REPORT_JSON 4u

/**
 * Renders the last check's result of `ctx` (which must have been made with `model`) in the
 * given style into `buf`. Always NUL-terminates when cap > 0; a truncated document is never
 * valid JSON, so check the return value.
 * Thread-safe when `ctx` is not used by another thread at the same time.
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL, AWSVAL_NOCHECK or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_render(const awsval_ctx *ctx, const awsval_model *model,
                                     uint32_t style, char *buf, size_t cap, size_t *need);

/**
 * The HTTP status and error type (the `x-amzn-ErrorType` header value, e.g.
 * "ValidationException") that the service answers for the last check's result. Both outputs
 * may be NULL; the string has the model's lifetime.
 * @return AWSVAL_OK, AWSVAL_NOCHECK, or AWSVAL_BADARG; a valid request gives status 0 and "".
 */
AWSVAL_API awsval_code awsval_native_error(const awsval_ctx *ctx, const awsval_model *model,
                                           int *status, const char **error_type);

/**
 * Converts a byte offset in `input` into a 1-based line and column (columns count code points).
 * @return 1 on success, 0 if pos is past the end.
 */
AWSVAL_API int awsval_locate_pos(const char *input, size_t len, size_t pos, size_t *line,
                                 size_t *col);

#ifdef __cplusplus
}
#endif
#endif
