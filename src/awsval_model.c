/* botocore service-2.json -> compiled, immutable model; overlays; answer profiles; embedded
 * models.
 *
 * Models are read once at start-up, into a tree (awsval_json.c) whose nodes keep their byte
 * offsets, so every error names the shape or operation and points into the document. The
 * effort goes into a layout that makes checking cheap: flat arrays, member hash tables, each
 * distinct pattern compiled (and JIT-compiled) once, and the service's answer decided here,
 * once, from the model and its profile. Nothing here writes a sentence of an answer. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "awsval_internal.h"
#include "awsval_json.h"
#include "awsval_rx.h"

/* ---------------------------------------------------------------- build state (Private) */

typedef struct builder {
    awsval_model *m;
    awsval__buf strings;
    awsval__buf shapes, members, enums, patterns, docs, ops, bmp;
    const char **names;  /* shape names, sorted, for lookup while building */
    int32_t *name_index; /* shape index of names[i] */
    uint32_t flags;
    awsval_model_err *err;
    uint32_t doc;        /* AWSVAL_ERRDOC_* of the document being read */
} builder;

static bool fail(builder *b, awsval_code code, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail(builder *b, awsval_code code, size_t pos, const char *fmt, ...)
{
    if (b->err && b->err->code == AWSVAL_OK) {
        b->err->code = code;
        b->err->pos = pos;
        b->err->doc = code == AWSVAL_NOMEM ? AWSVAL_ERRDOC_NONE : b->doc;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
        va_end(ap);
    }
    return false;
}

#define NOMEM(b) fail((b), AWSVAL_NOMEM, 0, "out of memory")

/* Appends a NUL-terminated copy of s; returns its offset, or 0 (the empty string) on failure
 * with *ok cleared. */
static uint32_t intern(builder *b, const char *s, size_t n, bool *ok)
{
    size_t off = b->strings.len;
    if (off > UINT32_MAX - n - 1 || !awsval__buf_put(&b->strings, &b->m->alc, s, n) ||
        !awsval__buf_put(&b->strings, &b->m->alc, "", 1)) {
        *ok = NOMEM(b);
        return 0;
    }
    return (uint32_t)off;
}

static uint32_t intern_cstr(builder *b, const char *s, bool *ok) { return intern(b, s, strlen(s), ok); }

/* Grows a typed array held in an awsval__buf; returns the new element (zeroed) or NULL. */
static void *push(builder *b, awsval__buf *arr, size_t size)
{
    if (!awsval__buf_reserve(arr, &b->m->alc, size)) {
        NOMEM(b);
        return NULL;
    }
    void *p = arr->data + arr->len;
    memset(p, 0, size);
    arr->len += size;
    return p;
}

#define ARR(buf, T) ((T *)(void *)(buf).data) /* allocator memory: aligned for any T */
#define LEN(buf, T) ((uint32_t)((buf).len / sizeof(T)))

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return false;
    }
    return *a == *b;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Shape index by name while building (names sorted), or -1. */
