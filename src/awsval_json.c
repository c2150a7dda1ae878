/* The model document reader: the shared tokenizer's tokens into an arena-allocated tree. */
#include "awsval_json.h"
#include "awsval_scan.h"

#include <stdio.h>

#define JV_MAX_DEPTH 512

/* ------------------------------------------------------------------- arena (Private) */

typedef struct block {
    struct block *next;
    size_t used, cap;
    max_align_t data[];
} block;

struct jv_doc {
    awsval_alc alc;
    block *blocks;
    jv root;
};

static void *arena(jv_doc *d, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    block *b = d->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        b = awsval__malloc(&d->alc, sizeof *b + cap);
        if (!b) return NULL;
        b->next = d->blocks;
        b->used = 0;
        b->cap = cap;
        d->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void awsval__jv_free(jv_doc *d)
{
    if (!d) return;
    awsval_alc alc = d->alc;
    for (block *b = d->blocks, *next; b; b = next) {
        next = b->next;
        awsval__free(&alc, b);
    }
    awsval__free(&alc, d);
}

const jv *awsval__jv_root(const jv_doc *d) { return d ? &d->root : NULL; }

const jv *awsval__jv_get(const jv *obj, const char *key)
{
    if (!jv_is(obj, JV_OBJECT) || !key) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->len; i++) {
        const jv_member *m = &obj->u.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0) return &m->val;
    }
    return NULL;
}

/* ------------------------------------------------------------------ parser (Private) */

typedef struct parser {
    jv_doc *d;
    awsval__scan sc;
    awsval__buf text;   /* unescaped strings, before they are copied into the arena */
    awsval__buf stack;  /* children of the open containers */
    awsval__buf keys;   /* keyrefs of the open objects, for duplicates */
    const char *msg;    /* a reason beyond the tokenizer's */
    char msgbuf[128];   /* one that names a key */
    size_t msg_at;
    bool nomem;
} parser;

static bool fail(parser *ps, size_t at, const char *msg)
{
    if (!ps->msg && !ps->sc.err) {
        ps->msg = msg;
        ps->msg_at = at;
    }
    return false;
}

static bool oom(parser *ps)
{
    ps->nomem = true;
    return false;
}

/* Copies a scanned string into the arena, NUL-terminated; models have no use for a NUL inside. */
static bool keep_string(parser *ps, const awsval__str *st, const char **out)
{
    if (memchr(st->s, '\0', st->len)) return fail(ps, st->raw_off, "a NUL character in a string");
    char *dst = arena(ps->d, st->len + 1);
    if (!dst) return oom(ps);
    memcpy(dst, st->s, st->len);
    dst[st->len] = '\0';
    *out = dst;
    if (st->copied) ps->text.len = st->text_off; /* pop the unescaped text */
    return true;
}

static bool read_value(parser *ps, jv *v, unsigned depth);

/* Moves the children pushed since `mark` into the arena. */
static void *take_children(parser *ps, size_t mark, size_t size, size_t *n)
{
    *n = (ps->stack.len - mark) / size;
    void *arr = arena(ps->d, *n ? *n * size : 1);
    if (!arr) return NULL;
    if (*n) memcpy(arr, ps->stack.data + mark, *n * size);
    ps->stack.len = mark;
    return arr;
}

/* Fails on a key of ms[0..n) equal to an earlier one, by the shared detector (the keys are
 * copied side by side first: their arena copies are not in one block). */
static bool check_keys(parser *ps, const jv_member *ms, size_t n)
{
    awsval__buf all = {0};
    ps->keys.len = 0;
    bool ok = awsval__buf_reserve(&ps->keys, &ps->d->alc, n * sizeof(awsval__keyref));
    awsval__keyref *refs = (awsval__keyref *)(void *)ps->keys.data;
    for (size_t i = 0; ok && i < n; i++) {
        refs[i].off = (uint32_t)all.len;
        refs[i].len = (uint32_t)ms[i].key_len | AV_KEY_TEXT;
        ok = awsval__buf_put(&all, &ps->d->alc, ms[i].key, ms[i].key_len);
    }
    long dup = ok ? awsval__keys_duplicate(refs, n, "", all.data) : -1;
    size_t at = 0;
    if (dup >= 0) {
        /* The second of the two in document order. */
        const char *kt = all.data + refs[dup].off;
        size_t kl = refs[dup].len & ~AV_KEY_TEXT, seen = 0;
        for (size_t i = 0; i < n && !at; i++)
            if (ms[i].key_len == kl && memcmp(ms[i].key, kt, kl) == 0 && seen++) at = ms[i].key_pos;
    }
    if (dup >= 0 && ok) {
        /* Name the key (cut at 64 bytes on a character boundary). */
        size_t kl = refs[dup].len & ~AV_KEY_TEXT;
        size_t show = kl > 64 ? awsval__utf8_floor(all.data + refs[dup].off, 64) : kl;
        snprintf(ps->msgbuf, sizeof ps->msgbuf, "duplicate key \"%.*s%s\"", (int)show,
                 all.data + refs[dup].off, show < kl ? "..." : "");
    }
    awsval__buf_free(&all, &ps->d->alc);
    if (!ok) return oom(ps);
    return dup < 0 || fail(ps, at, ps->msgbuf);
}

