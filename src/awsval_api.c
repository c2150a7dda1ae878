/* The public entry points of checks (operations, values, strings), compiled patterns and the
 * JSON helpers: each ties the layers below together. */
#include "awsval_check.h"

/* ----------------------------------------------------------------------- checks (Public) */

/* A shape, or a structure's member, named "Shape" or "Structure$member". */
typedef struct target {
    int32_t shape;
    int32_t member; /* -1: a bare shape */
} target;

static awsval_code resolve(const awsval_model *m, const char *name, target *tg)
{
    const char *dollar = strchr(name, '$');
    size_t sl = dollar ? (size_t)(dollar - name) : strlen(name);
    tg->shape = awsval__find_shape(m, name, sl);
    tg->member = -1;
    if (tg->shape < 0) return AWSVAL_NOTFOUND;
    if (!dollar) return AWSVAL_OK;
    const awsval__shape *sh = &m->shapes[tg->shape];
    if (sh->type != AV_T_STRUCTURE) return AWSVAL_NOTFOUND;
    size_t ml = strlen(dollar + 1);
    tg->member = awsval__find_member(m, sh, dollar + 1, ml, awsval__hash(dollar + 1, ml));
    if (tg->member < 0) return AWSVAL_NOTFOUND;
    tg->shape = m->members[tg->member].shape;
    return AWSVAL_OK;
}

/* Runs a check of `json` against a target; `raw`: the input is a raw string, not JSON. */
static awsval_code run(awsval_ctx *c, const awsval_model *m, target tg, int32_t op, const char *json,
                       size_t len, uint32_t flags, bool raw)
{
    awsval__walk w;
    /* Nothing is sized by an input over the limit: it is refused first. */
    bool over = len > c->opts.max_size;
    if (!awsval__walk_begin(&w, c, m, over ? "" : json, over ? 0 : len, flags, op)) return AWSVAL_NOMEM;
    uint32_t nseg = 0, vflags = 0;
    if (tg.member >= 0) {
        awsval__walk_seg_member(&w, 0, tg.member);
        nseg = 1;
        if (m->members[tg.member].sensitive) vflags |= AWSVAL_VIOLATION_SENSITIVE;
    } else if (tg.shape >= 0 && (m->shapes[tg.shape].flags & AV_SF_SENSITIVE)) {
        vflags |= AWSVAL_VIOLATION_SENSITIVE;
    }
    if (over) {
        awsval__walk_fail(&w, AWSVAL_KIND_LIMIT, AV_WHY_SIZE, (uint32_t)c->opts.max_size, c->opts.max_size);
    } else if (raw) {
        size_t bad;
        int64_t cps = awsval__utf8_count(json, len, &bad);
        if (cps < 0) awsval__walk_fail(&w, AWSVAL_KIND_PARSE, AV_WHY_NOT_UTF8, (unsigned char)json[bad], bad);
        else awsval__walk_string(&w, tg.shape, nseg, vflags, NULL, json, len, cps, 0, len);
    } else {
        awsval__scan_ws(&w.sc);
        bool null_in = w.sc.p < w.sc.end && *w.sc.p == 'n';
        if (null_in && (tg.member >= 0 || (tg.shape >= 0 && m->shapes[tg.shape].type == AV_T_STRUCTURE)))
            awsval__walk_null(&w, tg.shape, nseg, vflags, tg.member);
        else
            awsval__walk_document(&w, tg.shape, nseg, vflags);
    }
    awsval_code rc = awsval__walk_end(&w);
    return rc;
}

awsval_code awsval_check(awsval_ctx *c, const awsval_model *m, const char *operation,
                         const char *json, size_t len)
{
    return awsval_check_ex(c, m, operation, json, len, c ? c->opts.flags : 0);
}

awsval_code awsval_check_ex(awsval_ctx *c, const awsval_model *m, const char *operation,
                            const char *json, size_t len, uint32_t flags)
{
    if (!c || !m || !operation || (!json && len)) return AWSVAL_BADARG;
    c->model = NULL;
    int32_t op = awsval__find_operation(m, operation, strlen(operation));
    if (op < 0) return AWSVAL_NOTFOUND;
    /* An operation without input takes any JSON value: there is nothing to check in it. */
    target tg = {m->ops[op].input, -1};
    return run(c, m, tg, op, json ? json : "", len, flags, false);
}

awsval_code awsval_check_value(awsval_ctx *c, const awsval_model *m, const char *name,
                               const char *json, size_t len)
{
    if (!c || !m || !name || (!json && len)) return AWSVAL_BADARG;
    c->model = NULL;
    target tg;
    awsval_code rc = resolve(m, name, &tg);
    if (rc != AWSVAL_OK) return rc;
    return run(c, m, tg, -1, json ? json : "", len, c->opts.flags, false);
}

awsval_code awsval_check_string(awsval_ctx *c, const awsval_model *m, const char *name,
                                const char *str, size_t len)
{
    if (!c || !m || !name || (!str && len)) return AWSVAL_BADARG;
    c->model = NULL;
    target tg;
    awsval_code rc = resolve(m, name, &tg);
    if (rc != AWSVAL_OK) return rc;
    if (m->shapes[tg.shape].type != AV_T_STRING) return AWSVAL_BADARG;
    return run(c, m, tg, -1, str ? str : "", len, c->opts.flags, true);
}

/* -------------------------------------------------------------------- patterns (Public) */

struct awsval_pattern {
    awsval_alc alc;
    awsval__regex *re;
};

