/* awsval: the command-line tool. See `awsval --help`. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <dirent.h>
#include <jansson.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

#include "http_message.h"

int awsval__cli_regex(FILE *in, FILE *out);

enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

static const char usage[] =
    "usage: awsval [OPTIONS] COMMAND ...\n"
    "\n"
    "commands:\n"
    "  check SERVICE OPERATION [FILE|-]   check an operation input (JSON, boto3 member names)\n"
    "                                     exit 0 valid, 1 invalid, 2 usage/model/IO error\n"
    "  batch [FILE|-]                     JSON Lines {\"id\",\"service\",\"operation\",\"params\"}\n"
    "                                     -> one result line per input line\n"
    "  describe SERVICE [OPERATION]       list operations, or an operation's input constraints\n"
    "  http SERVICE [FILE|-]              check a raw HTTP/1.1 request (restJson1, awsJson);\n"
    "                                     print the service's HTTP response and exit 1 if it\n"
    "                                     is invalid, print nothing and exit 0 if it is valid\n"
    "  regex                              JSON Lines {\"p\",\"s\",\"mode\"} -> {\"match\": ...}\n"
    "  services                           list the built-in services\n"
    "  models check DIR                   load every model of a botocore data directory and\n"
    "                                     report counts, failures, time and peak memory\n"
    "\n"
    "options:\n"
    "  --model FILE           use this botocore service-2.json instead of a built-in model\n"
    "                         (SERVICE is then only a label)\n"
    "  --models DIR           take SERVICE from a botocore data directory\n"
    "                         (DIR/SERVICE/VERSION/service-2.json[.gz]); SERVICE@VERSION picks\n"
    "                         a version, the newest by default\n"
    "  --format F             native (default: the service's own error document), aws (the\n"
    "                         message text), smithy (Smithy's ValidationException), json\n"
    "  --pattern-mode M       full (default: the whole value must match, as AWS services do)\n"
    "                         or search (a match anywhere, Smithy's rule)\n"
    "  --ignore-unknown       do not report members the model does not define\n"
    "  --no-overlay           leave out constraints stated only by the documentation\n"
    "  --max-depth N, --max-size BYTES, --max-violations N   limits (64, 1048576, 100)\n"
    "  --version, --help\n";

typedef struct opts {
    const char *model_file;
    const char *models_dir;
    uint32_t style;
    uint32_t model_flags;
    awsval_ctx_opts ctx;
} opts;

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "awsval: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

/* Reads a whole file ("-" = stdin). Returns NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    bool err = ferror(f);
    if (f != stdin) fclose(f);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static awsval_model *open_model(const opts *o, const char *service)
{
    /* A model from a file is the named service's: its overlay and answer profile apply. */
    awsval_model_opts mo = {.size = sizeof mo, .flags = o->model_flags, .service = o->model_file ? service : NULL};
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = o->model_file   ? awsval_model_load_file(o->model_file, &mo, &err)
                      : o->models_dir ? awsval_model_load_dir(o->models_dir, service, &mo, &err)
                                      : awsval_model_load_builtin(service, &mo, &err);
    if (m) return m;
    fprintf(stderr, "awsval: %s\n", err.message);
    if (!o->model_file && !o->models_dir && err.code == AWSVAL_NOTFOUND) {
        /* Offer an installed botocore's models, which cover every service. */
        FILE *p = popen("python3 -c 'import botocore, os; print(os.path.join(os.path.dirname("
                        "botocore.__file__), \"data\"))' 2>/dev/null", "r");
        char line[1024];
        if (p && fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            fprintf(stderr, "awsval: botocore's models are installed: try --models %s\n", line);
        }
        if (p) pclose(p);
    }
    return NULL;
}

