/* The command-line tool (AWSVAL_CLI), run as a user runs it: options and help, `check`, `http`,
 * `batch`, `regex`, `describe`, `services`, `models check`, exit statuses and error messages.
 *
 * What the library answers (reports, HTTP responses, descriptions) is never written here: the
 * expected output is asked of the library itself (the public API) for the same input, so the
 * tests hold however the library words its answers. The CLI's own words (usage errors, I/O
 * errors) are asserted as written. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "awsval.h"

#define MODELS_DIR AWSVAL_TEST_DATA_DIR "/../../models"
#define LATTICE_MODEL MODELS_DIR "/vpc-lattice/2022-11-30/service-2.json"
#define DELETE "DeleteServiceNetworkServiceAssociation"
#define CREATE "CreateServiceNetworkServiceAssociation"
#define SNSA "serviceNetworkServiceAssociationIdentifier"
#define DELETE_OK "{\"" SNSA "\":\"snsa-0123456789abcdefg\"}"
#define DELETE_BAD "{\"" SNSA "\":\"snsa-1\"}"
#define RUNNER_ARN "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/c/0123456789abcdef"

/* ------------------------------------------------------------------------------------------ */
/* Running the tool                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct run_opts {
    const char *input;      /* standard input; NULL: /dev/null (unless stdin_open) */
    bool stdin_open;        /* standard input is a pipe that is never written or closed */
    const char *models_env; /* AWSVAL_MODELS (unset when NULL) */
    double timeout;         /* seconds; 0: 300 */
} run_opts;

typedef struct result {
    int status; /* exit status, or -1 if it did not exit normally */
    bool timed_out;
    char *out, *err;
    size_t out_len;
} result;

