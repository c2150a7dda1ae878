/* Internal definitions shared by the library's modules. Nothing here is part of the ABI. */
#ifndef AWSVAL_INTERNAL_H
#define AWSVAL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsval.h"
#include "awsval_regex.h"

#define AWSVAL__HIDDEN __attribute__((visibility("hidden")))

/* ---------------------------------------------------------------------------------------- */
/* Allocation (awsval_alloc.c)                                                              */
/* ---------------------------------------------------------------------------------------- */

/* Copies *alc (or the libc allocator for NULL) so objects need not keep the caller's struct. */
void awsval__alc_init(awsval_alc *dst, const awsval_alc *src);
void *awsval__malloc(const awsval_alc *a, size_t n);
void *awsval__calloc(const awsval_alc *a, size_t n, size_t size);
void *awsval__realloc(const awsval_alc *a, void *p, size_t old, size_t n);
void awsval__free(const awsval_alc *a, void *p);

/* An allocator that counts the bytes it holds and refuses to go past a cap (0 = none). Its
 * `alc` is what objects allocate through; it must not move while in use. */
typedef struct awsval__track {
    awsval_alc alc;   /* points at this struct */
    awsval_alc base;  /* the caller's allocator */
    size_t held;      /* bytes held, headers included */
    size_t cap;
    bool cap_hit;     /* an allocation was refused for the cap (not by the base allocator) */
} awsval__track;
void awsval__track_init(awsval__track *t, const awsval_alc *base, size_t cap);

/* A growable byte buffer. Offsets, not pointers, are kept into it: it may move. */
typedef struct awsval__buf {
    char *data;
    size_t len;
    size_t cap;
} awsval__buf;

/* Makes room for n more bytes. Returns false when out of memory (the buffer is unchanged). */
bool awsval__buf_reserve(awsval__buf *b, const awsval_alc *a, size_t n);
bool awsval__buf_put(awsval__buf *b, const awsval_alc *a, const void *p, size_t n);
void awsval__buf_free(awsval__buf *b, const awsval_alc *a);

/* ---------------------------------------------------------------------------------------- */
/* Writing text into a caller's buffer (awsval_alloc.c)                                     */
/* ---------------------------------------------------------------------------------------- */

/* Writes as much as fits, always counts what would be needed: the snprintf contract. */
typedef struct awsval__out {
    char *buf;
    size_t cap;
    size_t len;  /* bytes that would have been written, NUL excluded */
    bool escape; /* inside a JSON string: every write is escaped */
} awsval__out;

