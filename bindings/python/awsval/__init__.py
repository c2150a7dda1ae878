"""awsval: check AWS API calls against the constraints of the service models before they are sent,
and get, for a call that breaks them, what the service itself would answer.

    import awsval
    model = awsval.Model.builtin("vpc-lattice")          # shared by every thread
    checker = awsval.Checker()                            # one per thread
    r = checker.check(model, "CreateServiceNetworkServiceAssociation",
                      {"serviceIdentifier": "svc-123", "serviceNetworkIdentifier": "sn-0123456789abcdefg"})
    r.valid, r.total, r.violations                        # False, 2, (Violation(...), ...)
    status, error_type, headers, body = r.native()        # 400, "ValidationException", {...}, b"{...}"

The boto3/botocore hook is awsval.boto (botocore is needed only there).
"""
import gzip
import json
import os
import threading
from typing import NamedTuple, Optional

from . import _encode
from ._awsval import ffi, lib

__all__ = ["Model", "Checker", "Result", "Violation", "Error", "ModelError", "NotFound",
           "__version__", "library_version"]


class Error(Exception):
    """A failure that is not a verdict on the request: a bad argument, a model that does not
    load, no such operation, out of memory. `code` is the library's code name ("BADARG", ...)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class NotFound(Error, LookupError):
    """No such service, version, operation, shape or member."""


class ModelError(Error):
    """A model did not load. `document` is "model", "overlay" or "builtin" (None: no position),
    `pos` a byte offset in it, `line` and `column` 1-based (0: none)."""

    def __init__(self, code, message, document=None, pos=0, line=0, column=0):
        super().__init__(code, message)
        self.document, self.pos, self.line, self.column = document, pos, line, column


def _code_name(code):
    name = lib.awsval_err_name(code)
    return ffi.string(name).decode() if name != ffi.NULL else str(code)


def _error(code, what):
    msg = "%s: %s" % (what, ffi.string(lib.awsval_strerror(code)).decode())
    if code == lib.AWSVAL_NOMEM:
        return MemoryError(msg)
    return (NotFound if code == lib.AWSVAL_NOTFOUND else Error)(_code_name(code), msg)


def _str(p):
    return ffi.string(p).decode("utf-8") if p != ffi.NULL else None


def _utf8(s, what):
    if isinstance(s, str):
        return s.encode("utf-8")
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))


# ---------------------------------------------------------------------------------------------
# The build check: this module must run with the library version and struct sizes it was
# compiled for.
# ---------------------------------------------------------------------------------------------

_PROBE_MODEL = (b'{"metadata":{"protocol":"json","apiVersion":"1","endpointPrefix":"probe",'
                b'"jsonVersion":"1.0","targetPrefix":"P"},"operations":{"Op":{"name":"Op",'
                b'"http":{"method":"POST","requestUri":"/"},"input":{"shape":"In"}}},"shapes":{'
                b'"In":{"type":"structure","required":["a"],"members":{"a":{"shape":"S"}}},'
                b'"S":{"type":"string"}}}')


def _check_build(lib=lib):
    header = ffi.string(lib.awsval_py_header_version()).decode()
    library = ffi.string(lib.awsval_version_string()).decode()
    if lib.awsval_version() != lib.AWSVAL_VERSION_HEX or header != library:
        raise ImportError("awsval: the extension was compiled against awsval %s but runs with "
                          "library %s; rebuild the package" % (header, library))
    # Size-prefixed structs: the library writes back the size it knows (model_err, violation,
    # rejection) or refuses one it does not know (ctx_opts; http_request below its own).
    sizes = {}
    err = ffi.new("awsval_model_err *", {"size": ffi.sizeof("awsval_model_err")})
    if lib.awsval_model_load_buffer(b"[", 1, ffi.NULL, err) != ffi.NULL:
        raise ImportError("awsval: the library accepted a model that is not JSON")
    sizes["awsval_model_err"] = err.size
    opts = ffi.new("awsval_model_opts *", {"size": ffi.sizeof("awsval_model_opts")})
    m = ffi.gc(lib.awsval_model_load_buffer(_PROBE_MODEL, len(_PROBE_MODEL), opts, err),
               lib.awsval_model_free)
    copts = ffi.new("awsval_ctx_opts *", {"size": ffi.sizeof("awsval_ctx_opts")})
    c = lib.awsval_ctx_create(copts, ffi.NULL)
    if m == ffi.NULL or c == ffi.NULL:
        raise ImportError("awsval: the library refuses this module's awsval_model_opts or "
                          "awsval_ctx_opts (sizes %d, %d)" % (opts.size, copts.size))
    c = ffi.gc(c, lib.awsval_ctx_free)
    sizes["awsval_ctx_opts"] = copts.size
    v = ffi.new("awsval_violation *", {"size": ffi.sizeof("awsval_violation")})
    rj = ffi.new("awsval_rejection *", {"size": ffi.sizeof("awsval_rejection")})
    if (lib.awsval_check(c, m, b"Op", b"{}", 2) != lib.AWSVAL_INVALID
            or lib.awsval_ctx_violation(c, 0, v) != lib.AWSVAL_OK
            or lib.awsval_ctx_rejection(c, rj) != lib.AWSVAL_OK or v.kind != lib.AWSVAL_KIND_REQUIRED):
        raise ImportError("awsval: the library gives a wrong answer to the import check")
    sizes["awsval_violation"], sizes["awsval_rejection"] = v.size, rj.size
    req = ffi.new("awsval_http_request *", {"size": ffi.sizeof("awsval_http_request")})
    method = ffi.new("char[]", b"GET")
    req.method, req.method_len = method, 3
    if lib.awsval_check_http(c, m, req) == lib.AWSVAL_BADARG:
        raise ImportError("awsval: the library refuses this module's awsval_http_request")
    sizes["awsval_http_request"] = req.size
    wrong = {k: (n, ffi.sizeof(k)) for k, n in sizes.items() if n != ffi.sizeof(k)}
    if wrong:
        raise ImportError("awsval: struct sizes differ between the library and this module "
                          "(library, module): %r; rebuild the package" % wrong)


_check_build()

library_version = ffi.string(lib.awsval_version_string()).decode()
__version__ = library_version


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

_ERRDOC = {1: "model", 2: "overlay", 3: "builtin"}


def _model_opts(service=None, pattern_search=False, overlay=True, profile=True, extra_overlay=None):
    keep = []
    opts = ffi.new("awsval_model_opts *", {"size": ffi.sizeof("awsval_model_opts")})
    opts.flags = ((lib.AWSVAL_MODEL_PATTERN_SEARCH if pattern_search else 0)
                  | (0 if overlay else lib.AWSVAL_MODEL_NO_OVERLAY)
                  | (0 if profile else lib.AWSVAL_MODEL_NO_PROFILE))
    if service is not None:
        keep.append(ffi.new("char[]", _utf8(service, "service")))
        opts.service = keep[-1]
    if extra_overlay is not None:
        doc = json.dumps(extra_overlay).encode() if isinstance(extra_overlay, dict) \
            else _utf8(extra_overlay, "extra_overlay")
        keep.append(ffi.new("char[]", doc))
        opts.overlay, opts.overlay_len = keep[-1], len(doc)
    return opts, keep


def _new_err():
    return ffi.new("awsval_model_err *", {"size": ffi.sizeof("awsval_model_err")})


def _loaded(ptr, err, what):
    if ptr == ffi.NULL:
        code = err.code
        msg = "%s: %s" % (what, ffi.string(err.message).decode("utf-8", "replace"))
        if code == lib.AWSVAL_NOMEM:
            raise MemoryError(msg)
        cls = NotFound if code == lib.AWSVAL_NOTFOUND else ModelError
        if cls is NotFound:
            raise NotFound(_code_name(code), msg)
        raise ModelError(_code_name(code), msg, _ERRDOC.get(err.doc), err.pos, err.line, err.column)
    return ffi.gc(ptr, lib.awsval_model_free)


def _read_document(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return json.loads(data)


class Model:
    """A compiled service model: immutable, shared by any number of threads and Checkers.

    Options of every constructor (keyword-only): pattern_search (a pattern may match anywhere,
    Smithy's rule; default: the whole value, as AWS services), overlay=False (leave out the
    constraints only the documentation states), profile=False (answers derived from the model
    alone), extra_overlay (an overlay document, dict or JSON text, see models/README.md).

    Python values are converted as botocore serializes them, by the shape of each member (a
    str given for a blob is its UTF-8 bytes, ...). That needs the model's document, which the
    package reads for from_dict, from_file and from_dir models; Model.builtin models have no
    document in Python, and their values are converted by their Python type alone (the built-in
    models' inputs have no blob or timestamp members).
    """

    __slots__ = ("_ptr", "service", "api_version", "protocol", "_doc", "_load_doc", "_shapes",
                 "__weakref__")

    def __init__(self, ptr, load_doc=None, doc=None):
        self._ptr = ptr
        self.service = _str(lib.awsval_model_service(ptr))
        self.api_version = _str(lib.awsval_model_api_version(ptr))
        self.protocol = _str(lib.awsval_model_protocol(ptr))
        self._doc, self._load_doc, self._shapes = doc, load_doc, None

    @classmethod
    def builtin(cls, name, **options):
        """One of the models built into the library ("vpc-lattice", "apprunner")."""
        opts, keep = _model_opts(**options)
        err = _new_err()
        ptr = lib.awsval_model_load_builtin(_utf8(name, "name"), opts, err)
        return cls(_loaded(ptr, err, "built-in model %r" % (name,)))

    @staticmethod
    def builtin_names():
        """The names of the built-in models."""
        return tuple(_str(lib.awsval_builtin_name(i)) for i in range(lib.awsval_builtin_count()))

    @classmethod
    def from_file(cls, path, service=None, **options):
        """A botocore service-2.json (plain or gzip). `service` is the name as botocore spells it
        (picks the built-in overlay and answer profile); None: metadata.endpointPrefix."""
        path = os.fspath(path)
        opts, keep = _model_opts(service, **options)
        err = _new_err()
        ptr = lib.awsval_model_load_file(os.fsencode(path), opts, err)
        return cls(_loaded(ptr, err, path), load_doc=lambda: _read_document(path))

    @classmethod
    def from_dir(cls, directory, name, **options):
        """From a botocore data directory (DIR/SERVICE/VERSION/service-2.json[.gz]); `name` is
        "service" (the newest version) or "service@version"."""
        directory = os.fspath(directory)
        service, _, version = _utf8(name, "name").decode().partition("@")
        opts, keep = _model_opts(**options)
        err = _new_err()
        ptr = lib.awsval_model_load_dir(os.fsencode(directory), _utf8(name, "name"), opts, err)
        model = cls(_loaded(ptr, err, "%s in %s" % (name, directory)))

        def load_doc():
            # The version directory the library read: the one named, else the greatest name.
            base = os.path.join(directory, service)
            ver = version or max(v for v in os.listdir(base) if os.path.isdir(os.path.join(base, v)))
            for f in ("service-2.json", "service-2.json.gz"):
                if os.path.exists(os.path.join(base, ver, f)):
                    return _read_document(os.path.join(base, ver, f))
            return None

        model._load_doc = load_doc
        return model

    @classmethod
    def from_dict(cls, model_dict, service, **options):
        """From a service model as a dict (as botocore's loader returns it), serialised to JSON.
        The dict is kept (not copied) to convert values by shape: do not change it."""
        text = json.dumps(model_dict, separators=(",", ":")).encode()
        opts, keep = _model_opts(service, **options)
        err = _new_err()
        ptr = lib.awsval_model_load_buffer(text, len(text), opts, err)
        return cls(_loaded(ptr, err, "model of %r" % (service,)), doc=model_dict)

    @property
    def operations(self):
        """The operation names, in alphabetical order."""
        p = self._ptr
        return tuple(_str(lib.awsval_model_operation_name(p, i))
                     for i in range(lib.awsval_model_operation_count(p)))

    @property
    def shape_count(self):
        return lib.awsval_model_shape_count(self._ptr)

    @property
    def pattern_count(self):
        return lib.awsval_model_pattern_count(self._ptr)

    def describe(self, operation=None):
        """The operations, or one operation's input members and their constraints, as text."""
        op = ffi.NULL if operation is None else _utf8(operation, "operation")
        return _render(lambda buf, cap, need: lib.awsval_model_describe(self._ptr, op, buf, cap, need),
                       "describe %s" % (operation,)).decode("utf-8")

    def encode(self, operation, params):
        """The JSON text awsval checks for `params` (Python values as boto3 takes them)."""
        shapes = self._shapes
        if shapes is None:
            if self._doc is None and self._load_doc is not None:
                self._doc = self._load_doc()
            shapes = self._shapes = _encode.Shapes(self._doc, self.protocol)
        return shapes.encode(operation, params)

    def __repr__(self):
        return "<awsval.Model %s %s (%s)>" % (self.service, self.api_version, self.protocol)


def _render(call, what, cap=4096):
    """Runs an snprintf-style library call (buf, cap, need) until the buffer fits; the bytes."""
    need = ffi.new("size_t *")
    while True:
        buf = ffi.new("char[]", cap)
        rc = call(buf, cap, need)
        if rc == lib.AWSVAL_OK:
            return ffi.buffer(buf, need[0] - 1)[:]
        if rc != lib.AWSVAL_TOOSMALL or need[0] <= cap:
            raise _error(rc, what)
        cap = need[0]


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

class Violation(NamedTuple):
    """One broken constraint. `path` is a JSON Pointer into the params ("/tags/aws:x"),
    `aws_path` the member path as the service writes it ("tags"), `value` the value as the
    service echoes it (None when it is not echoed: sensitive or missing), `message` the
    service's sentence for this violation alone."""
    kind: str            # required, type, length, pattern, enum, range, union, unknown, parse, limit, ...
    source: str          # "model" or "documented" (an overlay)
    path: str
    aws_path: str
    constraint: str
    value: Optional[str]
    message: str
    shape: str
    pattern: Optional[str]
    min: Optional[str]
    max: Optional[str]
    actual: int          # LENGTH: the length found; UNION: members set; else -1
    offset: int          # byte offset of the value in the checked JSON text (or HTTP body)
    length: int
    group: int
    sensitive: bool


class Result:
    """The verdict on one request. valid, total (violations found; `violations` holds at most
    the checker's max_violations of them), operation (the one checked, or routed to by
    check_http), message (the service's message; "" when valid)."""

    __slots__ = ("valid", "total", "violations", "operation", "message", "_native", "_http")

    def __init__(self, valid, total, violations, operation, message="", native=None, http=None):
        self.valid, self.total, self.violations, self.operation = valid, total, violations, operation
        self.message, self._native, self._http = message, native, http

    def native(self):
        """What the service would answer: (status, error_type, headers, body) with headers a dict
        (Content-Type, the error type header when the protocol has one, Content-Length) and
        body bytes; None for a valid request."""
        if self._native is None:
            return None
        status, etype, headers, body = self._native
        return status, etype, dict(headers), body

    def http(self):
        """check_http results: the whole HTTP/1.1 response as bytes (b"" when valid)."""
        return self._http if self._http is not None else b""

    def __repr__(self):
        if self.valid:
            return "<awsval.Result valid %s>" % (self.operation,)
        return "<awsval.Result invalid %s: %d violation(s)>" % (self.operation, self.total)


_LIMITS = ("max_size", "max_depth", "max_violations", "match_limit", "depth_limit",
           "heap_limit_kib", "match_limit_per_byte", "max_memory", "retain_memory")


class Checker:
    """A checker context: one per thread (it holds scratch memory and the last result); models
    are shared. The GIL is released while the library checks.

    Keyword options: ignore_unknown (do not report members the model does not define),
    limit_open (a pattern not decided within the match limits is not a violation), and the
    limits of awsval_ctx_opts: max_size, max_depth, max_violations, match_limit, depth_limit,
    heap_limit_kib, match_limit_per_byte, max_memory, retain_memory (0 or absent: default).
    """

    __slots__ = ("_ctx", "_lock", "_flags", "_v", "_rej", "__weakref__")

    def __init__(self, *, ignore_unknown=False, limit_open=False, **limits):
        opts = ffi.new("awsval_ctx_opts *", {"size": ffi.sizeof("awsval_ctx_opts")})
        for k, v in limits.items():
            if k not in _LIMITS:
                raise TypeError("Checker() got an unexpected keyword argument %r" % (k,))
            try:
                setattr(opts, k, int(v))
            except OverflowError:
                raise ValueError("Checker(): %s=%r is out of range" % (k, v)) from None
        self._flags = ((lib.AWSVAL_CHECK_IGNORE_UNKNOWN if ignore_unknown else 0)
                       | (lib.AWSVAL_CHECK_LIMIT_OPEN if limit_open else 0))
        opts.flags = self._flags
        code = ffi.new("awsval_code *")
        ctx = lib.awsval_ctx_create(opts, code)
        if ctx == ffi.NULL:
            if code[0] == lib.AWSVAL_BADARG:
                raise ValueError("Checker(): an option is out of range: %r" % (limits,))
            raise _error(code[0], "Checker()")
        self._ctx = ffi.gc(ctx, lib.awsval_ctx_free)
        self._lock = threading.Lock()
        self._v = ffi.new("awsval_violation *")
        self._rej = ffi.new("awsval_rejection *")

    def _flags_for(self, ignore_unknown):
        if ignore_unknown is None:
            return self._flags
        return (self._flags & ~lib.AWSVAL_CHECK_IGNORE_UNKNOWN) | \
            (lib.AWSVAL_CHECK_IGNORE_UNKNOWN if ignore_unknown else 0)

    def _acquire(self):
        if not self._lock.acquire(False):
            raise RuntimeError("awsval.Checker is in use by another thread: make one per thread")

    def check(self, model, operation, params, *, ignore_unknown=None):
        """Checks an operation's input given as Python values, as boto3 takes them: dicts,
        lists, str, int, float, bool, None, Decimal, bytes/bytearray (blobs), datetime
        (timestamps); a str for a blob member is its UTF-8 bytes; a file-like value for a
        (streaming) blob is not read, and its length is not checked. Raises TypeError for a
        value that has no place in a request, NotFound for an unknown operation."""
        data = model.encode(operation, params)
        return self._check(model, operation, data, ignore_unknown)

    def check_json(self, model, operation, document, *, ignore_unknown=None):
        """Checks an operation's input given as JSON text (str or bytes), as the CLI does."""
        return self._check(model, operation, _utf8(document, "document"), ignore_unknown)

    def _check(self, model, operation, data, ignore_unknown=None):
        op = _utf8(operation, "operation")
        flags = self._flags_for(ignore_unknown)
        self._acquire()
        try:
            rc = lib.awsval_check_ex(self._ctx, model._ptr, op, data, len(data), flags)
            if rc == lib.AWSVAL_OK:
                return Result(True, 0, (), operation)
            if rc == lib.AWSVAL_INVALID:
                return self._result(operation, False)
            if rc == lib.AWSVAL_NOTFOUND:
                raise NotFound("NOTFOUND", "%s has no operation %r" % (model.service, operation))
            raise _error(rc, "check %s" % (operation,))
        finally:
            self._lock.release()

    def check_http(self, model, method, target, headers=(), body=b""):
        """Checks an HTTP request as a service receives it (restJson1, awsJson): finds the
        operation, binds labels, query, headers and body, and checks them. `headers` is a
        mapping or (name, value) pairs (repeated names kept); `body` bytes or str. The result's
        native() and http() are the service's exact answer."""
        keep = []

        def buf(s, what):
            b = _utf8(s, what)
            keep.append(b)
            return ffi.from_buffer(b), len(b)

        pairs = list(headers.items()) if hasattr(headers, "items") else list(headers)
        hdrs = ffi.new("awsval_http_header[]", max(len(pairs), 1))
        for i, (name, value) in enumerate(pairs):
            hdrs[i].name, hdrs[i].name_len = buf(name, "header name")
            hdrs[i].value, hdrs[i].value_len = buf(value, "header value")
        keep.append(hdrs)
        req = ffi.new("awsval_http_request *", {"size": ffi.sizeof("awsval_http_request")})
        req.method, req.method_len = buf(method, "method")
        req.target, req.target_len = buf(target, "target")
        req.headers, req.header_count = hdrs, len(pairs)
        if body:
            req.body, req.body_len = buf(body, "body")
        self._acquire()
        try:
            rc = lib.awsval_check_http(self._ctx, model._ptr, req)
            op = _str(lib.awsval_ctx_operation(self._ctx))
            if rc == lib.AWSVAL_OK:
                return Result(True, 0, (), op, http=b"")
            if rc == lib.AWSVAL_INVALID:
                return self._result(op, True)
            raise _error(rc, "check_http")
        finally:
            self._lock.release()

    def _result(self, operation, http):
        """Copies the last (invalid) result out of the context."""
        ctx, v = self._ctx, self._v
        out = []
        for i in range(lib.awsval_ctx_violation_count(ctx)):
            v.size = ffi.sizeof("awsval_violation")
            rc = lib.awsval_ctx_violation(ctx, i, v)
            if rc != lib.AWSVAL_OK:
                raise _error(rc, "violation %d" % i)
            msg = _render(lambda b, cap, need: lib.awsval_ctx_violation_message(
                ctx, i, lib.AWSVAL_REPORT_AWS, b, cap, need), "violation message", 512)
            out.append(Violation(
                _str(lib.awsval_kind_name(v.kind)) or str(v.kind),
                "documented" if v.source == lib.AWSVAL_SOURCE_DOCUMENTED else "model",
                _str(v.pointer), _str(v.aws_path), _str(v.constraint), _str(v.value),
                msg.decode("utf-8"), _str(v.shape), _str(v.pattern), _str(v.min_text),
                _str(v.max_text), v.actual, v.offset, v.length, v.group,
                bool(v.flags & lib.AWSVAL_VIOLATION_SENSITIVE)))
        rej = self._rej
        rej.size = ffi.sizeof("awsval_rejection")
        rc = lib.awsval_ctx_rejection(ctx, rej)
        if rc != lib.AWSVAL_OK:
            raise _error(rc, "rejection")
        body = _render(lambda b, cap, need: lib.awsval_render(ctx, lib.AWSVAL_REPORT_NATIVE, b, cap, need),
                       "native report")
        message = _render(lambda b, cap, need: lib.awsval_render(ctx, lib.AWSVAL_REPORT_AWS, b, cap, need),
                          "message").decode("utf-8")
        etype = _str(rej.error_type) or ""
        headers = {"Content-Type": _str(rej.content_type) or ""}
        if rej.type_header != ffi.NULL:
            headers[_str(rej.type_header)] = etype
        headers["Content-Length"] = str(len(body))
        raw = _render(lambda b, cap, need: lib.awsval_render_http(ctx, b, cap, need), "HTTP response") \
            if http else None
        return Result(False, lib.awsval_ctx_violation_total(ctx), tuple(out), operation, message,
                      (rej.status, etype, headers, body), raw)

    @property
    def memory(self):
        """Bytes the context holds now."""
        return lib.awsval_ctx_memory(self._ctx)

    def trim(self):
        """Releases scratch memory down to the context's baseline."""
        self._acquire()
        try:
            lib.awsval_ctx_trim(self._ctx)
        finally:
            self._lock.release()
