/* Reports: the exact text of each style, the native error of each protocol, buffer sizes.
 * Every JSON document rendered here is also parsed with jansson. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

static awsval_model *lattice, *runner, *kinds;
static awsval_ctx *ctx;

#define DELETE "DeleteServiceNetworkServiceAssociation"
#define CREATE "CreateServiceNetworkServiceAssociation"
#define DELVPC "DeleteVpcIngressConnection"
#define SNSA_MEMBER "serviceNetworkServiceAssociationIdentifier"
/* The pattern as the model writes it, and as it appears inside a JSON string. */
#define SNSA_PATTERN \
    "((snsa-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:servicenetworkserviceassociation/snsa-[0-9a-z]{17}))"
#define SNSA_PATTERN_J \
    "((snsa-[0-9a-z]{17})|(arn:[a-z0-9\\\\-]+:vpc-lattice:[a-zA-Z0-9\\\\-]+:\\\\d{12}:servicenetworkserviceassociation/snsa-[0-9a-z]{17}))"
#define ARN_PATTERN_J \
    "arn:aws(-[\\\\w]+)*:[a-z0-9-\\\\\\\\.]{0,63}:[a-z0-9-\\\\\\\\.]{0,63}:[0-9]{12}:(\\\\w|\\\\/|-){1,1011}"

static void setup(void)
{
    lattice = awsval_model_load_builtin("vpc-lattice", NULL, NULL);
    runner = awsval_model_load_builtin("apprunner", NULL, NULL);
    awsval_model_err err = {.size = sizeof err};
    kinds = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/kinds.json", NULL, &err);
    cr_assert_not_null(lattice);
    cr_assert_not_null(runner);
    cr_assert_not_null(kinds, "%s", err.message);
    ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    awsval_ctx_free(ctx);
    awsval_model_free(lattice);
    awsval_model_free(runner);
    awsval_model_free(kinds);
}

TestSuite(report, .init = setup, .fini = teardown);

/* Renders into a fresh heap buffer of exactly the size asked for. */
static char *render(const awsval_model *m, uint32_t style)
{
    (void)m;
    size_t need = 0;
    awsval_code rc = awsval_render(ctx, style, NULL, 0, &need);
    cr_assert_eq(rc, AWSVAL_TOOSMALL, "probe: %s", awsval_err_name(rc));
    cr_assert_gt(need, 0);
    char *buf = malloc(need);
    cr_assert_not_null(buf);
    size_t need2 = 0;
    rc = awsval_render(ctx, style, buf, need, &need2);
    cr_assert_eq(rc, AWSVAL_OK, "style %u: %s", style, awsval_err_name(rc));
    cr_assert_eq(need2, need);
    cr_assert_eq(strlen(buf) + 1, need);
    return buf;
}

/* Parses a rendered document; fails the test if it is not JSON. */
static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    cr_assert_not_null(doc, "not JSON (%s at %d): %s", je.text, je.position, text);
    return doc;
}

static void expect_style(const awsval_model *m, uint32_t style, const char *want)
{
    char *got = render(m, style);
    cr_assert_str_eq(got, want, "style %u: got\n%s\nwant\n%s", style, got, want);
    if (style != AWSVAL_REPORT_AWS && *got) json_decref(parse(got));
    free(got);
}

static void check(const awsval_model *m, const char *op, const char *json, awsval_code want)
{
    awsval_code rc = awsval_check(ctx, m, op, json, strlen(json));
    cr_assert_eq(rc, want, "%s: %s", json, awsval_err_name(rc));
}

static void expect_native(const awsval_model *m, int status, const char *type)
{
    (void)m;
    awsval_rejection r = {.size = sizeof r};
    cr_assert_eq(awsval_ctx_rejection(ctx, &r), AWSVAL_OK);
    cr_assert_eq(r.status, status);
    cr_assert_str_eq(r.error_type, type);
    /* The body is what awsval_render gives in the native style. */
    size_t need = 0;
    awsval_render(ctx, AWSVAL_REPORT_NATIVE, NULL, 0, &need);
    cr_assert_eq(r.body_len + 1, status ? need : 1);
    /* A caller built against a smaller struct gets only its part. */
    awsval_rejection small = {.size = offsetof(awsval_rejection, error_type)};
    small.error_type = "untouched";
    cr_assert_eq(awsval_ctx_rejection(ctx, &small), AWSVAL_OK);
    cr_assert_eq(small.status, status);
    cr_assert_str_eq(small.error_type, "untouched");
}

