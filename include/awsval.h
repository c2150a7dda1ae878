/*
 * awsval: check AWS API requests against the constraints of the official service models, and
 * answer what the service itself would answer.
 *
 * Three lifetimes, as in PCRE2:
 *   - awsval_model: a compiled service model. Immutable after it is built, shared by any number
 *     of threads without locking.
 *   - awsval_ctx: a checker context, one per thread, reused across checks. It owns the scratch
 *     memory, the pattern match data and the result of the last check. Its scratch grows with
 *     what inputs hold (never beyond awsval_ctx_max_memory), can be measured
 *     (awsval_ctx_memory) and released (awsval_ctx_trim); once it has seen an input like the
 *     current one, checking allocates nothing.
 *   - results: the violations of the last check live in the context until the next check on it
 *     (or awsval_ctx_trim, or awsval_ctx_free). Copy what must outlive that.
 *
 * No function keeps global mutable state or depends on the locale. Every function is
 * thread-safe when the objects passed to it are not used by another thread at the same time,
 * except that an awsval_model may be used by any number of threads at once, and that an
 * allocator passed in must itself be thread-safe when the object it serves is used from several
 * threads.
 *
 * Values as JSON. awsval reads an operation's input as JSON with the model's member names
 * (boto3's parameter names). Types JSON lacks are written as the AWS JSON protocols write them:
 * a blob is base64 text (RFC 4648, padding optional), a timestamp an epoch-seconds number or an
 * RFC 3339 / IMF-fixdate string, a float or double also "NaN", "Infinity" or "-Infinity".
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

/** The library's AWSVAL_VERSION_HEX. Compare with the header's macro to detect a mismatch
 *  between the header a program was built with and the library it runs with. */
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
    X(NOCHECK, 8, "no check has run on this context")                                \
    X(LIMIT, 9, "a limit was reached before the answer was known")                  \
    X(NOGEN, 10, "no input of the kind asked for can be generated")

typedef uint32_t awsval_code;
#define AWSVAL__CODE_DEFINE(name, num, msg) enum { AWSVAL_##name = num };
AWSVAL_CODE_MAP(AWSVAL__CODE_DEFINE)
#undef AWSVAL__CODE_DEFINE

/** The code's name ("OK", "INVALID", ...), or NULL for a number that is no code. Static
 *  storage. Thread-safe. */
AWSVAL_API const char *awsval_err_name(awsval_code code);
/** A sentence describing the code ("out of memory"), or "unknown code". Static storage.
 *  Thread-safe. */
AWSVAL_API const char *awsval_strerror(awsval_code code);

/* ------------------------------------------------------------------------------------------ */
/* Allocator                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * A memory allocator. `old_size` lets a pool allocator implement realloc by allocate-and-copy;
 * `free` may be a no-op for a pool. Passing NULL wherever an allocator is taken means libc.
 * The struct is copied into each object made with it; `ctx` must outlive the object. Every
 * allocation awsval makes for an object goes through its allocator, PCRE2's included.
 * Thread-safety: a model calls its allocator only while it is built and freed; a context calls
 * its allocator from the thread that uses it.
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
/** Model flag: do not apply the built-in answer profile (error codes and wording that the model
 *  cannot say; see README "Fidelity"); answers are then derived from the model alone. */
#define AWSVAL_MODEL_NO_PROFILE 0x4u

/** Options for building a model. Zero-initialise, then set `size = sizeof(awsval_model_opts)`.
 *  A field past the caller's `size` takes its default. */
typedef struct awsval_model_opts {
    uint32_t size;          /**< sizeof(awsval_model_opts) */
    uint32_t flags;         /**< AWSVAL_MODEL_* */
    const awsval_alc *alc;  /**< NULL = libc */
    /** An overlay document (see models/README.md) merged in addition to the built-in one for
     *  the service. NULL = none. Borrowed during the call only. */
    const char *overlay;
    size_t overlay_len;
    /** The service's name as botocore spells it ("vpc-lattice", "apprunner"): picks the
     *  built-in overlay and answer profile of a model loaded from a file or a buffer, and is
     *  what awsval_model_service returns. NULL: the model's own name for itself (botocore
     *  directory name when loaded from a directory, else metadata.endpointPrefix). Borrowed
     *  during the call only. */
    const char *service;
} awsval_model_opts;

