/* Reports: violations (data) -> the service's message, its native error document and HTTP
 * response, Smithy's framework error, machine JSON.
 *
 * Every sentence awsval writes is in this file (and the Java echo of values in awsval_echo.c).
 * Where the services' own wording is known (Coral's validation messages, seen in real answers;
 * Smithy's framework messages) it is reproduced; where it is not, the choice is marked "(ours)"
 * here and listed in the README ("Fidelity"). What the model cannot say (the error code of a
 * service, its path style) comes from its answer profile, read when the model is built. */
#include "awsval_internal.h"

/* ------------------------------------------------------------------- paths (Private) */

/* The node's ancestors' path, root first, into o (pointer style: "/a/0/k"). */
static void pointer_of(awsval__out *o, const awsval_ctx *c, uint32_t node)
{
    if (!node) return;
    const awsval__node *n = &c->nodes[node];
    pointer_of(o, c, n->parent);
    const awsval_model *m = c->model;
    awsval__out_chr(o, '/');
    if (n->kind == AV_SEG_INDEX) {
        awsval__out_u64(o, n->index);
        return;
    }
    if (n->redact) {
        awsval__out_chr(o, '*');
        return;
    }
    const char *t;
    size_t len;
    if (n->kind == AV_SEG_MEMBER && n->member >= 0) {
        t = AV_STR(m, m->members[n->member].name);
        len = m->members[n->member].name_len;
    } else {
        t = awsval__res(c, n->text);
        len = n->text_len;
    }
    /* RFC 6901: ~ -> ~0, / -> ~1. */
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] != '~' && t[i] != '/') continue;
        awsval__out_text(o, t + run, i - run);
        awsval__out_str(o, t[i] == '~' ? "~0" : "~1");
        run = i + 1;
    }
    awsval__out_text(o, t + run, len - run);
}

/* The member path as Coral writes it: member names with only their first character lowered
 * ("sSESpecification.sSEType"), list items 1-based then "member" ("targets.1.member.id"), map
 * entries by key then "member" ("messageAttributes.attr1.member.dataType"). */
static void aws_path_of(awsval__out *o, const awsval_ctx *c, uint32_t node, bool *first)
{
    if (!node) return;
    const awsval__node *n = &c->nodes[node];
    aws_path_of(o, c, n->parent, first);
    const awsval_model *m = c->model;
    if (!*first) awsval__out_chr(o, '.');
    *first = false;
    if (n->kind == AV_SEG_INDEX) {
        awsval__out_u64(o, (uint64_t)n->index + 1);
        awsval__out_str(o, ".member");
        return;
    }
    if (n->redact) {
        awsval__out_chr(o, '*');
    } else if (n->kind == AV_SEG_MEMBER && n->member >= 0) {
        const char *name = AV_STR(m, m->members[n->member].name);
        char lead = name[0] >= 'A' && name[0] <= 'Z' ? (char)(name[0] + 32) : name[0];
        if (name[0]) awsval__out_chr(o, lead);
        if (name[0]) awsval__out_str(o, name + 1);
    } else {
        awsval__out_text(o, awsval__res(c, n->text), n->text_len);
    }
    if (n->kind == AV_SEG_KEY) awsval__out_str(o, ".member");
}

/* The node of the root member of a path. */
static const awsval__node *root_member(const awsval_ctx *c, uint32_t node)
{
    const awsval__node *n = NULL;
    while (node) {
        n = &c->nodes[node];
        node = n->parent;
    }
    return n;
}

/* The service's path of a violation: a grouped item is reported at its list or map. A service
 * whose profile prefixes body members ("putIntegrationInput.type") gets the prefix. */
static void aws_path(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    const awsval_model *m = c->model;
    uint32_t node = r->group ? c->groups[r->group].node : r->node;
    const awsval__node *root = root_member(c, node);
    bool first = true;
    if (m->native.body_prefix && root && root->kind == AV_SEG_MEMBER && root->member >= 0 &&
        c->op >= 0) {
        uint8_t loc = m->members[root->member].location;
        if (loc == AV_LOC_BODY || loc == AV_LOC_PAYLOAD) {
            /* "{operation}Input": the operation's name with its first character lowered. */
            const char *tpl = AV_STR(m, m->native.body_prefix), *op = AV_STR(m, m->ops[c->op].name);
            for (const char *p = tpl; *p; p++) {
                if (strncmp(p, "{operation}", 11) == 0) {
                    char lead = op[0] >= 'A' && op[0] <= 'Z' ? (char)(op[0] + 32) : op[0];
                    if (op[0]) awsval__out_chr(o, lead);
                    if (op[0]) awsval__out_str(o, op + 1);
                    p += 10;
                } else {
                    awsval__out_chr(o, *p);
                }
            }
            first = false;
        }
    }
    aws_path_of(o, c, node, &first);
}

void awsval__report_pointer(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    pointer_of(o, c, r->node);
}

void awsval__report_aws_path(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    aws_path(o, c, r);
}

/* ---------------------------------------------------------------- constraints (Private) */