static char *slurp_fd(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    lseek(fd, 0, SEEK_SET);
    ssize_t k;
    while ((k = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)k;
        if (n + 1 == cap) {
            buf = realloc(buf, cap *= 2);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static int temp_fd(void)
{
    char path[] = "/tmp/awsval_test_cli_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    return fd;
}

/* Runs the tool with args (NULL-terminated, without argv[0]). */
static result cli(const run_opts *ro, const char *const *args)
{
    static const run_opts none = {0};
    if (!ro) ro = &none;
    int out = temp_fd(), err = temp_fd(), in = -1, pipefd[2] = {-1, -1};
    if (ro->stdin_open) {
        cr_assert_eq(pipe(pipefd), 0);
    } else if (ro->input) {
        in = temp_fd();
        size_t n = strlen(ro->input);
        cr_assert_eq(write(in, ro->input, n), (ssize_t)n);
        lseek(in, 0, SEEK_SET);
    }
    const char *argv[64] = {AWSVAL_CLI};
    size_t argc = 1;
    for (; args[argc - 1]; argc++) {
        cr_assert_lt(argc, 63);
        argv[argc] = args[argc - 1];
    }
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int fd0 = ro->stdin_open ? pipefd[0] : in >= 0 ? in : open("/dev/null", O_RDONLY);
        dup2(fd0, 0);
        dup2(out, 1);
        dup2(err, 2);
        if (pipefd[1] >= 0) close(pipefd[1]);
        unsetenv("AWSVAL_MODELS");
        if (ro->models_env) setenv("AWSVAL_MODELS", ro->models_env, 1);
        execv(AWSVAL_CLI, (char *const *)argv);
        _exit(127);
    }
    if (pipefd[0] >= 0) close(pipefd[0]);
    result r = {.status = -1};
    double limit = ro->timeout > 0 ? ro->timeout : 300, waited = 0;
    int st;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        cr_assert_geq(w, 0);
        if (w == pid) break;
        if (waited >= limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            r.timed_out = true;
            break;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 0.01;
    }
    if (pipefd[1] >= 0) close(pipefd[1]);
    if (!r.timed_out && WIFEXITED(st)) r.status = WEXITSTATUS(st);
    r.out = slurp_fd(out, &r.out_len);
    r.err = slurp_fd(err, NULL);
    close(out);
    close(err);
    if (in >= 0) close(in);
    return r;
}

#define CLI(ro, ...) cli((ro), (const char *const[]){__VA_ARGS__, NULL})

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* The exit status, with what the tool said when it is not the one expected. */
#define ASSERT_STATUS(r, want)                                                                      \
    cr_assert_eq((r).status, (want), "exit %d (want %d)%s\nstdout: %s\nstderr: %s", (r).status, (want), \
                 (r).timed_out ? " (timed out)" : "", (r).out, (r).err)

/* A file holding `text`; its path is written into path (a buffer of 64). */
static void temp_file(char *path, const char *name, const char *text)
{
    char dir[] = "/tmp/awsval_test_cli_dir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, 64, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_temp_file(const char *path)
{
    unlink(path);
    char dir[64];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
}

static json_t *line_json(const char *text, int i);

/* ------------------------------------------------------------------------------------------ */
/* What the library answers                                                                    */
/* ------------------------------------------------------------------------------------------ */

static awsval_model *builtin(const char *service)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_builtin(service, NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    return m;
}

static char *render(const awsval_ctx *ctx, uint32_t style)
{
    size_t need = 0;
    awsval_code rc = awsval_render(ctx, style, NULL, 0, &need);
    cr_assert(rc == AWSVAL_TOOSMALL || rc == AWSVAL_OK, "%s", awsval_err_name(rc));
    char *buf = malloc(need ? need : 1);
    cr_assert_not_null(buf);
    cr_assert_eq(awsval_render(ctx, style, buf, need ? need : 1, NULL), AWSVAL_OK);
    return buf;
}

/* The library's report for `json` checked against a built-in model with a context made with
 * `opts` (NULL: defaults), in a style, or "" if valid (as `check` prints it, with a newline
 * when not empty). */
static char *expected_check_opts(const char *service, const char *op, const char *json, uint32_t style,
                                 const awsval_ctx_opts *opts)
{
    awsval_model *m = builtin(service);
    awsval_ctx *ctx = awsval_ctx_create(opts, NULL);
    cr_assert_not_null(ctx);
    awsval_code rc = awsval_check(ctx, m, op, json, strlen(json));
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "%s", awsval_err_name(rc));
    char *doc = render(ctx, style);
    char *line = malloc(strlen(doc) + 2);
    cr_assert_not_null(line);
    sprintf(line, "%s%s", doc, *doc ? "\n" : "");
    free(doc);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return line;
}

static char *expected_check(const char *service, const char *op, const char *json, uint32_t style)
{
    return expected_check_opts(service, op, json, style, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Options and help                                                                            */
/* ------------------------------------------------------------------------------------------ */

Test(options, placement_before_after_and_equals)
{
    char path[64];
    temp_file(path, "in.json", DELETE_BAD);
    char *want = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_AWS);
    cr_assert_neq(*want, '\0');
    result rs[] = {
        CLI(NULL, "--format", "aws", "check", "vpc-lattice", DELETE, path),
        CLI(NULL, "--format=aws", "check", "vpc-lattice", DELETE, path),
        CLI(NULL, "check", "--format", "aws", "vpc-lattice", DELETE, path),
        CLI(NULL, "check", "vpc-lattice", "--format=aws", DELETE, path),
        CLI(NULL, "check", "vpc-lattice", DELETE, path, "--format", "aws"),
        CLI(NULL, "check", "vpc-lattice", DELETE, path, "--form=aws"), /* a unique prefix */
    };
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
        ASSERT_STATUS(rs[i], 1);
        cr_assert_str_eq(rs[i].out, want, "run %zu", i);
        cr_assert_str_eq(rs[i].err, "", "run %zu", i);
        result_free(&rs[i]);
    }
    /* Standard input when FILE is "-" or absent. */
    run_opts ro = {.input = DELETE_BAD};
    result r = CLI(&ro, "check", "vpc-lattice", DELETE, "-", "--format=aws");
    ASSERT_STATUS(r, 1);
    cr_assert_str_eq(r.out, want);
    result_free(&r);
    r = CLI(&ro, "--format=aws", "check", "vpc-lattice", DELETE);
    ASSERT_STATUS(r, 1);
    cr_assert_str_eq(r.out, want);
    result_free(&r);
    free(want);
    remove_temp_file(path);
}

Test(options, double_dash_ends_options)
{
    /* After --, "--format" is the FILE operand. */
    result r = CLI(NULL, "check", "vpc-lattice", DELETE, "--", "--format");
    ASSERT_STATUS(r, 2);
    char want[256];
    snprintf(want, sizeof want, "awsval: cannot read '--format': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    /* Options before -- still count. */
    run_opts ro = {.input = DELETE_BAD};
    r = CLI(&ro, "--format", "json", "--", "check", "vpc-lattice", DELETE, "-");
    ASSERT_STATUS(r, 1);
    char *doc = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_JSON);
    cr_assert_str_eq(r.out, doc);
    free(doc);
    result_free(&r);
}

static const char *const all_commands[] = {"check", "batch", "http", "describe", "regex", "services", "models", "help"};

Test(options, help_per_command)
{
    for (size_t i = 0; i < sizeof all_commands / sizeof all_commands[0]; i++) {
        const char *c = all_commands[i];
        result a = CLI(NULL, c, "--help"), b = CLI(NULL, "help", c), h = CLI(NULL, c, "-h"),
               d = CLI(NULL, "--help", c);
        ASSERT_STATUS(a, 0);
        ASSERT_STATUS(b, 0);
        ASSERT_STATUS(h, 0);
        ASSERT_STATUS(d, 0);
        char head[64];
        snprintf(head, sizeof head, "usage: awsval %s ", c);
        cr_assert_eq(strncmp(a.out, head, strlen(head)), 0, "%s --help:\n%s", c, a.out);
        cr_assert_not_null(strstr(a.out, "Exit status:"), "%s", a.out);
        cr_assert_str_eq(a.err, "");
        cr_assert_str_eq(a.out, b.out);
        cr_assert_str_eq(a.out, h.out);
        cr_assert_str_eq(a.out, d.out);
        result_free(&a);
        result_free(&b);
        result_free(&h);
        result_free(&d);
    }
    /* --help wins over missing operands and other options. */
    result r = CLI(NULL, "check", "--format", "aws", "--help");
    ASSERT_STATUS(r, 0);
    cr_assert_eq(strncmp(r.out, "usage: awsval check ", 20), 0, "%s", r.out);
    result_free(&r);
}

Test(options, help_lists_options_per_command_and_exit_statuses)
{
    result r = CLI(NULL, "--help");
    ASSERT_STATUS(r, 0);
    cr_assert_str_eq(r.err, "");
    for (size_t i = 0; i < sizeof all_commands / sizeof all_commands[0]; i++)
        cr_assert_not_null(strstr(r.out, all_commands[i]), "%s", all_commands[i]);
    cr_assert_not_null(strstr(r.out, "Exit status:\n  0  "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\n  1  "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\n  2  "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "AWSVAL_MODELS"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "--format FORMAT"), "%s", r.out);
    result_free(&r);
    /* A command's help lists its options and no other. */
    r = CLI(NULL, "http", "--help");
    cr_assert_not_null(strstr(r.out, "--max-size"), "%s", r.out);
    cr_assert_null(strstr(r.out, "--format"), "%s", r.out);
    cr_assert_null(strstr(r.out, "--ignore-unknown"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "hunked"), "http --help says chunked bodies are refused:\n%s", r.out);
    result_free(&r);
    r = CLI(NULL, "services", "--help");
    cr_assert_null(strstr(r.out, "--model"), "%s", r.out);
    result_free(&r);
}

Test(options, version)
{
    result r = CLI(NULL, "--version"), v = CLI(NULL, "services", "-V");
    ASSERT_STATUS(r, 0);
    char want[64];
    snprintf(want, sizeof want, "awsval %s\n", awsval_version_string());
    cr_assert_str_eq(r.out, want);
    cr_assert_str_eq(v.out, want);
    result_free(&r);
    result_free(&v);
}

/* Runs args, expects exit 2, nothing on stdout, and exactly `want` on stderr. */
static void expect_usage_error(const char *want, const char *const *args)
{
    result r = cli(NULL, args);
    ASSERT_STATUS(r, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, want);
    result_free(&r);
}
#define USAGE_ERROR(want, ...) expect_usage_error((want), (const char *const[]){__VA_ARGS__, NULL})

Test(options, errors_name_the_option)
{
    USAGE_ERROR("awsval: unknown option '--bogus' (see: awsval --help)\n", "check", "--bogus", "vpc-lattice", DELETE);
    USAGE_ERROR("awsval: unknown option '--bogus' (see: awsval --help)\n", "--bogus=1", "services");
    USAGE_ERROR("awsval: unknown option '-x' (see: awsval --help)\n", "services", "-x");
    USAGE_ERROR("awsval: unknown option '-x' (see: awsval --help)\n", "--ignore-unknown", "-Vx", "services");
    USAGE_ERROR("awsval: option '--format' needs a value (see: awsval --help)\n", "check", "vpc-lattice", DELETE, "--format");
    USAGE_ERROR("awsval: option '--help' takes no value\n", "check", "--help=yes");
    USAGE_ERROR("awsval: option '--max' is ambiguous (see: awsval --help)\n", "check", "--max=1");
    USAGE_ERROR("awsval: --format: unknown format 'yaml' (native, aws, smithy, json)\n", "--format=yaml", "services");
    USAGE_ERROR("awsval: --max-size: '10k' is not a number from 1 to 2147483648\n", "http", "x", "--max-size", "10k");
    USAGE_ERROR("awsval: --max-depth: '0' is not a number from 1 to 4096\n", "check", "--max-depth=0", "x", "y");
    USAGE_ERROR("awsval: --max-violations: '-1' is not a number from 1 to 65536\n", "batch", "--max-violations=-1");
    /* An option given to a command it does not apply to. */
    USAGE_ERROR("awsval: option '--format' does not apply to 'http' (see: awsval http --help)\n", "http", "vpc-lattice",
                "--format", "aws");
    USAGE_ERROR("awsval: option '--ignore-unknown' does not apply to 'http' (see: awsval http --help)\n",
                "--ignore-unknown", "http", "vpc-lattice");
    USAGE_ERROR("awsval: option '--max-size' does not apply to 'describe' (see: awsval describe --help)\n", "describe",
                "vpc-lattice", "--max-size=5");
    USAGE_ERROR("awsval: option '--model' does not apply to 'regex' (see: awsval regex --help)\n", "regex", "--model",
                LATTICE_MODEL);
    USAGE_ERROR("awsval: --service applies with --model only\n", "check", "--service", "vpc-lattice", "x", "y");
    USAGE_ERROR("awsval: --model and --models exclude each other\n", "describe", "--model=" LATTICE_MODEL,
                "--models=" MODELS_DIR, "x");
    /* Operands. */
    USAGE_ERROR("awsval: check: missing OPERATION (usage: awsval check [OPTIONS] SERVICE OPERATION [FILE|-])\n", "check",
                "vpc-lattice");
    USAGE_ERROR("awsval: check: unexpected argument 'extra' (usage: awsval check [OPTIONS] SERVICE OPERATION [FILE|-])\n",
                "check", "vpc-lattice", DELETE, "-", "extra");
    USAGE_ERROR("awsval: services: unexpected argument 'x' (usage: awsval services [OPTIONS])\n", "services", "x");
    USAGE_ERROR("awsval: unknown command 'chek' (see: awsval --help)\n", "chek", "vpc-lattice");
    USAGE_ERROR("awsval: help: unknown command 'nope' (see: awsval --help)\n", "help", "nope");
    USAGE_ERROR("awsval: models: unknown subcommand 'list' ('models check DIR' expected)\n", "models", "list", "x");
    /* No command at all: the short usage. */
    result r = CLI(NULL, "--ignore-unknown");
    ASSERT_STATUS(r, 2);
    cr_assert_eq(strncmp(r.err, "usage: awsval ", 14), 0, "%s", r.err);
    result_free(&r);
}

/* ------------------------------------------------------------------------------------------ */
/* check                                                                                       */
/* ------------------------------------------------------------------------------------------ */

Test(check, exit_statuses_and_formats)
{
    static const uint32_t styles[] = {AWSVAL_REPORT_NATIVE, AWSVAL_REPORT_AWS, AWSVAL_REPORT_SMITHY, AWSVAL_REPORT_JSON};
    static const char *const names[] = {"native", "aws", "smithy", "json"};
    const char *inputs[] = {DELETE_OK, DELETE_BAD, "{}", "{\"" SNSA "\":"};
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < 4; i++) {
            run_opts ro = {.input = inputs[i]};
            char fmt[32];
            snprintf(fmt, sizeof fmt, "--format=%s", names[s]);
            result r = CLI(&ro, "check", "vpc-lattice", DELETE, fmt);
            ASSERT_STATUS(r, i == 0 ? 0 : 1);
            char *want = expected_check("vpc-lattice", DELETE, inputs[i], styles[s]);
            cr_assert_str_eq(r.out, want, "%s on %s", names[s], inputs[i]);
            cr_assert_str_eq(r.err, "");
            free(want);
            result_free(&r);
        }
    }
    /* The default format is the service's own error document. */
    run_opts ro = {.input = "{\"VpcIngressConnectionArn\":\"x\"}"};
    result r = CLI(&ro, "check", "apprunner", "DeleteVpcIngressConnection");
    ASSERT_STATUS(r, 1);
    char *want = expected_check("apprunner", "DeleteVpcIngressConnection", ro.input, AWSVAL_REPORT_NATIVE);
    cr_assert_str_eq(r.out, want);
    free(want);
    result_free(&r);
}

