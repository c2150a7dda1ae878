/* The model document reader (awsval_json.c): a tree built from the shared tokenizer's tokens,
 * for model and overlay documents only (requests are checked in one pass without a tree).
 * Every node keeps the byte offset of its value, so model errors point into the document; every
 * allocation goes through the model's allocator; numbers keep their exact text. */
#ifndef AWSVAL_JSON_H
#define AWSVAL_JSON_H

#include "awsval_internal.h"

enum { JV_NULL = 1, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

typedef struct jv jv;
typedef struct jv_member jv_member;

struct jv {
    uint8_t type;
    bool is_int;        /* JV_NUMBER: an integer that fits int64 (in u.i) */
    size_t pos;         /* byte offset of the value in the document */
    size_t len;         /* string bytes, number text bytes, array items, object members */
    union {
        int64_t i;          /* JV_NUMBER with is_int */
        const char *s;      /* JV_STRING: NUL-terminated (no NUL inside); JV_NUMBER: the text */
        jv *items;          /* JV_ARRAY */
        jv_member *members; /* JV_OBJECT, in document order */
    } u;
    const char *num;    /* JV_NUMBER: the exact text (NUL-terminated) */
};

struct jv_member {
    const char *key;
    size_t key_len;
    size_t key_pos;
    jv val;
};

typedef struct jv_doc jv_doc;

/* Parses a whole document (strict: RFC 8259, UTF-8, no duplicate keys, no NUL in strings). On
 * failure returns NULL with the offset in *pos and the reason in msg (NUL-terminated); *nomem
 * is set when an allocation failed. The document owns every node; free it with
 * awsval__jv_free. */
jv_doc *awsval__jv_parse(const char *text, size_t len, const awsval_alc *alc, size_t *pos,
                         char *msg, size_t msgcap, bool *nomem);
const jv *awsval__jv_root(const jv_doc *d);
void awsval__jv_free(jv_doc *d);

/* Accessors: each accepts NULL and answers as for a missing value. */
const jv *awsval__jv_get(const jv *obj, const char *key);
static inline bool jv_is(const jv *v, uint8_t type) { return v && v->type == type; }
static inline bool jv_is_true(const jv *v) { return jv_is(v, JV_TRUE); }
static inline const char *jv_str(const jv *v) { return jv_is(v, JV_STRING) ? v->u.s : NULL; }
static inline size_t jv_count(const jv *v)
{
    return jv_is(v, JV_ARRAY) || jv_is(v, JV_OBJECT) ? v->len : 0;
}
static inline size_t jv_strlen(const jv *v) { return jv_is(v, JV_STRING) ? v->len : 0; }
static inline size_t jv_pos(const jv *v) { return v ? v->pos : 0; }

/* Iterates with an index variable the caller declared (size_t). */
#define JV_ARRAY_EACH(arr, i, item)                                                          \
    for ((i) = 0; jv_is((arr), JV_ARRAY) && (i) < (arr)->len && ((item) = &(arr)->u.items[i]); \
         (i)++)
#define JV_OBJECT_EACH(obj, k, v)                                                           \
    for (size_t k##_i = 0; jv_is((obj), JV_OBJECT) && k##_i < (obj)->len &&                 \
                           ((k) = (obj)->u.members[k##_i].key, (v) = &(obj)->u.members[k##_i].val); \
         k##_i++)

#endif
