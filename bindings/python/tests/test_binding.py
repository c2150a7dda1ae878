"""awsval's Python API: models, checkers, Python values, HTTP checks, threads; results compared
with the CLI built from this tree on the same inputs."""
import base64
import datetime
import decimal
import io
import json
import os
import threading

import pytest

import awsval
from conftest import MODELS, assert_same_as_cli, botocore_data, run_cli

LATTICE_CREATE = "CreateServiceNetworkServiceAssociation"
GOOD_SVC = "svc-0123456789abcdefg"
GOOD_SN = "sn-0123456789abcdefg"


@pytest.fixture(scope="module")
def lattice():
    return awsval.Model.builtin("vpc-lattice")


@pytest.fixture(scope="module")
def botocore_models():
    data = botocore_data()
    return {name: awsval.Model.from_dir(data, name) for name in ("kms", "kinesis", "apprunner")}


def test_version_and_build_check():
    assert awsval.__version__ == awsval.library_version
    assert awsval.__version__.startswith("0.")
    from awsval._awsval import ffi, lib
    assert lib.awsval_version() == lib.AWSVAL_VERSION_HEX
    assert ffi.string(lib.awsval_py_header_version()) == ffi.string(lib.awsval_version_string())


class _Lib:
    """The extension's lib with some functions replaced."""

    def __init__(self, **replaced):
        from awsval._awsval import lib
        self._lib, self._replaced = lib, replaced

    def __getattr__(self, name):
        return self._replaced.get(name) or getattr(self._lib, name)


def test_import_check_refuses_mismatches():
    from awsval._awsval import ffi, lib
    awsval._check_build(_Lib())
    with pytest.raises(ImportError, match="compiled against"):
        awsval._check_build(_Lib(awsval_version=lambda: lib.AWSVAL_VERSION_HEX + 1))
    with pytest.raises(ImportError, match="compiled against"):
        awsval._check_build(_Lib(awsval_version_string=lambda: ffi.new("char[]", b"9.9.9")))

    def older_violation(ctx, i, out):  # a library whose awsval_violation is 8 bytes shorter
        rc = lib.awsval_ctx_violation(ctx, i, out)
        out.size -= 8
        return rc

    with pytest.raises(ImportError, match="awsval_violation"):
        awsval._check_build(_Lib(awsval_ctx_violation=older_violation))
    with pytest.raises(ImportError, match="awsval_ctx_opts"):
        awsval._check_build(_Lib(awsval_ctx_create=lambda opts, code: ffi.NULL))


def test_models(lattice, tmp_path):
    assert "vpc-lattice" in awsval.Model.builtin_names()
    assert (lattice.service, lattice.protocol) == ("vpc-lattice", "rest-json")
    assert LATTICE_CREATE in lattice.operations
    assert list(lattice.operations) == sorted(lattice.operations)
    assert lattice.shape_count > 0 and lattice.pattern_count > 0
    assert "serviceIdentifier" in lattice.describe(LATTICE_CREATE)
    path = os.path.join(MODELS, "vpc-lattice", "2022-11-30", "service-2.json")
    from_file = awsval.Model.from_file(path)
    assert (from_file.service, from_file.api_version) == ("vpc-lattice", "2022-11-30")
    from_dir = awsval.Model.from_dir(MODELS, "vpc-lattice@2022-11-30")
    with open(path) as f:
        from_dict = awsval.Model.from_dict(json.load(f), "vpc-lattice")
    for m in (from_file, from_dir, from_dict):
        assert m.operations == lattice.operations and m.service == "vpc-lattice"
    # Errors: not found, unreadable, invalid.
    with pytest.raises(awsval.NotFound):
        awsval.Model.builtin("no-such-service")
    with pytest.raises(awsval.NotFound):
        awsval.Model.from_dir(MODELS, "vpc-lattice@1999-01-01")
    with pytest.raises(awsval.ModelError) as e:
        awsval.Model.from_file(str(tmp_path / "missing.json"))
    assert e.value.code == "IO"
    bad = {"metadata": {"protocol": "json", "apiVersion": "1"}, "operations": {},
           "shapes": {"S": {"type": "string", "pattern": "[a-"}}}
    with pytest.raises(awsval.ModelError) as e:
        awsval.Model.from_dict(bad, "bad")
    assert e.value.code == "MODEL" and e.value.document == "model" and e.value.line == 1 and e.value.column > 1


