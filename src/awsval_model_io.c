/* Model files and botocore data directories: SERVICE/VERSION/service-2.json[.gz]. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "awsval_internal.h"

static awsval_model *fail_err(awsval_model_err *err, awsval_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static awsval_model *fail_err(awsval_model_err *err, awsval_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    awsval__err_vset(err, code, fmt, ap);
    va_end(ap);
    return NULL;
}

/* Reads a whole file, inflating it if it is gzip-compressed (as recent botocore ships its
 * models). Returns false with err filled. */
static bool read_file(const char *path, const awsval_alc *alc, awsval__buf *out,
                      awsval_model_err *err)
{
    gzFile f = gzopen(path, "rb"); /* reads plain files as they are */
    if (!f) {
        fail_err(err, AWSVAL_IO, "%s: %s", path, strerror(errno ? errno : ENOENT));
        return false;
    }
    char chunk[65536];
    int n;
    bool ok = true;
    while (ok && (n = gzread(f, chunk, sizeof chunk)) > 0)
        ok = awsval__buf_put(out, alc, chunk, (size_t)n);
    int zerr = Z_OK;
    const char *zmsg = gzerror(f, &zerr);
    bool io = zerr != Z_OK && zerr != Z_BUF_ERROR;
    gzclose(f);
    if (!ok || io) {
        awsval__buf_free(out, alc);
        fail_err(err, ok ? AWSVAL_IO : AWSVAL_NOMEM, "%s: %s", path, ok ? zmsg : "out of memory");
        return false;
    }
    return true;
}

static awsval_model *load_path(const char *path, const awsval_model_opts *opts,
                               awsval_model_err *err, const char *service)
{
    /* The allocator is read as awsval__load reads it: only within the caller's `size`. */
    bool has_alc = opts && (!opts->size || opts->size >= offsetof(awsval_model_opts, alc) + sizeof opts->alc);
    awsval_alc alc;
    awsval__alc_init(&alc, has_alc ? opts->alc : NULL);
    awsval__buf buf = {0};
    if (!read_file(path, &alc, &buf, err)) return NULL;
    awsval_model *m = awsval__load(buf.data ? buf.data : "", buf.len, opts, err, service);
    awsval__buf_free(&buf, &alc);
    return m;
}

awsval_model *awsval_model_load_file(const char *path, const awsval_model_opts *opts,
                                     awsval_model_err *err)
{
    if (!path) return fail_err(err, AWSVAL_BADARG, "no path");
    return load_path(path, opts, err, NULL);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The newest API version of a service: version folders are dates, so the greatest name. */
static bool newest_version(const char *service_dir, char *out, size_t cap)
{
    DIR *d = opendir(service_dir);
    if (!d) return false;
    out[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strlen(e->d_name) >= cap) continue;
        if (strcmp(e->d_name, out) > 0) snprintf(out, cap, "%s", e->d_name);
    }
    closedir(d);
    return out[0] != '\0';
}

awsval_model *awsval_model_load_dir(const char *dir, const char *service,
                                    const awsval_model_opts *opts, awsval_model_err *err)
{
    if (!dir || !service) return fail_err(err, AWSVAL_BADARG, "no directory or service");
    char name[256], version[256], path[4096];
    const char *at = strchr(service, '@');
    size_t nl = at ? (size_t)(at - service) : strlen(service);
    /* Names are directory names, never paths: no '/', and no leading '.' ("..", hidden). */
    if (nl == 0 || nl >= sizeof name || strchr(service, '/') || service[0] == '.' ||
        (at && (strlen(at + 1) >= sizeof version || at[1] == '.' || at[1] == '\0')))
        return fail_err(err, AWSVAL_BADARG, "bad service name '%s'", service);
    memcpy(name, service, nl);
    name[nl] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!is_dir(path)) return fail_err(err, AWSVAL_NOTFOUND, "no service '%s' in %s", name, dir);
    if (at) snprintf(version, sizeof version, "%s", at + 1);
    else if (!newest_version(path, version, sizeof version))
        return fail_err(err, AWSVAL_NOTFOUND, "no API version of '%s' in %s", name, dir);
    static const char *const files[] = {"service-2.json", "service-2.json.gz"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s/%s/%s", dir, name, version, files[i]);
        struct stat st;
        if (stat(path, &st) == 0) return load_path(path, opts, err, name);
    }
    return fail_err(err, AWSVAL_NOTFOUND, "no service-2.json for '%s' in %s", service, dir);
}
