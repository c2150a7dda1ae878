/* Checker contexts and their results: creation, memory (measured, capped, trimmed, bounded),
 * and the published form of violations, whose strings are made on first use by the report
 * layer (a flood of rejected requests pays for no sentence nobody reads). */
#include "awsval_check.h"

/* --------------------------------------------------------------------- options (Private) */

#define DEFAULT_MAX_SIZE ((size_t)1 << 20)
#define DEFAULT_RETAIN ((size_t)1 << 20)
#define MAX_SIZE_LIMIT ((size_t)1 << 31)

/* The defaults and the bounds of the options, in one place. */
static bool ctx_opts(const awsval_ctx_opts *in, awsval_ctx_opts *o)
{
    memset(o, 0, sizeof *o);
    if (in) {
        if (in->size == 0 || in->size > sizeof *o) return false;
        memcpy(o, in, in->size);
    }
    o->size = sizeof *o;
    if (!o->max_size) o->max_size = DEFAULT_MAX_SIZE;
    if (!o->max_depth) o->max_depth = 64;
    if (!o->max_violations) o->max_violations = 100;
    if (!o->retain_memory) o->retain_memory = DEFAULT_RETAIN;
    return o->max_depth <= 4096 && o->max_size <= MAX_SIZE_LIMIT && o->max_violations <= 65536;
}

/* -------------------------------------------------------------------- contexts (Public) */

awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts, awsval_code *code)
{
    return awsval__ctx_create(opts, code, true);
}

awsval_ctx *awsval__ctx_create(const awsval_ctx_opts *opts, awsval_code *code, bool patterns)
{
    awsval_ctx_opts o;
    if (code) *code = AWSVAL_BADARG;
    if (!ctx_opts(opts, &o)) return NULL;
    if (code) *code = AWSVAL_NOMEM;
    awsval_alc base;
    awsval__alc_init(&base, o.alc);
    awsval_ctx *c = awsval__calloc(&base, 1, sizeof *c);
    if (!c) return NULL;
    c->base = base;
    awsval__track_init(&c->mem, &base, o.max_memory);
    c->alc = c->mem.alc;
    o.alc = NULL;
    c->opts = o;
    c->flags = o.flags;
    c->op = -1;
    awsval__regex_limits lim = {o.match_limit, o.depth_limit, o.heap_limit_kib, o.match_limit_per_byte, 0};
    c->rx = patterns ? awsval__regex_scratch_create(&c->alc, &lim) : NULL;
    c->path = awsval__calloc(&c->alc, (size_t)o.max_depth + 2, sizeof *c->path);
    c->recs = awsval__calloc(&c->alc, o.max_violations, sizeof *c->recs);
    c->pubs = awsval__calloc(&c->alc, o.max_violations, sizeof *c->pubs);
    c->groups = awsval__calloc(&c->alc, (size_t)o.max_violations + 1, sizeof *c->groups);
    c->order = awsval__calloc(&c->alc, o.max_violations, sizeof *c->order);
    if ((patterns && !c->rx) || !c->path || !c->recs || !c->pubs || !c->groups || !c->order) {
        awsval_ctx_free(c);
        return NULL;
    }
    if (code) *code = AWSVAL_OK;
    return c;
}

/* Releases the scratch that inputs grew (keeping the result when `keep_result`). */
static void release(awsval_ctx *c, bool keep_result)
{
    awsval__buf_free(&c->text, &c->alc);
    awsval__free(&c->alc, c->keys);
    awsval__free(&c->alc, c->seen);
    awsval__free(&c->alc, c->items);
    awsval__free(&c->alc, c->bound);
    c->keys = NULL;
    c->seen = NULL;
    c->items = NULL;
    c->bound = NULL;
    c->keys_cap = c->seen_cap = c->items_cap = c->bound_cap = 0;
    awsval__buf_free(&c->eq, &c->alc);
    awsval__buf_free(&c->hbuf, &c->alc);
    awsval__regex_scratch_trim(c->rx);
    if (keep_result) return;
    awsval__buf_free(&c->res, &c->alc);
    awsval__free(&c->alc, c->nodes);
    c->nodes = NULL;
    c->node_count = c->node_cap = 0;
    c->rec_count = c->rec_total = c->units = 0;
    c->model = NULL;
    c->op = -1;
}

void awsval_ctx_free(awsval_ctx *c)
{
    if (!c) return;
    awsval_alc base = c->base;
    release(c, false);
    awsval__regex_scratch_free(c->rx);
    awsval__free(&c->alc, c->path);
    awsval__free(&c->alc, c->recs);
    awsval__free(&c->alc, c->pubs);
    awsval__free(&c->alc, c->groups);
    awsval__free(&c->alc, c->order);
    awsval__free(&base, c);
}

