"""The boto3 hook with Debian's real boto3: a `before-send` handler records and answers every
request, which proves that invalid calls are never sent and valid ones are sent unchanged."""
import copy
import datetime
import json
import logging
import pickle
import threading

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.stub import Stubber

import awsval
import awsval.boto
from conftest import MODELS, Wire, assert_same_as_cli, botocore_data

CREATE = "CreateServiceNetworkServiceAssociation"
TOKEN = "7d4c1f6e-4b1a-4a8b-9d6e-2f1c0b9a8e7d"
GOOD = {"clientToken": TOKEN, "serviceIdentifier": "svc-0123456789abcdefg",
        "serviceNetworkIdentifier": "sn-0123456789abcdefg", "tags": {"team": "payments"}}
BAD = dict(GOOD, serviceIdentifier="svc-123")                       # length and pattern
PATTERN_ONLY = dict(GOOD, serviceIdentifier="svc-ABCDEFGHIJKLMNOPQ")  # botocore checks no patterns
VOLATILE = {"X-Amz-Date", "Authorization", "amz-sdk-invocation-id", "amz-sdk-request", "User-Agent"}


def request_view(request):
    headers = {k: v for k, v in request.headers.items() if k not in VOLATILE}
    return request.method, request.url, request.body, headers


def lattice_cli(result, tmp_path, data_path, params):
    return assert_same_as_cli(result, tmp_path, ("--models", data_path), "vpc-lattice", CREATE,
                              json.dumps(params), offsets=False)


def test_session_install_rejects_without_sending(new_session, data_path, tmp_path):
    session = new_session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    wire = Wire(client)
    params = copy.deepcopy(BAD)
    with pytest.raises(awsval.boto.ValidationError) as e:
        client.create_service_network_service_association(**params)
    assert wire.sent == [] and params == BAD
    err = e.value
    assert isinstance(err, ParamValidationError) and err.operation_name == CREATE
    assert err.response["Error"]["Code"] == "ValidationException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert {v.path for v in err.violations} == {"/serviceIdentifier"}
    # The same answer as the CLI's for the same input, and botocore's reading of it.
    lattice_cli(err.result, tmp_path, data_path, BAD)
    body = json.loads(err.result.native()[3])
    assert err.response["Error"]["Message"] == body["message"] == err.result.message
    assert err.response["reason"] == body["reason"] and err.response["fieldList"] == body["fieldList"]
    assert err.result.message in str(err)
    # A valid call from the same client is sent.
    client.create_service_network_service_association(**GOOD)
    assert len(wire.sent) == 1


@pytest.mark.parametrize("service,method,params", [
    ("vpc-lattice", "create_service_network_service_association", BAD),         # rest-json
    ("apprunner", "delete_vpc_ingress_connection", {"VpcIngressConnectionArn": "x"}),  # json
    ("iam", "create_user", {"UserName": "bad name"}),                              # query
    ("ec2", "create_vpc", {"CidrBlock": "10.0.0.0/16", "InstanceTenancy": "bogus"}),  # ec2
    ("s3", "put_object", {"Bucket": "b", "Key": "k", "ObjectLockMode": "X"}),     # rest-xml
])
def test_response_is_what_botocore_parses(new_session, service, method, params):
    """ValidationError.response equals what a client without the hook raises when the service
    answers with the library's rejection (status, headers, body), in every protocol."""
    session = new_session()
    awsval.boto.install(session)
    with pytest.raises(awsval.boto.ValidationError) as e:
        getattr(session.client(service), method)(**params)
    status, _, headers, body = e.value.result.native()
    plain = new_session().client(service, config=Config(parameter_validation=False,
                                                        retries={"max_attempts": 0}))
    wire = Wire(plain, answer=(status, headers, body))
    with pytest.raises(ClientError) as answered:
        getattr(plain, method)(**params)
    assert len(wire.sent) == 1
    assert e.value.response == answered.value.response
    assert e.value.response["Error"]["Code"] == e.value.result.native()[1]