/* Which document an awsval_model_err position refers to. */
#define AWSVAL_ERRDOC_NONE    0u /**< no position */
#define AWSVAL_ERRDOC_MODEL   1u /**< the model JSON (after gzip decompression) */
#define AWSVAL_ERRDOC_OVERLAY 2u /**< the caller's overlay (opts.overlay) */
#define AWSVAL_ERRDOC_BUILTIN 3u /**< a built-in overlay or profile (a bug: please report) */

/** What went wrong while building a model. Zero-initialise and set `size`; zeroed (but for
 *  `size`) on success. */
typedef struct awsval_model_err {
    uint32_t size;        /**< sizeof(awsval_model_err); 0 is read as this first version */
    awsval_code code;     /**< AWSVAL_MODEL, AWSVAL_IO, AWSVAL_NOMEM, AWSVAL_NOTFOUND, ... */
    uint32_t doc;         /**< AWSVAL_ERRDOC_*: the document `pos` is in */
    size_t pos;           /**< byte offset in that document of the value at fault */
    size_t line, column;  /**< 1-based line and column (in code points) of pos; 0 = none */
    char message[512];    /**< "shape 'TagKey': pattern '[a-z' does not compile: missing ]
                               at offset 4"; always NUL-terminated */
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
 * ("vpc-lattice", "apprunner"), with its built-in overlay and profile (unless the flags say
 * otherwise). `opts->service` is ignored. Thread-safe.
 * @return a model owned by the caller, or NULL with `err` filled (AWSVAL_NOTFOUND: no such
 *         built-in model).
 */
AWSVAL_API awsval_model *awsval_model_load_builtin(const char *service,
                                                   const awsval_model_opts *opts,
                                                   awsval_model_err *err);
/**
 * Builds a model from a botocore data directory (`DIR/SERVICE/VERSION/service-2.json`, or
 * `service-2.json.gz` as recent botocore ships them). `service` is "name" for the newest API
 * version or "name@version" for another; names are botocore's directory names (no '/', no
 * leading '.'). Thread-safe.
 * @return a model owned by the caller (free with awsval_model_free), or NULL with `err` filled
 *         (AWSVAL_NOTFOUND when the service or version is not in the directory).
 */
AWSVAL_API awsval_model *awsval_model_load_dir(const char *dir, const char *service,
                                               const awsval_model_opts *opts,
                                               awsval_model_err *err);
/** Frees a model. NULL is a no-op. No context may be checking against it at the time. */
AWSVAL_API void awsval_model_free(awsval_model *model);

/** Number of embedded models, and the name of the i-th (NULL past the end). Static storage. */
AWSVAL_API size_t awsval_builtin_count(void);
AWSVAL_API const char *awsval_builtin_name(size_t i);

/** The model's service name (see awsval_model_opts.service). Model lifetime. */
AWSVAL_API const char *awsval_model_service(const awsval_model *model);
/** The model's API version (metadata.apiVersion), or "". Model lifetime. */
AWSVAL_API const char *awsval_model_api_version(const awsval_model *model);
/** The model's protocol as botocore writes it: "rest-json", "json", "query", ... */
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
 * members of the operation's input with their constraints. NUL-terminates whenever cap > 0,
 * also on error.
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL (truncated on a character boundary), AWSVAL_NOTFOUND or
 *         AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_model_describe(const awsval_model *model, const char *operation,
                                             char *buf, size_t cap, size_t *need);

/* ------------------------------------------------------------------------------------------ */
/* Checker contexts                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct awsval_ctx awsval_ctx;

/** Check flag: do not report members that the model does not define. */
#define AWSVAL_CHECK_IGNORE_UNKNOWN 0x1u
/** Check flag: a pattern that could not be decided within the match limits is not a violation
 *  (fail open). By default it is one, of kind AWSVAL_KIND_LIMIT (fail closed). */
#define AWSVAL_CHECK_LIMIT_OPEN 0x2u

/** Options for a context. Zero-initialise and set `size`; a zero field takes its default. */
typedef struct awsval_ctx_opts {
    uint32_t size;            /**< sizeof(awsval_ctx_opts) */
    uint32_t flags;           /**< AWSVAL_CHECK_*: the flags of checks that do not give their
                                   own */
    const awsval_alc *alc;    /**< NULL = libc */
    size_t max_size;          /**< largest input in bytes (JSON body, or the whole HTTP request:
                                   target, headers and body); default 1 MiB, at most 2 GiB */
    uint32_t max_depth;       /**< deepest JSON nesting; default 64, at most 4096 */
    uint32_t max_violations;  /**< violations kept (all are counted); default 100, at most
                                   65536 */
    uint32_t match_limit;     /**< PCRE2 match limit per match; default 100000 */
    uint32_t depth_limit;     /**< PCRE2 depth limit per match; default 1000 */
    uint32_t heap_limit_kib;  /**< PCRE2 heap limit per match in KiB; default 1024 */
    /** The match limit of one backtracking match is at most this times (the value's bytes + 1),
     *  so that the pattern work on a whole request is linear in its size; default 16. Patterns
     *  that the linear-time matcher handles (nearly all) are not limited. */
    uint32_t match_limit_per_byte;
    /** The most memory the context may hold, in bytes; 0 = no cap beyond
     *  awsval_ctx_max_memory(opts, max_size). A check that would need more ends with a single
     *  AWSVAL_KIND_LIMIT violation (the request is rejected, fail closed) and the context
     *  keeps what it had. */
    size_t max_memory;
    /** Scratch kept between checks, in bytes: after a check, the context releases scratch
     *  beyond this (as awsval_ctx_trim does), so one large request does not keep its memory.
     *  Default 1 MiB; SIZE_MAX = keep everything. */
    size_t retain_memory;
} awsval_ctx_opts;

/**
 * Creates a checker context. One per thread; it may be used with any number of models.
 * `opts` may be NULL (defaults). Thread-safe.
 * @param code set to AWSVAL_OK, AWSVAL_NOMEM, or AWSVAL_BADARG (an option out of range or a
 *        `size` this library does not know); may be NULL.
 * @return a context owned by the caller (free with awsval_ctx_free), or NULL.
 */
AWSVAL_API awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts, awsval_code *code);
/** Frees a context and the result it holds. NULL is a no-op. */
AWSVAL_API void awsval_ctx_free(awsval_ctx *ctx);