static const char *bound_text(const awsval_model *m, const awsval__rec *r, bool min)
{
    const awsval__shape *sh = &m->shapes[r->shape];
    if (r->source == AWSVAL_SOURCE_DOCUMENTED && r->rule >= 0) {
        const awsval__doc_rule *d = &m->docs[r->rule];
        uint32_t t = min ? d->min_text : d->max_text;
        return t ? AV_STR(m, t) : NULL;
    }
    if (min) return (sh->flags & AV_SF_MIN) ? AV_STR(m, sh->min_text) : NULL;
    return (sh->flags & AV_SF_MAX) ? AV_STR(m, sh->max_text) : NULL;
}

static void say_length(awsval__out *o, const char *what, bool min, const char *bound)
{
    awsval__out_str(o, "Member must have ");
    awsval__out_str(o, what);
    awsval__out_str(o, min ? " greater than or equal to " : " less than or equal to ");
    awsval__out_str(o, bound);
}

static void say_pattern(awsval__out *o, const awsval_model *m, int32_t pi)
{
    awsval__out_str(o, "Member must satisfy regular expression pattern: ");
    awsval__out_str(o, AV_STR(m, m->patterns[pi].source));
}

static void say_enum(awsval__out *o, const awsval_model *m, const awsval__shape *sh)
{
    awsval__out_str(o, "Member must satisfy enum value set");
    /* IAM prints neither the value nor the set (its profile says so). */
    if (!m->native.echo_enums) return;
    awsval__out_str(o, ": ");
    awsval__out_str(o, AV_STR(m, sh->enum_text));
}

/* A documented rule's sentence: the overlay's own, or ours. */
static void say_doc(awsval__out *o, const awsval_model *m, int32_t ri);

void awsval__report_doc_rule(awsval__out *o, const awsval_model *m, int32_t rule)
{
    say_doc(o, m, rule);
}

static void say_doc(awsval__out *o, const awsval_model *m, int32_t ri)
{
    const awsval__doc_rule *d = &m->docs[ri];
    if (d->message) {
        awsval__out_str(o, AV_STR(m, d->message));
        return;
    }
    switch (d->form) {
    case AV_DOC_REGEX:
        say_pattern(o, m, d->pattern);
        break;
    case AV_DOC_PREFIX: /* (ours) */
        awsval__out_str(o, "Member must not begin with '");
        awsval__out_mem(o, AV_STR(m, d->prefix), d->prefix_len);
        awsval__out_chr(o, '\'');
        break;
    case AV_DOC_CHARSET: /* (ours) */
        awsval__out_str(o, "Member must contain only the documented characters");
        break;
    default:
        if (d->max >= 0) say_length(o, "length", false, AV_STR(m, d->max_text));
        else say_length(o, "length", true, AV_STR(m, d->min_text));
    }
}

/* The Java class a Coral service reads a JSON value into, for its SerializationException. */
static const char *java_class_of(uint8_t jt)
{
    switch (jt) {
    case AV_JT_STRING: return "java.lang.String";
    case AV_JT_TRUE:
    case AV_JT_FALSE: return "java.lang.Boolean";
    case AV_JT_INT: return "java.lang.Integer";
    case AV_JT_LONG: return "java.lang.Long";
    case AV_JT_BIGINT: return "java.math.BigInteger";
    case AV_JT_FRACTION: return "java.lang.Double";
    case AV_JT_ARRAY: return "java.util.ArrayList";
    case AV_JT_OBJECT: return "java.util.LinkedHashMap";
    default: return "java.lang.Object";
    }
}

/* "class java.lang.Boolean can not be converted to an String": Coral's deserializer, as real
 * answers show it (the article is always "an"). Source classes other than String and Boolean,
 * and target names other than the scalar classes, are (ours). */
static void say_type(awsval__out *o, const awsval_model *m, const awsval__rec *r)
{
    awsval__out_str(o, "class ");
    awsval__out_str(o, java_class_of(r->json_type));
    awsval__out_str(o, " can not be converted to an ");
    const awsval__shape *sh = r->shape >= 0 ? &m->shapes[r->shape] : NULL;
    if (sh && sh->type == AV_T_STRUCTURE) awsval__out_str(o, AV_STR(m, sh->name));
    else awsval__out_str(o, awsval__type_java(sh ? sh->type : 0));
}

/* Every constraint of an item shape, as Coral lists them for a list or map of scalars: length
 * (max, then min), pattern, enum, range (max, then min), then "Member must not be null" for
 * list members and map values, as real answers print them. Documented rules that failed are
 * added after the model's (ours). */
static void say_item_constraints(awsval__out *o, const awsval_ctx *c, const awsval__group *g,
                                 uint32_t gid)
{
    const awsval_model *m = c->model;
    const awsval__shape *sh = &m->shapes[g->item];
    bool first = true;
#define NEXT() (first ? (void)(first = false) : awsval__out_str(o, ", "))
    bool is_len = sh->type == AV_T_STRING || sh->type == AV_T_BLOB;
    const char *what = is_len ? "length" : "value";
    if (sh->flags & AV_SF_MAX) {
        NEXT();
        say_length(o, what, false, AV_STR(m, sh->max_text));
    }
    if (sh->flags & AV_SF_MIN) {
        NEXT();
        say_length(o, what, true, AV_STR(m, sh->min_text));
    }
    if (sh->pattern >= 0) {
        NEXT();
        say_pattern(o, m, sh->pattern);
    }
    if (sh->enum_count) {
        NEXT();
        say_enum(o, m, sh);
    }
    for (size_t i = 0; i < c->rec_count; i++) {
        const awsval__rec *r = &c->recs[i];
        if (r->group != gid || r->source != AWSVAL_SOURCE_DOCUMENTED) continue;
        bool again = false;
        for (size_t k = 0; k < i && !again; k++)
            again = c->recs[k].group == gid && c->recs[k].rule == r->rule && c->recs[k].source == r->source;
        if (again) continue;
        NEXT();
        say_doc(o, m, r->rule);
    }
    if (!(g->role & AWSVAL_VIOLATION_MAP_KEY)) {
        NEXT();
        awsval__out_str(o, "Member must not be null");
    }
#undef NEXT
}