def test_check_matches_cli(lattice, tmp_path):
    params = {"serviceIdentifier": "svc-123", "serviceNetworkIdentifier": GOOD_SN,
              "tags": {"aws:team": "payments", "ok": "x"}}
    r = awsval.Checker().check(lattice, LATTICE_CREATE, params)
    assert not r.valid and r.total == len(r.violations) >= 3
    assert {v.source for v in r.violations} == {"model", "documented"}
    status, etype, headers, body = r.native()
    # Fixed by the issue for VPC Lattice: 400, x-amzn-ErrorType ValidationException.
    assert (status, etype, headers["x-amzn-ErrorType"]) == (400, "ValidationException", "ValidationException")
    assert headers["Content-Length"] == str(len(body)) and json.loads(body)["message"] == r.message
    document = json.dumps(params)
    assert_same_as_cli(r, tmp_path, (), "vpc-lattice", LATTICE_CREATE, document, offsets=False)
    assert_same_as_cli(awsval.Checker().check_json(lattice, LATTICE_CREATE, document), tmp_path, (),
                       "vpc-lattice", LATTICE_CREATE, document)
    valid = {"serviceIdentifier": GOOD_SVC, "serviceNetworkIdentifier": GOOD_SN}
    r = awsval.Checker().check(lattice, LATTICE_CREATE, valid)
    assert r.valid and r.total == 0 and r.violations == () and r.native() is None
    assert_same_as_cli(r, tmp_path, (), "vpc-lattice", LATTICE_CREATE, json.dumps(valid))


def test_examples_match_cli(tmp_path):
    """Every bundled example request: check_json equals the CLI."""
    examples = os.path.join(os.path.dirname(MODELS), "examples")
    checker = awsval.Checker()
    names = sorted(f for f in os.listdir(examples) if f.endswith(".json"))
    assert names
    for name in names:
        service, operation = name.split(".")[:2]
        with open(os.path.join(examples, name), "rb") as f:
            document = f.read()
        r = checker.check_json(awsval.Model.builtin(service), operation, document)
        assert r.valid == (".valid." in name)
        assert_same_as_cli(r, tmp_path, (), service, operation, document)


BLOB_CASES = [
    # (Plaintext as Python, the same as base64 text, valid)
    (b"secret bytes", base64.b64encode(b"secret bytes").decode(), True),
    (bytearray(b"\x00\xff" * 10), base64.b64encode(b"\x00\xff" * 10).decode(), True),
    (b"", "", False),                                           # min 1
    (b"x" * 4097, base64.b64encode(b"x" * 4097).decode(), False),  # max 4096
    # A str blob is its UTF-8 bytes (as botocore sends it): 2048 x 'é' = 4096 bytes, 2049 = 4098.
    ("é" * 2048, base64.b64encode(("é" * 2048).encode()).decode(), True),
    ("é" * 2049, base64.b64encode(("é" * 2049).encode()).decode(), False),
]


@pytest.mark.parametrize("value,b64,valid", BLOB_CASES)
def test_blobs(botocore_models, tmp_path, value, b64, valid):
    kms = botocore_models["kms"]
    params = {"KeyId": "alias/k", "Plaintext": value}
    assert json.loads(kms.encode("Encrypt", params))["Plaintext"] == b64
    r = awsval.Checker().check(kms, "Encrypt", params)
    assert r.valid == valid
    if not valid:
        (v,) = r.violations
        assert (v.kind, v.path, v.sensitive, v.value) == ("length", "/Plaintext", True, None)
        assert v.actual == len(value.encode() if isinstance(value, str) else value)
        if b64:  # sensitive: neither the value nor its base64 text is echoed
            for text in (r.message, r.native()[3].decode(), repr(r.violations)):
                assert b64[:16] not in text and "xxxx" not in text and "éé" not in text
    document = json.dumps({"KeyId": "alias/k", "Plaintext": b64})
    assert_same_as_cli(r, tmp_path, ("--models", botocore_data()), "kms", "Encrypt", document, offsets=False)