/* ------------------------------------------------------------------------- valid request */

Test(report, valid_request)
{
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":\"snsa-0123456789abcdefg\"}", AWSVAL_OK);
    expect_style(lattice, AWSVAL_REPORT_AWS, "");
    expect_style(lattice, AWSVAL_REPORT_NATIVE, "");
    expect_style(lattice, AWSVAL_REPORT_SMITHY, "");
    expect_style(lattice, AWSVAL_REPORT_JSON, "{\"valid\":true,\"total\":0,\"errors\":0,\"operation\":\""
                 DELETE "\",\"failures\":[]}");
    expect_native(lattice, 0, "");
}

/* ------------------------------------------------------------------- vpc-lattice (restJson1) */

#define SNSA_LEN_AWS                                                                              \
    "Value 'snsa-1' at '" SNSA_MEMBER "' failed to satisfy constraint: Member must have length " \
    "greater than or equal to 17"
#define SNSA_PAT_AWS_J                                                                             \
    "Value 'snsa-1' at '" SNSA_MEMBER "' failed to satisfy constraint: Member must satisfy regular " \
    "expression pattern: " SNSA_PATTERN_J
#define SNSA_LEN_SMITHY                                                                        \
    "Value with length 6 at '/" SNSA_MEMBER "' failed to satisfy constraint: Member must have " \
    "length between 17 and 2048, inclusive"
#define SNSA_PAT_SMITHY_J                                                                        \
    "Value at '/" SNSA_MEMBER "' failed to satisfy constraint: Member must satisfy regular " \
    "expression pattern: " SNSA_PATTERN_J

Test(report, lattice_all_styles)
{
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":\"snsa-1\"}", AWSVAL_INVALID);
    /* Real services give the pattern sentence before the length one. */
    expect_style(lattice, AWSVAL_REPORT_AWS,
                 "2 validation errors detected: Value 'snsa-1' at '" SNSA_MEMBER "' failed to satisfy "
                 "constraint: Member must satisfy regular expression pattern: " SNSA_PATTERN "; " SNSA_LEN_AWS);
    expect_style(lattice, AWSVAL_REPORT_NATIVE,
                 "{\"message\":\"2 validation errors detected: " SNSA_PAT_AWS_J "; " SNSA_LEN_AWS "\","
                 "\"reason\":\"fieldValidationFailed\","
                 "\"fieldList\":[{\"name\":\"" SNSA_MEMBER "\",\"message\":\"" SNSA_PAT_AWS_J "\"},"
                 "{\"name\":\"" SNSA_MEMBER "\",\"message\":\"" SNSA_LEN_AWS "\"}]}");
    expect_style(lattice, AWSVAL_REPORT_SMITHY,
                 "{\"message\":\"2 validation errors detected. " SNSA_LEN_SMITHY "; " SNSA_PAT_SMITHY_J "\","
                 "\"fieldList\":[{\"message\":\"" SNSA_LEN_SMITHY "\",\"path\":\"/" SNSA_MEMBER "\"},"
                 "{\"message\":\"" SNSA_PAT_SMITHY_J "\",\"path\":\"/" SNSA_MEMBER "\"}]}");
    expect_style(lattice, AWSVAL_REPORT_JSON,
                 "{\"valid\":false,\"total\":2,\"errors\":2,\"status\":400,\"errorType\":\"ValidationException\","
                 "\"operation\":\"" DELETE "\",\"failures\":["
                 "{\"path\":\"/" SNSA_MEMBER "\",\"constraint\":\"length\",\"source\":\"model\",\"message\":\""
                 SNSA_LEN_AWS "\",\"awsPath\":\"" SNSA_MEMBER "\",\"shape\":\"ServiceNetworkServiceAssociationIdentifier\","
                 "\"offset\":46,\"length\":8},"
                 "{\"path\":\"/" SNSA_MEMBER "\",\"constraint\":\"pattern\",\"source\":\"model\",\"message\":\""
                 SNSA_PAT_AWS_J "\",\"awsPath\":\"" SNSA_MEMBER "\",\"shape\":\"ServiceNetworkServiceAssociationIdentifier\","
                 "\"offset\":46,\"length\":8}]}");
    expect_native(lattice, 400, "ValidationException");
}

