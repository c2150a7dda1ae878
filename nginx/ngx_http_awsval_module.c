/*
 * ngx_http_awsval_module: rejects AWS API requests that break the constraints of the
 * service's model at the edge, with the answer the service itself would give (status,
 * Content-Type, x-amzn-ErrorType, body), and passes valid ones on unchanged.
 *
 * The check runs in the PRECONTENT phase, after access control (AWS authenticates before it
 * validates). The body is read there as the mirror module reads it, and stays in place for the
 * content handler (proxy_pass). Models are compiled while the configuration is read, shared by
 * the workers, and freed with the configuration's cycle; each worker has one awsval checker
 * context. Uses only the public API in awsval.h.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <awsval.h>


#define NGX_HTTP_AWSVAL_ENFORCE         0
#define NGX_HTTP_AWSVAL_LOG             1

#define NGX_HTTP_AWSVAL_LIMIT_CLOSED    0
#define NGX_HTTP_AWSVAL_LIMIT_OPEN      1

/* $awsval_result */
#define NGX_HTTP_AWSVAL_SKIPPED         0
#define NGX_HTTP_AWSVAL_VALID           1
#define NGX_HTTP_AWSVAL_INVALID         2
#define NGX_HTTP_AWSVAL_ERROR           3

/* variables */
#define NGX_HTTP_AWSVAL_VAR_RESULT      0
#define NGX_HTTP_AWSVAL_VAR_OPERATION   1
#define NGX_HTTP_AWSVAL_VAR_ERROR_TYPE  2
#define NGX_HTTP_AWSVAL_VAR_VIOLATIONS  3

/*
 * The checker counts the whole request (target, headers and body) against its max_size; the
 * body limit is awsval_max_body_size, and this much more is allowed for the target and the
 * headers (nginx's own header limits are far lower).
 */
#define NGX_HTTP_AWSVAL_HEAD_ROOM       ((size_t) 1024 * 1024)
/* The checker's max_size is at most 2 GiB. */
#define NGX_HTTP_AWSVAL_MAX_BODY        ((size_t) 2047 * 1024 * 1024)

/*
 * A worker's checker may hold at most this much memory (its max_memory) for a body limit B:
 * 16 MiB + 8 * (B + NGX_HTTP_AWSVAL_HEAD_ROOM). The library's own bound is far looser; hostile
 * 1 MiB bodies were measured to need at most about 5 MiB. A check that would need more is
 * rejected (a "limit" violation).
 */
#define NGX_HTTP_AWSVAL_MEMORY_BASE     ((size_t) 16 * 1024 * 1024)
#define NGX_HTTP_AWSVAL_MEMORY_FACTOR   8
/*
 * After a check the checker keeps the result (and up to 256 KiB of scratch, the library's
 * retain_memory default); once what the request needs is copied out, a checker holding more
 * than this is trimmed back to its baseline, so that one large request does not keep memory.
 */
#define NGX_HTTP_AWSVAL_KEEP_MEMORY     ((size_t) 1024 * 1024)

/* The longest $awsval_violations, in bytes. */
#define NGX_HTTP_AWSVAL_VIOLATIONS_LEN  1024


typedef struct {
    ngx_str_t                   key;
    awsval_model               *model;
} ngx_http_awsval_model_t;


typedef struct {
    ngx_array_t                 models;     /* of ngx_http_awsval_model_t */
    size_t                      max_body;   /* the largest limit where awsval is on */
} ngx_http_awsval_main_conf_t;


typedef struct {
    ngx_flag_t                  enable;
    ngx_uint_t                  mode;
    ngx_uint_t                  pattern_limit;
    size_t                      max_body;

    ngx_str_t                   service;        /* NAME[@VERSION] */
    ngx_str_t                   model_file;     /* full path */
    ngx_str_t                   models_dir;     /* full path */
    ngx_str_t                   strip_prefix;

    /* where the model was named (awsval_service, awsval_model) and where "awsval on" is */
    ngx_str_t                   source_file;
    ngx_uint_t                  source_line;
    ngx_str_t                   enable_file;
    ngx_uint_t                  enable_line;

    awsval_model               *model;
} ngx_http_awsval_loc_conf_t;


typedef struct {
    ngx_int_t                   status;     /* the phase handler's answer once checked */
    ngx_uint_t                  result;
    unsigned                    reject:1;

    ngx_str_t                   operation;
    ngx_str_t                   error_type;
    ngx_str_t                   violations;

    /* the service's answer to a rejected request */
    ngx_uint_t                  reject_status;
    ngx_str_t                   content_type;
    ngx_str_t                   type_header;
    ngx_str_t                   body;
} ngx_http_awsval_ctx_t;


static ngx_int_t ngx_http_awsval_handler(ngx_http_request_t *r);
static void ngx_http_awsval_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_awsval_check(ngx_http_request_t *r,
    ngx_http_awsval_ctx_t *ctx, ngx_http_awsval_loc_conf_t *alcf);
static ngx_int_t ngx_http_awsval_failed(ngx_http_awsval_ctx_t *ctx,
    ngx_http_awsval_loc_conf_t *alcf);
