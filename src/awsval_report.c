/* Reports: violations -> the AWS message, the service-native error document, Smithy's
 * framework error, machine JSON.
 *
 * Every sentence awsval writes is in this file. Where the services' own wording is known (the
 * Coral validation messages, Smithy's framework messages) it is reproduced; where it is not,
 * the choice is marked "(ours)" here and listed in the README. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "awsval_internal.h"

/* ------------------------------------------------------------------ wording (Private) */

/* The constraint as Coral words it ("Member must ..."), without the value or path. */
void awsval__aws_constraint(awsval__out *o, const awsval_model *m, const awsval__viol *v)
{
    const awsval__shape *sh = v->shape >= 0 ? &m->shapes[v->shape] : NULL;
    switch (v->v.kind) {
    case AWSVAL_KIND_REQUIRED:
        awsval__out_str(o, "Member must not be null");
        break;
    case AWSVAL_KIND_TYPE: /* (ours) the service answers a SerializationException */
        awsval__out_fmt(o, "Member must be %s", awsval__type_word(sh ? sh->type : 0));
        break;
    case AWSVAL_KIND_LENGTH:
        awsval__out_str(o, v->bounds == 1 ? "Member must have length greater than or equal to "
                                          : "Member must have length less than or equal to ");
        awsval__out_str(o, AV_STR(m, v->bounds == 1 ? v->min_text : v->max_text));
        break;
    case AWSVAL_KIND_RANGE:
        awsval__out_str(o, v->bounds == 1 ? "Member must have value greater than or equal to "
                                          : "Member must have value less than or equal to ");
        awsval__out_str(o, AV_STR(m, v->bounds == 1 ? v->min_text : v->max_text));
        break;
    case AWSVAL_KIND_PATTERN:
        awsval__out_str(o, "Member must satisfy regular expression pattern: ");
        awsval__out_str(o, AV_STR(m, m->patterns[v->pattern].source));
        break;
    case AWSVAL_KIND_LIMIT: /* (ours) */
        awsval__out_str(o, "Member could not be checked within the match limits against "
                           "regular expression pattern: ");
        awsval__out_str(o, AV_STR(m, m->patterns[v->pattern].source));
        break;
    case AWSVAL_KIND_ENUM:
        awsval__out_str(o, "Member must satisfy enum value set: ");
        awsval__out_str(o, sh ? AV_STR(m, sh->enum_text) : "[]");
        break;
    case AWSVAL_KIND_UNION: /* (ours) */
        awsval__out_fmt(o, "Member must have exactly one member set, but %" PRId64 " are set",
                        v->v.actual);
        break;
    case AWSVAL_KIND_UNKNOWN: /* (ours) services ignore unknown members */
        awsval__out_str(o, "Member is not defined by the service model");
        break;
    case AWSVAL_KIND_UNIQUE:
        awsval__out_str(o, "Member must have unique values");
        break;
    default:
        break;
    }
}

/* One Coral sentence: "Value 'x' at 'p' failed to satisfy constraint: Member must ...". */
static void aws_sentence(awsval__out *o, const awsval_violation *v)
{
    if (v->kind == AWSVAL_KIND_PARSE) {
        awsval__out_str(o, "Unable to parse the request: "); /* (ours) */
        awsval__out_str(o, v->constraint);
        awsval__out_fmt(o, " at byte %zu", v->offset);
        return;
    }
    if (v->kind == AWSVAL_KIND_REQUIRED) {
        awsval__out_str(o, "Value null at '");
    } else if (v->value) {
        awsval__out_str(o, "Value '");
        awsval__out_str(o, v->value);
        awsval__out_str(o, "' at '");
    } else {
        /* A sensitive value is not echoed, as Coral does for sensitive members. */
        awsval__out_str(o, "Value at '");
    }
    awsval__out_str(o, v->aws_path);
    awsval__out_str(o, "' failed to satisfy constraint: ");
    bool wrap = v->flags & (AWSVAL_VIOLATION_MAP_KEY | AWSVAL_VIOLATION_MAP_VALUE);
    if (v->flags & AWSVAL_VIOLATION_MAP_KEY) awsval__out_str(o, "Map keys must satisfy constraint: [");
    else if (wrap) awsval__out_str(o, "Map value must satisfy constraint: [");
    awsval__out_str(o, v->constraint);
    if (wrap) awsval__out_chr(o, ']');
}

