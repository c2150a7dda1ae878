/* HTTP binding: finds the operation of an HTTP request as its protocol does and binds the
 * request's labels, query parameters, headers and body to the operation's input.
 *
 * restJson1: the method and the operations' requestUri templates (labels `{name}`, greedy
 * labels `{name+}`, literal query parts); awsJson 1.0/1.1: the X-Amz-Target header. Decoded
 * strings are written into the context's scratch, sized from the request before anything is
 * written, so the pointers handed to the checker stay valid; a context that has seen a request
 * this large allocates nothing. */
#include <string.h>

#include "awsval_internal.h"

#define MAX_LABELS 16

typedef struct label {
    const char *name;  /* the template's label name */
    size_t name_len;
    const char *raw;   /* the request's text for it, still percent-encoded */
    size_t raw_len;
} label;

typedef struct request {
    const awsval_http_request *r;
    const char *path, *query; /* split request target */
    size_t path_len, query_len;
} request;

/* ---------------------------------------------------------------- text helpers (Private) */

static bool ieq(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y) return false;
    }
    return true;
}

static const awsval_http_header *header(const awsval_http_request *r, const char *name, size_t n)
{
    for (size_t i = 0; i < r->header_count; i++)
        if (ieq(r->headers[i].name, r->headers[i].name_len, name, n)) return &r->headers[i];
    return NULL;
}

static int hexdig(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes src into dst (never longer); a '%' not followed by two hex digits stays. */
static size_t pct_decode(const char *src, size_t n, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (src[i] == '%' && i + 2 < n + 0 && (h = hexdig(src[i + 1])) >= 0 && (l = hexdig(src[i + 2])) >= 0) {
            dst[o++] = (char)(h * 16 + l);
            i += 2;
        } else {
            dst[o++] = src[i];
        }
    }
    return o;
}

/* -------------------------------------------------------------------- routing (Private) */

#define MAX_SEGMENTS 128

/* The request path split into segments once: raw (for labels) and percent-decoded (to compare
 * with the templates' literal segments). */
typedef struct segments {
    int n;
    bool too_many;
    const char *raw[MAX_SEGMENTS];
    size_t raw_len[MAX_SEGMENTS];
    const char *dec[MAX_SEGMENTS];
    size_t dec_len[MAX_SEGMENTS];
    char *text; /* room for the path, decoded (never longer) */
} segments;

static void split_path(const char *p, size_t n, segments *sg)
{
    sg->n = 0;
    sg->too_many = false;
    if (n > 1 && p[n - 1] == '/') n--; /* a single trailing slash does not make another route */
    size_t used = 0, i = 0;
    while (i < n && p[i] == '/') {
        size_t s = ++i;
        while (i < n && p[i] != '/') i++;
        if (sg->n == MAX_SEGMENTS) {
            sg->too_many = true;
            return;
        }
        sg->raw[sg->n] = p + s;
        sg->raw_len[sg->n] = i - s;
        sg->dec[sg->n] = sg->text + used;
        sg->dec_len[sg->n] = pct_decode(p + s, i - s, sg->text + used);
        used += sg->dec_len[sg->n];
        sg->n++;
    }
    if (i < n) sg->too_many = true; /* a path that does not start with '/' */
}

/* Matches the path of a requestUri template against the request's segments, collecting labels.
 * Returns the number of literal segments matched (the more, the more specific), or -1. */
static int match_path(const char *t, size_t tn, const segments *sg, label *labels, int *nlabels,
                      bool *greedy)
{
    size_t ti = 0;
    int si = 0, literals = 0;
    *nlabels = 0;
    *greedy = false;
    if (tn > 1 && t[tn - 1] == '/') tn--;
    if (tn == 1 && t[0] == '/') tn = 0; /* "/" is the root: no segments */
    while (ti < tn) {
        if (t[ti] != '/' || si >= sg->n) return -1;
        size_t ts = ++ti;
        while (ti < tn && t[ti] != '/') ti++;
        size_t tl = ti - ts;
        if (tl > 2 && t[ts] == '{' && t[ti - 1] == '}') {
            bool g = t[ti - 2] == '+';
            if (*nlabels == MAX_LABELS || sg->raw_len[si] == 0) return -1;
            label *l = &labels[(*nlabels)++];
            l->name = t + ts + 1;
            l->name_len = tl - 2 - (g ? 1 : 0);
            l->raw = sg->raw[si];
            if (g) {
                /* A greedy label takes the rest of the path, slashes and all. */
                *greedy = true;
                const char *last = sg->raw[sg->n - 1] + sg->raw_len[sg->n - 1];
                l->raw_len = (size_t)(last - sg->raw[si]);
                si = sg->n;
                break;
            }
            l->raw_len = sg->raw_len[si];
        } else {
            if (sg->dec_len[si] != tl || memcmp(sg->dec[si], t + ts, tl) != 0) return -1;
            literals++;
        }
        si++;
    }
    return ti >= tn && si == sg->n ? literals : -1;
}

