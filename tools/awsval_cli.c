/* awsval: the command-line tool. Options, help, and the commands `check`, `describe`,
 * `services` and `models check`; `batch`, `http` and `regex` have files of their own. See
 * `awsval --help`. */
#define _GNU_SOURCE /* getopt_long */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------------------------------ */
/* Commands and options                                                                        */
/* ------------------------------------------------------------------------------------------ */

enum {
    C_CHECK = 1u << 0,
    C_BATCH = 1u << 1,
    C_HTTP = 1u << 2,
    C_DESCRIBE = 1u << 3,
    C_REGEX = 1u << 4,
    C_SERVICES = 1u << 5,
    C_MODELS = 1u << 6,
    C_HELP = 1u << 7,
    C_GEN = 1u << 8,
};

typedef struct command {
    const char *name;
    uint32_t bit;
    const char *operands;  /* as the usage line writes them */
    const char *need[3];   /* names of the required operands */
    int max;               /* most operands */
    const char *summary;
    const char *help;      /* what it does, for `awsval help COMMAND` */
    const char *exits;     /* its exit statuses */
    int (*run)(const cli_opts *o, int argc, char **argv);
} command;

static int cmd_check(const cli_opts *o, int argc, char **argv);
static int cmd_describe(const cli_opts *o, int argc, char **argv);
static int cmd_services(const cli_opts *o, int argc, char **argv);
static int cmd_models(const cli_opts *o, int argc, char **argv);

