/* botocore service-2.json -> compiled, immutable model; overlays; embedded models.
 *
 * Models are read once at start-up, so this module uses jansson for the document and spends
 * its effort on a layout that makes checking cheap: flat arrays, member hash tables, each
 * distinct pattern compiled (and JIT-compiled) once. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <strings.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval_internal.h"
#include "awsval_json.h"

/* ---------------------------------------------------------------- build state (Private) */

typedef struct builder {
    awsval_model *m;
    awsval__buf strings;
    awsval__buf shapes, members, mtable, enums, patterns, docs, ops, bmp;
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
        b->err->doc = pos ? b->doc : AWSVAL_ERRDOC_NONE;
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

/* Shortest decimal text that reads back as d: the model's "2.2" prints as 2.2, not
 * 2.2000000000000002. */
static void number_text(char *out, size_t cap, const jv *v)
{
    if (jv_is(v, JV_INT)) {
        snprintf(out, cap, "%" PRId64, (int64_t)jv_int(v));
        return;
    }
    double d = jv_num(v);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, d);
        if (strtod(out, NULL) == d) return;
    }
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
        return fail(b, AWSVAL_MODEL, 0, "%s: %s has no \"shape\" reference", owner, what);
    *out = lookup(b, jv_str(s));
    if (*out < 0)
        return fail(b, AWSVAL_MODEL, 0, "%s: %s references unknown shape '%s'", owner, what,
                    jv_str(s));
    return true;
}

/* Recognises `^?[class]QUANT$?` in Java syntax (no nested classes, intersections, quoting or
 * lazy/possessive quantifiers). Sets the quantifier's bounds. */
static bool single_class(const char *p, uint32_t *qmin, uint32_t *qmax)
{
    size_t i = 0;
    if (p[i] == '^') i++;
    if (p[i++] != '[') return false;
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
    i++;
    char q = p[i++];
    if (q == '*') { *qmin = 0; *qmax = UINT32_MAX; }
    else if (q == '+') { *qmin = 1; *qmax = UINT32_MAX; }
    else if (q == '?') { *qmin = 0; *qmax = 1; }
    else if (q == '{') {
        char *e;
        unsigned long lo = strtoul(p + i, &e, 10), hi = lo;
        if (e == p + i || lo > 100000) return false;
        if (*e == ',') {
            const char *h = e + 1;
            hi = strtoul(h, &e, 10);
            if (e == h) hi = UINT32_MAX;
        }
        if (*e != '}' || hi < lo) return false;
        i = (size_t)(e + 1 - p);
        *qmin = (uint32_t)lo;
        *qmax = hi > UINT32_MAX ? UINT32_MAX : (uint32_t)hi;
    } else {
        return false;
    }
    if (p[i] == '?' || p[i] == '+') return false;
    if (p[i] == '$') i++;
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
}

/* Adds a pattern (deduplicated by text and mode); returns its index or -1. */
static int32_t add_pattern(builder *b, const char *src, uint32_t mode, const char *owner)
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
        else fail(b, AWSVAL_MODEL, erroff, "shape '%s': pattern '%s' does not compile: %s", owner,
                  src, msg);
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

static const struct { const char *name; uint8_t type; } type_names[] = {
    {"structure", AV_T_STRUCTURE}, {"list", AV_T_LIST},         {"map", AV_T_MAP},
    {"string", AV_T_STRING},       {"boolean", AV_T_BOOLEAN},   {"byte", AV_T_BYTE},
    {"short", AV_T_SHORT},         {"integer", AV_T_INTEGER},   {"long", AV_T_LONG},
    {"float", AV_T_FLOAT},         {"double", AV_T_DOUBLE},     {"bigInteger", AV_T_BIGINTEGER},
    {"biginteger", AV_T_BIGINTEGER}, {"bigdecimal", AV_T_BIGDECIMAL},
    {"bigDecimal", AV_T_BIGDECIMAL}, {"timestamp", AV_T_TIMESTAMP}, {"blob", AV_T_BLOB},
};