/* A parse-level failure's description (ours): "Unable to parse the request: ... at byte N". */
static void parse_detail(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    switch (r->why) {
    case AV_WHY_CONTROL:
        awsval__out_str(o, "control character U+00");
        awsval__out_chr(o, "0123456789ABCDEF"[(r->arg >> 4) & 15]);
        awsval__out_chr(o, "0123456789ABCDEF"[r->arg & 15]);
        awsval__out_str(o, " in string must be escaped");
        return;
    case AV_WHY_ESCAPE:
        /* The character, or '?' for one that is not printable ASCII. */
        awsval__out_str(o, "invalid escape '\\");
        awsval__out_chr(o, r->arg >= 0x20 && r->arg < 0x7f ? (char)r->arg : '?');
        awsval__out_chr(o, '\'');
        return;
    case AV_WHY_CHAR:
        awsval__out_str(o, "unexpected character '");
        awsval__out_chr(o, r->arg >= 0x20 && r->arg < 0x7f ? (char)r->arg : '?');
        awsval__out_chr(o, '\'');
        return;
    case AV_WHY_DEPTH:
        awsval__out_str(o, "nesting deeper than ");
        awsval__out_u64(o, r->arg);
        awsval__out_str(o, " levels");
        return;
    case AV_WHY_DUPLICATE:
        awsval__out_str(o, "duplicate key");
        /* The key, cut at 64 bytes on a character boundary; never a key inside a secret. */
        if (r->echo != UINT32_MAX && r->echo_form == AV_ECHO_TEXT) {
            awsval__out_str(o, " \"");
            size_t n = r->echo_len > 64 ? awsval__utf8_floor(awsval__res(c, r->echo), 64) : r->echo_len;
            awsval__out_text(o, awsval__res(c, r->echo), n);
            if (n < r->echo_len) awsval__out_str(o, "...");
            awsval__out_chr(o, '"');
        }
        return;
    case AV_WHY_DUP_FIELD:
        awsval__out_str(o, "the request has more than one ");
        if (r->echo != UINT32_MAX) awsval__out_text(o, awsval__res(c, r->echo), r->echo_len);
        else awsval__out_str(o, "copy of a field");
        awsval__out_str(o, ", which holds one value");
        return;
    default:
        awsval__out_str(o, awsval__why_text(r->why));
    }
}

/* The constraint of one violation alone, as Coral words it ("Member must ..."). */
static void constraint(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    const awsval_model *m = c->model;
    const awsval__shape *sh = r->shape >= 0 ? &m->shapes[r->shape] : NULL;
    if (r->source == AWSVAL_SOURCE_DOCUMENTED && r->rule >= 0 && r->kind != AWSVAL_KIND_LIMIT) {
        say_doc(o, m, r->rule);
        return;
    }
    switch (r->kind) {
    case AWSVAL_KIND_REQUIRED:
        awsval__out_str(o, "Member must not be null");
        break;
    case AWSVAL_KIND_TYPE:
        say_type(o, m, r);
        break;
    case AWSVAL_KIND_LENGTH:
        say_length(o, "length", r->bounds == 1, bound_text(m, r, r->bounds == 1));
        break;
    case AWSVAL_KIND_RANGE:
        say_length(o, "value", r->bounds == 1, bound_text(m, r, r->bounds == 1));
        break;
    case AWSVAL_KIND_PATTERN:
        say_pattern(o, m, r->rule);
        break;
    case AWSVAL_KIND_LIMIT:
        if (r->why == AV_WHY_MEMORY) { /* (ours) */
            awsval__out_str(o, "the check needs more memory than the context may hold");
        } else if (r->why == AV_WHY_SIZE) { /* (ours) */
            awsval__out_str(o, "input larger than ");
            awsval__out_u64(o, r->arg);
            awsval__out_str(o, " bytes");
        } else { /* (ours) */
            awsval__out_str(o, "Member could not be checked within the match limits against "
                               "regular expression pattern: ");
            awsval__out_str(o, AV_STR(m, m->patterns[r->rule].source));
        }
        break;
    case AWSVAL_KIND_ENUM:
        if (sh) say_enum(o, m, sh);
        break;
    case AWSVAL_KIND_UNION: /* (ours) */
        awsval__out_str(o, "Member must have exactly one member set, but ");
        awsval__out_i64(o, r->actual);
        awsval__out_str(o, " are set");
        break;
    case AWSVAL_KIND_UNKNOWN: /* (ours) services ignore unknown members */
        awsval__out_str(o, "Member is not defined by the service model");
        break;
    case AWSVAL_KIND_UNIQUE: /* Smithy's */
        awsval__out_str(o, "Member must have unique values");
        break;
    default: /* PARSE, OPERATION: what was wrong, (ours) */
        parse_detail(o, c, r);
        break;
    }
}