static const command commands[] = {
    {"check", C_CHECK, "SERVICE OPERATION [FILE|-]", {"SERVICE", "OPERATION"}, 3,
     "check one operation input (JSON, boto3 member names)",
     "Checks one operation's input, read as JSON from FILE or standard input (- or no FILE),\n"
     "every member by its model name (members bound to the URI, query string or headers\n"
     "included), as boto3 takes them. An invalid input prints its report in the --format\n"
     "(default native: the service's own error document); a valid one prints nothing (with\n"
     "--format json: the machine report). The model and the operation are looked up before\n"
     "the input is read.\n",
     "  0  the input is valid\n"
     "  1  the input is invalid (its report is printed)\n"
     "  2  an error: usage, no such service or operation, a model that does not load, I/O\n",
     cmd_check},
    {"batch", C_BATCH, "[FILE|-]", {NULL}, 1,
     "check JSON Lines {\"id\",\"service\",\"operation\",\"params\"}",
     "Reads JSON Lines from FILE or standard input, each {\"id\": ANY, \"service\": NAME,\n"
     "\"operation\": NAME, \"params\": INPUT}, and writes one line per input line, in order:\n"
     "  --format json (default): {\"id\": ..., \"valid\": B, \"total\": N, ..., \"failures\": [...]},\n"
     "      the id as given, then the members of the machine report (as check --format json)\n"
     "  --format native: {\"id\", \"valid\", \"total\"} and, if invalid, \"status\", \"errorType\",\n"
     "      \"contentType\" and \"body\" (the service's error document, as a string)\n"
     "  --format aws: {\"id\", \"valid\", \"total\"} and, if invalid, \"message\"\n"
     "  --format smithy: {\"id\", \"valid\", \"total\"} and, if invalid, \"error\" (the document)\n"
     "The params bytes are checked as given: \"offset\" in a failure is a byte offset within\n"
     "the params value. A line that is not a strict JSON object, lacks a member, or names an\n"
     "unknown service or operation gets {\"id\", \"valid\": false, \"total\": 1, \"failures\":\n"
     "[{\"constraint\": \"parse\", \"message\": WHY, ...}]} (any format), and the run goes on.\n"
     "Blank lines are skipped; a line longer than --max-size plus 64 KiB is not read, nor one\n"
     "nested deeper than 64 (the library's JSON reader; params then nest at most 63 deep).\n"
     "Models are kept in a cache of the 64 most recently used services.\n",
     "  0  every line is valid\n"
     "  1  a line is invalid, and every line was checked\n"
     "  2  a line could not be checked (see above), or an error: usage, I/O\n",
     cmd_batch},
    {"http", C_HTTP, "SERVICE [FILE|-]", {"SERVICE"}, 2,
     "check one raw HTTP/1.1 request; print the service's response",
     "Reads one raw HTTP/1.1 request message from FILE or standard input and checks it as the\n"
     "service would (restJson1: routed by method and URI; awsJson: by X-Amz-Target). An\n"
     "invalid request prints the service's whole HTTP response (status line, headers, body);\n"
     "a valid one prints nothing. The message is read strictly, as a gateway in front of AWS\n"
     "must read it: lines end in CRLF; header names are RFC 9110 tokens without '_' (nginx\n"
     "drops such fields by default); a body needs Content-Length, and nothing may follow it;\n"
     "chunked bodies (any Transfer-Encoding) are refused. --max-size counts the whole\n"
     "request; what is read of it is at most --max-size plus 1 MiB.\n",
     "  0  the request is valid\n"
     "  1  the request is invalid (the service's response is printed)\n"
     "  2  an error: usage, a model that does not load, a message that is not one strict\n"
     "     HTTP/1.1 request, I/O\n",
     cmd_http},
    {"describe", C_DESCRIBE, "SERVICE [OPERATION]", {"SERVICE"}, 2,
     "list the operations, or an operation's input constraints",
     "Lists a service's operations, or the members of an operation's input with their\n"
     "constraints (documented ones included, unless --no-overlay).\n",
     "  0  success\n"
     "  2  an error: usage, no such service or operation, a model that does not load\n",
     cmd_describe},
    {"regex", C_REGEX, "", {NULL}, 0,
     "match JSON Lines {\"p\",\"s\",\"mode\"} as awsval matches patterns",
     "Reads JSON Lines from standard input, each {\"p\": PATTERN, \"s\": SUBJECT, \"mode\":\n"
     "\"full\"|\"find\"} (PATTERN in Java's regex dialect, as the models write them; mode full,\n"
     "the default, matches the whole subject, find a part of it), and writes one line per\n"
     "input line: {\"match\": true|false|\"error\"|\"limit\"} (\"error\": the line or the pattern\n"
     "is not valid; \"limit\": not decided within the match limits).\n",
     "  0  every line was answered\n"
     "  2  an error: usage, I/O\n",
     cmd_regex},
    {"services", C_SERVICES, "", {NULL}, 0, "list the built-in services",
     "Lists the services whose models are built in.\n", "  0  success\n  2  usage error\n",
     cmd_services},
    {"models", C_MODELS, "check DIR", {"the subcommand 'check'", "DIR"}, 2,
     "load every model of a botocore data directory",
     "Loads every model file of a botocore data directory (DIR/SERVICE/VERSION/\n"
     "service-2.json[.gz]), compiling every pattern, and prints the counts, each failure,\n"
     "the time taken and the peak memory.\n",
     "  0  every model loaded\n"
     "  2  a model did not load, or an error: usage, I/O\n",
     cmd_models},
    {"gen", C_GEN, "SERVICE OPERATION", {"SERVICE", "OPERATION"}, 2,
     "generated inputs, valid or with a fault, and their answers", cmd_gen_help, cmd_gen_exits,
     cmd_gen},
    {"help", C_HELP, "[COMMAND]", {NULL}, 1, "show this text, or a command's",
     "Shows the usage of awsval, or of a command.\n", "  0  success\n  2  no such command\n", NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

enum {
    OPT_MODEL = 256,
    OPT_SERVICE,
    OPT_MODELS,
    OPT_NO_OVERLAY,
    OPT_PATTERN_MODE,
    OPT_FORMAT,
    OPT_IGNORE_UNKNOWN,
    OPT_MAX_SIZE,
    OPT_MAX_DEPTH,
    OPT_MAX_VIOLATIONS,
    OPT_COUNT,
    OPT_SEED,
    OPT_FAULT,
    OPT_PATH,
    OPT_END
};

#define C_MODEL_USERS (C_CHECK | C_BATCH | C_HTTP | C_DESCRIBE | C_GEN)
#define C_CHECKERS (C_CHECK | C_BATCH | C_HTTP | C_GEN)

typedef struct option_doc {
    int id;
    const char *metavar;
    uint32_t commands; /* where it applies */
    const char *text;
} option_doc;

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"model", required_argument, NULL, OPT_MODEL},
    {"service", required_argument, NULL, OPT_SERVICE},
    {"models", required_argument, NULL, OPT_MODELS},
    {"no-overlay", no_argument, NULL, OPT_NO_OVERLAY},
    {"pattern-mode", required_argument, NULL, OPT_PATTERN_MODE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"ignore-unknown", no_argument, NULL, OPT_IGNORE_UNKNOWN},
    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"max-violations", required_argument, NULL, OPT_MAX_VIOLATIONS},
    {"count", required_argument, NULL, OPT_COUNT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"path", required_argument, NULL, OPT_PATH},
    {NULL, 0, NULL, 0},
};

