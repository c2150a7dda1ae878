#!/usr/bin/python3
"""resty.awsval in a real nginx: Debian's nginx and lua-nginx-module, started on 127.0.0.1 with
its own prefix (lua/t/nginx.conf.in), in front of a recording upstream (a thread of this script).

Every request is also given, as the same raw bytes, to the `awsval http SERVICE` CLI built from
this tree, and the gateway's answer must be the CLI's: a request the CLI passes reaches the
upstream byte for byte (method, target, the client's headers, body) and nothing is answered by
the gateway; a request the CLI rejects gets the CLI's status, headers and body, and the upstream
sees nothing. No message text is written down here: the library is asked.

usage: test_nginx.py --root REPO --build BUILD_DIR --work WORK_DIR [--serve PORTS_JSON]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

FAILURES = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)
    return cond


# ------------------------------------------------------------------------------ HTTP messages

def read_message(sock, is_request, buf=b""):
    """Reads one HTTP/1.x message (Content-Length or chunked body); returns (message bytes,
    head, headers list, body, leftover bytes). Raises on EOF before a whole message."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before the header section ended (%r)" % buf[:200])
        buf += chunk
    head_end = buf.index(b"\r\n\r\n") + 4
    head = buf[:head_end]
    lines = head[:-4].split(b"\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("latin-1"), value.strip(b" \t")))
    rest = buf[head_end:]
    length = None
    chunked = False
    for name, value in headers:
        if name.lower() == "content-length":
            length = int(value)
        if name.lower() == "transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            while b"\r\n" not in rest:
                more = sock.recv(65536)
                if not more:
                    raise EOFError("EOF in a chunk size")
                rest += more
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                more = sock.recv(65536)
                if not more:
                    raise EOFError("EOF in a chunk")
                rest += more
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
        return head + body, lines[0], headers, body, rest
    if length is None:
        length = 0 if is_request else None
    if length is None:  # a response that ends with the connection
        while True:
            more = sock.recv(65536)
            if not more:
                break
            rest += more
        return head + rest, lines[0], headers, rest, b""
    while len(rest) < length:
        more = sock.recv(65536)
        if not more:
            raise EOFError("EOF in the body (%d of %d bytes)" % (len(rest), length))
        rest += more
    return head + rest[:length], lines[0], headers, rest[:length], rest[length:]


def parse_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("latin-1"), value.strip(b" \t")))
    return status, headers, body


def header_values(headers, name):
    return [v for n, v in headers if n.lower() == name.lower()]