/* The grouped form of an item's violation: "Member must satisfy constraint: [...]". */
static void group_constraint(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    const awsval__group *g = &c->groups[r->group];
    awsval__out_str(o, g->role & AWSVAL_VIOLATION_MAP_KEY     ? "Map keys must satisfy constraint: ["
                       : g->role & AWSVAL_VIOLATION_MAP_VALUE ? "Map value must satisfy constraint: ["
                                                              : "Member must satisfy constraint: [");
    say_item_constraints(o, c, g, r->group);
    awsval__out_chr(o, ']');
}

void awsval__report_constraint(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    if (r->group) group_constraint(o, c, r);
    else constraint(o, c, r);
}

/* Whether the service echoes the value of a violation, and what it echoes. */
static bool echo_of(const awsval_ctx *c, const awsval__rec *r, uint32_t *off_out, uint32_t *len_out,
                    uint8_t *form_out, int32_t *shape_out)
{
    const awsval_model *m = c->model;
    if (r->kind == AWSVAL_KIND_PARSE || r->kind == AWSVAL_KIND_OPERATION || r->kind == AWSVAL_KIND_LIMIT ||
        (r->kind == AWSVAL_KIND_REQUIRED && !r->group))
        return false;
    if (!m->native.echo_values) return false;
    uint32_t off = r->echo, len = r->echo_len;
    uint8_t form = r->echo_form;
    int32_t shape = r->echo_shape;
    if (r->group) {
        const awsval__group *g = &c->groups[r->group];
        if (g->hidden || g->echo == UINT32_MAX) return false;
        off = g->echo;
        len = g->echo_len;
        form = g->echo_form;
        shape = g->shape;
    }
    if (form == AV_ECHO_NONE || off == UINT32_MAX || (r->flags & AWSVAL_VIOLATION_SENSITIVE)) return false;
    *off_out = off;
    *len_out = len;
    *form_out = form;
    *shape_out = shape;
    return true;
}

bool awsval__report_value(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    uint32_t off, len;
    uint8_t form;
    int32_t shape;
    if (!echo_of(c, r, &off, &len, &form, &shape)) return false;
    if (form == AV_ECHO_TEXT) awsval__out_text(o, awsval__res(c, off), len);
    else awsval__echo_java(o, c->model, shape, awsval__res(c, off), len);
    return true;
}

/* --------------------------------------------------------------- sentences (Private) */

/* One Coral sentence: "Value 'x' at 'p' failed to satisfy constraint: Member must ...". */
static void aws_sentence(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    if (r->kind == AWSVAL_KIND_TYPE) {
        say_type(o, c->model, r);
        return;
    }
    if (r->kind == AWSVAL_KIND_PARSE || r->kind == AWSVAL_KIND_OPERATION ||
        (r->kind == AWSVAL_KIND_LIMIT && r->why)) {
        if (r->kind == AWSVAL_KIND_OPERATION) { /* (ours) */
            awsval__out_str(o, "No operation matches the request");
            return;
        }
        if (r->why == AV_WHY_MEDIA) { /* (ours) */
            awsval__out_str(o, "Unsupported Content-Type for this operation");
            return;
        }
        if (r->kind == AWSVAL_KIND_LIMIT) {
            constraint(o, c, r);
            return;
        }
        awsval__out_str(o, "Unable to parse the request: "); /* (ours) */
        parse_detail(o, c, r);
        if (r->why != AV_WHY_DUP_FIELD) {
            awsval__out_str(o, " at byte ");
            awsval__out_u64(o, r->offset);
        }
        return;
    }
    uint32_t eoff, elen;
    uint8_t eform;
    int32_t eshape;
    if (r->kind == AWSVAL_KIND_REQUIRED && !r->group) {
        awsval__out_str(o, "Value null at '");
    } else if (echo_of(c, r, &eoff, &elen, &eform, &eshape)) {
        awsval__out_str(o, "Value '");
        awsval__report_value(o, c, r);
        awsval__out_str(o, "' at '");
    } else {
        /* A sensitive value is not echoed, as Coral does for sensitive members. */
        awsval__out_str(o, "Value at '");
    }
    aws_path(o, c, r);
    awsval__out_str(o, "' failed to satisfy constraint: ");
    awsval__report_constraint(o, c, r);
}

/* Smithy's pointer for a violation: a map key is reported at the map's path. */
static void smithy_path(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    uint32_t node = r->node;
    if ((r->flags & AWSVAL_VIOLATION_MAP_KEY) && node) node = c->nodes[node].parent;
    pointer_of(o, c, node);
}

/* One Smithy sentence: "Value with length 1 at '/x' failed to satisfy constraint: ...".
 * Smithy never echoes values. */
