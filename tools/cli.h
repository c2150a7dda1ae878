/* The awsval command-line tool: what its files share. It uses only the public API (awsval.h). */
#ifndef AWSVAL_TOOLS_CLI_H
#define AWSVAL_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "awsval.h"

/* Exit statuses (as grep and ripgrep use them). */
enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_ERROR = 2 };

/* gen's options as given (checked by cmd_gen); NULL when not given. */
typedef struct cli_gen_opts {
    const char *count, *seed, *fault, *path;
    const char *format;      /* --format params or http */
} cli_gen_opts;

/* What the options say. */
typedef struct cli_opts {
    const char *model_file;  /* --model FILE */
    const char *models_dir;  /* --models DIR: every service from DIR */
    const char *models_env;  /* $AWSVAL_MODELS: services that are not built in */
    const char *service;     /* --service NAME (with --model) */
    uint32_t style;          /* --format, as AWSVAL_REPORT_* */
    bool style_set;          /* --format was given (batch's default differs) */
    uint32_t model_flags;    /* AWSVAL_MODEL_* */
    awsval_ctx_opts ctx;     /* flags and limits of the checks */
    cli_gen_opts gen;        /* gen's own options */
} cli_opts;

/* Writes "awsval: MESSAGE\n" to stderr. Returns EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Builds the model of `service` as the options say (--model, --models, built in, then
 * $AWSVAL_MODELS). NULL with a one-line reason in `why` (`cap` bytes). */
awsval_model *cli_open_model(const cli_opts *o, const char *service, char *why, size_t cap);

/* Does the model have this operation? (The list is in alphabetical order.) */
bool cli_has_operation(const awsval_model *m, const char *operation);

/* The last result rendered in a style (AWSVAL_REPORT_*) into a new NUL-terminated buffer;
 * *len (may be NULL) is its length. NULL on failure, with *rc set. Free with free(). */
char *cli_render(const awsval_ctx *ctx, uint32_t style, size_t *len, awsval_code *rc);

/* Opens FILE for reading ("-" is standard input). Returns a descriptor, or -1 with errno. */
int cli_open_input(const char *path);
/* Closes what cli_open_input opened (not standard input). */
void cli_close_input(int fd);

/* Reads from `fd` until end of file or `max` bytes, into a new buffer (*len bytes, NUL after
 * them). NULL with errno set on a read error or when out of memory. */
char *cli_read_upto(int fd, size_t max, size_t *len);

/* Lines of a descriptor, for the JSON Lines commands. Bounded: a line longer than `max_line`
 * bytes is skipped (and reported as such), never held. Before it blocks on a read, the reader
 * flushes standard output, so that a program that writes a line and waits for its answer gets
 * it, while a file is answered in large writes. */
typedef struct cli_lines {
    int fd;
    char *buf;
    size_t cap, start, end, scan, max_line;
    bool eof, skipping;
    size_t lineno; /* 1-based number of the last line returned */
} cli_lines;

enum { CLI_LINE_EOF = 0, CLI_LINE_OK = 1, CLI_LINE_TOO_LONG = 2, CLI_LINE_ERROR = -1 };

void cli_lines_init(cli_lines *r, int fd, size_t max_line);
/* The next line, without its LF and one CR before it. CLI_LINE_OK with *line and *len (valid
 * until the next call), CLI_LINE_TOO_LONG (the line was skipped), CLI_LINE_EOF, or
 * CLI_LINE_ERROR with errno set. */
int cli_lines_next(cli_lines *r, const char **line, size_t *len);
void cli_lines_free(cli_lines *r);

/* Writes `s` (`n` bytes of UTF-8) as a JSON string, quotes included. */
void cli_json_string(FILE *out, const char *s, size_t n);

/* A JSON string token (quotes included, as awsval_json_member gives it) decoded into a new
 * NUL-terminated buffer; *len is the decoded length (the text may hold NULs). NULL if the token
 * is not a string or memory runs out. Free with free(). */
char *cli_json_text(const char *token, size_t n, size_t *len);

/* The commands in files of their own. argv holds the command's operands. */
int cmd_batch(const cli_opts *o, int argc, char **argv);
int cmd_http(const cli_opts *o, int argc, char **argv);
int cmd_regex(const cli_opts *o, int argc, char **argv);
int cmd_gen(const cli_opts *o, int argc, char **argv);
extern const char cmd_gen_help[], cmd_gen_exits[];

#endif