Test(report, lattice_cannot_parse)
{
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":", AWSVAL_INVALID);
    expect_style(lattice, AWSVAL_REPORT_AWS, "Unable to parse the request: value expected at byte 46");
    expect_style(lattice, AWSVAL_REPORT_NATIVE,
                 "{\"message\":\"Unable to parse the request: value expected at byte 46\",\"reason\":\"cannotParse\"}");
    expect_style(lattice, AWSVAL_REPORT_SMITHY,
                 "{\"message\":\"Unable to parse the request: value expected at byte 46\"}");
    expect_style(lattice, AWSVAL_REPORT_JSON,
                 "{\"valid\":false,\"total\":1,\"errors\":1,\"status\":400,\"errorType\":\"ValidationException\","
                 "\"operation\":\"" DELETE "\",\"failures\":[{\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                 "\"model\",\"message\":\"Unable to parse the request: value expected at byte 46\",\"awsPath\":\"\","
                 "\"offset\":46,\"length\":0}]}");
    expect_native(lattice, 400, "ValidationException");
}

/* A value of the wrong JSON type cannot be read into the input: the service answers its
 * deserializer's SerializationException, in Java's words, as real answers show. */
Test(report, lattice_type_error_is_serialization_exception)
{
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":5}", AWSVAL_INVALID);
    expect_style(lattice, AWSVAL_REPORT_NATIVE,
                 "{\"message\":\"class java.lang.Integer can not be converted to an String\"}");
    expect_style(lattice, AWSVAL_REPORT_AWS, "class java.lang.Integer can not be converted to an String");
    expect_native(lattice, 400, "SerializationException");
}

Test(report, lattice_required_and_unknown)
{
    check(lattice, DELETE, "{\"x\":[1,{\"y\":2}]}", AWSVAL_INVALID);
    /* Members in model order; a member the model lacks after them. */
    expect_style(lattice, AWSVAL_REPORT_AWS,
                 "2 validation errors detected: Value null at '" SNSA_MEMBER "' failed to satisfy constraint: "
                 "Member must not be null; Value at 'x' failed to satisfy constraint: Member is not defined "
                 "by the service model");
    expect_style(lattice, AWSVAL_REPORT_SMITHY,
                 "{\"message\":\"2 validation errors detected. Value at '/x' failed to satisfy constraint: Member "
                 "is not defined by the service model; Value at '/" SNSA_MEMBER "' failed to satisfy constraint: "
                 "Member must not be null\",\"fieldList\":[{\"message\":\"Value at '/x' failed to satisfy "
                 "constraint: Member is not defined by the service model\",\"path\":\"/x\"},{\"message\":\"Value "
                 "at '/" SNSA_MEMBER "' failed to satisfy constraint: Member must not be null\",\"path\":\"/"
                 SNSA_MEMBER "\"}]}");
}

/* --------------------------------------------------------------------- apprunner (awsJson1_0) */

/* App Runner answers validation errors with its InvalidRequestException (its profile: a real
 * answer shows it), at paths whose first letter is lowered. */
Test(report, apprunner_validation_exception)
{
    check(runner, DELVPC, "{\"VpcIngressConnectionArn\":\"x\"}", AWSVAL_INVALID);
    expect_style(runner, AWSVAL_REPORT_NATIVE,
                 "{\"__type\":\"InvalidRequestException\",\"Message\":\"1 validation error "
                 "detected: Value 'x' at 'vpcIngressConnectionArn' failed to satisfy constraint: Member must "
                 "satisfy regular expression pattern: " ARN_PATTERN_J "\"}");
    expect_native(runner, 400, "InvalidRequestException");
    check(runner, DELVPC, "{}", AWSVAL_INVALID);
    expect_style(runner, AWSVAL_REPORT_NATIVE,
                 "{\"__type\":\"InvalidRequestException\",\"Message\":\"1 validation error "
                 "detected: Value null at 'vpcIngressConnectionArn' failed to satisfy constraint: Member must not "
                 "be null\"}");
    expect_style(runner, AWSVAL_REPORT_AWS,
                 "1 validation error detected: Value null at 'vpcIngressConnectionArn' failed to satisfy "
                 "constraint: Member must not be null");
}