def test_valid_calls_sent_unchanged(new_session):
    plain = new_session().client("vpc-lattice")
    checked_session = new_session()
    awsval.boto.install(checked_session)
    checked = checked_session.client("vpc-lattice")
    for params in (GOOD, dict(GOOD, tags={"名前": "値", "cost-center": "cc:1234"})):
        a, b = Wire(plain), Wire(checked)
        sent = copy.deepcopy(params)
        plain.create_service_network_service_association(**params)
        checked.create_service_network_service_association(**sent)
        assert sent == params
        assert request_view(a.sent[-1]) == request_view(b.sent[-1])
    a, b = Wire(plain), Wire(checked)
    plain.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier="snsa-0123456789abcdefg")
    checked.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier="snsa-0123456789abcdefg")
    assert request_view(a.sent[-1]) == request_view(b.sent[-1])


def test_handler_runs_last_on_final_params(new_session, monkeypatch):
    """Checked after ClientToken auto-fill and after handlers registered later on the same event."""
    session = new_session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    wire = Wire(client)
    seen = []
    real = awsval.boto._checker

    class Spy:
        def _check(self, model, operation, data):
            seen.append(json.loads(data))
            return real()._check(model, operation, data)

    monkeypatch.setattr(awsval.boto, "_checker", Spy)
    params = {k: v for k, v in GOOD.items() if k != "clientToken"}
    client.create_service_network_service_association(**params)
    assert "clientToken" in seen[-1] and json.loads(wire.sent[-1].body)["clientToken"] == seen[-1]["clientToken"]

    def spoil(params, **kwargs):
        params["serviceIdentifier"] = "svc-123"

    client.meta.events.register("before-parameter-build", spoil)
    with pytest.raises(awsval.boto.ValidationError):
        client.create_service_network_service_association(**GOOD)
    assert len(wire.sent) == 1


def test_mode_service(new_session, data_path, tmp_path):
    session = new_session()
    awsval.boto.install(session, mode="service")
    client = session.client("vpc-lattice")
    wire = Wire(client)
    with pytest.raises(client.exceptions.ValidationException) as e:
        client.create_service_network_service_association(**BAD)
    assert isinstance(e.value, ClientError) and not isinstance(e.value, ParamValidationError)
    assert e.value.operation_name == CREATE and wire.sent == []
    assert e.value.response["Error"]["Code"] == "ValidationException"
    # The same response as mode "raise" gives, installed on the client this time.
    awsval.boto.install(client, mode="raise")
    with pytest.raises(awsval.boto.ValidationError) as raised:
        client.create_service_network_service_association(**BAD)
    assert raised.value.response == e.value.response
    awsval.boto.install(client, mode="service")
    with pytest.raises(client.exceptions.ValidationException):
        client.create_service_network_service_association(**BAD)
    assert wire.sent == []


def test_mode_log_sends(new_session, caplog):
    plain = new_session().client("vpc-lattice")
    session = new_session()
    awsval.boto.install(session, mode="log")
    client = session.client("vpc-lattice")
    a, b = Wire(plain), Wire(client)
    with caplog.at_level(logging.WARNING, logger="awsval.boto"):
        client.create_service_network_service_association(**PATTERN_ONLY)
    plain.create_service_network_service_association(**PATTERN_ONLY)
    assert request_view(a.sent[0]) == request_view(b.sent[0])
    (record,) = [r for r in caplog.records if r.name == "awsval.boto"]
    assert record.levelno == logging.WARNING and CREATE in record.getMessage()
    message = awsval.Checker().check(awsval.Model.builtin("vpc-lattice"), CREATE, PATTERN_ONLY).message
    assert message and message in record.getMessage()


