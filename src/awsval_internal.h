/* Internal definitions shared by the library's modules. Nothing here is part of the ABI.
 *
 * Layers, bottom up; each file calls only the layers below it (see README "Layout"):
 *   alloc, out, error, utf8, num     allocators and buffers, the bounded writer, codes and
 *                                     names, UTF-8 and JSON escapes, locale-free numbers
 *   scan                              the one strict JSON tokenizer (awsval_scan.h)
 *   regex, unicode                    Java patterns; utf8proc character sets
 *   json, model, model_io             model documents -> the compiled model
 *   check, jsoneq                     descent and constraint checks: violations as data
 *   http                              routing, binding, text -> typed values
 *   result, echo, report, response    the result store; ALL wording; HTTP answers
 *   api                               the public entry points that tie them together
 *   gen                               generated inputs, checked through the entry points */
#ifndef AWSVAL_INTERNAL_H
#define AWSVAL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "awsval.h"
#include "awsval_regex.h"

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
/* Bytes the tracking allocator holds for a block of n bytes (its header included). */
size_t awsval__track_cost(size_t n);

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
/* Grows a typed array to hold at least `want` elements of `size` bytes (doubling). */
bool awsval__grow(const awsval_alc *a, void **arr, size_t *cap, size_t want, size_t size);

/* ---------------------------------------------------------------------------------------- */
/* Writing text into a caller's buffer (awsval_out.c)                                       */
/* ---------------------------------------------------------------------------------------- */

/* Writes as much as fits, always counts what would be needed: the snprintf contract. Output is
 * valid UTF-8 whatever is written: invalid sequences become U+FFFD. */
typedef struct awsval__out {
    char *buf;
    size_t cap;
    size_t len;     /* bytes that would have been written, NUL excluded */
    uint8_t escape; /* AWSVAL__ESC_*: every write is escaped for where it goes */
} awsval__out;
enum { AWSVAL__ESC_NONE = 0, AWSVAL__ESC_JSON, AWSVAL__ESC_XML };

void awsval__out_mem(awsval__out *o, const void *p, size_t n);
void awsval__out_str(awsval__out *o, const char *s);
void awsval__out_chr(awsval__out *o, char c);
void awsval__out_u64(awsval__out *o, uint64_t v);
void awsval__out_i64(awsval__out *o, int64_t v);
/* Writes text that must stand in a C string: NUL is written as the six characters \u0000, so
 * that "k" and "k\u0000" stay apart and nothing is cut (outside JSON strings). */
void awsval__out_text(awsval__out *o, const char *s, size_t n);
/* Writes s as the inside of a JSON string (no quotes): every control character escaped. */
void awsval__out_json_esc(awsval__out *o, const char *s, size_t n);
/* Writes s as a quoted JSON string. */
void awsval__out_json_str(awsval__out *o, const char *s, size_t n);
/* Opens/closes a JSON string whose content is written with the other calls. */
void awsval__out_str_open(awsval__out *o);
void awsval__out_str_close(awsval__out *o);
/* NUL-terminates (cutting on a character boundary) and returns AWSVAL_OK or AWSVAL_TOOSMALL;
 * sets *need when not NULL. */
awsval_code awsval__out_finish(awsval__out *o, size_t *need);

/* ---------------------------------------------------------------------------------------- */
/* Codes, kinds, type and location names (awsval_error.c)                                   */
/* ---------------------------------------------------------------------------------------- */

/* Shape types: X(ID, botocore name, alternative spelling or "", Java class a Coral service
 * reads the value into). */