size_t awsval__ctx_scratch(const awsval_ctx *c)
{
    return c->text.cap + c->keys_cap * sizeof *c->keys + c->seen_cap * sizeof *c->seen +
           c->items_cap * sizeof *c->items + c->bound_cap * sizeof *c->bound + c->eq.cap + c->hbuf.cap +
           awsval__regex_scratch_bytes(c->rx);
}

size_t awsval_ctx_memory(const awsval_ctx *c)
{
    return c ? c->mem.held + awsval__track_cost(sizeof *c) : 0;
}

void awsval_ctx_trim(awsval_ctx *c)
{
    if (c) release(c, false);
}

/* The worst case, block by block, as the checker grows them (each array doubles, so a block
 * may be twice what it holds; the tracking header is counted). A bound, not an estimate: the
 * memory test holds contexts to it. */
size_t awsval_ctx_max_memory(const awsval_ctx_opts *opts, size_t input_len)
{
    awsval_ctx_opts o;
    if (!ctx_opts(opts, &o)) return 0;
    size_t n = input_len < o.max_size ? input_len : o.max_size;
#define BLOCK(bytes) (awsval__track_cost(2 * (bytes) + 256))
    size_t v = o.max_violations, d = (size_t)o.max_depth + 2;
    size_t total = awsval__track_cost(sizeof(awsval_ctx));
    /* baseline: path, records, published records, groups, order; regex scratch */
    total += awsval__track_cost(d * sizeof(awsval__seg)) + awsval__track_cost(v * sizeof(awsval__rec)) +
             awsval__track_cost(v * sizeof(awsval__pub)) + awsval__track_cost((v + 1) * sizeof(awsval__group)) +
             awsval__track_cost(v * sizeof(uint32_t));
    /* PCRE2's match data and heap frames (its JIT stack is mapped by PCRE2 itself); the NFA
     * simulation's arrays (at most awsval__regex_scratch_max_bytes, in 16 blocks at most) */
    total += ((size_t)(o.heap_limit_kib ? o.heap_limit_kib : 1024) << 10) + (64u << 10);
    total += awsval__track_cost(awsval__regex_scratch_max_bytes()) + 16 * awsval__track_cost(0);
    /* scratch: unescaped text (at most the input), keys (one per 4 bytes: "":0,), seen
     * bitsets (a structure per 2 bytes: {} then one member needs more), uniqueItems items and
     * canonical forms, HTTP binding (decoded text and entries, one per byte at most) */
    total += BLOCK(n) + BLOCK((n / 4 + 1) * sizeof(awsval__keyref));
    /* bitsets of open structures: at most max_depth, of up to 64 words each (structures of up
     * to 4096 members; botocore's largest has a few hundred) */
    total += BLOCK((size_t)(o.max_depth + 1) * 2 * 64 * sizeof(uint64_t));
    total += BLOCK((n / 2 + 1) * sizeof(awsval__item)) + BLOCK(4 * n + 64);
    total += BLOCK(3 * n + 64) + BLOCK((n / 2 + 1) * sizeof(awsval__bound));
    /* the result: path nodes (one per recorded violation and its ancestors) and their key text
     * (at most the input's), echoes (budget 2n + 4096, printed as Java at most 5 times longer:
     * "1e18" as a Long), and per published violation its pointer and path (each at most the
     * input's keys plus 16 bytes a segment) and its constraint (at most 4096 plus the model's
     * longest pattern or enum, counted within the 64 KiB below) */
    total += BLOCK((v * d + 1) * sizeof(awsval__node));
    total += BLOCK(n + 3 * (2 * n + 4096) * 5 + v * (2 * (n + 16 * d) + 4096) + (64u << 10));
#undef BLOCK
    return total;
}

/* ------------------------------------------------------------------ results (Public) */

size_t awsval_ctx_violation_count(const awsval_ctx *c) { return c && c->model ? c->rec_count : 0; }
size_t awsval_ctx_violation_total(const awsval_ctx *c) { return c && c->model ? c->rec_total : 0; }

const char *awsval_ctx_operation(const awsval_ctx *c)
{
    return c && c->model && c->op >= 0 ? AV_STR(c->model, c->model->ops[c->op].name) : NULL;
}

/* Writes one string of a violation after the result's own text; returns its offset. */
static bool publish_str(awsval_ctx *c, void (*write)(awsval__out *, const awsval_ctx *, const awsval__rec *),
                        const awsval__rec *r, size_t *off)
{
    awsval__out probe = {NULL, 0, 0, 0};
    write(&probe, c, r);
    if (!awsval__buf_reserve(&c->res, &c->alc, probe.len + 1)) return false;
    awsval__out o = {c->res.data + c->res.len, probe.len + 1, 0, 0};
    write(&o, c, r);
    awsval__out_finish(&o, NULL);
    *off = c->res.len;
    c->res.len += probe.len + 1;
    return true;
}