Test(report, apprunner_serialization_exception)
{
    check(runner, DELVPC, "{\"VpcIngressConnectionArn\":}", AWSVAL_INVALID);
    expect_style(runner, AWSVAL_REPORT_NATIVE,
                 "{\"__type\":\"com.amazon.coral.service#SerializationException\",\"Message\":\"Unable to parse "
                 "the request: unexpected character '}' at byte 27\"}");
    expect_native(runner, 400, "SerializationException");
    /* A member of the wrong type cannot be read into the input either. */
    check(runner, DELVPC, "{\"VpcIngressConnectionArn\":5}", AWSVAL_INVALID);
    expect_style(runner, AWSVAL_REPORT_NATIVE,
                 "{\"__type\":\"com.amazon.coral.service#SerializationException\",\"Message\":\"class "
                 "java.lang.Integer can not be converted to an String\"}");
    expect_native(runner, 400, "SerializationException");
    expect_style(runner, AWSVAL_REPORT_JSON,
                 "{\"valid\":false,\"total\":1,\"errors\":1,\"status\":400,\"errorType\":\"SerializationException\","
                 "\"operation\":\"" DELVPC "\",\"failures\":[{\"path\":\"/VpcIngressConnectionArn\",\"constraint\":"
                 "\"type\",\"source\":\"model\",\"message\":\"class java.lang.Integer can not be converted to an "
                 "String\",\"awsPath\":\"vpcIngressConnectionArn\",\"shape\":"
                 "\"AppRunnerResourceArn\",\"offset\":27,\"length\":1}]}");
}

/* A rest-json model without a ValidationException shape: a bare message document. */
Test(report, model_without_validation_exception)
{
    check(kinds, "Kinds", "{\"name\":\"a\",\"count\":11}", AWSVAL_INVALID);
    expect_style(kinds, AWSVAL_REPORT_NATIVE,
                 "{\"message\":\"1 validation error detected: Value '11' at 'count' failed to satisfy constraint: "
                 "Member must have value less than or equal to 10\"}");
    expect_style(kinds, AWSVAL_REPORT_SMITHY,
                 "{\"message\":\"1 validation error detected. Value at '/count' failed to satisfy constraint: "
                 "Member must be between 1 and 10, inclusive\",\"fieldList\":[{\"message\":\"Value at '/count' "
                 "failed to satisfy constraint: Member must be between 1 and 10, inclusive\",\"path\":\"/count\"}]}");
    expect_native(kinds, 400, "ValidationException");
}

/* ------------------------------------------------------------------- maps, keys, documented */