#define AWSVAL__TYPE_MAP(X)                                  \
    X(STRUCTURE, "structure", "", "Object")                  \
    X(LIST, "list", "", "List")                              \
    X(MAP, "map", "", "Map")                                 \
    X(STRING, "string", "", "String")                        \
    X(BOOLEAN, "boolean", "", "Boolean")                     \
    X(BYTE, "byte", "", "Byte")                              \
    X(SHORT, "short", "", "Short")                           \
    X(INTEGER, "integer", "", "Integer")                     \
    X(LONG, "long", "", "Long")                              \
    X(FLOAT, "float", "", "Float")                           \
    X(DOUBLE, "double", "", "Double")                        \
    X(BIGINTEGER, "bigInteger", "biginteger", "BigInteger")  \
    X(BIGDECIMAL, "bigDecimal", "bigdecimal", "BigDecimal")  \
    X(TIMESTAMP, "timestamp", "", "Date")                    \
    X(BLOB, "blob", "", "ByteBuffer")

enum awsval__type {
    AV_T_NONE = 0,
#define AWSVAL__TYPE_ENUM(id, name, alt, java) AV_T_##id,
    AWSVAL__TYPE_MAP(AWSVAL__TYPE_ENUM)
#undef AWSVAL__TYPE_ENUM
    AV_T_COUNT
};

/* HTTP member locations: X(ID, botocore "location" value). */
#define AWSVAL__LOCATION_MAP(X) \
    X(BODY, "")                 \
    X(URI, "uri")               \
    X(QUERY, "querystring")     \
    X(HEADER, "header")         \
    X(HEADERS, "headers")       \
    X(PAYLOAD, "payload") /* not a botocore location: the structure's "payload" member */

enum {
#define AWSVAL__LOC_ENUM(id, name) AV_LOC_##id,
    AWSVAL__LOCATION_MAP(AWSVAL__LOC_ENUM)
#undef AWSVAL__LOC_ENUM
    AV_LOC_COUNT
};

const char *awsval__type_name(uint8_t type);
const char *awsval__type_java(uint8_t type);
uint8_t awsval__type_find(const char *name, size_t len); /* 0 = unknown */
const char *awsval__location_name(uint8_t loc);
uint8_t awsval__location_find(const char *name, size_t len); /* AV_LOC_BODY when unknown */

/* A short description of an AV_WHY_* code ("unterminated string"), for model errors; the report
 * layer words answers itself. */
const char *awsval__why_text(uint8_t why);

static inline bool awsval__is_int_type(uint8_t t)
{
    return t == AV_T_BYTE || t == AV_T_SHORT || t == AV_T_INTEGER || t == AV_T_LONG;
}
static inline bool awsval__is_float_type(uint8_t t)
{
    return t == AV_T_FLOAT || t == AV_T_DOUBLE;
}
/* The range of an integral type (bigInteger: none). */
static inline void awsval__int_range(uint8_t t, int64_t *lo, int64_t *hi)
{
    *lo = t == AV_T_BYTE ? INT8_MIN : t == AV_T_SHORT ? INT16_MIN : t == AV_T_INTEGER ? INT32_MIN : INT64_MIN;
    *hi = t == AV_T_BYTE ? INT8_MAX : t == AV_T_SHORT ? INT16_MAX : t == AV_T_INTEGER ? INT32_MAX : INT64_MAX;
}

/* ---------------------------------------------------------------------------------------- */
/* UTF-8, hex digits and JSON escapes (awsval_utf8.c)                                       */
/* ---------------------------------------------------------------------------------------- */

/* Validates UTF-8 strictly (no overlongs, no surrogates, nothing past U+10FFFF).
 * Returns the number of code points, or -1 with *bad (may be NULL) set to the bad byte. */
int64_t awsval__utf8_count(const char *s, size_t n, size_t *bad);
/* Validates the multi-byte sequence at s[i] (s[i] >= 0x80) per RFC 3629 table 3-7; returns its
 * length or 0. Inline: it runs once per non-ASCII code point of every request. */
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
/* Of eight bytes (as read by memcpy), those that end a plain run of JSON string text: '"',
 * '\\', controls and non-ASCII. Nonzero when there is one; the lowest flagged byte is exact. */
