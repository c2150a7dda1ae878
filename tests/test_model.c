/* Models: loading (file, buffer, gzip, directory, built-in), errors, overlays, description,
 * operation listing, allocators. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

#define KINDS AWSVAL_TEST_DATA_DIR "/models/kinds.json"
#define MODELS_DIR AWSVAL_TEST_DATA_DIR "/../../models"
#define HEAD "{\"metadata\":{\"protocol\":\"rest-json\",\"endpointPrefix\":\"t\"},\"operations\":{},\"shapes\":"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* The description of an operation (or of the model, op NULL), heap-allocated. */
static char *describe(const awsval_model *m, const char *op)
{
    size_t need = 0;
    awsval_code rc = awsval_model_describe(m, op, NULL, 0, &need);
    cr_assert_eq(rc, AWSVAL_TOOSMALL, "%s", awsval_err_name(rc));
    char *buf = malloc(need);
    size_t need2 = 0;
    cr_assert_eq(awsval_model_describe(m, op, buf, need, &need2), AWSVAL_OK);
    cr_assert_eq(need2, need);
    cr_assert_eq(strlen(buf) + 1, need);
    return buf;
}

/* Expects loading `json` to fail with code MODEL and this message (or message prefix). */
static void load_fails(const char *json, const char *message, int prefix_only)
{
    awsval_model_err err = {.size = sizeof err};
    memset(&err, 0x55, sizeof err);
    awsval_model *m = awsval_model_load_buffer(json, strlen(json), NULL, &err);
    cr_assert_null(m, "loaded: %s", json);
    cr_assert_eq(err.code, AWSVAL_MODEL, "%s: %s (%s)", json, awsval_err_name(err.code), err.message);
    if (prefix_only)
        cr_assert_eq(strncmp(err.message, message, strlen(message)), 0, "message '%s', expected prefix '%s'",
                     err.message, message);
    else
        cr_assert_str_eq(err.message, message);
}

/* ------------------------------------------------------------------------ loading */

Test(model, load_file_and_queries)
{
    awsval_model_err err = {.size = sizeof err};
    memset(&err, 0x55, sizeof err);
    awsval_model *m = awsval_model_load_file(KINDS, NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    /* err is zeroed on success */
    cr_assert_eq(err.code, AWSVAL_OK);
    cr_assert_eq(err.pos, 0);
    cr_assert_str_eq(err.message, "");
    cr_assert_str_eq(awsval_model_service(m), "kinds");
    cr_assert_str_eq(awsval_model_protocol(m), "rest-json");
    cr_assert_eq(awsval_model_operation_count(m), 2);
    cr_assert_str_eq(awsval_model_operation_name(m, 0), "Kinds");
    cr_assert_str_eq(awsval_model_operation_name(m, 1), "NoInput");
    cr_assert_null(awsval_model_operation_name(m, 2));
    cr_assert_eq(awsval_model_shape_count(m), 23);
    /* Name, LabelKey, Secret, Slow */
    cr_assert_eq(awsval_model_pattern_count(m), 4);
    awsval_model_free(m);
}

Test(model, load_buffer_same_as_file)
{
    size_t len;
    char *text = slurp(KINDS, &len);
    awsval_model *a = awsval_model_load_file(KINDS, NULL, NULL);
    /* Not NUL-terminated: only len bytes are read. */
    char *copy = malloc(len + 8);
    memcpy(copy, text, len);
    memcpy(copy + len, "garbage!", 8);
    awsval_model *b = awsval_model_load_buffer(copy, len, NULL, NULL);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    char *da = describe(a, "Kinds"), *db = describe(b, "Kinds");
    cr_assert_str_eq(da, db);
    free(da);
    free(db);
    awsval_model_free(a);
    awsval_model_free(b);
    free(text);
    free(copy);
}

Test(model, load_gzip_file)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *gz = awsval_model_load_file(KINDS ".gz", NULL, &err);
    cr_assert_not_null(gz, "%s", err.message);
    awsval_model *plain = awsval_model_load_file(KINDS, NULL, NULL);
    char *a = describe(gz, "Kinds"), *b = describe(plain, "Kinds");
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    awsval_model_free(gz);
    awsval_model_free(plain);
}

