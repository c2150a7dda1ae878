/* A small strict JSON document reader for model files (awsval_json.c).
 *
 * Requests never go through here: they are checked in one pass without a tree
 * (awsval_check.c). Models are read once, and a tree is the simple way to resolve their
 * references; this reader exists so that every allocation goes through the model's allocator
 * and so that model JSON is held to the same strictness as requests (RFC 8259, UTF-8,
 * no duplicate keys). */
#ifndef AWSVAL_JSON_H
#define AWSVAL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsval.h"

enum { JV_NULL = 1, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STRING, JV_ARRAY, JV_OBJECT };

typedef struct jv jv;
typedef struct jv_member jv_member;

struct jv {
    uint8_t type;
    size_t len; /* string bytes, array items, object members */
    union {
        int64_t i;
        double d;
        const char *s;      /* NUL-terminated; no NUL inside */
        jv *items;          /* JV_ARRAY */
        jv_member *members; /* JV_OBJECT, in document order */
    } u;
};

struct jv_member {
    const char *key;
    size_t key_len;
    jv val;
};

typedef struct jv_doc jv_doc;

/* Parses a whole document. On failure returns NULL, with the byte offset in *pos and the
 * reason in msg. The document owns every node; free it with jv_free. *nomem is set when an
 * allocation failed. */
jv_doc *awsval__jv_parse(const char *text, size_t len, const awsval_alc *alc, size_t *pos, char *msg,
                 size_t msgcap, bool *nomem);
const jv *awsval__jv_root(const jv_doc *d);
void awsval__jv_free(jv_doc *d);

/* Accessors: each accepts NULL and answers as for a missing value. */
const jv *awsval__jv_get(const jv *obj, const char *key);
static inline bool jv_is(const jv *v, uint8_t type) { return v && v->type == type; }
static inline bool jv_is_true(const jv *v) { return jv_is(v, JV_TRUE); }
static inline bool jv_is_number(const jv *v) { return jv_is(v, JV_INT) || jv_is(v, JV_REAL); }
static inline const char *jv_str(const jv *v) { return jv_is(v, JV_STRING) ? v->u.s : NULL; }
static inline double jv_num(const jv *v)
{
    return jv_is(v, JV_INT) ? (double)v->u.i : jv_is(v, JV_REAL) ? v->u.d : 0.0;
}
static inline size_t jv_count(const jv *v)
{
    return jv_is(v, JV_ARRAY) || jv_is(v, JV_OBJECT) ? v->len : 0;
}

static inline int64_t jv_int(const jv *v) { return jv_is(v, JV_INT) ? v->u.i : 0; }
static inline size_t jv_strlen(const jv *v) { return jv_is(v, JV_STRING) ? v->len : 0; }

/* Iterates with an index variable the caller declared (size_t). */
#define JV_ARRAY_EACH(arr, i, item)                                                          \
    for ((i) = 0; jv_is((arr), JV_ARRAY) && (i) < (arr)->len && ((item) = &(arr)->u.items[i]); \
         (i)++)
#define JV_OBJECT_EACH(obj, k, v)                                                           \
    for (size_t k##_i = 0; jv_is((obj), JV_OBJECT) && k##_i < (obj)->len &&                 \
                           ((k) = (obj)->u.members[k##_i].key, (v) = &(obj)->u.members[k##_i].val); \
         k##_i++)

#endif