static int32_t lookup(const builder *b, const char *name)
{
    size_t lo = 0, hi = b->m->shape_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(b->names[mid], name);
        if (c == 0) return b->name_index[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* Resolves {"shape": "Name"} to an index, or fails naming `owner` ("shape 'X'", "operation
 * 'Y'"). */
static bool target_of(builder *b, const jv *ref, const char *owner, const char *what, int32_t *out)
{
    const jv *s = awsval__jv_get(ref, "shape");
    if (!jv_is(s, JV_STRING))
        return fail(b, AWSVAL_MODEL, jv_pos(ref), "%s: %s has no \"shape\" reference", owner, what);
    *out = lookup(b, jv_str(s));
    if (*out < 0)
        return fail(b, AWSVAL_MODEL, jv_pos(s), "%s: %s references unknown shape '%s'", owner,
                    what, jv_str(s));
    return true;
}

/* ----------------------------------------------------------------------- patterns (Private) */

/* The rest of a class `[...]` from just after its '['; leaves *i after the ']'. */
static bool single_class_body(const char *p, size_t *ip)
{
    size_t i = *ip;
    if (p[i] == '^') i++;
    if (p[i] == ']') return false;
    for (;;) {
        char c = p[i];
        if (c == '\0' || c == '[' || (c == '&' && p[i + 1] == '&')) return false;
        if (c == ']') break;
        if (c == '\\') {
            char e = p[i + 1];
            if (e == '\0' || e == 'Q' || e == 'E') return false;
            i += 2;
            if ((e == 'p' || e == 'P' || e == 'x') && p[i] == '{') {
                while (p[i] && p[i] != '}') i++;
                if (!p[i]) return false;
                i++;
            }
            continue;
        }
        i++;
    }
    *ip = i + 1;
    return true;
}

/* Recognises `(?s)?^?ATOM QUANT$?` in Java syntax, where ATOM is a class `[...]` (no nested
 * classes, intersections or quoting), `.` or a class escape (`\S`, `\w`, `\p{L}`); no lazy or
 * possessive quantifiers. Sets the quantifier's bounds. */
static bool single_class(const char *p, uint32_t *qmin, uint32_t *qmax)
{
    size_t i = 0;
    if (strncmp(p, "(?s)", 4) == 0) i += 4;
    if (p[i] == '^') i++;
    if (p[i] == '.') {
        i++;
    } else if (p[i] == '\\') {
        char e = p[i + 1];
        if (!strchr("sSwWdDhHvVpP", e) || e == '\0') return false;
        i += 2;
        if (e == 'p' || e == 'P') {
            if (p[i] == '\0') return false;
            if (p[i] != '{') i++; /* \pL */
            else {
                while (p[i] && p[i] != '}') i++;
                if (!p[i]) return false;
                i++;
            }
        }
    } else if (p[i++] != '[') {
        return false;
    } else {
        if (!single_class_body(p, &i)) return false;
    }
    char q = p[i++];
    /* Quantifier bounds, read digit by digit (no strtoul: nothing here depends on a locale). */
    uint64_t lo = 0, hi = 0;
    if (q == '*') { lo = 0; hi = UINT32_MAX; }
    else if (q == '+') { lo = 1; hi = UINT32_MAX; }
    else if (q == '?') { lo = 0; hi = 1; }
    else if (q == '{') {
        size_t k = i;
        while (p[i] >= '0' && p[i] <= '9' && lo <= 100000) lo = lo * 10 + (uint64_t)(p[i++] - '0');
        if (i == k || lo > 100000) return false;
        hi = lo;
        if (p[i] == ',') {
            k = ++i;
            hi = 0;
            while (p[i] >= '0' && p[i] <= '9' && hi <= UINT32_MAX) hi = hi * 10 + (uint64_t)(p[i++] - '0');
            if (i == k) hi = UINT32_MAX;
        }
        if (p[i] != '}' || hi < lo) return false;
        i++;
    } else {
        return false;
    }
    if (p[i] == '?' || p[i] == '+') return false;
    if (p[i] == '$') i++;
    *qmin = (uint32_t)lo;
    *qmax = hi > UINT32_MAX ? UINT32_MAX : (uint32_t)hi;
    return p[i] == '\0';
}

/* Fills the ASCII fast path of a whole-value pattern, asking PCRE2 about each character so the
 * table cannot disagree with the regex. Leaves `fast` false when the shape does not fit. */
static void fast_path(builder *b, awsval__pattern *pat, const char *src)
{
    uint32_t qmin, qmax;
    if (!single_class(src, &qmin, &qmax)) return;
    uint32_t reps = qmin ? qmin : 1;
    if (reps > qmax || reps > 64) return;
    awsval__regex_scratch *sc = awsval__regex_scratch_create(&b->m->alc, NULL);
    if (!sc) return;
    char subj[64];
    bool ok = true;
    for (int c = 0; c < 128 && ok; c++) {
        memset(subj, c, reps);
        int r = awsval__regex_match(pat->re, subj, reps, sc);
        if (r == AWSVAL__RE_MATCH) pat->ascii[c / 64] |= 1ull << (c % 64);
        else if (r != AWSVAL__RE_NOMATCH) ok = false;
    }
    awsval__regex_scratch_free(sc);
    pat->fast = ok;
    pat->qmin = qmin;
    pat->qmax = qmax;
    /* The automaton must agree with PCRE2 on ASCII before it is trusted with the rest. */
    const awsval__rx_dfa *d = awsval__regex_dfa(pat->re);
    for (uint32_t c = 0; c < 128 && d; c++)
        if (awsval__rx_dfa_first(d, c) != (((pat->ascii[c / 64] >> (c % 64)) & 1) != 0)) d = NULL;
    pat->dfa = d;
    pat->gaps = d ? (int8_t)awsval__rx_dfa_first_gaps(d, pat->gap_lo, pat->gap_hi, AV_FAST_GAPS) : -1;
    for (unsigned c = 0; c < 128; c++) pat->member[c] = (uint8_t)((pat->ascii[c / 64] >> (c % 64)) & 1);
    /* The longest runs of member bytes, for the vector compare. */
    pat->runs = 0;
    bool taken[128] = {false};
    for (int k = 0; k < AV_FAST_RUNS; k++) {
        unsigned best_lo = 1, best_hi = 0;
        for (unsigned c = 0; c < 128;) {
            if (taken[c] || !((pat->ascii[c / 64] >> (c % 64)) & 1)) {
                c++;
                continue;
            }
            unsigned lo = c;
            while (c < 128 && !taken[c] && ((pat->ascii[c / 64] >> (c % 64)) & 1)) c++;
            if (c - lo > best_hi + 1 - best_lo) {
                best_lo = lo;
                best_hi = c - 1;
            }
        }
        if (best_hi < best_lo || (k > 0 && best_hi - best_lo < 1)) break;
        for (unsigned c = best_lo; c <= best_hi; c++) taken[c] = true;
        pat->run_lo[pat->runs] = (uint8_t)best_lo;
        pat->run_hi[pat->runs] = (uint8_t)best_hi;
        pat->runs++;
    }
}

/* Adds a pattern (deduplicated by text and mode); returns its index or -1. `pos` is where the
 * pattern's JSON string is in the document being read. */
static int32_t add_pattern(builder *b, const char *src, uint32_t mode, const char *owner, size_t pos)
{
    awsval__pattern *ps = ARR(b->patterns, awsval__pattern);
    uint32_t n = LEN(b->patterns, awsval__pattern);
    /* The mode is stored as a one-byte prefix of the interned text ('F' or 'S'), so equal
     * texts with different modes stay distinct. */
    char tag = mode == AWSVAL__RE_SEARCH ? 'S' : 'F';
    size_t sl = strlen(src);
    for (uint32_t i = 0; i < n; i++) {
        const char *t = b->strings.data + ps[i].source - 1;
        if (*t == tag && strcmp(t + 1, src) == 0) return (int32_t)i;
    }
    bool ok = true;
    intern(b, &tag, 1, &ok);
    if (!ok) return -1;
    /* Drop the NUL that intern() put after the tag so that tag and text are contiguous. */
    b->strings.len--;
    uint32_t text = intern(b, src, sl, &ok);
    if (!ok) return -1;
    size_t erroff = 0;
    char msg[256];
    awsval__regex *re = awsval__regex_compile(src, sl, mode, &b->m->alc, &erroff, msg, sizeof msg);
    if (!re) {
        /* awsval__regex_compile says exactly "out of memory" when an allocation failed. */
        if (strcmp(msg, "out of memory") == 0) NOMEM(b);
        else fail(b, AWSVAL_MODEL, pos, "%s: pattern '%s' does not compile: %s", owner, src, msg);
        return -1;
    }
    awsval__pattern *p = push(b, &b->patterns, sizeof *p);
    if (!p) {
        awsval__regex_free(re);
        return -1;
    }
    p->source = text;
    p->re = re;
    if (mode == AWSVAL__RE_FULL) fast_path(b, p, src);
    return (int32_t)n;
}

/* ------------------------------------------------------------- shapes and members (Private) */

/* A bound as the service prints it: an integer as written; a float or double as Java's
 * Double.toString prints it ("1.0"); a fractional length or integer bound rounded inwards. */
static bool read_bound(builder *b, uint32_t si, const jv *v, bool is_min, const char *name)
{
    if (!v) return true;
    if (!jv_is(v, JV_NUMBER))
        return fail(b, AWSVAL_MODEL, jv_pos(v), "shape '%s': %s is not a number", name,
                    is_min ? "min" : "max");
    awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
    bool is_float = awsval__is_float_type(s->type) || s->type == AV_T_BIGDECIMAL;
    double d = awsval__num_double(v->num, v->len, s->type == AV_T_FLOAT);
    int64_t iv = 0;
    char text[48];
    awsval__out o = {text, sizeof text, 0, false};
    if (is_float) {
        s->flags |= AV_SF_FLOAT_RANGE;
        if (is_min) s->fmin = d; else s->fmax = d;
        if (s->type == AV_T_BIGDECIMAL) awsval__out_mem(&o, v->num, v->len);
        else awsval__out_java_double(&o, d, s->type == AV_T_FLOAT);
    } else {
        awsval__dec dec;
        awsval__dec_read(v->num, v->len, &dec);
        if (!awsval__dec_int(&dec, &iv)) {
            /* A fractional (or huge) bound on a length or an integer: round inwards. */
            double r = is_min ? ceil(d) : floor(d);
            iv = r >= 9.2e18 ? INT64_MAX : r <= -9.2e18 ? INT64_MIN : (int64_t)r;
        }
        awsval__out_i64(&o, iv);
    }
    if (awsval__out_finish(&o, NULL) != AWSVAL_OK)
        return fail(b, AWSVAL_MODEL, jv_pos(v), "shape '%s': %s too long", name, is_min ? "min" : "max");
    bool ok = true;
    uint32_t t = intern_cstr(b, text, &ok);
    if (!ok) return false;
    s = &ARR(b->shapes, awsval__shape)[si];
    if (is_min) {
        s->flags |= AV_SF_MIN;
        s->min = iv;
        s->min_text = t;
    } else {
        s->flags |= AV_SF_MAX;
        s->max = iv;
        s->max_text = t;
    }
    return true;
}

/* Builds "[a, b, c]" for the enum message, leaving out internal values. */
static bool enum_text(builder *b, uint32_t si, const jv *internal)
{
    awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
    awsval__buf t = {0};
    bool ok = awsval__buf_put(&t, &b->m->alc, "[", 1);
    bool first = true;
    for (uint32_t i = 0; ok && i < s->enum_count; i++) {
        const awsval__enum *e = &ARR(b->enums, awsval__enum)[s->enum_first + i];
        char num[32];
        const char *txt;
        size_t len;
        if (s->flags & AV_SF_INT_ENUM) {
            awsval__out o = {num, sizeof num, 0, false};
            awsval__out_i64(&o, e->num);
            awsval__out_finish(&o, NULL);
            txt = num;
            len = o.len;
        } else {
            txt = b->strings.data + e->str;
            len = e->len;
            bool hidden = false;
            size_t k;
            const jv *iv;
            JV_ARRAY_EACH(internal, k, iv) {
                if (jv_is(iv, JV_STRING) && jv_strlen(iv) == len && memcmp(jv_str(iv), txt, len) == 0)
                    hidden = true;
            }
            if (hidden) continue;
        }
        ok = (first || awsval__buf_put(&t, &b->m->alc, ", ", 2)) &&
             awsval__buf_put(&t, &b->m->alc, txt, len);
        first = false;
    }
    ok = ok && awsval__buf_put(&t, &b->m->alc, "]", 1);
    uint32_t off = 0;
    if (ok) off = intern(b, t.data, t.len, &ok);
    else NOMEM(b);
    awsval__buf_free(&t, &b->m->alc);
    ARR(b->shapes, awsval__shape)[si].enum_text = off;
    return ok;
}

static bool read_enum(builder *b, uint32_t si, const jv *def, const char *name)
{
    const jv *en = awsval__jv_get(def, "enum");
    if (!en) return true;
    if (!jv_is(en, JV_ARRAY))
        return fail(b, AWSVAL_MODEL, jv_pos(en), "shape '%s': enum is not a list", name);
    uint8_t type = ARR(b->shapes, awsval__shape)[si].type;
    ARR(b->shapes, awsval__shape)[si].enum_first = LEN(b->enums, awsval__enum);
    size_t i;
    const jv *v;
    JV_ARRAY_EACH(en, i, v) {
        awsval__enum *e = push(b, &b->enums, sizeof *e);
        if (!e) return false;
        if (type == AV_T_STRING && jv_is(v, JV_STRING)) {
            bool ok = true;
            uint32_t off = intern(b, jv_str(v), jv_strlen(v), &ok);
            if (!ok) return false;
            e = &ARR(b->enums, awsval__enum)[LEN(b->enums, awsval__enum) - 1];
            e->str = off;
            e->len = (uint32_t)jv_strlen(v);
        } else if ((awsval__is_int_type(type) || type == AV_T_BIGINTEGER) && jv_is(v, JV_NUMBER) &&
                   v->is_int) {
            e->num = v->u.i;
            ARR(b->shapes, awsval__shape)[si].flags |= AV_SF_INT_ENUM;
        } else {
            return fail(b, AWSVAL_MODEL, jv_pos(v), "shape '%s': enum value %zu does not fit the type",
                        name, i);
        }
        ARR(b->shapes, awsval__shape)[si].enum_count++;
    }
    return enum_text(b, si, awsval__jv_get(def, "internalEnumValues"));
}

static bool read_members(builder *b, uint32_t si, const jv *def, const char *name)
{
    const jv *ms = awsval__jv_get(def, "members");
    if (!jv_is(ms, JV_OBJECT))
        return fail(b, AWSVAL_MODEL, jv_pos(def), "shape '%s': structure without members", name);
    const jv *req = awsval__jv_get(def, "required");
    if (req && !jv_is(req, JV_ARRAY))
        return fail(b, AWSVAL_MODEL, jv_pos(req), "shape '%s': required is not a list", name);
    const char *payload = jv_str(awsval__jv_get(def, "payload"));
    uint32_t first = LEN(b->members, awsval__member), count = 0;
    for (size_t k_i = 0; k_i < ms->len; k_i++) {
        const jv_member *jm = &ms->u.members[k_i];
        const char *key = jm->key;
        const jv *ref = &jm->val;
        awsval__member *mb = push(b, &b->members, sizeof *mb);
        if (!mb) return false;
        bool ok = true;
        size_t kl = jm->key_len;
        uint32_t nm = intern(b, key, kl, &ok);
        if (!ok) return false;
        char what[300], owner[300];
        snprintf(what, sizeof what, "member '%s'", key);
        snprintf(owner, sizeof owner, "shape '%s'", name);
        int32_t target;
        if (!target_of(b, ref, owner, what, &target)) return false;
        const jv *loc = awsval__jv_get(ref, "location");
        const jv *ln = awsval__jv_get(ref, "locationName");
        uint32_t lname = jv_is(ln, JV_STRING) ? intern_cstr(b, jv_str(ln), &ok) : 0;
        if (!ok) return false;
        mb = &ARR(b->members, awsval__member)[first + count];
        mb->name = nm;
        mb->name_len = (uint32_t)kl;
        mb->hash = awsval__hash(key, kl);
        mb->shape = target;
        mb->index = count;
        mb->sensitive = jv_is_true(awsval__jv_get(ref, "sensitive"));
        if (jv_is(loc, JV_STRING)) mb->location = awsval__location_find(jv_str(loc), jv_strlen(loc));
        /* botocore names the member that is the whole HTTP body: "payload": "member". */
        if (payload && strcmp(payload, key) == 0) mb->location = AV_LOC_PAYLOAD;
        mb->location_name = lname;
        count++;
    }
    size_t i;
    const jv *r;
    JV_ARRAY_EACH(req, i, r) {
        bool found = false;
        for (uint32_t k = 0; jv_is(r, JV_STRING) && k < count; k++) {
            awsval__member *mb = &ARR(b->members, awsval__member)[first + k];
            if (strcmp(b->strings.data + mb->name, jv_str(r)) == 0) {
                mb->required = 1;
                found = true;
            }
        }
        if (!found)
            return fail(b, AWSVAL_MODEL, jv_pos(r), "shape '%s': required member '%s' is not a member",
                        name, jv_is(r, JV_STRING) ? jv_str(r) : "?");
    }
    awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
    s->member_first = first;
    s->member_count = count;
    return true;
}

static bool read_shape(builder *b, uint32_t si, const char *name, const jv *def)
{
    awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
    const jv *type = awsval__jv_get(def, "type");
    s->pos = (uint32_t)(jv_pos(def) > UINT32_MAX ? UINT32_MAX : jv_pos(def));
    if (!jv_is(type, JV_STRING))
        return fail(b, AWSVAL_MODEL, jv_pos(def), "shape '%s': no type", name);
    s->type = awsval__type_find(jv_str(type), jv_strlen(type));
    if (!s->type)
        return fail(b, AWSVAL_MODEL, jv_pos(type), "shape '%s': unknown type '%s'", name, jv_str(type));
    s->pattern = -1;
    s->target = s->value = -1;
    if (s->type != AV_T_STRUCTURE && s->type != AV_T_LIST && s->type != AV_T_MAP) s->flags |= AV_SF_SCALAR;
    if (jv_is_true(awsval__jv_get(def, "sensitive"))) s->flags |= AV_SF_SENSITIVE;
    if (jv_is_true(awsval__jv_get(def, "union"))) s->flags |= AV_SF_UNION;
    if (jv_is_true(awsval__jv_get(def, "uniqueItems"))) s->flags |= AV_SF_UNIQUE;
    if (!read_bound(b, si, awsval__jv_get(def, "min"), true, name)) return false;
    if (!read_bound(b, si, awsval__jv_get(def, "max"), false, name)) return false;
    if (!read_enum(b, si, def, name)) return false;
    const jv *pat = awsval__jv_get(def, "pattern");
    if (pat) {
        if (!jv_is(pat, JV_STRING) || ARR(b->shapes, awsval__shape)[si].type != AV_T_STRING)
            return fail(b, AWSVAL_MODEL, jv_pos(pat), "shape '%s': pattern on a %s or not a string",
                        name, jv_str(type));
        char owner[300];
        snprintf(owner, sizeof owner, "shape '%s'", name);
        uint32_t mode = (b->flags & AWSVAL_MODEL_PATTERN_SEARCH) ? AWSVAL__RE_SEARCH : AWSVAL__RE_FULL;
        int32_t p = add_pattern(b, jv_str(pat), mode, owner, jv_pos(pat));
        if (p < 0) return false;
        ARR(b->shapes, awsval__shape)[si].pattern = p;
    }
    char owner[300];
    snprintf(owner, sizeof owner, "shape '%s'", name);
    switch (ARR(b->shapes, awsval__shape)[si].type) {
    case AV_T_STRUCTURE:
        return read_members(b, si, def, name);
    case AV_T_LIST:
        return target_of(b, awsval__jv_get(def, "member"), owner, "list member",
                         &ARR(b->shapes, awsval__shape)[si].target);
    case AV_T_MAP:
        return target_of(b, awsval__jv_get(def, "key"), owner, "map key",
                         &ARR(b->shapes, awsval__shape)[si].target) &&
               target_of(b, awsval__jv_get(def, "value"), owner, "map value",
                         &ARR(b->shapes, awsval__shape)[si].value);
    default:
        return true;
    }
}

/* ------------------------------------------------------------------------ overlays (Private) */

/* Parses a built-in or caller's document, failing with its own position. */
static jv_doc *parse_doc(builder *b, const char *text, size_t len, const char *label)
{
    size_t pos;
    char msg[160];
    bool nomem;
    jv_doc *d = awsval__jv_parse(text, len, &b->m->alc, &pos, msg, sizeof msg, &nomem);
    if (!d) {
        size_t line = 0, col = 0;
        awsval_locate_pos(text, len, pos, &line, &col);
        if (nomem) NOMEM(b);
        else fail(b, AWSVAL_MODEL, pos, "%s: %s at byte %zu (line %zu, column %zu)", label, msg, pos,
                  line, col);
    }
    return d;
}

/* One documented rule of an overlay, as data. Overlay patterns always must match the whole
 * value: they are our own statements of the documentation, not model text. */
static bool overlay_rule(builder *b, const jv *r, const char *label, const char *name, size_t i)
{
    const jv *pat = awsval__jv_get(r, "pattern"), *msg = awsval__jv_get(r, "message");
    const jv *mn = awsval__jv_get(r, "min"), *mx = awsval__jv_get(r, "max");
    const jv *fp = awsval__jv_get(r, "forbiddenPrefix"), *cs = awsval__jv_get(r, "characters");
    awsval__doc_rule rule = {0};
    rule.min = rule.max = -1;
    rule.pattern = -1;
    bool ok = true;
    if (jv_is(pat, JV_STRING)) {
        rule.form = AV_DOC_REGEX;
        char owner[300];
        snprintf(owner, sizeof owner, "shape '%s'", name);
        rule.pattern = add_pattern(b, jv_str(pat), AWSVAL__RE_FULL, owner, jv_pos(pat));
        if (rule.pattern < 0) return false;
    } else if (jv_is(cs, JV_OBJECT)) {
        /* {"categories": ["L", "N", "Z"], "whitespace": true, "also": "_.:/=+-@"} */
        rule.form = AV_DOC_CHARSET;
        size_t ci;
        const jv *c;
        JV_ARRAY_EACH(awsval__jv_get(cs, "categories"), ci, c) {
            uint32_t mask = jv_str(c) ? awsval__category_mask(jv_str(c)) : 0;
            if (!mask)
                return fail(b, AWSVAL_MODEL, jv_pos(c), "%s: shape '%s': unknown Unicode category '%s'",
                            label, name, jv_str(c) ? jv_str(c) : "?");
            rule.chars.categories |= mask;
        }
        rule.chars.space = jv_is_true(awsval__jv_get(cs, "whitespace"));
        const jv *also = awsval__jv_get(cs, "also");
        const char *also_s = jv_str(also) ? jv_str(also) : "";
        size_t also_n = jv_strlen(also);
        /* A set equal to one made before shares its bitmap (tag keys and values, typically). */
        rule.chars.bmp = UINT32_MAX;
        awsval__charset probe = rule.chars;
        awsval__charset_finish(&probe, NULL, also_s, also_n);
        for (uint32_t k = 0; k < LEN(b->docs, awsval__doc_rule); k++) {
            const awsval__doc_rule *o = &ARR(b->docs, awsval__doc_rule)[k];
            if (o->form == AV_DOC_CHARSET && o->chars.categories == probe.categories &&
                o->chars.space == probe.space && o->chars.ascii[0] == probe.ascii[0] &&
                o->chars.ascii[1] == probe.ascii[1]) {
                rule.chars = o->chars;
                break;
            }
        }
        if (rule.chars.bmp == UINT32_MAX) {
            uint64_t *bits = push(b, &b->bmp, AV_CHARSET_WORDS * sizeof(uint64_t));
            if (!bits) return false;
            awsval__charset_finish(&probe, bits, also_s, also_n);
            rule.chars = probe;
            rule.chars.bmp = (uint32_t)(b->bmp.len / (AV_CHARSET_WORDS * sizeof(uint64_t))) - 1;
        }
    } else if (jv_is(fp, JV_STRING) && jv_strlen(fp) > 0) {
        rule.form = AV_DOC_PREFIX;
        rule.prefix = intern(b, jv_str(fp), jv_strlen(fp), &ok);
        rule.prefix_len = (uint32_t)jv_strlen(fp);
    } else if ((jv_is(mn, JV_NUMBER) && mn->is_int) || (jv_is(mx, JV_NUMBER) && mx->is_int)) {
        rule.form = AV_DOC_LENGTH;
        rule.min = jv_is(mn, JV_NUMBER) && mn->is_int ? mn->u.i : -1;
        rule.max = jv_is(mx, JV_NUMBER) && mx->is_int ? mx->u.i : -1;
        if (rule.min >= 0) rule.min_text = intern_cstr(b, mn->num, &ok);
        if (rule.max >= 0) rule.max_text = intern_cstr(b, mx->num, &ok);
    } else {
        return fail(b, AWSVAL_MODEL, jv_pos(r),
                    "%s: shape '%s': rule %zu has no pattern, characters, forbiddenPrefix, min or max",
                    label, name, i);
    }
    if (jv_is(msg, JV_STRING)) rule.message = intern_cstr(b, jv_str(msg), &ok);
    if (!ok) return false;
    awsval__doc_rule *d = push(b, &b->docs, sizeof *d);
    if (!d) return false;
    *d = rule;
    return true;
}

/* Overlay document:
 *   {"shapes": {"TagKey": [{"pattern": "...", "message": "..."}, {"min": 1, "max": 128}]}}
 * Each rule becomes a documented constraint of the shape. */
static bool merge_overlay(builder *b, const char *text, size_t len, const char *label, uint32_t doc)
{
    uint32_t outer = b->doc;
    b->doc = doc;
    jv_doc *od = parse_doc(b, text, len, label);
    bool ok = od != NULL;
    const jv *shapes = awsval__jv_get(awsval__jv_root(od), "shapes");
    if (ok && !jv_is(shapes, JV_OBJECT)) ok = fail(b, AWSVAL_MODEL, 0, "%s: no \"shapes\" object", label);
    const char *name;
    const jv *rules;
    JV_OBJECT_EACH(shapes, name, rules) {
        if (!ok) break;
        int32_t si = lookup(b, name);
        /* An overlay written for a service may name shapes an older model version lacks. */
        if (si < 0) continue;
        if (!jv_is(rules, JV_ARRAY)) {
            ok = fail(b, AWSVAL_MODEL, jv_pos(rules), "%s: shape '%s': rules are not a list", label, name);
            break;
        }
        awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
        if (s->doc_count == 0) {
            s->doc_first = LEN(b->docs, awsval__doc_rule);
        } else if (s->doc_first + s->doc_count != LEN(b->docs, awsval__doc_rule)) {
            ok = fail(b, AWSVAL_MODEL, jv_pos(rules), "%s: shape '%s' named twice", label, name);
            break;
        }
        size_t i;
        const jv *r;
        JV_ARRAY_EACH(rules, i, r) {
            if (!(ok = overlay_rule(b, r, label, name, i))) break;
            ARR(b->shapes, awsval__shape)[si].doc_count++;
        }
    }
    awsval__jv_free(od);
    b->doc = outer;
    return ok;
}

/* -------------------------------------------------------------- derived tables (Private) */

/* A value must not be echoed when anything sensitive is reachable from its shape. */
static void mark_hiding(awsval_model *m)
{
    for (uint32_t i = 0; i < m->shape_count; i++)
        if (m->shapes[i].flags & AV_SF_SENSITIVE) m->shapes[i].flags |= AV_SF_HIDES;
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t i = 0; i < m->shape_count; i++) {
            awsval__shape *s = &m->shapes[i];
            if (s->flags & AV_SF_HIDES) continue;
            bool hides = false;
            if (s->target >= 0 && (m->shapes[s->target].flags & AV_SF_HIDES)) hides = true;
            if (s->value >= 0 && (m->shapes[s->value].flags & AV_SF_HIDES)) hides = true;
            for (uint32_t k = 0; k < s->member_count; k++) {
                const awsval__member *mb = &m->members[s->member_first + k];
                if (mb->sensitive || (m->shapes[mb->shape].flags & AV_SF_HIDES)) hides = true;
            }
            if (hides) {
                s->flags |= AV_SF_HIDES;
                changed = true;
            }
        }
    }
    for (uint32_t i = 0; i < m->member_count; i++) {
        const awsval__shape *t = &m->shapes[m->members[i].shape];
        if (t->flags & AV_SF_SENSITIVE) m->members[i].sensitive = 1;
        if ((t->flags & AV_SF_HIDES) || m->members[i].sensitive) m->members[i].hides = 1;
    }
}

static bool build_member_tables(builder *b)
{
    awsval_model *m = b->m;
    uint32_t total = 0;
    for (uint32_t i = 0; i < m->shape_count; i++) {
        awsval__shape *s = &m->shapes[i];
        if (s->type != AV_T_STRUCTURE) continue;
        uint32_t size = 4;
        while (size < s->member_count * 2) size *= 2;
        s->table_first = total;
        s->table_mask = size - 1;
        total += size;
        if (s->member_count > m->max_members) m->max_members = s->member_count;
    }
    m->mtable = awsval__calloc(&m->alc, total ? total : 1, sizeof *m->mtable);
    if (!m->mtable) return NOMEM(b);
    m->mtable_len = total;
    for (uint32_t i = 0; i < m->shape_count; i++) {
        awsval__shape *s = &m->shapes[i];
        if (s->type != AV_T_STRUCTURE) continue;
        for (uint32_t k = 0; k < s->member_count; k++) {
            uint32_t mi = s->member_first + k, h = m->members[mi].hash & s->table_mask;
            while (m->mtable[s->table_first + h]) h = (h + 1) & s->table_mask;
            m->mtable[s->table_first + h] = mi + 1;
        }
    }
    return true;
}

/* An open-addressed index of names (shape or operation) for lookups without string scans. */
static bool name_index(awsval_model *m, uint32_t count, uint32_t stride_name_off, const void *base,
                       size_t stride, uint32_t **table, uint32_t *mask)
{
    uint32_t size = 8;
    while (size < count * 2) size *= 2;
    *table = awsval__calloc(&m->alc, size, sizeof **table);
    if (!*table) return false;
    *mask = size - 1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t off;
        memcpy(&off, (const char *)base + i * stride + stride_name_off, sizeof off);
        const char *name = AV_STR(m, off);
        uint32_t h = awsval__hash(name, strlen(name)) & *mask;
        while ((*table)[h]) h = (h + 1) & *mask;
        (*table)[h] = i + 1;
    }
    return true;
}