def request(method, target, headers, body=b""):
    """A raw HTTP/1.1 request; Content-Length is added when there is a body (or it is given)."""
    lines = ["%s %s HTTP/1.1" % (method, target)]
    lines += ["%s: %s" % (n, v) for n, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


# ----------------------------------------------------------------------- recording upstream

class Upstream:
    """Accepts connections, records each request as received, answers 200 "upstream:N"."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.received = []
        self.lock = threading.Lock()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        with conn:
            conn.settimeout(10)
            buf = b""
            try:
                while True:
                    raw, line, headers, body, buf = read_message(conn, True, buf)
                    with self.lock:
                        self.received.append((line, headers, body))
                        n = len(self.received)
                    reply = b"upstream:%d" % n
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(reply), reply))
                    if any(n.lower() == "connection" and v.lower() == b"close" for n, v in headers):
                        return
            except (EOFError, OSError):
                return

    def count(self):
        with self.lock:
            return len(self.received)


# ------------------------------------------------------------------------------- the checks

class Env:
    pass


def cli_answer(env, service, raw, model_args=()):
    """(exit code, stdout) of `awsval [model_args] http SERVICE -` for the raw request."""
    p = subprocess.run([env.cli, *model_args, "http", service, "-"], input=raw,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode not in (0, 1):
        raise RuntimeError("awsval http failed (%d): %s" % (p.returncode, p.stderr.decode()))
    return p.returncode, p.stdout


def send(port, raw, sock=None):
    """Sends one request (on `sock`, or a new connection); returns (response bytes, status,
    headers, body, sock)."""
    if sock is None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(raw)
    msg, line, headers, body, _ = read_message(sock, False)
    status = int(line.split(b" ")[1])
    return msg, status, headers, body, sock


def expect_like_cli(env, name, port, service, raw, model_args=(), want=None, sock=None):
    """Sends `raw` to the gateway and compares the outcome with the CLI's answer. `want`:
    "valid"/"invalid" when the case's verdict is fixed by the issue; None: whatever the
    library says. Returns the socket (for keepalive cases)."""
    rc, answer = cli_answer(env, service, raw, model_args)
    verdict = "valid" if rc == 0 else "invalid"
    if want is not None:
        check(verdict == want, "%s: the CLI says %s, expected %s" % (name, verdict, want))
    before = env.upstream.count()
    _, status, headers, body, sock = send(port, raw, sock)
    time.sleep(0.01)
    after = env.upstream.count()
    if rc == 0:
        ok = check(after == before + 1, "%s: valid, but the upstream got %d requests"
                   % (name, after - before))
        ok &= check(status == 200 and body == b"upstream:%d" % after,
                    "%s: valid, but the client got %d %r, not the upstream's answer"
                    % (name, status, body[:200]))
        if ok:
            line, up_headers, up_body = env.upstream.received[after - 1]
            sent_line, _, sent_rest = raw.partition(b"\r\n")
            method, target, _ = sent_line.split(b" ")
            up_method, up_target, _ = line.split(b" ")
            check(up_method == method and up_target == target,
                  "%s: upstream request line %r, sent %r" % (name, line, sent_line))
            sent_body = raw.partition(b"\r\n\r\n")[2]
            check(up_body == sent_body, "%s: the upstream got a body of %d bytes, %d sent"
                  % (name, len(up_body), len(sent_body)))
            # The client's header fields in order, but those proxy_pass writes itself (Host,
            # Connection; Content-Length, which it moves first, with the same value).
            own = ("host", "connection", "content-length")
            sent_all = parse_response(b"HTTP/1.1 000 x\r\n" + sent_rest)[1]
            sent_headers = [(n.lower(), v) for n, v in sent_all if n.lower() not in own]
            got_headers = [(n.lower(), v) for n, v in up_headers if n.lower() not in own]
            check(sent_headers == got_headers, "%s: upstream headers %r, sent %r"
                  % (name, got_headers, sent_headers))
            check(header_values(sent_all, "content-length") == header_values(
                up_headers, "content-length"), "%s: upstream Content-Length differs" % name)
    else:
        check(after == before, "%s: rejected, but the upstream got a request" % name)
        want_status, want_headers, want_body = parse_response(answer)
        check(status == want_status, "%s: status %d, the CLI says %d" % (name, status, want_status))
        for hname, hvalue in want_headers:
            got = header_values(headers, hname)
            check(got == [hvalue], "%s: header %s is %r, the CLI says %r"
                  % (name, hname, got, hvalue))
        check(body == want_body, "%s: body differs from the CLI's:\n  got  %r\n  want %r"
              % (name, body[:300], want_body[:300]))
    print("ok   %-58s %s" % (name, "passed to upstream" if rc == 0 else "rejected %d" % status),
          flush=True)
    return sock


def example(env, name):
    with open(os.path.join(env.root, "examples", name), "rb") as f:
        return f.read()


def lattice_create(body, content_type="application/json", extra=()):
    headers = [("Host", "vpc-lattice.us-west-2.amazonaws.com"), ("Content-Type", content_type),
               ("X-Amz-Date", "20240101T000000Z"), *extra, ("Content-Length", str(len(body)))]
    return request("POST", "/servicenetworkserviceassociations", headers, body)


def apprunner(body, target="AppRunner.DeleteVpcIngressConnection",
              content_type="application/x-amz-json-1.0", extra=()):
    headers = [("Host", "apprunner.us-east-1.amazonaws.com")]
    if target is not None:
        headers.append(("X-Amz-Target", target))
    headers += [("Content-Type", content_type), *extra, ("Content-Length", str(len(body)))]
    return request("POST", "/", headers, body)


def padded(body, size):
    """The JSON document with white space added inside it up to `size` bytes."""
    pad = size - len(body)
    return body[:1] + b" " * max(pad, 0) + body[1:]


def test_lattice(env):
    p = env.ports["LATTICE"]
    create_ok = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json")
    create_bad = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    expect_like_cli(env, "lattice: valid create (UTF-8 tags)", p, "vpc-lattice",
                    lattice_create(create_ok), want="valid")
    expect_like_cli(env, "lattice: invalid create", p, "vpc-lattice",
                    lattice_create(create_bad), want="invalid")
    # Fixed by the issues: 400, x-amzn-ErrorType: ValidationException, code ValidationException.
    _, status, headers, body, s = send(p, lattice_create(create_bad))
    s.close()
    check(status == 400, "lattice: invalid create: status %d" % status)
    check(header_values(headers, "x-amzn-ErrorType") == [b"ValidationException"],
          "lattice: x-amzn-ErrorType is %r" % header_values(headers, "x-amzn-ErrorType"))
    host = [("Host", "vpc-lattice.us-west-2.amazonaws.com")]
    expect_like_cli(env, "lattice: valid delete, no body", p, "vpc-lattice",
                    request("DELETE", "/servicenetworkserviceassociations/snsa-0123456789abcdefg",
                            host), want="valid")
    expect_like_cli(env, "lattice: invalid delete (label)", p, "vpc-lattice",
                    request("DELETE", "/servicenetworkserviceassociations/snsa-TOO-SHORT", host),
                    want="invalid")
    expect_like_cli(env, "lattice: percent-encoded label", p, "vpc-lattice",
                    request("DELETE", "/servicenetworkserviceassociations/snsa%2D0123456789abcdefg",
                            host))
    expect_like_cli(env, "lattice: empty body, Content-Length: 0", p, "vpc-lattice",
                    lattice_create(b""), want="invalid")
    expect_like_cli(env, "lattice: body that is not JSON", p, "vpc-lattice",
                    lattice_create(b'{"serviceIdentifier": '), want="invalid")
    expect_like_cli(env, "lattice: wrong Content-Type", p, "vpc-lattice",
                    lattice_create(create_ok, "text/plain"), want="invalid")
    expect_like_cli(env, "lattice: no operation for the target", p, "vpc-lattice",
                    request("GET", "/no/such/operation", host), want="invalid")
    expect_like_cli(env, "lattice: query parameter in range", p, "vpc-lattice",
                    request("GET", "/servicenetworkserviceassociations?maxResults=10", host),
                    want="valid")
    expect_like_cli(env, "lattice: query parameter out of range", p, "vpc-lattice",
                    request("GET", "/servicenetworkserviceassociations?maxResults=0", host),
                    want="invalid")
    expect_like_cli(env, "lattice: query parameter given twice", p, "vpc-lattice",
                    request("GET", "/servicenetworkserviceassociations?maxResults=1&maxResults=2",
                            host))
    expect_like_cli(env, "lattice: 6 KiB body in the client body buffer", p, "vpc-lattice",
                    lattice_create(padded(create_ok, 6144)), want="valid")

    # Access control runs first: a denied location answers 403, not the service's error.
    before = env.upstream.count()
    _, status, headers, _, s = send(p, request("GET", "/denied/x", host))
    s.close()
    check(status == 403 and not header_values(headers, "x-amzn-ErrorType")
          and env.upstream.count() == before,
          "lattice: denied location answered %d %r" % (status, headers))
    print("ok   %-58s %s" % ("lattice: deny all runs before the check", "403"))

    # Keepalive: invalid, then valid, then invalid on one connection.
    s = expect_like_cli(env, "keepalive 1/3: invalid", p, "vpc-lattice",
                        lattice_create(create_bad), want="invalid")
    s = expect_like_cli(env, "keepalive 2/3: valid on the same connection", p, "vpc-lattice",
                        lattice_create(create_ok), want="valid", sock=s)
    s = expect_like_cli(env, "keepalive 3/3: invalid again", p, "vpc-lattice",
                        request("DELETE", "/servicenetworkserviceassociations/x", host),
                        want="invalid", sock=s)
    s.close()


def test_disk(env):
    p = env.ports["DISK"]
    create_ok = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json")
    create_bad = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    log = os.path.join(env.prefix, "logs", "error.log")
    before = os.path.getsize(log)
    expect_like_cli(env, "disk: valid 8 KiB body buffered to a file", p, "vpc-lattice",
                    lattice_create(padded(create_ok, 8192)), want="valid")
    expect_like_cli(env, "disk: invalid 8 KiB body buffered to a file", p, "vpc-lattice",
                    lattice_create(padded(create_bad, 8192)), want="invalid")
    expect_like_cli(env, "disk: 1.1 MiB body, over the checker's max_size", p, "vpc-lattice",
                    lattice_create(padded(create_ok, 1100 * 1024)), want="invalid")
    expect_like_cli(env, "disk: small body stays in memory", p, "vpc-lattice",
                    lattice_create(create_bad), want="invalid")
    with open(log, "rb") as f:
        f.seek(before)
        buffered = f.read().count(b"a client request body is buffered to a temporary file")
    check(buffered >= 3, "disk: nginx logged %d bodies buffered to a file, expected 3" % buffered)


def test_apprunner(env, port, label, model_args=()):
    ok = example(env, "apprunner.DeleteVpcIngressConnection.valid.json")
    bad = example(env, "apprunner.DeleteVpcIngressConnection.invalid.json")
    expect_like_cli(env, label + ": valid (X-Amz-Target)", port, "apprunner", apprunner(ok),
                    model_args, want="valid")
    expect_like_cli(env, label + ": invalid", port, "apprunner", apprunner(bad), model_args,
                    want="invalid")
    if model_args:
        return
    expect_like_cli(env, label + ": empty body", port, "apprunner", apprunner(b""),
                    want="invalid")
    expect_like_cli(env, label + ": no X-Amz-Target", port, "apprunner",
                    apprunner(ok, target=None), want="invalid")
    expect_like_cli(env, label + ": unknown X-Amz-Target", port, "apprunner",
                    apprunner(ok, target="AppRunner.NoSuchOperation"), want="invalid")
    expect_like_cli(env, label + ": X-Amz-Target of another service", port, "apprunner",
                    apprunner(ok, target="Lattice.DeleteVpcIngressConnection"), want="invalid")
    expect_like_cli(env, label + ": wrong Content-Type", port, "apprunner",
                    apprunner(ok, content_type="application/json"))
    expect_like_cli(env, label + ": X-Amz-Target twice", port, "apprunner",
                    apprunner(ok, extra=[("X-Amz-Target", "AppRunner.DeleteVpcIngressConnection")]))
    fillers = [("X-Filler-%03d" % i, "v") for i in range(120)]
    expect_like_cli(env, label + ": X-Amz-Target after 120 other headers", port, "apprunner",
                    request("POST", "/", [("Host", "h"), *fillers,
                                          ("X-Amz-Target", "AppRunner.DeleteVpcIngressConnection"),
                                          ("Content-Type", "application/x-amz-json-1.0"),
                                          ("Content-Length", str(len(ok)))], ok), want="valid")
    expect_like_cli(env, label + ": JSON with a duplicate key", port, "apprunner",
                    apprunner(b'{"VpcIngressConnectionArn": "a", "VpcIngressConnectionArn": "b"}'),
                    want="invalid")


def test_model_sources(env):
    create_ok = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json")
    create_bad = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    margs = ("--models", env.models_dir)
    expect_like_cli(env, "botocore data dir: valid", env.ports["DIR"], "vpc-lattice",
                    lattice_create(create_ok), margs, want="valid")
    expect_like_cli(env, "botocore data dir: invalid", env.ports["DIR"], "vpc-lattice",
                    lattice_create(create_bad), margs, want="invalid")
    test_apprunner(env, env.ports["FILE"], "model file", ("--model", env.apprunner_file))


def http_json(port, path, doc):
    body = json.dumps(doc).encode()
    _, status, _, rbody, s = send(port, request("POST", path, [("Host", "t"), (
        "Content-Type", "application/json"), ("Content-Length", str(len(body)))], body))
    s.close()
    check(status == 200, "%s: status %d" % (path, status))
    return json.loads(rbody)


def test_params_api(env):
    """awsval.check() in a worker, against `awsval check` (native body, json failures)."""
    p = env.ports["API"]
    cases = [("vpc-lattice", "lattice", "CreateServiceNetworkServiceAssociation"),
             ("vpc-lattice", "lattice", "DeleteServiceNetworkServiceAssociation"),
             ("apprunner", "apprunner", "DeleteVpcIngressConnection")]
    for service, model, op in cases:
        for kind in ("valid", "invalid"):
            path = os.path.join(env.root, "examples", "%s.%s.%s.json" % (service, op, kind))
            text = open(path, encoding="utf-8").read()
            native = subprocess.run([env.cli, "--format", "native", "check", service, op, path],
                                    stdout=subprocess.PIPE, timeout=60)
            machine = subprocess.run([env.cli, "--format", "json", "check", service, op, path],
                                     stdout=subprocess.PIPE, timeout=60)
            want_valid = native.returncode == 0
            check(want_valid == (kind == "valid"), "params %s %s: CLI exit %d"
                  % (op, kind, native.returncode))
            want = json.loads(machine.stdout)
            for as_table in (False, True):
                label = "params %s %s%s" % (op, kind, " (Lua table)" if as_table else "")
                res = http_json(p, "/params", {"model": model, "operation": op, "params": text,
                                               "as_table": as_table})
                check("error" not in res, "%s: %r" % (label, res.get("error")))
                check(res.get("valid") == want_valid, "%s: valid=%r" % (label, res.get("valid")))
                check(res.get("operation") == op, "%s: operation %r" % (label, res.get("operation")))
                got_v = [(v["kind"], v["path"], v["aws_path"], v["message"])
                         for v in res.get("violations", [])]
                want_v = [(f["constraint"], f["path"], f["awsPath"], f["message"])
                          for f in want["failures"]]
                if as_table:  # re-encoded: member order (so violation order) may differ
                    got_v, want_v = sorted(got_v), sorted(want_v)
                check(got_v == want_v, "%s: violations\n  got  %r\n  want %r" % (label, got_v, want_v))
                check(res.get("total") == want["total"], "%s: total" % label)
                if not want_valid:
                    check(res.get("status") == 400, "%s: status %r" % (label, res.get("status")))
                    check(res.get("type_header") and res.get("error_type") and res.get("content_type"),
                          "%s: rejection pieces %r" % (label, res))
                    if not as_table:
                        check(res.get("body", "").encode() == native.stdout.rstrip(b"\n"),
                              "%s: body\n  got  %r\n  want %r" % (label, res.get("body"), native.stdout))
                print("ok   %-58s %s" % (label, "valid" if want_valid else "invalid"), flush=True)
    res = http_json(p, "/params", {"model": "lattice", "operation": "NoSuchOperation",
                                   "params": "{}"})
    check("NOTFOUND" in res.get("error", ""), "params: unknown operation gave %r" % res)
    print("ok   %-58s %s" % ("params: unknown operation", "error"), flush=True)


def test_contexts(env):
    """init_by_lua made a context (a check there); every worker must use one it made itself."""
    seen = set()
    for _ in range(20):
        res = http_json(env.ports["API"], "/ctx", {})
        init_pid = res["master_ctx_pid"]
        check(isinstance(init_pid, int) and init_pid > 0, "ctx: init_by_lua pid %r" % init_pid)
        if res.get("ctx"):
            check(res["ctx"]["pid"] == res["worker_pid"] != init_pid,
                  "ctx: worker %d uses a context made by %r (init_by_lua ran in %r)"
                  % (res["worker_pid"], res["ctx"]["pid"], init_pid))
            check(res["ctx"]["memory"] > 0, "ctx: memory %r" % res["ctx"]["memory"])
            seen.add(res["worker_pid"])
    check(len(seen) >= 1, "ctx: no worker reported a context")
    print("ok   %-58s %s" % ("each worker checks with a context of its own",
                             "%d worker(s) seen" % len(seen)), flush=True)


# ------------------------------------------------------------------------------- nginx itself

def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def start_nginx(env, upstream_port):
    names = ["LATTICE", "DISK", "APPRUNNER", "DIR", "FILE", "API", "BENCH", "BENCH_PLAIN", "BENCH_LOCAL",
             "BENCH_LOCAL_PLAIN", "FAST"]
    env.ports = dict(zip(names, free_ports(len(names))))
    shutil.rmtree(env.prefix, ignore_errors=True)
    for d in ("logs", "tmp", "conf"):
        os.makedirs(os.path.join(env.prefix, d))
    # A botocore-like data directory: DIR/SERVICE/VERSION/service-2.json.
    env.models_dir = os.path.join(env.prefix, "botocore-data")
    shutil.copytree(os.path.join(env.root, "models", "vpc-lattice"),
                    os.path.join(env.models_dir, "vpc-lattice"))
    env.apprunner_file = os.path.join(env.root, "models", "apprunner", "2020-05-15",
                                      "service-2.json")
    subst = {"PREFIX": env.prefix, "ROOT": env.root, "LIB": env.lib,
             "MODELS_DIR": env.models_dir, "APPRUNNER_FILE": env.apprunner_file,
             "UPSTREAM_PORT": str(upstream_port),
             # Run as root, nginx's workers would be "nobody", who may not reach a checkout
             # under /root: they keep the user that runs the test instead.
             "USER": "user root;" if os.geteuid() == 0 else ""}
    subst.update({"PORT_" + k: str(v) for k, v in env.ports.items()})
    conf = open(os.path.join(env.root, "lua", "t", "nginx.conf.in")).read()
    for k, v in subst.items():
        conf = conf.replace("@%s@" % k, v)
    check("@" not in conf, "nginx.conf: a placeholder is left")
    env.conf = os.path.join(env.prefix, "conf", "nginx.conf")
    with open(env.conf, "w") as f:
        f.write(conf)
    base = [env.nginx, "-p", env.prefix, "-c", env.conf, "-e", os.path.join(env.prefix, "logs",
                                                                              "error.log")]
    subprocess.run(base + ["-t", "-q"], check=True)
    subprocess.run(base, check=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", env.ports["API"]), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start; see %s/logs/error.log" % env.prefix)


def test_reload(env):
    """SIGHUP: the master loads the models again in a new Lua VM and frees the old ones; new
    workers answer as before."""
    log = os.path.join(env.prefix, "logs", "error.log")
    with open(log, "rb") as f:
        started = f.read().count(b"start worker process")
    master = int(open(os.path.join(env.prefix, "logs", "nginx.pid")).read())
    os.kill(master, signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        with open(log, "rb") as f:
            if f.read().count(b"start worker process") >= started + 2:
                break
        time.sleep(0.05)
    time.sleep(0.3)  # the old workers finish and exit
    create_ok = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json")
    create_bad = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    expect_like_cli(env, "after reload (SIGHUP): valid", env.ports["LATTICE"], "vpc-lattice",
                    lattice_create(create_ok), want="valid")
    expect_like_cli(env, "after reload (SIGHUP): invalid", env.ports["LATTICE"], "vpc-lattice",
                    lattice_create(create_bad), want="invalid")


def test_readme_config(env):
    """The README's nginx example, run: this build's library, the test's own paths, a free port
    and 127.0.0.1 allowed in place of 10.0.0.0/8. Invalid requests to both of its servers get
    the CLI's answers (valid ones would go to its example backends)."""
    readme = open(os.path.join(env.root, "README.md"), encoding="utf-8").read()
    section = readme.split("## Lua (OpenResty, Kong, APISIX)", 1)[1]
    conf = section.split("```nginx\n", 1)[1].split("```", 1)[0]
    check("access_by_lua_block" in conf and "init_by_lua_block" in conf,
          "README: no nginx example found")
    renv = Env()
    renv.__dict__.update(env.__dict__)
    renv.prefix = os.path.join(env.prefix, "readme")
    os.makedirs(os.path.join(renv.prefix, "logs"), exist_ok=True)
    port = free_ports(1)[0]
    for old, new in (("/usr/local/lib/libawsval.so.0", env.lib),
                     ("listen 8080;", "listen 127.0.0.1:%d;" % port),
                     ("allow 10.0.0.0/8;", "allow 127.0.0.1;")):
        check(old in conf, "README's example has no %r" % old)
        conf = conf.replace(old, new)
    conf = conf.replace("http {\n", "http {\n    access_log off;\n" + "".join(
        "    %s_temp_path %s/%s;\n" % (k, renv.prefix, k) for k in
        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) +
        '    lua_package_path "%s/lua/lib/?.lua;;";\n' % env.root, 1)
    conf = "%spid %s/logs/nginx.pid;\nerror_log %s/logs/error.log;\n" % (
        "user root;\n" if os.geteuid() == 0 else "", renv.prefix, renv.prefix) + conf
    path = os.path.join(renv.prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    subprocess.run([env.nginx, "-p", renv.prefix, "-c", path, "-e",
                    os.path.join(renv.prefix, "logs", "error.log")], check=True, timeout=60)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        bad = example(env, "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
        raw = lattice_create(bad).replace(b"Host: vpc-lattice.us-west-2.amazonaws.com",
                                          b"Host: vpc-lattice.internal")
        expect_like_cli(renv, "README example: VPC Lattice server", port, "vpc-lattice", raw,
                        want="invalid")
        ar_bad = example(env, "apprunner.DeleteVpcIngressConnection.invalid.json")
        raw = apprunner(ar_bad).replace(b"Host: apprunner.us-east-1.amazonaws.com",
                                        b"Host: apprunner.internal")
        expect_like_cli(renv, "README example: App Runner server", port, "apprunner", raw,
                        want="invalid")
    finally:
        stop_nginx(renv)


def stop_nginx(env):
    pidfile = os.path.join(env.prefix, "logs", "nginx.pid")
    try:
        pid = int(open(pidfile).read())
    except (OSError, ValueError):
        return
    os.kill(pid, signal.SIGQUIT)
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    ap.add_argument("--serve", help="start nginx, write the ports as JSON here and exit")
    a = ap.parse_args()
    env = Env()
    env.root = os.path.abspath(a.root)
    env.lib = os.path.join(os.path.abspath(a.build), "libawsval.so")
    env.cli = os.path.join(os.path.abspath(a.build), "awsval")
    env.prefix = os.path.join(os.path.abspath(a.work), "nginx")
    env.nginx = a.nginx
    if a.serve:
        start_nginx(env, free_ports(1)[0])
        with open(a.serve, "w") as f:
            json.dump({"ports": env.ports, "prefix": env.prefix}, f)
        return 0
    env.upstream = Upstream()
    start_nginx(env, env.upstream.port)
    try:
        test_lattice(env)
        test_disk(env)
        test_apprunner(env, env.ports["APPRUNNER"], "apprunner")
        test_model_sources(env)
        test_params_api(env)
        test_contexts(env)
        test_reload(env)
        test_contexts(env)
        test_readme_config(env)
    finally:
        stop_nginx(env)
    log = open(os.path.join(env.prefix, "logs", "error.log"), errors="replace").read()
    for bad in ("[alert]", "[emerg]", "[crit]", "awsval:", "lua entry thread aborted"):
        check(bad not in log, "error.log holds %r" % bad)
    if FAILURES:
        print("%d of %d checks failed (nginx log: %s/logs/error.log)"
              % (len(FAILURES), CHECKS[0], env.prefix))
        return 1
    print("test_nginx: %d checks passed" % CHECKS[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