/* Renders the last result in a style into a growing buffer; prints nothing for a valid one. */
static char *render(const awsval_ctx *c, const awsval_model *m, uint32_t style)
{
    (void)m;
    size_t need = 0, cap = 4096;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    awsval_code rc;
    while ((rc = awsval_render(c, style, buf, cap, &need)) == AWSVAL_TOOSMALL) {
        free(buf);
        cap = need;
        buf = malloc(cap);
        if (!buf) return NULL;
    }
    if (rc != AWSVAL_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int cmd_check(const opts *o, int argc, char **argv)
{
    if (argc < 2 || argc > 3) return die("%s", "check: SERVICE OPERATION [FILE|-] expected");
    const char *path = argc == 3 ? argv[2] : "-";
    size_t len;
    char *input = slurp(path, &len);
    if (!input) return die("cannot read %s", path);
    awsval_model *m = open_model(o, argv[0]);
    awsval_ctx *c = awsval_ctx_create(&o->ctx, NULL);
    int status = EXIT_USAGE;
    if (m && c) {
        awsval_code rc = awsval_check(c, m, argv[1], input, len);
        if (rc == AWSVAL_OK || rc == AWSVAL_INVALID) {
            char *out = render(c, m, o->style);
            if (out && *out) printf("%s\n", out);
            free(out);
            status = rc == AWSVAL_OK ? EXIT_VALID : EXIT_INVALID;
        } else if (rc == AWSVAL_NOTFOUND) {
            fprintf(stderr, "awsval: %s has no operation '%s' (see: awsval describe %s)\n",
                    awsval_model_service(m), argv[1], argv[0]);
        } else {
            fprintf(stderr, "awsval: %s\n", awsval_strerror(rc));
        }
    } else if (!c) {
        fprintf(stderr, "awsval: cannot create a checker (options out of range?)\n");
    }
    awsval_ctx_free(c);
    awsval_model_free(m);
    free(input);
    return status;
}

/* Models opened by `batch`, by service name. */
typedef struct cache {
    char *service[64];
    awsval_model *model[64];
    int n;
} cache;

static awsval_model *cached(cache *k, const opts *o, const char *service)
{
    for (int i = 0; i < k->n; i++)
        if (strcmp(k->service[i], service) == 0) return k->model[i];
    awsval_model *m = open_model(o, service);
    if (!m || k->n == 64) return m;
    k->service[k->n] = strdup(service);
    k->model[k->n++] = m;
    return m;
}

static void batch_failure(json_t *id, const char *message)
{
    json_t *line = json_pack("{s:O?,s:b,s:[{s:s,s:s,s:s,s:s}]}", "id", id, "valid", 0, "failures",
                             "path", "", "constraint", "parse", "source", "model", "message", message);
    char *s = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    puts(s ? s : "{\"id\":null,\"valid\":false,\"failures\":[]}");
    free(s);
    json_decref(line);
}

static int cmd_batch(const opts *o, int argc, char **argv)
{
    if (argc > 1) return die("%s", "batch: at most one FILE expected");
    FILE *in = argc == 1 && strcmp(argv[0], "-") != 0 ? fopen(argv[0], "rb") : stdin;
    if (!in) return die("cannot read %s", argv[0]);
    awsval_ctx *c = awsval_ctx_create(&o->ctx, NULL);
    if (!c) return die("%s", "cannot create a checker (options out of range?)");
    cache k = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = EXIT_VALID;
    while ((n = getline(&line, &cap, in)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        if (n == 0) continue;
        json_error_t je;
        json_t *doc = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
        json_t *id = json_object_get(doc, "id");
        const char *svc = json_string_value(json_object_get(doc, "service"));
        const char *op = json_string_value(json_object_get(doc, "operation"));
        json_t *params = json_object_get(doc, "params");
        char msg[300];
        if (!doc) {
            snprintf(msg, sizeof msg, "line is not JSON: %s at column %d", je.text, je.column);
            batch_failure(NULL, msg);
            status = EXIT_INVALID;
            continue;
        }
        awsval_model *m = svc ? cached(&k, o, svc) : NULL;
        char *text = params ? json_dumps(params, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
        awsval_code rc = AWSVAL_BADARG;
        if (!svc || !op || !params) {
            snprintf(msg, sizeof msg, "a line needs \"service\", \"operation\" and \"params\"");
        } else if (!m) {
            snprintf(msg, sizeof msg, "no model for service '%.200s'", svc);
        } else if (!text) {
            snprintf(msg, sizeof msg, "out of memory");
        } else if ((rc = awsval_check(c, m, op, text, strlen(text))) == AWSVAL_NOTFOUND) {
            snprintf(msg, sizeof msg, "%.100s has no operation '%.100s'", svc, op);
        } else if (rc != AWSVAL_OK && rc != AWSVAL_INVALID) {
            snprintf(msg, sizeof msg, "%s", awsval_strerror(rc));
        }
        if (rc == AWSVAL_OK || rc == AWSVAL_INVALID) {
            char *res = render(c, m, AWSVAL_REPORT_JSON);
            char *ids = json_dumps(id ? id : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
            /* {"id": ..., then the machine report's own members. */
            printf("{\"id\":%s,%s\n", ids ? ids : "null", res ? res + 1 : "\"valid\":false}");
            free(ids);
            free(res);
            if (rc == AWSVAL_INVALID) status = EXIT_INVALID;
        } else {
            batch_failure(id, msg);
            status = EXIT_INVALID;
        }
        free(text);
        json_decref(doc);
        fflush(stdout);
    }
    free(line);
    if (in != stdin) fclose(in);
    for (int i = 0; i < k.n; i++) {
        free(k.service[i]);
        awsval_model_free(k.model[i]);
    }
    awsval_ctx_free(c);
    return status;
}

static int cmd_describe(const opts *o, int argc, char **argv)
{
    if (argc < 1 || argc > 2) return die("%s", "describe: SERVICE [OPERATION] expected");
    awsval_model *m = open_model(o, argv[0]);
    if (!m) return EXIT_USAGE;
    size_t need = 0;
    awsval_code rc = awsval_model_describe(m, argc == 2 ? argv[1] : NULL, NULL, 0, &need);
    char *buf = rc == AWSVAL_TOOSMALL ? malloc(need) : NULL;
    if (buf) rc = awsval_model_describe(m, argc == 2 ? argv[1] : NULL, buf, need, NULL);
    if (rc == AWSVAL_OK) fputs(buf, stdout);
    else if (rc == AWSVAL_NOTFOUND) fprintf(stderr, "awsval: no operation '%s'\n", argv[1]);
    free(buf);
    awsval_model_free(m);
    return rc == AWSVAL_OK ? EXIT_VALID : EXIT_USAGE;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the subfolders of dir (NULL on error); *n set. Free with free_names. */
static char **subdirs(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    size_t cap = 64;
    char **names = malloc(cap * sizeof *names);
    *n = 0;
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        if (*n == cap) {
            char **more = realloc(names, (cap *= 2) * sizeof *names);
            if (!more) break;
            names = more;
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (names) qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* awsval models check DIR: every version of every service, loaded and compiled. */
static int cmd_models_check(const opts *o, const char *dir)
{
    size_t nsvc = 0;
    char **svcs = subdirs(dir, &nsvc);
    if (!svcs) return die("cannot read directory %s", dir);
    size_t files = 0, failures = 0, ops = 0, shapes = 0, patterns = 0;
    double t0 = seconds_now();
    for (size_t i = 0; i < nsvc; i++) {
        char sdir[4096];
        snprintf(sdir, sizeof sdir, "%s/%s", dir, svcs[i]);
        size_t nver = 0;
        char **vers = subdirs(sdir, &nver);
        for (size_t k = 0; vers && k < nver; k++) {
            char id[600];
            snprintf(id, sizeof id, "%s@%s", svcs[i], vers[k]);
            awsval_model_opts mo = {.size = sizeof mo, .flags = o->model_flags};
            awsval_model_err err = {.size = sizeof err};
            awsval_model *m = awsval_model_load_dir(dir, id, &mo, &err);
            if (!m && err.code == AWSVAL_NOTFOUND) continue; /* a folder without a model */
            files++;
            if (!m) {
                failures++;
                printf("FAIL %s: %s\n", id, err.message);
                continue;
            }
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
           nsvc, files - failures, ops, shapes, patterns, failures, secs, (double)ru.ru_maxrss / 1024.0);
    free_names(svcs, nsvc);
    return failures ? EXIT_INVALID : EXIT_VALID;
}

static bool number_opt(const char *arg, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || *end || end == arg || v == 0 || v > max) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    opts o = {.style = AWSVAL_REPORT_NATIVE, .ctx = {.size = sizeof(awsval_ctx_opts)}};
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long num;
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("awsval %s\n", awsval_version_string());
            return 0;
        } else if (strcmp(a, "--ignore-unknown") == 0) {
            o.ctx.flags |= AWSVAL_CHECK_IGNORE_UNKNOWN;
        } else if (strcmp(a, "--no-overlay") == 0) {
            o.model_flags |= AWSVAL_MODEL_NO_OVERLAY;
        } else if (!v) {
            return die("%s needs a value (see --help)", a);
        } else if (strcmp(a, "--model") == 0) {
            o.model_file = v, i++;
        } else if (strcmp(a, "--models") == 0) {
            o.models_dir = v, i++;
        } else if (strcmp(a, "--format") == 0) {
            i++;
            if (strcmp(v, "native") == 0) o.style = AWSVAL_REPORT_NATIVE;
            else if (strcmp(v, "aws") == 0) o.style = AWSVAL_REPORT_AWS;
            else if (strcmp(v, "smithy") == 0) o.style = AWSVAL_REPORT_SMITHY;
            else if (strcmp(v, "json") == 0) o.style = AWSVAL_REPORT_JSON;
            else return die("unknown format '%s' (native, aws, smithy, json)", v);
        } else if (strcmp(a, "--pattern-mode") == 0) {
            i++;
            if (strcmp(v, "search") == 0) o.model_flags |= AWSVAL_MODEL_PATTERN_SEARCH;
            else if (strcmp(v, "full") != 0) return die("unknown pattern mode '%s' (full, search)", v);
        } else if (strcmp(a, "--max-depth") == 0 && number_opt(v, 4096, &num)) {
            o.ctx.max_depth = (uint32_t)num, i++;
        } else if (strcmp(a, "--max-size") == 0 && number_opt(v, UINT32_MAX, &num)) {
            o.ctx.max_size = (size_t)num, i++;
        } else if (strcmp(a, "--max-violations") == 0 && number_opt(v, 1000000, &num)) {
            o.ctx.max_violations = (uint32_t)num, i++;
        } else {
            return die("bad option or value: %s (see --help)", a);
        }
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[i++];
    if (strcmp(cmd, "check") == 0) return cmd_check(&o, argc - i, argv + i);
    if (strcmp(cmd, "batch") == 0) return cmd_batch(&o, argc - i, argv + i);
    if (strcmp(cmd, "describe") == 0) return cmd_describe(&o, argc - i, argv + i);
    if (strcmp(cmd, "regex") == 0) return awsval__cli_regex(stdin, stdout);
    if (strcmp(cmd, "http") == 0) {
        if (argc - i < 1 || argc - i > 2) return die("%s", "http: SERVICE [FILE|-] expected");
        FILE *in = argc - i == 2 && strcmp(argv[i + 1], "-") != 0 ? fopen(argv[i + 1], "rb") : stdin;
        if (!in) return die("cannot read %s", argv[i + 1]);
        awsval_model *m = open_model(&o, argv[i]);
        int rc = m ? awsval__cli_http(m, in, stdout) : EXIT_USAGE;
        awsval_model_free(m);
        if (in != stdin) fclose(in);
        return rc;
    }
    if (strcmp(cmd, "models") == 0 && argc - i == 2 && strcmp(argv[i], "check") == 0)
        return cmd_models_check(&o, argv[i + 1]);
    if (strcmp(cmd, "services") == 0) {
        for (size_t k = 0; k < awsval_builtin_count(); k++) puts(awsval_builtin_name(k));
        return 0;
    }
    return die("unknown command '%s' (see --help)", cmd);
}