/* Operations are few; an insertion sort needs no comparator context (qsort has none). */
static void sort_ops(awsval_model *m)
{
    for (uint32_t i = 1; i < m->op_count; i++) {
        awsval__operation t = m->ops[i];
        uint32_t j = i;
        while (j > 0 && strcmp(m->strings + m->ops[j - 1].name, m->strings + t.name) > 0) {
            m->ops[j] = m->ops[j - 1];
            j--;
        }
        m->ops[j] = t;
    }
}

/* ------------------------------------------------------------------ the answer (Private) */

/* The protocol the service answers in. Models of the CBOR era list several in "protocols":
 * they are answered as the first of them that awsval knows (their JSON one). */
static uint8_t protocol_of(const jv *meta, const char **name)
{
    static const struct { const char *name; uint8_t proto; } known[] = {
        {"rest-json", AV_PROTO_REST_JSON}, {"json", AV_PROTO_JSON}, {"query", AV_PROTO_QUERY},
        {"ec2", AV_PROTO_EC2}, {"rest-xml", AV_PROTO_REST_XML},
    };
    const jv *list = awsval__jv_get(meta, "protocols");
    size_t i;
    const jv *p;
    JV_ARRAY_EACH(list, i, p) {
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            if (jv_str(p) && strcmp(jv_str(p), known[k].name) == 0) {
                *name = known[k].name;
                return known[k].proto;
            }
    }
    const char *proto = jv_str(awsval__jv_get(meta, "protocol"));
    for (size_t k = 0; proto && k < sizeof known / sizeof *known; k++)
        if (strcmp(proto, known[k].name) == 0) {
            *name = known[k].name;
            return known[k].proto;
        }
    *name = proto ? proto : "";
    return AV_PROTO_OTHER;
}