static ngx_int_t ngx_http_awsval_read_body(ngx_http_request_t *r, size_t max,
    u_char **body, size_t *len);
static ngx_int_t ngx_http_awsval_too_large(ngx_http_request_t *r,
    ngx_http_awsval_ctx_t *ctx, ngx_http_awsval_loc_conf_t *alcf);
static ngx_int_t ngx_http_awsval_rejected(ngx_http_request_t *r,
    ngx_http_awsval_ctx_t *ctx, ngx_http_awsval_loc_conf_t *alcf,
    awsval_ctx *checker);
static void ngx_http_awsval_describe(ngx_http_request_t *r,
    ngx_http_awsval_ctx_t *ctx, awsval_ctx *checker);
static ngx_int_t ngx_http_awsval_send(ngx_http_request_t *r,
    ngx_http_awsval_ctx_t *ctx);
static awsval_ctx *ngx_http_awsval_checker(ngx_log_t *log, size_t max_body);

static ngx_int_t ngx_http_awsval_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

static char *ngx_http_awsval_enable(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_awsval_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_awsval_models(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_awsval_strip_prefix(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_awsval_max_body_post(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_awsval_resolve(ngx_conf_t *cf,
    ngx_http_awsval_loc_conf_t *alcf);
static awsval_model *ngx_http_awsval_load(ngx_conf_t *cf, ngx_uint_t kind,
    ngx_str_t *path, ngx_str_t *name, awsval_model_err *err);
static void ngx_http_awsval_model_cleanup(void *data);

static ngx_int_t ngx_http_awsval_add_variables(ngx_conf_t *cf);
static void *ngx_http_awsval_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_awsval_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_awsval_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_awsval_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_awsval_init_process(ngx_cycle_t *cycle);
static void ngx_http_awsval_exit_process(ngx_cycle_t *cycle);


/* This worker's checker context, and the body limit it was made for. */
static awsval_ctx  *ngx_http_awsval_worker_checker;
static size_t       ngx_http_awsval_worker_max_body;


static ngx_conf_enum_t  ngx_http_awsval_modes[] = {
    { ngx_string("enforce"), NGX_HTTP_AWSVAL_ENFORCE },
    { ngx_string("log"), NGX_HTTP_AWSVAL_LOG },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_awsval_pattern_limits[] = {
    { ngx_string("closed"), NGX_HTTP_AWSVAL_LIMIT_CLOSED },
    { ngx_string("open"), NGX_HTTP_AWSVAL_LIMIT_OPEN },
    { ngx_null_string, 0 }
};


static ngx_conf_post_handler_pt  ngx_http_awsval_max_body_p =
    ngx_http_awsval_max_body_post;


static ngx_command_t  ngx_http_awsval_commands[] = {

    { ngx_string("awsval"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_awsval_enable,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, enable),
      NULL },

    { ngx_string("awsval_service"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_awsval_source,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, service),
      NULL },

    { ngx_string("awsval_model"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_awsval_source,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, model_file),
      NULL },

    { ngx_string("awsval_models"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_awsval_models,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("awsval_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, mode),
      &ngx_http_awsval_modes },

    { ngx_string("awsval_max_body_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, max_body),
      &ngx_http_awsval_max_body_p },

    { ngx_string("awsval_strip_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_awsval_strip_prefix,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("awsval_pattern_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_awsval_loc_conf_t, pattern_limit),
      &ngx_http_awsval_pattern_limits },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_awsval_module_ctx = {
    ngx_http_awsval_add_variables,         /* preconfiguration */
    ngx_http_awsval_init,                  /* postconfiguration */

    ngx_http_awsval_create_main_conf,      /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_awsval_create_loc_conf,       /* create location configuration */
    ngx_http_awsval_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_http_awsval_module = {
    NGX_MODULE_V1,
    &ngx_http_awsval_module_ctx,           /* module context */
    ngx_http_awsval_commands,              /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_awsval_init_process,          /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_awsval_exit_process,          /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_awsval_vars[] = {

    { ngx_string("awsval_result"), NULL, ngx_http_awsval_variable,
      NGX_HTTP_AWSVAL_VAR_RESULT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("awsval_operation"), NULL, ngx_http_awsval_variable,
      NGX_HTTP_AWSVAL_VAR_OPERATION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("awsval_error_type"), NULL, ngx_http_awsval_variable,
      NGX_HTTP_AWSVAL_VAR_ERROR_TYPE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("awsval_violations"), NULL, ngx_http_awsval_variable,
      NGX_HTTP_AWSVAL_VAR_VIOLATIONS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_awsval_results[] = {
    ngx_string("skipped"),
    ngx_string("valid"),
    ngx_string("invalid"),
    ngx_string("error")
};


/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                 */
/* ---------------------------------------------------------------------------------------- */


static ngx_int_t
ngx_http_awsval_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_awsval_ctx_t       *ctx;
    ngx_http_awsval_loc_conf_t  *alcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_awsval_module);

    if (!alcf->enable) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_awsval_module);

    if (ctx) {
        /* the phases run again once the body has been read and checked */

        if (ctx->reject) {
            /* answered: should the phases run again, they stop here */
            ctx->reject = 0;
            ctx->status = NGX_DONE;
            ngx_http_finalize_request(r, ngx_http_awsval_send(r, ctx));
            return NGX_DONE;
        }

        return ctx->status;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_awsval_ctx_t));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ctx->status = NGX_DONE;
    ctx->result = NGX_HTTP_AWSVAL_SKIPPED;

    ngx_http_set_ctx(r, ctx, ngx_http_awsval_module);

    if (r->headers_in.content_length_n > (off_t) alcf->max_body) {
        ctx->status = ngx_http_awsval_too_large(r, ctx, alcf);
        return ctx->status;
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_awsval_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    ngx_http_finalize_request(r, NGX_DONE);
    return NGX_DONE;
}


static void
ngx_http_awsval_body_handler(ngx_http_request_t *r)
{
    ngx_http_awsval_ctx_t       *ctx;
    ngx_http_awsval_loc_conf_t  *alcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_awsval_module);
    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_awsval_module);

    ctx->status = ngx_http_awsval_check(r, ctx, alcf);

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


/* Checks the request whose body has been read. Returns NGX_DECLINED to go on (a valid request,
 * or any request in log mode), or an HTTP status to finalize with; a request to reject with the
 * service's answer gets ctx->reject. */
static ngx_int_t
ngx_http_awsval_check(ngx_http_request_t *r, ngx_http_awsval_ctx_t *ctx,
    ngx_http_awsval_loc_conf_t *alcf)
{
    u_char                       *body, *p;
    size_t                        body_len, n;
    uint32_t                      flags;
    ngx_int_t                     rc;
    ngx_str_t                     target;
    ngx_uint_t                    j, count;
    awsval_ctx                   *checker;
    awsval_code                   code;
    ngx_list_part_t              *part;
    ngx_table_elt_t              *h;
    const char                   *op;
    awsval_http_header           *headers;
    awsval_http_request           req;
    ngx_http_awsval_main_conf_t  *amcf;

    if (r->discard_body) {
        /* the body is gone: what the upstream gets cannot be checked */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "awsval: the request body was discarded before the check");
        goto error;
    }

    rc = ngx_http_awsval_read_body(r, alcf->max_body, &body, &body_len);

    if (rc == NGX_DECLINED) {
        return ngx_http_awsval_too_large(r, ctx, alcf);
    }

    if (rc != NGX_OK) {
        goto error;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_awsval_module);

    checker = ngx_http_awsval_checker(r->connection->log, amcf->max_body);
    if (checker == NULL) {
        goto error;
    }

    /* the header fields, as the client sent them */

    count = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        count += part->nelts;
    }

    headers = NULL;

    if (count) {
        headers = ngx_palloc(r->pool, count * sizeof(awsval_http_header));
        if (headers == NULL) {
            goto error;
        }
    }

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (j = 0; j < part->nelts; j++) {
            headers[n].name = (const char *) h[j].key.data;
            headers[n].name_len = h[j].key.len;
            headers[n].value = (const char *) h[j].value.data;
            headers[n].value_len = h[j].value.len;
            n++;
        }
    }

    /* the raw request target, less awsval_strip_prefix */

    target = r->unparsed_uri;

    if (alcf->strip_prefix.len
        && target.len >= alcf->strip_prefix.len
        && ngx_strncmp(target.data, alcf->strip_prefix.data,
                       alcf->strip_prefix.len) == 0
        && (target.len == alcf->strip_prefix.len
            || target.data[alcf->strip_prefix.len] == '/'
            || target.data[alcf->strip_prefix.len] == '?'))
    {
        target.data += alcf->strip_prefix.len;
        target.len -= alcf->strip_prefix.len;

        if (target.len == 0) {
            ngx_str_set(&target, "/");

        } else if (target.data[0] == '?') {
            p = ngx_pnalloc(r->pool, target.len + 1);
            if (p == NULL) {
                goto error;
            }

            p[0] = '/';
            ngx_memcpy(p + 1, target.data, target.len);
            target.data = p;
            target.len++;
        }
    }

    ngx_memzero(&req, sizeof(awsval_http_request));
    req.size = sizeof(awsval_http_request);
    req.method = (const char *) r->method_name.data;
    req.method_len = r->method_name.len;
    req.target = (const char *) target.data;
    req.target_len = target.len;
    req.headers = headers;
    req.header_count = n;
    req.body = (const char *) body;
    req.body_len = body_len;

    flags = alcf->pattern_limit == NGX_HTTP_AWSVAL_LIMIT_OPEN
            ? AWSVAL_CHECK_LIMIT_OPEN : 0;

    code = awsval_check_http_ex(checker, alcf->model, &req, flags);

    op = awsval_ctx_operation(checker);
    if (op) {
        /* model lifetime: the configuration outlives its requests */
        ctx->operation.data = (u_char *) op;
        ctx->operation.len = ngx_strlen(op);
    }

    if (code == AWSVAL_OK) {
        ctx->result = NGX_HTTP_AWSVAL_VALID;
        rc = NGX_DECLINED;

    } else if (code == AWSVAL_INVALID) {
        rc = ngx_http_awsval_rejected(r, ctx, alcf, checker);

    } else {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "awsval: cannot check the request: %s (%s)",
                      awsval_strerror(code), awsval_err_name(code));
        rc = ngx_http_awsval_failed(ctx, alcf);
    }

    /* what the request needs is in its pool now */

    if (awsval_ctx_memory(checker) > NGX_HTTP_AWSVAL_KEEP_MEMORY) {
        awsval_ctx_trim(checker);
    }

    return rc;

error:

    return ngx_http_awsval_failed(ctx, alcf);
}


/* The request could not be checked (an internal error, already logged): in enforce mode it
 * fails closed, in log mode it goes on unchecked. */
static ngx_int_t
ngx_http_awsval_failed(ngx_http_awsval_ctx_t *ctx, ngx_http_awsval_loc_conf_t *alcf)
{
    ctx->result = NGX_HTTP_AWSVAL_ERROR;

    if (alcf->mode == NGX_HTTP_AWSVAL_LOG) {
        return NGX_DECLINED;
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/* The body in one piece: points into the request's only buffer when it is one buffer in
 * memory, else copied into the request's pool (reading temporary files). Returns NGX_OK,
 * NGX_DECLINED when the body is larger than `max`, or NGX_ERROR. */
static ngx_int_t
ngx_http_awsval_read_body(ngx_http_request_t *r, size_t max, u_char **body,
    size_t *len)
{
    u_char                   *p;
    off_t                     size, n, off;
    ssize_t                   got;
    ngx_buf_t                *b;
    ngx_chain_t              *cl;
    ngx_http_request_body_t  *rb;

    *body = NULL;
    *len = 0;

    rb = r->request_body;

    if (rb == NULL || rb->bufs == NULL) {
        return NGX_OK;
    }

    size = 0;

    for (cl = rb->bufs; cl; cl = cl->next) {
        n = ngx_buf_size(cl->buf);

        if (n < 0 || n > (off_t) max - size) {
            return n < 0 ? NGX_ERROR : NGX_DECLINED;
        }

        size += n;
    }

    if (size == 0) {
        return NGX_OK;
    }

    b = rb->bufs->buf;

    if (rb->bufs->next == NULL && ngx_buf_in_memory(b)) {
        *body = b->pos;
        *len = (size_t) size;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, (size_t) size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    *body = p;
    *len = (size_t) size;

    for (cl = rb->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_in_memory(b)) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
            continue;
        }

        if (!b->in_file || b->file == NULL) {
            if (ngx_buf_size(b) == 0) {
                continue;
            }

            /* counted above, and nowhere to read it from */
            return NGX_ERROR;
        }

        for (off = b->file_pos; off < b->file_last; off += got) {
            got = ngx_read_file(b->file, p, (size_t) (b->file_last - off), off);

            if (got == NGX_ERROR) {
                return NGX_ERROR;
            }

            if (got == 0) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "awsval: temporary file \"%V\" is shorter than "
                              "the request body", &b->file->name);
                return NGX_ERROR;
            }

            p += got;
        }
    }

    return NGX_OK;
}


/* A body over awsval_max_body_size: 413 in enforce mode, not checked in log mode. */
static ngx_int_t
ngx_http_awsval_too_large(ngx_http_request_t *r, ngx_http_awsval_ctx_t *ctx,
    ngx_http_awsval_loc_conf_t *alcf)
{
    if (alcf->mode == NGX_HTTP_AWSVAL_LOG) {
        ctx->result = NGX_HTTP_AWSVAL_SKIPPED;
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "awsval: request body larger than awsval_max_body_size "
                      "(%uz bytes), not checked", alcf->max_body);
        return NGX_DECLINED;
    }

    ctx->result = NGX_HTTP_AWSVAL_INVALID;
    ngx_str_set(&ctx->violations, "limit");

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "awsval: request body larger than awsval_max_body_size "
                  "(%uz bytes)", alcf->max_body);

    return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
}


/* An invalid request: keeps what the variables and the answer need (in the request's pool:
 * the checker is reused by the next request of this worker). */
static ngx_int_t
ngx_http_awsval_rejected(ngx_http_request_t *r, ngx_http_awsval_ctx_t *ctx,
    ngx_http_awsval_loc_conf_t *alcf, awsval_ctx *checker)
{
    u_char            *body;
    size_t             need;
    ngx_uint_t         level;
    awsval_code        code;
    awsval_rejection   rej;

    ctx->result = NGX_HTTP_AWSVAL_INVALID;

    ngx_http_awsval_describe(r, ctx, checker);

    ngx_memzero(&rej, sizeof(awsval_rejection));
    rej.size = sizeof(awsval_rejection);

    code = awsval_ctx_rejection(checker, &rej);

    if (code != AWSVAL_OK || rej.status < NGX_HTTP_BAD_REQUEST
        || rej.status > 599)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "awsval: no answer for an invalid request: %s",
                      awsval_strerror(code));
        goto error;
    }

    if (rej.error_type) {
        ctx->error_type.data = (u_char *) rej.error_type;
        ctx->error_type.len = ngx_strlen(rej.error_type);
    }

    level = alcf->mode == NGX_HTTP_AWSVAL_LOG ? NGX_LOG_WARN : NGX_LOG_INFO;

    ngx_log_error(level, r->connection->log, 0,
                  "awsval: invalid request%s: %d %V, operation \"%V\": %V",
                  alcf->mode == NGX_HTTP_AWSVAL_LOG ? " (log only)" : "",
                  rej.status, &ctx->error_type, &ctx->operation,
                  &ctx->violations);

    if (alcf->mode == NGX_HTTP_AWSVAL_LOG) {
        return NGX_DECLINED;
    }

    body = ngx_pnalloc(r->pool, rej.body_len + 1);
    if (body == NULL) {
        goto error;
    }

    need = 0;
    code = awsval_render(checker, AWSVAL_REPORT_NATIVE, (char *) body,
                         rej.body_len + 1, &need);

    if (code != AWSVAL_OK || need != rej.body_len + 1) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "awsval: cannot render the answer: %s",
                      awsval_strerror(code));
        goto error;
    }

    ctx->reject = 1;
    ctx->reject_status = (ngx_uint_t) rej.status;
    ctx->body.data = body;
    ctx->body.len = rej.body_len;

    if (rej.content_type) {
        ctx->content_type.data = (u_char *) rej.content_type;
        ctx->content_type.len = ngx_strlen(rej.content_type);
    }

    if (rej.type_header) {
        ctx->type_header.data = (u_char *) rej.type_header;
        ctx->type_header.len = ngx_strlen(rej.type_header);
    }

    return NGX_DECLINED;