static void aws_message(awsval__out *o, const awsval_ctx *c)
{
    if (c->parse_failed) {
        aws_sentence(o, &c->viols[0].v);
        return;
    }
    awsval__out_fmt(o, "%zu validation error%s detected: ", c->viol_total,
                    c->viol_total == 1 ? "" : "s");
    for (size_t i = 0; i < c->viol_count; i++) {
        if (i) awsval__out_str(o, "; ");
        aws_sentence(o, &c->viols[i].v);
    }
}

/* Smithy's pointer for a violation: a map key is reported at the map's path. */
static void smithy_path(awsval__out *o, const awsval_violation *v)
{
    size_t n = strlen(v->pointer);
    if (v->flags & AWSVAL_VIOLATION_MAP_KEY) {
        while (n > 0 && v->pointer[n - 1] != '/') n--;
        if (n > 0) n--;
    }
    awsval__out_mem(o, v->pointer, n);
}

/* One Smithy sentence: "Value with length 1 at '/x' failed to satisfy constraint: ...".
 * Smithy never echoes values. */
static void smithy_sentence(awsval__out *o, const awsval_violation *v)
{
    if (v->kind == AWSVAL_KIND_PARSE) {
        aws_sentence(o, v);
        return;
    }
    if (v->kind == AWSVAL_KIND_LENGTH && v->actual >= 0)
        awsval__out_fmt(o, "Value with length %" PRId64 " at '", v->actual);
    else
        awsval__out_str(o, "Value at '");
    smithy_path(o, v);
    awsval__out_str(o, "' failed to satisfy constraint: ");
    const char *lo = v->min_text, *hi = v->max_text;
    if ((v->kind == AWSVAL_KIND_LENGTH || v->kind == AWSVAL_KIND_RANGE) &&
        v->source == AWSVAL_SOURCE_MODEL && (lo || hi)) {
        const char *what = v->kind == AWSVAL_KIND_LENGTH ? "have length " : "be ";
        if (lo && hi)
            awsval__out_fmt(o, "Member must %sbetween %s and %s, inclusive", what, lo, hi);
        else if (lo)
            awsval__out_fmt(o, "Member must %sgreater than or equal to %s", what, lo);
        else
            awsval__out_fmt(o, "Member must %sless than or equal to %s", what, hi);
        return;
    }
    awsval__out_str(o, v->constraint);
}

static void smithy_message(awsval__out *o, const awsval_ctx *c)
{
    if (c->parse_failed) {
        aws_sentence(o, &c->viols[0].v);
        return;
    }
    awsval__out_fmt(o, "%zu validation error%s detected. ", c->viol_total,
                    c->viol_total == 1 ? "" : "s");
    for (size_t i = 0; i < c->viol_count; i++) {
        if (i) awsval__out_str(o, "; ");
        smithy_sentence(o, &c->viols[i].v);
    }
}

/* ------------------------------------------------------------------- JSON (Private) */

static void str_open(awsval__out *o)
{
    awsval__out_chr(o, '"');
    o->escape = true;
}

static void str_close(awsval__out *o)
{
    o->escape = false;
    awsval__out_chr(o, '"');
}

static void key(awsval__out *o, const char *k, bool first)
{
    if (!first) awsval__out_chr(o, ',');
    awsval__out_json_str(o, k, strlen(k));
    awsval__out_chr(o, ':');
}

static void key_str(awsval__out *o, const char *k, const char *v, bool first)
{
    key(o, k, first);
    awsval__out_json_str(o, v, strlen(v));
}

/* A parse or type failure means the service could not read the request into its input. */
static bool unreadable(const awsval_ctx *c) { return c->parse_failed || c->type_failed; }