static void smithy_sentence(awsval__out *o, const awsval_ctx *c, const awsval__rec *r)
{
    const awsval_model *m = c->model;
    if (r->kind == AWSVAL_KIND_PARSE || r->kind == AWSVAL_KIND_OPERATION || r->kind == AWSVAL_KIND_TYPE ||
        (r->kind == AWSVAL_KIND_LIMIT && r->why)) {
        aws_sentence(o, c, r);
        return;
    }
    if (r->kind == AWSVAL_KIND_LENGTH && r->actual >= 0) {
        awsval__out_str(o, "Value with length ");
        awsval__out_i64(o, r->actual);
        awsval__out_str(o, " at '");
    } else {
        awsval__out_str(o, "Value at '");
    }
    smithy_path(o, c, r);
    awsval__out_str(o, "' failed to satisfy constraint: ");
    if ((r->kind == AWSVAL_KIND_LENGTH || r->kind == AWSVAL_KIND_RANGE) && r->source == AWSVAL_SOURCE_MODEL) {
        const char *lo = bound_text(m, r, true), *hi = bound_text(m, r, false);
        const char *what = r->kind == AWSVAL_KIND_LENGTH ? "have length " : "be ";
        awsval__out_str(o, "Member must ");
        awsval__out_str(o, what);
        if (lo && hi) {
            awsval__out_str(o, "between ");
            awsval__out_str(o, lo);
            awsval__out_str(o, " and ");
            awsval__out_str(o, hi);
            awsval__out_str(o, ", inclusive");
        } else {
            awsval__out_str(o, lo ? "greater than or equal to " : "less than or equal to ");
            awsval__out_str(o, lo ? lo : hi);
        }
        return;
    }
    constraint(o, c, r);
}

/* ------------------------------------------------------------------ order (Private) */

/* The rank of a violation kind among one member's sentences: the pattern sentence comes before
 * the length one, as real answers show; the rest (ours). */
static int kind_rank(uint8_t kind)
{
    switch (kind) {
    case AWSVAL_KIND_REQUIRED: return 0;
    case AWSVAL_KIND_TYPE: return 1;
    case AWSVAL_KIND_PATTERN: return 2;
    case AWSVAL_KIND_LIMIT: return 3;
    case AWSVAL_KIND_LENGTH: return 4;
    case AWSVAL_KIND_ENUM: return 5;
    case AWSVAL_KIND_RANGE: return 6;
    default: return 7;
    }
}

/* The position of a node among its siblings: members in model order (unknown ones after),
 * list items and map entries in input order. */
static uint64_t ordinal(const awsval_ctx *c, uint32_t node)
{
    const awsval__node *n = &c->nodes[node];
    if (n->kind == AV_SEG_MEMBER) {
        if (n->member >= 0) return c->model->members[n->member].index;
        return (1ull << 32) + node;
    }
    return n->index;
}

/* Coral's order of two violations: by path (model order of members), then kind. */
static int rec_cmp(const awsval_ctx *c, const awsval__rec *a, const awsval__rec *b)
{
    uint32_t x = a->group ? c->groups[a->group].node : a->node;
    uint32_t y = b->group ? c->groups[b->group].node : b->node;
    uint32_t dx = x ? c->nodes[x].depth : 0, dy = y ? c->nodes[y].depth : 0;
    uint32_t ux = x, uy = y;
    while (dx > dy) {
        ux = c->nodes[ux].parent;
        dx--;
    }
    while (dy > dx) {
        uy = c->nodes[uy].parent;
        dy--;
    }
    if (ux == uy) {
        /* One path is a prefix of the other: the shorter first. */
        uint32_t da = x ? c->nodes[x].depth : 0, db = y ? c->nodes[y].depth : 0;
        if (da != db) return da < db ? -1 : 1;
        int ka = kind_rank(a->kind), kb = kind_rank(b->kind);
        return (ka > kb) - (ka < kb);
    }
    while (c->nodes[ux].parent != c->nodes[uy].parent) {
        ux = c->nodes[ux].parent;
        uy = c->nodes[uy].parent;
    }
    uint64_t ox = ordinal(c, ux), oy = ordinal(c, uy);
    return (ox > oy) - (ox < oy);
}

/* The records in Coral's order, into c->order (a stable insertion of indexes; ties keep the
 * order found). */