error:

    return ngx_http_awsval_failed(ctx, alcf);
}


/* $awsval_violations: "KIND POINTER" per violation (the member's AWS path where there is no
 * pointer), joined by ", ", at most NGX_HTTP_AWSVAL_VIOLATIONS_LEN bytes. The library's
 * violations never hold a sensitive value, and values are not used here at all; pointers may
 * hold map keys, which come from the client: control characters, '"' and '\' are written
 * as \xHH, so that the error log cannot be given a line of the client's. */
static void
ngx_http_awsval_describe(ngx_http_request_t *r, ngx_http_awsval_ctx_t *ctx,
    awsval_ctx *checker)
{
    u_char            *p, *last, *start;
    size_t             i, kept, total;
    const char        *kind, *where;
    awsval_violation   v;

    start = ngx_pnalloc(r->pool, NGX_HTTP_AWSVAL_VIOLATIONS_LEN);
    if (start == NULL) {
        return;
    }

    p = start;
    /* room for ", ... (N in all)" */
    last = start + NGX_HTTP_AWSVAL_VIOLATIONS_LEN
           - sizeof(", ... (18446744073709551615 in all)");

    kept = awsval_ctx_violation_count(checker);
    total = awsval_ctx_violation_total(checker);

    for (i = 0; i < kept; i++) {
        ngx_memzero(&v, sizeof(awsval_violation));
        v.size = sizeof(awsval_violation);

        if (awsval_ctx_violation(checker, i, &v) != AWSVAL_OK) {
            break;
        }

        kind = awsval_kind_name(v.kind);
        if (kind == NULL) {
            kind = "unknown";
        }

        where = v.pointer && v.pointer[0] ? v.pointer
                : v.aws_path && v.aws_path[0] ? v.aws_path : "";

        if ((size_t) (last - p) < ngx_strlen(kind) + 3) {
            break;
        }

        if (p != start) {
            *p++ = ',';
            *p++ = ' ';
        }

        p = ngx_cpymem(p, kind, ngx_strlen(kind));

        if (where[0]) {
            *p++ = ' ';
        }

        for ( /* void */ ; *where && last - p >= 4; where++) {
            if ((u_char) *where < 0x20 || *where == 0x7f || *where == '"'
                || *where == '\\')
            {
                p = ngx_sprintf(p, "\\x%02xd", (u_int) (u_char) *where);

            } else {
                *p++ = (u_char) *where;
            }
        }

        if (*where) {
            /* cut: no more room */
            i++;
            break;
        }
    }

    if (i < total) {
        p = ngx_sprintf(p, "%s... (%uz in all)", p == start ? "" : ", ", total);
    }

    ctx->violations.data = start;
    ctx->violations.len = p - start;
}