/* The answer to a request that names no operation, or that cannot be read as JSON at all. */
static bool http_failure_doc(awsval__out *o, const awsval_ctx *c, const awsval_model *m)
{
    const awsval__native *n = &m->native;
    if (!c->http_fail) return false;
    const char *msg = c->viols[0].v.constraint;
    awsval__out_chr(o, '{');
    if (c->http_fail == AV_HTTP_ROUTE && n->reason_unknown_op) {
        key_str(o, AV_STR(m, n->message_field), msg, true);
        key_str(o, AV_STR(m, n->reason_field), AV_STR(m, n->reason_unknown_op), false);
    } else if (n->kind == AV_NATIVE_AWS_JSON) {
        key_str(o, "__type", c->http_fail == AV_HTTP_ROUTE ? "com.amazon.coral.service#UnknownOperationException"
                                                           : "com.amazon.coral.service#UnsupportedMediaTypeException",
                true);
        key_str(o, "message", msg, false);
    } else {
        key_str(o, "message", msg, true);
    }
    awsval__out_chr(o, '}');
    return true;
}

static void native_doc(awsval__out *o, const awsval_ctx *c, const awsval_model *m)
{
    const awsval__native *n = &m->native;
    bool own = n->has_field_list || n->has_reason;
    if (http_failure_doc(o, c, m)) return;
    awsval__out_chr(o, '{');
    bool first = true;
    if (n->kind == AV_NATIVE_AWS_JSON && !own) {
        /* The Coral framework errors of awsJson services. */
        if (unreadable(c)) {
            key_str(o, "__type", "com.amazon.coral.service#SerializationException", true);
            key(o, "Message", false);
        } else {
            key_str(o, "__type", "com.amazon.coral.validate#ValidationException", true);
            key(o, "message", false);
        }
        str_open(o);
        aws_message(o, c);
        str_close(o);
        awsval__out_chr(o, '}');
        return;
    }
    if (n->kind == AV_NATIVE_AWS_JSON) {
        key_str(o, "__type", AV_STR(m, n->error_type), first);
        first = false;
    }
    key(o, AV_STR(m, n->message_field), first);
    str_open(o);
    /* A service whose fieldList names JSON Pointers is Smithy's framework: Smithy's wording. */
    if (n->field_path) smithy_message(o, c);
    else aws_message(o, c);
    str_close(o);
    if (n->has_reason) {
        uint32_t r = unreadable(c) && n->reason_cannot_parse ? n->reason_cannot_parse : n->reason_field_failed;
        if (r) key_str(o, AV_STR(m, n->reason_field), AV_STR(m, r), false);
    }
    if (n->has_field_list && !c->parse_failed) {
        key(o, AV_STR(m, n->field_list_field), false);
        awsval__out_chr(o, '[');
        for (size_t i = 0; i < c->viol_count; i++) {
            const awsval_violation *v = &c->viols[i].v;
            if (i) awsval__out_chr(o, ',');
            awsval__out_chr(o, '{');
            if (n->field_path) {
                key(o, "path", true);
                str_open(o);
                smithy_path(o, v);
                str_close(o);
            } else {
                key_str(o, "name", v->aws_path, true);
            }
            key(o, "message", false);
            str_open(o);
            if (n->field_path) smithy_sentence(o, v); else aws_sentence(o, v);
            str_close(o);
            awsval__out_chr(o, '}');
        }
        awsval__out_chr(o, ']');
    }
    awsval__out_chr(o, '}');
}

static void smithy_doc(awsval__out *o, const awsval_ctx *c)
{
    awsval__out_chr(o, '{');
    key(o, "message", true);
    str_open(o);
    smithy_message(o, c);
    str_close(o);
    if (!c->parse_failed) {
        key(o, "fieldList", false);
        awsval__out_chr(o, '[');
        for (size_t i = 0; i < c->viol_count; i++) {
            const awsval_violation *v = &c->viols[i].v;
            if (i) awsval__out_chr(o, ',');
            awsval__out_chr(o, '{');
            key(o, "message", true);
            str_open(o);
            smithy_sentence(o, v);
            str_close(o);
            key(o, "path", false);
            str_open(o);
            smithy_path(o, v);
            str_close(o);
            awsval__out_chr(o, '}');
        }
        awsval__out_chr(o, ']');
    }
    awsval__out_chr(o, '}');
}