static inline uint64_t awsval__json_special8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w) & high;
}
/* Decodes the code point at s (valid UTF-8); sets *len to its byte length. */
static inline uint32_t awsval__utf8_decode(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80) { *len = 1; return c; }
    if (c < 0xE0) { *len = 2; return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu); }
    if (c < 0xF0) { *len = 3; return ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu); }
    *len = 4;
    return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}
/* Encodes cp as UTF-8 into out (4 bytes at least); returns the byte count. */
size_t awsval__utf8_put(char *out, uint32_t cp);
/* The length of the longest prefix of s[0..n) that ends on a character boundary (s valid). */
size_t awsval__utf8_floor(const char *s, size_t n);
/* The value of a hex digit, or -1. */
static inline int awsval__hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ---------------------------------------------------------------------------------------- */
/* Numbers without the locale (awsval_num.c)                                                */
/* ---------------------------------------------------------------------------------------- */

/* A number as JSON writes it, read exactly: sign, significant digits (no leading zeros; none
 * for zero) and the decimal exponent of the last one. */
typedef struct awsval__dec {
    bool neg;
    const char *digits;  /* points into the text; may contain a '.' to skip */
    uint32_t ndigits;    /* significant digits (the '.' not counted) */
    int64_t exp;         /* value = digits * 10^exp (saturated far beyond any double) */
} awsval__dec;

/* Reads JSON-number text (already validated by the tokenizer or checked by the caller). */
void awsval__dec_read(const char *text, size_t len, awsval__dec *d);
/* Whether JSON-number text is a valid number of the JSON grammar (for text from headers). */
bool awsval__num_valid(const char *text, size_t len);
/* The value of JSON-number text as an integer; false when it is not one (a fraction) or does
 * not fit int64 (1.0 and 1e2 are integers). */
bool awsval__dec_int(const awsval__dec *d, int64_t *out);
/* The nearest double (or float, when as_float) to JSON-number text, as Java's parseDouble /
 * parseFloat read it, whatever the process's locale. */
double awsval__num_double(const char *text, size_t len, bool as_float);
/* Writes a double as Java's Double.toString prints it ("2.0", "1.0E7", "NaN"); as_float: as
 * Float.toString. */
void awsval__out_java_double(awsval__out *o, double d, bool as_float);

/* Lexical forms of typed values as the protocols write them (awsval_num.c). */
/* RFC 3339 date-time: 2024-01-31T12:00:00(.123)?(Z|+01:00). */
bool awsval__rfc3339(const char *p, size_t n);
/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
bool awsval__http_date(const char *p, size_t n);
/* Base64 (RFC 4648, standard alphabet, padding optional): the decoded length, or -1. */
int64_t awsval__base64_len(const char *p, size_t n);

/* ---------------------------------------------------------------------------------------- */
/* The compiled model (awsval_model.c)                                                      */
/* ---------------------------------------------------------------------------------------- */

/* Shape flags. */
#define AV_SF_MIN        0x001u
#define AV_SF_MAX        0x002u
#define AV_SF_SENSITIVE  0x004u /* the shape itself is sensitive */
#define AV_SF_UNION      0x008u
#define AV_SF_UNIQUE     0x010u /* uniqueItems (Smithy extension) */
#define AV_SF_HIDES      0x020u /* a sensitive value is reachable from here: never echo it */
#define AV_SF_INT_ENUM   0x040u /* enum values are integers (Smithy intEnum) */
#define AV_SF_FLOAT_RANGE 0x080u /* min/max are in fmin/fmax */
#define AV_SF_SCALAR     0x100u /* string, number, boolean, timestamp, blob */

/* A set of characters by Unicode general category (as documentation words it: "Unicode
 * letters, digits, white space and _ . : / = +"), with a table for ASCII. */
typedef struct awsval__charset {
    uint64_t ascii[2];   /* ASCII members */
    uint32_t categories; /* bit (1 << utf8proc category) for non-ASCII members */
    bool space;          /* non-ASCII white space (U+0085, and Z by category) */
    uint32_t bmp;        /* index of its bitmap in model->bmp (AV_CHARSET_WORDS words each) */
} awsval__charset;
/* The bitmaps cover planes 0-2 (the BMP, emoji and the like, CJK extensions): text beyond them
 * is rare and goes to utf8proc. */