static ngx_int_t
ngx_http_awsval_send(ngx_http_request_t *r, ngx_http_awsval_ctx_t *ctx)
{
    ngx_int_t         rc;
    ngx_buf_t        *b;
    ngx_chain_t       out;
    ngx_table_elt_t  *h;

    r->headers_out.status = ctx->reject_status;
    r->headers_out.content_type = ctx->content_type;
    r->headers_out.content_type_len = ctx->content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = ctx->body.len;

    if (ctx->type_header.len) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        h->key = ctx->type_header;
        h->value = ctx->error_type;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (ctx->body.len == 0) {
        return ngx_http_send_special(r, NGX_HTTP_LAST);
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = ctx->body.data;
    b->last = ctx->body.data + ctx->body.len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* This worker's checker, made for bodies up to max_body (made again, larger, when a
 * configuration reloaded in a single process allows larger ones). */
static awsval_ctx *
ngx_http_awsval_checker(ngx_log_t *log, size_t max_body)
{
    awsval_ctx       *checker;
    awsval_code       code;
    awsval_ctx_opts   opts;

    if (ngx_http_awsval_worker_checker
        && ngx_http_awsval_worker_max_body >= max_body)
    {
        return ngx_http_awsval_worker_checker;
    }

    ngx_memzero(&opts, sizeof(awsval_ctx_opts));
    opts.size = sizeof(awsval_ctx_opts);
    opts.max_size = max_body + NGX_HTTP_AWSVAL_HEAD_ROOM;
    opts.max_memory = NGX_HTTP_AWSVAL_MEMORY_BASE
                      + NGX_HTTP_AWSVAL_MEMORY_FACTOR * opts.max_size;

    code = AWSVAL_OK;
    checker = awsval_ctx_create(&opts, &code);

    if (checker == NULL) {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "awsval: cannot create a checker: %s",
                      awsval_strerror(code));
        return NULL;
    }

    awsval_ctx_free(ngx_http_awsval_worker_checker);

    ngx_http_awsval_worker_checker = checker;
    ngx_http_awsval_worker_max_body = max_body;

    return checker;
}