Test(report, map_key_and_value_wording)
{
    check(lattice, CREATE,
          "{\"serviceIdentifier\":\"svc-0123456789abcdefg\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
          "\"tags\":{\"aws:x\":\"v\",\"k\":\"v#\"}}",
          AWSVAL_INVALID);
    /* Keys and values of a map are reported at the map, the whole map echoed, every constraint of
     * the key or value shape listed (and "Member must not be null" for values), as real answers
     * show; a documented rule that failed is added to the list (ours). */
    expect_style(lattice, AWSVAL_REPORT_AWS,
                 "2 validation errors detected: Value '{aws:x=v, k=v#}' at 'tags' failed to satisfy constraint: "
                 "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member "
                 "must have length greater than or equal to 1, Member must not begin with 'aws:']; Value "
                 "'{aws:x=v, k=v#}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: "
                 "[Member must have length less than or equal to 256, Member must have length greater than or "
                 "equal to 0, Member must contain only Unicode letters, digits, white space, and any of the "
                 "following symbols: _ . : / = + - @, Member must not be null]");
    expect_style(lattice, AWSVAL_REPORT_SMITHY,
                 "{\"message\":\"2 validation errors detected. Value at '/tags' failed to satisfy constraint: "
                 "Member must not begin with 'aws:'; Value at '/tags/k' failed to satisfy constraint: Member must "
                 "contain only Unicode letters, digits, white space, and any of the following symbols: _ . : / = + - @\",\"fieldList\":["
                 "{\"message\":\"Value at '/tags' failed to satisfy constraint: Member must not begin with 'aws:'\","
                 "\"path\":\"/tags\"},{\"message\":\"Value at '/tags/k' failed to satisfy constraint: Member must "
                 "contain only Unicode letters, digits, white space, and any of the following symbols: _ . : / = + - @\",\"path\":"
                 "\"/tags/k\"}]}");
    char *j = render(lattice, AWSVAL_REPORT_JSON);
    json_t *doc = parse(j);
    json_t *f = json_object_get(doc, "failures");
    cr_assert_eq(json_array_size(f), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "source")), "documented");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "path")), "/tags/aws:x");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(f, 0), "constraint")), "pattern");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(f, 1), "path")), "/tags/k");
    json_decref(doc);
    free(j);
}

/* ------------------------------------------------------------- the done-when case, in full */

Test(report, one_validation_exception_names_all_problems)
{
    /* serviceIdentifier "bad", 201 tags, one of them with an aws: key. */
    size_t cap = 16384;
    char *in = malloc(cap), *echo = malloc(cap);
    int n = snprintf(in, cap, "{\"serviceIdentifier\":\"bad\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
                              "\"tags\":{\"aws:x\":\"v\"");
    int e = snprintf(echo, cap, "{aws:x=v");
    for (int i = 0; i < 200; i++) {
        n += snprintf(in + n, cap - (size_t)n, ",\"k%d\":\"v\"", i);
        e += snprintf(echo + e, cap - (size_t)e, ", k%d=v", i);
    }
    snprintf(in + n, cap - (size_t)n, "}}");
    snprintf(echo + e, cap - (size_t)e, "}");
    check(lattice, CREATE, in, AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 4);
    expect_native(lattice, 400, "ValidationException");

    const char *s1 = "Value 'bad' at 'serviceIdentifier' failed to satisfy constraint: Member must have length "
                     "greater than or equal to 17";
    const char *s2 = "Value 'bad' at 'serviceIdentifier' failed to satisfy constraint: Member must satisfy regular "
                     "expression pattern: ((svc-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}"
                     ":service/svc-[0-9a-z]{17}))";
    char *s3 = malloc(cap);
    snprintf(s3, cap, "Value '%s' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: "
                      "[Member must have length less than or equal to 128, Member must have length greater than "
                      "or equal to 1, Member must not begin with 'aws:']", echo);
    char *s4 = malloc(cap);
    snprintf(s4, cap, "Value '%s' at 'tags' failed to satisfy constraint: Member must have length less than "
                      "or equal to 200", echo);
    /* The service's order: members in model order, the pattern sentence before the length one. */
    char *want = malloc(4 * cap);
    snprintf(want, 4 * cap, "4 validation errors detected: %s; %s; %s; %s", s2, s1, s3, s4);
    expect_style(lattice, AWSVAL_REPORT_AWS, want);

    /* The native document: one ValidationException, every problem in message and fieldList. */
    char *native = render(lattice, AWSVAL_REPORT_NATIVE);
    json_t *doc = parse(native);
    cr_assert_eq(json_object_size(doc), 3);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "message")), want);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "reason")), "fieldValidationFailed");
    json_t *fl = json_object_get(doc, "fieldList");
    cr_assert_eq(json_array_size(fl), 4);
    const char *names[] = {"serviceIdentifier", "serviceIdentifier", "tags", "tags"};
    const char *ordered[] = {s2, s1, s3, s4};
    const char *msgs[] = {s1, s2, s3, s4}; /* the order found, as the machine report keeps it */
    for (size_t i = 0; i < 4; i++) {
        json_t *it = json_array_get(fl, i);
        cr_assert_eq(json_object_size(it), 2);
        cr_assert_str_eq(json_string_value(json_object_get(it, "name")), names[i]);
        cr_assert_str_eq(json_string_value(json_object_get(it, "message")), ordered[i]);
    }
    json_decref(doc);
    free(native);

    char *mj = render(lattice, AWSVAL_REPORT_JSON);
    doc = parse(mj);
    cr_assert(json_is_false(json_object_get(doc, "valid")));
    cr_assert_eq(json_integer_value(json_object_get(doc, "total")), 4);
    json_t *f = json_object_get(doc, "failures");
    const char *kinds_want[] = {"length", "pattern", "pattern", "length"};
    const char *paths[] = {"/serviceIdentifier", "/serviceIdentifier", "/tags/aws:x", "/tags"};
    const char *sources[] = {"model", "model", "documented", "model"};
    for (size_t i = 0; i < 4; i++) {
        json_t *it = json_array_get(f, i);
        cr_assert_str_eq(json_string_value(json_object_get(it, "constraint")), kinds_want[i]);
        cr_assert_str_eq(json_string_value(json_object_get(it, "path")), paths[i]);
        cr_assert_str_eq(json_string_value(json_object_get(it, "source")), sources[i]);
        cr_assert_str_eq(json_string_value(json_object_get(it, "message")), msgs[i]);
    }
    json_decref(doc);
    free(mj);

    char *sm = render(lattice, AWSVAL_REPORT_SMITHY);
    doc = parse(sm);
    cr_assert_eq(json_array_size(json_object_get(doc, "fieldList")), 4);
    const char *smithy_last = json_string_value(json_object_get(json_array_get(json_object_get(doc, "fieldList"), 3), "message"));
    cr_assert_str_eq(smithy_last, "Value with length 201 at '/tags' failed to satisfy constraint: Member must have "
                                  "length between 0 and 200, inclusive");
    json_decref(doc);
    free(sm);
    free(in);
    free(echo);
    free(s3);
    free(s4);
    free(want);
}