Test(model, load_file_errors)
{
    awsval_model_err err = {.size = sizeof err};
    cr_assert_null(awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/no-such-file.json", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_IO);
    cr_assert_str_eq(err.message, AWSVAL_TEST_DATA_DIR "/models/no-such-file.json: No such file or directory");
    cr_assert_null(awsval_model_load_file(NULL, NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
    /* A file that is not a model: the README of the JSON data. */
    cr_assert_null(awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/json/README.md", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_MODEL);
    cr_assert_eq(strncmp(err.message, "model JSON: ", 12), 0, "%s", err.message);
    /* err may be NULL */
    cr_assert_null(awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/nope", NULL, NULL));
    cr_assert_null(awsval_model_load_buffer(NULL, 3, NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
}

Test(model, load_errors_name_shape_and_reason)
{
    load_fails("{", "model JSON: object key (a string) expected at byte 1 (line 1, column 2)", 0);
    load_fails("", "model JSON: ", 1);
    load_fails("[1,2]", "not a botocore service model: metadata, operations and shapes objects are required", 0);
    load_fails("{}", "not a botocore service model: metadata, operations and shapes objects are required", 0);
    load_fails("{\"metadata\":{},\"operations\":{},\"shapes\":{},\"shapes\":{}}",
               "model JSON: duplicate key \"shapes\" at byte 43 (line 1, column 44)", 0);
    load_fails(HEAD "{\"R\":{\"type\":\"structure\",\"members\":{\"x\":{\"shape\":\"Nope\"}}}}}",
               "shape 'R': member 'x' references unknown shape 'Nope'", 0);
    load_fails(HEAD "{\"S\":{\"type\":\"structure\",\"members\":{\"x\":{}}}}}",
               "shape 'S': member 'x' has no \"shape\" reference", 0);
    load_fails(HEAD "{\"L\":{\"type\":\"list\",\"member\":{\"shape\":\"Nope\"}}}}",
               "shape 'L': list member references unknown shape 'Nope'", 0);
    load_fails(HEAD "{\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"Nope\"},\"value\":{\"shape\":\"Nope\"}}}}",
               "shape 'M': map key references unknown shape 'Nope'", 0);
    load_fails(HEAD "{\"K\":{\"type\":\"string\"},\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"K\"},\"value\":{\"shape\":\"V\"}}}}",
               "shape 'M': map value references unknown shape 'V'", 0);
    load_fails(HEAD "{\"X\":{\"type\":\"strang\"}}}", "shape 'X': unknown type 'strang'", 0);
    load_fails(HEAD "{\"X\":{}}}", "shape 'X': no type", 0);
    load_fails(HEAD "{\"X\":[]}}", "shape 'X': not an object", 0);
    load_fails(HEAD "{\"X\":{\"type\":\"integer\",\"pattern\":\"a\"}}}", "shape 'X': pattern on a", 1);
    load_fails(HEAD "{\"X\":{\"type\":\"integer\",\"min\":\"1\"}}}", "shape 'X': min is not a number", 0);
    load_fails(HEAD "{\"X\":{\"type\":\"string\",\"max\":true}}}", "shape 'X': max is not a number", 0);
    load_fails(HEAD "{\"X\":{\"type\":\"string\",\"enum\":\"A\"}}}", "shape 'X': enum is not a list", 0);
    load_fails(HEAD "{\"X\":{\"type\":\"string\",\"enum\":[\"A\",1]}}}", "shape 'X': enum value 1 does not fit the type", 0);
    load_fails(HEAD "{\"S\":{\"type\":\"structure\",\"required\":[\"y\"],\"members\":{\"x\":{\"shape\":\"S\"}}}}}",
               "shape 'S': required member 'y' is not a member", 0);
    load_fails(HEAD "{\"S\":{\"type\":\"structure\"}}}", "shape 'S': structure without members", 0);
    load_fails("{\"metadata\":{},\"operations\":{\"Op\":{\"input\":{\"shape\":\"X\"}}},\"shapes\":{\"X\":{\"type\":\"string\"}}}",
               "operation 'Op': input is not a structure", 0);
}

Test(model, bad_pattern_error)
{
    awsval_model_err err = {.size = sizeof err};
    const char *j = HEAD "{\"Good\":{\"type\":\"string\",\"pattern\":\"[a-z]+\"},\"Bad\":{\"type\":\"string\",\"pattern\":\"(ab\"}}}";
    cr_assert_null(awsval_model_load_buffer(j, strlen(j), NULL, &err));
    cr_assert_eq(err.code, AWSVAL_MODEL);
    const char *want = "shape 'Bad': pattern '(ab' does not compile: ";
    cr_assert_eq(strncmp(err.message, want, strlen(want)), 0, "%s", err.message);
    cr_assert_gt(strlen(err.message), strlen(want), "no reason given");
    /* The position is the pattern's, in the model document, with its line and column. */
    size_t at = (size_t)(strstr(j, "\"(ab\"") - j);
    cr_assert_eq(err.pos, at, "pos %zu", err.pos);
    cr_assert_eq(err.doc, AWSVAL_ERRDOC_MODEL);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, at + 1);
}

/* An operation whose input names a missing shape is an operation, not a shape. */
Test(model, unknown_input_shape_names_the_operation)
{
    load_fails("{\"metadata\":{},\"operations\":{\"Op\":{\"input\":{\"shape\":\"Nope\"}}},\"shapes\":{}}",
               "operation 'Op': input references unknown shape 'Nope'", 0);
}

Test(model, minimal_models)
{
    /* No operations and no shapes is a (useless) model. */
    const char *j = HEAD "{}}";
    awsval_model *m = awsval_model_load_buffer(j, strlen(j), NULL, NULL);
    cr_assert_not_null(m);
    cr_assert_eq(awsval_model_operation_count(m), 0);
    cr_assert_null(awsval_model_operation_name(m, 0));
    cr_assert_str_eq(awsval_model_service(m), "t");
    awsval_model_free(m);
    /* Without endpointPrefix or protocol. */
    j = "{\"metadata\":{},\"operations\":{},\"shapes\":{}}";
    m = awsval_model_load_buffer(j, strlen(j), NULL, NULL);
    cr_assert_not_null(m);
    cr_assert_str_eq(awsval_model_service(m), "");
    cr_assert_str_eq(awsval_model_protocol(m), "");
    awsval_model_free(m);
}

/* ------------------------------------------------------------------------ built-in models */

Test(model, builtin_names)
{
    cr_assert_eq(awsval_builtin_count(), 2);
    cr_assert_str_eq(awsval_builtin_name(0), "vpc-lattice");
    cr_assert_str_eq(awsval_builtin_name(1), "apprunner");
    cr_assert_null(awsval_builtin_name(2));
    cr_assert_null(awsval_builtin_name((size_t)-1));
    awsval_model_err err = {.size = sizeof err};
    cr_assert_null(awsval_model_load_builtin("nope", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_NOTFOUND);
    cr_assert_str_eq(err.message, "no built-in model for service 'nope'");
    cr_assert_null(awsval_model_load_builtin(NULL, NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
    cr_assert_null(awsval_model_load_builtin("VPC-Lattice", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_NOTFOUND);
}

static void check_operations(const char *service, const char *protocol, size_t count, const char *first,
                             const char *last)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_builtin(service, NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    cr_assert_str_eq(awsval_model_service(m), service);
    cr_assert_str_eq(awsval_model_protocol(m), protocol);
    cr_assert_eq(awsval_model_operation_count(m), count);
    cr_assert_str_eq(awsval_model_operation_name(m, 0), first);
    cr_assert_str_eq(awsval_model_operation_name(m, count - 1), last);
    cr_assert_null(awsval_model_operation_name(m, count));
    for (size_t i = 1; i < count; i++)
        cr_assert_lt(strcmp(awsval_model_operation_name(m, i - 1), awsval_model_operation_name(m, i)), 0,
                     "operations out of order at %zu", i);
    /* Each listed operation can be checked. */
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    for (size_t i = 0; i < count; i++) {
        awsval_code rc = awsval_check(c, m, awsval_model_operation_name(m, i), "{}", 2);
        cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "%s: %s", awsval_model_operation_name(m, i),
                  awsval_err_name(rc));
    }
    cr_assert_eq(awsval_check(c, m, "createservice", "{}", 2), AWSVAL_NOTFOUND);
    cr_assert_eq(awsval_check(c, m, "", "{}", 2), AWSVAL_NOTFOUND);
    awsval_ctx_free(c);
    cr_assert_gt(awsval_model_pattern_count(m), 10);
    cr_assert_gt(awsval_model_shape_count(m), 100);
    awsval_model_free(m);
}

Test(model, builtin_operations)
{
    check_operations("vpc-lattice", "rest-json", 73, "BatchUpdateRule", "UpdateTargetGroup");
    check_operations("apprunner", "json", 37, "AssociateCustomDomain", "UpdateVpcIngressConnection");
}

Test(model, load_dir)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_dir(MODELS_DIR, "vpc-lattice", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    cr_assert_str_eq(awsval_model_service(m), "vpc-lattice");
    cr_assert_eq(awsval_model_operation_count(m), 73);
    /* The built-in overlay of a service of that name is merged. */
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    cr_assert_eq(awsval_check_string(c, m, "TagKey", "aws:x", 5), AWSVAL_INVALID);
    awsval_ctx_free(c);
    awsval_model_free(m);
    m = awsval_model_load_dir(MODELS_DIR, "apprunner@2020-05-15", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    cr_assert_eq(awsval_model_operation_count(m), 37);
    awsval_model_free(m);
    cr_assert_null(awsval_model_load_dir(MODELS_DIR, "apprunner@1999-01-01", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_NOTFOUND, "%s", awsval_err_name(err.code));
    cr_assert_null(awsval_model_load_dir(MODELS_DIR, "nope", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_NOTFOUND);
    cr_assert_str_eq(err.message, "no service 'nope' in " MODELS_DIR);
    cr_assert_null(awsval_model_load_dir(MODELS_DIR, "a/b", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
    cr_assert_null(awsval_model_load_dir(MODELS_DIR, "", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
    cr_assert_null(awsval_model_load_dir(NULL, "vpc-lattice", NULL, &err));
    cr_assert_eq(err.code, AWSVAL_BADARG);
}

/* ------------------------------------------------------------------------ overlays */

Test(model, caller_overlay)
{
    const char *ov = "{\"source\":\"test\",\"shapes\":{\"Name\":[{\"forbiddenPrefix\":\"x\"},"
                     "{\"min\":2,\"message\":\"Member must be two or more\"}],"
                     "\"Text\":[{\"pattern\":\"[a-c]*\"}],\"NotAShape\":[{\"min\":1}]}}";
    size_t len;
    char *text = slurp(KINDS, &len);
    awsval_model_opts o = {.size = sizeof o, .overlay = ov, .overlay_len = strlen(ov)};
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_buffer(text, len, &o, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    const char *j = "{\"name\":\"xy\",\"text\":\"abd\"}";
    cr_assert_eq(awsval_check(c, m, "Kinds", j, strlen(j)), AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(c), 2);
    awsval_violation v = {.size = sizeof v};
    awsval_ctx_violation(c, 0, &v);
    cr_assert_eq(v.kind, AWSVAL_KIND_PATTERN);
    cr_assert_eq(v.source, AWSVAL_SOURCE_DOCUMENTED);
    cr_assert_str_eq(v.constraint, "Member must not begin with 'x'");
    cr_assert_str_eq(v.pointer, "/name");
    awsval_ctx_violation(c, 1, &v);
    cr_assert_eq(v.source, AWSVAL_SOURCE_DOCUMENTED);
    cr_assert_str_eq(v.constraint, "Member must satisfy regular expression pattern: [a-c]*");
    cr_assert_str_eq(v.pointer, "/text");
    j = "{\"name\":\"a\"}";
    cr_assert_eq(awsval_check(c, m, "Kinds", j, strlen(j)), AWSVAL_INVALID);
    awsval_ctx_violation(c, 0, &v);
    cr_assert_eq(v.kind, AWSVAL_KIND_LENGTH);
    cr_assert_eq(v.source, AWSVAL_SOURCE_DOCUMENTED);
    cr_assert_str_eq(v.constraint, "Member must be two or more");
    cr_assert_eq(v.actual, 1);
    /* The overlay shows in the description. */
    char *d = describe(m, "Kinds");
    cr_assert_not_null(strstr(d, "  name (required): string Name, length 1..8 characters, pattern [a-z0-9]+, "
                                 "documented: Member must not begin with 'x', documented: Member must be two or more\n"),
                       "%s", d);
    free(d);
    awsval_ctx_free(c);
    awsval_model_free(m);
    free(text);
}

static void overlay_fails(const char *ov, const char *message)
{
    size_t len;
    char *text = slurp(KINDS, &len);
    awsval_model_opts o = {.size = sizeof o, .overlay = ov, .overlay_len = strlen(ov)};
    awsval_model_err err = {.size = sizeof err};
    cr_assert_null(awsval_model_load_buffer(text, len, &o, &err), "%s", ov);
    cr_assert_eq(err.code, AWSVAL_MODEL);
    cr_assert_eq(strncmp(err.message, message, strlen(message)), 0, "'%s', expected '%s'", err.message, message);
    free(text);
}

Test(model, caller_overlay_errors)
{
    overlay_fails("nope", "caller's overlay: ");
    overlay_fails("{\"source\":\"x\"}", "caller's overlay: no \"shapes\" object");
    overlay_fails("{\"shapes\":{\"Name\":{}}}", "caller's overlay: shape 'Name': rules are not a list");
    overlay_fails("{\"shapes\":{\"Name\":[{\"message\":\"m\"}]}}",
                  "caller's overlay: shape 'Name': rule 0 has no pattern, characters, forbiddenPrefix, min or max");
    overlay_fails("{\"shapes\":{\"Name\":[{\"pattern\":\"(\"}]}}", "shape 'Name': pattern '(' does not compile: ");
}

Test(model, no_overlay_flag)
{
    awsval_model_opts o = {.size = sizeof o, .flags = AWSVAL_MODEL_NO_OVERLAY};
    awsval_model *with = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    awsval_model *without = awsval_model_load_builtin("vpc-lattice", &o, NULL);
    char *a = describe(with, "TagResource"), *b = describe(without, "TagResource");
    cr_assert_not_null(strstr(a, "documented: Member must not begin with 'aws:'"));
    cr_assert_null(strstr(b, "documented"));
    free(a);
    free(b);
    awsval_model_free(with);
    awsval_model_free(without);
}

/* An opts struct of an older, smaller size is read only up to its size. */
Test(model, opts_size_prefix)
{
    struct {
        awsval_model_opts o;
    } s;
    memset(&s, 0x7f, sizeof s);
    s.o.size = (uint32_t)offsetof(awsval_model_opts, flags);
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_builtin("vpc-lattice", &s.o, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_model_free(m);
}

/* ------------------------------------------------------------------------ describe */

Test(model, describe_model)
{
    awsval_model *m = awsval_model_load_file(KINDS, NULL, NULL);
    char *d = describe(m, NULL);
    cr_assert_str_eq(d, "kinds (rest-json): 2 operations\n  Kinds POST /kinds\n  NoInput GET /\n");
    free(d);
    d = describe(m, "NoInput");
    cr_assert_str_eq(d, "NoInput: GET /\n  (no input)\n");
    free(d);
    d = describe(m, "Kinds");
    cr_assert_str_eq(d,
                     "Kinds: POST /kinds\n"
                     "  name (required): string Name, length 1..8 characters, pattern [a-z0-9]+\n"
                     "  text: string Text, length 2..4 characters\n"
                     "  flag: boolean Flag\n"
                     "  count: integer Count, range 1..10\n"
                     "  plain: integer PlainInt\n"
                     "  big: long PlainLong\n"
                     "  tiny: byte PlainByte\n"
                     "  ratio: double Ratio, range 0.5..2.5\n"
                     "  color: string Color, enum [RED, GREEN]\n"
                     "  level: integer Level, enum [1, 2, 3]\n"
                     "  data: blob Data, length 1..4 bytes\n"
                     "  when: timestamp When\n"
                     "  items: list ItemList, length 1..3 entries\n"
                     "    member: structure Item\n"
                     "      name (required): string Name, length 1..8 characters, pattern [a-z0-9]+\n"
                     "      count: integer Count, range 1..10\n"
                     "  labels: map LabelMap, length ..2 entries\n"
                     "    key: string LabelKey, length 1..5 characters, pattern [a-z/~]+\n"
                     "    value: string LabelValue, length ..3 characters\n"
                     "  choice: structure Choice, union (exactly one member)\n"
                     "    a: string Name, length 1..8 characters, pattern [a-z0-9]+\n"
                     "    b: integer Count, range 1..10\n"
                     "  secret: string Secret, length ..5 characters, pattern [a-z]*, sensitive\n"
                     "  token: string Token, length ..5 characters\n"
                     "  slow: string Slow, pattern (a|aa)+(?!xy)[bc]\n"
                     "  child: structure KindsRequest\n");
    free(d);
    size_t need = 5;
    char buf[32];
    cr_assert_eq(awsval_model_describe(m, "Nope", buf, sizeof buf, &need), AWSVAL_NOTFOUND);
    /* Truncation: NUL-terminated, the need reported. */
    cr_assert_eq(awsval_model_describe(m, NULL, buf, 10, &need), AWSVAL_TOOSMALL);
    cr_assert_str_eq(buf, "kinds (re");
    cr_assert_eq(need, strlen("kinds (rest-json): 2 operations\n  Kinds POST /kinds\n  NoInput GET /\n") + 1);
    awsval_model_free(m);
}

Test(model, describe_seed_operation)
{
    awsval_model *m = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    char *d = describe(m, "DeleteServiceNetworkServiceAssociation");
    cr_assert_str_eq(d,
                     "DeleteServiceNetworkServiceAssociation: DELETE "
                     "/servicenetworkserviceassociations/{serviceNetworkServiceAssociationIdentifier}\n"
                     "  serviceNetworkServiceAssociationIdentifier (required) [uri]: string "
                     "ServiceNetworkServiceAssociationIdentifier, length 17..2048 characters, pattern "
                     "((snsa-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:"
                     "servicenetworkserviceassociation/snsa-[0-9a-z]{17}))\n");
    free(d);
    awsval_model_free(m);
}

/* One line per operation, however long its URI. */
Test(model, describe_lists_every_operation_on_its_own_line)
{
    const char *services[] = {"vpc-lattice", "apprunner"};
    for (size_t k = 0; k < 2; k++) {
        awsval_model *m = awsval_model_load_builtin(services[k], NULL, NULL);
        char *d = describe(m, NULL);
        size_t n = awsval_model_operation_count(m);
        char *line = d;
        char head[128];
        snprintf(head, sizeof head, "%s (%s): %zu operations", services[k], awsval_model_protocol(m), n);
        cr_assert_eq(strncmp(line, head, strlen(head)), 0, "%.80s", line);
        for (size_t i = 0; i < n; i++) {
            line = strchr(line, '\n');
            cr_assert_not_null(line, "%s: only %zu operation lines", services[k], i);
            line++;
            char want[256];
            snprintf(want, sizeof want, "  %s ", awsval_model_operation_name(m, i));
            char *eol = strchr(line, '\n');
            cr_assert_eq(strncmp(line, want, strlen(want)), 0, "%s: line %zu is '%.*s', expected it to start '%s'",
                         services[k], i + 2, eol ? (int)(eol - line) : 80, line, want);
            /* Nothing after the URI: no other operation on this line. */
            cr_assert_not_null(eol);
            const char *last_space = line;
            for (const char *p = line; p < eol; p++)
                if (*p == ' ') last_space = p;
            cr_assert_eq(last_space[1], '/', "%s: line %zu does not end with a URI: %.*s", services[k], i + 2,
                         (int)(eol - line), line);
        }
        cr_assert_str_eq(strchr(line, '\n'), "\n", "%s: text after the last operation", services[k]);
        free(d);
        awsval_model_free(m);
    }
}

Test(model, describe_long_enum)
{
    awsval_model *m = awsval_model_load_builtin("apprunner", NULL, NULL);
    char *d = describe(m, "CreateService");
    cr_assert_not_null(strstr(d, "Runtime (required): string Runtime, enum [PYTHON_3, NODEJS_12, NODEJS_14, "
                                 "CORRETTO_8, CORRETTO_11, NODEJS_16, GO_1, DOTNET_6, PHP_81, RUBY_31, PYTHON_311, "
                                 "NODEJS_18, NODEJS_22]\n"),
                       "%s", d);
    free(d);
    awsval_model_free(m);
}

/* ------------------------------------------------------------------------ allocators */

typedef struct counting {
    long calls, live, fail_at; /* fail the fail_at-th call (1-based); 0 = never */
} counting;

static void *c_malloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (++c->calls == c->fail_at) return NULL;
    void *p = malloc(n);
    if (p) c->live++;
    return p;
}

static void *c_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)old;
    counting *c = ctx;
    if (++c->calls == c->fail_at) return NULL;
    void *q = realloc(p, n);
    if (q && !p) c->live++;
    return q;
}

static void c_free(void *ctx, void *p)
{
    counting *c = ctx;
    if (p) c->live--;
    free(p);
}

Test(model, custom_allocator_balanced)
{
    counting cnt = {0};
    awsval_alc alc = {c_malloc, c_realloc, c_free, &cnt};
    awsval_model_opts o = {.size = sizeof o, .alc = &alc};
    awsval_model *m = awsval_model_load_builtin("vpc-lattice", &o, NULL);
    cr_assert_not_null(m);
    cr_assert_gt(cnt.calls, 0);
    awsval_ctx_opts co = {.size = sizeof co, .alc = &alc};
    awsval_ctx *c = awsval_ctx_create(&co, NULL);
    cr_assert_not_null(c);
    const char *j = "{\"serviceIdentifier\":\"bad\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\",\"tags\":{\"aws:x\":\"v\"}}";
    cr_assert_eq(awsval_check(c, m, "CreateServiceNetworkServiceAssociation", j, strlen(j)), AWSVAL_INVALID);
    /* A context that has seen an input this large allocates nothing more. */
    long before = cnt.calls;
    for (int i = 0; i < 20; i++)
        cr_assert_eq(awsval_check(c, m, "CreateServiceNetworkServiceAssociation", j, strlen(j)), AWSVAL_INVALID);
    cr_assert_eq(cnt.calls, before, "%ld allocations in steady state", cnt.calls - before);
    awsval_ctx_free(c);
    awsval_model_free(m);
    cr_assert_eq(cnt.live, 0, "%ld blocks leaked", cnt.live);
}

/* Every allocation failure while building a model gives NULL and AWSVAL_NOMEM, and leaks nothing.
 * All failure points are tried before asserting, so that one finding does not hide another. */
Test(model, allocation_failures_while_loading)
{
    size_t len;
    char *text = slurp(KINDS, &len);
    long leaks = 0, wrong_code = 0, first_leak = 0, first_wrong = 0, points = 0;
    char wrong_msg[600] = "";
    for (long k = 1;; k++) {
        counting cnt = {.fail_at = k};
        awsval_alc alc = {c_malloc, c_realloc, c_free, &cnt};
        awsval_model_opts o = {.size = sizeof o, .alc = &alc};
        awsval_model_err err = {.size = sizeof err};
        awsval_model *m = awsval_model_load_buffer(text, len, &o, &err);
        if (m) {
            /* Optional work (the pattern fast path) may be skipped when its allocation fails. */
            awsval_model_free(m);
            cr_assert_eq(cnt.live, 0, "leak after success with failure at %ld", k);
            if (cnt.calls < k) break;
            continue;
        }
        points++;
        if (err.code != AWSVAL_NOMEM && !wrong_code++) {
            first_wrong = k;
            snprintf(wrong_msg, sizeof wrong_msg, "%s (%s)", awsval_err_name(err.code), err.message);
        }
        if (cnt.live != 0 && !leaks++) first_leak = k;
        cr_assert_lt(k, 100000);
    }
    cr_assert_gt(points, 10);
    cr_assert_eq(leaks, 0, "%ld of %ld failure points leak, the first at allocation %ld", leaks, points, first_leak);
    cr_assert_eq(wrong_code, 0, "%ld of %ld failure points do not report NOMEM, the first at allocation %ld: %s",
                 wrong_code, points, first_wrong, wrong_msg);
    free(text);
}

/* The same while checking: AWSVAL_NOMEM (or a result, if the failure was not needed), no leaks. */
Test(model, allocation_failures_while_checking)
{
    awsval_model *m = awsval_model_load_file(KINDS, NULL, NULL);
    const char *j = "{\"name\":\"A\",\"count\":0,\"labels\":{\"ABCDEFG\":\"xxxxxxx\"},\"items\":[],\"zzz\":1}";
    for (long k = 1;; k++) {
        counting cnt = {.fail_at = k};
        awsval_alc alc = {c_malloc, c_realloc, c_free, &cnt};
        awsval_ctx_opts o = {.size = sizeof o, .alc = &alc};
        awsval_ctx *c = awsval_ctx_create(&o, NULL);
        if (!c) {
            cr_assert_eq(cnt.live, 0, "ctx_create failed at %ld: %ld blocks leaked", k, cnt.live);
            continue;
        }
        awsval_code rc = awsval_check(c, m, "Kinds", j, strlen(j));
        bool done = cnt.calls < k;
        if (done) {
            cr_assert_eq(rc, AWSVAL_INVALID);
            cr_assert_eq(awsval_ctx_violation_count(c), 7);
        } else {
            cr_assert_eq(rc, AWSVAL_NOMEM, "allocation %ld failed: %s", k, awsval_err_name(rc));
            cr_assert_eq(awsval_ctx_violation_count(c), 0);
        }
        awsval_ctx_free(c);
        cr_assert_eq(cnt.live, 0, "allocation %ld: %ld blocks leaked", k, cnt.live);
        if (done) break;
        cr_assert_lt(k, 10000);
    }
    awsval_model_free(m);
}