def test_parameter_validation_off(new_session):
    """botocore's validator checks no patterns: a client without the hook sends PATTERN_ONLY; with
    the hook it is refused, with botocore's validation on or off."""
    plain = new_session().client("vpc-lattice")
    wire = Wire(plain)
    plain.create_service_network_service_association(**PATTERN_ONLY)
    assert len(wire.sent) == 1
    session = new_session()
    awsval.boto.install(session)
    for validation in (True, False):
        client = session.client("vpc-lattice", config=Config(parameter_validation=validation))
        wire = Wire(client)
        for params in (PATTERN_ONLY, BAD):
            with pytest.raises(awsval.boto.ValidationError):
                client.create_service_network_service_association(**params)
        client.create_service_network_service_association(**GOOD)
        assert len(wire.sent) == 1


def test_stubber_at_the_same_time(new_session):
    session = new_session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    answer = {"id": "snsa-0123456789abcdefg", "status": "CREATE_IN_PROGRESS"}
    with Stubber(client) as stubber:
        stubber.add_response("create_service_network_service_association", answer, GOOD)
        assert client.create_service_network_service_association(**GOOD)["id"] == answer["id"]
        stubber.assert_no_pending_responses()
        stubber.add_response("create_service_network_service_association", answer, BAD)
        with pytest.raises(awsval.boto.ValidationError):
            client.create_service_network_service_association(**BAD)
        with pytest.raises(AssertionError):  # the stubbed answer was never taken
            stubber.assert_no_pending_responses()


def test_sdk_extras_member(new_session, tmp_path):
    """rds CopyDBSnapshot's SourceRegion comes from service-2.sdk-extras.json: botocore's merged
    model defines it, the bare service-2.json does not."""
    params = {"SourceDBSnapshotIdentifier": "arn:aws:rds:us-west-2:123456789012:snapshot:a",
              "TargetDBSnapshotIdentifier": "b", "SourceRegion": "us-west-2"}
    bare = awsval.Model.from_dir(botocore_data(), "rds")
    assert [(v.kind, v.path) for v in awsval.Checker().check(bare, "CopyDBSnapshot", params).violations] == \
        [("unknown", "/SourceRegion")]
    session = new_session()
    awsval.boto.install(session)
    rds = session.client("rds")
    wire = Wire(rds)
    rds.copy_db_snapshot(**params)
    assert len(wire.sent) == 1
    with pytest.raises(awsval.boto.ValidationError) as e:
        rds.copy_db_snapshot(**dict(params, Typo=1))
    assert [(v.kind, v.path) for v in e.value.violations] == [("unknown", "/Typo")]
    assert e.value.response["Error"]["Code"] == e.value.result.native()[1]
    assert e.value.response["Error"]["Message"] == e.value.result.message
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == e.value.result.native()[0]
    assert len(wire.sent) == 1


def test_apprunner_from_debian_botocore(new_session, tmp_path):
    session = new_session()
    awsval.boto.install(session)
    client = session.client("apprunner")
    model = awsval.boto.model_for(client.meta.service_model)
    assert (model.service, model.api_version) == ("apprunner", client.meta.service_model.api_version)
    wire = Wire(client)
    bad = {"VpcIngressConnectionArn": "arn:aws:apprunner:us-east-1:12345:vpcingressconnection/my-ingress"}
    with pytest.raises(awsval.boto.ValidationError) as e:
        client.delete_vpc_ingress_connection(**bad)
    assert wire.sent == [] and e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Code"] == e.value.result.native()[1]
    assert_same_as_cli(e.value.result, tmp_path, ("--models", botocore_data()), "apprunner",
                       "DeleteVpcIngressConnection", json.dumps(bad), offsets=False)
    good = {"VpcIngressConnectionArn": "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/"
                                       "my-ingress/0123456789abcdef0123456789abcdef"}
    client.delete_vpc_ingress_connection(**good)
    assert len(wire.sent) == 1


