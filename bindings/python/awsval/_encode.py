"""Python values (as boto3 takes them) -> the JSON text awsval checks.

The JSON follows the header's "Values as JSON": a blob is base64 text, a timestamp an epoch
number or an RFC 3339 / IMF-fixdate string, a float "NaN"/"Infinity"/"-Infinity" when not
finite. Values are converted as botocore's serializers convert them, by the member's shape when
the model document is known: a str for a blob is its UTF-8 bytes; a timestamp (datetime, or a
str or number botocore parses) takes the member's timestampFormat, else the protocol's (epoch
seconds for JSON protocols, ISO 8601 for the others); Decimal is written exactly, float by
repr. A file-like value for a blob, and any value for a streaming blob (an S3 object body), is
not read: it stands in as a blob of the shape's minimum length, so its length is not checked.

A value that has no JSON form for its member (bytes for a string member, an arbitrary object)
raises Unrepresentable: botocore's own validator or serializer reports those.
"""
import base64
import calendar
import datetime
import decimal
import email.utils
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii as _jstr

_DATETIME = datetime.datetime
_UTC = datetime.timezone.utc
_BYTES = (bytes, bytearray, memoryview)
_INF = float("inf")


class Unrepresentable(TypeError):
    """A value with no JSON form for its member. `path` is its JSON Pointer."""

    def __init__(self, path, value, shape_type):
        self.path = _pointer(path)
        what = "a %s member" % shape_type if shape_type else "a request"
        super().__init__("the %s at '%s' has no place in %s" % (type(value).__name__, self.path, what))


def _pointer(path):
    keys = []
    while path:
        path, key = path
        keys.append(str(key).replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(reversed(keys))


_parse_timestamp = None


def _parse(value):
    """botocore's reading of a str or number timestamp, or None (then it goes as it is)."""
    global _parse_timestamp
    if _parse_timestamp is None:
        try:
            from botocore.utils import parse_timestamp
        except ImportError:  # no botocore: the library reads RFC 3339 and epoch numbers itself
            def parse_timestamp(v):
                raise ValueError(v)
        _parse_timestamp = parse_timestamp
    try:
        return _parse_timestamp(value)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def _timestamp(v, fmt):
    if isinstance(v, _DATETIME):
        dt = v
    else:
        dt = _parse(v)
        if dt is None:
            return _jstr(v) if isinstance(v, str) else _number(v)
    dt = dt.replace(tzinfo=_UTC) if dt.tzinfo is None else dt.astimezone(_UTC)
    fmt = fmt.lower()
    if fmt == "unixtimestamp":
        return str(int(calendar.timegm(dt.timetuple())))
    if fmt == "rfc822":
        return _jstr(email.utils.formatdate(calendar.timegm(dt.timetuple()), usegmt=True))
    return _jstr(dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if dt.microsecond else "%Y-%m-%dT%H:%M:%SZ"))


def _float(v):
    if v != v:
        return '"NaN"'
    if v == _INF:
        return '"Infinity"'
    if v == -_INF:
        return '"-Infinity"'
    return float.__repr__(v)


def _decimal(d):
    if d.is_nan():
        return '"NaN"'
    if d.is_infinite():
        return '"-Infinity"' if d.is_signed() else '"Infinity"'
    return str(d)


def _number(v):
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, decimal.Decimal):
        return _decimal(v)
    return int.__repr__(v)


def _blob(b):
    return '"' + base64.b64encode(b).decode("ascii") + '"'


def _scalar(v, t, out):
    """The common cases at once: a str, bool or int whose JSON form does not depend on the
    shape type `t` (all but blobs and timestamps). True when written."""
    cls = v.__class__
    if cls is str:
        if t != "blob" and t != "timestamp":
            out.append(_jstr(v))
            return True
    elif cls is bool:
        out.append("true" if v else "false")
        return True
    elif cls is int:
        if t != "timestamp":
            out.append(int.__repr__(v))
            return True
    return False


