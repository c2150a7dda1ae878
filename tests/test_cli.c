/* The command-line tool (AWSVAL_CLI): `batch` line by line, `check` exit codes and formats. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SNSA "serviceNetworkServiceAssociationIdentifier"
#define SNSA_PATTERN_J                                                                                     \
    "((snsa-[0-9a-z]{17})|(arn:[a-z0-9\\\\-]+:vpc-lattice:[a-zA-Z0-9\\\\-]+:\\\\d{12}:servicenetworkserviceassociation/" \
    "snsa-[0-9a-z]{17}))"

/* Writes `input` to a temporary file, runs the CLI with `args` (the file's path replaces the
 * first %s), and returns its standard output; *status is the exit status. */
static char *run_cli(const char *args, const char *input, int *status)
{
    char path[] = "/tmp/awsval_test_cli_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    size_t n = strlen(input);
    cr_assert_eq(write(fd, input, n), (ssize_t)n);
    close(fd);
    char argv[512], cmd[1024];
    /* args holds one %s: the input file's path (spliced by hand: a format argument must be a
     * literal under -Wformat=2). */
    const char *hole = strstr(args, "%s");
    cr_assert_not_null(hole, "%s", args);
    snprintf(argv, sizeof argv, "%.*s%s%s", (int)(hole - args), args, path, hole + 2);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", AWSVAL_CLI, argv);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "%s", cmd);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t r;
    while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += r;
        if (len + 1 == cap) out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    int st = pclose(p);
    unlink(path);
    cr_assert(WIFEXITED(st), "%s did not exit normally", cmd);
    *status = WEXITSTATUS(st);
    return out;
}

/* The i-th line (0-based) of text, in a static buffer. */
static const char *line(const char *text, int i)
{
    static char buf[8192];
    const char *p = text;
    for (; i > 0 && p; i--) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    cr_assert_not_null(p);
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    cr_assert_lt(n, sizeof buf);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++) n += *p == '\n';
    return n;
}