def test_blob_values_as_botocore_serializes(botocore_models):
    """The JSON awsval checks holds what botocore's serializer sends for the same values."""
    import botocore.session
    from botocore.serialize import create_serializer

    serializer = create_serializer("json", include_validation=False)
    session = botocore.session.get_session()
    cases = [
        ("kms", "Encrypt", {"KeyId": "k", "Plaintext": "hé", "EncryptionContext": {"a": "b"},
                            "GrantTokens": ["t"]}),
        ("kms", "Encrypt", {"KeyId": "k", "Plaintext": bytearray(b"\x01\x02")}),
        ("kinesis", "ListShards", {"StreamName": "s", "MaxResults": 5,
                                   "StreamCreationTimestamp": datetime.datetime(2020, 1, 2, 3, 4, 5, 600000)}),
        ("kinesis", "ListShards", {"StreamName": "s", "StreamCreationTimestamp":
                                   datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))}),
        ("kinesis", "ListShards", {"StreamName": "s", "StreamCreationTimestamp": "2020-01-02T03:04:05Z"}),
        ("kinesis", "ListShards", {"StreamName": "s", "StreamCreationTimestamp": 1577934245}),
        ("kinesis", "PutRecord", {"StreamName": "s", "Data": "text", "PartitionKey": "p"}),
    ]
    for service, op, params in cases:
        om = session.get_service_model(service).operation_model(op)
        sent = json.loads(serializer.serialize_to_request(params, om)["body"])
        assert json.loads(botocore_models[service].encode(op, params)) == sent, (service, op, params)


def test_timestamps_decimal_float(botocore_models, tmp_path):
    kinesis, apprunner = botocore_models["kinesis"], botocore_models["apprunner"]
    when = datetime.datetime(2020, 1, 2, 3, 4, 5)
    params = {"StreamName": "bad name!", "StreamCreationTimestamp": when}
    r = awsval.Checker().check(kinesis, "ListShards", params)
    assert [v.path for v in r.violations] == ["/StreamName"]
    epoch = 1577934245
    assert json.loads(kinesis.encode("ListShards", params))["StreamCreationTimestamp"] == epoch
    assert_same_as_cli(r, tmp_path, ("--models", botocore_data()), "kinesis", "ListShards",
                       json.dumps({"StreamName": "bad name!", "StreamCreationTimestamp": epoch}), offsets=False)
    # A str botocore cannot read as a timestamp goes as it is: a type violation.
    r = awsval.Checker().check(kinesis, "ListShards", {"StreamName": "s", "StreamCreationTimestamp": "not a date"})
    assert [v.kind for v in r.violations] == ["type"]
    # Decimal: exactly its text; integers over the range.
    text = apprunner.encode("CreateAutoScalingConfiguration",
                            {"AutoScalingConfigurationName": "abcd", "MaxConcurrency": decimal.Decimal("201")})
    assert b'"MaxConcurrency":201' in text
    r = awsval.Checker().check(apprunner, "CreateAutoScalingConfiguration",
                               {"AutoScalingConfigurationName": "abcd", "MaxConcurrency": decimal.Decimal("201")})
    assert [(v.kind, v.value) for v in r.violations] == [("range", "201")]
    assert_same_as_cli(r, tmp_path, ("--models", botocore_data()), "apprunner", "CreateAutoScalingConfiguration",
                       '{"AutoScalingConfigurationName":"abcd","MaxConcurrency":201}', offsets=False)
    r = awsval.Checker().check(apprunner, "CreateAutoScalingConfiguration",
                               {"AutoScalingConfigurationName": "abcd", "MaxConcurrency": decimal.Decimal("1.5")})
    assert [v.kind for v in r.violations] == ["type"]
    shapes = awsval._encode.Shapes(None, "json")
    assert shapes.encode("X", {"a": decimal.Decimal("1.10"), "b": decimal.Decimal("1E+2"), "c": 0.1,
                               "d": float("nan"), "e": float("-inf"), "f": decimal.Decimal("-Infinity")}) == \
        b'{"a":1.10,"b":1E+2,"c":0.1,"d":"NaN","e":"-Infinity","f":"-Infinity"}'