static const option_doc option_docs[] = {
    {OPT_MODEL, "FILE", C_MODEL_USERS, "a botocore service-2.json (or .json.gz) instead of a built-in model"},
    {OPT_SERVICE, "NAME", C_MODEL_USERS,
     "with --model, the service's name as botocore spells it, which picks\n"
     "its built-in overlay and answer profile (default: SERVICE, or each\n"
     "batch line's \"service\")"},
    {OPT_MODELS, "DIR", C_MODEL_USERS,
     "take every service from a botocore data directory\n"
     "(DIR/SERVICE/VERSION/service-2.json[.gz]); SERVICE@VERSION picks an\n"
     "API version (default: the newest)"},
    {OPT_NO_OVERLAY, NULL, C_MODEL_USERS | C_MODELS, "leave out the constraints stated only by the documentation"},
    {OPT_PATTERN_MODE, "MODE", C_CHECKERS | C_MODELS,
     "full: a pattern must match the whole value, as AWS services do\n"
     "(default); search: a match anywhere in the value (Smithy's rule)"},
    {OPT_FORMAT, "FORMAT", C_CHECK | C_BATCH | C_GEN,
     "native: the service's own error document (check's default); aws: the\n"
     "service's message; smithy: Smithy's ValidationException document;\n"
     "json: the machine report (batch's default); gen: params (the input\n"
     "as JSON, the default) or http (the raw request)"},
    {OPT_IGNORE_UNKNOWN, NULL, C_CHECK | C_BATCH | C_GEN,
     "do not report members the model does not define (http never reports\n"
     "them: services ignore them)"},
    {OPT_MAX_SIZE, "BYTES", C_CHECKERS,
     "largest input; for http, the whole request (default 1048576, at\n"
     "most 2147483648)"},
    {OPT_MAX_DEPTH, "N", C_CHECKERS, "deepest JSON nesting (default 64, at most 4096)"},
    {OPT_MAX_VIOLATIONS, "N", C_CHECKERS, "violations kept in a report (default 100, at most 65536)"},
    {OPT_COUNT, "N", C_GEN, "inputs to generate (default 1)"},
    {OPT_SEED, "S", C_GEN, "the first input's seed (default 1; input I has S+I)"},
    {OPT_FAULT, "KIND", C_GEN, "one fault of this kind in each input, or any (default: none)"},
    {OPT_PATH, "PTR", C_GEN, "the fault at or below this JSON Pointer (\"*\": any index or key)"},
};
#define NOPTION_DOCS (sizeof option_docs / sizeof option_docs[0])