static void coral_order(const awsval_ctx *c, uint32_t *order)
{
    for (size_t i = 0; i < c->rec_count; i++) {
        size_t j = i;
        while (j > 0 && rec_cmp(c, &c->recs[order[j - 1]], &c->recs[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint32_t)i;
    }
}

/* -------------------------------------------------------------- messages (Private) */

static bool unreadable(const awsval_ctx *c) { return c->failed == AV_FAIL_PARSE || c->failed == AV_FAIL_TYPE; }

/* The first TYPE violation: a service that cannot read the request says only that. */
static const awsval__rec *first_type(const awsval_ctx *c)
{
    for (size_t i = 0; i < c->rec_count; i++)
        if (c->recs[i].kind == AWSVAL_KIND_TYPE) return &c->recs[i];
    return NULL;
}

static void aws_message(awsval__out *o, const awsval_ctx *c)
{
    if (c->failed && c->failed != AV_FAIL_TYPE) {
        aws_sentence(o, c, &c->recs[0]);
        return;
    }
    if (c->failed == AV_FAIL_TYPE) {
        const awsval__rec *t = first_type(c);
        if (t) {
            aws_sentence(o, c, t);
            return;
        }
    }
    awsval__out_u64(o, c->units);
    awsval__out_str(o, c->units == 1 ? " validation error detected: " : " validation errors detected: ");
    uint32_t *order = c->order;
    coral_order(c, order);
    bool first = true;
    for (size_t i = 0; i < c->rec_count; i++) {
        const awsval__rec *r = &c->recs[order[i]];
        if (r->group) {
            /* A group is one error: said once, at its first violation in order. */
            bool said = false;
            for (size_t k = 0; k < i && !said; k++) said = c->recs[order[k]].group == r->group;
            if (said) continue;
        }
        if (!first) awsval__out_str(o, "; ");
        first = false;
        aws_sentence(o, c, r);
    }
}

static void smithy_message(awsval__out *o, const awsval_ctx *c)
{
    if (c->failed) {
        aws_message(o, c);
        return;
    }
    awsval__out_u64(o, c->rec_total);
    awsval__out_str(o, c->rec_total == 1 ? " validation error detected. " : " validation errors detected. ");
    for (size_t i = 0; i < c->rec_count; i++) {
        if (i) awsval__out_str(o, "; ");
        smithy_sentence(o, c, &c->recs[i]);
    }
}

/* ------------------------------------------------------------------- JSON (Private) */

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

/* ------------------------------------------------------------ the answer (Private) */

/* What the service answers: status, error type, whether it is its own validation error. */
typedef struct answer {
    int status;
    const char *type;       /* the code, as the type header and the SDKs show it */
    const char *type_full;  /* awsJson __type */
    bool validation;        /* the service's validation error (else a framework one) */
    bool serialization;     /* a value of the wrong type or unreadable JSON (framework) */
} answer;

static void decide(const awsval_ctx *c, answer *a)
{
    const awsval_model *m = c->model;
    const awsval__native *n = &m->native;
    memset(a, 0, sizeof *a);
    a->type = a->type_full = "";
    if (!c->rec_total) return;
    bool own = n->has_field_list || n->has_reason;
    a->status = n->status;
    a->validation = true;
    const char *code = AV_STR(m, n->error_type);
    if (c->op >= 0 && m->ops[c->op].error) code = AV_STR(m, m->ops[c->op].error);
    a->type = a->type_full = code;
    switch (c->failed) {
    case AV_FAIL_MEDIA:
        a->status = 415;
        a->type = a->type_full = "UnsupportedMediaTypeException";
        a->validation = false;
        return;
    case AV_FAIL_ROUTE:
        if (n->reason_unknown_op) return;
        a->status = n->protocol == AV_PROTO_JSON ? 400 : 404;
        a->type = "UnknownOperationException";
        a->type_full = "com.amazon.coral.service#UnknownOperationException";
        a->validation = false;
        return;
    case AV_FAIL_SIZE:
    case AV_FAIL_LIMIT:
        /* (ours) a request over a size or memory limit: 413. */
        a->status = 413;
        a->type = a->type_full = "RequestEntityTooLargeException";
        a->validation = false;
        return;
    case AV_FAIL_TYPE:
        /* A value of the wrong JSON type: the service cannot deserialize the request. */
        a->type = "SerializationException";
        a->type_full = "com.amazon.coral.service#SerializationException";
        a->validation = false;
        a->serialization = true;
        return;
    case AV_FAIL_PARSE:
        if (own && n->reason_cannot_parse) return;
        if (n->protocol == AV_PROTO_JSON || n->protocol == AV_PROTO_REST_JSON) {
            a->type = "SerializationException";
            a->type_full = "com.amazon.coral.service#SerializationException";
            a->validation = false;
            a->serialization = true;
        }
        return;
    default:
        return;
    }
}

/* awsJson's __type: the namespace prefix of Coral's framework error when the service has no
 * modelled error of its own (real DynamoDB answers show it). */
static void type_full(awsval__out *o, const awsval_ctx *c, const answer *a)
{
    const awsval_model *m = c->model;
    if (a->validation && (c->op < 0 || !m->ops[c->op].error)) awsval__out_str(o, AV_STR(m, m->native.type_prefix));
    awsval__out_str(o, a->type_full);
}

static const char *content_type(const awsval_model *m)
{
    switch (m->native.protocol) {
    case AV_PROTO_JSON:
        return strcmp(AV_STR(m, m->json_version), "1.1") == 0 ? "application/x-amz-json-1.1"
                                                              : "application/x-amz-json-1.0";
    case AV_PROTO_QUERY:
    case AV_PROTO_EC2:
    case AV_PROTO_REST_XML:
        return "text/xml";
    default:
        return "application/json";
    }
}

static bool xml_protocol(const awsval_model *m)
{
    return m->native.protocol == AV_PROTO_QUERY || m->native.protocol == AV_PROTO_EC2 ||
           m->native.protocol == AV_PROTO_REST_XML;
}

/* The service's native error document (the response body). */
static void native_doc(awsval__out *o, const awsval_ctx *c)
{
    const awsval_model *m = c->model;
    const awsval__native *n = &m->native;
    answer a;
    decide(c, &a);
    if (xml_protocol(m)) {
        /* query: <ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error>;
         * ec2: <Response><Errors><Error><Code/><Message/></Error></Errors>. No RequestId: a
         * checker has none to give (ours). */
        bool ec2 = n->protocol == AV_PROTO_EC2;
        awsval__out_str(o, ec2 ? "<Response><Errors><Error>" : "<ErrorResponse");
        if (!ec2) {
            const char *ns = AV_STR(m, n->xml_namespace);
            if (*ns) {
                awsval__out_str(o, " xmlns=\"");
                awsval__out_str(o, ns);
                awsval__out_chr(o, '"');
            }
            awsval__out_str(o, "><Error><Type>Sender</Type>");
        }
        awsval__out_str(o, "<Code>");
        awsval__out_str(o, a.type);
        awsval__out_str(o, "</Code><Message>");
        o->escape = AWSVAL__ESC_XML;
        aws_message(o, c);
        o->escape = AWSVAL__ESC_NONE;
        awsval__out_str(o, ec2 ? "</Message></Error></Errors></Response>" : "</Message></Error></ErrorResponse>");
        return;
    }
    awsval__out_chr(o, '{');
    bool first = true;
    if (n->protocol == AV_PROTO_JSON) {
        key(o, "__type", true);
        awsval__out_str_open(o);
        type_full(o, c, &a);
        awsval__out_str_close(o);
        first = false;
    }
    if (!a.validation) {
        /* Framework errors: Coral's serialization/unknown-operation/media errors. */
        key(o, n->protocol == AV_PROTO_JSON && a.serialization ? "Message" : "message", first);
        awsval__out_str_open(o);
        aws_message(o, c);
        awsval__out_str_close(o);
        awsval__out_chr(o, '}');
        return;
    }
    if (c->failed == AV_FAIL_ROUTE && n->reason_unknown_op) {
        key(o, AV_STR(m, n->message_field), first);
        awsval__out_str_open(o);
        aws_message(o, c);
        awsval__out_str_close(o);
        key_str(o, AV_STR(m, n->reason_field), AV_STR(m, n->reason_unknown_op), false);
        awsval__out_chr(o, '}');
        return;
    }
    key(o, AV_STR(m, n->message_field), first);
    awsval__out_str_open(o);
    /* A service whose fieldList names JSON Pointers is Smithy's framework: Smithy's wording. */
    if (n->field_path) smithy_message(o, c);
    else aws_message(o, c);
    awsval__out_str_close(o);
    if (n->has_reason) {
        uint32_t reason = unreadable(c) && n->reason_cannot_parse ? n->reason_cannot_parse : n->reason_field_failed;
        if (reason) key_str(o, AV_STR(m, n->reason_field), AV_STR(m, reason), false);
    }
    if (n->has_field_list && !c->failed) {
        key(o, AV_STR(m, n->field_list_field), false);
        awsval__out_chr(o, '[');
        uint32_t *order = c->order;
        if (!n->field_path) coral_order(c, order);
        bool firstf = true;
        for (size_t i = 0; i < c->rec_count; i++) {
            const awsval__rec *r = &c->recs[n->field_path ? i : order[i]];
            if (!n->field_path && r->group) {
                bool said = false;
                for (size_t k = 0; k < i && !said; k++) said = c->recs[order[k]].group == r->group;
                if (said) continue;
            }
            if (!firstf) awsval__out_chr(o, ',');
            firstf = false;
            awsval__out_chr(o, '{');
            if (n->field_path) {
                key(o, "path", true);
                awsval__out_str_open(o);
                smithy_path(o, c, r);
                awsval__out_str_close(o);
            } else {
                key(o, "name", true);
                awsval__out_str_open(o);
                aws_path(o, c, r);
                awsval__out_str_close(o);
            }
            key(o, "message", false);
            awsval__out_str_open(o);
            if (n->field_path) smithy_sentence(o, c, r);
            else aws_sentence(o, c, r);
            awsval__out_str_close(o);
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
    awsval__out_str_open(o);
    smithy_message(o, c);
    awsval__out_str_close(o);
    if (!c->failed) {
        key(o, "fieldList", false);
        awsval__out_chr(o, '[');
        for (size_t i = 0; i < c->rec_count; i++) {
            const awsval__rec *r = &c->recs[i];
            if (i) awsval__out_chr(o, ',');
            awsval__out_chr(o, '{');
            key(o, "message", true);
            awsval__out_str_open(o);
            smithy_sentence(o, c, r);
            awsval__out_str_close(o);
            key(o, "path", false);
            awsval__out_str_open(o);
            smithy_path(o, c, r);
            awsval__out_str_close(o);
            awsval__out_chr(o, '}');
        }
        awsval__out_chr(o, ']');
    }
    awsval__out_chr(o, '}');
}

static void machine_doc(awsval__out *o, const awsval_ctx *c)
{
    const awsval_model *m = c->model;
    answer a;
    decide(c, &a);
    awsval__out_str(o, c->rec_total ? "{\"valid\":false,\"total\":" : "{\"valid\":true,\"total\":");
    awsval__out_u64(o, c->rec_total);
    awsval__out_str(o, ",\"errors\":");
    awsval__out_u64(o, c->units);
    if (c->rec_total) {
        awsval__out_str(o, ",\"status\":");
        awsval__out_i64(o, a.status);
        key_str(o, "errorType", a.type, false);
    }
    if (c->op >= 0) key_str(o, "operation", AV_STR(m, m->ops[c->op].name), false);
    awsval__out_str(o, ",\"failures\":[");
    for (size_t i = 0; i < c->rec_count; i++) {
        const awsval__rec *r = &c->recs[i];
        if (i) awsval__out_chr(o, ',');
        awsval__out_chr(o, '{');
        key(o, "path", true);
        awsval__out_str_open(o);
        pointer_of(o, c, r->node);
        awsval__out_str_close(o);
        key_str(o, "constraint", awsval_kind_name(r->kind), false);
        key_str(o, "source", r->source == AWSVAL_SOURCE_DOCUMENTED ? "documented" : "model", false);
        key(o, "message", false);
        awsval__out_str_open(o);
        aws_sentence(o, c, r);
        awsval__out_str_close(o);
        key(o, "awsPath", false);
        awsval__out_str_open(o);
        aws_path(o, c, r);
        awsval__out_str_close(o);
        if (r->shape >= 0) key_str(o, "shape", AV_STR(m, m->shapes[r->shape].name), false);
        awsval__out_str(o, ",\"offset\":");
        awsval__out_u64(o, r->offset);
        awsval__out_str(o, ",\"length\":");
        awsval__out_u64(o, r->length);
        if (r->group) {
            awsval__out_str(o, ",\"group\":");
            awsval__out_u64(o, r->group);
        }
        if (r->flags & AWSVAL_VIOLATION_SENSITIVE) awsval__out_str(o, ",\"sensitive\":true");
        awsval__out_chr(o, '}');
    }
    awsval__out_str(o, "]}");
}

/* ---------------------------------------------------------------------- render (Public) */

static awsval_code start(const awsval_ctx *c, char *buf, size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0';
    if (!c || (!buf && cap)) return AWSVAL_BADARG;
    if (!c->model) return AWSVAL_NOCHECK;
    return AWSVAL_OK;
}

awsval_code awsval_render(const awsval_ctx *c, uint32_t style, char *buf, size_t cap, size_t *need)
{
    awsval_code rc = start(c, buf, cap, need);
    if (rc != AWSVAL_OK) return rc;
    awsval__out o = {buf, cap, 0, false};
    switch (style) {
    case AWSVAL_REPORT_AWS:
        if (c->rec_total) aws_message(&o, c);
        break;
    case AWSVAL_REPORT_NATIVE:
        if (c->rec_total) native_doc(&o, c);
        break;
    case AWSVAL_REPORT_SMITHY:
        if (c->rec_total) smithy_doc(&o, c);
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
    awsval_code rc = start(c, buf, cap, need);
    if (rc != AWSVAL_OK) return rc;
    if (style != AWSVAL_REPORT_AWS && style != AWSVAL_REPORT_SMITHY) return AWSVAL_BADARG;
    if (i >= c->rec_count) return AWSVAL_NOTFOUND;
    awsval__out o = {buf, cap, 0, false};
    if (style == AWSVAL_REPORT_AWS) aws_sentence(&o, c, &c->recs[i]);
    else smithy_sentence(&o, c, &c->recs[i]);
    return awsval__out_finish(&o, need);
}

awsval_code awsval_ctx_rejection(const awsval_ctx *c, awsval_rejection *out)
{
    if (!c || !out || out->size == 0) return AWSVAL_BADARG;
    if (!c->model) return AWSVAL_NOCHECK;
    awsval_rejection r;
    memset(&r, 0, sizeof r);
    answer a;
    decide(c, &a);
    r.status = a.status;
    r.error_type = a.type;
    r.content_type = a.status ? content_type(c->model) : "";
    r.type_header = xml_protocol(c->model) ? NULL : "x-amzn-ErrorType";
    if (a.status) {
        awsval__out body = {NULL, 0, 0, false};
        native_doc(&body, c);
        r.body_len = body.len;
    }
    uint32_t size = out->size < sizeof r ? out->size : (uint32_t)sizeof r;
    r.size = size;
    memcpy(out, &r, size);
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
    awsval_code rc = start(c, buf, cap, need);
    if (rc != AWSVAL_OK) return rc;
    awsval__out o = {buf, cap, 0, false};
    if (c->rec_total) {
        answer a;
        decide(c, &a);
        awsval__out body = {NULL, 0, 0, false};
        native_doc(&body, c);
        awsval__out_str(&o, "HTTP/1.1 ");
        awsval__out_i64(&o, a.status);
        awsval__out_chr(&o, ' ');
        awsval__out_str(&o, reason_phrase(a.status));
        awsval__out_str(&o, "\r\nContent-Type: ");
        awsval__out_str(&o, content_type(c->model));
        if (!xml_protocol(c->model)) {
            awsval__out_str(&o, "\r\nx-amzn-ErrorType: ");
            awsval__out_str(&o, a.type);
        }
        awsval__out_str(&o, "\r\nContent-Length: ");
        awsval__out_u64(&o, body.len);
        awsval__out_str(&o, "\r\n\r\n");
        native_doc(&o, c);
    }
    return awsval__out_finish(&o, need);
}