static void write_value(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    awsval__report_value(o, c, r);
}

/* Words every kept violation at once, on the first request for one: the arena moves only
 * before any pointer into it has been handed out. */
static bool publish(awsval_ctx *c)
{
    const awsval_model *m = c->model;
    size_t (*offs)[4] = NULL;
    bool ok = true;
    /* Offsets first (the arena may move while strings are added), pointers after. */
    offs = awsval__calloc(&c->alc, c->rec_count ? c->rec_count : 1, sizeof *offs);
    if (!offs) return false;
    for (size_t i = 0; ok && i < c->rec_count; i++) {
        const awsval__rec *r = &c->recs[i];
        awsval__out probe = {NULL, 0, 0, 0};
        bool has_value = awsval__report_value(&probe, c, r);
        offs[i][3] = SIZE_MAX;
        /* The items of one list or map share its echo: published once. */
        awsval__group *g = r->group ? &c->groups[r->group] : NULL;
        bool shared = has_value && g && g->published;
        ok = publish_str(c, awsval__report_pointer, r, &offs[i][0]) &&
             publish_str(c, awsval__report_aws_path, r, &offs[i][1]) &&
             publish_str(c, awsval__report_constraint, r, &offs[i][2]) &&
             (!has_value || shared || publish_str(c, write_value, r, &offs[i][3]));
        if (shared) offs[i][3] = g->published - 1;
        else if (ok && has_value && g) g->published = offs[i][3] + 1;
    }
    for (size_t i = 0; ok && i < c->rec_count; i++) {
        const awsval__rec *r = &c->recs[i];
        awsval_violation *v = &c->pubs[i].v;
        memset(v, 0, sizeof *v);
        v->size = sizeof *v;
        v->kind = r->kind;
        v->source = r->source;
        v->flags = r->flags;
        v->pointer = c->res.data + offs[i][0];
        v->aws_path = c->res.data + offs[i][1];
        v->constraint = c->res.data + offs[i][2];
        v->value = offs[i][3] == SIZE_MAX ? NULL : c->res.data + offs[i][3];
        v->shape = r->shape >= 0 ? AV_STR(m, m->shapes[r->shape].name) : "";
        bool pat = r->kind == AWSVAL_KIND_PATTERN || (r->kind == AWSVAL_KIND_LIMIT && !r->why);
        if (pat && r->source == AWSVAL_SOURCE_DOCUMENTED) {
            const awsval__doc_rule *d = &m->docs[r->rule];
            v->pattern = d->form == AV_DOC_REGEX ? AV_STR(m, m->patterns[d->pattern].source) : NULL;
        } else if (pat) {
            v->pattern = AV_STR(m, m->patterns[r->rule].source);
        }
        if ((r->kind == AWSVAL_KIND_LENGTH || r->kind == AWSVAL_KIND_RANGE) && r->shape >= 0) {
            const awsval__shape *sh = &m->shapes[r->shape];
            if (r->source == AWSVAL_SOURCE_DOCUMENTED) {
                const awsval__doc_rule *d = &m->docs[r->rule];
                v->min_text = d->min_text ? AV_STR(m, d->min_text) : NULL;
                v->max_text = d->max_text ? AV_STR(m, d->max_text) : NULL;
            } else {
                v->min_text = (sh->flags & AV_SF_MIN) ? AV_STR(m, sh->min_text) : NULL;
                v->max_text = (sh->flags & AV_SF_MAX) ? AV_STR(m, sh->max_text) : NULL;
            }
        }
        v->actual = r->actual;
        v->offset = r->offset;
        v->length = r->length;
        v->group = r->group;
    }
    awsval__free(&c->alc, offs);
    if (!ok) c->res.len = c->pub_mark;
    c->published = ok;
    return ok;
}

awsval_code awsval_ctx_violation(awsval_ctx *c, size_t i, awsval_violation *out)
{
    if (!c || !out || out->size == 0) return AWSVAL_BADARG;
    if (!c->model || i >= c->rec_count) return AWSVAL_NOTFOUND;
    if (!c->published && !publish(c)) return AWSVAL_NOMEM;
    uint32_t size = out->size < sizeof out[0] ? out->size : (uint32_t)sizeof out[0];
    memcpy(out, &c->pubs[i].v, size);
    out->size = size;
    return AWSVAL_OK;
}