/* The fields of an error document, from the exception shape that the service answers with. */
static bool error_fields(builder *b, const jv *shapes, const char *code)
{
    awsval__native *n = &b->m->native;
    bool ok = true;
    n->has_reason = n->has_field_list = n->field_path = false;
    n->reason_field = n->reason_cannot_parse = n->reason_field_failed = n->reason_unknown_op = 0;
    n->message_field = intern_cstr(b, "message", &ok);
    const jv *ex = awsval__jv_get(shapes, code);
    if (!jv_is(ex, JV_OBJECT) || !jv_is_true(awsval__jv_get(ex, "exception"))) return ok;
    const jv *st = awsval__jv_get(awsval__jv_get(ex, "error"), "httpStatusCode");
    if (jv_is(st, JV_NUMBER) && st->is_int && st->u.i >= 400 && st->u.i <= 599) n->status = (int)st->u.i;
    const char *key;
    const jv *ref;
    JV_OBJECT_EACH(awsval__jv_get(ex, "members"), key, ref) {
        const char *target = jv_str(awsval__jv_get(ref, "shape"));
        const jv *ts = target ? awsval__jv_get(shapes, target) : NULL;
        const char *ttype = jv_str(awsval__jv_get(ts, "type"));
        if (!ttype) continue;
        if (ascii_ieq(key, "message")) {
            n->message_field = intern_cstr(b, key, &ok);
        } else if (ascii_ieq(key, "reason") && strcmp(ttype, "string") == 0) {
            n->has_reason = true;
            n->reason_field = intern_cstr(b, key, &ok);
            size_t i;
            const jv *v;
            JV_ARRAY_EACH(awsval__jv_get(ts, "enum"), i, v) {
                const char *e = jv_str(v);
                if (!e) continue;
                if (ascii_ieq(e, "cannotParse")) n->reason_cannot_parse = intern_cstr(b, e, &ok);
                if (ascii_ieq(e, "fieldValidationFailed")) n->reason_field_failed = intern_cstr(b, e, &ok);
                if (ascii_ieq(e, "unknownOperation")) n->reason_unknown_op = intern_cstr(b, e, &ok);
            }
        } else if (strcmp(ttype, "list") == 0) {
            const char *fs = jv_str(awsval__jv_get(awsval__jv_get(ts, "member"), "shape"));
            const jv *fm = awsval__jv_get(awsval__jv_get(shapes, fs ? fs : ""), "members");
            if (!fm) continue;
            n->has_field_list = true;
            n->field_list_field = intern_cstr(b, key, &ok);
            n->field_path = awsval__jv_get(fm, "path") != NULL;
        }
    }
    return ok;
}