static ngx_int_t
ngx_http_awsval_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t               *s;
    ngx_http_awsval_ctx_t   *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_awsval_module);

    switch (data) {

    case NGX_HTTP_AWSVAL_VAR_RESULT:
        s = &ngx_http_awsval_results[ctx ? ctx->result
                                         : NGX_HTTP_AWSVAL_SKIPPED];
        break;

    case NGX_HTTP_AWSVAL_VAR_OPERATION:
        s = ctx ? &ctx->operation : NULL;
        break;

    case NGX_HTTP_AWSVAL_VAR_ERROR_TYPE:
        s = ctx ? &ctx->error_type : NULL;
        break;

    default: /* NGX_HTTP_AWSVAL_VAR_VIOLATIONS */
        s = ctx ? &ctx->violations : NULL;
        break;
    }

    if (s == NULL || s->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = s->data;

    return NGX_OK;
}


/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                            */
/* ---------------------------------------------------------------------------------------- */


static char *
ngx_http_awsval_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_awsval_loc_conf_t *alcf = conf;

    char  *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    alcf->enable_file = cf->conf_file->file.name;
    alcf->enable_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* awsval_service NAME[@VERSION], awsval_model FILE */
static char *
ngx_http_awsval_source(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_awsval_loc_conf_t *alcf = conf;

    ngx_str_t  *value, *field;

    field = (ngx_str_t *) ((u_char *) conf + cmd->offset);

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "takes a non-empty value";
    }

    *field = value[1];

    if (field == &alcf->model_file
        && ngx_conf_full_name(cf->cycle, field, 1) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (field == &alcf->service
        && (ngx_strlchr(field->data, field->data + field->len, '/')
            || field->data[0] == '@' || field->data[0] == '.'))
    {
        return "takes a service name as botocore spells it: NAME or NAME@VERSION";
    }

    alcf->source_file = cf->conf_file->file.name;
    alcf->source_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


static char *
ngx_http_awsval_models(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_awsval_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->models_dir.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "takes a non-empty value";
    }

    alcf->models_dir = value[1];

    if (ngx_conf_full_name(cf->cycle, &alcf->models_dir, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_awsval_strip_prefix(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_awsval_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->strip_prefix.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        return "takes a path prefix that starts with \"/\"";
    }

    alcf->strip_prefix = value[1];

    /* "/api/" strips "/api" and keeps the slash; "/" strips nothing */
    while (alcf->strip_prefix.len
           && alcf->strip_prefix.data[alcf->strip_prefix.len - 1] == '/')
    {
        alcf->strip_prefix.len--;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_awsval_max_body_post(ngx_conf_t *cf, void *post, void *data)
{
    size_t  *sp = data;

    if (*sp == 0 || *sp > NGX_HTTP_AWSVAL_MAX_BODY) {
        return "must be between 1 and 2047m";
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_awsval_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_awsval_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void *
ngx_http_awsval_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_awsval_main_conf_t  *amcf;

    amcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_awsval_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&amcf->models, cf->pool, 4,
                       sizeof(ngx_http_awsval_model_t))
        != NGX_OK)
    {
        return NULL;
    }

    return amcf;
}


static void *
ngx_http_awsval_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_awsval_loc_conf_t  *alcf;

    alcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_awsval_loc_conf_t));
    if (alcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     alcf->service = { 0, NULL };
     *     alcf->model_file = { 0, NULL };
     *     alcf->models_dir = { 0, NULL };
     *     alcf->strip_prefix = { 0, NULL };
     *     alcf->source_file = { 0, NULL };
     *     alcf->enable_file = { 0, NULL };
     *     alcf->model = NULL;
     */

    alcf->enable = NGX_CONF_UNSET;
    alcf->mode = NGX_CONF_UNSET_UINT;
    alcf->pattern_limit = NGX_CONF_UNSET_UINT;
    alcf->max_body = NGX_CONF_UNSET_SIZE;

    return alcf;
}


static char *
ngx_http_awsval_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_awsval_loc_conf_t *prev = parent;
    ngx_http_awsval_loc_conf_t *conf = child;

    ngx_http_awsval_main_conf_t  *amcf;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable == NGX_CONF_UNSET ? 0 : prev->enable;
        conf->enable_file = prev->enable_file;
        conf->enable_line = prev->enable_line;
    }

    ngx_conf_merge_uint_value(conf->mode, prev->mode, NGX_HTTP_AWSVAL_ENFORCE);
    ngx_conf_merge_uint_value(conf->pattern_limit, prev->pattern_limit,
                              NGX_HTTP_AWSVAL_LIMIT_CLOSED);
    ngx_conf_merge_size_value(conf->max_body, prev->max_body,
                              (size_t) 1024 * 1024);

    /* the model is named by awsval_service and awsval_model together: a level that names
     * neither takes both from its parent */
    if (conf->service.data == NULL && conf->model_file.data == NULL) {
        conf->service = prev->service;
        conf->model_file = prev->model_file;
        conf->source_file = prev->source_file;
        conf->source_line = prev->source_line;
        conf->model = prev->model;
    }

    if (conf->models_dir.data == NULL) {
        conf->models_dir = prev->models_dir;

    } else if (prev->models_dir.data == NULL
               || prev->models_dir.len != conf->models_dir.len
               || ngx_strncmp(prev->models_dir.data, conf->models_dir.data,
                              conf->models_dir.len) != 0)
    {
        /* another directory: the model inherited may come from the parent's */
        if (conf->model == prev->model) {
            conf->model = NULL;
        }
    }

    if (conf->strip_prefix.data == NULL) {
        conf->strip_prefix = prev->strip_prefix;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_awsval_module);

    if (conf->max_body > amcf->max_body) {
        amcf->max_body = conf->max_body;
    }

    if (conf->model) {
        return NGX_CONF_OK;
    }

    return ngx_http_awsval_resolve(cf, conf);
}


