/* uniqueItems: are two items of a list equal as values? Each item (validated JSON) is written
 * once in a canonical form (strings unescaped, numbers as exact decimals, object members sorted
 * by key), then the forms are sorted and neighbours compared: O(n log n) however the items are
 * chosen, where a structural hash could be flooded into quadratic work. */
#include "awsval_check.h"

typedef struct canon {
    awsval_ctx *c;
    awsval__scan sc;
    bool nomem;
} canon;

static bool put(canon *k, const void *p, size_t n)
{
    if (!awsval__buf_put(&k->c->eq, &k->c->alc, p, n)) k->nomem = true;
    return !k->nomem;
}

static bool put_u32(canon *k, uint32_t v) { return put(k, &v, sizeof v); }

static bool value(canon *k);

/* "S" length bytes: the string unescaped. */
static bool string(canon *k)
{
    size_t mark = k->c->text.len;
    awsval__str s;
    if (!awsval__scan_string(&k->sc, &s)) {
        k->nomem = k->sc.nomem;
        return false;
    }
    bool ok = put(k, "S", 1) && put_u32(k, (uint32_t)s.len) && put(k, s.copied ? k->c->text.data + s.text_off : s.s, s.len);
    k->c->text.len = mark;
    return ok;
}

/* "N" sign digits "e" exponent: 1, 1.0 and 1e0 are one number. */
static bool number(canon *k)
{
    awsval__num n;
    if (!awsval__scan_number(&k->sc, &n)) return false;
    awsval__dec d;
    awsval__dec_read(n.raw, n.len, &d);
    if (!put(k, "N", 1) || !put(k, d.ndigits && d.neg ? "-" : "+", 1) || !put_u32(k, d.ndigits)) return false;
    const char *q = d.digits;
    for (uint32_t i = 0; i < d.ndigits; q++) {
        if (*q == '.') continue;
        if (!put(k, q, 1)) return false;
        i++;
    }
    return put(k, &d.exp, sizeof d.exp);
}

/* Spans of the canonical members of one object, sorted by their bytes (keys first, and keys
 * are unique, so by key). */
typedef struct span {
    size_t off, len;
} span;

static int span_cmp(const char *base, span a, span b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = memcmp(base + a.off, base + b.off, n);
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

static void sift(const char *base, span *s, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && span_cmp(base, s[child], s[child + 1]) < 0) child++;
        if (span_cmp(base, s[root], s[child]) >= 0) return;
        span t = s[root];
        s[root] = s[child];
        s[child] = t;
        root = child;
    }
}