/** Bytes the context holds now (its own struct, scratch, result, match data). */
AWSVAL_API size_t awsval_ctx_memory(const awsval_ctx *ctx);
/**
 * Releases scratch down to the context's baseline (what awsval_ctx_create allocated). The
 * result of the last check is released too: accessors then answer as if no check had run.
 */
AWSVAL_API void awsval_ctx_trim(awsval_ctx *ctx);
/**
 * The most memory a context made with `opts` (NULL: defaults) can hold after checking any input
 * of up to `input_len` bytes (capped at opts' max_size), whatever it holds: a bound to size a
 * memory budget with, as yyjson_read_max_memory_usage. Thread-safe.
 */
AWSVAL_API size_t awsval_ctx_max_memory(const awsval_ctx_opts *opts, size_t input_len);

/* ------------------------------------------------------------------------------------------ */
/* Checking                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * Checks an operation's whole input, given as JSON (every member by its model name, including
 * those bound to the URI, query string and headers, as boto3 takes them). Uses the context's
 * flags. Thread-safe when `ctx` is not used by another thread at the same time.
 * @param json borrowed for the call only; need not be NUL-terminated.
 * @return AWSVAL_OK (valid), AWSVAL_INVALID (violations recorded in ctx, including an
 *         AWSVAL_KIND_PARSE one for input that is not strict JSON and an AWSVAL_KIND_LIMIT one
 *         for input over a limit), AWSVAL_NOTFOUND (no such operation), AWSVAL_BADARG or
 *         AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_check(awsval_ctx *ctx, const awsval_model *model,
                                    const char *operation, const char *json, size_t len);
/** As awsval_check, with `flags` (AWSVAL_CHECK_*) in place of the context's for this call. */
AWSVAL_API awsval_code awsval_check_ex(awsval_ctx *ctx, const awsval_model *model,
                                       const char *operation, const char *json, size_t len,
                                       uint32_t flags);

/**
 * Checks one JSON value against a shape, or against one member of a structure shape.
 * `target` is a shape name ("ServiceIdentifier") or a structure member as
 * "Structure$member" ("CreateServiceNetworkServiceAssociationRequest$serviceIdentifier"), in
 * which case the member's own traits (sensitive, required) apply and paths name the member.
 * Return values as awsval_check (AWSVAL_NOTFOUND: no such shape or member).
 */
AWSVAL_API awsval_code awsval_check_value(awsval_ctx *ctx, const awsval_model *model,
                                          const char *target, const char *json, size_t len);