#define AV_CHARSET_LIMIT 0x30000
#define AV_CHARSET_WORDS (AV_CHARSET_LIMIT / 64)

/* A constraint stated by the documentation only (an overlay), as data: the report layer
 * words it. */
typedef struct awsval__doc_rule {
    uint8_t form;      /* AV_DOC_* */
    int64_t min, max;  /* AV_DOC_LENGTH; -1 = no bound */
    uint32_t min_text, max_text;
    int32_t pattern;   /* AV_DOC_REGEX: index in model->patterns */
    uint32_t prefix, prefix_len; /* AV_DOC_PREFIX: the value must not begin with this */
    awsval__charset chars;       /* AV_DOC_CHARSET: every character must be in the set */
    uint32_t message;  /* the overlay's own sentence for the rule (string offset; 0 = none) */
} awsval__doc_rule;
enum { AV_DOC_LENGTH = 1, AV_DOC_REGEX, AV_DOC_PREFIX, AV_DOC_CHARSET };

typedef struct awsval__shape {
    uint32_t name;       /* string offset */
    uint8_t type;        /* enum awsval__type */
    uint16_t flags;      /* AV_SF_* */
    int64_t min, max;    /* length bounds, or integer range */
    double fmin, fmax;   /* float range when AV_SF_FLOAT_RANGE */
    uint32_t min_text, max_text; /* bounds as the service prints them (string offsets; 0 = none) */
    int32_t pattern;     /* index in model->patterns, or -1 */
    uint32_t enum_first, enum_count; /* into model->enums */
    uint32_t enum_text;  /* "[a, b]" without internal values (string offset) */
    uint32_t member_first, member_count; /* structure: into model->members */
    uint32_t table_first, table_mask;    /* structure: member hash table in model->mtable */
    int32_t target, value; /* list: member shape; map: key shape, value shape */
    uint32_t doc_first, doc_count; /* into model->docs */
    uint32_t pos;        /* byte offset of its definition in the model document */
} awsval__shape;

typedef struct awsval__member {
    uint32_t name;      /* string offset */
    uint32_t name_len;
    uint32_t hash;
    int32_t shape;
    uint8_t required;
    uint8_t sensitive;  /* the member or its target shape is sensitive: everything below it is */
    uint8_t hides;      /* a sensitive value is reachable from its target: never echoed whole */
    uint8_t location;   /* AV_LOC_* */
    uint32_t location_name; /* string offset (0 = member name) */
    uint32_t index;     /* its position in its structure (model order) */
} awsval__member;

/* Enum value: a string offset (length kept) or an integer. */
typedef struct awsval__enum {
    uint32_t str, len;
    int64_t num;
} awsval__enum;

#define AV_FAST_RUNS 4
#define AV_FAST_GAPS 4
typedef struct awsval__pattern {
    uint32_t source;     /* the model's pattern text (string offset) */
    awsval__regex *re;
    /* Fast path for a whole-value pattern that is one character class with a quantifier
     * (`^[A-Za-z0-9_-]{1,64}$`, `.*`, `[\s\S]*`): the count of code points and the membership
     * of each character decide the match, each character on its own (no chain of dependent
     * steps). ASCII by `ascii` (computed by PCRE2 itself on the compiled pattern), sixteen bytes
     * at a time while they lie in the runs [run_lo, run_hi] of members; other code points by
     * the first step of the pattern's automaton (`dfa`; NULL: all-ASCII values only), or, when
     * the class leaves out at most AV_FAST_GAPS intervals of them (`gaps` >= 0), by those. */
    bool fast;
    int8_t gaps;         /* -1: ask dfa */
    uint8_t runs;
    uint8_t run_lo[AV_FAST_RUNS], run_hi[AV_FAST_RUNS];
    uint64_t ascii[2];
    uint8_t member[128]; /* ascii as one byte per character (1: member) */
    uint32_t qmin, qmax;
    uint32_t gap_lo[AV_FAST_GAPS], gap_hi[AV_FAST_GAPS];
    const struct awsval__rx_dfa *dfa;
} awsval__pattern;