Test(cli, batch_lines)
{
    const char *in =
        "{\"id\":1,\"service\":\"vpc-lattice\",\"operation\":\"DeleteServiceNetworkServiceAssociation\",\"params\":{\"" SNSA "\":\"snsa-0123456789abcdefg\"}}\n"
        "{\"id\":\"two\",\"service\":\"vpc-lattice\",\"operation\":\"DeleteServiceNetworkServiceAssociation\",\"params\":{\"" SNSA "\":\"snsa-1\"}}\n"
        "{\"id\":3,\"service\":\n"
        "\n"
        "{\"id\":4,\"service\":\"nope\",\"operation\":\"X\",\"params\":{}}\n"
        "{\"id\":5,\"service\":\"apprunner\",\"operation\":\"Nope\",\"params\":{}}\n"
        "{\"id\":6,\"service\":\"apprunner\",\"operation\":\"DeleteVpcIngressConnection\"}\n"
        "{\"id\":[1,2],\"service\":\"apprunner\",\"operation\":\"DeleteVpcIngressConnection\",\"params\":{\"VpcIngressConnectionArn\":5}}\n"
        "{\"id\":8,\"service\":\"apprunner\",\"operation\":\"DeleteVpcIngressConnection\",\"params\":{\"VpcIngressConnectionArn\":\"arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/c/1\"}}\r\n";
    int status;
    char *out = run_cli("batch '%s'", in, &status);
    cr_assert_eq(status, 1, "exit %d", status);
    cr_assert_eq(count_lines(out), 8, "%s", out);
    cr_assert_str_eq(line(out, 0), "{\"id\":1,\"valid\":true,\"total\":0,\"errors\":0,\"operation\":\""
                                   "DeleteServiceNetworkServiceAssociation\",\"failures\":[]}");
    cr_assert_str_eq(line(out, 1),
                     "{\"id\":\"two\",\"valid\":false,\"total\":2,\"errors\":2,\"status\":400,\"errorType\":"
                     "\"ValidationException\",\"operation\":\"DeleteServiceNetworkServiceAssociation\",\"failures\":["
                     "{\"path\":\"/" SNSA "\",\"constraint\":\"length\",\"source\":\"model\",\"message\":\"Value 'snsa-1' "
                     "at '" SNSA "' failed to satisfy constraint: Member must have length greater than or equal to 17\","
                     "\"awsPath\":\"" SNSA "\",\"shape\":\"ServiceNetworkServiceAssociationIdentifier\",\"offset\":46,\"length\":8},"
                     "{\"path\":\"/" SNSA "\",\"constraint\":\"pattern\",\"source\":\"model\",\"message\":\"Value 'snsa-1' "
                     "at '" SNSA "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                     SNSA_PATTERN_J "\",\"awsPath\":\"" SNSA "\",\"shape\":\"ServiceNetworkServiceAssociationIdentifier\","
                     "\"offset\":46,\"length\":8}]}");
    /* The malformed line: a parse failure without an id (jansson's own words). */
    cr_assert_str_eq(line(out, 2),
                     "{\"id\":null,\"valid\":false,\"failures\":[{\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                     "\"model\",\"message\":\"line is not JSON: unexpected token near end of file at column 18\"}]}");
    /* The empty line gives no output line. */
    cr_assert_str_eq(line(out, 3),
                     "{\"id\":4,\"valid\":false,\"failures\":[{\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                     "\"model\",\"message\":\"no model for service 'nope'\"}]}");
    cr_assert_str_eq(line(out, 4),
                     "{\"id\":5,\"valid\":false,\"failures\":[{\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                     "\"model\",\"message\":\"apprunner has no operation 'Nope'\"}]}");
    cr_assert_str_eq(line(out, 5),
                     "{\"id\":6,\"valid\":false,\"failures\":[{\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                     "\"model\",\"message\":\"a line needs \\\"service\\\", \\\"operation\\\" and \\\"params\\\"\"}]}");
    cr_assert_str_eq(line(out, 6),
                     "{\"id\":[1,2],\"valid\":false,\"total\":1,\"errors\":1,\"status\":400,\"errorType\":"
                     "\"SerializationException\",\"operation\":\"DeleteVpcIngressConnection\",\"failures\":[{\"path\":"
                     "\"/VpcIngressConnectionArn\",\"constraint\":\"type\",\"source\":\"model\",\"message\":\"class "
                     "java.lang.Integer can not be converted to an String\",\"awsPath\":\"vpcIngressConnectionArn\","
                     "\"shape\":\"AppRunnerResourceArn\",\"offset\":27,\"length\":1}]}");
    cr_assert_str_eq(line(out, 7), "{\"id\":8,\"valid\":true,\"total\":0,\"errors\":0,\"operation\":\""
                                   "DeleteVpcIngressConnection\",\"failures\":[]}");
    /* Every output line is a JSON object. */
    for (int i = 0; i < 8; i++) {
        json_error_t je;
        json_t *doc = json_loads(line(out, i), JSON_REJECT_DUPLICATES, &je);
        cr_assert(json_is_object(doc), "line %d: %s", i, je.text);
        json_decref(doc);
    }
    free(out);
}

Test(cli, batch_all_valid_exits_zero)
{
    const char *in =
        "{\"id\":\"a\",\"service\":\"vpc-lattice\",\"operation\":\"CreateServiceNetworkServiceAssociation\",\"params\":"
        "{\"serviceIdentifier\":\"svc-0123456789abcdefg\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\",\"tags\":{\"k\":\"v\"}}}\n"
        "{\"service\":\"apprunner\",\"operation\":\"ListServices\",\"params\":{}}\n";
    int status;
    char *out = run_cli("batch < '%s'", in, &status);
    cr_assert_eq(status, 0, "exit %d: %s", status, out);
    cr_assert_str_eq(out, "{\"id\":\"a\",\"valid\":true,\"total\":0,\"errors\":0,\"operation\":"
                          "\"CreateServiceNetworkServiceAssociation\",\"failures\":[]}\n"
                          "{\"id\":null,\"valid\":true,\"total\":0,\"errors\":0,\"operation\":\"ListServices\","
                          "\"failures\":[]}\n");
    free(out);
}