/* The template's literal query parts ("?tagging", "?x-id=Get") must all be in the request. */
static bool match_query(const char *tq, size_t tn, const char *q, size_t qn)
{
    size_t i = 0;
    while (i < tn) {
        size_t e = i;
        while (e < tn && tq[e] != '&') e++;
        bool found = false;
        for (size_t k = 0; k < qn && !found;) {
            size_t ke = k;
            while (ke < qn && q[ke] != '&') ke++;
            /* "name" in the template matches "name" and "name=..." in the request. */
            found = (ke - k == e - i && memcmp(q + k, tq + i, e - i) == 0) ||
                    (memchr(tq + i, '=', e - i) == NULL && ke - k > e - i &&
                     memcmp(q + k, tq + i, e - i) == 0 && q[k + (e - i)] == '=');
            k = ke + 1;
        }
        if (!found) return false;
        i = e + 1;
    }
    return true;
}

static int32_t route_rest(const awsval_model *m, const request *rq, char *scratch, label *labels,
                          int *nlabels)
{
    segments sg;
    sg.text = scratch;
    split_path(rq->path, rq->path_len, &sg);
    if (sg.too_many) return -1;
    int32_t best = -1;
    int best_score = -1;
    label tmp[MAX_LABELS];
    for (uint32_t i = 0; i < m->op_count; i++) {
        const awsval__operation *op = &m->ops[i];
        if (op->method_len != rq->r->method_len ||
            memcmp(AV_STR(m, op->method), rq->r->method, op->method_len) != 0)
            continue;
        const char *uri = AV_STR(m, op->uri);
        int n;
        bool greedy;
        int lit = match_path(uri, op->path_len, &sg, tmp, &n, &greedy);
        if (lit < 0) continue;
        bool query = uri[op->path_len] == '?';
        if (query && !match_query(uri + op->path_len + 1, strlen(uri + op->path_len + 1), rq->query,
                                  rq->query_len))
            continue;
        /* More literal segments, then literal query parts, then no greedy label: more specific. */
        int score = lit * 4 + (query ? 2 : 0) + (greedy ? 0 : 1);
        if (score > best_score) {
            best_score = score;
            best = (int32_t)i;
            memcpy(labels, tmp, sizeof tmp);
            *nlabels = n;
        }
    }
    return best;
}

/* -------------------------------------------------------------------- binding (Private) */

typedef struct binder {
    awsval_ctx *c;
    char *text;     /* decoded strings: room sized up front */
    size_t text_len;
    awsval__bound *out;
    size_t n, cap;
} binder;

static const char *keep(binder *b, const char *s, size_t n, bool decode, size_t *out_len)
{
    char *d = b->text + b->text_len;
    *out_len = decode ? pct_decode(s, n, d) : (memcpy(d, s, n), n);
    b->text_len += *out_len;
    return d;
}

static void add(binder *b, int32_t member, uint8_t loc, const char *key, size_t key_len,
                const char *val, size_t val_len)
{
    if (b->n == b->cap) return; /* sized up front: cannot happen */
    b->out[b->n++] = (awsval__bound){member, key, key_len, val, val_len, loc};
}

/* Splits a header value into list items at commas, trimming spaces around them. */
static void add_list_header(binder *b, int32_t member, const char *v, size_t n)
{
    size_t i = 0;
    while (i <= n) {
        size_t e = i;
        while (e < n && v[e] != ',') e++;
        size_t s = i, t = e;
        while (s < t && (v[s] == ' ' || v[s] == '\t')) s++;
        while (t > s && (v[t - 1] == ' ' || v[t - 1] == '\t')) t--;
        add(b, member, AV_LOC_HEADER, NULL, 0, v + s, t - s);
        i = e + 1;
    }
}