static const char *option_name(int id)
{
    for (const struct option *l = long_options; l->name; l++)
        if (l->val == id) return l->name;
    return "?";
}

/* "awsval check [OPTIONS] SERVICE OPERATION [FILE|-]" */
static const char *usage_of(const command *c)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "awsval %s [OPTIONS]%s%s", c->name, *c->operands ? " " : "", c->operands);
    return buf;
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Help                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/* The commands in a mask, as "check batch http". */
static void command_list(uint32_t mask, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (!(mask & commands[i].bit)) continue;
        int k = snprintf(buf + n, cap - n, "%s%s", n ? " " : "", commands[i].name);
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
}

/* One option: name, then its text indented; with `where`, the commands it applies to. */
static void print_option(FILE *out, const option_doc *d, bool where)
{
    char head[64];
    snprintf(head, sizeof head, "--%s%s%s", option_name(d->id), d->metavar ? " " : "", d->metavar ? d->metavar : "");
    fprintf(out, "  %-20s  ", head);
    for (const char *p = d->text; *p; p++) {
        putc(*p, out);
        if (*p == '\n') fputs("                        ", out);
    }
    if (where) {
        char list[128];
        command_list(d->commands, list, sizeof list);
        const char *last = strrchr(d->text, '\n');
        size_t col = strlen(last ? last + 1 : d->text);
        if (col + strlen(list) + 3 <= 72) fprintf(out, " [%s]", list);
        else fprintf(out, "\n                        [%s]", list);
    }
    putc('\n', out);
}

static const char general_options[] =
    "  -h, --help            show this help; with a command, that command's\n"
    "  -V, --version         show the version\n";

static void print_usage(FILE *out)
{
    fputs("usage: awsval [OPTIONS] COMMAND [ARGS]\n"
          "       awsval help [COMMAND]    (or: awsval COMMAND --help)\n",
          out);
}

static void print_help(FILE *out)
{
    print_usage(out);
    fputs("\nChecks AWS API requests against the constraints of botocore service models, and\n"
          "answers what the service itself would answer.\n\nCommands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].operands);
        fprintf(out, "  %-32s  %s\n", head, commands[i].summary);
    }
    fputs("\nOptions may come before or after the command and its arguments; -- ends them.\n"
          "--opt=VALUE and --opt VALUE are the same. [Brackets] name the commands an option\n"
          "applies to; given to another command, it is an error.\n\n",
          out);
    for (size_t i = 0; i < NOPTION_DOCS; i++) print_option(out, &option_docs[i], true);
    fputs(general_options, out);
    fputs("\nModels: --model FILE if given; else --models DIR if given; else the built-in model;\n"
          "else, for a service that is not built in, the botocore data directory named by the\n"
          "AWSVAL_MODELS environment variable (botocore's is .../site-packages/botocore/data).\n",
          out);
    fputs("\nExit status:\n"
          "  0  check, http: the request is valid; batch: every line is valid; otherwise success\n"
          "  1  check, http: the request is invalid; batch: a line is invalid\n"
          "  2  an error (usage, model, I/O); batch: a line could not be checked;\n"
          "     models check: a model did not load\n",
          out);
}

