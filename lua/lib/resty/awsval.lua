-- resty.awsval: check AWS API requests against botocore service models, and answer what the
-- service itself would answer, in OpenResty / Debian's lua-nginx-module. LuaJIT FFI over
-- awsval's shared library (libawsval.so), public API only (include/awsval.h).
--
-- Lifetimes (as awsval.h): a model is immutable and may be loaded in init_by_lua, before nginx
-- forks its workers, which then share it copy-on-write; a checker context is per worker (per
-- Lua VM), made on first use in that process and never shared; the results of a check are
-- copied into Lua values before anything else can run on the context.
--
-- See README.md, section "Lua (OpenResty, Kong, APISIX)".
local ffi = require "ffi"
local bit = require "bit"

local ffi_new, ffi_string, ffi_gc, ffi_sizeof = ffi.new, ffi.string, ffi.gc, ffi.sizeof
local type, tostring, pairs, ipairs, error = type, tostring, pairs, ipairs, error
local setmetatable, getmetatable = setmetatable, getmetatable
local concat = table.concat

local _M = { _VERSION = "0.2.0" }

-- The declarations of include/awsval.h this module uses, copied from it (AWSVAL_API and the
-- comments left out). lua/t/cdef_test.lua checks them against the header, and the layout of
-- every struct against what a C compiler computes.
local CDEF = [[
typedef uint32_t awsval_code;
uint32_t awsval_version(void);
const char *awsval_version_string(void);
const char *awsval_err_name(awsval_code code);
const char *awsval_strerror(awsval_code code);
typedef struct awsval_alc {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} awsval_alc;
typedef struct awsval_model awsval_model;
typedef struct awsval_model_opts {
    uint32_t size;
    uint32_t flags;
    const awsval_alc *alc;
    const char *overlay;
    size_t overlay_len;
    const char *service;
} awsval_model_opts;
typedef struct awsval_model_err {
    uint32_t size;
    awsval_code code;
    uint32_t doc;
    size_t pos;
    size_t line, column;
    char message[512];
} awsval_model_err;
awsval_model *awsval_model_load_file(const char *path, const awsval_model_opts *opts,
                                     awsval_model_err *err);
awsval_model *awsval_model_load_builtin(const char *service, const awsval_model_opts *opts,
                                        awsval_model_err *err);
awsval_model *awsval_model_load_dir(const char *dir, const char *service,
                                    const awsval_model_opts *opts, awsval_model_err *err);
void awsval_model_free(awsval_model *model);
size_t awsval_builtin_count(void);
const char *awsval_builtin_name(size_t i);
const char *awsval_model_service(const awsval_model *model);
const char *awsval_model_api_version(const awsval_model *model);
const char *awsval_model_protocol(const awsval_model *model);
size_t awsval_model_operation_count(const awsval_model *model);
const char *awsval_model_operation_name(const awsval_model *model, size_t i);
typedef struct awsval_ctx awsval_ctx;
typedef struct awsval_ctx_opts {
    uint32_t size;
    uint32_t flags;
    const awsval_alc *alc;
    size_t max_size;
    uint32_t max_depth;
    uint32_t max_violations;
    uint32_t match_limit;
    uint32_t depth_limit;
    uint32_t heap_limit_kib;
    uint32_t match_limit_per_byte;
    size_t max_memory;
    size_t retain_memory;
} awsval_ctx_opts;
awsval_ctx *awsval_ctx_create(const awsval_ctx_opts *opts, awsval_code *code);
void awsval_ctx_free(awsval_ctx *ctx);
size_t awsval_ctx_memory(const awsval_ctx *ctx);
awsval_code awsval_check_ex(awsval_ctx *ctx, const awsval_model *model, const char *operation,
                            const char *json, size_t len, uint32_t flags);
typedef struct awsval_http_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} awsval_http_header;
typedef struct awsval_http_request {
    uint32_t size;
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    const awsval_http_header *headers;
    size_t header_count;
    const char *body;
    size_t body_len;
} awsval_http_request;
awsval_code awsval_check_http_ex(awsval_ctx *ctx, const awsval_model *model,
                                 const awsval_http_request *request, uint32_t flags);
const char *awsval_ctx_operation(const awsval_ctx *ctx);
typedef struct awsval_violation {
    uint32_t size;
    uint32_t kind;
    uint32_t source;
    uint32_t flags;
    const char *pointer;
    const char *aws_path;
    const char *shape;
    const char *constraint;
    const char *value;
    const char *pattern;
    const char *min_text;
    const char *max_text;
    int64_t actual;
    size_t offset;
    size_t length;
    uint32_t group;
} awsval_violation;
size_t awsval_ctx_violation_count(const awsval_ctx *ctx);
size_t awsval_ctx_violation_total(const awsval_ctx *ctx);
awsval_code awsval_ctx_violation(awsval_ctx *ctx, size_t i, awsval_violation *out);
const char *awsval_kind_name(uint32_t kind);
awsval_code awsval_render(const awsval_ctx *ctx, uint32_t style, char *buf, size_t cap,
                          size_t *need);
awsval_code awsval_ctx_violation_message(const awsval_ctx *ctx, size_t i, uint32_t style,
                                         char *buf, size_t cap, size_t *need);
typedef struct awsval_rejection {
    uint32_t size;
    int status;
    const char *error_type;
    const char *content_type;
    const char *type_header;
    size_t body_len;
} awsval_rejection;
awsval_code awsval_ctx_rejection(const awsval_ctx *ctx, awsval_rejection *out);
]]
_M._cdef = CDEF