/* The profile's value of a setting: {"value": V, "evidence": [...]} (the evidence is for
 * people; see models/profiles/README.md). */
static const jv *setting(const jv *profile, const char *name)
{
    return awsval__jv_get(awsval__jv_get(profile, name), "value");
}

/* A profile names only the settings awsval knows, each as {"value": ..., "evidence": [...]}:
 * a typo in one must not silently leave a service answered the default way. */
static bool profile_ok(builder *b, const jv *profile, bool top)
{
    static const char *const settings[] = {"validationError", "bodyPathPrefix", "echoValues",
                                           "echoEnumValues"};
    const char *key;
    const jv *v;
    JV_OBJECT_EACH(profile, key, v) {
        if (top && strcmp(key, "operations") == 0) {
            for (size_t i = 0; i < jv_count(v); i++)
                if (!profile_ok(b, &v->u.members[i].val, false)) return false;
            continue;
        }
        bool known = false;
        for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) known |= strcmp(key, settings[i]) == 0;
        if (!known || !awsval__jv_get(v, "value") || !jv_is(awsval__jv_get(v, "evidence"), JV_ARRAY))
            return fail(b, AWSVAL_MODEL, jv_pos(v), "built-in profile: '%s' is not a setting with a value "
                                                    "and its evidence", key);
    }
    return true;
}