/* Finds or builds the model a configuration names: awsval_model FILE (awsval_service, if set
 * at the same level, then names the service); else awsval_service NAME[@VERSION], built in,
 * else from the awsval_models directory. */
static char *
ngx_http_awsval_resolve(ngx_conf_t *cf, ngx_http_awsval_loc_conf_t *alcf)
{
    u_char            *at;
    ngx_str_t          name, version, none;
    const char        *have;
    awsval_model      *model;
    awsval_model_err   err;

    ngx_str_null(&none);

    if (alcf->service.data == NULL && alcf->model_file.data == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "awsval: \"awsval on\" needs \"awsval_service\" or "
                      "\"awsval_model\" in %V:%ui",
                      &alcf->enable_file, alcf->enable_line);
        return NGX_CONF_ERROR;
    }

    name = alcf->service;
    ngx_str_null(&version);

    if (name.data) {
        at = ngx_strlchr(name.data, name.data + name.len, '@');

        if (at) {
            version.data = at + 1;
            version.len = name.data + name.len - version.data;
            name.len = at - name.data;

            if (name.len == 0 || version.len == 0) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                              "awsval: \"awsval_service %V\": NAME@VERSION "
                              "expected in %V:%ui", &alcf->service,
                              &alcf->source_file, alcf->source_line);
                return NGX_CONF_ERROR;
            }
        }
    }

    if (alcf->model_file.data) {

        if (version.len) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "awsval: \"awsval_service %V\" names a version, which "
                          "\"awsval_model\" cannot pick, in %V:%ui",
                          &alcf->service, &alcf->source_file,
                          alcf->source_line);
            return NGX_CONF_ERROR;
        }

        model = ngx_http_awsval_load(cf, 'f', &alcf->model_file,
                                     name.data ? &name : &none, &err);
        if (model == NULL) {
            /* the library's message says where in the file */
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "awsval: cannot load the model \"%V\": %s in %V:%ui",
                          &alcf->model_file, err.message, &alcf->source_file,
                          alcf->source_line);
            return NGX_CONF_ERROR;
        }

        alcf->model = model;
        return NGX_CONF_OK;
    }

    /* built in, at the version asked for */

    model = ngx_http_awsval_load(cf, 'b', &none, &name, &err);

    if (model == NULL && err.code != AWSVAL_NOTFOUND) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "awsval: cannot build the built-in model \"%V\": %s "
                      "in %V:%ui", &name, err.message, &alcf->source_file,
                      alcf->source_line);
        return NGX_CONF_ERROR;
    }

    have = NULL;

    if (model && version.len) {
        have = awsval_model_api_version(model);

        if (ngx_strlen(have) != version.len
            || ngx_strncmp(have, version.data, version.len) != 0)
        {
            model = NULL;
        }
    }

    if (model) {
        alcf->model = model;
        return NGX_CONF_OK;
    }

    if (alcf->models_dir.data == NULL) {
        if (have) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "awsval: the built-in model of \"%V\" is version %s, "
                          "not %V; set \"awsval_models\" to a botocore data "
                          "directory that has it, in %V:%ui", &name, have,
                          &version, &alcf->source_file, alcf->source_line);
        } else {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "awsval: no built-in model of \"%V\"; set "
                          "\"awsval_models\" to a botocore data directory "
                          "that has it, or \"awsval_model\" to its "
                          "service-2.json, in %V:%ui", &name,
                          &alcf->source_file, alcf->source_line);
        }
        return NGX_CONF_ERROR;
    }

    model = ngx_http_awsval_load(cf, 'd', &alcf->models_dir,
                                 &alcf->service, &err);
    if (model == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "awsval: cannot load \"%V\" from \"%V\": %s in %V:%ui",
                      &alcf->service, &alcf->models_dir, err.message,
                      &alcf->source_file, alcf->source_line);
        return NGX_CONF_ERROR;
    }

    alcf->model = model;
    return NGX_CONF_OK;
}