/**
 * Checks a raw string (not JSON-encoded; UTF-8) against a string shape or member, as named for
 * awsval_check_value: "is this a valid serviceIdentifier?". Invalid UTF-8 is a violation;
 * AWSVAL_BADARG if the target is not a string.
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
    uint32_t size;            /**< sizeof(awsval_http_request); must be set */
    const char *method;       /**< "POST", ... */
    size_t method_len;
    const char *target;       /**< the request target as sent: path and query ("/a/b?x=1") */
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
 * implied). A header or query parameter that binds one value and appears more than once is a
 * violation (a backend could read another copy than the one checked); the whole request counts
 * against max_size before anything is bound. Thread-safe when `ctx` is not used by another
 * thread at the same time.
 * @return AWSVAL_OK, AWSVAL_INVALID (violations recorded, including no matching operation:
 *         see awsval_ctx_rejection), AWSVAL_BADARG or AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_check_http(awsval_ctx *ctx, const awsval_model *model,
                                         const awsval_http_request *request);
/** As awsval_check_http, with `flags` (AWSVAL_CHECK_*) in place of the context's. */
AWSVAL_API awsval_code awsval_check_http_ex(awsval_ctx *ctx, const awsval_model *model,
                                            const awsval_http_request *request, uint32_t flags);

/** The operation that the last check ran against (named, or routed to by awsval_check_http),
 *  or NULL. Model lifetime. */
AWSVAL_API const char *awsval_ctx_operation(const awsval_ctx *ctx);

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
#define AWSVAL_KIND_PARSE    9u /**< the input is not strict JSON, or the HTTP request is
                                     ambiguous or unreadable */
#define AWSVAL_KIND_LIMIT   10u /**< a limit was reached (size, memory, pattern match limits):
                                     the input was not (fully) decided */
#define AWSVAL_KIND_UNIQUE  11u /**< a list marked uniqueItems holds two equal items */
#define AWSVAL_KIND_OPERATION 12u /**< HTTP: no operation matches the request */

/* Where a constraint comes from. */
#define AWSVAL_SOURCE_MODEL      0u /**< the service model */
#define AWSVAL_SOURCE_DOCUMENTED 1u /**< an overlay: stated by the AWS documentation only */

/* Violation flags. */
#define AWSVAL_VIOLATION_SENSITIVE   0x1u /**< the value is sensitive (or inside a sensitive
                                               value): no report echoes it or its keys */
#define AWSVAL_VIOLATION_MAP_KEY     0x2u /**< the value is a map key */
#define AWSVAL_VIOLATION_MAP_VALUE   0x4u /**< the value is a map value */
#define AWSVAL_VIOLATION_LIST_MEMBER 0x8u /**< the value is a list item */

/**
 * One violation. All pointers are NUL-terminated UTF-8 strings owned by the context, valid
 * until the next check on it, awsval_ctx_trim or awsval_ctx_free; they never point into the
 * caller's input. Nothing sensitive is ever in them (see AWSVAL_VIOLATION_SENSITIVE).
 */
typedef struct awsval_violation {
    uint32_t size;           /**< set by the caller: sizeof(awsval_violation) */
    uint32_t kind;           /**< AWSVAL_KIND_* */
    uint32_t source;         /**< AWSVAL_SOURCE_* */
    uint32_t flags;          /**< AWSVAL_VIOLATION_* */
    const char *pointer;     /**< JSON Pointer (RFC 6901) of the value: "/tags/aws:x"; keys of a
                                  sensitive map and unknown members inside a sensitive value
                                  are written "*" */
    const char *aws_path;    /**< the member path as the service writes it: "tags",
                                  "targets.1.member.id"; for an item of a list or map of scalars,
                                  the list or map (services report it there) */
    const char *shape;       /**< the shape whose constraint failed ("" for parse errors) */
    const char *constraint;  /**< the constraint as the service words it: "Member must have
                                  length less than or equal to 128" (PARSE, LIMIT, OPERATION:
                                  what was wrong) */
    const char *value;       /**< the value as the service echoes it; NULL when it is not
                                  echoed (sensitive, missing) */
    const char *pattern;     /**< PATTERN, LIMIT: the pattern; NULL otherwise, and for a
                                  documented rule that is not a regex */
    const char *min_text;    /**< LENGTH/RANGE: the lower bound as the model writes it, or NULL */
    const char *max_text;    /**< LENGTH/RANGE: the upper bound as the model writes it, or NULL */
    int64_t actual;          /**< LENGTH: the length found (code points, decoded bytes, entries);
                                  UNION: members set; else -1 */
    size_t offset;           /**< byte offset of the value in the input (PARSE: of the error);
                                  for an HTTP check, in the body, or 0 outside it */
    size_t length;           /**< byte length of the value in the input (0 when missing) */
    /** Violations with the same non-zero group are one error for the service: items of one list
     *  or map of scalars, reported once at the list or map. 0 = a group of its own. */
    uint32_t group;
} awsval_violation;

