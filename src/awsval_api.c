/* Public entry points that stand on their own: compiled patterns and the JSON helpers. */
#include <string.h>

#include "awsval_internal.h"

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