-- The header's macros this module uses (lua/t/cdef_test.lua compares them with a C compiler's).
local C = {
    AWSVAL_VERSION_MAJOR = 0,
    AWSVAL_VERSION_MINOR = 2,
    AWSVAL_MODEL_PATTERN_SEARCH = 0x1,
    AWSVAL_MODEL_NO_OVERLAY = 0x2,
    AWSVAL_MODEL_NO_PROFILE = 0x4,
    AWSVAL_CHECK_IGNORE_UNKNOWN = 0x1,
    AWSVAL_CHECK_LIMIT_OPEN = 0x2,
    AWSVAL_SOURCE_MODEL = 0,
    AWSVAL_SOURCE_DOCUMENTED = 1,
    AWSVAL_VIOLATION_SENSITIVE = 0x1,
    AWSVAL_REPORT_AWS = 1,
    AWSVAL_REPORT_NATIVE = 2,
    AWSVAL_REPORT_SMITHY = 3,
    AWSVAL_REPORT_JSON = 4,
    AWSVAL_OK = 0,
    AWSVAL_INVALID = 1,
    AWSVAL_NOMEM = 2,
    AWSVAL_BADARG = 3,
    AWSVAL_NOTFOUND = 5,
    AWSVAL_TOOSMALL = 7,
}
_M.C = C
local OK, INVALID, TOOSMALL = C.AWSVAL_OK, C.AWSVAL_INVALID, C.AWSVAL_TOOSMALL

-- Report styles by name, for render().
local STYLES = {
    aws = C.AWSVAL_REPORT_AWS, native = C.AWSVAL_REPORT_NATIVE,
    smithy = C.AWSVAL_REPORT_SMITHY, json = C.AWSVAL_REPORT_JSON,
}

-- awsval_ctx_opts.max_size's default (awsval.h: 1 MiB). Always passed explicitly, because a body
-- buffered to a file is read up to max_size + 1 bytes only (see read_request).
local DEFAULT_MAX_SIZE = 1048576

ffi.cdef(CDEF)

---------------------------------------------------------------------------------------------
-- The library
---------------------------------------------------------------------------------------------

local lib          -- the ffi.load()ed library
local cfg = {}     -- configure()'s options
local make_ctx     -- (below)
local ctx, ctx_pid -- this process's checker context, and the pid that made it

local function code_name(code)
    local s = lib.awsval_err_name(code)
    return s ~= nil and ffi_string(s) or ("code " .. tostring(code))
end

local function code_error(what, code)
    return what .. ": " .. code_name(code) .. " (" .. ffi_string(lib.awsval_strerror(code)) .. ")"
end

