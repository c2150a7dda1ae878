"""Per-call cost of the awsval boto3 hook next to botocore's own validator (figures only).

    PYTHONPATH=build-test/python/site /usr/bin/python3 bindings/python/bench.py [--seconds S]

Prints microseconds per call (the best of 20 runs, all lines' runs interleaved) for a typical VPC Lattice
CreateServiceNetworkServiceAssociation (IDs, client token, 3 tags) and for one that breaks a
pattern (botocore's validator accepts it, the hook refuses it):
  botocore ParamValidator.validate alone; the hook's parts (Python values -> JSON, the library
  check) and the whole handler; client._convert_to_request_dict (botocore's validation and
  serialization) without and with the hook; a whole call answered by botocore's Stubber without
  and with the hook.
"""
import argparse
import os
import sys
import tempfile
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
# The built package (PYTHONPATH), not the source directory this script sits in.
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
MODELS = os.path.join(HERE, "..", "..", "models")

GOOD = {"clientToken": "7d4c1f6e-4b1a-4a8b-9d6e-2f1c0b9a8e7d", "serviceIdentifier": "svc-0123456789abcdefg",
        "serviceNetworkIdentifier": "arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdefg",
        "tags": {"team": "payments", "cost-center": "cc:1234", "名前": "値"}}
BAD = dict(GOOD, serviceIdentifier="svc-ABCDEFGHIJKLMNOPQ")  # a pattern violation only
OP = "CreateServiceNetworkServiceAssociation"
ANSWER = {"id": "snsa-0123456789abcdefg", "status": "CREATE_IN_PROGRESS"}


REPEATS = 20


def measure(fns, seconds):
    """Microseconds per call of each function: the best of REPEATS runs, the runs of all the
    functions interleaved so that each sees the same machine load."""
    timers, numbers = [timeit.Timer(f) for f in fns], []
    for timer in timers:
        number, elapsed = 1, 0.0
        while elapsed < seconds / REPEATS / 4:
            number *= 2
            elapsed = timer.timeit(number)
        numbers.append(max(1, int(number * seconds / REPEATS / elapsed)))
    best = [float("inf")] * len(fns)
    for _ in range(REPEATS):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], timer.timeit(number) / number * 1e6)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0, help="time per line (default 1)")
    seconds = ap.parse_args().seconds

    data = tempfile.mkdtemp(prefix="awsval-bench-")
    os.symlink(os.path.abspath(os.path.join(MODELS, "vpc-lattice")), os.path.join(data, "vpc-lattice"))
    os.environ["AWS_DATA_PATH"] = data
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    import boto3
    import botocore
    import botocore.session
    from botocore.stub import Stubber
    from botocore.validate import ParamValidator

    import awsval
    import awsval.boto

    def session():
        return boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                             region_name="us-east-1", botocore_session=botocore.session.Session())

    plain = session().client("vpc-lattice")
    hooked_session = session()
    handler = awsval.boto.install(hooked_session)
    hooked = hooked_session.client("vpc-lattice")
    op_model = plain.meta.service_model.operation_model(OP)
    model = awsval.boto.model_for(op_model.service_model)
    checker = awsval.Checker()
    validator = ParamValidator()
    context = {"client_region": "us-east-1", "client_config": plain.meta.config,
               "has_streaming_input": False, "auth_type": None}
    url = "https://vpc-lattice.us-east-1.amazonaws.com"

    def raising(fn):
        def call():
            try:
                fn()
            except awsval.boto.ValidationError:
                pass
            else:
                raise AssertionError("not refused")
        return call

    def stubbed(client, params):
        stubber = Stubber(client)
        stubber.activate()

        def call():
            stubber.add_response("create_service_network_service_association", ANSWER)
            client.create_service_network_service_association(**params)
        return call

    assert not validator.validate(GOOD, op_model.input_shape).has_errors()
    assert not validator.validate(BAD, op_model.input_shape).has_errors()
    assert checker.check(model, OP, GOOD).valid and not checker.check(model, OP, BAD).valid
    good_json, bad_json = model.encode(OP, GOOD), model.encode(OP, BAD)

    print("awsval %s, botocore %s, Python %s; us per call, best of %d interleaved runs (--seconds %g per line)"
          % (awsval.__version__, botocore.__version__, sys.version.split()[0], REPEATS, seconds))
    rows = [
        ("botocore ParamValidator.validate", lambda: validator.validate(GOOD, op_model.input_shape),
         lambda: validator.validate(BAD, op_model.input_shape)),
        ("awsval: Python values -> JSON", lambda: model.encode(OP, GOOD), lambda: model.encode(OP, BAD)),
        ("awsval: library check (+ result)", lambda: checker._check(model, OP, good_json),
         lambda: checker._check(model, OP, bad_json)),
        ("awsval hook handler (whole)", lambda: handler(params=GOOD, model=op_model),
         raising(lambda: handler(params=BAD, model=op_model))),
        ("_convert_to_request_dict, botocore", lambda: plain._convert_to_request_dict(GOOD, op_model, url, context),
         lambda: plain._convert_to_request_dict(BAD, op_model, url, context)),
        ("_convert_to_request_dict, + hook", lambda: hooked._convert_to_request_dict(GOOD, op_model, url, context),
         raising(lambda: hooked._convert_to_request_dict(BAD, op_model, url, context))),
        ("stubbed call, botocore", stubbed(session().client("vpc-lattice"), GOOD), None),
        ("stubbed call, + hook", stubbed(hooked_session.client("vpc-lattice"), GOOD), None),
    ]
    fns = [f for _, good, bad in rows for f in (good, bad) if f is not None]
    figures = iter(measure(fns, seconds))
    print("%-38s %12s %14s" % ("", "valid", "invalid"))
    for name, good, bad in rows:
        g = next(figures)
        b = "%.2f" % next(figures) if bad is not None else "-"
        print("%-38s %12.2f %14s" % (name, g, b))

if __name__ == "__main__":
    main()