/** Violations recorded by the last check (at most max_violations). 0 if none ran. */
AWSVAL_API size_t awsval_ctx_violation_count(const awsval_ctx *ctx);
/** Violations found by the last check, including those past max_violations. */
AWSVAL_API size_t awsval_ctx_violation_total(const awsval_ctx *ctx);
/**
 * Copies the i-th violation into `*out` (whose `size` field the caller sets; fields beyond it
 * are not written). Not thread-safe with other calls on the same context (strings are made on
 * first use).
 * @return AWSVAL_OK, AWSVAL_NOTFOUND (i out of range), AWSVAL_NOMEM or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_ctx_violation(awsval_ctx *ctx, size_t i, awsval_violation *out);

/** Name of a kind as the machine report spells it: "required", "type", "length", ...; NULL
 *  for a number that is no kind. Static storage. */
AWSVAL_API const char *awsval_kind_name(uint32_t kind);

/* ------------------------------------------------------------------------------------------ */
/* Reports and rejections                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** The service's message: "1 validation error detected: Value 'x' at 'y' failed to ..." */
#define AWSVAL_REPORT_AWS 1u
/** The service-native error document (the response body), per the model's protocol, its own
 *  error shapes and its answer profile. */
#define AWSVAL_REPORT_NATIVE 2u
/** Smithy's framework ValidationException: message + fieldList of {path, message}. */
#define AWSVAL_REPORT_SMITHY 3u
/** Machine JSON: {"valid": ..., "total": N, "status": S, "errorType": T, "failures": [...]} */
#define AWSVAL_REPORT_JSON 4u

/**
 * Renders the last check's result in the given style into `buf`, snprintf-style: writes what
 * fits, always NUL-terminates when cap > 0 (also on error: an empty string), cuts only on a
 * UTF-8 character boundary; a truncated document is never valid JSON, so check the code. Valid
 * results render as "" (but AWSVAL_REPORT_JSON). Output is always valid UTF-8.
 * Thread-safe when `ctx` is not used by another thread at the same time.
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL, AWSVAL_NOCHECK or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_render(const awsval_ctx *ctx, uint32_t style, char *buf,
                                     size_t cap, size_t *need);

/**
 * The service's sentence for the i-th violation alone, in a style (AWSVAL_REPORT_AWS: "Value
 * 'x' at 'y' failed to satisfy constraint: ..."; AWSVAL_REPORT_SMITHY: Smithy's), as
 * awsval_render writes into `buf`.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL, AWSVAL_NOTFOUND, AWSVAL_NOCHECK or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_ctx_violation_message(const awsval_ctx *ctx, size_t i,
                                                    uint32_t style, char *buf, size_t cap,
                                                    size_t *need);

/** The service's answer to a rejected request, in pieces, for a gateway that sends the headers
 *  itself. Zero-initialise and set `size`. Strings have static or model lifetime. */
typedef struct awsval_rejection {
    uint32_t size;            /**< sizeof(awsval_rejection) */
    int status;               /**< HTTP status: 400, 404, 413, 415; 0 when the request is valid */
    const char *error_type;   /**< "ValidationException", "SerializationException", ... ("") */
    const char *content_type; /**< of the body: "application/json",
                                   "application/x-amz-json-1.0", "text/xml" ("") */
    const char *type_header;  /**< the header that carries error_type ("x-amzn-ErrorType"), or
                                   NULL when the protocol sends none (query: in the body) */
    size_t body_len;          /**< bytes of the body (awsval_render with AWSVAL_REPORT_NATIVE),
                                   NUL excluded */
} awsval_rejection;

/**
 * The pieces of the service's answer to the last check. A valid request gives status 0.
 * @return AWSVAL_OK, AWSVAL_NOCHECK or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_ctx_rejection(const awsval_ctx *ctx, awsval_rejection *out);

/**
 * Renders the whole HTTP/1.1 response the service would send for the last check (status line,
 * Content-Type, the type header, Content-Length, blank line, body), or "" for a valid request.
 * Same contract as awsval_render.
 */
AWSVAL_API awsval_code awsval_render_http(const awsval_ctx *ctx, char *buf, size_t cap,
                                          size_t *need);

/* ------------------------------------------------------------------------------------------ */
/* Patterns (Java's regex dialect, as the models write them)                                   */
/* ------------------------------------------------------------------------------------------ */

typedef struct awsval_pattern awsval_pattern;

