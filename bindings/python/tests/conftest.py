"""Shared fixtures: the repository, the awsval CLI built from this tree, botocore's data, sessions
with fake credentials and a `before-send` handler that records and answers every request (so
nothing leaves the machine)."""
import json
import os
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.environ.get("AWSVAL_CLI", os.path.join(REPO, "build-test", "python", "cmake", "awsval"))
MODELS = os.path.join(REPO, "models")  # botocore layout: models/vpc-lattice/2022-11-30/service-2.json


def botocore_data():
    import botocore
    return os.path.join(os.path.dirname(botocore.__file__), "data")


@pytest.fixture(scope="session", autouse=True)
def _environment():
    import awsval
    assert os.access(CLI, os.X_OK), "the awsval CLI is not built: %s (set AWSVAL_CLI)" % CLI
    # The package under test is the built one (with its extension), not the source directory.
    pkg = os.path.dirname(awsval.__file__)
    assert any(f.startswith("_awsval") and f.endswith(".so") for f in os.listdir(pkg)), pkg


def run_cli(*args, document=None, tmp_path=None):
    """Runs the CLI (options before the command: works with the old and the new CLI);
    returns (exit code, stdout)."""
    argv = [CLI, *args]
    if document is not None:
        path = os.path.join(str(tmp_path), "input-%d.json" % len(os.listdir(str(tmp_path))))
        with open(path, "wb") as f:
            f.write(document if isinstance(document, bytes) else document.encode())
        argv.append(path)
    p = subprocess.run(argv, capture_output=True)
    assert p.returncode in (0, 1), (argv, p.returncode, p.stderr.decode())
    return p.returncode, p.stdout.decode().strip()


# CLI --format json failure keys -> awsval.Violation fields.
CLI_FIELDS = {"path": "path", "constraint": "kind", "source": "source", "message": "message",
              "awsPath": "aws_path", "shape": "shape", "offset": "offset", "length": "length"}


def assert_same_as_cli(result, tmp_path, model_args, service, operation, document, offsets=True):
    """The result equals the CLI's on the same input: validity, the native body, and every
    failure of its JSON report (all the fields both give; offsets only for the same text)."""
    rc, native = run_cli(*model_args, "--format", "native", "check", service, operation,
                         document=document, tmp_path=tmp_path)
    assert (rc == 0) == result.valid
    if result.valid:
        assert native == "" and result.native() is None
    else:
        assert native == result.native()[3].decode()
    rc, out = run_cli(*model_args, "--format", "json", "check", service, operation,
                      document=document, tmp_path=tmp_path)
    report = json.loads(out)
    assert report["valid"] == result.valid
    assert report["total"] == result.total
    failures = report["failures"]
    assert len(failures) == len(result.violations)
    for f, v in zip(failures, result.violations):
        assert {"path", "constraint", "message"} <= f.keys()
        for key, attr in CLI_FIELDS.items():
            if key in f and (offsets or key not in ("offset", "length")):
                assert f[key] == getattr(v, attr), (key, f, v)
    return report


@pytest.fixture(autouse=True)
def _no_aws_config(monkeypatch, tmp_path):
    """No user configuration, no instance metadata, no real credentials."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AWS_DATA_PATH", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def data_path(tmp_path_factory):
    """An AWS_DATA_PATH directory holding only the vendored VPC Lattice model (so every other
    service, App Runner included, comes from Debian's botocore)."""
    d = tmp_path_factory.mktemp("aws-data")
    os.symlink(os.path.join(MODELS, "vpc-lattice"), d / "vpc-lattice")
    return str(d)


@pytest.fixture
def new_session(monkeypatch, data_path):
    """new_session() -> a boto3 Session with fake credentials and AWS_DATA_PATH set."""
    import boto3
    import botocore.session

    monkeypatch.setenv("AWS_DATA_PATH", data_path)

    def make():
        return boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                             region_name="us-east-1", botocore_session=botocore.session.Session())
    return make


class Wire:
    """A `before-send` handler: records every request and answers it (200 and an empty result
    in the client's protocol, or `answer` = (status, headers, body)), so nothing is sent."""

    def __init__(self, client, answer=None):
        self.sent = []
        self.protocol = client.meta.service_model.protocol
        self.answer = answer
        client.meta.events.register("before-send", self)

    def __call__(self, request, event_name=None, **kwargs):
        from botocore.awsrequest import AWSResponse
        self.sent.append(request)
        if self.answer is not None:
            status, headers, body = self.answer
        elif self.protocol == "rest-xml":
            op = event_name.rsplit(".", 1)[1]
            status, headers, body = 200, {"Content-Type": "application/xml"}, ("<%sResult/>" % op).encode()
        elif self.protocol in ("query", "ec2"):
            op = event_name.rsplit(".", 1)[1]
            status, headers, body = 200, {"Content-Type": "text/xml"}, (
                "<%sResponse><%sResult></%sResult></%sResponse>" % (op, op, op, op)).encode()
        else:
            status, headers, body = 200, {"Content-Type": "application/json"}, b"{}"
        return AWSResponse(request.url, status, headers, _Raw(body))


class _Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


@pytest.fixture
def wire():
    return Wire