class Shapes:
    """The shapes of a model document (a dict as botocore loads it), or none (None)."""

    __slots__ = ("shapes", "operations", "ts_format")

    def __init__(self, doc, protocol):
        self.shapes = doc.get("shapes", {}) if doc else {}
        self.operations = doc.get("operations", {}) if doc else {}
        self.ts_format = "unixtimestamp" if protocol in ("json", "rest-json") else "iso8601"

    def encode(self, operation, params):
        if not isinstance(params, Mapping):
            raise TypeError("params must be a mapping of the operation's input members, not %s"
                            % type(params).__name__)
        ref = (self.operations.get(operation) or {}).get("input")
        out = []
        self._value(self.shapes.get(ref["shape"]) if ref else None, ref, params, out, None)
        return "".join(out).encode("ascii")

    def _value(self, shape, ref, v, out, path):
        if v is None:
            out.append("null")
            return
        t = shape.get("type") if shape is not None else None
        if _scalar(v, t, out):
            return
        if t == "structure":
            if isinstance(v, Mapping):
                self._members(v, shape.get("members") or {}, out, path)
                return
        elif t == "list":
            if isinstance(v, (list, tuple)):
                m = shape.get("member")
                ms = self.shapes.get(m["shape"]) if m else None
                mt = ms.get("type") if ms is not None else None
                out.append("[")
                for i, x in enumerate(v):
                    if i:
                        out.append(",")
                    if not _scalar(x, mt, out):
                        self._value(ms, m, x, out, (path, i))
                out.append("]")
                return
        elif t == "map":
            if isinstance(v, Mapping):
                m = shape.get("value")
                self._members(v, None, out, path, m, self.shapes.get(m["shape"]) if m else None)
                return
        elif t == "blob":
            if hasattr(v, "read") or shape.get("streaming") and isinstance(v, (_BYTES, str)):
                # Not read, not copied: a stand-in of the shape's minimum length.
                out.append(_blob(bytes(int(shape.get("min", 0) or 0))))
                return
            if isinstance(v, _BYTES):
                out.append(_blob(bytes(v)))
                return
            if isinstance(v, str):
                out.append(_blob(v.encode("utf-8")))
                return
        elif t == "timestamp":
            if isinstance(v, (_DATETIME, str, int, float, decimal.Decimal)) and not isinstance(v, bool):
                fmt = (ref or {}).get("timestampFormat") or shape.get("timestampFormat") or self.ts_format
                out.append(_timestamp(v, fmt))
                return
        elif t in ("float", "double"):
            if isinstance(v, float):
                out.append(_float(v))
                return
        self._plain(v, out, path, t)

    def _members(self, v, members, out, path, ref=None, shape=None):
        """An object: a structure's members (by `members`), or a map's entries (each value of
        shape `shape`, or of none), or one of unknown shape (neither)."""
        shapes = self.shapes
        t = shape.get("type") if shape is not None else None
        out.append("{")
        first = True
        for k, x in v.items():
            if k.__class__ is not str and not isinstance(k, str):
                raise Unrepresentable(path, k, "member name" if members is not None else "map key")
            if first:
                first = False
            else:
                out.append(",")
            out.append(_jstr(k) + ":")
            if members is not None:
                ref = members.get(k)
                shape = shapes.get(ref["shape"]) if ref is not None else None
                t = shape.get("type") if shape is not None else None
            if x is None:
                out.append("null")
            elif not _scalar(x, t, out):
                self._value(shape, ref, x, out, (path, k))
        out.append("}")

    def _plain(self, v, out, path, t):
        """A value by its Python type alone: a JSON type that may not fit the shape (the check
        then says so, as the service would), or, where no shape is known, a blob or timestamp."""
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, str):
            out.append(_jstr(v))
        elif isinstance(v, (int, float, decimal.Decimal)):
            out.append(_number(v))
        elif isinstance(v, Mapping):
            self._members(v, None, out, path)
        elif isinstance(v, (list, tuple)):
            out.append("[")
            for i, x in enumerate(v):
                if i:
                    out.append(",")
                self._value(None, None, x, out, (path, i))
            out.append("]")
        elif t is None and isinstance(v, _BYTES):
            out.append(_blob(bytes(v)))
        elif t is None and isinstance(v, _DATETIME):
            out.append(_timestamp(v, self.ts_format))
        elif t is None and hasattr(v, "read"):
            out.append('""')
        else:
            raise Unrepresentable(path, v, t)