typedef struct awsval__operation {
    uint32_t name;       /* string offset */
    int32_t input;       /* shape index or -1 */
    int32_t payload;     /* the input's payload member (index in model->members), or -1 */
    uint32_t method, uri; /* string offsets */
    uint32_t method_len, path_len; /* the uri's path part ends at path_len (before any '?') */
    uint32_t error;      /* the validation error code of this operation (profile; 0 = the
                            service's) */
} awsval__operation;

/* How the service answers a validation failure: derived from the model, then the profile. */
typedef struct awsval__native {
    uint8_t protocol;       /* AV_PROTO_* */
    bool has_reason;        /* the error shape has a `reason` member */
    bool field_path;        /* fieldList entries carry `path` (Smithy's framework) */
    bool has_field_list;
    bool echo_values;       /* the service echoes values (IAM does not) */
    bool echo_enums;        /* the service lists the enum's values */
    uint32_t reason_field;  /* member names as the model spells them (string offsets) */
    uint32_t reason_cannot_parse;  /* the enum value to use for parse errors (0 = none) */
    uint32_t reason_field_failed;
    uint32_t reason_unknown_op;
    uint32_t message_field, field_list_field;
    uint32_t error_type;    /* the error code (type header value, __type, query Code) */
    uint32_t type_prefix;   /* awsJson __type namespace ("com.amazon.coral.validate#") or "" */
    uint32_t body_prefix;   /* prefix of body member paths ("{operation}Input" form), or 0 */
    uint32_t xml_namespace; /* query: the ErrorResponse xmlns */
    int status;
} awsval__native;

enum { AV_PROTO_REST_JSON = 1, AV_PROTO_JSON, AV_PROTO_QUERY, AV_PROTO_EC2, AV_PROTO_REST_XML,
       AV_PROTO_OTHER };

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
    uint64_t *bmp;          /* bitmaps (planes 0-2) of the documented character sets */
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

/* Hashes a member name (the model's tables and the checker's lookups agree on it). */
static inline uint32_t awsval__hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w = 0;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else if (n > 0) {
        w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n / 2] << 8 |
            (unsigned char)s[n - 1];
    }
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

/* Builds a model from botocore JSON; `service_name` (NULL: opts->service) names the service and
 * picks its built-in overlay and profile. Copies the error out within err->size. */
awsval_model *awsval__load(const char *json, size_t len, const awsval_model_opts *opts,
                           awsval_model_err *err, const char *service_name);
/* Fills a caller's error record (within its size) for failures outside a model document. */
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

/* Embedded data (generated at build time: awsval_builtin_data.c). */
typedef struct awsval__blob {
    const char *name;  /* service */
    const char *data;
    size_t len;
} awsval__blob;
extern const awsval__blob awsval__builtin_models[], awsval__builtin_overlays[],
    awsval__builtin_profiles[];
extern const size_t awsval__builtin_models_count, awsval__builtin_overlays_count,
    awsval__builtin_profiles_count;

/* ---------------------------------------------------------------------------------------- */
/* Unicode character sets (awsval_unicode.c, the only user of utf8proc)                     */
/* ---------------------------------------------------------------------------------------- */

/* The mask of Unicode general categories named by `name` ("L" = every letter, "Lu" = upper
 * case letters, ...), or 0 for an unknown name. */
uint32_t awsval__category_mask(const char *name);
/* Fills cs->ascii and the bitmap `bmp` (AV_CHARSET_WORDS words; NULL: only cs->ascii) from its
 * categories and `space`, plus the extra ASCII characters `also`. */