def test_streaming_blob_not_read(botocore_models):
    """A file-like blob is not read (its length is not checked); other members still are."""
    kinesis = botocore_models["kinesis"]
    stream = io.BytesIO(b"x" * 10)
    r = awsval.Checker().check(kinesis, "PutRecord", {"StreamName": "s", "Data": stream, "PartitionKey": "p"})
    assert r.valid and stream.tell() == 0
    r = awsval.Checker().check(kinesis, "PutRecord", {"StreamName": "bad name!", "Data": stream, "PartitionKey": "p"})
    assert [v.path for v in r.violations] == ["/StreamName"]


def test_values_with_no_place(botocore_models, lattice):
    kms = botocore_models["kms"]
    with pytest.raises(TypeError, match="/KeyId"):
        awsval.Checker().check(kms, "Encrypt", {"KeyId": b"bytes for a string", "Plaintext": b"x"})
    with pytest.raises(TypeError, match="/EncryptionContext/a"):
        awsval.Checker().check(kms, "Encrypt", {"KeyId": "k", "Plaintext": b"x", "EncryptionContext": {"a": object()}})
    with pytest.raises(TypeError):
        awsval.Checker().check(kms, "Encrypt", [("KeyId", "k")])
    # JSON values of the wrong type are the service's business: type violations.
    r = awsval.Checker().check(kms, "Encrypt", {"KeyId": 5, "Plaintext": b"x"})
    assert [(v.kind, v.path) for v in r.violations] == [("type", "/KeyId")]
    with pytest.raises(awsval.NotFound):
        awsval.Checker().check(lattice, "NoSuchOperation", {})


def test_checker_options(lattice, tmp_path):
    big = {"serviceIdentifier": GOOD_SVC, "serviceNetworkIdentifier": GOOD_SN, "tags": {"k": "v" * 200}}
    assert awsval.Checker().check(lattice, LATTICE_CREATE, big).valid
    r = awsval.Checker(max_size=100).check(lattice, LATTICE_CREATE, big)
    assert not r.valid and len(r.violations) == 1  # the input alone is refused, as the CLI does:
    assert_same_as_cli(r, tmp_path, ("--max-size", "100"), "vpc-lattice", LATTICE_CREATE,
                       lattice.encode(LATTICE_CREATE, big))
    unknown = {"serviceIdentifier": GOOD_SVC, "serviceNetworkIdentifier": GOOD_SN, "typo": 1}
    assert [v.kind for v in awsval.Checker().check(lattice, LATTICE_CREATE, unknown).violations] == ["unknown"]
    assert awsval.Checker(ignore_unknown=True).check(lattice, LATTICE_CREATE, unknown).valid
    assert awsval.Checker().check(lattice, LATTICE_CREATE, unknown, ignore_unknown=True).valid
    many = {"serviceNetworkIdentifier": "x", "tags": {"aws:%d" % i: "v" for i in range(20)}}
    r = awsval.Checker(max_violations=3).check(lattice, LATTICE_CREATE, many)
    assert len(r.violations) == 3 and r.total > 3
    with pytest.raises(TypeError):
        awsval.Checker(no_such_limit=1)
    with pytest.raises(ValueError):
        awsval.Checker(max_depth=100000)
    c = awsval.Checker()
    c.check(lattice, LATTICE_CREATE, big)
    assert c.memory > 0
    c.trim()