-- Loads the shared library: `path` if given (a file name or a name for the dynamic loader),
-- else "libawsval.so" and then "libawsval.so.0" from the loader's path (LD_LIBRARY_PATH,
-- ld.so.cache). Checks that it is API 0.2 or a later 0.x with the same structs.
local function load_library(path)
    if lib then return lib end
    local names = path and { path } or { "libawsval.so", "libawsval.so.0" }
    local errs = {}
    for _, name in ipairs(names) do
        local ok, l = pcall(ffi.load, name)
        if ok then
            local v = l.awsval_version()
            local major, minor = bit.rshift(v, 16), bit.band(bit.rshift(v, 8), 0xff)
            if major ~= C.AWSVAL_VERSION_MAJOR or minor < C.AWSVAL_VERSION_MINOR then
                errs[#errs + 1] = name .. ": awsval " .. ffi_string(l.awsval_version_string())
                    .. ", need " .. C.AWSVAL_VERSION_MAJOR .. "." .. C.AWSVAL_VERSION_MINOR
                    .. " or a later " .. C.AWSVAL_VERSION_MAJOR .. ".x"
            else
                lib = l
                return lib
            end
        else
            errs[#errs + 1] = tostring(l)
        end
    end
    return nil, "cannot load libawsval: " .. concat(errs, "; ")
        .. " (set the path with require('resty.awsval').configure{lib = '/path/libawsval.so.0'})"
end

local function need_lib()
    if lib then return lib end
    local l, err = load_library(cfg.lib)
    if not l then error(err, 3) end
    return l
end

-- Raises for a key of `t` that `known` does not list ("what: unknown option 'k'").
local function only(t, known, what, level)
    for k in pairs(t) do
        if not known[k] then
            error(what .. ": unknown option '" .. tostring(k) .. "'", level + 1)
        end
    end
end

-- The numeric options of a context and the largest value their C type holds exactly.
local CTX_NUMBERS = { max_size = 2 ^ 53, max_depth = 2 ^ 32 - 1, max_violations = 2 ^ 32 - 1,
                      max_memory = 2 ^ 53, retain_memory = 2 ^ 53 }

-- configure{lib =, max_size =, max_depth =, max_violations =, max_memory =, retain_memory =,
-- limit_open =}: call once, in init_by_lua, before anything else. `lib` is the path of
-- libawsval.so; the others are the checker context's options (awsval_ctx_opts), checked here
-- by making (and freeing) a context with them. Returns true, or nil and an error message.
function _M.configure(opts)
    opts = opts or {}
    if type(opts) ~= "table" then error("configure: a table expected", 2) end
    only(opts, { lib = true, limit_open = true, max_size = true, max_depth = true,
                 max_violations = true, max_memory = true, retain_memory = true },
         "configure", 2)
    for k, max in pairs(CTX_NUMBERS) do
        local v = opts[k]
        if v ~= nil and (type(v) ~= "number" or v < 0 or v % 1 ~= 0 or v > max) then
            error(("configure: %s must be a whole number from 0 to %.0f"):format(k, max), 2)
        end
    end
    if lib and opts.lib and opts.lib ~= cfg.lib then
        error("configure: the library is already loaded (configure before loading models)", 2)
    end
    local l, err = load_library(opts.lib or cfg.lib)
    if not l then return nil, err end
    local c, cerr = make_ctx(opts)
    if not c then return nil, "configure: " .. cerr end
    l.awsval_ctx_free(ffi_gc(c, nil))
    cfg = opts
    ctx, ctx_pid = nil, nil -- the next check makes a context with these options
    return true
end

function _M.version()
    return ffi_string(need_lib().awsval_version_string())
end

-- The built-in services' names ("apprunner", "vpc-lattice").
function _M.builtin_services()
    local l, out = need_lib(), {}
    for i = 0, tonumber(l.awsval_builtin_count()) - 1 do
        out[#out + 1] = ffi_string(l.awsval_builtin_name(i))
    end
    return out
end

---------------------------------------------------------------------------------------------
-- Models
---------------------------------------------------------------------------------------------

local Model = {}
Model.__index = Model

-- Holds the Lua strings that a struct passed to the library points into, for the duration of
-- the call (an FFI struct field does not keep its string alive).
local anchor = {}

-- Model options: {service =, overlay = JSON text, pattern_search =, no_overlay =, no_profile =}.
local function model_opts(o)
    o = o or {}
    if type(o) ~= "table" then error("model options: a table expected", 3) end
    only(o, { service = true, overlay = true, pattern_search = true, no_overlay = true,
              no_profile = true }, "model options", 3)
    anchor[1] = o -- until the call that takes mo returns
    local mo = ffi_new("awsval_model_opts")
    mo.size = ffi_sizeof("awsval_model_opts")
    local flags = 0
    if o.pattern_search then flags = bit.bor(flags, C.AWSVAL_MODEL_PATTERN_SEARCH) end
    if o.no_overlay then flags = bit.bor(flags, C.AWSVAL_MODEL_NO_OVERLAY) end
    if o.no_profile then flags = bit.bor(flags, C.AWSVAL_MODEL_NO_PROFILE) end
    mo.flags = flags
    if o.overlay ~= nil then
        if type(o.overlay) ~= "string" then error("model options: overlay must be JSON text", 3) end
        mo.overlay, mo.overlay_len = o.overlay, #o.overlay
    end
    if o.service ~= nil then
        if type(o.service) ~= "string" then error("model options: service must be a string", 3) end
        mo.service = o.service
    end
    return mo
end

local function new_model(ptr, err, what)
    if ptr == nil then
        local msg = ffi_string(err.message)
        if err.line > 0 then
            msg = msg .. " (line " .. tostring(err.line) .. ", column " .. tostring(err.column) .. ")"
        end
        return nil, what .. ": " .. code_name(err.code) .. ": " .. msg, code_name(err.code)
    end
    return setmetatable({ ptr = ffi_gc(ptr, lib.awsval_model_free) }, Model)
end

local function new_err()
    local e = ffi_new("awsval_model_err")
    e.size = ffi_sizeof("awsval_model_err")
    return e
end

local function check_string(v, name, level)
    if type(v) ~= "string" then error(name .. ": a string expected", level + 1) end
end

-- A built-in model by service name ("vpc-lattice", "apprunner").
-- Returns the model, or nil, an error message and the code's name.
function _M.load_builtin(service, opts)
    check_string(service, "load_builtin: service", 2)
    local l = need_lib()
    local mo = model_opts(opts)
    local err = new_err()
    local m = l.awsval_model_load_builtin(service, mo, err)
    anchor[1] = nil
    return new_model(m, err, "load_builtin " .. service)
end

-- A model from a botocore data directory: DIR/SERVICE/VERSION/service-2.json[.gz]. `service`
-- is "name" (newest version) or "name@version".
function _M.load_dir(dir, service, opts)
    check_string(dir, "load_dir: dir", 2)
    check_string(service, "load_dir: service", 2)
    local l = need_lib()
    local mo = model_opts(opts)
    local err = new_err()
    local m = l.awsval_model_load_dir(dir, service, mo, err)
    anchor[1] = nil
    return new_model(m, err, "load_dir " .. dir .. " " .. service)
end

-- A model from a service-2.json file (plain or gzip). opts.service names the service (picks
-- the built-in overlay and answer profile); default: the model's metadata.endpointPrefix.
function _M.load_file(path, opts)
    check_string(path, "load_file: path", 2)
    local l = need_lib()
    local mo = model_opts(opts)
    local err = new_err()
    local m = l.awsval_model_load_file(path, mo, err)
    anchor[1] = nil
    return new_model(m, err, "load_file " .. path)
end

-- Frees the model now rather than when the GC collects it (LuaJIT's GC does not see the C
-- memory a model holds). The model must not be used afterwards (checks then fail with BADARG).
function Model:free()
    local p = self.ptr
    if p ~= nil then
        self.ptr = nil
        lib.awsval_model_free(ffi_gc(p, nil))
    end
end

local function live(model)
    if model.ptr == nil then error("the model was freed", 3) end
    return model.ptr
end

function Model:service() return ffi_string(lib.awsval_model_service(live(self))) end
function Model:api_version() return ffi_string(lib.awsval_model_api_version(live(self))) end
function Model:protocol() return ffi_string(lib.awsval_model_protocol(live(self))) end
function Model:operations()
    local p, out = live(self), {}
    for i = 0, tonumber(lib.awsval_model_operation_count(p)) - 1 do
        out[#out + 1] = ffi_string(lib.awsval_model_operation_name(p, i))
    end
    return out
end

-- A place for models loaded in init_by_lua, so that access(name) finds them in every worker.
_M.models = {}

-- model{service =, models_dir =, model_file =}: the model a gateway plugin's configuration
-- names (model_file: that file, for that service; models_dir: that botocore data directory;
-- else the built-in model), loaded on first use in this process and kept for the next.
-- Returns the model, or nil and an error message (not kept: the next call tries again).
local spec_cache = {}
function _M.model(spec)
    if type(spec) ~= "table" then error("model: a table expected", 2) end
    check_string(spec.service, "model: service", 2)
    local key
    if spec.model_file ~= nil then
        check_string(spec.model_file, "model: model_file", 2)
        key = "file\0" .. spec.model_file .. "\0" .. spec.service
    elseif spec.models_dir ~= nil then
        check_string(spec.models_dir, "model: models_dir", 2)
        key = "dir\0" .. spec.models_dir .. "\0" .. spec.service
    else
        key = "builtin\0" .. spec.service
    end
    local m = spec_cache[key]
    if m then return m end
    local err
    if spec.model_file ~= nil then
        m, err = _M.load_file(spec.model_file, { service = spec.service })
    elseif spec.models_dir ~= nil then
        m, err = _M.load_dir(spec.models_dir, spec.service)
    else
        m, err = _M.load_builtin(spec.service)
    end
    if m then spec_cache[key] = m end
    return m, err
end

---------------------------------------------------------------------------------------------
-- The checker context: one per process (and Lua VM), made on first use in it
---------------------------------------------------------------------------------------------

local getpid
do
    pcall(ffi.cdef, "int getpid(void);")
    local ok, f = pcall(function() return ffi.C.getpid end)
    getpid = ok and f or function() return 0 end
end

-- A new context with configure()'s options (or conf's; ffi.gc frees it), or nil and an error.
function make_ctx(conf)
    local cfg = conf or cfg
    local l = need_lib()
    local o = ffi_new("awsval_ctx_opts")
    o.size = ffi_sizeof("awsval_ctx_opts")
    o.max_size = cfg.max_size or DEFAULT_MAX_SIZE
    o.max_depth = cfg.max_depth or 0
    o.max_violations = cfg.max_violations or 0
    o.max_memory = cfg.max_memory or 0
    o.retain_memory = cfg.retain_memory or 0
    if cfg.limit_open then o.flags = C.AWSVAL_CHECK_LIMIT_OPEN end
    local code = ffi_new("awsval_code[1]")
    local c = l.awsval_ctx_create(o, code)
    if c == nil then return nil, code_error("awsval_ctx_create", code[0]) end
    return ffi_gc(c, l.awsval_ctx_free)
end

local function get_ctx()
    local pid = getpid()
    if ctx ~= nil and ctx_pid == pid then return ctx end
    -- None yet, or one made before a fork (in the master): this process's copy of that one is
    -- released by the GC; this process makes its own.
    local c, err = make_ctx()
    if not c then return nil, err end
    ctx, ctx_pid = c, pid
    return ctx
end

-- The pid that made this process's context (nil before one is made) and the bytes it holds.
function _M.ctx_info()
    if ctx == nil or ctx_pid ~= getpid() then return nil end
    return { pid = ctx_pid, memory = tonumber(lib.awsval_ctx_memory(ctx)) }
end

---------------------------------------------------------------------------------------------
-- Rendering (snprintf-style: `need` is the size including the NUL)
---------------------------------------------------------------------------------------------

local BUF_KEEP = 65536 -- a buffer grown beyond this for one large report is not kept
local buf_cap = 4096
local buf = ffi_new("char[?]", buf_cap)
local need = ffi_new("size_t[1]")

local function grow(n)
    local b = ffi_new("char[?]", n)
    if n <= BUF_KEEP then buf, buf_cap = b, n end
    return b, n
end

-- Renders the last check on c in a style (i == nil: awsval_render; else the i-th violation's
-- message, awsval_ctx_violation_message), growing the buffer to what `need` says until it fits.
-- `hint`: the size needed, if known. Returns the text, or nil and the code's name.
local function render(c, style, hint, i)
    local b, cap = buf, buf_cap
    if hint and hint > cap then b, cap = grow(hint) end
    for _ = 1, 3 do
        local rc
        if i then
            rc = lib.awsval_ctx_violation_message(c, i, style, b, cap, need)
        else
            rc = lib.awsval_render(c, style, b, cap, need)
        end
        if rc == OK then return ffi_string(b, tonumber(need[0]) - 1) end
        if rc ~= TOOSMALL then return nil, code_name(rc) end
        b, cap = grow(tonumber(need[0]))
    end
    return nil, "TOOSMALL"
end

---------------------------------------------------------------------------------------------
-- Results
---------------------------------------------------------------------------------------------

local rej = ffi_new("awsval_rejection")
local vio = ffi_new("awsval_violation")

local function opt_string(p)
    if p == nil then return nil end
    return ffi_string(p)
end

-- The rejection pieces of the last (invalid) check: status, error_type, content_type,
-- type_header (nil when the protocol sends none) and body (the service's error document).
local function rejection(c, out)
    rej.size = ffi_sizeof("awsval_rejection")
    local rc = lib.awsval_ctx_rejection(c, rej)
    if rc ~= OK then return nil, code_error("awsval_ctx_rejection", rc) end
    local body, err = render(c, C.AWSVAL_REPORT_NATIVE, tonumber(rej.body_len) + 1)
    if not body then return nil, "awsval_render: " .. err end
    out.status = rej.status
    out.error_type = opt_string(rej.error_type) or ""
    out.content_type = opt_string(rej.content_type) or ""
    out.type_header = opt_string(rej.type_header)
    out.body = body
    return out
end

local SOURCES = { [C.AWSVAL_SOURCE_MODEL] = "model", [C.AWSVAL_SOURCE_DOCUMENTED] = "documented" }

-- The violations of the last check, as Lua tables.
local function violations(c)
    local out = {}
    for i = 0, tonumber(lib.awsval_ctx_violation_count(c)) - 1 do
        vio.size = ffi_sizeof("awsval_violation")
        local rc = lib.awsval_ctx_violation(c, i, vio)
        if rc ~= OK then return nil, code_error("awsval_ctx_violation", rc) end
        local msg, err = render(c, C.AWSVAL_REPORT_AWS, nil, i)
        if not msg then return nil, "awsval_ctx_violation_message: " .. err end
        local kind = lib.awsval_kind_name(vio.kind)
        out[#out + 1] = {
            kind = kind ~= nil and ffi_string(kind) or tostring(vio.kind),
            path = opt_string(vio.pointer) or "",
            aws_path = opt_string(vio.aws_path) or "",
            shape = opt_string(vio.shape) or "",
            constraint = opt_string(vio.constraint) or "",
            value = opt_string(vio.value),
            source = SOURCES[vio.source] or tostring(vio.source),
            sensitive = bit.band(vio.flags, C.AWSVAL_VIOLATION_SENSITIVE) ~= 0,
            offset = tonumber(vio.offset),
            length = tonumber(vio.length),
            message = msg,
        }
    end
    return out
end

-- The whole result of the last check on c, whose code was rc (OK or INVALID).
local function result(c, rc)
    local op = lib.awsval_ctx_operation(c)
    local res = {
        valid = rc == OK,
        code = code_name(rc),
        operation = opt_string(op),
        total = tonumber(lib.awsval_ctx_violation_total(c)),
    }
    local v, err = violations(c)
    if not v then return nil, err end
    res.violations = v
    if rc == INVALID then
        local ok, e = rejection(c, res)
        if not ok then return nil, e end
    end
    return res
end

---------------------------------------------------------------------------------------------
-- Checking parameters (boto3's JSON input of an operation)
---------------------------------------------------------------------------------------------

local cjson_encode
do
    local ok, cjson = pcall(require, "cjson.safe")
    if ok and type(cjson) == "table" and cjson.new then
        local j = cjson.new()
        cjson_encode = j.encode
        -- Debian's lua-cjson 2.1.0 caps the precision at 14 digits; keep the highest it takes.
        for p = 17, 14, -1 do
            if pcall(j.encode_number_precision, p) then break end
        end
    end
end
_M.has_cjson = cjson_encode ~= nil

local function flags_of(o)
    local f = cfg.limit_open and C.AWSVAL_CHECK_LIMIT_OPEN or 0
    if o then
        if o.limit_open ~= nil then
            f = o.limit_open and C.AWSVAL_CHECK_LIMIT_OPEN or 0
        end
        if o.ignore_unknown then f = bit.bor(f, C.AWSVAL_CHECK_IGNORE_UNKNOWN) end
    end
    return f
end

local function as_model(model, level)
    if type(model) == "string" then
        local m = _M.models[model]
        if not m then error("no model registered as '" .. model .. "' in awsval.models", level + 1) end
        return m
    end
    if getmetatable(model) ~= Model then error("a model expected", level + 1) end
    return model
end

-- check(model, operation, params [, {ignore_unknown =, limit_open =}]): checks an operation's
-- input. `params` is JSON text, or a Lua table that is encoded with lua-cjson (when it is
-- installed). Returns a result table (see README), or nil and an error message (no such
-- operation, not JSON-encodable, out of memory, ...).
function _M.check(model, operation, params, opts)
    model = as_model(model, 2)
    check_string(operation, "check: operation", 2)
    if type(params) == "table" then
        if not cjson_encode then
            return nil, "check: a table needs lua-cjson (apt install lua-cjson); pass JSON text"
        end
        local text, err = cjson_encode(params)
        if not text then return nil, "check: cannot encode the table as JSON: " .. tostring(err) end
        params = text
    elseif type(params) ~= "string" then
        error("check: params must be JSON text or a table", 2)
    end
    local c, err = get_ctx()
    if not c then return nil, err end
    local rc = lib.awsval_check_ex(c, live(model), operation, params, #params, flags_of(opts))
    if rc ~= OK and rc ~= INVALID then
        return nil, code_error("check " .. operation, rc), code_name(rc)
    end
    local res, rerr = result(c, rc)
    -- (awsval_ctx_operation answers NULL after awsval_check in 0.2.0-dev: name it ourselves.)
    if res then res.operation = res.operation or operation end
    return res, rerr
end

---------------------------------------------------------------------------------------------
-- Checking HTTP requests
---------------------------------------------------------------------------------------------

local hdr_cap = 64
local hdrs = ffi_new("awsval_http_header[?]", hdr_cap)
local hreq = ffi_new("awsval_http_request")

-- Sets hdrs[n] (growing hdrs as needed); returns n + 1.
local function add_header(n, name, value)
    if type(name) ~= "string" or type(value) ~= "string" then
        error("check_http: header names and values must be strings", 4)
    end
    if n == hdr_cap then
        local cap = hdr_cap * 2
        local h = ffi_new("awsval_http_header[?]", cap)
        ffi.copy(h, hdrs, n * ffi_sizeof("awsval_http_header"))
        hdrs, hdr_cap = h, cap
    end
    local h = hdrs[n]
    h.name, h.name_len, h.value, h.value_len = name, #name, value, #value
    return n + 1
end

-- Fills hdrs from `headers`: an array of {name, value}, or a table name -> value or array of
-- values (as ngx.req.get_headers() gives). Returns the count.
local function fill_headers(headers)
    local n = 0
    if type(headers) ~= "table" then error("check_http: headers must be a table", 3) end
    if headers[1] ~= nil then
        for _, pair in ipairs(headers) do n = add_header(n, pair[1], pair[2]) end
    else
        for name, value in pairs(headers) do
            if type(value) == "table" then
                for _, v in ipairs(value) do n = add_header(n, name, v) end
            else
                n = add_header(n, name, value)
            end
        end
    end
    return n
end

-- Runs awsval_check_http on the request table; returns the context and the code.
local function run_http(model, req, opts)
    if type(req) ~= "table" then error("check_http: a request table expected", 3) end
    local method, target, body = req.method, req.target or "", req.body or ""
    if type(method) ~= "string" or type(target) ~= "string" or type(body) ~= "string" then
        error("check_http: method, target and body must be strings", 3)
    end
    local mp = live(model)
    local c, err = get_ctx()
    if not c then return nil, err end
    anchor[1] = req
    local n = fill_headers(req.headers or {})
    hreq.size = ffi_sizeof("awsval_http_request")
    hreq.method, hreq.method_len = method, #method
    hreq.target, hreq.target_len = target, #target
    hreq.headers, hreq.header_count = hdrs, n
    hreq.body, hreq.body_len = body, #body
    local rc = lib.awsval_check_http_ex(c, mp, hreq, flags_of(opts))
    -- hreq and hdrs point into req's strings: clear them so that nothing dangles once req is
    -- collected.
    anchor[1] = nil
    hreq.method, hreq.target, hreq.body, hreq.headers = nil, nil, nil, nil
    for i = 0, n - 1 do hdrs[i].name, hdrs[i].value = nil, nil end
    if rc ~= OK and rc ~= INVALID then return nil, code_error("check_http", rc) end
    return c, rc
end

-- check_http(model, {method =, target =, headers =, body =} [, {limit_open =}]): checks an
-- HTTP request as the service would (routing on the raw target, or X-Amz-Target). Returns a
-- result table (valid, operation, violations, and for an invalid request status,
-- content_type, type_header, error_type, body), or nil and an error message.
function _M.check_http(model, req, opts)
    model = as_model(model, 2)
    local c, rc = run_http(model, req, opts)
    if not c then return nil, rc end
    return result(c, rc)
end

---------------------------------------------------------------------------------------------
-- lua-nginx-module: read the request, check it, answer for the service
---------------------------------------------------------------------------------------------

-- Reads up to `limit` bytes of the file at `path`.
local function read_file(path, limit)
    local f, err = io.open(path, "rb")
    if not f then return nil, err end
    local data, rerr = f:read(limit)
    f:close()
    if data == nil and rerr then return nil, rerr end
    return data or ""
end

-- read_request(): the current request as lua-nginx-module holds it: {method, target (the raw
-- request target, ngx.var.request_uri), headers (every header, names as sent), body}. Reads the
-- body first (ngx.req.read_body), from memory or from the file nginx buffered it to. A body
-- file is read up to max_size + 1 bytes: the check rejects anything longer without reading
-- more of it. Returns the table, or nil and an error message.
function _M.read_request()
    local ngx = ngx
    local req_api = ngx.req
    req_api.read_body()
    local body = req_api.get_body_data()
    if body == nil then
        local file = req_api.get_body_file()
        if file then
            local err
            body, err = read_file(file, (cfg.max_size or DEFAULT_MAX_SIZE) + 1)
            if not body then return nil, "cannot read the request body file: " .. tostring(err) end
        else
            body = ""
        end
    end
    local headers, err = req_api.get_headers(0, true)
    if not headers then return nil, "cannot read the request headers: " .. tostring(err) end
    return {
        method = req_api.get_method(),
        target = ngx.var.request_uri or "",
        headers = headers,
        body = body,
    }
end

-- check_request(model [, opts]): read_request() and check it. Returns the result of
-- check_http without the violations unless opts.violations: {valid, operation, and for an
-- invalid request status, content_type, type_header, error_type, body}; or nil and an error.
function _M.check_request(model, opts)
    model = as_model(model, 2)
    local req, err = _M.read_request()
    if not req then return nil, err end
    local c, rc = run_http(model, req, opts)
    if not c then return nil, rc end
    if opts and opts.violations then return result(c, rc) end
    local res = { valid = rc == OK, operation = opt_string(lib.awsval_ctx_operation(c)) }
    if rc == INVALID then
        local ok, e = rejection(c, res)
        if not ok then return nil, e end
    end
    return res
end

-- access(model_or_name [, opts]): for access_by_lua. A valid request goes on unchanged (to
-- proxy_pass, ...); an invalid one gets the service's answer (status, Content-Type, its error
-- type header, body) and ends here. A failure of the check itself (out of memory, ...) is
-- logged and answered 500: the request is not let through unchecked.
function _M.access(model, opts)
    local ngx = ngx
    model = as_model(model, 2)
    local res, err = _M.check_request(model, opts)
    if not res then
        ngx.log(ngx.ERR, "awsval: ", err)
        return ngx.exit(ngx.HTTP_INTERNAL_SERVER_ERROR)
    end
    if res.valid then return true end
    ngx.status = res.status
    local h = ngx.header
    h["Content-Type"] = res.content_type
    if res.type_header then h[res.type_header] = res.error_type end
    h["Content-Length"] = #res.body
    ngx.print(res.body)
    return ngx.exit(ngx.HTTP_OK)
end

-- render(result-less): the last check of this process's context in a style ("aws", "native",
-- "smithy", "json"); for callers that want another report than the result table holds. Call
-- it right after check/check_http, before anything else checks.
function _M.render(style)
    local s = STYLES[style]
    if not s then error("render: style must be aws, native, smithy or json", 2) end
    local c, err = get_ctx()
    if not c then return nil, err end
    return render(c, s)
end

return _M
