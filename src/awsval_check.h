/* The checker's internal interface (awsval_check.c), for the layers above it: the HTTP binder,
 * which checks bound values it has converted from text, and the public entry points.
 *
 * A walk is one check: it starts on a context (clearing the last result), reads an input with
 * the tokenizer, records violations as data (nothing is worded here), and ends by deciding the
 * result. The descent follows the shape graph: a structure's members are looked up as they are
 * read, a string is measured and matched as it is unescaped, and nothing is built but the
 * violations and the path nodes they need. */
#ifndef AWSVAL_CHECK_H
#define AWSVAL_CHECK_H

#include "awsval_internal.h"
#include "awsval_scan.h"

/* A list or map being checked: how its items' violations are grouped into the one error the
 * service reports at it (see awsval__group). */
typedef struct awsval__grp {
    uint32_t nseg;        /* the container's own path: segments [0, nseg) */
    int32_t shape;        /* the list or map shape */
    uint32_t group[3];    /* per role (items or values, keys): its group, 0 = none yet */
    bool counted[3];      /* per role: its one error counted */
    bool hidden;          /* sensitive: the container is not echoed */
} awsval__grp;

typedef struct awsval__walk {
    awsval_ctx *c;
    const awsval_model *m;
    awsval__scan sc;      /* over the input (a JSON document, or an HTTP body) */
    uint32_t flags;       /* AWSVAL_CHECK_* */
    uint32_t depth;       /* JSON nesting */
    size_t seen_top;      /* words of c->seen in use */
    size_t key_top;       /* entries of c->keys in use */
    size_t item_top;      /* entries of c->items in use */
    uint32_t seen_words;  /* per structure: present bits, then set bits */
    bool stop;            /* a parse-level failure: unwind, record nothing more */
    bool nomem;
    bool http;            /* the input is an HTTP body: members bound elsewhere are not read
                             from it, and unknown members are ignored */
} awsval__walk;

/* Starts a check of `input` (the JSON document, the HTTP body, or "" when there is none) on a
 * context: clears its last result. False when out of memory (or over the context's cap). */
bool awsval__walk_begin(awsval__walk *w, awsval_ctx *c, const awsval_model *m, const char *input,
                        size_t len, uint32_t flags, int32_t op);
/* Ends the check: the result is kept in the context. Returns AWSVAL_OK, AWSVAL_INVALID or
 * AWSVAL_NOMEM (then the context holds no result). */
awsval_code awsval__walk_end(awsval__walk *w);

/* Checks the JSON value at the scanner against shape si (-1: any value), at path segments
 * [0, nseg), then requires that only white space follows. */
void awsval__walk_document(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags);
/* Checks the JSON value at the scanner as the input structure si whose members bound outside
 * the body are already counted in `preset` (present/set bits, seen_words words each half) and
 * `preset_set`; required members and unions are decided over both. */
void awsval__walk_input(awsval__walk *w, int32_t si, const uint64_t *preset, uint32_t preset_set);
/* Checks the JSON value at the scanner against si at [0, nseg) (no trailing check). */
void awsval__walk_value(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, awsval__grp *g);

/* A null input: for a member, its absence (REQUIRED when it is required); for a structure, an
 * absent structure (its required members are missing). Then only white space may follow. */
void awsval__walk_null(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags, int32_t member);
/* Reads a whole JSON document that must be an object, untyped, and gives the spans of the
 * members named (left as they are for a name it does not have); returns how many were found. */
size_t awsval__walk_object_members(awsval__walk *w, size_t count, const char *const *names,
                                   const size_t *name_lens, size_t *offs, size_t *lens);

/* Path segments: the member (index in the model) or list index at position nseg. */
void awsval__walk_seg_member(awsval__walk *w, uint32_t nseg, int32_t member);
void awsval__walk_seg_index(awsval__walk *w, uint32_t nseg, uint32_t index);
/* A map key at nseg; its text must stay valid until the walk moves past it (HTTP scratch). */
void awsval__walk_seg_key(awsval__walk *w, uint32_t nseg, const char *key, size_t len,
                          uint32_t index, bool redact);

/* Checks of values the HTTP layer read from text (offsets 0: they are not in the body). */
void awsval__walk_string(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                         awsval__grp *g, const char *s, size_t n, int64_t cps, size_t off,
                         size_t len);
void awsval__walk_integer(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                          awsval__grp *g, int64_t v, const char *text, size_t n);
void awsval__walk_float(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                        awsval__grp *g, double v, const char *text, size_t n);
/* A blob's decoded length against its bounds. */
void awsval__walk_blob(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                       awsval__grp *g, int64_t bytes, const char *text, size_t n);
/* A text that does not read as the shape's type (echo NULL: not echoed). */
void awsval__walk_type(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                       awsval__grp *g, const char *echo, size_t n);
/* A list's or map's entry count against its bounds; `echo` is its Java text (or NULL). */
void awsval__walk_count(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags,
                        int64_t count, const char *echo, size_t n);
/* A uniqueItems list that holds two equal items. */
void awsval__walk_not_unique(awsval__walk *w, int32_t si, uint32_t nseg, uint32_t vflags);
/* Required members of structure si that are neither present in the body nor bound. */
void awsval__walk_required(awsval__walk *w, int32_t si, uint32_t nseg, const uint64_t *set_bits);
/* A parse-level failure (AV_WHY_*): the answer is this alone. */
void awsval__walk_fail(awsval__walk *w, uint8_t kind, uint8_t why, uint32_t arg, size_t off);
/* Sets the group echo of a list or map checked from text (Java text, e.g. "[a, b]"). */
void awsval__walk_group_text(awsval__walk *w, awsval__grp *g, const char *text, size_t n);
/* Starts a container's grouping state. */
static inline void awsval__grp_init(awsval__grp *g, uint32_t nseg, int32_t shape, bool hidden)
{
    memset(g, 0, sizeof *g);
    g->nseg = nseg;
    g->shape = shape;
    g->hidden = hidden;
}

/* Words of a structure's seen bitset (present or set bits) for model m. */
static inline uint32_t awsval__seen_words(const awsval_model *m) { return m->max_members / 64 + 1; }

/* Whether two or more items of a list are equal as values (uniqueItems): items[0..n) are spans
 * in `input` of validated JSON. Uses ctx->eq; false with *nomem on allocation failure. */
bool awsval__jsoneq_duplicates(awsval_ctx *c, const char *input, awsval__item *items, size_t n,
                               bool *nomem);

#endif