void awsval__charset_finish(awsval__charset *cs, uint64_t *bmp, const char *also, size_t also_len);
/* Whether every character of s (valid UTF-8) is in cs, whose bitmap is `bmp`. */
bool awsval__charset_all(const awsval__charset *cs, const uint64_t *bmp, const char *s, size_t n);

/* ---------------------------------------------------------------------------------------- */
/* The check result: violations as data (awsval_check.c writes, awsval_result.c publishes)   */
/* ---------------------------------------------------------------------------------------- */

/* Why a parse-level violation (PARSE, LIMIT, OPERATION) was recorded: the report layer words it
 * from this code and `arg`. */
enum {
    AV_WHY_NONE = 0,
    /* JSON (the tokenizer's codes) */
    AV_WHY_UNTERMINATED, AV_WHY_UTF8, AV_WHY_CONTROL, AV_WHY_ESCAPE, AV_WHY_U_ESCAPE,
    AV_WHY_SURROGATE, AV_WHY_NUMBER, AV_WHY_LEADING_ZERO, AV_WHY_FRACTION, AV_WHY_EXPONENT,
    AV_WHY_LITERAL, AV_WHY_VALUE, AV_WHY_KEY, AV_WHY_COLON, AV_WHY_OBJECT_NEXT, AV_WHY_ARRAY_NEXT,
    AV_WHY_TRAILING, AV_WHY_CHAR, AV_WHY_EMPTY, AV_WHY_DUPLICATE, AV_WHY_DEPTH, AV_WHY_NOT_OBJECT,
    AV_WHY_NOT_UTF8,
    /* limits */
    AV_WHY_SIZE, AV_WHY_MEMORY,
    /* HTTP */
    AV_WHY_ROUTE, AV_WHY_MEDIA, AV_WHY_DUP_FIELD, AV_WHY_PAYLOAD_UTF8,
    AV_WHY_COUNT
};

/* Echo forms: how a recorded value is printed as the service would print it. */
enum { AV_ECHO_NONE = 0, AV_ECHO_TEXT, AV_ECHO_JSON };

/* A recorded violation. Strings live in the context's result arena (`res`) by offset until the
 * result is published; nothing points into the caller's input. */
typedef struct awsval__rec {
    uint8_t kind;         /* AWSVAL_KIND_* */
    uint8_t source;       /* AWSVAL_SOURCE_* */
    uint8_t bounds;       /* LENGTH/RANGE: 1 below min, 2 above max */
    uint8_t why;          /* PARSE/LIMIT/OPERATION: AV_WHY_* */
    uint8_t echo_form;    /* AV_ECHO_* */
    uint8_t json_type;    /* TYPE: the JSON value's kind (AV_JT_*) */
    uint16_t flags;       /* AWSVAL_VIOLATION_* */
    int32_t shape;        /* the shape whose constraint failed, or -1 */
    int32_t rule;         /* PATTERN/LIMIT: pattern index; DOCUMENTED: doc rule index; -1 */
    uint32_t arg;         /* PARSE: a character or number for the wording */
    uint32_t node;        /* its path node (0 = the root) */
    uint32_t group;       /* 0, or the group of a list/map of scalars it belongs to */
    int64_t actual;       /* LENGTH: length found; UNION: members set; else -1 */
    size_t offset, length;       /* span in the input */
    uint32_t echo, echo_len;     /* the value (AV_ECHO_TEXT: text; AV_ECHO_JSON: JSON) in res */
    int32_t echo_shape;          /* AV_ECHO_JSON: the shape to print it as, or -1 */
} awsval__rec;

enum { AV_JT_NONE = 0, AV_JT_OBJECT, AV_JT_ARRAY, AV_JT_STRING, AV_JT_TRUE, AV_JT_FALSE,
       AV_JT_NULL, AV_JT_INT, AV_JT_LONG, AV_JT_BIGINT, AV_JT_FRACTION };

/* A node of the paths of recorded violations: made only when a violation needs it, shared by
 * the violations below it. */
