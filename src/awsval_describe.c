/* A person-readable description of a model's operations and their inputs. */
#include <inttypes.h>
#include <string.h>

#include "awsval_internal.h"


static void indent(awsval__out *o, int depth)
{
    for (int i = 0; i < depth; i++) awsval__out_str(o, "  ");
}

/* One line of constraints for shape si, then its nested members. `stack` holds the shapes on
 * the way here, so recursive shapes are printed once. */
static void shape_line(awsval__out *o, const awsval_model *m, int32_t si, int depth,
                       int32_t *stack, int nstack);

static void members(awsval__out *o, const awsval_model *m, const awsval__shape *s, int depth,
                    int32_t *stack, int nstack)
{
    for (uint32_t k = 0; k < s->member_count; k++) {
        const awsval__member *mb = &m->members[s->member_first + k];
        indent(o, depth);
        awsval__out_str(o, AV_STR(m, mb->name));
        if (mb->required) awsval__out_str(o, " (required)");
        static const char *const where[AV_LOC_COUNT] = {
            [AV_LOC_URI] = " [uri]", [AV_LOC_QUERY] = " [query]", [AV_LOC_HEADER] = " [header]",
            [AV_LOC_HEADERS] = " [headers]", [AV_LOC_PAYLOAD] = " [payload]"};
        if (where[mb->location]) awsval__out_str(o, where[mb->location]);
        awsval__out_str(o, ": ");
        shape_line(o, m, mb->shape, depth + 1, stack, nstack);
    }
}

static void shape_line(awsval__out *o, const awsval_model *m, int32_t si, int depth,
                       int32_t *stack, int nstack)
{
    const awsval__shape *s = &m->shapes[si];
    awsval__out_str(o, awsval__type_name(s->type));
    awsval__out_chr(o, ' ');
    awsval__out_str(o, AV_STR(m, s->name));
    const char *unit = s->type == AV_T_LIST || s->type == AV_T_MAP ? "entries"
                       : s->type == AV_T_BLOB                       ? "bytes"
                       : s->type == AV_T_STRING                     ? "characters"
                                                                    : NULL;
    if (s->flags & (AV_SF_MIN | AV_SF_MAX)) {
        awsval__out_str(o, unit ? ", length " : ", range ");
        awsval__out_str(o, (s->flags & AV_SF_MIN) ? AV_STR(m, s->min_text) : "");
        awsval__out_str(o, "..");
        awsval__out_str(o, (s->flags & AV_SF_MAX) ? AV_STR(m, s->max_text) : "");
        if (unit) {
            awsval__out_chr(o, ' ');
            awsval__out_str(o, unit);
        }
    }
    if (s->pattern >= 0) {
        awsval__out_str(o, ", pattern ");
        awsval__out_str(o, AV_STR(m, m->patterns[s->pattern].source));
    }
    if (s->enum_count) {
        awsval__out_str(o, ", enum ");
        awsval__out_str(o, AV_STR(m, s->enum_text));
    }
    if (s->flags & AV_SF_UNION) awsval__out_str(o, ", union (exactly one member)");
    if (s->flags & AV_SF_SENSITIVE) awsval__out_str(o, ", sensitive");
    for (uint32_t k = 0; k < s->doc_count; k++) {
        awsval__out_str(o, ", documented: ");
        awsval__report_doc_rule(o, m, (int32_t)(s->doc_first + k));
    }
    awsval__out_chr(o, '\n');
    for (int i = 0; i < nstack; i++)
        if (stack[i] == si) return;
    if (nstack >= 16) return;
    stack[nstack] = si;
    if (s->type == AV_T_STRUCTURE) {
        members(o, m, s, depth, stack, nstack + 1);
    } else if (s->type == AV_T_LIST) {
        indent(o, depth);
        awsval__out_str(o, "member: ");
        shape_line(o, m, s->target, depth + 1, stack, nstack + 1);
    } else if (s->type == AV_T_MAP) {
        indent(o, depth);
        awsval__out_str(o, "key: ");
        shape_line(o, m, s->target, depth + 1, stack, nstack + 1);
        indent(o, depth);
        awsval__out_str(o, "value: ");
        shape_line(o, m, s->value, depth + 1, stack, nstack + 1);
    }
}

/* "Name METHOD /uri" (or "Name: METHOD /uri") with a lead and a tail. */
static void op_line(awsval__out *o, const awsval_model *m, const awsval__operation *x,
                    const char *lead, const char *sep, const char *tail)
{
    awsval__out_str(o, lead);
    awsval__out_str(o, AV_STR(m, x->name));
    awsval__out_str(o, sep);
    awsval__out_str(o, AV_STR(m, x->method));
    awsval__out_chr(o, ' ');
    awsval__out_str(o, AV_STR(m, x->uri));
    awsval__out_str(o, tail);
}

awsval_code awsval_model_describe(const awsval_model *m, const char *operation, char *buf,
                                  size_t cap, size_t *need)
{
    if (need) *need = 0;
    if (buf && cap) buf[0] = '\0'; /* also on error, as the header promises */
    if (!m || (!buf && cap)) return AWSVAL_BADARG;
    awsval__out o = {buf, cap, 0, false};
    if (!operation) {
        awsval__out_str(&o, AV_STR(m, m->service));
        awsval__out_str(&o, " (");
        awsval__out_str(&o, AV_STR(m, m->protocol));
        awsval__out_str(&o, "): ");
        awsval__out_u64(&o, m->op_count);
        awsval__out_str(&o, " operations\n");
        for (uint32_t i = 0; i < m->op_count; i++) op_line(&o, m, &m->ops[i], "  ", " ", "\n");
        return awsval__out_finish(&o, need);
    }
    int32_t op = awsval__find_operation(m, operation, strlen(operation));
    if (op < 0) return AWSVAL_NOTFOUND;
    const awsval__operation *x = &m->ops[op];
    op_line(&o, m, x, "", ": ", "\n");
    if (x->input < 0) {
        awsval__out_str(&o, "  (no input)\n");
    } else {
        int32_t stack[16];
        stack[0] = x->input;
        members(&o, m, &m->shapes[x->input], 1, stack, 1);
    }
    return awsval__out_finish(&o, need);
}
