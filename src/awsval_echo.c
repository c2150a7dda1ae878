/* Values as the service echoes them: Java's toString of the value read into the member's type.
 * Coral services print a list as "[a, b]", a map as "{k=v}", a string bare, a double with its
 * ".0" ('{2=2.0}' in a real answer). The text is validated JSON the checker kept, possibly cut
 * short by the echo budget: reading stops cleanly where it ends. */
#include "awsval_scan.h"

typedef struct echo {
    awsval__out *o;
    const awsval_model *m;
    awsval__scan sc;
    bool done;        /* the text ended (cut short) */
} echo;

static void value(echo *e, int32_t shape);

/* Writes the string at e->sc.p unescaped, straight to the output (nothing is allocated).
 * Sets *plain when it had no escapes: its text is then raw[1 .. len-1). */
static void string(echo *e, const char **raw, size_t *len, bool *plain)
{
    const char *p = e->sc.p + 1, *end = e->sc.end, *run = p;
    *raw = e->sc.p;
    *plain = true;
    while (p < end && *p != '"') {
        if (*p != '\\') {
            p++;
            continue;
        }
        awsval__out_text(e->o, run, (size_t)(p - run));
        char u[4];
        size_t n = 0;
        uint8_t why = 0;
        size_t used = awsval__json_unescape(p, end, u, &n, &why);
        if (!used) break;
        awsval__out_text(e->o, u, n);
        p += used;
        run = p;
        *plain = false;
    }
    awsval__out_text(e->o, run, (size_t)(p - run));
    if (p >= end || *p != '"') {
        e->done = true;
        return;
    }
    e->sc.p = p + 1;
    *len = (size_t)(e->sc.p - *raw);
}

static void number(echo *e, int32_t shape)
{
    awsval__num n;
    if (!awsval__scan_number(&e->sc, &n)) {
        e->done = true;
        return;
    }
    uint8_t t = shape >= 0 ? e->m->shapes[shape].type : 0;
    if (awsval__is_float_type(t)) {
        awsval__out_java_double(e->o, awsval__num_double(n.raw, n.len, t == AV_T_FLOAT), t == AV_T_FLOAT);
        return;
    }
    if (awsval__is_int_type(t) && !n.integral) {
        /* 1.0 or 1e2 read as an integer prints as one. */
        awsval__dec d;
        int64_t v;
        awsval__dec_read(n.raw, n.len, &d);
        if (awsval__dec_int(&d, &v)) {
            awsval__out_i64(e->o, v);
            return;
        }
    }
    awsval__out_mem(e->o, n.raw, n.len);
}

static void container(echo *e, int32_t shape)
{
    const awsval_model *m = e->m;
    bool obj = *e->sc.p == '{';
    const awsval__shape *sh = shape >= 0 ? &m->shapes[shape] : NULL;
    awsval__out_chr(e->o, obj ? '{' : '[');
    e->sc.p++;
    bool first = true;
    if (!awsval__scan_take(&e->sc, obj ? '}' : ']')) {
        for (;;) {
            if (!first) awsval__out_str(e->o, ", ");
            first = false;
            int32_t vs = -1;
            if (obj) {
                awsval__scan_ws(&e->sc);
                if (e->sc.p >= e->sc.end || *e->sc.p != '"') {
                    e->done = true;
                    return;
                }
                const char *raw;
                size_t rl = 0;
                bool plain;
                string(e, &raw, &rl, &plain);
                if (e->done || !awsval__scan_take(&e->sc, ':')) {
                    e->done = true;
                    return;
                }
                awsval__out_chr(e->o, '=');
                if (sh && sh->type == AV_T_MAP) {
                    vs = sh->value;
                } else if (sh && sh->type == AV_T_STRUCTURE && plain) {
                    int32_t mi = awsval__find_member(m, sh, raw + 1, rl - 2, awsval__hash(raw + 1, rl - 2));
                    vs = mi >= 0 ? m->members[mi].shape : -1;
                }
            } else if (sh && sh->type == AV_T_LIST) {
                vs = sh->target;
            }
            value(e, vs);
            if (e->done) return;
            if (awsval__scan_next(&e->sc, obj ? '}' : ']') <= 0) break;
        }
    }
    if (e->sc.err) {
        e->done = true;
        return;
    }
    awsval__out_chr(e->o, obj ? '}' : ']');
}

static void value(echo *e, int32_t shape)
{
    awsval__scan_ws(&e->sc);
    if (e->sc.p >= e->sc.end) {
        e->done = true;
        return;
    }
    switch (*e->sc.p) {
    case '{':
    case '[':
        container(e, shape);
        return;
    case '"': {
        const char *raw;
        size_t rl;
        bool plain;
        string(e, &raw, &rl, &plain);
        return;
    }
    case 't':
    case 'f':
    case 'n': {
        size_t n = *e->sc.p == 'f' ? 5 : 4;
        if ((size_t)(e->sc.end - e->sc.p) < n) {
            e->done = true;
            return;
        }
        awsval__out_mem(e->o, e->sc.p, n);
        e->sc.p += n;
        return;
    }
    default:
        number(e, shape);
    }
}

void awsval__echo_java(awsval__out *o, const awsval_model *m, int32_t shape, const char *json,
                       size_t len)
{
    echo e = {.o = o, .m = m};
    awsval__scan_init(&e.sc, json, len, NULL, NULL);
    value(&e, shape);
    /* A value cut short by the echo budget says so. */
    if (e.done) awsval__out_str(o, "...");
}