def test_blobs_and_timestamps(new_session):
    session = new_session()
    awsval.boto.install(session)
    kms, kinesis = session.client("kms"), session.client("kinesis")
    kms_wire, kinesis_wire = Wire(kms), Wire(kinesis)
    for plaintext in (b"", b"x" * 4097, "é" * 2049):  # a str blob counts its UTF-8 bytes
        with pytest.raises(awsval.boto.ValidationError) as e:
            kms.encrypt(KeyId="alias/k", Plaintext=plaintext)
        assert [(v.path, v.value) for v in e.value.violations] == [("/Plaintext", None)]
    assert kms_wire.sent == []
    for plaintext in (b"\x00\xff", bytearray(b"abc"), "é" * 2048):
        kms.encrypt(KeyId="alias/k", Plaintext=plaintext)
    assert len(kms_wire.sent) == 3
    when = datetime.datetime(2020, 1, 2, 3, 4, 5)
    kinesis.list_shards(StreamName="s", StreamCreationTimestamp=when)
    with pytest.raises(awsval.boto.ValidationError):
        kinesis.list_shards(StreamName="bad name!", StreamCreationTimestamp=when)
    assert len(kinesis_wire.sent) == 1


def test_large_and_streaming_blobs(new_session):
    """A 1 MiB Kinesis record (the model's max; 1.4 MB as JSON) is checked and sent; S3 bodies
    (streaming blobs) are not read or copied, whatever their size."""
    import io
    session = new_session()
    awsval.boto.install(session)
    kinesis, s3 = session.client("kinesis"), session.client("s3")
    kinesis_wire, s3_wire = Wire(kinesis), Wire(s3)
    kinesis.put_record(StreamName="s", PartitionKey="p", Data=b"x" * 1048576)
    with pytest.raises(awsval.boto.ValidationError) as e:
        kinesis.put_record(StreamName="s", PartitionKey="p", Data=b"x" * 1048577)
    assert [(v.kind, v.path) for v in e.value.violations] == [("length", "/Data")]
    assert len(kinesis_wire.sent) == 1
    body = io.BytesIO(b"y" * 3000000)
    s3.put_object(Bucket="my-bucket", Key="k", Body=body)
    s3.put_object(Bucket="my-bucket", Key="k", Body=b"y" * 3000000)
    assert len(s3_wire.sent) == 2
    s3.put_object(Bucket="my-bucket", Key="k", Body=b"", ContentLength=0)
    with pytest.raises(awsval.boto.ValidationError):
        s3.put_object(Bucket="my-bucket", Key="k", Body=b"", ObjectLockMode="NOT-A-MODE")
    assert len(s3_wire.sent) == 3


def test_bare_session_without_credentials(monkeypatch, data_path):
    """awsval.boto.install(boto3.Session()): a bad serviceIdentifier raises before anything is
    built or signed (there are no credentials to sign with)."""
    import boto3
    monkeypatch.setenv("AWS_DATA_PATH", data_path)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    session = boto3.Session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    assert client._request_signer._credentials is None
    wire = Wire(client)
    with pytest.raises(awsval.boto.ValidationError) as e:
        client.create_service_network_service_association(serviceIdentifier="svc-bad",
                                                          serviceNetworkIdentifier="sn-0123456789abcdefg")
    assert e.value.response["Error"]["Code"] == "ValidationException" and wire.sent == []


def test_values_left_to_botocore(new_session):
    """A value with no JSON form for its member is botocore's to report (its own error)."""
    session = new_session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    wire = Wire(client)
    with pytest.raises(ParamValidationError) as e:
        client.create_service_network_service_association(**dict(GOOD, serviceIdentifier=b"svc"))
    assert type(e.value) is ParamValidationError and wire.sent == []