/* A model of this configuration: built once per (kind, path, name), freed with the cycle's
 * pool. kind 'b': built in, by name; 'f': from the file `path`, `name` the service (may be
 * empty); 'd': `name` ("NAME[@VERSION]") from the botocore data directory `path`. */
static awsval_model *
ngx_http_awsval_load(ngx_conf_t *cf, ngx_uint_t kind, ngx_str_t *path,
    ngx_str_t *name, awsval_model_err *err)
{
    u_char                       *key, *p, *z_path, *z_name;
    size_t                        len;
    ngx_uint_t                    i;
    awsval_model                 *model;
    ngx_pool_cleanup_t           *cln;
    awsval_model_opts             opts;
    ngx_http_awsval_model_t      *entry;
    ngx_http_awsval_main_conf_t  *amcf;

    ngx_memzero(err, sizeof(awsval_model_err));
    err->size = sizeof(awsval_model_err);

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_awsval_module);

    /* key: kind, path, NUL, name, NUL (the NUL-terminated strings for the library) */

    len = 1 + path->len + 1 + name->len + 1;

    key = ngx_pnalloc(cf->pool, len);
    if (key == NULL) {
        err->code = AWSVAL_NOMEM;
        ngx_cpystrn((u_char *) err->message, (u_char *) "out of memory",
                    sizeof(err->message));
        return NULL;
    }

    p = key;
    *p++ = (u_char) kind;
    z_path = p;
    p = ngx_cpymem(p, path->data, path->len);
    *p++ = '\0';
    z_name = p;
    p = ngx_cpymem(p, name->data, name->len);
    *p++ = '\0';

    entry = amcf->models.elts;

    for (i = 0; i < amcf->models.nelts; i++) {
        if (entry[i].key.len == len
            && ngx_memcmp(entry[i].key.data, key, len) == 0)
        {
            return entry[i].model;
        }
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        err->code = AWSVAL_NOMEM;
        ngx_cpystrn((u_char *) err->message, (u_char *) "out of memory",
                    sizeof(err->message));
        return NULL;
    }

    ngx_memzero(&opts, sizeof(awsval_model_opts));
    opts.size = sizeof(awsval_model_opts);

    switch (kind) {

    case 'b':
        model = awsval_model_load_builtin((const char *) z_name, &opts, err);
        break;

    case 'f':
        opts.service = name->len ? (const char *) z_name : NULL;
        model = awsval_model_load_file((const char *) z_path, &opts, err);
        break;

    default: /* 'd' */
        model = awsval_model_load_dir((const char *) z_path,
                                      (const char *) z_name, &opts, err);
        break;
    }

    if (model == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_awsval_model_cleanup;
    cln->data = model;

    entry = ngx_array_push(&amcf->models);
    if (entry == NULL) {
        err->code = AWSVAL_NOMEM;
        ngx_cpystrn((u_char *) err->message, (u_char *) "out of memory",
                    sizeof(err->message));
        return NULL;
    }

    entry->key.data = key;
    entry->key.len = len;
    entry->model = model;

    ngx_log_error(NGX_LOG_DEBUG, cf->log, 0,
                  "awsval: model \"%s\" %s: %uz operations, %uz patterns",
                  awsval_model_service(model), awsval_model_api_version(model),
                  awsval_model_operation_count(model),
                  awsval_model_pattern_count(model));

    return model;
}


static void
ngx_http_awsval_model_cleanup(void *data)
{
    awsval_model_free(data);
}


static ngx_int_t
ngx_http_awsval_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_awsval_handler;

    return NGX_OK;
}


static ngx_int_t
ngx_http_awsval_init_process(ngx_cycle_t *cycle)
{
    ngx_http_awsval_main_conf_t  *amcf;

    amcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_awsval_module);

    if (amcf == NULL || amcf->max_body == 0) {
        return NGX_OK;
    }

    if (ngx_http_awsval_checker(cycle->log, amcf->max_body) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_awsval_exit_process(ngx_cycle_t *cycle)
{
    awsval_ctx_free(ngx_http_awsval_worker_checker);

    ngx_http_awsval_worker_checker = NULL;
    ngx_http_awsval_worker_max_body = 0;
}