/** Pattern flag: a match anywhere in the value (Java's find()); default: the whole value
 *  (matches()). */
#define AWSVAL_PATTERN_SEARCH 0x1u

/**
 * Compiles a pattern written in Java's dialect with Java's meaning. `err` may be NULL; its
 * `pos` is an offset in the pattern (doc AWSVAL_ERRDOC_NONE). Thread-safe.
 * @return a pattern owned by the caller (free with awsval_pattern_free; immutable and shareable
 *         by threads), or NULL with `err` filled (AWSVAL_MODEL: not a valid Java pattern).
 */
AWSVAL_API awsval_pattern *awsval_pattern_compile(const char *java, size_t len, uint32_t flags,
                                                  const awsval_alc *alc, awsval_model_err *err);
AWSVAL_API void awsval_pattern_free(awsval_pattern *pattern);
/**
 * Matches UTF-8 text against a pattern, within the context's limits.
 * Thread-safe when `ctx` is not used by another thread at the same time.
 * @return AWSVAL_OK (matches), AWSVAL_INVALID (does not), AWSVAL_LIMIT (not decided within
 *         the limits), AWSVAL_BADARG (NULL argument or text that is not UTF-8), AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_pattern_match(awsval_ctx *ctx, const awsval_pattern *pattern,
                                            const char *text, size_t len);
/** The PCRE2 form of the pattern (for diagnostics). Pattern lifetime. */
AWSVAL_API const char *awsval_pattern_pcre2(const awsval_pattern *pattern);

/* ------------------------------------------------------------------------------------------ */
/* JSON helpers (the library's own strict reader)                                              */
/* ------------------------------------------------------------------------------------------ */

/**
 * Finds member `name` of the JSON object `json` and gives its value's byte span. The whole
 * document is read as requests are (RFC 8259, UTF-8, no duplicate keys, max depth 64).
 * Thread-safe.
 * @return AWSVAL_OK, AWSVAL_NOTFOUND (no such member), AWSVAL_INVALID (not strict JSON, or not
 *         an object; *off is then the offset of the error) or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_json_member(const char *json, size_t len, const char *name,
                                          size_t name_len, size_t *off, size_t *value_len);
/**
 * As awsval_json_member for `count` names in one pass: offs[i] and value_lens[i] get the span of
 * names[i] (name_lens[i] bytes), or SIZE_MAX when the object has no such member.
 * @return AWSVAL_OK (all found), AWSVAL_NOTFOUND (some not found; the others are set),
 *         AWSVAL_INVALID (offs[0] is then the offset of the error) or AWSVAL_BADARG.
 */
AWSVAL_API awsval_code awsval_json_members(const char *json, size_t len, size_t count,
                                           const char *const *names, const size_t *name_lens,
                                           size_t *offs, size_t *value_lens);
/**
 * Decodes the JSON string token `json` (quotes included, as awsval_json_member gives it) into
 * UTF-8 text in `buf`, snprintf-style (NUL-terminated when cap > 0; the text may hold NULs).
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL, AWSVAL_INVALID (not one valid JSON string) or BADARG.
 */
AWSVAL_API awsval_code awsval_json_string(const char *json, size_t len, char *buf, size_t cap,
                                          size_t *need);

/**
 * Converts a byte offset in `input` into a 1-based line and column (columns count code points).
 * @return AWSVAL_OK, or AWSVAL_BADARG if pos is past the end or an argument is NULL.
 */
AWSVAL_API awsval_code awsval_locate_pos(const char *input, size_t len, size_t pos,
                                         size_t *line, size_t *col);

/* ------------------------------------------------------------------------------------------ */
/* Generating inputs (valid ones, and ones with exactly one fault)                             */
/* ------------------------------------------------------------------------------------------ */

/**
 * A generator of operation inputs for one model: valid inputs (every constraint satisfied) and
 * inputs with exactly one fault of a chosen kind, deterministic in a seed. Each generated input
 * is checked by the real checker on the caller's context, which then holds the service's answer
 * to it: the usual accessors and renderers state what the service answers (nothing, or the
 * fault's one violation). Strings come from the pattern's syntax tree with Java's meaning
 * (classes, \p{..}, quantifiers clipped to the length bounds, alternatives), lengths in code
 * points, and every value is confirmed by the checker's own matcher before it is used; a value
 * that cannot be made is left out (optional members) or reported (AWSVAL_NOGEN), never written
 * wrong.
 *
 * A generator caches what it derives from the model's patterns: it borrows the model (which
 * must outlive it) and is used by one thread at a time (one per thread, like a context).
 */