static bool object(canon *k)
{
    awsval__buf *eq = &k->c->eq;
    size_t start = eq->len, count = 0;
    k->sc.p++;
    if (!awsval__scan_take(&k->sc, '}')) {
        for (;;) {
            awsval__scan_ws(&k->sc);
            if (!string(k)) return false;
            awsval__scan_ws(&k->sc);
            k->sc.p++; /* ':' (validated) */
            if (!value(k)) return false;
            count++;
            if (awsval__scan_next(&k->sc, '}') <= 0) break;
        }
    }
    /* The members were written one after another; their spans are found by skipping forms. */
    size_t end = eq->len;
    size_t idx = eq->len;
    if (!awsval__buf_reserve(eq, &k->c->alc, count * sizeof(span) + sizeof(span))) {
        k->nomem = true;
        return false;
    }
    idx = (idx + sizeof(span) - 1) / sizeof(span) * sizeof(span);
    span *spans = (span *)(void *)(eq->data + idx);
    size_t pos = start;
    for (size_t i = 0; i < count; i++) {
        size_t s0 = pos;
        /* Skip two forms (the key, the value); each is self-delimiting. */
        for (size_t remaining = 2; remaining; remaining--) {
            char tag = eq->data[pos++];
            uint32_t n;
            if (tag == 'S') {
                memcpy(&n, eq->data + pos, 4);
                pos += 4 + n;
            } else if (tag == 'N') {
                memcpy(&n, eq->data + pos + 1, 4);
                pos += 1 + 4 + n + sizeof(int64_t);
            } else if (tag == 'A' || tag == 'O') {
                memcpy(&n, eq->data + pos, 4);
                pos += 4;
                remaining += tag == 'O' ? 2 * (size_t)n : n;
            }
        }
        spans[i] = (span){s0, pos - s0};
    }
    for (size_t i = count / 2; i-- > 0;) sift(eq->data, spans, i, count);
    for (size_t e = count; e-- > 1;) {
        span t = spans[0];
        spans[0] = spans[e];
        spans[e] = t;
        sift(eq->data, spans, 0, e);
    }
    /* Write the sorted members after the index, then move them into place. */
    size_t out = idx + count * sizeof(span);
    if (!awsval__buf_reserve(eq, &k->c->alc, out - eq->len + (end - start) + 5)) {
        k->nomem = true;
        return false;
    }
    spans = (span *)(void *)(eq->data + idx);
    char *dst = eq->data + out;
    dst[0] = 'O';
    uint32_t c32 = (uint32_t)count;
    memcpy(dst + 1, &c32, 4);
    size_t o = 5;
    for (size_t i = 0; i < count; i++) {
        memcpy(dst + o, eq->data + spans[i].off, spans[i].len);
        o += spans[i].len;
    }
    memmove(eq->data + start, dst, o);
    eq->len = start + o;
    return true;
}

static bool array(canon *k)
{
    awsval__buf *eq = &k->c->eq;
    size_t head = eq->len;
    if (!put(k, "A", 1) || !put_u32(k, 0)) return false;
    uint32_t count = 0;
    k->sc.p++;
    if (!awsval__scan_take(&k->sc, ']')) {
        for (;;) {
            if (!value(k)) return false;
            count++;
            if (awsval__scan_next(&k->sc, ']') <= 0) break;
        }
    }
    memcpy(eq->data + head + 1, &count, 4);
    return true;
}

static bool value(canon *k)
{
    awsval__scan_ws(&k->sc);
    if (k->sc.p >= k->sc.end) return false;
    switch (*k->sc.p) {
    case '{': return object(k);
    case '[': return array(k);
    case '"': return string(k);
    case 't': k->sc.p += 4; return put(k, "t", 1);
    case 'f': k->sc.p += 5; return put(k, "f", 1);
    case 'n': k->sc.p += 4; return put(k, "n", 1);
    default: return number(k);
    }
}

bool awsval__jsoneq_duplicates(awsval_ctx *c, const char *input, awsval__item *items, size_t n,
                               bool *nomem)
{
    canon k = {.c = c};
    size_t text_mark = c->text.len;
    c->eq.len = 0;
    /* The refs go after the forms; they are made once every form is written. */
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        size_t s0 = c->eq.len;
        awsval__scan_init(&k.sc, input + items[i].start, items[i].end - items[i].start, &c->text, &c->alc);
        ok = value(&k);
        items[i].start = (uint32_t)s0;
        items[i].end = (uint32_t)c->eq.len;
    }
    c->text.len = text_mark;
    if (!ok || k.nomem) {
        *nomem = k.nomem || k.sc.nomem;
        return false;
    }
    size_t forms = c->eq.len;
    size_t base = (forms + sizeof(awsval__keyref) - 1) / sizeof(awsval__keyref) * sizeof(awsval__keyref);
    if (!awsval__buf_reserve(&c->eq, &c->alc, base - forms + n * sizeof(awsval__keyref))) {
        *nomem = true;
        return false;
    }
    awsval__keyref *refs = (awsval__keyref *)(void *)(c->eq.data + base);
    for (size_t i = 0; i < n; i++)
        refs[i] = (awsval__keyref){items[i].start, (items[i].end - items[i].start) | AV_KEY_TEXT, 0, 0};
    return awsval__keys_duplicate(refs, n, "", c->eq.data) >= 0;
}