awsval_pattern *awsval_pattern_compile(const char *java, size_t len, uint32_t flags,
                                       const awsval_alc *alc, awsval_model_err *err)
{
    if (!java || (flags & ~AWSVAL_PATTERN_SEARCH)) {
        awsval__err_set(err, AWSVAL_BADARG, "no pattern, or an unknown flag");
        return NULL;
    }
    awsval_alc a;
    awsval__alc_init(&a, alc);
    awsval_pattern *p = awsval__calloc(&a, 1, sizeof *p);
    if (!p) {
        awsval__err_set(err, AWSVAL_NOMEM, "out of memory");
        return NULL;
    }
    p->alc = a;
    size_t off = 0;
    char msg[256];
    uint32_t mode = (flags & AWSVAL_PATTERN_SEARCH) ? AWSVAL__RE_SEARCH : AWSVAL__RE_FULL;
    p->re = awsval__regex_compile(java, len, mode, &p->alc, &off, msg, sizeof msg);
    if (!p->re) {
        bool nomem = strcmp(msg, "out of memory") == 0;
        awsval__err_set(err, nomem ? AWSVAL_NOMEM : AWSVAL_MODEL, "%s at offset %zu", msg, off);
        if (err && !nomem && (!err->size || err->size >= offsetof(awsval_model_err, pos) + sizeof err->pos))
            err->pos = off;
        awsval__free(&a, p);
        return NULL;
    }
    return p;
}

void awsval_pattern_free(awsval_pattern *p)
{
    if (!p) return;
    awsval_alc a = p->alc;
    awsval__regex_free(p->re);
    awsval__free(&a, p);
}

awsval_code awsval_pattern_match(awsval_ctx *c, const awsval_pattern *p, const char *text,
                                 size_t len)
{
    if (!c || !p || (!text && len)) return AWSVAL_BADARG;
    if (awsval__utf8_count(text ? text : "", len, NULL) < 0) return AWSVAL_BADARG;
    awsval__regex_scratch_new_check(c->rx);
    switch (awsval__regex_match(p->re, text ? text : "", len, c->rx)) {
    case AWSVAL__RE_MATCH: return AWSVAL_OK;
    case AWSVAL__RE_NOMATCH: return AWSVAL_INVALID;
    case AWSVAL__RE_LIMIT: return AWSVAL_LIMIT;
    default: return AWSVAL_NOMEM;
    }
}

const char *awsval_pattern_pcre2(const awsval_pattern *p)
{
    return p ? awsval__regex_pcre2_source(p->re) : NULL;
}

/* ------------------------------------------------------------------ JSON helpers (Public) */

static const awsval_model no_model; /* no shapes: values are read untyped */

awsval_code awsval_json_members(const char *json, size_t len, size_t count,
                                const char *const *names, const size_t *name_lens, size_t *offs,
                                size_t *value_lens)
{
    if (!json || (count && (!names || !name_lens || !offs || !value_lens)) || len > ((size_t)1 << 31))
        return AWSVAL_BADARG;
    for (size_t i = 0; i < count; i++) {
        if (!names[i] && name_lens[i]) return AWSVAL_BADARG;
        offs[i] = value_lens[i] = SIZE_MAX;
    }
    /* A context without pattern match data: reading JSON needs only the tokenizer's scratch. */
    awsval_ctx_opts o = {.size = sizeof o, .max_size = len ? len : 1, .max_violations = 1};
    awsval_code rc;
    awsval_ctx *c = awsval__ctx_create(&o, &rc, false);
    if (!c) return rc;
    awsval__walk w;
    if (!awsval__walk_begin(&w, c, &no_model, json, len, 0, -1)) {
        awsval_ctx_free(c);
        return AWSVAL_NOMEM;
    }
    size_t found = awsval__walk_object_members(&w, count, names, name_lens, offs, value_lens);
    rc = awsval__walk_end(&w);
    if (rc == AWSVAL_INVALID) {
        if (count) offs[0] = c->recs[0].offset;
    } else if (rc == AWSVAL_OK && found < count) {
        rc = AWSVAL_NOTFOUND;
    }
    awsval_ctx_free(c);
    return rc;
}

awsval_code awsval_json_member(const char *json, size_t len, const char *name, size_t name_len,
                               size_t *off, size_t *value_len)
{
    if (!off || !value_len) return AWSVAL_BADARG;
    const char *names[1] = {name ? name : ""};
    size_t lens[1] = {name_len};
    if (!name && name_len) return AWSVAL_BADARG;
    return awsval_json_members(json, len, 1, names, lens, off, value_len);
}

awsval_code awsval_json_string(const char *json, size_t len, char *buf, size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!json || (!buf && cap)) return AWSVAL_BADARG;
    if (len < 2 || json[0] != '"' || json[len - 1] != '"') return AWSVAL_INVALID;
    awsval__out o = {buf, cap, 0, 0};
    const unsigned char *p = (const unsigned char *)json + 1, *end = (const unsigned char *)json + len - 1;
    while (p < end) {
        if (*p == '\\') {
            char u[4];
            size_t n = 0;
            uint8_t why = 0;
            size_t used = awsval__json_unescape((const char *)p, (const char *)end, u, &n, &why);
            if (!used) return AWSVAL_INVALID;
            awsval__out_mem(&o, u, n);
            p += used;
        } else if (*p < 0x20 || *p == '"') {
            return AWSVAL_INVALID;
        } else if (*p >= 0x80) {
            size_t k = awsval__utf8_seq(p, 0, (size_t)(end - p));
            if (!k) return AWSVAL_INVALID;
            awsval__out_mem(&o, p, k);
            p += k;
        } else {
            awsval__out_mem(&o, p++, 1);
        }
    }
    /* A NUL from \u0000 is kept (the text may hold NULs): written raw, not as \u0000. */
    return awsval__out_finish(&o, need);
}