/* How the service answers: derived from the model (its protocol and its own error shapes), then
 * what the answer profile says where the model cannot. */
static bool derive_native(builder *b, const jv *meta, const jv *shapes, const jv *profile)
{
    awsval_model *m = b->m;
    awsval__native *n = &m->native;
    bool ok = true;
    n->status = 400;
    n->echo_values = n->echo_enums = true;
    bool xml = n->protocol == AV_PROTO_QUERY || n->protocol == AV_PROTO_EC2 || n->protocol == AV_PROTO_REST_XML;
    const jv *ve = awsval__jv_get(shapes, "ValidationException");
    bool modelled = jv_is_true(awsval__jv_get(ve, "exception"));
    const jv *code = setting(profile, "validationError");
    /* The query protocols' framework answers ValidationError whatever the model holds (a real
     * SNS answer, though SNS models a ValidationException of its own). */
    const char *c = jv_str(code) ? jv_str(code) : xml ? "ValidationError" : "ValidationException";
    if (xml && !jv_str(code)) modelled = false;
    n->error_type = intern_cstr(b, c, &ok);
    /* awsJson's framework error carries Coral's namespace in __type (seen in real answers). */
    bool framework = !jv_str(code) && !modelled && n->protocol == AV_PROTO_JSON;
    n->type_prefix = intern_cstr(b, framework ? "com.amazon.coral.validate#" : "", &ok);
    if (!ok || !error_fields(b, shapes, c)) return false;
    const jv *prefix = setting(profile, "bodyPathPrefix");
    if (jv_str(prefix)) n->body_prefix = intern_cstr(b, jv_str(prefix), &ok);
    const jv *ev = setting(profile, "echoValues"), *ee = setting(profile, "echoEnumValues");
    if (jv_is(ev, JV_FALSE)) n->echo_values = false;
    if (jv_is(ee, JV_FALSE)) n->echo_enums = false;
    const char *ns = jv_str(awsval__jv_get(meta, "xmlNamespace"));
    n->xml_namespace = intern_cstr(b, ns ? ns : "", &ok);
    /* Operations that answer with another code. */
    const char *op_name;
    const jv *op_prof;
    JV_OBJECT_EACH(awsval__jv_get(profile, "operations"), op_name, op_prof) {
        const jv *oc = setting(op_prof, "validationError");
        if (!jv_str(oc)) continue;
        for (uint32_t i = 0; i < LEN(b->ops, awsval__operation); i++) {
            awsval__operation *o = &ARR(b->ops, awsval__operation)[i];
            if (strcmp(b->strings.data + o->name, op_name) == 0) {
                uint32_t off = intern_cstr(b, jv_str(oc), &ok);
                ARR(b->ops, awsval__operation)[i].error = off;
            }
        }
    }
    return ok;
}

/* ------------------------------------------------------------------------- loading (Public) */

static void model_free(awsval_model *m)
{
    if (!m) return;
    for (uint32_t i = 0; i < m->pattern_count; i++) awsval__regex_free(m->patterns[i].re);
    awsval__free(&m->alc, m->patterns);
    awsval__free(&m->alc, m->strings);
    awsval__free(&m->alc, m->shapes);
    awsval__free(&m->alc, m->members);
    awsval__free(&m->alc, m->mtable);
    awsval__free(&m->alc, m->enums);
    awsval__free(&m->alc, m->docs);
    awsval__free(&m->alc, m->bmp);
    awsval__free(&m->alc, m->ops);
    awsval__free(&m->alc, m->op_table);
    awsval__free(&m->alc, m->shape_table);
    awsval_alc alc = m->alc;
    awsval__free(&alc, m);
}

void awsval_model_free(awsval_model *m) { model_free(m); }

/* The embedded blob of a service in a table, or NULL. */
static const awsval__blob *blob_of(const awsval__blob *table, size_t n, const char *service)
{
    for (size_t i = 0; service && i < n; i++)
        if (strcmp(table[i].name, service) == 0) return &table[i];
    return NULL;
}