typedef struct awsval__node {
    uint32_t parent;      /* node index; 0 = the root */
    uint8_t kind;         /* AV_SEG_* */
    bool redact;          /* a key or name inside a sensitive value: printed "*" */
    uint16_t depth;       /* segments from the root, itself included */
    int32_t member;       /* AV_SEG_MEMBER: member index in the model, or -1 (unknown member) */
    uint32_t index;       /* AV_SEG_INDEX: the list index, 0-based; AV_SEG_KEY: the entry's
                             position in its map (JSON order) */
    uint32_t text, text_len; /* an unknown member's name or a map key, in res */
} awsval__node;
enum { AV_SEG_MEMBER = 1, AV_SEG_KEY, AV_SEG_INDEX };

/* A list or map of scalars with failing items: the service reports it once, at itself. */
typedef struct awsval__group {
    uint32_t node;        /* the list or map */
    uint16_t role;        /* AWSVAL_VIOLATION_LIST_MEMBER, _MAP_KEY or _MAP_VALUE */
    bool hidden;          /* sensitive: not echoed */
    int32_t shape;        /* the list or map shape */
    int32_t item;         /* the items' (keys', values') shape */
    uint32_t echo, echo_len; /* the whole list or map as JSON (or Java text when text), in res */
    uint8_t echo_form;
    size_t published;     /* offset + 1 of its published echo (made once for all its items) */
} awsval__group;

/* The published form of a violation (the strings, made on first use). */
typedef struct awsval__pub {
    awsval_violation v;
    bool done;
} awsval__pub;

/* ---------------------------------------------------------------------------------------- */
/* Wording (awsval_report.c, awsval_echo.c): the only places that write what a service says   */
/* ---------------------------------------------------------------------------------------- */

/* Writes a recorded value as the service prints it (Java's toString of the value read into the
 * member's type: strings bare, lists "[a, b]", maps "{k=v}", doubles "2.0"). `shape` is the
 * value's shape, or -1 (printed as JSON reads). Tolerates text cut short by the echo budget. */
void awsval__echo_java(awsval__out *o, const awsval_model *m, int32_t shape, const char *json,
                       size_t len);

/* A documented (overlay) rule's sentence (for awsval_model_describe). */
void awsval__report_doc_rule(awsval__out *o, const awsval_model *m, int32_t rule);
/* The strings of a published violation, written by the report layer into `o`. */
void awsval__report_pointer(awsval__out *o, const awsval_ctx *c, const awsval__rec *r);
void awsval__report_aws_path(awsval__out *o, const awsval_ctx *c, const awsval__rec *r);
void awsval__report_constraint(awsval__out *o, const awsval_ctx *c, const awsval__rec *r);
/* The echoed value, or false when the service does not echo it. */
bool awsval__report_value(awsval__out *o, const awsval_ctx *c, const awsval__rec *r);

/* ---------------------------------------------------------------------------------------- */
/* Checker contexts                                                                         */
/* ---------------------------------------------------------------------------------------- */

/* A key kept for duplicate detection: offset and length of its text, in the input or (flag
 * AV_KEY_TEXT) in the context's text scratch. */
typedef struct awsval__keyref {
    uint32_t off, len;
    uint32_t raw;         /* offset of the key's opening quote in the input */
    uint64_t pre;         /* set by awsval__keys_duplicate: the first 8 bytes, big-endian */
} awsval__keyref;
#define AV_KEY_TEXT 0x80000000u /* in len: the text is in ctx->text */

/* A list item's span (offsets in the input), for uniqueItems. */
typedef struct awsval__item {
    uint32_t start, end;
} awsval__item;

/* A member value bound from the HTTP request (label, query parameter, header): a string, one
 * per list item or map entry. */
typedef struct awsval__bound {
    int32_t member;       /* member of the input structure */
    const char *key;      /* map entries (query map, prefix headers): the key; else NULL */
    size_t key_len;
    const char *val;      /* the decoded value */
    size_t val_len;
    uint8_t loc;          /* AV_LOC_* */
} awsval__bound;