static void print_command_help(FILE *out, const command *c)
{
    fprintf(out, "usage: %s\n\n%s", usage_of(c), c->help);
    fputs("\nOptions:\n", out);
    for (size_t i = 0; i < NOPTION_DOCS; i++)
        if (option_docs[i].commands & c->bit) print_option(out, &option_docs[i], false);
    fputs(general_options, out);
    if (c->bit & C_MODEL_USERS)
        fputs("\nModels: --model FILE if given; else --models DIR if given; else the built-in model;\n"
              "else, for a service that is not built in, the botocore data directory named by the\n"
              "AWSVAL_MODELS environment variable.\n",
              out);
    fprintf(out, "\nExit status:\n%s", c->exits);
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static int cmd_check(const cli_opts *o, int argc, char **argv)
{
    (void)argc;
    const char *service = argv[0], *operation = argv[1], *path = argc > 2 ? argv[2] : "-";
    char why[1536];
    awsval_model *m = cli_open_model(o, service, why, sizeof why);
    if (!m) return cli_error("%s", why);
    int status = EXIT_ERROR, fd = -1;
    char *input = NULL, *out = NULL;
    awsval_code rc;
    awsval_ctx *ctx = NULL;
    if (!cli_has_operation(m, operation)) {
        cli_error("%s has no operation '%s' (see: awsval describe %s)", awsval_model_service(m), operation, service);
        goto done;
    }
    ctx = awsval_ctx_create(&o->ctx, &rc);
    if (!ctx) {
        cli_error("cannot create a checker: %s", awsval_strerror(rc));
        goto done;
    }
    fd = cli_open_input(path);
    if (fd < 0) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    /* One byte past the limit is enough for the library to refuse the input as too large. */
    size_t max_size = o->ctx.max_size ? o->ctx.max_size : (size_t)1 << 20, len;
    input = cli_read_upto(fd, max_size + 1, &len);
    if (!input) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    awsval_code verdict = awsval_check(ctx, m, operation, input, len);
    if (verdict != AWSVAL_OK && verdict != AWSVAL_INVALID) {
        cli_error("cannot check the input: %s", awsval_strerror(verdict));
        goto done;
    }
    size_t n;
    out = cli_render(ctx, o->style, &n, &rc);
    if (!out) {
        cli_error("cannot render the report: %s", awsval_strerror(rc));
        goto done;
    }
    if (n) {
        fwrite(out, 1, n, stdout);
        putc('\n', stdout);
    }
    status = verdict == AWSVAL_OK ? EXIT_VALID : EXIT_INVALID;
done:
    free(out);
    free(input);
    if (fd >= 0) cli_close_input(fd);
    awsval_ctx_free(ctx);
    awsval_model_free(m);
    return status;
}

static int cmd_describe(const cli_opts *o, int argc, char **argv)
{
    const char *operation = argc > 1 ? argv[1] : NULL;
    char why[1536];
    awsval_model *m = cli_open_model(o, argv[0], why, sizeof why);
    if (!m) return cli_error("%s", why);
    size_t need = 0;
    char *buf = NULL;
    awsval_code rc = awsval_model_describe(m, operation, NULL, 0, &need);
    if (rc == AWSVAL_TOOSMALL) {
        buf = malloc(need);
        rc = buf ? awsval_model_describe(m, operation, buf, need, NULL) : AWSVAL_NOMEM;
    }
    int status = EXIT_ERROR;
    if (rc == AWSVAL_OK) {
        fputs(buf ? buf : "", stdout);
        status = EXIT_VALID;
    } else if (rc == AWSVAL_NOTFOUND) {
        cli_error("%s has no operation '%s'", awsval_model_service(m), operation);
    } else {
        cli_error("cannot describe %s: %s", argv[0], awsval_strerror(rc));
    }
    free(buf);
    awsval_model_free(m);
    return status;
}

static int cmd_services(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < awsval_builtin_count(); i++) puts(awsval_builtin_name(i));
    return EXIT_VALID;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

/* Sorted names of the folders in dir; NULL with errno set on failure. Free with free_names. */
static char **subdirs(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    size_t cap = 64;
    char **names = malloc(cap * sizeof *names);
    *n = 0;
    struct dirent *e;
    while (names && (errno = 0, e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t plen = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(plen);
        struct stat st;
        if (!path) break;
        snprintf(path, plen, "%s/%s", dir, e->d_name);
        bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        free(path);
        if (!is_dir) continue;
        if (*n == cap) {
            char **more = realloc(names, (cap *= 2) * sizeof *names);
            if (!more) break;
            names = more;
        }
        if (!(names[*n] = strdup(e->d_name))) break;
        (*n)++;
    }
    int err = errno;
    closedir(d);
    if (err) {
        free_names(names, *n);
        errno = err;
        return NULL;
    }
    if (names) qsort(names, *n, sizeof *names, cmp_str);
    else errno = ENOMEM;
    return names;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* awsval models check DIR: every version of every service, loaded and compiled. */
static int cmd_models(const cli_opts *o, int argc, char **argv)
{
    (void)argc;
    if (strcmp(argv[0], "check") != 0)
        return cli_error("models: unknown subcommand '%s' ('models check DIR' expected)", argv[0]);
    const char *dir = argv[1];
    size_t nsvc = 0;
    char **svcs = subdirs(dir, &nsvc);
    if (!svcs) return cli_error("cannot read directory '%s': %s", dir, strerror(errno));
    size_t files = 0, failures = 0, ops = 0, shapes = 0, patterns = 0, unreadable = 0;
    double t0 = seconds_now();
    for (size_t i = 0; i < nsvc; i++) {
        size_t plen = strlen(dir) + strlen(svcs[i]) + 2, nver = 0;
        char *sdir = malloc(plen);
        if (!sdir) continue;
        snprintf(sdir, plen, "%s/%s", dir, svcs[i]);
        char **vers = subdirs(sdir, &nver);
        if (!vers) {
            printf("FAIL %s: cannot read directory: %s\n", svcs[i], strerror(errno));
            unreadable++;
        }
        free(sdir);
        for (size_t k = 0; vers && k < nver; k++) {
            size_t idlen = strlen(svcs[i]) + strlen(vers[k]) + 2;
            char *id = malloc(idlen);
            if (!id) break;
            snprintf(id, idlen, "%s@%s", svcs[i], vers[k]);
            awsval_model_opts mo = {.size = sizeof mo, .flags = o->model_flags};
            awsval_model_err err = {.size = sizeof err};
            awsval_model *m = awsval_model_load_dir(dir, id, &mo, &err);
            if (!m && err.code == AWSVAL_NOTFOUND) { /* a folder without a model */
                free(id);
                continue;
            }
            files++;
            if (!m) {
                failures++;
                printf("FAIL %s: %s\n", id, err.message);
                free(id);
                continue;
            }
            free(id);
            ops += awsval_model_operation_count(m);
            shapes += awsval_model_shape_count(m);
            patterns += awsval_model_pattern_count(m);
            awsval_model_free(m);
        }
        free_names(vers, nver);
    }
    double secs = seconds_now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("services: %zu\nmodel files loaded: %zu\noperations: %zu\nshapes: %zu\n"
           "patterns compiled: %zu\nfailures: %zu\nload time: %.3f s\npeak memory: %.1f MiB\n",
           nsvc, files - failures, ops, shapes, patterns, failures + unreadable, secs,
           (double)ru.ru_maxrss / 1024.0);
    free_names(svcs, nsvc);
    return failures + unreadable ? EXIT_ERROR : EXIT_VALID;
}

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* A decimal number from 1 to max, digits only. */
static bool number_arg(const char *arg, unsigned long long max, unsigned long long *out)
{
    if (*arg < '0' || *arg > '9') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || v == 0 || v > max) return false;
    *out = v;
    return true;
}

/* What getopt_long found wrong with the element it stopped at. */
static int option_error(int c, char **argv)
{
    if (c == ':') {
        if (optopt >= OPT_MODEL) return cli_error("option '--%s' needs a value (see: awsval --help)", option_name(optopt));
        return cli_error("option '-%c' needs a value (see: awsval --help)", optopt);
    }
    /* An unknown letter in a group of short options ("-xh"): optind may not have moved yet. */
    if (optopt > 0 && optopt < 256 && optopt != 'h' && optopt != 'V')
        return cli_error("unknown option '-%c' (see: awsval --help)", optopt);
    /* A long option: unknown, ambiguous, or given a value it does not take. */
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) != 0) return cli_error("unknown option '%s' (see: awsval --help)", arg);
    size_t n = strcspn(arg + 2, "=");
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), arg + 2);
    const struct option *hit = NULL;
    int hits = 0;
    for (const struct option *l = long_options; l->name; l++) {
        if (strncmp(l->name, arg + 2, n) != 0) continue;
        hit = l;
        if (strlen(l->name) == n) {
            hits = 1;
            break;
        }
        hits++;
    }
    if (hits == 1 && hit->has_arg == no_argument && arg[2 + n] == '=')
        return cli_error("option '--%s' takes no value", hit->name);
    if (hits > 1) return cli_error("option '--%s' is ambiguous (see: awsval --help)", name);
    return cli_error("unknown option '--%s' (see: awsval --help)", name);
}