Test(check, ignore_unknown_and_no_overlay)
{
    run_opts ro = {.input = "{\"" SNSA "\":\"snsa-0123456789abcdefg\",\"extra\":1}"};
    result r = CLI(&ro, "check", "vpc-lattice", DELETE);
    ASSERT_STATUS(r, 1);
    result_free(&r);
    r = CLI(&ro, "check", "vpc-lattice", DELETE, "--ignore-unknown");
    ASSERT_STATUS(r, 0);
    cr_assert_str_eq(r.out, "");
    result_free(&r);
    run_opts tag = {.input = "{\"resourceArn\":\"arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdefg\","
                             "\"tags\":{\"aws:x\":\"v\"}}"};
    r = CLI(&tag, "check", "vpc-lattice", "TagResource");
    ASSERT_STATUS(r, 1);
    result_free(&r);
    r = CLI(&tag, "check", "vpc-lattice", "TagResource", "--no-overlay");
    ASSERT_STATUS(r, 0);
    result_free(&r);
}

Test(check, max_size_and_max_violations)
{
    run_opts ro = {.input = DELETE_OK};
    result r = CLI(&ro, "check", "vpc-lattice", DELETE, "--max-size", "10", "--format=json");
    ASSERT_STATUS(r, 1);
    awsval_ctx_opts small = {.size = sizeof small, .max_size = 10};
    char *want = expected_check_opts("vpc-lattice", DELETE, DELETE_OK, AWSVAL_REPORT_JSON, &small);
    cr_assert_str_eq(r.out, want);
    free(want);
    result_free(&r);
    run_opts two = {.input = DELETE_BAD};
    r = CLI(&two, "check", "vpc-lattice", DELETE, "--max-violations=1", "--format=json");
    ASSERT_STATUS(r, 1);
    awsval_ctx_opts one = {.size = sizeof one, .max_violations = 1};
    want = expected_check_opts("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_JSON, &one);
    cr_assert_str_eq(r.out, want);
    free(want);
    json_t *doc = json_loads(r.out, 0, NULL);
    cr_assert_not_null(doc, "%s", r.out);
    cr_assert_eq(json_array_size(json_object_get(doc, "failures")), 1, "%s", r.out);
    json_decref(doc);
    result_free(&r);
    /* --max-depth reaches the checker. */
    run_opts deep = {.input = "{\"" SNSA "\":[[[1]]]}"};
    r = CLI(&deep, "check", "vpc-lattice", DELETE, "--max-depth=2", "--format=json");
    ASSERT_STATUS(r, 1);
    awsval_ctx_opts shallow = {.size = sizeof shallow, .max_depth = 2};
    want = expected_check_opts("vpc-lattice", DELETE, deep.input, AWSVAL_REPORT_JSON, &shallow);
    cr_assert_str_eq(r.out, want);
    free(want);
    result_free(&r);
}

/* A service or operation that does not exist is an error at once, before standard input is
 * read: the tool must not wait for an input it cannot check. */
Test(check, unknown_service_does_not_wait_for_input)
{
    run_opts ro = {.stdin_open = true, .timeout = 5};
    result r = CLI(&ro, "check", "no-such-service", "Op");
    cr_assert(!r.timed_out, "awsval check waited for standard input with an unknown service");
    ASSERT_STATUS(r, 2);
    cr_assert_str_eq(r.out, "");
    /* The hint names both ways to give botocore's models. */
    cr_assert_not_null(strstr(r.err, "'no-such-service'"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "--models DIR"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "AWSVAL_MODELS"), "%s", r.err);
    cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
    result_free(&r);
    r = CLI(&ro, "check", "vpc-lattice", "NoSuchOperation");
    cr_assert(!r.timed_out, "awsval check waited for standard input with an unknown operation");
    ASSERT_STATUS(r, 2);
    cr_assert_str_eq(r.err, "awsval: vpc-lattice has no operation 'NoSuchOperation' (see: awsval describe vpc-lattice)\n");
    result_free(&r);
}

Test(check, io_errors_say_why)
{
    result r = CLI(NULL, "check", "vpc-lattice", DELETE, "/nonexistent/in.json");
    ASSERT_STATUS(r, 2);
    char want[256];
    snprintf(want, sizeof want, "awsval: cannot read '/nonexistent/in.json': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    r = CLI(NULL, "check", "vpc-lattice", DELETE, "/");
    ASSERT_STATUS(r, 2);
    snprintf(want, sizeof want, "awsval: cannot read '/': %s\n", strerror(EISDIR));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    r = CLI(NULL, "batch", "/nonexistent/in.jsonl");
    ASSERT_STATUS(r, 2);
    snprintf(want, sizeof want, "awsval: cannot read '/nonexistent/in.jsonl': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    r = CLI(NULL, "http", "vpc-lattice", "/");
    ASSERT_STATUS(r, 2);
    snprintf(want, sizeof want, "awsval: cannot read '/': %s\n", strerror(EISDIR));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    r = CLI(NULL, "describe", "x", "--model", "/nonexistent/service-2.json");
    ASSERT_STATUS(r, 2);
    snprintf(want, sizeof want, "awsval: --model '/nonexistent/service-2.json': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
    r = CLI(NULL, "describe", "x", "--models", "/nonexistent");
    ASSERT_STATUS(r, 2);
    snprintf(want, sizeof want, "awsval: --models '/nonexistent': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
}

/* --model FILE with --service NAME (or SERVICE): the name picks the built-in overlay. */
Test(check, model_file_takes_the_service_name)
{
    run_opts tag = {.input = "{\"resourceArn\":\"arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdefg\","
                             "\"tags\":{\"aws:x\":\"v\"}}"};
    result r = CLI(&tag, "check", "--model", LATTICE_MODEL, "--service", "vpc-lattice", "lattice-copy", "TagResource",
                   "--format=json");
    ASSERT_STATUS(r, 1);
    json_t *doc = json_loads(r.out, 0, NULL);
    cr_assert_not_null(doc, "%s", r.out);
    json_t *f = json_array_get(json_object_get(doc, "failures"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "source")), "documented", "%s", r.out);
    cr_assert_str_eq(json_string_value(json_object_get(f, "path")), "/tags/aws:x", "%s", r.out);
    json_decref(doc);
    result_free(&r);
    /* The SERVICE operand is the name when --service is not given. */
    r = CLI(&tag, "check", "--model", LATTICE_MODEL, "vpc-lattice", "TagResource");
    ASSERT_STATUS(r, 1);
    result_free(&r);
    /* Under another name, no overlay applies: the model alone allows the key. */
    r = CLI(&tag, "check", "--model", LATTICE_MODEL, "lattice-copy", "TagResource");
    ASSERT_STATUS(r, 0);
    result_free(&r);
    /* batch: each line's service is the name, unless --service gives one for all. */
    char in[1024];
    snprintf(in, sizeof in, "{\"id\":1,\"service\":\"vpc-lattice\",\"operation\":\"TagResource\",\"params\":%s}\n"
                            "{\"id\":2,\"service\":\"lattice-copy\",\"operation\":\"TagResource\",\"params\":%s}\n",
             tag.input, tag.input);
    run_opts lines = {.input = in};
    r = CLI(&lines, "batch", "--model", LATTICE_MODEL, "--format=aws");
    ASSERT_STATUS(r, 1);
    json_t *one = line_json(r.out, 0), *two = line_json(r.out, 1);
    cr_assert(json_is_false(json_object_get(one, "valid")), "%s", r.out);
    cr_assert(json_is_true(json_object_get(two, "valid")), "%s", r.out);
    json_decref(one);
    json_decref(two);
    result_free(&r);
    r = CLI(&lines, "batch", "--model", LATTICE_MODEL, "--service", "vpc-lattice", "--format=aws");
    ASSERT_STATUS(r, 1);
    two = line_json(r.out, 1);
    cr_assert(json_is_false(json_object_get(two, "valid")), "%s", r.out);
    json_decref(two);
    result_free(&r);
}

/* A botocore data directory with the vendored VPC Lattice model under `n` names
 * (svc00/2022-11-30/service-2.json, ...), plus `broken` models that do not load. */
static void models_dir(char *dir, int n, int broken)
{
    strcpy(dir, "/tmp/awsval_test_models_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char real[4096];
    cr_assert_not_null(realpath(LATTICE_MODEL, real));
    for (int i = 0; i < n + broken; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s%02d", dir, i < n ? "svc" : "broken", i);
        cr_assert_eq(mkdir(path, 0700), 0);
        strcat(path, "/2022-11-30");
        cr_assert_eq(mkdir(path, 0700), 0);
        strcat(path, "/service-2.json");
        if (i < n) {
            cr_assert_eq(symlink(real, path), 0, "%s", strerror(errno));
        } else {
            FILE *f = fopen(path, "w");
            cr_assert_not_null(f);
            fputs("{\"metadata\":{}}", f);
            fclose(f);
        }
    }
}

static void remove_models_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(check, awsval_models_environment)
{
    char dir[64];
    models_dir(dir, 1, 0);
    run_opts ro = {.input = DELETE_OK, .models_env = dir};
    result r = CLI(&ro, "check", "svc00", DELETE);
    ASSERT_STATUS(r, 0);
    cr_assert_str_eq(r.err, "");
    result_free(&r);
    run_opts bad = {.input = DELETE_BAD, .models_env = dir};
    r = CLI(&bad, "check", "svc00", DELETE, "--format=aws");
    ASSERT_STATUS(r, 1);
    char *want = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_AWS);
    cr_assert_str_eq(r.out, want);
    free(want);
    result_free(&r);
    /* Built-in services stay built in (the directory has no vpc-lattice). */
    r = CLI(&ro, "check", "vpc-lattice", DELETE);
    ASSERT_STATUS(r, 0);
    result_free(&r);
    /* Without it, the service is unknown; --models DIR gives it too. */
    run_opts plain = {.input = DELETE_OK};
    r = CLI(&plain, "check", "svc00", DELETE);
    ASSERT_STATUS(r, 2);
    result_free(&r);
    r = CLI(&plain, "check", "svc00", DELETE, "--models", dir);
    ASSERT_STATUS(r, 0);
    result_free(&r);
    /* A service in neither says where it looked. */
    run_opts open_in = {.stdin_open = true, .models_env = dir, .timeout = 5};
    r = CLI(&open_in, "check", "svc99", DELETE);
    cr_assert(!r.timed_out);
    ASSERT_STATUS(r, 2);
    cr_assert_not_null(strstr(r.err, "AWSVAL_MODELS"), "%s", r.err);
    result_free(&r);
    remove_models_dir(dir);
}

/* ------------------------------------------------------------------------------------------ */
/* http                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/* The response the library renders for a request without headers, checked with a context
 * made with max_size (0: default). */
static char *expected_http(const char *method, const char *target, const char *body, size_t max_size)
{
    awsval_model *m = builtin("vpc-lattice");
    awsval_ctx_opts o = {.size = sizeof o, .max_size = max_size};
    awsval_ctx *ctx = awsval_ctx_create(&o, NULL);
    cr_assert_not_null(ctx);
    awsval_http_header h = {"Content-Type", 12, "application/json", 16};
    awsval_http_request rq = {.size = sizeof rq, .method = method, .method_len = strlen(method), .target = target,
                              .target_len = strlen(target), .headers = body ? &h : NULL, .header_count = body ? 1 : 0,
                              .body = body, .body_len = body ? strlen(body) : 0};
    awsval_code rc = awsval_check_http(ctx, m, &rq);
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "%s", awsval_err_name(rc));
    size_t need = 0;
    awsval_render_http(ctx, NULL, 0, &need);
    char *buf = malloc(need ? need : 1);
    cr_assert_not_null(buf);
    cr_assert_eq(awsval_render_http(ctx, buf, need ? need : 1, NULL), AWSVAL_OK);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return buf;
}

Test(http, statuses_and_the_response)
{
    run_opts valid = {.input = "DELETE /servicenetworkserviceassociations/snsa-0123456789abcdefg HTTP/1.1\r\nHost: x\r\n\r\n"};
    result r = CLI(&valid, "http", "vpc-lattice");
    ASSERT_STATUS(r, 0);
    cr_assert_str_eq(r.out, "");
    result_free(&r);

    run_opts invalid = {.input = "DELETE /servicenetworkserviceassociations/snsa-1 HTTP/1.1\r\n\r\n"};
    r = CLI(&invalid, "http", "vpc-lattice", "-");
    ASSERT_STATUS(r, 1);
    char *want = expected_http("DELETE", "/servicenetworkserviceassociations/snsa-1", NULL, 0);
    cr_assert_str_eq(r.out, want);
    cr_assert_eq(strncmp(r.out, "HTTP/1.1 400 ", 13), 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\r\nx-amzn-ErrorType: ValidationException\r\n"), "%s", r.out);
    free(want);
    result_free(&r);

    /* Not one strict HTTP/1.1 request: an error, and no response. */
    const char *bad[] = {
        "GET / HTTP/1.0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "DELETE /servicenetworkserviceassociations/snsa-1 HTTP/1.1\n\n",
        "DELETE /servicenetworkserviceassociations/snsa-1 HTTP/1.1\r\nTransfer_Encoding: chunked\r\n\r\n",
        "POST /servicenetworkserviceassociations HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}{}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_opts ro = {.input = bad[i]};
        r = CLI(&ro, "http", "vpc-lattice");
        ASSERT_STATUS(r, 2);
        cr_assert_str_eq(r.out, "");
        cr_assert_eq(strncmp(r.err, "awsval: http: cannot parse the request: ", 40), 0, "%s", r.err);
        result_free(&r);
    }
}

Test(http, max_size_applies)
{
    const char *body = "{\"serviceIdentifier\":\"svc-0123456789abcdefg\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\"}";
    char msg[512];
    snprintf(msg, sizeof msg,
             "POST /servicenetworkserviceassociations HTTP/1.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    run_opts ro = {.input = msg};
    result r = CLI(&ro, "http", "vpc-lattice");
    ASSERT_STATUS(r, 0);
    result_free(&r);
    r = CLI(&ro, "http", "vpc-lattice", "--max-size", "10");
    ASSERT_STATUS(r, 1);
    char *want = expected_http("POST", "/servicenetworkserviceassociations", body, 10);
    cr_assert_str_eq(r.out, want);
    cr_assert_neq(*want, '\0');
    free(want);
    result_free(&r);
    /* A nesting limit reaches the body too. */
    r = CLI(&ro, "--max-depth=1", "http", "vpc-lattice");
    ASSERT_STATUS(r, 0);
    result_free(&r);
}

/* ------------------------------------------------------------------------------------------ */
/* batch                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* The i-th line (0-based) of text, as a new string. */
static char *nth_line(const char *text, int i)
{
    const char *p = text;
    for (; i > 0 && p; i--) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    cr_assert(p && *p, "no line %d in:\n%s", i, text);
    const char *e = strchr(p, '\n');
    cr_assert_not_null(e, "unterminated line");
    return strndup(p, (size_t)(e - p));
}

/* The i-th line as a JSON document (strict: no duplicate keys). */
static json_t *line_json(const char *text, int i)
{
    char *line = nth_line(text, i);
    json_error_t je;
    json_t *doc = json_loads(line, JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(doc, "line %d is not JSON (%s): %s", i, je.text, line);
    free(line);
    return doc;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++) n += *p == '\n';
    return n;
}

/* The line batch writes for an id and params checked against a built-in model (JSON format):
 * {"id":ID, then the members of the library's machine report. */
static char *expected_batch(const char *id, const char *service, const char *op, const char *params)
{
    awsval_model *m = builtin(service);
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    cr_assert_not_null(ctx);
    awsval_code rc = awsval_check(ctx, m, op, params, strlen(params));
    cr_assert(rc == AWSVAL_OK || rc == AWSVAL_INVALID, "%s", awsval_err_name(rc));
    char *doc = render(ctx, AWSVAL_REPORT_JSON);
    cr_assert_eq(*doc, '{');
    char *line = malloc(strlen(id) + strlen(doc) + 16);
    cr_assert_not_null(line);
    sprintf(line, "{\"id\":%s,%s", id, doc + 1);
    free(doc);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return line;
}

/* A batch result line that is a parse failure (the line could not be checked). */
static void expect_parse_failure(const char *line, const char *id_json)
{
    json_error_t je;
    json_t *doc = json_loads(line, JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(doc, "not JSON (%s): %s", je.text, line);
    json_t *want_id = json_loads(id_json, JSON_DECODE_ANY, NULL);
    cr_assert(json_equal(json_object_get(doc, "id"), want_id), "id: %s", line);
    cr_assert(json_is_false(json_object_get(doc, "valid")), "%s", line);
    json_t *f = json_array_get(json_object_get(doc, "failures"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "constraint")), "parse", "%s", line);
    cr_assert_gt(strlen(json_string_value(json_object_get(f, "message"))), 0, "%s", line);
    json_decref(want_id);
    json_decref(doc);
}

#define LINE(id, svc, op, params) "{\"id\":" id ",\"service\":\"" svc "\",\"operation\":\"" op "\",\"params\":" params "}\n"

Test(batch, lines_in_order_with_ids_as_given)
{
    const char *create_ok = "{\"serviceIdentifier\":\"svc-0123456789abcdefg\",\"serviceNetworkIdentifier\":\"sn-0123456789abcdefg\","
                            "\"tags\":{\"k\":\"v\"}}";
    char in[4096];
    snprintf(in, sizeof in,
             LINE("1", "vpc-lattice", DELETE, DELETE_OK)                          /* 0 valid */
             LINE("\"two\"", "vpc-lattice", DELETE, "%s")                         /* 1 invalid */
             "{\"id\":3,\"service\":\n"                                           /* 2 not JSON */
             "\n"                                                                 /* skipped */
             LINE("4", "nope", "X", "{}")                                         /* 3 unknown service */
             LINE("5", "apprunner", "Nope", "{}")                                 /* 4 unknown operation */
             "{\"id\":6,\"service\":\"apprunner\",\"operation\":\"DeleteVpcIngressConnection\"}\n" /* 5 no params */
             LINE("[1, {\"k\" : null}]", "apprunner", "DeleteVpcIngressConnection", "{\"VpcIngressConnectionArn\":5}") /* 6 */
             "{\"params\": %s ,\"service\":\"vpc-lattice\",\"operation\":\"" CREATE "\",\"id\":\"a\\u00e9\\\"x\"}\r\n" /* 7 */
             "{\"service\":\"vpc-lattice\",\"operation\":\"" DELETE "\",\"params\":" DELETE_OK "}\n" /* 8 no id */
             LINE("1.50e3", "apprunner", "DeleteVpcIngressConnection", "{\"VpcIngressConnectionArn\":\"" RUNNER_ARN "\"}"), /* 9 */
             DELETE_BAD, create_ok);
    char path[64];
    temp_file(path, "in.jsonl", in);
    result r = CLI(NULL, "batch", path);
    ASSERT_STATUS(r, 2);
    cr_assert_eq(count_lines(r.out), 10, "%s", r.out);
    struct {
        int line;
        const char *id, *service, *op, *params;
    } checked[] = {
        {0, "1", "vpc-lattice", DELETE, DELETE_OK},
        {1, "\"two\"", "vpc-lattice", DELETE, DELETE_BAD},
        {6, "[1, {\"k\" : null}]", "apprunner", "DeleteVpcIngressConnection", "{\"VpcIngressConnectionArn\":5}"},
        {7, "\"a\\u00e9\\\"x\"", "vpc-lattice", CREATE, create_ok},
        {8, "null", "vpc-lattice", DELETE, DELETE_OK},
        {9, "1.50e3", "apprunner", "DeleteVpcIngressConnection", "{\"VpcIngressConnectionArn\":\"" RUNNER_ARN "\"}"},
    };
    for (size_t i = 0; i < sizeof checked / sizeof checked[0]; i++) {
        char *got = nth_line(r.out, checked[i].line);
        char *want = expected_batch(checked[i].id, checked[i].service, checked[i].op, checked[i].params);
        cr_assert_str_eq(got, want, "line %d", checked[i].line);
        free(got);
        free(want);
    }
    struct {
        int line;
        const char *id;
    } failed[] = {{2, "null"}, {3, "4"}, {4, "5"}, {5, "6"}};
    for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++) {
        char *got = nth_line(r.out, failed[i].line);
        expect_parse_failure(got, failed[i].id);
        free(got);
    }
    result_free(&r);
    remove_temp_file(path);
}

Test(batch, exit_statuses)
{
    /* 0: every line valid. */
    run_opts ok = {.input = LINE("1", "vpc-lattice", DELETE, DELETE_OK) LINE("2", "apprunner", "ListServices", "{}")};
    result r = CLI(&ok, "batch");
    ASSERT_STATUS(r, 0);
    cr_assert_eq(count_lines(r.out), 2);
    result_free(&r);
    /* 1: a line invalid, every line checked. */
    run_opts some = {.input = LINE("1", "vpc-lattice", DELETE, DELETE_OK) LINE("2", "vpc-lattice", DELETE, DELETE_BAD)};
    r = CLI(&some, "batch", "-");
    ASSERT_STATUS(r, 1);
    result_free(&r);
    /* 2: a line that could not be checked, whatever else. */
    run_opts unknown = {.input = LINE("1", "vpc-lattice", DELETE, DELETE_BAD) LINE("2", "nope", DELETE, "{}")
                                     LINE("3", "vpc-lattice", DELETE, DELETE_OK)};
    r = CLI(&unknown, "batch");
    ASSERT_STATUS(r, 2);
    cr_assert_eq(count_lines(r.out), 3, "the run goes on: %s", r.out);
    result_free(&r);
    run_opts garbage = {.input = "not json\n" LINE("2", "vpc-lattice", DELETE, DELETE_OK)};
    r = CLI(&garbage, "batch");
    ASSERT_STATUS(r, 2);
    cr_assert_eq(count_lines(r.out), 2, "%s", r.out);
    result_free(&r);
}

Test(batch, formats)
{
    run_opts ro = {.input = LINE("7", "vpc-lattice", DELETE, DELETE_BAD) LINE("8", "vpc-lattice", DELETE, DELETE_OK)};
    char *aws = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_AWS);
    char *native = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_NATIVE);
    char *smithy = expected_check("vpc-lattice", DELETE, DELETE_BAD, AWSVAL_REPORT_SMITHY);
    aws[strlen(aws) - 1] = native[strlen(native) - 1] = smithy[strlen(smithy) - 1] = '\0';

    result r = CLI(&ro, "batch", "--format", "aws");
    ASSERT_STATUS(r, 1);
    json_t *doc = line_json(r.out, 0);
    cr_assert_eq(json_integer_value(json_object_get(doc, "id")), 7);
    cr_assert(json_is_false(json_object_get(doc, "valid")));
    cr_assert_str_eq(json_string_value(json_object_get(doc, "message")), aws);
    json_decref(doc);
    doc = line_json(r.out, 1);
    cr_assert(json_is_true(json_object_get(doc, "valid")), "%s", r.out);
    cr_assert_null(json_object_get(doc, "message"));
    json_decref(doc);
    result_free(&r);

    r = CLI(&ro, "batch", "--format=native");
    ASSERT_STATUS(r, 1);
    doc = line_json(r.out, 0);
    cr_assert_eq(json_integer_value(json_object_get(doc, "status")), 400, "%s", r.out);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "errorType")), "ValidationException");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "body")), native);
    json_decref(doc);
    result_free(&r);

    r = CLI(&ro, "batch", "--format=smithy");
    ASSERT_STATUS(r, 1);
    doc = line_json(r.out, 0);
    json_t *want = json_loads(smithy, 0, NULL);
    cr_assert(json_equal(json_object_get(doc, "error"), want), "%s", r.out);
    json_decref(want);
    json_decref(doc);
    result_free(&r);
    free(aws);
    free(native);
    free(smithy);
}