def test_one_checker_one_thread(lattice):
    c = awsval.Checker()
    c._lock.acquire()  # as if another thread were checking with it
    try:
        with pytest.raises(RuntimeError, match="one per thread"):
            c.check(lattice, LATTICE_CREATE, {})
    finally:
        c._lock.release()
    assert not c.check(lattice, LATTICE_CREATE, {}).valid


def test_two_threads_share_a_model(lattice):
    cases = [({"serviceIdentifier": GOOD_SVC, "serviceNetworkIdentifier": GOOD_SN}, True),
             ({"serviceIdentifier": "svc-123", "serviceNetworkIdentifier": GOOD_SN, "tags": {"aws:x": "y"}}, False),
             ({"serviceNetworkIdentifier": "sn-" + "é" * 3000}, False)]
    reference = [awsval.Checker().check(lattice, LATTICE_CREATE, p) for p, _ in cases]
    assert [r.valid for r in reference] == [v for _, v in cases]
    failures = []
    start = threading.Barrier(2)

    def work():
        checker = awsval.Checker()
        start.wait()
        for i in range(600):
            k = i % len(cases)
            r = checker.check(lattice, LATTICE_CREATE, cases[k][0])
            want = reference[k]
            if (r.valid, r.total, r.violations, r.native()) != (want.valid, want.total, want.violations, want.native()):
                failures.append((k, r))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_check_http_matches_cli(lattice, tmp_path):
    checker = awsval.Checker()
    bad = checker.check_http(lattice, "DELETE", "/servicenetworkserviceassociations/bad%20id", {"Host": "x"})
    assert not bad.valid and bad.operation == "DeleteServiceNetworkServiceAssociation"
    assert bad.native()[0] == 400 and bad.http().startswith(b"HTTP/1.1 400")
    raw = b"DELETE /servicenetworkserviceassociations/bad%20id HTTP/1.1\r\nHost: x\r\n\r\n"
    (tmp_path / "req.http").write_bytes(raw)
    rc, out = run_cli("http", "vpc-lattice", str(tmp_path / "req.http"))
    assert rc == 1 and out.encode() == bad.http().strip()
    body = json.dumps({"serviceIdentifier": GOOD_SVC, "serviceNetworkIdentifier": GOOD_SN})
    ok = checker.check_http(lattice, "POST", "/servicenetworkserviceassociations",
                            [("Host", "x"), ("Content-Type", "application/json")], body)
    assert ok.valid and ok.operation == LATTICE_CREATE and ok.http() == b"" and ok.native() is None
    apprunner = awsval.Model.builtin("apprunner")
    r = checker.check_http(apprunner, "POST", "/", {"X-Amz-Target": "AppRunner.DeleteVpcIngressConnection",
                                                    "Content-Type": "application/x-amz-json-1.0"},
                           b'{"VpcIngressConnectionArn": "x"}')
    assert not r.valid and r.operation == "DeleteVpcIngressConnection" and r.native()[0] == 400


def test_builtin_models_have_no_typed_inputs():
    """Model.builtin converts values by Python type alone (no document in Python): right as long
    as no built-in model's input holds a blob or timestamp (the vendored documents say so)."""
    for name in awsval.Model.builtin_names():
        (version,) = os.listdir(os.path.join(MODELS, name))
        with open(os.path.join(MODELS, name, version, "service-2.json")) as f:
            doc = json.load(f)
        shapes, seen, todo = doc["shapes"], set(), [op["input"]["shape"] for op in doc["operations"].values() if "input" in op]
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            d = shapes[s]
            todo += [m["shape"] for m in d.get("members", {}).values()]
            todo += [d[k]["shape"] for k in ("member", "key", "value") if k in d]
        assert not {shapes[s]["type"] for s in seen} & {"blob", "timestamp"}, name