/* ----------------------------------------------------------------------- escaping in JSON */

Test(report, json_escaping_round_trips)
{
    /* A text of 10 code points (max 4) holding every character JSON must escape. */
    const char *raw = "q\"\\/\n\t\x01\r\xC3\xA9\xF0\x9F\x98\x80";
    json_t *req = json_pack("{s:s,s:s}", "name", "a", "text", raw);
    char *in = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
    check(kinds, "Kinds", in, AWSVAL_INVALID);
    cr_assert_eq(awsval_ctx_violation_count(ctx), 1);
    awsval_violation v = {.size = sizeof v};
    awsval_ctx_violation(ctx, 0, &v);
    cr_assert_eq(v.actual, 10);
    cr_assert_str_eq(v.value, raw);
    char want[600];
    snprintf(want, sizeof want, "1 validation error detected: Value '%s' at 'text' failed to satisfy "
                                "constraint: Member must have length less than or equal to 4", raw);
    expect_style(kinds, AWSVAL_REPORT_AWS, want);
    expect_style(kinds, AWSVAL_REPORT_NATIVE,
                 "{\"message\":\"1 validation error detected: Value 'q\\\"\\\\/\\n\\t\\u0001\\r\xC3\xA9\xF0\x9F\x98\x80' "
                 "at 'text' failed to satisfy constraint: Member must have length less than or equal to 4\"}");
    uint32_t styles[] = {AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_JSON};
    for (size_t i = 0; i < 2; i++) {
        char *out = render(kinds, styles[i]);
        for (const char *p = out; *p; p++)
            cr_assert_geq((unsigned char)*p, 0x20, "raw control character in %s", out);
        json_t *doc = parse(out);
        const char *msg = styles[i] == AWSVAL_REPORT_NATIVE
                              ? json_string_value(json_object_get(doc, "message"))
                              : json_string_value(json_object_get(json_array_get(json_object_get(doc, "failures"), 0), "message"));
        /* The machine report's message is the one sentence, without the count. */
        cr_assert_str_eq(msg, styles[i] == AWSVAL_REPORT_NATIVE ? want : want + strlen("1 validation error detected: "));
        json_decref(doc);
        free(out);
    }
    free(in);
    json_decref(req);
}