def test_services_filter_and_uninstall(new_session):
    session = new_session()
    awsval.boto.install(session, services=["apprunner"])
    lattice, apprunner = session.client("vpc-lattice"), session.client("apprunner")
    wire = Wire(lattice)
    lattice.create_service_network_service_association(**PATTERN_ONLY)
    assert len(wire.sent) == 1
    with pytest.raises(awsval.boto.ValidationError):
        apprunner.delete_vpc_ingress_connection(VpcIngressConnectionArn="x")
    awsval.boto.install(lattice)
    with pytest.raises(awsval.boto.ValidationError):
        lattice.create_service_network_service_association(**PATTERN_ONLY)
    awsval.boto.uninstall(lattice)
    lattice.create_service_network_service_association(**PATTERN_ONLY)
    assert len(wire.sent) == 2
    awsval.boto.uninstall(session)
    fresh = session.client("apprunner")
    Wire(fresh)
    fresh.delete_vpc_ingress_connection(VpcIngressConnectionArn="x")  # sent: not checked any more
    with pytest.raises(ValueError):
        awsval.boto.install(session, mode="strict")
    with pytest.raises(TypeError):
        awsval.boto.install(object())


def test_threads_share_client_and_model(new_session):
    session = new_session()
    awsval.boto.install(session)
    client = session.client("vpc-lattice")
    wire = Wire(client)
    errors, rejected = [], []
    start = threading.Barrier(2)

    def work():
        start.wait()
        for i in range(150):
            try:
                client.create_service_network_service_association(**(BAD if i % 2 else GOOD))
            except awsval.boto.ValidationError as e:
                rejected.append(e.response["Error"]["Code"])
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rejected == ["ValidationException"] * 150 and len(wire.sent) == 150
    assert all(json.loads(r.body)["serviceIdentifier"] == GOOD["serviceIdentifier"] for r in wire.sent)


def test_validation_error_pickles(new_session):
    session = new_session()
    awsval.boto.install(session)
    with pytest.raises(awsval.boto.ValidationError) as e:
        session.client("vpc-lattice").create_service_network_service_association(**BAD)
    copy_ = pickle.loads(pickle.dumps(e.value))
    assert copy_.response == e.value.response and copy_.violations == e.value.violations
    assert str(copy_) == str(e.value)


def test_model_is_botocores(new_session):
    """The hook's model is built from the dict botocore loaded (AWS_DATA_PATH): the vendored
    VPC Lattice model, compiled once per service and version."""
    session = new_session()
    client = session.client("vpc-lattice")
    m = awsval.boto.model_for(client.meta.service_model)
    assert m is awsval.boto.model_for(new_session().client("vpc-lattice").meta.service_model)
    vendored = awsval.Model.from_dir(MODELS, "vpc-lattice")
    assert (m.service, m.api_version, m.operations) == ("vpc-lattice", vendored.api_version, vendored.operations)


def test_older_model_and_log_mode(new_session, caplog):
    """The model is the one botocore loads, constraints and all: Debian's botocore 1.29 gives s3
    CopySource the pattern \\/.+\\/.+ (newer models: \\/?.+\\/.+), which boto3's usual
    bucket/key form breaks though S3 accepts it. mode="raise" refuses the call, mode="log" sends
    it and says why."""
    session = new_session()
    pattern = session.client("s3").meta.service_model.shape_for("CopySource").metadata.get("pattern")
    if pattern != r"\/.+\/.+":
        pytest.skip("this botocore's CopySource pattern is %r" % (pattern,))
    awsval.boto.install(session)
    s3 = session.client("s3")
    with pytest.raises(awsval.boto.ValidationError) as e:
        s3.copy_object(Bucket="b", Key="k", CopySource={"Bucket": "src", "Key": "key"})
    assert [(v.kind, v.path, v.value) for v in e.value.violations] == [("pattern", "/CopySource", "src/key")]
    awsval.boto.install(session, mode="log")
    s3 = session.client("s3")
    wire = Wire(s3)
    with caplog.at_level(logging.WARNING, logger="awsval.boto"):
        s3.copy_object(Bucket="b", Key="k", CopySource={"Bucket": "src", "Key": "key"})
    assert len(wire.sent) == 1 and "s3.CopyObject" in caplog.text and "src/key" in caplog.text