typedef struct awsval_gen awsval_gen;

/* Fault kinds. Those of the model's constraints have the number of the violation kind they
 * make (AWSVAL_KIND_*). */
#define AWSVAL_FAULT_NONE       0u /**< no fault: a valid input */
#define AWSVAL_FAULT_REQUIRED   1u /**< a required member left out */
#define AWSVAL_FAULT_TYPE       2u /**< a value of another JSON type (HTTP: text that does not
                                        read as the member's type) */
#define AWSVAL_FAULT_LENGTH     3u /**< a string, blob, list or map one below its min or one
                                        above its max */
#define AWSVAL_FAULT_PATTERN    4u /**< a string with a character its pattern refuses */
#define AWSVAL_FAULT_ENUM       5u /**< a near miss of an enum value */
#define AWSVAL_FAULT_RANGE      6u /**< a number one step below its min or above its max */
#define AWSVAL_FAULT_UNION      7u /**< a union with two members set */
#define AWSVAL_FAULT_UNKNOWN    8u /**< a member the model does not define (not over HTTP, where
                                        services ignore them) */
#define AWSVAL_FAULT_UNIQUE    11u /**< a uniqueItems list with two equal items */
#define AWSVAL_FAULT_DOCUMENTED 13u /**< a documented (overlay) rule broken: a key beginning
                                         with "aws:", a character outside the documented set */
#define AWSVAL_FAULT_DUPLICATE_KEY 14u /**< wire: an object with a key twice (parse error) */
#define AWSVAL_FAULT_UTF8      15u /**< wire: a string with a byte that is not UTF-8 */
#define AWSVAL_FAULT_DEPTH     16u /**< wire: nesting one deeper than the context's max_depth */
#define AWSVAL_FAULT_ANY      255u /**< one of the model faults (REQUIRED to DOCUMENTED) that the
                                        operation admits, drawn at random (wire faults only
                                        when asked for by name) */

/** Generator flag: write the raw HTTP/1.1 request a gateway would see (restJson1: method,
 *  target with labels and query, headers, body; awsJson: POST / with X-Amz-Target), as
 *  awsval_check_http reads it, instead of the operation's input as JSON. Models of other
 *  protocols: AWSVAL_BADARG. */
#define AWSVAL_GEN_HTTP 0x1u

/** Options of awsval_generate. Start from awsval_gen_opts_init (zero is a meaningful value of
 *  most fields); a field past the caller's `size` takes its default. */
typedef struct awsval_gen_opts {
    uint32_t size;          /**< sizeof(awsval_gen_opts) */
    uint32_t flags;         /**< AWSVAL_GEN_* */
    uint64_t seed;          /**< the same seed, model, operation and options give the same
                                 input, byte for byte */
    uint32_t fault;         /**< AWSVAL_FAULT_*; default NONE */
    /** A JSON Pointer ("/tags", "/targets/0/id"): the fault goes at or below this value, and
     *  the members and items on the way to it are generated. "*" matches any list index or map
     *  key. NULL or "": anywhere. Borrowed during the call only. */
    const char *path;
    uint32_t optional_pct;  /**< % of optional members present (default 50) */
    uint32_t list_min;      /**< list and map sizes are drawn in [list_min, list_max] within the */
    uint32_t list_max;      /**< shape's own bounds (defaults 1 and 3) */
    uint32_t bound_pct;     /**< % of lengths, sizes and numbers put exactly on a bound of the
                                 shape (default 20) */
    uint32_t nonascii_pct;  /**< % of characters drawn outside ASCII where the constraints allow
                                 (default 10) */
    uint32_t astral_pct;    /**< % of those drawn outside the BMP (default 20) */
    uint32_t max_depth;     /**< nesting of structures, lists and maps past which only required
                                 members are generated (default 5) */
    uint32_t max_length;    /**< longest string, blob or list drawn when it is not on a bound
                                 (default 40) */
} awsval_gen_opts;

/* Why a value could not be generated (awsval_gen_info.why, bits). */
#define AWSVAL_GEN_WHY_PATTERN 0x01u /**< no string was found that matches the pattern and meets
                                          the other constraints */
#define AWSVAL_GEN_WHY_LENGTH  0x02u /**< no length the pattern allows lies within the bounds */
#define AWSVAL_GEN_WHY_ENUM    0x04u /**< no enum value meets the other constraints */
#define AWSVAL_GEN_WHY_RANGE   0x08u /**< the numeric range is empty */
#define AWSVAL_GEN_WHY_DEPTH   0x10u /**< required members nest past the context's max_depth */
#define AWSVAL_GEN_WHY_SIZE    0x20u /**< the input would be over the context's max_size */
#define AWSVAL_GEN_WHY_HTTP    0x40u /**< the value cannot be written where the protocol binds it
                                          (characters a header cannot hold, a label that routes
                                          to another operation, a bound Content-Type, ...) */