void awsval__out_mem(awsval__out *o, const void *p, size_t n);
void awsval__out_str(awsval__out *o, const char *s);
void awsval__out_chr(awsval__out *o, char c);
/* Formats short text (numbers, words): at most 255 bytes. Unbounded strings: awsval__out_str. */
void awsval__out_fmt(awsval__out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes s as the inside of a JSON string (no quotes), escaping what JSON requires. */
void awsval__out_json_esc(awsval__out *o, const char *s, size_t n);
/* Writes s as a quoted JSON string. */
void awsval__out_json_str(awsval__out *o, const char *s, size_t n);
/* NUL-terminates and returns AWSVAL_OK or AWSVAL_TOOSMALL; sets *need when not NULL. */
awsval_code awsval__out_finish(awsval__out *o, size_t *need);

/* ---------------------------------------------------------------------------------------- */
/* Hashing                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/* Eight bytes at a time, tail in at most two loads: every object key of every request is hashed
 * on the hot path, and most keys are short. */
static inline uint32_t awsval__hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w = 0;
    for (; n >= 8; s += 8, n -= 8) {
        __builtin_memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    if (n >= 4) {
        uint32_t a, b;
        __builtin_memcpy(&a, s, 4);
        __builtin_memcpy(&b, s + n - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else if (n > 0) {
        w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
            (unsigned char)s[n - 1];
    }
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

/* ---------------------------------------------------------------------------------------- */
/* The compiled model (awsval_model.c)                                                      */
/* ---------------------------------------------------------------------------------------- */

enum awsval__type {
    AV_T_STRUCTURE = 1,
    AV_T_LIST,
    AV_T_MAP,
    AV_T_STRING,
    AV_T_BOOLEAN,
    AV_T_BYTE,
    AV_T_SHORT,
    AV_T_INTEGER,
    AV_T_LONG,
    AV_T_FLOAT,
    AV_T_DOUBLE,
    AV_T_BIGINTEGER,
    AV_T_BIGDECIMAL,
    AV_T_TIMESTAMP,
    AV_T_BLOB
};

/* Shape flags. */
#define AV_SF_MIN        0x001u
#define AV_SF_MAX        0x002u
#define AV_SF_SENSITIVE  0x004u /* the shape itself is sensitive */
#define AV_SF_UNION      0x008u
#define AV_SF_UNIQUE     0x010u /* uniqueItems (Smithy extension) */
#define AV_SF_HIDES      0x020u /* a sensitive value is reachable from here: never echo it */
#define AV_SF_INT_ENUM   0x040u /* enum values are integers (Smithy intEnum) */
#define AV_SF_FLOAT_RANGE 0x080u /* min/max are in fmin/fmax */

/* Member locations (HTTP binding). */
enum { AV_LOC_BODY = 0, AV_LOC_URI, AV_LOC_QUERY, AV_LOC_HEADER, AV_LOC_HEADERS, AV_LOC_PAYLOAD };

/* A set of characters by Unicode general category (as documentation words it: "Unicode
 * letters, digits, white space and _ . : / = +"), with a table for ASCII. */
typedef struct awsval__charset {
    uint64_t ascii[2];   /* ASCII members */
    uint32_t categories; /* bit (1 << utf8proc category) for non-ASCII members */
    bool space;          /* non-ASCII white space (U+0085, and Z by category) */
    uint32_t bmp;        /* index of its BMP bitmap in model->bmp (AV_BMP_WORDS words each) */
} awsval__charset;
#define AV_BMP_WORDS (0x10000 / 64)

/* A constraint stated by the documentation only (an overlay). */
typedef struct awsval__doc_rule {
    uint32_t kind;     /* AWSVAL_KIND_LENGTH or AWSVAL_KIND_PATTERN */
    uint8_t form;      /* AV_DOC_* */
    int64_t min, max;  /* LENGTH; -1 = no bound */
    int32_t pattern;   /* AV_DOC_REGEX: index in model->patterns */
    uint32_t prefix, prefix_len; /* AV_DOC_PREFIX: the value must not begin with this */
    awsval__charset chars;       /* AV_DOC_CHARSET: every character must be in the set */
    uint32_t also, also_len;     /* AV_DOC_CHARSET: its extra ASCII characters (to share sets) */
    uint32_t message;  /* the constraint text (string offset) */
} awsval__doc_rule;
enum { AV_DOC_LENGTH = 1, AV_DOC_REGEX, AV_DOC_PREFIX, AV_DOC_CHARSET };

typedef struct awsval__shape {
    uint32_t name;       /* string offset */
    uint8_t type;        /* enum awsval__type */
    uint16_t flags;      /* AV_SF_* */
    int64_t min, max;    /* length bounds, or integer range */
    double fmin, fmax;   /* float range when AV_SF_FLOAT_RANGE */
    uint32_t min_text, max_text; /* bounds as the model writes them (string offsets; 0 = none) */
    int32_t pattern;     /* index in model->patterns, or -1 */
    uint32_t enum_first, enum_count; /* into model->enums */
    uint32_t enum_text;  /* "[a, b]" without internal values (string offset) */
    uint32_t member_first, member_count; /* structure: into model->members */
    uint32_t table_first, table_mask;    /* structure: member hash table in model->mtable */
    int32_t target, value; /* list: member shape; map: key shape, value shape */
    uint32_t doc_first, doc_count; /* into model->docs */
} awsval__shape;

typedef struct awsval__member {
    uint32_t name;      /* string offset */
    uint32_t name_len;
    uint32_t hash;
    int32_t shape;
    uint8_t required;
    uint8_t sensitive;  /* the member or its target is sensitive, or hides one */
    uint8_t location;   /* AV_LOC_* */
    uint32_t location_name; /* string offset (0 = member name) */
} awsval__member;

/* Enum value: a string offset (length kept) or an integer. */
typedef struct awsval__enum {
    uint32_t str, len;
    int64_t num;
} awsval__enum;

typedef struct awsval__pattern {
    uint32_t source;     /* the model's pattern text (string offset) */
    awsval__regex *re;
    /* Fast path for a whole-value pattern that is one character class with a quantifier
     * (`^[A-Za-z0-9_-]{1,64}$`): for an all-ASCII value, membership of each byte in `ascii`
     * (computed by PCRE2 itself on the compiled pattern) and the count decide the match. */
    bool fast;
    uint64_t ascii[2];
    uint32_t qmin, qmax;
} awsval__pattern;

typedef struct awsval__operation {
    uint32_t name;       /* string offset */
    int32_t input;       /* shape index or -1 */
    uint32_t method, uri; /* string offsets */
    uint32_t method_len, path_len; /* the uri's path part ends at path_len (before any '?') */
} awsval__operation;

/* How the service answers a validation failure, derived from the model once. */
typedef struct awsval__native {
    uint8_t kind;           /* AV_NATIVE_* */
    bool has_reason;        /* the ValidationException shape has a `reason` member */
    bool field_path;        /* fieldList entries carry `path` (else `name`) */
    bool has_field_list;
    uint32_t reason_field;  /* member names as the model spells them (string offsets) */
    uint32_t reason_cannot_parse;  /* the enum value to use for parse errors (0 = none) */
    uint32_t reason_field_failed;
    uint32_t reason_unknown_op;
    uint32_t message_field, field_list_field;
    uint32_t error_type;    /* header value / __type suffix (string offset) */
    int status;
} awsval__native;

enum { AV_NATIVE_REST_JSON = 1, AV_NATIVE_AWS_JSON, AV_NATIVE_OTHER };

struct awsval_model {
    awsval_alc alc;
    char *strings;  /* every string, NUL-terminated; offset 0 is "" */
    size_t strings_len;
    awsval__shape *shapes;
    uint32_t shape_count;
    awsval__member *members;
    uint32_t member_count;
    uint32_t *mtable;  /* structure member hash tables: member index + 1, 0 = empty */
    uint32_t mtable_len;
    awsval__enum *enums;
    uint32_t enum_count;
    awsval__pattern *patterns;
    uint32_t pattern_count;
    awsval__doc_rule *docs;
    uint32_t doc_count;
    uint64_t *bmp;          /* BMP bitmaps of the documented character sets */
    awsval__operation *ops; /* sorted by name */
    uint32_t op_count;
    uint32_t *op_table;     /* name hash -> operation index + 1 (0 = empty); size op_mask + 1 */
    uint32_t op_mask;
    uint32_t *shape_table;  /* name hash -> shape index + 1 */
    uint32_t shape_mask;
    uint32_t max_members;   /* largest structure, for the checker's scratch */
    uint32_t service, protocol, target_prefix, json_version, api_version; /* string offsets */
    awsval__native native;
};

#define AV_STR(m, off) ((m)->strings + (off))

/* Builds a model from botocore JSON; `service_name` (NULL: opts->service) names the service and
 * picks its built-in overlay. Copies the error out within err->size. (awsval_model.c) */
awsval_model *awsval__load(const char *json, size_t len, const awsval_model_opts *opts,
                           awsval_model_err *err, const char *service_name);
/* Copies an error made by the directory loader out within err->size. (awsval_model.c) */
void awsval__err_set(awsval_model_err *out, awsval_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void awsval__err_vset(awsval_model_err *out, awsval_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Finds a shape by name, or -1. */
int32_t awsval__find_shape(const awsval_model *m, const char *name, size_t len);
/* Finds an operation by name, or -1. */
int32_t awsval__find_operation(const awsval_model *m, const char *name, size_t len);
/* Finds a member of a structure shape by (name, hash), or -1. */
int32_t awsval__find_member(const awsval_model *m, const awsval__shape *s, const char *name,
                            size_t len, uint32_t hash);

/* Embedded models (generated at build time: awsval_builtin_data.c). */
typedef struct awsval__builtin {
    const char *service;
    const char *model;   /* service-2.json */
    size_t model_len;
    const char *overlay; /* overlay JSON or NULL */
    size_t overlay_len;
} awsval__builtin;
extern const awsval__builtin awsval__builtins[];
extern const size_t awsval__builtin_total;

/* ---------------------------------------------------------------------------------------- */
/* UTF-8 (awsval_unicode.c)                                                                 */
/* ---------------------------------------------------------------------------------------- */

/* Validates UTF-8 strictly (no overlongs, no surrogates, nothing past U+10FFFF).
 * Returns the number of code points, or -1 with *bad set to the offset of the bad byte. */
int64_t awsval__utf8_count(const char *s, size_t n, size_t *bad);
/* Validates the multi-byte sequence at s[i] (s[i] >= 0x80) per RFC 3629 table 3-7 (no
 * overlongs, no surrogates, nothing past U+10FFFF); returns its length or 0. Inline: it runs
 * once per non-ASCII code point of every request. */
static inline size_t awsval__utf8_seq(const unsigned char *s, size_t i, size_t n)
{
    unsigned c = s[i];
    if (c >= 0xC2 && c <= 0xDF) return (i + 1 < n && (s[i + 1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (i + 2 >= n) return 0;
        unsigned c1 = s[i + 1];
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return (c1 >= lo && c1 <= hi && (s[i + 2] & 0xC0) == 0x80) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (i + 3 >= n) return 0;
        unsigned c1 = s[i + 1];
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return (c1 >= lo && c1 <= hi && (s[i + 2] & 0xC0) == 0x80 && (s[i + 3] & 0xC0) == 0x80) ? 4 : 0;
    }
    return 0;
}
/* The mask of Unicode general categories named by `name` ("L" = every letter, "Lu" = upper
 * case letters, ...), or 0 for an unknown name. (awsval_unicode.c) */
uint32_t awsval__category_mask(const char *name);
/* Fills cs->ascii and the BMP bitmap `bmp` (AV_BMP_WORDS words) from its categories and `space`,
 * plus the extra ASCII characters `also`: a lookup per character while checking, instead of
 * utf8proc's two-level tables. */
void awsval__charset_finish(awsval__charset *cs, uint64_t *bmp, const char *also, size_t also_len);
/* Whether every character of s (valid UTF-8) is in cs, whose BMP bitmap is `bmp`. */
bool awsval__charset_all(const awsval__charset *cs, const uint64_t *bmp, const char *s, size_t n);
/* Decodes the JSON escape at p (a backslash) into dst at *n, advancing *n; *cp is the code
 * point. Returns the bytes read (2, 6 or 12), or 0 with *msg set (a constant) for an invalid
 * escape or a lone surrogate. Shared by the request scanner and the model reader. */
size_t awsval__json_escape(const char *p, const char *end, char *dst, size_t *n, uint32_t *cp,
                           const char **msg);
/* Encodes cp as UTF-8 into out (4 bytes at least); returns the byte count. */
size_t awsval__utf8_put(char *out, uint32_t cp);

/* ---------------------------------------------------------------------------------------- */
/* Checker contexts (awsval_check.c)                                                        */
/* ---------------------------------------------------------------------------------------- */

/* A recorded violation: strings are offsets into ctx->varena until the check finishes. */
typedef struct awsval__viol {
    awsval_violation v;
    size_t pointer, aws_path, constraint, value; /* offsets in varena; value SIZE_MAX = NULL */
    uint32_t shape_name;  /* string offset in the model */
    int32_t shape;        /* shape index, or -1 */
    int32_t pattern;      /* model pattern index or -1 */
    uint32_t min_text, max_text; /* model string offsets (0 = none) */
    uint8_t bounds;       /* 1 = the value is below min, 2 = above max */
} awsval__viol;

/* Path segment of the value being checked. */
typedef struct awsval__seg {
    uint8_t kind;         /* AV_SEG_* */
    bool redact;          /* a sensitive map key: written as "*" in paths */
    const char *name;     /* member name or map key (stable for the check) */
    size_t len;
    uint32_t index;       /* list index, 0-based */
} awsval__seg;
enum { AV_SEG_MEMBER = 1, AV_SEG_KEY, AV_SEG_INDEX };

/* A list item's span and structural hash, for uniqueItems. */
typedef struct awsval__item {
    const char *start, *end;
    uint64_t hash;
} awsval__item;

/* A member value bound from the HTTP request (label, query parameter, header): a string, one
 * per list item or map entry. (awsval_http.c -> awsval_check.c) */
typedef struct awsval__bound {
    int32_t member;       /* member of the input structure */
    const char *key;      /* map entries (query map, prefix headers): the key; else NULL */
    size_t key_len;
    const char *val;      /* the decoded value */
    size_t val_len;
    uint8_t loc;          /* AV_LOC_URI, AV_LOC_QUERY, AV_LOC_HEADER, AV_LOC_HEADERS */
} awsval__bound;

/* Checks operation `op`'s input from an HTTP request: `body` holds the body members (or the
 * payload member), `bound` the members bound elsewhere, grouped by member. Members that the
 * model binds elsewhere are ignored in the body, and unknown members are ignored. */
awsval_code awsval__check_bound(awsval_ctx *c, const awsval_model *m, int32_t op, const char *body,
                                size_t len, const awsval__bound *bound, size_t nbound);

/* Records that an HTTP request could not be routed (AV_HTTP_ROUTE) or read (AV_HTTP_MEDIA). */
awsval_code awsval__fail_http(awsval_ctx *c, const awsval_model *m, uint8_t why, int32_t op);

/* Duplicate-key table entry. */
typedef struct awsval__keyent {
    uint32_t gen;
    uint32_t object;
    uint32_t hash;
    uint32_t len;
    const char *key;
} awsval__keyent;

struct awsval_ctx {
    awsval_alc alc;         /* = mem.alc: every allocation of the context is counted */
    awsval__track mem;
    awsval_alc base;        /* the caller's allocator (the context struct itself) */
    awsval_ctx_opts opts;
    uint32_t flags;         /* of the check running or last run */
    awsval__regex_scratch *rx;
    /* scratch, sized at the start of a check so pointers into it stay stable during it */
    char *text;             /* unescaped strings and keys: a stack */
    size_t text_cap;
    awsval__keyent *keys;   /* open-addressed; generation-stamped so it is never cleared */
    size_t keys_cap;        /* a power of two */
    uint32_t gen;
    awsval__seg *path;      /* max_depth + 2 segments */
    uint64_t *seen;         /* required-member bitsets, a stack */
    size_t seen_cap;
    struct awsval__item *items; /* list items of open uniqueItems lists, a stack */
    size_t items_cap;
    /* result */
    awsval__viol *viols;
    size_t viol_count, viol_total;
    awsval__buf varena;
    const awsval_model *model; /* of the last check; NULL = none ran */
    bool parse_failed;
    bool type_failed;
    bool limit_hit;
    /* HTTP checks */
    uint8_t http_fail;      /* AV_HTTP_*: the request was not routed or not readable */
    int32_t op;             /* the operation routed to, or -1 */
    awsval__buf hbuf;       /* decoded labels, query values and the bound list */
};
enum { AV_HTTP_ROUTE = 1, AV_HTTP_MEDIA };

/* The constraint as Coral words it ("Member must ..."). (awsval_report.c) */
void awsval__aws_constraint(awsval__out *o, const awsval_model *m, const awsval__viol *v);
/* "a string", "an integer", ...: the type a TYPE violation expected. (awsval_check.c) */
const char *awsval__type_word(uint8_t type);

/* Renders the value at json[0..len) (already validated) as a Java toString would print it:
 * strings bare, arrays "[a, b]", objects "{k=v}". (awsval_report.c) */
void awsval__java_text(awsval__out *o, const char *json, size_t len);

#endif