static void machine_doc(awsval__out *o, const awsval_ctx *c)
{
    awsval__out_fmt(o, "{\"valid\":%s,\"total\":%zu,\"failures\":[", c->viol_total ? "false" : "true",
                    c->viol_total);
    for (size_t i = 0; i < c->viol_count; i++) {
        const awsval_violation *v = &c->viols[i].v;
        if (i) awsval__out_chr(o, ',');
        awsval__out_chr(o, '{');
        key_str(o, "path", v->pointer, true);
        key_str(o, "constraint", awsval_kind_name(v->kind), false);
        key_str(o, "source", v->source == AWSVAL_SOURCE_DOCUMENTED ? "documented" : "model", false);
        key(o, "message", false);
        str_open(o);
        aws_sentence(o, v);
        str_close(o);
        key_str(o, "awsPath", v->aws_path, false);
        if (*v->shape) key_str(o, "shape", v->shape, false);
        awsval__out_fmt(o, ",\"offset\":%zu,\"length\":%zu", v->offset, v->length);
        if (v->flags & AWSVAL_VIOLATION_SENSITIVE) awsval__out_str(o, ",\"sensitive\":true");
        awsval__out_chr(o, '}');
    }
    awsval__out_str(o, "]}");
}

/* ------------------------------------------------------------------- Java text (Private) */

/* Java's toString of a (validated) JSON value, as Coral echoes lists and maps. */
static const char *java_value(awsval__out *o, const char *p, const char *end);

static const char *java_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

static const char *java_string(awsval__out *o, const char *p, const char *end)
{
    p++; /* opening quote */
    while (p < end && *p != '"') {
        const char *run = p;
        while (p < end && *p != '"' && *p != '\\') p++;
        awsval__out_mem(o, run, (size_t)(p - run));
        if (p >= end || *p == '"') break;
        char e = p[1];
        p += 2;
        char ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b'
                : e == 'f' ? '\f' : e;
        if (e != 'u') {
            awsval__out_chr(o, ch);
            continue;
        }
        unsigned cp = 0;
        for (int i = 0; i < 4 && p < end; i++, p++)
            cp = cp * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
        if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6) {
            unsigned lo = 0;
            for (int i = 2; i < 6; i++)
                lo = lo * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        }
        char u[4];
        awsval__out_mem(o, u, awsval__utf8_put(u, cp));
    }
    return p + 1;
}

static const char *java_value(awsval__out *o, const char *p, const char *end)
{
    p = java_ws(p, end);
    if (p >= end) return p;
    if (*p == '"') return java_string(o, p, end);
    if (*p == '[' || *p == '{') {
        bool obj = *p == '{';
        awsval__out_chr(o, obj ? '{' : '[');
        p = java_ws(p + 1, end);
        bool first = true;
        while (p < end && *p != (obj ? '}' : ']')) {
            if (!first) awsval__out_str(o, ", ");
            first = false;
            if (obj) {
                p = java_string(o, java_ws(p, end), end);
                p = java_ws(p, end) + 1; /* ':' */
                awsval__out_chr(o, '=');
            }
            p = java_ws(java_value(o, p, end), end);
            if (p < end && *p == ',') p = java_ws(p + 1, end);
        }
        awsval__out_chr(o, obj ? '}' : ']');
        return p + 1;
    }
    const char *run = p;
    while (p < end && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\n' &&
           *p != '\r' && *p != '\t')
        p++;
    awsval__out_mem(o, run, (size_t)(p - run));
    return p;
}

void awsval__java_text(awsval__out *o, const char *json, size_t len)
{
    java_value(o, json, json + len);
}

/* ---------------------------------------------------------------------- render (Public) */

awsval_code awsval_render(const awsval_ctx *c, uint32_t style, char *buf, size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!c || (!buf && cap)) return AWSVAL_BADARG;
    const awsval_model *m = c->model;
    if (!m) return AWSVAL_NOCHECK;
    awsval__out o = {buf, cap, 0, false};
    switch (style) {
    case AWSVAL_REPORT_AWS:
        if (c->viol_total) aws_message(&o, c);
        break;
    case AWSVAL_REPORT_NATIVE:
        if (c->viol_total) native_doc(&o, c, m);
        break;
    case AWSVAL_REPORT_SMITHY:
        if (c->viol_total) smithy_doc(&o, c);
        break;
    case AWSVAL_REPORT_JSON:
        machine_doc(&o, c);
        break;
    default:
        return AWSVAL_BADARG;
    }
    return awsval__out_finish(&o, need);
}