#define AWSVAL_GEN_WHY_NOFAULT 0x80u /**< no value (at the path) admits the fault asked for */

/* awsval_gen_info.flags */
/** The checker's answer to the generated input is not the one intended (valid, or exactly the
 *  fault's one violation): a bug in the generator or the checker; please report it. The
 *  context holds the checker's answer all the same. */
#define AWSVAL_GEN_INFO_DIFFERS 0x1u

/** What a generation made. Zero-initialise and set `size`. */
typedef struct awsval_gen_info {
    uint32_t size;        /**< sizeof(awsval_gen_info) */
    uint32_t fault;       /**< the fault put in (for ANY, the kind drawn); NONE for a valid
                               input */
    uint32_t kind;        /**< the violation kind the fault makes (AWSVAL_KIND_*; PARSE for wire
                               faults), 0 for a valid input */
    uint32_t flags;       /**< AWSVAL_GEN_INFO_* */
    uint32_t values;      /**< values generated (members, items, entries, keys) */
    uint32_t skipped;     /**< optional members and items left out: no value meeting their
                               constraints could be made */
    uint32_t why;         /**< AWSVAL_GEN_WHY_* of those, or of the failure (AWSVAL_NOGEN) */
    char where[256];      /**< JSON Pointer of the first value that could not be made (cut on
                               a character boundary), or "" */
    char fault_at[256];   /**< JSON Pointer of the faulty value (a member left out: where it
                               would be; wire faults: ""), cut on a character boundary */
} awsval_gen_info;

/** Sets `size` and every option to its default. */
AWSVAL_API void awsval_gen_opts_init(awsval_gen_opts *opts);

/**
 * Creates a generator for `model`, which it borrows. Thread-safe.
 * @param code set to AWSVAL_OK, AWSVAL_NOMEM or AWSVAL_BADARG; may be NULL.
 * @return a generator owned by the caller (free with awsval_gen_free), or NULL.
 */
AWSVAL_API awsval_gen *awsval_gen_create(const awsval_model *model, const awsval_alc *alc,
                                         awsval_code *code);
/** Frees a generator. NULL is a no-op. */
AWSVAL_API void awsval_gen_free(awsval_gen *gen);

/**
 * Generates one input of `operation` into `buf`, snprintf-style (writes what fits, always
 * NUL-terminates when cap > 0; a cut input is useless, so check the code), then checks it on
 * `ctx` (with the context's flags and limits, or as awsval_check_http for AWSVAL_GEN_HTTP), so
 * that the context holds the service's answer to it. Calling again with the same arguments and
 * a buffer of `need` bytes gives the same input in full. Not thread-safe on `gen` or `ctx`.
 * `opts` may be NULL (defaults); `info` may be NULL.
 * @param need set to the bytes needed including the NUL; may be NULL.
 * @return AWSVAL_OK, AWSVAL_TOOSMALL (the context holds the answer to the whole input),
 *         AWSVAL_NOTFOUND (no such operation), AWSVAL_NOGEN (a required value cannot be made,
 *         or nothing admits the fault asked for: `info` says why and where; the context then
 *         holds no answer), AWSVAL_BADARG (an option out of range, or AWSVAL_GEN_HTTP for a
 *         protocol other than restJson1 and awsJson) or AWSVAL_NOMEM.
 */
AWSVAL_API awsval_code awsval_generate(awsval_gen *gen, awsval_ctx *ctx, const char *operation,
                                       const awsval_gen_opts *opts, char *buf, size_t cap,
                                       size_t *need, awsval_gen_info *info);

/** The name of a fault kind ("none", "required", "type", "length", "pattern", "enum", "range",
 *  "union", "unknown", "unique", "documented", "duplicate-key", "utf8", "depth", "any"), or
 *  NULL. Static storage. */
AWSVAL_API const char *awsval_fault_name(uint32_t fault);
/** The fault kind named `name` (as awsval_fault_name spells it).
 *  @return AWSVAL_OK, AWSVAL_NOTFOUND or AWSVAL_BADARG. */
AWSVAL_API awsval_code awsval_fault_find(const char *name, uint32_t *fault);

#ifdef __cplusplus
}
#endif
#endif