/* One open value on the path being checked. */
typedef struct awsval__seg {
    uint8_t kind;         /* AV_SEG_* */
    bool redact;          /* inside a sensitive value: its key or name is printed "*" */
    bool in_text;         /* the name is in ctx->text at text_off (it may move) */
    int32_t member;       /* AV_SEG_MEMBER: member index, or -1 (a member the model lacks) */
    const char *name;     /* an unknown member's name or a map key, when stable */
    uint32_t text_off;
    uint32_t len;
    uint32_t index;       /* AV_SEG_INDEX: list index; AV_SEG_KEY: entry position */
    uint32_t node;        /* its path node once made, else 0 */
} awsval__seg;

struct awsval_ctx {
    awsval_alc alc;         /* = mem.alc: every allocation of the context is counted */
    awsval__track mem;
    awsval_alc base;        /* the caller's allocator (the context struct itself) */
    awsval_ctx_opts opts;
    uint32_t flags;         /* of the check running or last run */
    awsval__regex_scratch *rx;

    /* scratch, grown on demand by what inputs hold, released by trim */
    awsval__buf text;       /* unescaped strings and keys, a stack */
    awsval__keyref *keys;   /* keys of open objects that are not known members, a stack */
    size_t keys_cap;
    uint64_t *seen;         /* required-member bitsets of open structures, a stack */
    size_t seen_cap;
    awsval__item *items;    /* items of open uniqueItems lists, a stack */
    size_t items_cap;
    awsval__buf eq;         /* uniqueItems canonical forms */
    awsval__bound *bound;   /* HTTP: the bound members */
    size_t bound_cap;
    awsval__buf hbuf;       /* HTTP: decoded labels, keys and values */

    /* baseline (made by awsval_ctx_create) */
    awsval__seg *path;      /* max_depth + 2 segments */
    awsval__rec *recs;      /* max_violations */
    awsval__pub *pubs;      /* max_violations */
    awsval__group *groups;  /* max_violations + 1 (0 unused) */
    uint32_t *order;        /* max_violations: the service's order of the records */

    /* the result */
    const awsval_model *model; /* of the last check; NULL = none ran (or trimmed) */
    int32_t op;             /* the operation checked or routed to, or -1 */
    size_t rec_count, rec_total;
    size_t units;           /* errors as the service counts them (a group is one) */
    uint32_t group_count;
    awsval__node *nodes;    /* path nodes; [0] is the root */
    size_t node_count, node_cap;
    awsval__buf res;        /* the result's strings: names, keys, echoes; then published text */
    size_t echo_budget;     /* bytes of echo still allowed in this result */
    uint8_t failed;         /* AV_FAIL_*: what decides the answer beyond plain violations */
    bool http;              /* the last check was an HTTP check */
    size_t pub_mark;        /* res.len when the check ended: published text goes after */
    bool published;         /* the kept violations have been worded (awsval_ctx_violation) */
};
/* Text in the result arena (which is not allocated while it holds nothing). */
static inline const char *awsval__res(const awsval_ctx *c, size_t off)
{
    return c->res.data ? c->res.data + off : "";
}

/* A context; without `patterns` it has no pattern match data (the JSON helpers, which check no
 * pattern). (awsval_result.c) */
awsval_ctx *awsval__ctx_create(const awsval_ctx_opts *opts, awsval_code *code, bool patterns);
/* Bytes of scratch the context holds (what inputs grew, not its baseline). */
size_t awsval__ctx_scratch(const awsval_ctx *c);

/* The answer's class, from the most decisive violation. */
enum { AV_FAIL_NONE = 0, AV_FAIL_PARSE, AV_FAIL_TYPE, AV_FAIL_LIMIT, AV_FAIL_ROUTE, AV_FAIL_MEDIA,
       AV_FAIL_SIZE };

#endif