/* Copies an internal error record out within the caller's `size`, with line and column. */
static void err_out(awsval_model_err *out, awsval_model_err *e, const char *json, size_t len)
{
    if (e->code != AWSVAL_OK && e->doc == AWSVAL_ERRDOC_MODEL && json)
        awsval_locate_pos(json, len, e->pos, &e->line, &e->column);
    e->size = sizeof *e;
    if (!out) return;
    size_t n = out->size && out->size < sizeof *e ? out->size : sizeof *e;
    memcpy(out, e, n);
    out->size = (uint32_t)n;
}

void awsval__err_vset(awsval_model_err *out, awsval_code code, const char *fmt, va_list ap)
{
    awsval_model_err e;
    memset(&e, 0, sizeof e);
    e.code = code;
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    err_out(out, &e, NULL, 0);
}

void awsval__err_set(awsval_model_err *out, awsval_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    awsval__err_vset(out, code, fmt, ap);
    va_end(ap);
}

/* The operations: their input, HTTP binding and payload member. */
static bool read_operations(builder *b, const jv *opsj)
{
    const char *key;
    const jv *op;
    JV_OBJECT_EACH(opsj, key, op) {
        awsval__operation *x = push(b, &b->ops, sizeof *x);
        if (!x) return false;
        bool ok = true;
        uint32_t name = intern_cstr(b, key, &ok);
        const jv *http = awsval__jv_get(op, "http");
        const char *meth = jv_str(awsval__jv_get(http, "method"));
        const char *uri = jv_str(awsval__jv_get(http, "requestUri"));
        uint32_t method = intern_cstr(b, meth ? meth : "POST", &ok);
        uint32_t uri_off = intern_cstr(b, uri ? uri : "/", &ok);
        if (!ok) return false;
        x = &ARR(b->ops, awsval__operation)[LEN(b->ops, awsval__operation) - 1];
        x->name = name;
        x->input = x->payload = -1;
        x->method = method;
        x->uri = uri_off;
        x->method_len = (uint32_t)strlen(meth ? meth : "POST");
        x->path_len = (uint32_t)strcspn(uri ? uri : "/", "?");
        const jv *in = awsval__jv_get(op, "input");
        char owner[300];
        snprintf(owner, sizeof owner, "operation '%s'", key);
        int32_t input = -1;
        if (in && !target_of(b, in, owner, "input", &input)) return false;
        x = &ARR(b->ops, awsval__operation)[LEN(b->ops, awsval__operation) - 1];
        x->input = input;
        if (input < 0) continue;
        const awsval__shape *s = &ARR(b->shapes, awsval__shape)[input];
        if (s->type != AV_T_STRUCTURE)
            return fail(b, AWSVAL_MODEL, jv_pos(in), "operation '%s': input is not a structure", key);
        for (uint32_t k = 0; k < s->member_count; k++)
            if (ARR(b->members, awsval__member)[s->member_first + k].location == AV_LOC_PAYLOAD)
                x->payload = (int32_t)(s->member_first + k);
    }
    return true;
}