awsval_code awsval_ctx_violation_message(const awsval_ctx *c, size_t i, uint32_t style, char *buf,
                                         size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!c || (!buf && cap) || (style != AWSVAL_REPORT_AWS && style != AWSVAL_REPORT_SMITHY))
        return AWSVAL_BADARG;
    if (!c->model) return AWSVAL_NOCHECK;
    if (i >= c->viol_count) return AWSVAL_NOTFOUND;
    awsval__out o = {buf, cap, 0, false};
    if (style == AWSVAL_REPORT_AWS) aws_sentence(&o, &c->viols[i].v);
    else smithy_sentence(&o, &c->viols[i].v);
    return awsval__out_finish(&o, need);
}

static const char *content_type(const awsval_model *m)
{
    if (m->native.kind != AV_NATIVE_AWS_JSON) return "application/json";
    return strcmp(AV_STR(m, m->json_version), "1.1") == 0 ? "application/x-amz-json-1.1"
                                                          : "application/x-amz-json-1.0";
}

/* Status and error type of the last result (0 and "" when valid). */
static void native_status(const awsval_ctx *c, const awsval_model *m, int *status, const char **type)
{
    const awsval__native *n = &m->native;
    *status = 0;
    *type = "";
    if (!c->viol_total) return;
    *status = n->status;
    *type = AV_STR(m, n->error_type);
    bool own = n->has_field_list || n->has_reason;
    if (c->http_fail == AV_HTTP_MEDIA) {
        *status = 415;
        *type = "UnsupportedMediaTypeException";
    } else if (c->http_fail == AV_HTTP_ROUTE && !n->reason_unknown_op) {
        *status = n->kind == AV_NATIVE_AWS_JSON ? 400 : 404;
        *type = "UnknownOperationException";
    } else if (n->kind == AV_NATIVE_AWS_JSON && !own && unreadable(c)) {
        *type = "SerializationException";
    }
}

awsval_code awsval_ctx_rejection(const awsval_ctx *c, awsval_rejection *out)
{
    if (!c || !out || out->size == 0) return AWSVAL_BADARG;
    const awsval_model *m = c->model;
    if (!m) return AWSVAL_NOCHECK;
    awsval_rejection r = {0};
    r.size = out->size < sizeof r ? out->size : (uint32_t)sizeof r;
    native_status(c, m, &r.status, &r.error_type);
    r.content_type = r.status ? content_type(m) : "";
    r.type_header = "x-amzn-ErrorType";
    if (r.status) {
        awsval__out body = {NULL, 0, 0, false};
        native_doc(&body, c, m);
        r.body_len = body.len;
    }
    memcpy(out, &r, r.size);
    return AWSVAL_OK;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    default: return "Error";
    }
}

awsval_code awsval_render_http(const awsval_ctx *c, char *buf, size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!c || (!buf && cap)) return AWSVAL_BADARG;
    const awsval_model *m = c->model;
    if (!m) return AWSVAL_NOCHECK;
    awsval__out o = {buf, cap, 0, false};
    if (c->viol_total) {
        int st;
        const char *type;
        native_status(c, m, &st, &type);
        awsval__out body_len = {NULL, 0, 0, false};
        native_doc(&body_len, c, m);
        awsval__out_fmt(&o, "HTTP/1.1 %d %s\r\n", st, reason_phrase(st));
        awsval__out_str(&o, "Content-Type: ");
        awsval__out_str(&o, content_type(m));
        awsval__out_str(&o, "\r\nx-amzn-ErrorType: ");
        awsval__out_str(&o, type);
        awsval__out_fmt(&o, "\r\nContent-Length: %zu\r\n\r\n", body_len.len);
        native_doc(&o, c, m);
    }
    return awsval__out_finish(&o, need);
}
