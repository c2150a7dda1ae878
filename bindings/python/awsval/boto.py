"""The boto3/botocore hook: every call is checked by awsval before it is built and sent.

    import boto3, awsval.boto
    session = boto3.Session()
    awsval.boto.install(session)                 # clients created from it afterwards are checked
    session.client("vpc-lattice").create_service_network_service_association(
        serviceIdentifier="svc-123", serviceNetworkIdentifier="sn-0123456789abcdefg")
    # -> awsval.boto.ValidationError; e.response["Error"]["Code"] == "ValidationException"

One handler is registered, last, on the bare `before-parameter-build` event: the parameters are
final there (ClientToken auto-fill has run; nothing changes them before the request is built).
The model is the one botocore uses for the client (the dict its loader returned, so
AWS_DATA_PATH and sdk-extras apply), compiled once per (service name, API version) and cached
for the process; each thread checks with its own awsval.Checker.

Modes: "raise" raises ValidationError (a botocore ParamValidationError) whose .response is what
botocore would parse from the service's 400; "service" raises the client's own modelled
exception (a ClientError subclass) with that response, as if the service had answered; "log"
logs the service's message (logger "awsval.boto", WARNING) and sends the request.

Streaming blobs (an S3 object body) and file-like values are not read, and their length is not
checked. A value with no JSON form for its member (bytes for a string member, an arbitrary
object) is left to botocore's own validator and serializer, which report it. A service model
that awsval cannot compile is logged once (ERROR) and its calls are sent unchecked.
"""
import logging
import threading

from botocore.awsrequest import HeadersDict
from botocore.exceptions import ParamValidationError
from botocore.parsers import ResponseParserFactory

import awsval
from awsval._encode import Unrepresentable

__all__ = ["install", "uninstall", "ValidationError", "model_for"]

log = logging.getLogger("awsval.boto")

EVENT = "before-parameter-build"
_UNIQUE_ID = "awsval.boto"
_MODES = ("raise", "service", "log")

_models = {}
_models_lock = threading.Lock()
_local = threading.local()
_parsers = ResponseParserFactory()


class ValidationError(ParamValidationError):
    """An invalid call, not sent. `response` is what botocore would have parsed from the
    service's answer (response["Error"]["Code"], ["Message"], modelled fields such as reason
    and fieldList, ResponseMetadata); `violations` the awsval.Violation tuple; `operation_name`
    the operation; `result` the awsval.Result (result.native(): status, type, headers, body)."""

    def __init__(self, response, violations, operation_name, result=None):
        message = response.get("Error", {}).get("Message") or (result.message if result else "")
        super().__init__(report=message)
        self.response = response
        self.violations = violations
        self.operation_name = operation_name
        self.result = result

    def __reduce__(self):
        return type(self), (self.response, self.violations, self.operation_name, self.result)


def model_for(service_model):
    """The compiled awsval.Model for a botocore ServiceModel: built from the dict botocore's
    loader returned for it, cached by (service name, API version)."""
    key = (service_model.service_name, service_model.api_version)
    m = _models.get(key)
    if m is None:
        with _models_lock:
            m = _models.get(key)
            if m is None:
                try:
                    m = awsval.Model.from_dict(_description(service_model), service_model.service_name)
                except (awsval.Error, ValueError) as e:
                    log.error("awsval cannot compile the model of %s %s; its calls are sent "
                              "unchecked: %s", key[0], key[1], e)
                    m = e
                _models[key] = m
    if isinstance(m, Exception):
        return None
    return m


def _description(service_model):
    doc = getattr(service_model, "_service_description", None)
    if isinstance(doc, dict):
        return doc
    raise ValueError("botocore's ServiceModel holds no service description")


# The hook checks the caller's own calls, whose size the service limits, not the library: its
# checkers take inputs up to the library's largest (a 1 MiB Kinesis record is 1.4 MB as JSON).
MAX_SIZE = 2 ** 31


def _checker():
    c = getattr(_local, "checker", None)
    if c is None:
        c = _local.checker = awsval.Checker(max_size=MAX_SIZE)
    return c


def parse_native(operation_model, result):
    """What botocore parses from the service's answer to a rejected call (as its endpoint does:
    the response parser of the protocol, then the modelled fields of the error shape)."""
    status, _, headers, body = result.native()
    response = {
        "status_code": status,
        "headers": HeadersDict(headers),
        "body": body,
        "context": {"operation_name": operation_model.name},
    }
    parser = _parsers.create_parser(operation_model.metadata["protocol"])
    parsed = parser.parse(response, operation_model.output_shape)
    code = parsed.get("Error", {}).get("Code")
    if code is not None:
        error_shape = operation_model.service_model.shape_for_error_code(code)
        if error_shape is not None:
            parsed.update(parser.parse(response, error_shape))
    # As the endpoint adds it to every response it parsed (no attempt was retried).
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return parsed


class _Handler:
    def __init__(self, mode, services, exceptions):
        self.mode = mode
        self.services = services
        self.exceptions = exceptions  # service_model -> the client's exceptions

    def __call__(self, params, model, **kwargs):
        service_model = model.service_model
        if self.services is not None and service_model.service_name not in self.services:
            return
        m = model_for(service_model)
        if m is None:
            return
        try:
            data = m.encode(model.name, params)
        except Unrepresentable as e:
            log.debug("awsval leaves %s.%s to botocore: %s", service_model.service_name, model.name, e)
            return
        result = _checker()._check(m, model.name, data)
        if result.valid:
            return
        if self.mode == "log":
            log.warning("%s.%s: the service would reject this call: %s",
                        service_model.service_name, model.name, result.message)
            return
        response = parse_native(model, result)
        if self.mode == "raise":
            raise ValidationError(response, result.violations, model.name, result)
        cls = self.exceptions(service_model).from_code(response.get("Error", {}).get("Code"))
        raise cls(response, model.name)


def _target(target):
    """(event emitter, service_model -> exceptions) of a boto3/botocore session or a client."""
    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "events") and hasattr(target, "exceptions"):
        return meta.events, lambda service_model: target.exceptions
    session = getattr(target, "_session", target)  # boto3.Session wraps a botocore Session
    if not hasattr(session, "get_component"):
        raise TypeError("install() takes a boto3.Session, a botocore Session or a client, not %s"
                        % type(target).__name__)
    events = session.get_component("event_emitter")
    try:  # the factory the session's clients take their exceptions from (same classes)
        factory = session._get_internal_component("exceptions_factory")
    except Exception:  # an older or newer botocore: classes of the same names
        from botocore.errorfactory import ClientExceptionsFactory
        factory = ClientExceptionsFactory()
    return events, factory.create_client_exceptions


def install(target, mode="raise", services=None):
    """Checks every call made through `target` (a boto3.Session or botocore Session: the clients
    it creates afterwards; or one client) before it is built. `mode`: "raise" (default),
    "service" or "log". `services`: botocore service names to check (None: all). Installing
    again replaces the earlier handler."""
    if mode not in _MODES:
        raise ValueError("mode must be one of %s, not %r" % (", ".join(_MODES), mode))
    if isinstance(services, str):
        services = (services,)
    events, exceptions = _target(target)
    handler = _Handler(mode, frozenset(services) if services is not None else None, exceptions)
    events.unregister(EVENT, unique_id=_UNIQUE_ID)
    events.register_last(EVENT, handler, unique_id=_UNIQUE_ID)
    return handler


def uninstall(target):
    """Removes the handler from a session (for clients it creates afterwards) or a client."""
    events, _ = _target(target)
    events.unregister(EVENT, unique_id=_UNIQUE_ID)