/* ------------------------------------------------------------------------- buffer handling */

Test(report, too_small_truncates_and_reports_need)
{
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":\"snsa-1\"}", AWSVAL_INVALID);
    char *full = render(lattice, AWSVAL_REPORT_NATIVE);
    size_t len = strlen(full);
    char buf[2048];
    size_t need = 0;
    memset(buf, '#', sizeof buf);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_NATIVE, buf, 10, &need), AWSVAL_TOOSMALL);
    cr_assert_eq(need, len + 1);
    cr_assert_str_eq(buf, "{\"message");
    cr_assert_eq(buf[10], '#', "wrote past cap");
    /* One byte short: all but the last character, and not valid JSON. */
    memset(buf, '#', sizeof buf);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_NATIVE, buf, len, &need), AWSVAL_TOOSMALL);
    cr_assert_eq(strlen(buf), len - 1);
    cr_assert_eq(strncmp(buf, full, len - 1), 0);
    json_error_t je;
    cr_assert_null(json_loads(buf, 0, &je));
    /* Exactly enough. */
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_NATIVE, buf, len + 1, &need), AWSVAL_OK);
    cr_assert_str_eq(buf, full);
    /* cap 1: just the NUL. */
    buf[0] = '#';
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_AWS, buf, 1, &need), AWSVAL_TOOSMALL);
    cr_assert_eq(buf[0], '\0');
    /* need may be NULL; buf may be NULL with cap 0. */
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_AWS, NULL, 0, NULL), AWSVAL_TOOSMALL);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_AWS, NULL, 5, &need), AWSVAL_BADARG);
    /* A valid result renders "" in the text styles: need is 1. */
    check(lattice, DELETE, "{\"" SNSA_MEMBER "\":\"snsa-0123456789abcdefg\"}", AWSVAL_OK);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_AWS, NULL, 0, &need), AWSVAL_TOOSMALL);
    cr_assert_eq(need, 1);
    free(full);
}

Test(report, render_before_check)
{
    awsval_ctx *fresh = awsval_ctx_create(NULL, NULL);
    char buf[64];
    size_t need = 7;
    cr_assert_eq(awsval_render(fresh, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(need, 0);
    awsval_rejection rej = {.size = sizeof rej};
    cr_assert_eq(awsval_ctx_rejection(fresh, &rej), AWSVAL_NOCHECK);
    awsval_ctx_free(fresh);

    check(lattice, DELETE, "{}", AWSVAL_INVALID);
    cr_assert_eq(awsval_render(ctx, 0, buf, sizeof buf, &need), AWSVAL_BADARG);
    cr_assert_eq(awsval_render(ctx, 5, buf, sizeof buf, &need), AWSVAL_BADARG);
    /* A check that did not run (unknown operation) leaves nothing to render. */
    check(lattice, "NoSuchOperation", "{}", AWSVAL_NOTFOUND);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_AWS, buf, sizeof buf, &need), AWSVAL_NOCHECK);
    cr_assert_eq(awsval_ctx_rejection(ctx, &rej), AWSVAL_NOCHECK);
    cr_assert_eq(awsval_check_value(ctx, lattice, "NoSuchShape", "1", 1), AWSVAL_NOTFOUND);
    cr_assert_eq(awsval_render(ctx, AWSVAL_REPORT_JSON, buf, sizeof buf, &need), AWSVAL_NOCHECK);
}