static bool read_container(parser *ps, jv *v, unsigned depth)
{
    awsval__scan *s = &ps->sc;
    bool obj = *s->p == '{';
    if (depth >= JV_MAX_DEPTH) return awsval__scan_fail(s, AV_WHY_DEPTH, s->p, JV_MAX_DEPTH);
    s->p++;
    size_t mark = ps->stack.len;
    if (!awsval__scan_take(s, obj ? '}' : ']')) {
        for (;;) {
            if (obj) {
                jv_member m = {0};
                awsval__str k;
                if (!awsval__scan_key(s, &k)) return false;
                m.key_pos = k.raw_off;
                m.key_len = k.len;
                if (!keep_string(ps, &k, &m.key)) return false;
                if (!read_value(ps, &m.val, depth + 1)) return false;
                if (!awsval__buf_put(&ps->stack, &ps->d->alc, &m, sizeof m)) return oom(ps);
            } else {
                jv item;
                if (!read_value(ps, &item, depth + 1)) return false;
                if (!awsval__buf_put(&ps->stack, &ps->d->alc, &item, sizeof item)) return oom(ps);
            }
            int r = awsval__scan_next(s, obj ? '}' : ']');
            if (r < 0) return false;
            if (r == 0) break;
        }
    }
    size_t n;
    void *children = take_children(ps, mark, obj ? sizeof(jv_member) : sizeof(jv), &n);
    if (!children) return oom(ps);
    v->type = obj ? JV_OBJECT : JV_ARRAY;
    v->len = n;
    if (obj) v->u.members = children;
    else v->u.items = children;
    if (obj && n > 1 && !check_keys(ps, children, n)) return false;
    return true;
}

static bool read_value(parser *ps, jv *v, unsigned depth)
{
    awsval__scan *s = &ps->sc;
    awsval__scan_ws(s);
    memset(v, 0, sizeof *v);
    v->pos = (size_t)(s->p - s->start);
    if (s->p >= s->end) return awsval__scan_fail(s, AV_WHY_VALUE, s->p, 0);
    switch (*s->p) {
    case '{':
    case '[':
        return read_container(ps, v, depth);
    case '"': {
        awsval__str st;
        if (!awsval__scan_string(s, &st)) return false;
        v->type = JV_STRING;
        v->len = st.len;
        return keep_string(ps, &st, &v->u.s);
    }
    case 't':
        v->type = JV_TRUE;
        return awsval__scan_literal(s, "true", 4);
    case 'f':
        v->type = JV_FALSE;
        return awsval__scan_literal(s, "false", 5);
    case 'n':
        v->type = JV_NULL;
        return awsval__scan_literal(s, "null", 4);
    default: {
        if (*s->p != '-' && (*s->p < '0' || *s->p > '9'))
            return awsval__scan_fail(s, AV_WHY_CHAR, s->p, (unsigned char)*s->p);
        awsval__num n;
        if (!awsval__scan_number(s, &n)) return false;
        char *t = arena(ps->d, n.len + 1);
        if (!t) return oom(ps);
        memcpy(t, n.raw, n.len);
        t[n.len] = '\0';
        v->type = JV_NUMBER;
        v->num = t;
        v->len = n.len;
        v->is_int = n.fits;
        v->u.i = n.i;
        return true;
    }
    }
}

jv_doc *awsval__jv_parse(const char *text, size_t len, const awsval_alc *alc, size_t *pos,
                         char *msg, size_t msgcap, bool *nomem)
{
    *nomem = false;
    if (msgcap) msg[0] = '\0';
    *pos = 0;
    awsval_alc a;
    awsval__alc_init(&a, alc);
    jv_doc *d = awsval__calloc(&a, 1, sizeof *d);
    if (!d) {
        *nomem = true;
        snprintf(msg, msgcap, "out of memory");
        return NULL;
    }
    d->alc = a;
    parser ps = {.d = d};
    awsval__scan_init(&ps.sc, text, len, &ps.text, &d->alc);
    bool ok = read_value(&ps, &d->root, 0);
    if (ok) {
        awsval__scan_ws(&ps.sc);
        if (ps.sc.p < ps.sc.end) ok = awsval__scan_fail(&ps.sc, AV_WHY_TRAILING, ps.sc.p, 0);
    }
    awsval__buf_free(&ps.stack, &d->alc);
    awsval__buf_free(&ps.keys, &d->alc);
    awsval__buf_free(&ps.text, &d->alc);
    if (ok) return d;
    if (ps.nomem || ps.sc.nomem) {
        *nomem = true;
        snprintf(msg, msgcap, "out of memory");
    } else if (ps.sc.err) {
        snprintf(msg, msgcap, "%s", awsval__why_text(ps.sc.err));
        *pos = ps.sc.err_off;
    } else {
        snprintf(msg, msgcap, "%s", ps.msg);
        *pos = ps.msg_at;
    }
    awsval__jv_free(d);
    return NULL;
}