/* Is query parameter (k, kn) bound to a named query member of the input? */
static bool named_query(const awsval_model *m, const awsval__shape *in, const char *k, size_t kn)
{
    for (uint32_t i = 0; i < in->member_count; i++) {
        const awsval__member *mb = &m->members[in->member_first + i];
        if (mb->location != AV_LOC_QUERY || m->shapes[mb->shape].type == AV_T_MAP) continue;
        const char *name = AV_STR(m, mb->location_name ? mb->location_name : mb->name);
        if (strlen(name) == kn && memcmp(name, k, kn) == 0) return true;
    }
    return false;
}

/* Each member's values, in member order (the checker takes them grouped by member). */
static void bind(binder *b, const awsval_model *m, const awsval__shape *in, const request *rq,
                 const label *labels, int nlabels)
{
    for (uint32_t i = 0; i < in->member_count; i++) {
        int32_t mi = (int32_t)(in->member_first + i);
        const awsval__member *mb = &m->members[mi];
        const awsval__shape *ms = &m->shapes[mb->shape];
        const char *name = AV_STR(m, mb->location_name ? mb->location_name : mb->name);
        size_t nn = strlen(name);
        switch (mb->location) {
        case AV_LOC_URI:
            for (int k = 0; k < nlabels; k++) {
                if (labels[k].name_len != nn || memcmp(labels[k].name, name, nn) != 0) continue;
                size_t vl;
                const char *v = keep(b, labels[k].raw, labels[k].raw_len, true, &vl);
                add(b, mi, AV_LOC_URI, NULL, 0, v, vl);
            }
            break;
        case AV_LOC_QUERY:
            for (size_t k = 0; k < rq->query_len;) {
                size_t e = k;
                while (e < rq->query_len && rq->query[e] != '&') e++;
                const char *eq = memchr(rq->query + k, '=', e - k);
                size_t kl = eq ? (size_t)(eq - (rq->query + k)) : e - k;
                char kd[512];
                size_t kdl = kl <= sizeof kd ? pct_decode(rq->query + k, kl, kd) : 0;
                bool mine = ms->type == AV_T_MAP ? kdl > 0 && !named_query(m, in, kd, kdl)
                                                 : kdl == nn && memcmp(kd, name, nn) == 0;
                if (e > k && mine) {
                    size_t vl, kl2 = 0;
                    /* A parameter without '=' has the empty string as its value. */
                    const char *v = eq ? keep(b, eq + 1, (size_t)(rq->query + e - eq - 1), true, &vl)
                                       : keep(b, "", 0, false, &vl);
                    const char *key = ms->type == AV_T_MAP ? keep(b, kd, kdl, false, &kl2) : NULL;
                    if (ms->type != AV_T_LIST && ms->type != AV_T_MAP && b->n && b->out[b->n - 1].member == mi)
                        ; /* a scalar takes the first value */
                    else
                        add(b, mi, AV_LOC_QUERY, key, kl2, v, vl);
                }
                k = e + 1;
            }
            break;
        case AV_LOC_HEADER: {
            const awsval_http_header *h = header(rq->r, name, nn);
            if (!h) break;
            if (ms->type == AV_T_LIST) add_list_header(b, mi, h->value, h->value_len);
            else add(b, mi, AV_LOC_HEADER, NULL, 0, h->value, h->value_len);
            break;
        }
        case AV_LOC_HEADERS:
            for (size_t k = 0; k < rq->r->header_count; k++) {
                const awsval_http_header *h = &rq->r->headers[k];
                if (h->name_len < nn || !ieq(h->name, nn, name, nn)) continue;
                add(b, mi, AV_LOC_HEADERS, h->name + nn, h->name_len - nn, h->value, h->value_len);
            }
            break;
        default:
            break;
        }
    }
}

/* ---------------------------------------------------------------------- entry (Public) */

static bool json_media(const awsval_http_header *h, const char *want)
{
    size_t n = strlen(want);
    if (!h) return true; /* absent: read the body as the protocol's JSON */
    size_t i = 0;
    while (i < h->value_len && h->value[i] == ' ') i++;
    return h->value_len - i >= n && ieq(h->value + i, n, want, n) &&
           (h->value_len - i == n || h->value[i + n] == ';' || h->value[i + n] == ' ');
}