Test(cli, check_exit_codes_and_formats)
{
    int status;
    char *out = run_cli("check vpc-lattice DeleteServiceNetworkServiceAssociation '%s'",
                        "{\"" SNSA "\":\"snsa-0123456789abcdefg\"}", &status);
    cr_assert_eq(status, 0);
    cr_assert_str_eq(out, "");
    free(out);
    out = run_cli("--format aws check vpc-lattice DeleteServiceNetworkServiceAssociation '%s'", "{}", &status);
    cr_assert_eq(status, 1);
    cr_assert_str_eq(out, "1 validation error detected: Value null at '" SNSA "' failed to satisfy constraint: "
                          "Member must not be null\n");
    free(out);
    out = run_cli("check vpc-lattice DeleteServiceNetworkServiceAssociation '%s'", "{}", &status);
    cr_assert_eq(status, 1);
    cr_assert_str_eq(out, "{\"message\":\"1 validation error detected: Value null at '" SNSA "' failed to satisfy "
                          "constraint: Member must not be null\",\"reason\":\"fieldValidationFailed\",\"fieldList\":"
                          "[{\"name\":\"" SNSA "\",\"message\":\"Value null at '" SNSA "' failed to satisfy constraint: "
                          "Member must not be null\"}]}\n");
    free(out);
    out = run_cli("--format json check apprunner DeleteVpcIngressConnection '%s'", "{\"VpcIngressConnectionArn\":", &status);
    cr_assert_eq(status, 1);
    cr_assert_str_eq(out, "{\"valid\":false,\"total\":1,\"errors\":1,\"status\":400,\"errorType\":"
                          "\"SerializationException\",\"operation\":\"DeleteVpcIngressConnection\",\"failures\":[{"
                          "\"path\":\"\",\"constraint\":\"parse\",\"source\":"
                          "\"model\",\"message\":\"Unable to parse the request: value expected at byte 27\",\"awsPath\":"
                          "\"\",\"offset\":27,\"length\":0}]}\n");
    free(out);
    /* Usage, model and operation errors exit 2. */
    out = run_cli("check apprunner NoSuchOperation '%s'", "{}", &status);
    cr_assert_eq(status, 2);
    cr_assert_str_eq(out, "");
    free(out);
    out = run_cli("check no-such-service X '%s'", "{}", &status);
    cr_assert_eq(status, 2);
    free(out);
    out = run_cli("--format yaml check apprunner ListServices '%s'", "{}", &status);
    cr_assert_eq(status, 2);
    free(out);
    /* --ignore-unknown and --no-overlay */
    out = run_cli("--ignore-unknown check vpc-lattice DeleteServiceNetworkServiceAssociation '%s'",
                  "{\"" SNSA "\":\"snsa-0123456789abcdefg\",\"extra\":1}", &status);
    cr_assert_eq(status, 0);
    free(out);
    out = run_cli("--no-overlay check vpc-lattice TagResource '%s'",
                  "{\"resourceArn\":\"arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdefg\",\"tags\":{\"aws:x\":\"v\"}}",
                  &status);
    cr_assert_eq(status, 0, "%s", out);
    free(out);
}

Test(cli, services_and_version)
{
    int status;
    char *out = run_cli("services # %s", "", &status);
    cr_assert_eq(status, 0);
    cr_assert_str_eq(out, "vpc-lattice\napprunner\n");
    free(out);
    out = run_cli("--version # %s", "", &status);
    cr_assert_eq(status, 0);
    cr_assert_eq(strncmp(out, "awsval ", 7), 0, "%s", out);
    free(out);
}
