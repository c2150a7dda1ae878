/* Codes, kinds, shape type and location names, and the version: the library's fixed tables,
 * each generated from one list so that the names and the numbers cannot drift apart. */
#include <string.h>

#include "awsval_internal.h"

/* --------------------------------------------------------------- codes and version (Public) */

uint32_t awsval_version(void) { return AWSVAL_VERSION_HEX; }
const char *awsval_version_string(void) { return AWSVAL_VERSION_STRING; }

const char *awsval_err_name(awsval_code code)
{
#define AWSVAL__NAME(name, num, msg) case num: return #name;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__NAME) default: return NULL; }
#undef AWSVAL__NAME
}

const char *awsval_strerror(awsval_code code)
{
#define AWSVAL__MSG(name, num, msg) case num: return msg;
    switch (code) { AWSVAL_CODE_MAP(AWSVAL__MSG) default: return "unknown code"; }
#undef AWSVAL__MSG
}

/* -------------------------------------------------------------------------- kinds (Public) */

#define KIND_MAP(X)                                                                        \
    X(REQUIRED, "required") X(TYPE, "type") X(LENGTH, "length") X(PATTERN, "pattern")       \
    X(ENUM, "enum") X(RANGE, "range") X(UNION, "union") X(UNKNOWN, "unknown")              \
    X(PARSE, "parse") X(LIMIT, "limit") X(UNIQUE, "unique") X(OPERATION, "operation")

const char *awsval_kind_name(uint32_t kind)
{
#define KIND_CASE(k, name) case AWSVAL_KIND_##k: return name;
    switch (kind) { KIND_MAP(KIND_CASE) default: return NULL; }
#undef KIND_CASE
}

/* ------------------------------------------------------------- shape types (Internal) */

static const struct {
    const char *name;      /* as botocore writes it */
    const char *java;      /* the Java class a Coral service reads the value into */
} types[] = {
#define TYPE_ROW(id, name, alt, java) [AV_T_##id] = {name, java},
    AWSVAL__TYPE_MAP(TYPE_ROW)
#undef TYPE_ROW
};

const char *awsval__type_name(uint8_t type)
{
    return type < sizeof types / sizeof *types && types[type].name ? types[type].name : "?";
}

const char *awsval__type_java(uint8_t type)
{
    return type < sizeof types / sizeof *types && types[type].java ? types[type].java : "Object";
}

uint8_t awsval__type_find(const char *name, size_t len)
{
#define TYPE_FIND(id, nm, alt, java)                                                         \
    if ((len == sizeof nm - 1 && memcmp(name, nm, len) == 0) ||                              \
        (sizeof alt > 1 && len == sizeof alt - 1 && memcmp(name, alt, len) == 0))           \
        return AV_T_##id;
    AWSVAL__TYPE_MAP(TYPE_FIND)
#undef TYPE_FIND
    return 0;
}

const char *awsval__location_name(uint8_t loc)
{
    static const char *const names[] = {
#define LOC_ROW(id, name) [AV_LOC_##id] = name,
        AWSVAL__LOCATION_MAP(LOC_ROW)
#undef LOC_ROW
    };
    return loc < sizeof names / sizeof *names ? names[loc] : "";
}

uint8_t awsval__location_find(const char *name, size_t len)
{
#define LOC_FIND(id, nm)                                                                     \
    if (sizeof nm > 1 && len == sizeof nm - 1 && memcmp(name, nm, len) == 0) return AV_LOC_##id;
    AWSVAL__LOCATION_MAP(LOC_FIND)
#undef LOC_FIND
    return AV_LOC_BODY;
}

/* ------------------------------------------------------------- failure codes (Internal) */

const char *awsval__why_text(uint8_t why)
{
    static const char *const text[AV_WHY_COUNT] = {
        [AV_WHY_UNTERMINATED] = "unterminated string",
        [AV_WHY_UTF8] = "invalid UTF-8 in string",
        [AV_WHY_CONTROL] = "control character in a string must be escaped",
        [AV_WHY_ESCAPE] = "invalid escape",
        [AV_WHY_U_ESCAPE] = "invalid \\u escape",
        [AV_WHY_SURROGATE] = "lone surrogate in \\u escape",
        [AV_WHY_NUMBER] = "invalid number",
        [AV_WHY_LEADING_ZERO] = "leading zero in number",
        [AV_WHY_FRACTION] = "digit expected after decimal point",
        [AV_WHY_EXPONENT] = "digit expected in exponent",
        [AV_WHY_LITERAL] = "invalid literal",
        [AV_WHY_VALUE] = "value expected",
        [AV_WHY_KEY] = "object key (a string) expected",
        [AV_WHY_COLON] = "':' expected after object key",
        [AV_WHY_OBJECT_NEXT] = "',' or '}' expected",
        [AV_WHY_ARRAY_NEXT] = "',' or ']' expected",
        [AV_WHY_TRAILING] = "trailing characters after the JSON value",
        [AV_WHY_CHAR] = "unexpected character",
        [AV_WHY_EMPTY] = "empty input: a JSON value expected",
        [AV_WHY_DUPLICATE] = "duplicate key",
        [AV_WHY_DEPTH] = "nesting too deep",
        [AV_WHY_NOT_OBJECT] = "a JSON object expected",
        [AV_WHY_NOT_UTF8] = "invalid UTF-8",
        [AV_WHY_SIZE] = "input larger than the size limit",
        [AV_WHY_MEMORY] = "the check needs more memory than the context may hold",
        [AV_WHY_ROUTE] = "no operation matches the request",
        [AV_WHY_MEDIA] = "unsupported Content-Type",
        [AV_WHY_DUP_FIELD] = "a field that holds one value appears more than once",
        [AV_WHY_PAYLOAD_UTF8] = "the payload is not valid UTF-8",
    };
    return why < AV_WHY_COUNT && text[why] ? text[why] : "invalid input";
}