/* With max_violations, the count says all, the list holds what was kept. */
Test(report, capped_violations)
{
    awsval_ctx_opts o = {.size = sizeof o, .max_violations = 1};
    awsval_ctx *c = awsval_ctx_create(&o, NULL);
    const char *j = "{\"name\":\"A\",\"count\":0}";
    cr_assert_eq(awsval_check(c, kinds, "Kinds", j, strlen(j)), AWSVAL_INVALID);
    char buf[1024];
    cr_assert_eq(awsval_render(c, AWSVAL_REPORT_AWS, buf, sizeof buf, NULL), AWSVAL_OK);
    cr_assert_str_eq(buf, "2 validation errors detected: Value 'A' at 'name' failed to satisfy constraint: Member "
                          "must satisfy regular expression pattern: [a-z0-9]+");
    cr_assert_eq(awsval_render(c, AWSVAL_REPORT_JSON, buf, sizeof buf, NULL), AWSVAL_OK);
    json_t *doc = parse(buf);
    cr_assert_eq(json_integer_value(json_object_get(doc, "total")), 2);
    cr_assert_eq(json_array_size(json_object_get(doc, "failures")), 1);
    json_decref(doc);
    awsval_ctx_free(c);
}

/* Every style of every result here is JSON (or, for AWS, the message of the native one). */
Test(report, every_style_parses)
{
    const char *inputs[] = {
        "{}", "{\"name\":5}", "{\"name\":\"a\",\"labels\":{\"A\\\"B\":\"x\\u0000\"}}", "[", "\"\\ud800\"",
        "{\"name\":\"a\",\"items\":[{\"x\":1},{\"name\":\"Z\",\"count\":99}],\"choice\":{}}",
        "{\"name\":\"a\",\"secret\":\"S\\\"\",\"token\":\"123456\",\"data\":\"!\",\"when\":\"now\"}",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        awsval_code rc = awsval_check(ctx, kinds, "Kinds", inputs[i], strlen(inputs[i]));
        cr_assert_eq(rc, AWSVAL_INVALID, "%s", inputs[i]);
        for (uint32_t style = AWSVAL_REPORT_NATIVE; style <= AWSVAL_REPORT_JSON; style++) {
            char *out = render(kinds, style);
            json_decref(parse(out));
            free(out);
        }
        char *aws = render(kinds, AWSVAL_REPORT_AWS);
        char *nat = render(kinds, AWSVAL_REPORT_NATIVE);
        json_t *doc = parse(nat);
        /* The plain text writes a NUL as the six characters \u0000 (it cannot hold one). */
        json_t *msg = json_object_get(doc, "message");
        const char *m = json_string_value(msg);
        size_t ml = json_string_length(msg);
        char *plain = malloc(6 * ml + 1);
        size_t k = 0;
        for (size_t x = 0; x < ml; x++) {
            if (m[x]) plain[k++] = m[x];
            else k += (size_t)sprintf(plain + k, "\\u0000");
        }
        plain[k] = '\0';
        cr_assert_str_eq(plain, aws);
        free(plain);
        json_decref(doc);
        free(aws);
        free(nat);
    }
}

/* An XML error document stays well-formed whatever the echoed value holds: CR as a reference,
 * and the characters XML 1.0 cannot hold (C0 controls but tab and LF, U+FFFE, U+FFFF) as
 * U+FFFD. STS speaks the query protocol (ErrorResponse documents). */
Test(report, xml_document_holds_only_xml_characters)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *sts = awsval_model_load_file(
        AWSVAL_TEST_DATA_DIR "/real-aws-messages/models/sts/2011-06-15/service-2.json", NULL, &err);
    cr_assert_not_null(sts, "%s", err.message);
    static const char in[] = "{\"RoleArn\":\"arn:aws:iam::123456789012:role/x\","
                             "\"RoleSessionName\":\"a\\u0001b\\rc\\uffff\\ufffed\\te&<\"}";
    cr_assert_eq(awsval_check(ctx, sts, "AssumeRole", in, sizeof in - 1), AWSVAL_INVALID);
    char *doc = render(sts, AWSVAL_REPORT_NATIVE);
    cr_assert(strstr(doc, "<ErrorResponse") != NULL, "%s", doc);
    cr_assert(strstr(doc, "'a\xEF\xBF\xBD" "b&#xD;c\xEF\xBF\xBD\xEF\xBF\xBD" "d\te&amp;&lt;'") != NULL,
              "%s", doc);
    for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
        cr_assert(*p >= 0x20 || *p == '\t' || *p == '\n', "byte 0x%02x at %zu", *p, (size_t)(p - (const unsigned char *)doc));
    free(doc);
    awsval_model_free(sts);
}