static bool is_integral_type(uint8_t t)
{
    return t == AV_T_BYTE || t == AV_T_SHORT || t == AV_T_INTEGER || t == AV_T_LONG ||
           t == AV_T_BIGINTEGER;
}

static bool read_bound(builder *b, awsval__shape *s, const jv *v, bool is_min, const char *name)
{
    if (!v) return true;
    if (!jv_is_number(v))
        return fail(b, AWSVAL_MODEL, 0, "shape '%s': %s is not a number", name,
                    is_min ? "min" : "max");
    char text[40];
    number_text(text, sizeof text, v);
    bool ok = true;
    uint32_t t = intern_cstr(b, text, &ok);
    if (!ok) return false;
    double d = jv_num(v);
    bool is_float = s->type == AV_T_FLOAT || s->type == AV_T_DOUBLE || s->type == AV_T_BIGDECIMAL;
    if (is_float) {
        s->flags |= AV_SF_FLOAT_RANGE;
        if (is_min) s->fmin = d; else s->fmax = d;
    }
    int64_t iv;
    if (jv_is(v, JV_INT)) {
        iv = (int64_t)jv_int(v);
    } else if (is_float) {
        iv = 0;
    } else {
        /* A fractional length or integer bound: round inwards (ceil a min, floor a max). */
        double r = is_min ? ceil(d) : floor(d);
        iv = r >= 9.2e18 ? INT64_MAX : r <= -9.2e18 ? INT64_MIN : (int64_t)r;
    }
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
static bool enum_text(builder *b, awsval__shape *s, const jv *internal)
{
    awsval__buf t = {0};
    bool ok = awsval__buf_put(&t, &b->m->alc, "[", 1);
    bool first = true;
    for (uint32_t i = 0; ok && i < s->enum_count; i++) {
        const awsval__enum *e = &ARR(b->enums, awsval__enum)[s->enum_first + i];
        char num[32];
        const char *txt;
        size_t len;
        if (s->flags & AV_SF_INT_ENUM) {
            len = (size_t)snprintf(num, sizeof num, "%" PRId64, e->num);
            txt = num;
        } else {
            txt = b->strings.data + e->str;
            len = e->len;
            bool hidden = false;
            size_t k;
            const jv *iv;
            JV_ARRAY_EACH(internal, k, iv) {
                if (jv_is(iv, JV_STRING) && jv_strlen(iv) == len &&
                    memcmp(jv_str(iv), txt, len) == 0)
                    hidden = true;
            }
            if (hidden) continue;
        }
        ok = (first || awsval__buf_put(&t, &b->m->alc, ", ", 2)) &&
             awsval__buf_put(&t, &b->m->alc, txt, len);
        first = false;
    }
    ok = ok && awsval__buf_put(&t, &b->m->alc, "]", 1);
    if (ok) s->enum_text = intern(b, t.data, t.len, &ok);
    else NOMEM(b);
    awsval__buf_free(&t, &b->m->alc);
    return ok;
}

static bool read_enum(builder *b, awsval__shape *s, const jv *def, const char *name)
{
    const jv *en = awsval__jv_get(def, "enum");
    if (!en) return true;
    if (!jv_is(en, JV_ARRAY)) return fail(b, AWSVAL_MODEL, 0, "shape '%s': enum is not a list", name);
    s->enum_first = LEN(b->enums, awsval__enum);
    size_t i;
    const jv *v;
    JV_ARRAY_EACH(en, i, v) {
        awsval__enum *e = push(b, &b->enums, sizeof *e);
        if (!e) return false;
        if (s->type == AV_T_STRING && jv_is(v, JV_STRING)) {
            bool ok = true;
            e->str = intern(b, jv_str(v), jv_strlen(v), &ok);
            e->len = (uint32_t)jv_strlen(v);
            if (!ok) return false;
        } else if (is_integral_type(s->type) && jv_is(v, JV_INT)) {
            e->num = (int64_t)jv_int(v);
            s->flags |= AV_SF_INT_ENUM;
        } else {
            return fail(b, AWSVAL_MODEL, 0, "shape '%s': enum value %zu does not fit the type",
                        name, i);
        }
        s->enum_count++;
    }
    return enum_text(b, s, awsval__jv_get(def, "internalEnumValues"));
}

static const char *location_names[] = {"", "uri", "querystring", "header", "headers"};

static bool read_members(builder *b, uint32_t si, const jv *def, const char *name)
{
    const jv *ms = awsval__jv_get(def, "members");
    if (!jv_is(ms, JV_OBJECT))
        return fail(b, AWSVAL_MODEL, 0, "shape '%s': structure without members", name);
    const jv *req = awsval__jv_get(def, "required");
    if (req && !jv_is(req, JV_ARRAY))
        return fail(b, AWSVAL_MODEL, 0, "shape '%s': required is not a list", name);
    uint32_t first = LEN(b->members, awsval__member), count = 0;
    const char *key;
    const jv *ref;
    JV_OBJECT_EACH(ms, key, ref) {
        awsval__member *mb = push(b, &b->members, sizeof *mb);
        if (!mb) return false;
        bool ok = true;
        size_t kl = strlen(key);
        mb->name = intern(b, key, kl, &ok);
        if (!ok) return false;
        mb->name_len = (uint32_t)kl;
        mb->hash = awsval__hash(key, kl);
        char what[300], owner[300];
        snprintf(what, sizeof what, "member '%s'", key);
        snprintf(owner, sizeof owner, "shape '%s'", name);
        if (!target_of(b, ref, owner, what, &mb->shape)) return false;
        mb->sensitive = jv_is_true(awsval__jv_get(ref, "sensitive"));
        const jv *loc = awsval__jv_get(ref, "location");
        if (jv_is(loc, JV_STRING)) {
            for (uint8_t l = 1; l < sizeof location_names / sizeof *location_names; l++)
                if (strcmp(jv_str(loc), location_names[l]) == 0) mb->location = l;
        }
        /* botocore names the member that is the whole HTTP body: "payload": "member". */
        if (jv_str(awsval__jv_get(def, "payload")) && strcmp(jv_str(awsval__jv_get(def, "payload")), key) == 0)
            mb->location = AV_LOC_PAYLOAD;
        const jv *ln = awsval__jv_get(ref, "locationName");
        if (jv_is(ln, JV_STRING)) {
            mb->location_name = intern_cstr(b, jv_str(ln), &ok);
            if (!ok) return false;
        }
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
            return fail(b, AWSVAL_MODEL, 0, "shape '%s': required member '%s' is not a member",
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
    if (!jv_is(type, JV_STRING))
        return fail(b, AWSVAL_MODEL, 0, "shape '%s': no type", name);
    for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++)
        if (strcmp(type_names[i].name, jv_str(type)) == 0) s->type = type_names[i].type;
    if (!s->type)
        return fail(b, AWSVAL_MODEL, 0, "shape '%s': unknown type '%s'", name,
                    jv_str(type));
    s->pattern = -1;
    s->target = s->value = -1;
    if (jv_is_true(awsval__jv_get(def, "sensitive"))) s->flags |= AV_SF_SENSITIVE;
    if (jv_is_true(awsval__jv_get(def, "union"))) s->flags |= AV_SF_UNION;
    if (jv_is_true(awsval__jv_get(def, "uniqueItems"))) s->flags |= AV_SF_UNIQUE;
    if (!read_bound(b, s, awsval__jv_get(def, "min"), true, name)) return false;
    s = &ARR(b->shapes, awsval__shape)[si];
    if (!read_bound(b, s, awsval__jv_get(def, "max"), false, name)) return false;
    s = &ARR(b->shapes, awsval__shape)[si];
    if (!read_enum(b, s, def, name)) return false;
    s = &ARR(b->shapes, awsval__shape)[si];
    const jv *pat = awsval__jv_get(def, "pattern");
    if (pat) {
        if (!jv_is(pat, JV_STRING) || s->type != AV_T_STRING)
            return fail(b, AWSVAL_MODEL, 0, "shape '%s': pattern on a %s or not a string", name,
                        jv_str(type));
        uint32_t mode = (b->flags & AWSVAL_MODEL_PATTERN_SEARCH) ? AWSVAL__RE_SEARCH : AWSVAL__RE_FULL;
        int32_t p = add_pattern(b, jv_str(pat), mode, name);
        if (p < 0) return false;
        ARR(b->shapes, awsval__shape)[si].pattern = p;
    }
    s = &ARR(b->shapes, awsval__shape)[si];
    char owner[300];
    snprintf(owner, sizeof owner, "shape '%s'", name);
    switch (s->type) {
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

static bool merge_overlay_doc(builder *b, const char *text, size_t len, const char *label);

/* Overlay document:
 *   {"shapes": {"TagKey": [{"pattern": "...", "message": "..."}, {"min": 1, "max": 128}]}}
 * Each rule becomes a documented constraint of the shape. Overlay patterns always must match
 * the whole value: they are our own statements of the documentation, not model text. */
static bool merge_overlay(builder *b, const char *text, size_t len, const char *label, uint32_t doc)
{
    uint32_t outer = b->doc;
    b->doc = doc;
    bool r = merge_overlay_doc(b, text, len, label);
    b->doc = outer;
    return r;
}

static bool merge_overlay_doc(builder *b, const char *text, size_t len, const char *label)
{
    size_t pos;
    char perr[128];
    bool nomem;
    jv_doc *od = awsval__jv_parse(text, len, &b->m->alc, &pos, perr, sizeof perr, &nomem);
    if (!od) {
        if (nomem) return NOMEM(b);
        return fail(b, AWSVAL_MODEL, pos, "%s overlay: %s at byte %zu", label, perr, pos);
    }
    const jv *doc = awsval__jv_root(od);
    bool ok = true;
    const jv *shapes = awsval__jv_get(doc, "shapes");
    if (!jv_is(shapes, JV_OBJECT)) {
        ok = fail(b, AWSVAL_MODEL, 0, "%s overlay: no \"shapes\" object", label);
        goto out;
    }
    const char *name;
    const jv *rules;
    JV_OBJECT_EACH(shapes, name, rules) {
        int32_t si = lookup(b, name);
        /* An overlay written for a service may name shapes an older model version lacks. */
        if (si < 0) continue;
        if (!jv_is(rules, JV_ARRAY)) {
            ok = fail(b, AWSVAL_MODEL, 0, "%s overlay: shape '%s': rules are not a list", label, name);
            goto out;
        }
        awsval__shape *s = &ARR(b->shapes, awsval__shape)[si];
        if (s->doc_count == 0) s->doc_first = LEN(b->docs, awsval__doc_rule);
        else if (s->doc_first + s->doc_count != LEN(b->docs, awsval__doc_rule)) {
            ok = fail(b, AWSVAL_MODEL, 0, "%s overlay: shape '%s' named twice", label, name);
            goto out;
        }
        size_t i;
        const jv *r;
        JV_ARRAY_EACH(rules, i, r) {
            const jv *pat = awsval__jv_get(r, "pattern"), *msg = awsval__jv_get(r, "message");
            const jv *mn = awsval__jv_get(r, "min"), *mx = awsval__jv_get(r, "max");
            const jv *fp = awsval__jv_get(r, "forbiddenPrefix");
            awsval__doc_rule rule = {0};
            rule.min = rule.max = -1;
            rule.pattern = -1;
            char text_buf[600];
            const jv *cs = awsval__jv_get(r, "characters");
            if (jv_is(pat, JV_STRING)) {
                rule.kind = AWSVAL_KIND_PATTERN;
                rule.form = AV_DOC_REGEX;
                rule.pattern = add_pattern(b, jv_str(pat), AWSVAL__RE_FULL, name);
                if (rule.pattern < 0) { ok = false; goto out; }
                snprintf(text_buf, sizeof text_buf,
                         "Member must satisfy regular expression pattern: %s",
                         jv_str(pat));
            } else if (jv_is(cs, JV_OBJECT)) {
                /* {"categories": ["L", "N", "Z"], "whitespace": true, "also": "_.:/=+-@"} */
                rule.kind = AWSVAL_KIND_PATTERN;
                rule.form = AV_DOC_CHARSET;
                size_t ci;
                const jv *c;
                JV_ARRAY_EACH(awsval__jv_get(cs, "categories"), ci, c) {
                    uint32_t mask = jv_str(c) ? awsval__category_mask(jv_str(c)) : 0;
                    if (!mask) {
                        ok = fail(b, AWSVAL_MODEL, 0, "%s overlay: shape '%s': unknown Unicode category '%s'",
                                  label, name, jv_str(c) ? jv_str(c) : "?");
                        goto out;
                    }
                    rule.chars.categories |= mask;
                }
                rule.chars.space = jv_is_true(awsval__jv_get(cs, "whitespace"));
                const jv *also = awsval__jv_get(cs, "also");
                /* Rules with the same set share one bitmap (tag keys and values, typically). */
                const awsval__doc_rule *same = NULL;
                for (uint32_t k = 0; k < LEN(b->docs, awsval__doc_rule) && !same; k++) {
                    const awsval__doc_rule *o = &ARR(b->docs, awsval__doc_rule)[k];
                    if (o->form == AV_DOC_CHARSET && o->chars.categories == rule.chars.categories &&
                        o->chars.space == rule.chars.space && o->also_len == jv_strlen(also) &&
                        memcmp(b->strings.data + o->also, jv_str(also) ? jv_str(also) : "", o->also_len) == 0)
                        same = o;
                }
                rule.also = intern(b, jv_str(also) ? jv_str(also) : "", jv_strlen(also), &ok);
                rule.also_len = (uint32_t)jv_strlen(also);
                if (!ok) goto out;
                if (same) {
                    rule.chars = same->chars;
                } else {
                    rule.chars.bmp = (uint32_t)(b->bmp.len / (AV_BMP_WORDS * sizeof(uint64_t)));
                    uint64_t *bits = push(b, &b->bmp, AV_BMP_WORDS * sizeof(uint64_t));
                    if (!bits) { ok = false; goto out; }
                    awsval__charset_finish(&rule.chars, bits, jv_str(also) ? jv_str(also) : "",
                                           jv_strlen(also));
                }
                snprintf(text_buf, sizeof text_buf, "Member must contain only the documented characters");
            } else if (jv_is(fp, JV_STRING) && jv_strlen(fp) > 0) {
                rule.kind = AWSVAL_KIND_PATTERN;
                rule.form = AV_DOC_PREFIX;
                rule.prefix = intern(b, jv_str(fp), jv_strlen(fp), &ok);
                rule.prefix_len = (uint32_t)jv_strlen(fp);
                if (!ok) goto out;
                snprintf(text_buf, sizeof text_buf, "Member must not begin with '%s'",
                         jv_str(fp));
            } else if (jv_is(mn, JV_INT) || jv_is(mx, JV_INT)) {
                rule.kind = AWSVAL_KIND_LENGTH;
                rule.form = AV_DOC_LENGTH;
                rule.min = jv_is(mn, JV_INT) ? (int64_t)jv_int(mn) : -1;
                rule.max = jv_is(mx, JV_INT) ? (int64_t)jv_int(mx) : -1;
                if (rule.max >= 0)
                    snprintf(text_buf, sizeof text_buf,
                             "Member must have length less than or equal to %" PRId64, rule.max);
                else
                    snprintf(text_buf, sizeof text_buf,
                             "Member must have length greater than or equal to %" PRId64, rule.min);
            } else {
                ok = fail(b, AWSVAL_MODEL, 0, "%s overlay: shape '%s': rule %zu has no pattern, characters, forbiddenPrefix, min or max",
                          label, name, i);
                goto out;
            }
            rule.message = intern_cstr(b, jv_is(msg, JV_STRING) ? jv_str(msg) : text_buf, &ok);
            if (!ok) goto out;
            awsval__doc_rule *d = push(b, &b->docs, sizeof *d);
            if (!d) { ok = false; goto out; }
            *d = rule;
            ARR(b->shapes, awsval__shape)[si].doc_count++;
        }
    }
out:
    awsval__jv_free(od);
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
    for (uint32_t i = 0; i < m->member_count; i++)
        if (m->shapes[m->members[i].shape].flags & AV_SF_HIDES) m->members[i].sensitive = 1;
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

static int cmp_ops(const awsval__operation *x, const awsval__operation *y, const char *strings)
{
    return strcmp(strings + x->name, strings + y->name);
}

/* Operations are few; an insertion sort needs no context-free comparator (qsort has no
 * context argument) and no static state. */
static void sort_ops(awsval_model *m)
{
    for (uint32_t i = 1; i < m->op_count; i++) {
        awsval__operation t = m->ops[i];
        uint32_t j = i;
        while (j > 0 && cmp_ops(&m->ops[j - 1], &t, m->strings) > 0) {
            m->ops[j] = m->ops[j - 1];
            j--;
        }
        m->ops[j] = t;
    }
}

/* The service's answer to a bad request, from its own ValidationException shape when it has
 * one (its members name the fields and the reasons), else the Coral framework error of the
 * protocol. */
static bool derive_native(builder *b, const jv *shapes)
{
    awsval_model *m = b->m;
    awsval__native *n = &m->native;
    const char *proto = b->strings.data + m->protocol; /* not handed over yet */
    n->kind = strcmp(proto, "rest-json") == 0 ? AV_NATIVE_REST_JSON
              : strcmp(proto, "json") == 0    ? AV_NATIVE_AWS_JSON
                                              : AV_NATIVE_OTHER;
    n->status = 400;
    bool ok = true;
    n->error_type = intern_cstr(b, "ValidationException", &ok);
    n->message_field = intern_cstr(b, "message", &ok);
    const jv *ve = awsval__jv_get(shapes, "ValidationException");
    if (!ok) return false;
    if (!jv_is(ve, JV_OBJECT) || !jv_is_true(awsval__jv_get(ve, "exception"))) return true;
    const jv *err = awsval__jv_get(ve, "error");
    const jv *code = awsval__jv_get(err, "httpStatusCode");
    if (jv_is(code, JV_INT)) n->status = (int)jv_int(code);
    const jv *ms = awsval__jv_get(ve, "members");
    const char *key;
    const jv *ref;
    JV_OBJECT_EACH(ms, key, ref) {
        const char *target = jv_str(awsval__jv_get(ref, "shape"));
        const jv *ts = target ? awsval__jv_get(shapes, target) : NULL;
        const char *ttype = jv_str(awsval__jv_get(ts, "type"));
        if (!ttype) continue;
        if (strcasecmp(key, "message") == 0) {
            n->message_field = intern_cstr(b, key, &ok);
        } else if (strcasecmp(key, "reason") == 0 && strcmp(ttype, "string") == 0) {
            n->has_reason = true;
            n->reason_field = intern_cstr(b, key, &ok);
            size_t i;
            const jv *v;
            JV_ARRAY_EACH(awsval__jv_get(ts, "enum"), i, v) {
                const char *e = jv_str(v);
                if (!e) continue;
                if (strcasecmp(e, "cannotParse") == 0) n->reason_cannot_parse = intern_cstr(b, e, &ok);
                if (strcasecmp(e, "fieldValidationFailed") == 0)
                    n->reason_field_failed = intern_cstr(b, e, &ok);
                if (strcasecmp(e, "unknownOperation") == 0)
                    n->reason_unknown_op = intern_cstr(b, e, &ok);
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

/* The built-in overlay of a service, or NULL. */
static const awsval__builtin *builtin_of(const char *service)
{
    for (size_t i = 0; service && i < awsval__builtin_total; i++)
        if (strcmp(awsval__builtins[i].service, service) == 0) return &awsval__builtins[i];
    return NULL;
}

static awsval_model *load(const char *json, size_t len, const awsval_model_opts *opts,
                          awsval_model_err *err, const char *service_name);

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

awsval_model *awsval__load(const char *json, size_t len, const awsval_model_opts *opts,
                           awsval_model_err *out, const char *service_name)
{
    awsval_model_err e;
    memset(&e, 0, sizeof e);
    awsval_model *m = load(json, len, opts, &e, service_name);
    err_out(out, &e, json, len);
    return m;
}

static awsval_model *load(const char *json, size_t len, const awsval_model_opts *opts,
                          awsval_model_err *err, const char *service_name)
{
    awsval_model_opts o = {0};
    if (opts) memcpy(&o, opts, opts->size && opts->size < sizeof o ? opts->size : sizeof o);
    if (!service_name) service_name = o.service;
    const awsval__builtin *bi = builtin_of(service_name);
    const char *builtin_overlay = bi ? bi->overlay : NULL;
    size_t builtin_overlay_len = bi ? bi->overlay_len : 0;
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
    jv_doc *d = NULL;
    bool ok = awsval__buf_put(&b.strings, &alc, "", 1);
    if (!ok) { NOMEM(&b); goto done; }

    size_t pos;
    char msg[128];
    bool nomem;
    d = awsval__jv_parse(json, len, &alc, &pos, msg, sizeof msg, &nomem);
    if (!d) {
        size_t line = 0, col = 0;
        awsval_locate_pos(json, len, pos, &line, &col);
        ok = nomem ? NOMEM(&b)
                   : fail(&b, AWSVAL_MODEL, pos, "model JSON: %s at byte %zu (line %zu, column %zu)",
                          msg, pos, line, col);
        goto done;
    }
    const jv *doc = awsval__jv_root(d);
    const jv *meta = awsval__jv_get(doc, "metadata"), *shapes = awsval__jv_get(doc, "shapes");
    const jv *opsj = awsval__jv_get(doc, "operations");
    if (!jv_is(meta, JV_OBJECT) || !jv_is(shapes, JV_OBJECT) || !jv_is(opsj, JV_OBJECT)) {
        ok = fail(&b, AWSVAL_MODEL, 0, "not a botocore service model: metadata, operations and "
                                       "shapes objects are required");
        goto done;
    }
    const char *proto = jv_str(awsval__jv_get(meta, "protocol"));
    const char *svc = service_name ? service_name
                                   : jv_str(awsval__jv_get(meta, "endpointPrefix"));
    const char *tp = jv_str(awsval__jv_get(meta, "targetPrefix"));
    const char *jver = jv_str(awsval__jv_get(meta, "jsonVersion"));
    const char *apiv = jv_str(awsval__jv_get(meta, "apiVersion"));
    m->api_version = intern_cstr(&b, apiv ? apiv : "", &ok);
    m->protocol = intern_cstr(&b, proto ? proto : "", &ok);
    m->service = intern_cstr(&b, svc ? svc : "", &ok);
    m->target_prefix = intern_cstr(&b, tp ? tp : "", &ok);
    m->json_version = intern_cstr(&b, jver ? jver : "", &ok);
    if (!ok) goto done;

    /* Shape names first, so that references resolve regardless of order. */
    size_t count = jv_count(shapes);
    if (count > INT32_MAX / 2) { ok = fail(&b, AWSVAL_MODEL, 0, "too many shapes"); goto done; }
    m->shape_count = (uint32_t)count;
    b.names = awsval__calloc(&alc, count ? count : 1, sizeof *b.names);
    b.name_index = awsval__calloc(&alc, count ? count : 1, sizeof *b.name_index);
    if (!b.names || !b.name_index || !awsval__buf_reserve(&b.shapes, &alc, count * sizeof(awsval__shape))) {
        ok = NOMEM(&b);
        goto done;
    }
    const char *key;
    const jv *def;
    uint32_t si = 0;
    JV_OBJECT_EACH(shapes, key, def) {
        awsval__shape *s = push(&b, &b.shapes, sizeof *s);
        s->name = intern_cstr(&b, key, &ok);
        if (!ok) goto done;
        b.names[si] = key;
        si++;
    }
    qsort(b.names, count, sizeof *b.names, cmp_names);
    for (size_t i = 0; i < count; i++) {
        /* jansson iterates in insertion order: find each sorted name's index once. */
        b.name_index[i] = -1;
    }
    si = 0;
    JV_OBJECT_EACH(shapes, key, def) {
        const char **hit = bsearch(&key, b.names, count, sizeof *b.names, cmp_names);
        b.name_index[hit - b.names] = (int32_t)si++;
    }
    si = 0;
    JV_OBJECT_EACH(shapes, key, def) {
        if (!jv_is(def, JV_OBJECT)) { ok = fail(&b, AWSVAL_MODEL, 0, "shape '%s': not an object", key); goto done; }
        if (!read_shape(&b, si++, key, def)) { ok = false; goto done; }
    }

    if (!(o.flags & AWSVAL_MODEL_NO_OVERLAY) && builtin_overlay &&
        !merge_overlay(&b, builtin_overlay, builtin_overlay_len, "built-in", AWSVAL_ERRDOC_BUILTIN)) { ok = false; goto done; }
    if (o.overlay && !merge_overlay(&b, o.overlay, o.overlay_len, "caller's", AWSVAL_ERRDOC_OVERLAY)) { ok = false; goto done; }

    const jv *op;
    JV_OBJECT_EACH(opsj, key, op) {
        awsval__operation *x = push(&b, &b.ops, sizeof *x);
        if (!x) { ok = false; goto done; }
        x->name = intern_cstr(&b, key, &ok);
        x->input = -1;
        const jv *in = awsval__jv_get(op, "input");
        char owner[300];
        snprintf(owner, sizeof owner, "operation '%s'", key);
        if (in && !target_of(&b, in, owner, "input", &x->input)) { ok = false; goto done; }
        if (x->input >= 0 && ARR(b.shapes, awsval__shape)[x->input].type != AV_T_STRUCTURE) {
            ok = fail(&b, AWSVAL_MODEL, 0, "operation '%s': input is not a structure", key);
            goto done;
        }
        const jv *http = awsval__jv_get(op, "http");
        const char *meth = jv_str(awsval__jv_get(http, "method"));
        const char *uri = jv_str(awsval__jv_get(http, "requestUri"));
        x->method = intern_cstr(&b, meth ? meth : "POST", &ok);
        x->uri = intern_cstr(&b, uri ? uri : "/", &ok);
        x->method_len = (uint32_t)strlen(meth ? meth : "POST");
        x->path_len = (uint32_t)strcspn(uri ? uri : "/", "?");
        if (!ok) goto done;
    }
    if (!derive_native(&b, shapes)) { ok = false; goto done; }

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
    if (!ok) {
        /* Patterns compiled so far belong to the builder until handed over. */
        if (b.patterns.data) {
            awsval__pattern *ps = ARR(b.patterns, awsval__pattern);
            for (uint32_t i = 0; i < LEN(b.patterns, awsval__pattern); i++) awsval__regex_free(ps[i].re);
        }
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

awsval_model *awsval_model_load_buffer(const char *json, size_t len, const awsval_model_opts *opts,
                                       awsval_model_err *err)
{
    return awsval__load(json, len, opts, err, NULL);
}

awsval_model *awsval_model_load_builtin(const char *service, const awsval_model_opts *opts,
                                        awsval_model_err *err)
{
    const awsval__builtin *bi = builtin_of(service);
    if (bi) return awsval__load(bi->model, bi->model_len, opts, err, bi->service);
    awsval_model_err e;
    memset(&e, 0, sizeof e);
    e.code = service ? AWSVAL_NOTFOUND : AWSVAL_BADARG;
    snprintf(e.message, sizeof e.message, "no built-in model for service '%s'",
             service ? service : "(null)");
    err_out(err, &e, NULL, 0);
    return NULL;
}

size_t awsval_builtin_count(void) { return awsval__builtin_total; }

const char *awsval_builtin_name(size_t i)
{
    return i < awsval__builtin_total ? awsval__builtins[i].service : NULL;
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