awsval_code awsval_check_http(awsval_ctx *c, const awsval_model *m, const awsval_http_request *r)
{
    return awsval_check_http_ex(c, m, r, c ? c->opts.flags : 0);
}

awsval_code awsval_check_http_ex(awsval_ctx *c, const awsval_model *m, const awsval_http_request *r,
                                 uint32_t flags)
{
    if (!c || !m || !r || r->size < sizeof *r || !r->method || (!r->target && r->target_len) ||
        (!r->body && r->body_len) || (!r->headers && r->header_count))
        return AWSVAL_BADARG;
    c->model = NULL;
    c->flags = flags | AWSVAL_CHECK_IGNORE_UNKNOWN;
    request rq = {.r = r, .path = r->target ? r->target : "", .path_len = r->target_len};
    const char *qm = rq.path_len ? memchr(rq.path, '?', rq.path_len) : NULL;
    if (qm) {
        rq.query = qm + 1;
        rq.query_len = (size_t)(rq.path + rq.path_len - qm - 1);
        rq.path_len = (size_t)(qm - rq.path);
    } else {
        rq.query = "";
    }
    const char *body = r->body ? r->body : "";
    label labels[MAX_LABELS];
    int nlabels = 0;
    int32_t op = -1;
    uint8_t fail = 0;

    /* Room for the decoded path, every decoded string and every bound value, before any is
     * written: pointers into it stay valid, and a context that has seen a request this large
     * allocates nothing. */
    size_t room = r->target_len * 3 + 16, entries = 8 + r->target_len / 2 + 1;
    for (size_t i = 0; i < r->header_count; i++) {
        room += r->headers[i].value_len + r->headers[i].name_len;
        entries += r->headers[i].value_len + 1;
    }
    c->hbuf.len = 0;
    if (!awsval__buf_reserve(&c->hbuf, &c->alc, room + entries * sizeof(awsval__bound) + 16))
        return AWSVAL_NOMEM;
    /* Bound entries first (aligned at the start), then strings, then the decoded path. */
    binder b = {.c = c, .out = (awsval__bound *)(void *)c->hbuf.data, .cap = entries};
    b.text = c->hbuf.data + entries * sizeof(awsval__bound);
    char *path_text = b.text + room - r->target_len - 8;

    const char *proto = AV_STR(m, m->protocol);
    if (strcmp(proto, "json") == 0) {
        static const char target[] = "X-Amz-Target";
        const awsval_http_header *h = header(r, target, sizeof target - 1);
        const char *prefix = AV_STR(m, m->target_prefix);
        size_t pl = strlen(prefix);
        /* awsJson operations are all POST to "/". */
        bool post = r->method_len == 4 && memcmp(r->method, "POST", 4) == 0;
        if (post && h && h->value_len > pl + 1 && memcmp(h->value, prefix, pl) == 0 && h->value[pl] == '.')
            op = awsval__find_operation(m, h->value + pl + 1, h->value_len - pl - 1);
        if (op < 0) fail = AV_HTTP_ROUTE;
        else if (!json_media(header(r, "Content-Type", 12), "application/x-amz-json-1.0") &&
                 !json_media(header(r, "Content-Type", 12), "application/x-amz-json-1.1"))
            fail = AV_HTTP_MEDIA;
    } else {
        op = route_rest(m, &rq, path_text, labels, &nlabels);
        if (op < 0) fail = AV_HTTP_ROUTE;
        else if (r->body_len && !json_media(header(r, "Content-Type", 12), "application/json"))
            fail = AV_HTTP_MEDIA;
    }
    if (fail) return awsval__fail_http(c, m, fail, op);

    int32_t in = m->ops[op].input;
    if (in >= 0) bind(&b, m, &m->shapes[in], &rq, labels, nlabels);
    return awsval__check_bound(c, m, op, body, r->body_len, b.out, b.n);
}

const char *awsval_ctx_operation(const awsval_ctx *c)
{
    return c && c->model && c->op >= 0 ? AV_STR(c->model, c->model->ops[c->op].name) : NULL;
}