static int run(int argc, char **argv, char **operands)
{
    cli_opts o = {.style = AWSVAL_REPORT_NATIVE, .ctx = {.size = sizeof(awsval_ctx_opts)}};
    const char *env = getenv("AWSVAL_MODELS");
    o.models_env = env && *env ? env : NULL;
    uint32_t given = 0; /* bit (id - OPT_MODEL) per option given */
    bool help = false, version = false;
    int nops = 0, c;

    /* "-": operands come back in order as option 1, whatever POSIXLY_CORRECT says; ":": a
     * missing value is told from an unknown option. Errors are worded here (opterr = 0). */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:hV", long_options, NULL)) != -1) {
        unsigned long long num;
        if (c >= OPT_MODEL && c < OPT_END) given |= 1u << (c - OPT_MODEL);
        switch (c) {
        case 1: operands[nops++] = optarg; break;
        case 'h': help = true; break;
        case 'V': version = true; break;
        case OPT_MODEL: o.model_file = optarg; break;
        case OPT_SERVICE: o.service = optarg; break;
        case OPT_MODELS: o.models_dir = optarg; break;
        case OPT_NO_OVERLAY: o.model_flags |= AWSVAL_MODEL_NO_OVERLAY; break;
        case OPT_IGNORE_UNKNOWN: o.ctx.flags |= AWSVAL_CHECK_IGNORE_UNKNOWN; break;
        case OPT_PATTERN_MODE:
            if (strcmp(optarg, "search") == 0) o.model_flags |= AWSVAL_MODEL_PATTERN_SEARCH;
            else if (strcmp(optarg, "full") == 0) o.model_flags &= ~AWSVAL_MODEL_PATTERN_SEARCH;
            else return cli_error("--pattern-mode: unknown mode '%s' (full, search)", optarg);
            break;
        case OPT_FORMAT:
            o.style_set = true;
            if (strcmp(optarg, "native") == 0) o.style = AWSVAL_REPORT_NATIVE;
            else if (strcmp(optarg, "aws") == 0) o.style = AWSVAL_REPORT_AWS;
            else if (strcmp(optarg, "smithy") == 0) o.style = AWSVAL_REPORT_SMITHY;
            else if (strcmp(optarg, "json") == 0) o.style = AWSVAL_REPORT_JSON;
            else if (strcmp(optarg, "params") == 0 || strcmp(optarg, "http") == 0) o.gen.format = optarg;
            else return cli_error("--format: unknown format '%s' (native, aws, smithy, json)", optarg);
            break;
        case OPT_MAX_SIZE:
            if (!number_arg(optarg, (unsigned long long)1 << 31, &num))
                return cli_error("--max-size: '%s' is not a number from 1 to 2147483648", optarg);
            o.ctx.max_size = (size_t)num;
            break;
        case OPT_MAX_DEPTH:
            if (!number_arg(optarg, 4096, &num)) return cli_error("--max-depth: '%s' is not a number from 1 to 4096", optarg);
            o.ctx.max_depth = (uint32_t)num;
            break;
        case OPT_MAX_VIOLATIONS:
            if (!number_arg(optarg, 65536, &num))
                return cli_error("--max-violations: '%s' is not a number from 1 to 65536", optarg);
            o.ctx.max_violations = (uint32_t)num;
            break;
        case OPT_COUNT: o.gen.count = optarg; break;
        case OPT_SEED: o.gen.seed = optarg; break;
        case OPT_FAULT: o.gen.fault = optarg; break;
        case OPT_PATH: o.gen.path = optarg; break;
        default: return option_error(c, argv);
        }
    }
    while (optind < argc) operands[nops++] = argv[optind++]; /* after "--" */

    const command *cmd = NULL;
    if (nops > 0 && !(cmd = find_command(operands[0])))
        return cli_error("unknown command '%s' (see: awsval --help)", operands[0]);
    if (cmd && (cmd->bit & C_HELP)) {
        /* help [COMMAND]; "help --help" is about help itself. */
        const command *about = help ? cmd : NULL;
        if (nops > 2) return cli_error("help: unexpected argument '%s' (usage: %s)", operands[2], usage_of(cmd));
        if (nops == 2 && !(about = find_command(operands[1])))
            return cli_error("help: unknown command '%s' (see: awsval --help)", operands[1]);
        if (about) print_command_help(stdout, about);
        else print_help(stdout);
        return EXIT_VALID;
    }
    if (help) {
        if (cmd) print_command_help(stdout, cmd);
        else print_help(stdout);
        return EXIT_VALID;
    }
    if (version) {
        printf("awsval %s\n", awsval_version_string());
        return EXIT_VALID;
    }
    if (!cmd) {
        print_usage(stderr);
        fputs("Try 'awsval --help' for more information.\n", stderr);
        return EXIT_ERROR;
    }
    for (size_t i = 0; i < NOPTION_DOCS; i++) {
        const option_doc *d = &option_docs[i];
        if ((given & (1u << (d->id - OPT_MODEL))) && !(d->commands & cmd->bit))
            return cli_error("option '--%s' does not apply to '%s' (see: awsval %s --help)", option_name(d->id),
                             cmd->name, cmd->name);
    }
    if (o.gen.format && !(cmd->bit & C_GEN))
        return cli_error("--format: '%s' is a format of gen (see: awsval %s --help)", o.gen.format, cmd->name);
    if (o.model_file && o.models_dir) return cli_error("--model and --models exclude each other");
    if (o.service && !o.model_file) return cli_error("--service applies with --model only");

    int argn = nops - 1;
    char **args = operands + 1;
    if (argn < 3 && cmd->need[argn])
        return cli_error("%s: missing %s (usage: %s)", cmd->name, cmd->need[argn], usage_of(cmd));
    if (argn > cmd->max)
        return cli_error("%s: unexpected argument '%s' (usage: %s)", cmd->name, args[cmd->max], usage_of(cmd));
    /* Options that name files are checked before any input is read. */
    if (o.models_dir) {
        struct stat st;
        if (stat(o.models_dir, &st) != 0) return cli_error("--models '%s': %s", o.models_dir, strerror(errno));
        if (!S_ISDIR(st.st_mode)) return cli_error("--models '%s': %s", o.models_dir, strerror(ENOTDIR));
    }
    if (o.model_file && access(o.model_file, R_OK) != 0)
        return cli_error("--model '%s': %s", o.model_file, strerror(errno));

    if (!isatty(STDOUT_FILENO)) setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    return cmd->run(&o, argn, args);
}

int main(int argc, char **argv)
{
    char **operands = calloc((size_t)argc + 1, sizeof *operands);
    if (!operands) return cli_error("out of memory");
    int status = run(argc, argv, operands);
    free(operands);
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_error("cannot write the output: %s", errno ? strerror(errno) : "write error");
    return status;
}