static awsval_model *load(const char *json, size_t len, const awsval_model_opts *opts,
                          awsval_model_err *err, const char *service_name)
{
    awsval_model_opts o = {0};
    if (opts) memcpy(&o, opts, opts->size && opts->size < sizeof o ? opts->size : sizeof o);
    if (!service_name) service_name = o.service;
    if (!json) {
        err->code = AWSVAL_BADARG;
        snprintf(err->message, sizeof err->message, "no model text");
        return NULL;
    }
    awsval_alc alc;
    awsval__alc_init(&alc, o.alc);
    awsval_model *m = awsval__calloc(&alc, 1, sizeof *m);
    if (!m) {
        err->code = AWSVAL_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    m->alc = alc;
    builder b = {.m = m, .flags = o.flags, .err = err, .doc = AWSVAL_ERRDOC_MODEL};
    jv_doc *d = NULL, *pd = NULL;
    bool ok = awsval__buf_put(&b.strings, &alc, "", 1);
    if (!ok) { NOMEM(&b); goto done; }

    d = parse_doc(&b, json, len, "model JSON");
    if (!d) { ok = false; goto done; }
    const jv *doc = awsval__jv_root(d);
    const jv *meta = awsval__jv_get(doc, "metadata"), *shapes = awsval__jv_get(doc, "shapes");
    const jv *opsj = awsval__jv_get(doc, "operations");
    if (!jv_is(meta, JV_OBJECT) || !jv_is(shapes, JV_OBJECT) || !jv_is(opsj, JV_OBJECT)) {
        ok = fail(&b, AWSVAL_MODEL, 0, "not a botocore service model: metadata, operations and "
                                       "shapes objects are required");
        goto done;
    }
    const char *proto;
    m->native.protocol = protocol_of(meta, &proto);
    const char *svc = service_name ? service_name : jv_str(awsval__jv_get(meta, "endpointPrefix"));
    const char *tp = jv_str(awsval__jv_get(meta, "targetPrefix"));
    const char *jver = jv_str(awsval__jv_get(meta, "jsonVersion"));
    const char *apiv = jv_str(awsval__jv_get(meta, "apiVersion"));
    m->protocol = intern_cstr(&b, proto, &ok);
    m->service = intern_cstr(&b, svc ? svc : "", &ok);
    m->target_prefix = intern_cstr(&b, tp ? tp : "", &ok);
    m->json_version = intern_cstr(&b, jver ? jver : "1.0", &ok);
    m->api_version = intern_cstr(&b, apiv ? apiv : "", &ok);
    if (!ok) goto done;

    /* Shape names first, so that references resolve regardless of order. */
    size_t count = jv_count(shapes);
    if (count > INT32_MAX / 2) { ok = fail(&b, AWSVAL_MODEL, jv_pos(shapes), "too many shapes"); goto done; }
    m->shape_count = (uint32_t)count;
    b.names = awsval__calloc(&alc, count ? count : 1, sizeof *b.names);
    b.name_index = awsval__calloc(&alc, count ? count : 1, sizeof *b.name_index);
    if (!b.names || !b.name_index || !awsval__buf_reserve(&b.shapes, &alc, count * sizeof(awsval__shape))) {
        ok = NOMEM(&b);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        const char *key = shapes->u.members[i].key;
        awsval__shape *s = push(&b, &b.shapes, sizeof *s);
        s->name = intern_cstr(&b, key, &ok);
        if (!ok) goto done;
        b.names[i] = key;
    }
    qsort(b.names, count, sizeof *b.names, cmp_names);
    for (size_t i = 0; i < count; i++) {
        const char *key = shapes->u.members[i].key;
        const char **hit = bsearch(&key, b.names, count, sizeof *b.names, cmp_names);
        b.name_index[hit - b.names] = (int32_t)i;
    }
    for (size_t i = 0; i < count; i++) {
        const jv_member *sm = &shapes->u.members[i];
        if (!jv_is(&sm->val, JV_OBJECT)) {
            ok = fail(&b, AWSVAL_MODEL, sm->val.pos, "shape '%s': not an object", sm->key);
            goto done;
        }
        if (!read_shape(&b, (uint32_t)i, sm->key, &sm->val)) { ok = false; goto done; }
    }

    const awsval__blob *ov = blob_of(awsval__builtin_overlays, awsval__builtin_overlays_count, service_name);
    if (!(o.flags & AWSVAL_MODEL_NO_OVERLAY) && ov &&
        !merge_overlay(&b, ov->data, ov->len, "built-in overlay", AWSVAL_ERRDOC_BUILTIN)) { ok = false; goto done; }
    if (o.overlay && !merge_overlay(&b, o.overlay, o.overlay_len, "caller's overlay", AWSVAL_ERRDOC_OVERLAY)) {
        ok = false;
        goto done;
    }
    if (!read_operations(&b, opsj)) { ok = false; goto done; }
    const awsval__blob *pr = blob_of(awsval__builtin_profiles, awsval__builtin_profiles_count, service_name);
    if (!(o.flags & AWSVAL_MODEL_NO_PROFILE) && pr) {
        b.doc = AWSVAL_ERRDOC_BUILTIN;
        pd = parse_doc(&b, pr->data, pr->len, "built-in profile");
        b.doc = AWSVAL_ERRDOC_MODEL;
        if (!pd) { ok = false; goto done; }
    }
    if (pd) {
        b.doc = AWSVAL_ERRDOC_BUILTIN;
        ok = profile_ok(&b, awsval__jv_root(pd), true);
        b.doc = AWSVAL_ERRDOC_MODEL;
        if (!ok) goto done;
    }
    if (!derive_native(&b, meta, shapes, awsval__jv_root(pd))) { ok = false; goto done; }

    /* Hand the arrays over to the model. */
    m->strings = b.strings.data;
    m->strings_len = b.strings.len;
    b.strings.data = NULL;
#define TAKE(field, cnt, buf, T) m->field = (T *)(void *)b.buf.data; m->cnt = LEN(b.buf, T); b.buf.data = NULL;
    TAKE(shapes, shape_count, shapes, awsval__shape)
    TAKE(members, member_count, members, awsval__member)
    TAKE(enums, enum_count, enums, awsval__enum)
    TAKE(patterns, pattern_count, patterns, awsval__pattern)
    TAKE(docs, doc_count, docs, awsval__doc_rule)
    TAKE(ops, op_count, ops, awsval__operation)
#undef TAKE
    m->bmp = (uint64_t *)(void *)b.bmp.data;
    b.bmp.data = NULL;
    mark_hiding(m);
    sort_ops(m);
    ok = build_member_tables(&b) &&
         name_index(m, m->op_count, offsetof(awsval__operation, name), m->ops, sizeof *m->ops,
                    &m->op_table, &m->op_mask) &&
         name_index(m, m->shape_count, offsetof(awsval__shape, name), m->shapes,
                    sizeof *m->shapes, &m->shape_table, &m->shape_mask);
    if (!ok) NOMEM(&b);

done:
    if (!ok && b.patterns.data) {
        /* Patterns compiled so far belong to the builder until handed over. */
        awsval__pattern *ps = ARR(b.patterns, awsval__pattern);
        for (uint32_t i = 0; i < LEN(b.patterns, awsval__pattern); i++) awsval__regex_free(ps[i].re);
    }
    awsval__buf_free(&b.strings, &alc);
    awsval__buf_free(&b.shapes, &alc);
    awsval__buf_free(&b.members, &alc);
    awsval__buf_free(&b.enums, &alc);
    awsval__buf_free(&b.patterns, &alc);
    awsval__buf_free(&b.docs, &alc);
    awsval__buf_free(&b.ops, &alc);
    awsval__buf_free(&b.bmp, &alc);
    awsval__free(&alc, b.names);
    awsval__free(&alc, b.name_index);
    awsval__jv_free(d);
    awsval__jv_free(pd);
    if (!ok) {
        if (err->code == AWSVAL_OK) {
            err->code = AWSVAL_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        model_free(m);
        return NULL;
    }
    return m;
}

awsval_model *awsval__load(const char *json, size_t len, const awsval_model_opts *opts,
                           awsval_model_err *out, const char *service_name)
{
    awsval_model_err e;
    memset(&e, 0, sizeof e);
    awsval_model *m = load(json, len, opts, &e, service_name);
    err_out(out, &e, json, len);
    return m;
}

awsval_model *awsval_model_load_buffer(const char *json, size_t len, const awsval_model_opts *opts,
                                       awsval_model_err *err)
{
    return awsval__load(json, len, opts, err, NULL);
}

awsval_model *awsval_model_load_builtin(const char *service, const awsval_model_opts *opts,
                                        awsval_model_err *err)
{
    const awsval__blob *bi = blob_of(awsval__builtin_models, awsval__builtin_models_count, service);
    if (bi) return awsval__load(bi->data, bi->len, opts, err, bi->name);
    awsval__err_set(err, service ? AWSVAL_NOTFOUND : AWSVAL_BADARG,
                    "no built-in model for service '%s'", service ? service : "(null)");
    return NULL;
}

size_t awsval_builtin_count(void) { return awsval__builtin_models_count; }

const char *awsval_builtin_name(size_t i)
{
    return i < awsval__builtin_models_count ? awsval__builtin_models[i].name : NULL;
}

/* ----------------------------------------------------------------------- queries (Public) */

const char *awsval_model_service(const awsval_model *m) { return m ? AV_STR(m, m->service) : NULL; }
const char *awsval_model_protocol(const awsval_model *m) { return m ? AV_STR(m, m->protocol) : NULL; }
const char *awsval_model_api_version(const awsval_model *m) { return m ? AV_STR(m, m->api_version) : NULL; }
size_t awsval_model_operation_count(const awsval_model *m) { return m ? m->op_count : 0; }
size_t awsval_model_pattern_count(const awsval_model *m) { return m ? m->pattern_count : 0; }
size_t awsval_model_shape_count(const awsval_model *m) { return m ? m->shape_count : 0; }

const char *awsval_model_operation_name(const awsval_model *m, size_t i)
{
    return m && i < m->op_count ? AV_STR(m, m->ops[i].name) : NULL;
}

/* Looks a name up in an index made by name_index(). */
static int32_t find_name(const awsval_model *m, const uint32_t *table, uint32_t mask,
                         const void *base, size_t stride, size_t name_off, const char *name,
                         size_t len)
{
    uint32_t h = awsval__hash(name, len) & mask;
    for (;;) {
        uint32_t e = table[h];
        if (!e) return -1;
        uint32_t off;
        memcpy(&off, (const char *)base + (e - 1) * stride + name_off, sizeof off);
        const char *s = AV_STR(m, off);
        if (strncmp(s, name, len) == 0 && s[len] == '\0') return (int32_t)(e - 1);
        h = (h + 1) & mask;
    }
}

int32_t awsval__find_operation(const awsval_model *m, const char *name, size_t len)
{
    return find_name(m, m->op_table, m->op_mask, m->ops, sizeof *m->ops,
                     offsetof(awsval__operation, name), name, len);
}

int32_t awsval__find_shape(const awsval_model *m, const char *name, size_t len)
{
    return find_name(m, m->shape_table, m->shape_mask, m->shapes, sizeof *m->shapes,
                     offsetof(awsval__shape, name), name, len);
}

int32_t awsval__find_member(const awsval_model *m, const awsval__shape *s, const char *name,
                            size_t len, uint32_t hash)
{
    uint32_t h = hash & s->table_mask;
    for (;;) {
        uint32_t e = m->mtable[s->table_first + h];
        if (!e) return -1;
        const awsval__member *mb = &m->members[e - 1];
        if (mb->hash == hash && mb->name_len == len && memcmp(AV_STR(m, mb->name), name, len) == 0)
            return (int32_t)(e - 1);
        h = (h + 1) & s->table_mask;
    }
}