/* A program may drive batch a line at a time: each answer comes out before the next line is
 * read, although standard output is a pipe. */
Test(batch, answers_a_line_at_a_time)
{
    int in[2], out[2];
    cr_assert_eq(pipe(in), 0);
    cr_assert_eq(pipe(out), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl(AWSVAL_CLI, AWSVAL_CLI, "batch", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    for (int i = 0; i < 3; i++) {
        char line[256], want[64];
        int n = snprintf(line, sizeof line, LINE("%d", "vpc-lattice", DELETE, DELETE_OK), i);
        cr_assert_eq(write(in[1], line, (size_t)n), n);
        snprintf(want, sizeof want, "{\"id\":%d,", i);
        /* Read up to the answer's newline, waiting at most 10 s for each piece. */
        char got[4096];
        size_t len = 0;
        while (len == 0 || got[len - 1] != '\n') {
            struct pollfd pfd = {out[0], POLLIN, 0};
            cr_assert_eq(poll(&pfd, 1, 10000), 1, "no answer to line %d while its input stays open", i);
            ssize_t k = read(out[0], got + len, sizeof got - 1 - len);
            cr_assert_gt(k, 0);
            len += (size_t)k;
        }
        got[len] = '\0';
        cr_assert_eq(strncmp(got, want, strlen(want)), 0, "%s", got);
    }
    close(in[1]);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(out[0]);
}

/* More services than the model cache holds, from a models directory: every model that leaves
 * the cache is freed (the ASan build fails the run on a leak), and every line is answered. */
Test(batch, many_services_no_leak)
{
    enum { NSVC = 70 };
    char dir[64];
    models_dir(dir, NSVC, 0);
    size_t cap = (size_t)NSVC * 3 * 200, n = 0;
    char *in = malloc(cap);
    cr_assert_not_null(in);
    /* Each service, then the first ones again (reloaded after eviction), then invalid ones. */
    for (int i = 0; i < NSVC + 10; i++)
        n += (size_t)snprintf(in + n, cap - n, "{\"id\":%d,\"service\":\"svc%02d\",\"operation\":\"" DELETE "\",\"params\":%s}\n",
                              i, i % NSVC, i < NSVC + 5 ? DELETE_OK : DELETE_BAD);
    run_opts ro = {.input = in};
    result r = CLI(&ro, "batch", "--models", dir);
    ASSERT_STATUS(r, 1);
    cr_assert_eq(count_lines(r.out), NSVC + 10, "%s", r.out);
    for (int i = 0; i < NSVC + 10; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        char *got = nth_line(r.out, i);
        char *want = expected_batch(id, "vpc-lattice", DELETE, i < NSVC + 5 ? DELETE_OK : DELETE_BAD);
        cr_assert_str_eq(got, want, "line %d", i);
        free(got);
        free(want);
    }
    cr_assert_str_eq(r.err, "", "%s", r.err);
    result_free(&r);
    free(in);
    remove_models_dir(dir);
}

/* ------------------------------------------------------------------------------------------ */
/* regex, describe, services, models check                                                     */
/* ------------------------------------------------------------------------------------------ */

Test(other, regex_lines)
{
    struct {
        const char *p, *s;
        uint32_t flags;
        const char *mode;
    } cases[] = {
        {"[a-z]+", "abc", 0, NULL},          {"[a-z]+", "abc1", 0, "full"}, {"[a-z]+", "abc1", AWSVAL_PATTERN_SEARCH, "find"},
        {"\\\\w+", "\\u00e9", 0, NULL},      {"\\\\d{12}", "123456789012", 0, NULL},
        {"^([0-9]+)+$", "11111111111111111111111111111111111111111111x", 0, NULL},
    };
    char in[4096];
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        n += (size_t)snprintf(in + n, sizeof in - n, "{\"p\":\"%s\",\"s\":\"%s\"", cases[i].p, cases[i].s);
        if (cases[i].mode) n += (size_t)snprintf(in + n, sizeof in - n, ",\"mode\":\"%s\"", cases[i].mode);
        n += (size_t)snprintf(in + n, sizeof in - n, "}\n");
    }
    n += (size_t)snprintf(in + n, sizeof in - n, "{\"p\":\"[a-z\",\"s\":\"x\"}\nnot json\n{\"p\":\"a\",\"s\":\"a\",\"mode\":\"x\"}\n");
    run_opts ro = {.input = in};
    result r = CLI(&ro, "regex");
    ASSERT_STATUS(r, 0);
    size_t ncase = sizeof cases / sizeof cases[0];
    cr_assert_eq(count_lines(r.out), (int)ncase + 3, "%s", r.out);
    awsval_ctx *ctx = awsval_ctx_create(NULL, NULL);
    for (size_t i = 0; i < ncase; i++) {
        /* The same pattern and subject, decoded, asked of the library. */
        char line[256];
        snprintf(line, sizeof line, "[\"%s\",\"%s\"]", cases[i].p, cases[i].s);
        json_t *ps = json_loads(line, 0, NULL);
        cr_assert_not_null(ps, "%s", line);
        const char *p = json_string_value(json_array_get(ps, 0)), *s = json_string_value(json_array_get(ps, 1));
        awsval_pattern *re = awsval_pattern_compile(p, strlen(p), cases[i].flags, NULL, NULL);
        cr_assert_not_null(re, "%s", p);
        awsval_code rc = awsval_pattern_match(ctx, re, s, strlen(s));
        const char *want = rc == AWSVAL_OK ? "{\"match\": true}" : rc == AWSVAL_INVALID ? "{\"match\": false}" : "{\"match\": \"limit\"}";
        char *got = nth_line(r.out, (int)i);
        cr_assert_str_eq(got, want, "%s on %s", p, s);
        free(got);
        awsval_pattern_free(re);
        json_decref(ps);
    }
    for (size_t i = ncase; i < ncase + 3; i++) {
        char *got = nth_line(r.out, (int)i);
        cr_assert_str_eq(got, "{\"match\": \"error\"}");
        free(got);
    }
    awsval_ctx_free(ctx);
    result_free(&r);
}

Test(other, describe_and_services)
{
    awsval_model *m = builtin("vpc-lattice");
    const char *ops[] = {NULL, "TagResource"};
    for (size_t i = 0; i < 2; i++) {
        size_t need = 0;
        awsval_model_describe(m, ops[i], NULL, 0, &need);
        char *want = malloc(need);
        cr_assert_eq(awsval_model_describe(m, ops[i], want, need, NULL), AWSVAL_OK);
        result r = ops[i] ? CLI(NULL, "describe", "vpc-lattice", ops[i]) : CLI(NULL, "describe", "vpc-lattice");
        ASSERT_STATUS(r, 0);
        cr_assert_str_eq(r.out, want);
        free(want);
        result_free(&r);
    }
    awsval_model_free(m);
    result r = CLI(NULL, "describe", "vpc-lattice", "Nope");
    ASSERT_STATUS(r, 2);
    cr_assert_str_eq(r.err, "awsval: vpc-lattice has no operation 'Nope'\n");
    result_free(&r);
    r = CLI(NULL, "services");
    ASSERT_STATUS(r, 0);
    char want[256] = "";
    for (size_t i = 0; i < awsval_builtin_count(); i++) {
        strcat(want, awsval_builtin_name(i));
        strcat(want, "\n");
    }
    cr_assert_str_eq(r.out, want);
    result_free(&r);
}

Test(other, models_check_exit_statuses)
{
    char dir[64];
    models_dir(dir, 2, 0);
    result r = CLI(NULL, "models", "check", dir);
    ASSERT_STATUS(r, 0);
    cr_assert_not_null(strstr(r.out, "model files loaded: 2\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "failures: 0\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "load time: "), "%s", r.out);
    result_free(&r);
    remove_models_dir(dir);
    models_dir(dir, 2, 1);
    r = CLI(NULL, "models", "check", dir);
    ASSERT_STATUS(r, 2);
    cr_assert_not_null(strstr(r.out, "FAIL broken02@2022-11-30: "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "failures: 1\n"), "%s", r.out);
    result_free(&r);
    remove_models_dir(dir);
    r = CLI(NULL, "models", "check", "/nonexistent");
    ASSERT_STATUS(r, 2);
    char want[128];
    snprintf(want, sizeof want, "awsval: cannot read directory '/nonexistent': %s\n", strerror(ENOENT));
    cr_assert_str_eq(r.err, want);
    result_free(&r);
}
