#!/usr/bin/python3
"""Tests of ngx_http_awsval_module in a real nginx (Debian's /usr/sbin/nginx), run by
nginx/test.sh.

Every request is also given to the `awsval http` CLI built from this tree: where the CLI says
the request is valid, nginx must pass it to the upstream (a recorder in this process) byte for
byte; where the CLI answers, nginx must answer the same (status line, Content-Type,
x-amzn-ErrorType, Content-Length, body) and send nothing upstream. Nothing here hard-codes a
message of the library. Prints one line per test and a closing 'N passed, N failed'.
"""

import argparse
import gzip
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid

ARGS = None
RESULTS = []          # (name, ok, message)
TESTS = []            # (name, function, phase)


def test(phase="main"):
    def register(fn):
        TESTS.append((fn.__name__, fn, phase))
        return fn
    return register


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# ------------------------------------------------------------------------------------------
# HTTP/1.1 on raw sockets
# ------------------------------------------------------------------------------------------

class Resp:
    def __init__(self, status, reason, headers, body, version="HTTP/1.1"):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body
        self.version = version

    def header(self, name):
        vals = [v for k, v in self.headers if k.lower() == name.lower()]
        return vals[0] if vals else None

    def count(self, name):
        return sum(1 for k, _ in self.headers if k.lower() == name.lower())

    def __repr__(self):
        return "%d %s %r %r" % (self.status, self.reason, self.headers, self.body[:300])


class Reader:
    """Reads HTTP messages from a socket, or from bytes (sock None)."""

    def __init__(self, sock=None, data=b""):
        self.sock, self.buf = sock, bytearray(data)

    def _more(self):
        if self.sock is None:
            return False
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def until(self, sep):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[:i + len(sep)]
                return out
            if not self._more():
                raise EOFError("connection closed (%d bytes pending)" % len(self.buf))

    def exactly(self, n):
        while len(self.buf) < n:
            if not self._more():
                raise EOFError("connection closed in a body")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def rest(self):
        while self._more():
            pass
        out = bytes(self.buf)
        self.buf.clear()
        return out

    def response(self, head=False):
        head_bytes = self.until(b"\r\n\r\n").decode("latin-1")
        lines = head_bytes.split("\r\n")
        m = re.match(r"(HTTP/\d(?:\.\d)?) (\d{3}) ?(.*)$", lines[0])
        if not m:
            raise Fail("bad status line %r" % lines[0])
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k, v.strip()))
        r = Resp(int(m.group(2)), m.group(3), headers, b"", m.group(1))
        if head or r.status < 200 or r.status in (204, 304):
            return r
        te = r.header("Transfer-Encoding")
        if te and "chunked" in te.lower():
            body = bytearray()
            while True:
                size = int(self.until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self.until(b"\r\n")
                    break
                body += self.exactly(size)
                self.until(b"\r\n")
            r.body = bytes(body)
        elif r.header("Content-Length") is not None:
            r.body = self.exactly(int(r.header("Content-Length")))
        else:
            r.body = self.rest()
        return r


class Conn:
    def __init__(self, port, timeout=15):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.reader = Reader(self.sock)

    def send(self, data):
        self.sock.sendall(data)

    def response(self):
        return self.reader.response()

    def close(self):
        self.sock.close()


def exchange(port, data):
    c = Conn(port)
    try:
        c.send(data)
        return c.response()
    finally:
        c.close()


def request(method, target, headers=(), body=None, host="lattice", chunks=None, tid=None,
            expect=False):
    """A raw HTTP/1.1 request; returns (bytes, test id). chunks: the body sent chunked."""
    tid = tid or uuid.uuid4().hex
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: " + host, "X-Test-Id: " + tid]
    lines += ["%s: %s" % kv for kv in headers]
    payload = b""
    if chunks is not None:
        lines.append("Transfer-Encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks if c) + b"0\r\n\r\n"
    elif body is not None:
        lines.append("Content-Length: %d" % len(body))
        payload = body
    if expect:
        lines.append("Expect: 100-continue")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head, payload, tid


# ------------------------------------------------------------------------------------------
# The reference: the awsval CLI
# ------------------------------------------------------------------------------------------

PROFILES = {}   # host -> (CLI model options, service)


def cli(host, data):
    """('valid', None) or ('invalid', Resp) as `awsval http` answers the raw request."""
    opts, service = PROFILES[host]
    p = subprocess.run([ARGS.cli] + opts + ["http", service, "-"], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode == 0:
        check(p.stdout == b"", "awsval http printed something for a valid request")
        return "valid", None
    if p.returncode == 1:
        return "invalid", Reader(data=p.stdout).response()
    raise Fail("awsval http exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))


def same_answer(got, want, what=""):
    for name in ("Content-Type", "x-amzn-ErrorType", "Content-Length"):
        check(got.count(name) == want.count(name) and got.header(name) == want.header(name),
              "%s%s: nginx %r, awsval http %r" % (what, name, got.header(name),
                                                  want.header(name)))
    check(got.status == want.status and got.reason == want.reason,
          "%sstatus: nginx %d %s, awsval http %d %s" % (what, got.status, got.reason,
                                                        want.status, want.reason))
    check(got.body == want.body, "%sbody differs:\n nginx: %r\n awsval: %r" % (
        what, got.body[:400], want.body[:400]))


# ------------------------------------------------------------------------------------------
# The upstream: records what it receives
# ------------------------------------------------------------------------------------------

class Upstream:
    def __init__(self):
        self.lock = threading.Lock()
        self.got = {}
        self.count = 0
        up = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def serve(self):
                n = self.headers.get("Content-Length")
                te = self.headers.get("Transfer-Encoding", "")
                if "chunked" in te.lower():
                    body = bytearray()
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                    body = bytes(body)
                else:
                    body = self.rfile.read(int(n)) if n else b""
                rec = {"method": self.command, "path": self.path, "body": body,
                       "headers": [(k, v) for k, v in self.headers.items()]}
                with up.lock:
                    up.count += 1
                    up.got.setdefault(self.headers.get("X-Test-Id", ""), []).append(rec)
                out = json.dumps({"upstream": True, "bytes": len(body)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Upstream", "recorder")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = serve

        http.server.ThreadingHTTPServer.daemon_threads = True
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.srv.request_queue_size = 256
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def take(self, tid):
        with self.lock:
            return self.got.pop(tid, [])


UP = None


def passed_upstream(resp, tid, method, target, body, headers=()):
    """The request reached the upstream once, as sent."""
    check(resp.status == 200 and resp.header("X-Upstream") == "recorder",
          "expected the upstream's answer, got %r" % resp)
    recs = UP.take(tid)
    check(len(recs) == 1, "the upstream received %d copies" % len(recs))
    rec = recs[0]
    check(rec["method"] == method, "upstream method %r" % rec["method"])
    check(rec["path"] == target, "upstream target %r, sent %r" % (rec["path"], target))
    check(rec["body"] == (body or b""), "upstream body differs: %d bytes received, %d sent" % (
        len(rec["body"]), len(body or b"")))
    got = dict((k.lower(), v) for k, v in rec["headers"])
    for k, v in headers:
        check(got.get(k.lower()) == v, "upstream header %s: %r, sent %r" % (k, got.get(k.lower()), v))


def like_cli(port, host, method, target, headers=(), body=None, chunks=None, expect=None,
             cli_target=None, up_target=None):
    """Sends a request to nginx and the same to the CLI; nginx must do what the CLI says.
    Returns (verdict, nginx response, test id)."""
    head, payload, tid = request(method, target, headers, body, host, chunks)
    if chunks is not None:
        body = b"".join(chunks)
    ref_head, ref_payload, _ = request(method, cli_target or target, headers, body, host, tid=tid)
    verdict, want = cli(host, ref_head + ref_payload)
    if expect:
        check(verdict == expect, "awsval http says %s, the test expects %s" % (verdict, expect))
    resp = exchange(port, head + payload)
    if verdict == "valid":
        passed_upstream(resp, tid, method, up_target or target, body, headers)
    else:
        same_answer(resp, want)
        check(UP.take(tid) == [], "an invalid request reached the upstream")
    return verdict, resp, tid


# ------------------------------------------------------------------------------------------
# nginx instances
# ------------------------------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc=None, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise Fail("nginx exited with %d" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise Fail("nothing listens on port %d" % port)


class Nginx:
    def __init__(self, name, http_conf, main_extra=""):
        self.prefix = os.path.join(ARGS.work, name)
        shutil.rmtree(self.prefix, ignore_errors=True)
        os.makedirs(os.path.join(self.prefix, "logs"))
        os.makedirs(os.path.join(self.prefix, "tmp"))
        self.conf = os.path.join(self.prefix, "nginx.conf")
        self.error_log = os.path.join(self.prefix, "logs", "error.log")
        self.access_log = os.path.join(self.prefix, "logs", "access.log")
        p = self.prefix
        user = "user %s;" % os.popen("id -un").read().strip() if os.getuid() == 0 else ""
        text = """load_module %(module)s;
%(user)s
pid %(p)s/nginx.pid;
error_log %(p)s/logs/error.log info;
%(main_extra)s
events { worker_connections 512; }
http {
    client_body_temp_path %(p)s/tmp/body;
    proxy_temp_path %(p)s/tmp/proxy;
    fastcgi_temp_path %(p)s/tmp/fastcgi;
    uwsgi_temp_path %(p)s/tmp/uwsgi;
    scgi_temp_path %(p)s/tmp/scgi;
    log_format t '$http_x_test_id|$status|$awsval_result|$awsval_operation|$awsval_error_type|$awsval_violations';
    access_log %(p)s/logs/access.log t;
%(http)s
}
""" % {"module": ARGS.module, "user": user, "p": p, "main_extra": main_extra, "http": http_conf}
        with open(self.conf, "w") as f:
            f.write(text)

    def cmd(self, *args):
        return [ARGS.nginx, "-p", self.prefix + "/", "-c", self.conf, "-e", self.error_log] + \
            list(args)

    def test_config(self):
        p = subprocess.run(self.cmd("-t"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
        return p.returncode, p.stdout

    def start(self, port):
        p = subprocess.run(self.cmd(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
        check(p.returncode == 0, "nginx did not start: %s" % p.stdout)
        wait_port(port)

    def signal(self, sig):
        p = subprocess.run(self.cmd("-s", sig), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        check(p.returncode == 0, "nginx -s %s: %s" % (sig, p.stdout))

    def stop(self):
        pidfile = os.path.join(self.prefix, "nginx.pid")
        if not os.path.exists(pidfile):
            return
        pid = int(open(pidfile).read())
        try:
            self.signal("quit")
        except Fail:
            pass
        end = time.time() + 20
        while time.time() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGTERM)

    def log_line(self, tid, seconds=5):
        """The access log line of a request (the log is written after the answer is sent)."""
        end = time.time() + seconds
        while True:
            with open(self.access_log, errors="replace") as f:
                for line in f:
                    if line.startswith(tid + "|"):
                        # undo the access log's escaping (\xHH, upper-case hex)
                        line = re.sub(r"\\x([0-9A-F]{2})",
                                      lambda m: chr(int(m.group(1), 16)), line)
                        fields = line.rstrip("\n").split("|", 5)
                        return {"status": fields[1], "result": fields[2],
                                "operation": fields[3], "error_type": fields[4],
                                "violations": fields[5]}
            if time.time() > end:
                raise Fail("no access log line for %s" % tid)
            time.sleep(0.05)

    def errors(self):
        with open(self.error_log, errors="replace") as f:
            return f.read()


# ------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------

ASSOC = "/servicenetworkserviceassociations"
GOOD_ID = "snsa-0123456789abcdefg"
JSON = ("Content-Type", "application/json")
AMZ_JSON = ("Content-Type", "application/x-amz-json-1.0")
APPRUNNER_DELETE = ("X-Amz-Target", "AppRunner.DeleteVpcIngressConnection")


def example(name):
    with open(os.path.join(ARGS.repo, "examples", name), "rb") as f:
        return f.read()


def create_body(tags=None, service="svc-0123456789abcdefg"):
    doc = {"clientToken": "7d4c1f6e-4b1a-4a8b-9d6e-2f1c0b9a8e7d",
           "serviceIdentifier": service,
           "serviceNetworkIdentifier": "sn-0123456789abcdefg"}
    if tags is not None:
        doc["tags"] = tags
    return json.dumps(doc).encode()


def big_tags(n=40, size=200):
    """About n * (size + 16) bytes of valid tags."""
    return {"team-%03d" % i: ("value %d " % i + "x" * size)[:size] for i in range(n)}


LIMIT_MODEL = {
    "version": "2.0",
    "metadata": {"apiVersion": "2024-01-01", "endpointPrefix": "limits", "protocol": "rest-json",
                 "serviceId": "Limits", "signatureVersion": "v4", "uid": "limits-2024-01-01"},
    "operations": {"Put": {"name": "Put", "http": {"method": "POST", "requestUri": "/put"},
                           "input": {"shape": "PutRequest"}}},
    "shapes": {"PutRequest": {"type": "structure", "members": {"v": {"shape": "Digits"}}},
               # the look-ahead keeps it off the library's linear-time automaton: PCRE2 runs
               # it, and backtracks catastrophically on 1111...1a
               "Digits": {"type": "string", "pattern": "^(?!x)([0-9]+)+$"}},
}


def write_data():
    """The model files and the botocore data directory the configuration names."""
    d = os.path.join(ARGS.work, "data")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    paths = {"smithy": os.path.join(ARGS.repo, "tests/data/smithy-malformed/service-2.json")}
    # a botocore data directory: the repository's VPC Lattice model under another service name
    # (a built-in name would be taken from the library), gzip-compressed as botocore ships it
    boto = os.path.join(d, "botocore")
    src = os.path.join(ARGS.repo, "models/vpc-lattice/2022-11-30/service-2.json")
    os.makedirs(os.path.join(boto, "lattice-copy", "2022-11-30"))
    with open(src, "rb") as f, \
            gzip.open(os.path.join(boto, "lattice-copy/2022-11-30/service-2.json.gz"), "wb") as g:
        g.write(f.read())
    shutil.copytree(os.path.join(ARGS.repo, "models/apprunner"), os.path.join(boto, "runner-copy"))
    paths["botocore"] = boto
    paths["limits"] = os.path.join(d, "limits.json")
    with open(paths["limits"], "w") as f:
        json.dump(LIMIT_MODEL, f)
    paths["broken"] = os.path.join(d, "broken.json")
    with open(paths["broken"], "w") as f:
        f.write('{"version": "2.0", "metadata": {"protocol": "rest-json",\n  "apiVersion": ]}\n')
    paths["htpasswd"] = os.path.join(d, "htpasswd")
    with open(paths["htpasswd"], "w") as f:
        f.write("tester:{PLAIN}secret\n")
    os.chmod(d, 0o755)
    for name in os.listdir(d):
        if os.path.isfile(os.path.join(d, name)):
            os.chmod(os.path.join(d, name), 0o644)
    return paths


def main_http_conf(paths, upstream_port, port, h2port, ok_port):
    return """
    upstream up { server 127.0.0.1:%(up)d; }
    add_header X-Worker $pid always;
    client_max_body_size 8m;
    awsval_models %(boto)s;

    # the issue's location, as a user writes it
    server {
        listen 127.0.0.1:%(port)d default_server;
        listen 127.0.0.1:%(h2)d http2;
        server_name lattice;
        location / {
            awsval on;
            awsval_service vpc-lattice;
            proxy_pass http://up;
        }
    }

    # the rest inherits awsval and the service from the server level
    server {
        listen 127.0.0.1:%(port)d;
        listen 127.0.0.1:%(h2)d http2;
        server_name smallbuf;
        client_body_buffer_size 1k;
        awsval on;
        awsval_service vpc-lattice;
        location / { proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name limit;
        awsval on;
        awsval_service vpc-lattice;
        awsval_max_body_size 2k;
        location / { proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name log;
        awsval on;
        awsval_service vpc-lattice;
        awsval_mode log;
        location / { proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name prefix;
        awsval on;
        awsval_service vpc-lattice;
        location /api/ {
            awsval_strip_prefix /api/;
            proxy_pass http://up;
        }
        location / { awsval off; proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name auth;
        awsval on;
        awsval_service vpc-lattice;
        location / {
            auth_basic "awsval test";
            auth_basic_user_file %(htpasswd)s;
            proxy_pass http://up;
        }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name apprunner;
        awsval on;
        awsval_service apprunner;
        location / { proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name smithy;
        awsval on;
        awsval_model %(smithy)s;
        location / { proxy_pass http://up; }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name botocore;
        awsval on;
        awsval_service lattice-copy;
        location / { proxy_pass http://up; }
        location /runner/ {
            awsval_service runner-copy@2020-05-15;
            awsval_strip_prefix /runner;
            proxy_pass http://up;
        }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name limits-closed;
        awsval on;
        awsval_model %(limits)s;
        location / { proxy_pass http://up; }
        location /open/ {
            awsval_pattern_limit open;
            awsval_strip_prefix /open;
            proxy_pass http://up;
        }
    }
    server {
        listen 127.0.0.1:%(port)d;
        server_name off;
        location / { proxy_pass http://up; }
    }

    # the README's location for Envoy's ext_authz (HTTP service)
    server {
        listen 127.0.0.1:%(port)d;
        server_name authz;
        location /awsval/vpc-lattice/ {
            awsval on;
            awsval_service vpc-lattice;
            awsval_strip_prefix /awsval/vpc-lattice;
            proxy_pass http://127.0.0.1:%(ok)d;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }
    }
    server {
        listen 127.0.0.1:%(ok)d;
        location / { add_header X-Authz-Ok yes; return 200; }
    }
""" % {"up": upstream_port, "port": port, "h2": h2port, "boto": paths["botocore"],
       "htpasswd": paths["htpasswd"], "smithy": paths["smithy"], "limits": paths["limits"],
       "ok": ok_port}


# ------------------------------------------------------------------------------------------
# Tests: the module and its configuration
# ------------------------------------------------------------------------------------------

N = {}   # shared state: nginx, ports, paths


@test("static")
def module_exports_no_awsval_symbol():
    out = subprocess.run(["nm", "-D", "--defined-only", ARGS.module], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    check("ngx_http_awsval_module" in names, "the module symbol is not exported: %r" % names)
    foreign = [n for n in names if not n.startswith("ngx_")]
    check(not foreign, "the module exports more than nginx's symbols: %r" % foreign)
    undefined = subprocess.run(["nm", "-D", "--undefined-only", ARGS.module],
                               stdout=subprocess.PIPE, text=True, check=True).stdout
    check("awsval_" not in undefined, "the module needs awsval from elsewhere")


def nginx_t(name, http):
    n = Nginx(name, http.replace("PORT", str(free_port())))
    return n.test_config()


def cli_error(opts, service):
    p = subprocess.run([ARGS.cli] + opts + ["http", service, "-"], input=b"GET / HTTP/1.1\r\n\r\n",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=False)
    check(p.returncode == 2, "awsval http loaded a model it should refuse")
    # "awsval: [PATH: ]MESSAGE": the library's message, less the CLI's own prefixes
    return p.stderr.decode().splitlines()[0].removeprefix("awsval: ").removeprefix(
        opts[1] + ": ")


@test("static")
def nginx_t_reports_model_errors():
    paths = N["paths"]
    # a model file that is not JSON: the library's message, with its line and column
    msg = cli_error(["--model", paths["broken"]], "x")
    rc, out = nginx_t("t-broken", "server { listen 127.0.0.1:PORT; location / { awsval on; "
                      "awsval_model %s; } }" % paths["broken"])
    check(rc != 0, "nginx -t accepted a broken model")
    check(msg in out, "nginx -t does not give the library's message %r:\n%s" % (msg, out))
    conf = os.path.join(ARGS.work, "t-broken", "nginx.conf")
    line = [i + 1 for i, t in enumerate(open(conf)) if "awsval_model" in t][0]
    check(" in %s:%d\n" % (conf, line) in out, "not the directive's line (%d):\n%s" % (line, out))
    # a service neither built in nor in the directory
    msg = cli_error(["--models", paths["botocore"]], "no-such-service")
    rc, out = nginx_t("t-nodir", "awsval_models %s; server { listen 127.0.0.1:PORT; location / { "
                      "awsval on; awsval_service no-such-service; } }" % paths["botocore"])
    check(rc != 0 and msg in out, "nginx -t: %d, expected the library's %r:\n%s" % (rc, msg, out))
    # not built in and no directory
    rc, out = nginx_t("t-nobuiltin", "server { listen 127.0.0.1:PORT; location / { awsval on; "
                      "awsval_service no-such-service; } }")
    check(rc != 0 and "no built-in model" in out and "no-such-service" in out, out)
    # a built-in service at a version it does not have
    rc, out = nginx_t("t-version", "server { listen 127.0.0.1:PORT; location / { awsval on; "
                      "awsval_service vpc-lattice@1999-01-01; } }")
    check(rc != 0 and "1999-01-01" in out, out)
    # on, and nothing named
    rc, out = nginx_t("t-none", "server { listen 127.0.0.1:PORT; location / { awsval on; } }")
    check(rc != 0 and "needs \"awsval_service\"" in out, out)
    # bad values
    for bad in ("awsval_mode strict;", "awsval_pattern_limit maybe;",
                "awsval_max_body_size 0;", "awsval_strip_prefix api;",
                "awsval_service vpc-lattice; awsval_service apprunner;"):
        rc, out = nginx_t("t-bad", "server { listen 127.0.0.1:PORT; location / { %s } }" % bad)
        check(rc != 0, "nginx -t accepted %r" % bad)
    # and the full test configuration passes
    # (nginx -t binds the ports)
    rc, out = Nginx("t-ok", main_http_conf(paths, free_port(), free_port(), free_port(),
                                           free_port())).test_config()
    check(rc == 0, "nginx -t rejects the test configuration:\n" + out)


# ------------------------------------------------------------------------------------------
# Tests: requests
# ------------------------------------------------------------------------------------------

@test()
def seed_delete_bad_and_good():
    port = N["port"]
    verdict, resp, tid = like_cli(port, "lattice", "DELETE", ASSOC + "/bad%20id", expect="invalid")
    check(resp.status == 400, "status %d" % resp.status)
    check(resp.header("x-amzn-ErrorType") == "ValidationException", repr(resp.headers))
    check(json.loads(resp.body).get("message"), "no message in the body")
    line = N["nginx"].log_line(tid)
    check(line["result"] == "invalid" and line["error_type"] == "ValidationException" and
          line["operation"] == "DeleteServiceNetworkServiceAssociation" and
          line["violations"] not in ("", "-"), "access log: %r" % line)
    check("bad id" not in line["violations"], "a value in $awsval_violations: %r" % line)
    verdict, resp, tid = like_cli(port, "lattice", "DELETE", ASSOC + "/" + GOOD_ID,
                                  expect="valid")
    line = N["nginx"].log_line(tid)
    check(line["result"] == "valid" and line["error_type"] == "-" and line["violations"] == "-",
          "access log: %r" % line)


@test()
def create_in_memory_body():
    port = N["port"]
    like_cli(port, "lattice", "POST", ASSOC, [JSON], create_body({"team": "payments"}),
             expect="valid")
    like_cli(port, "lattice", "POST", ASSOC, [JSON],
             example("vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json"),
             expect="valid")
    like_cli(port, "lattice", "POST", ASSOC, [JSON],
             example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"),
             expect="invalid")
    like_cli(port, "lattice", "POST", ASSOC, [JSON], b'{"serviceIdentifier": ', expect="invalid")
    like_cli(port, "lattice", "POST", ASSOC, [("Content-Type", "text/plain")], create_body(),
             expect="invalid")


def hostile_body(size):
    """A body of about `size` bytes with a violation every 20 bytes (tag keys that begin with
    'aws:'), the kind of request that makes a checker hold the most memory."""
    tags, n = {}, 0
    while n < size - 120:
        k = "aws:%d" % len(tags)
        tags[k] = "v"
        n += len(k) + 9
    return create_body(tags)


@test()
def large_hostile_bodies():
    # a checker that held the most memory is trimmed after the request: the next ones are right
    port = N["port"]
    body = hostile_body(900 * 1024)
    check(800 * 1024 < len(body) < 1024 * 1024, "size %d" % len(body))
    for _ in range(2):
        like_cli(port, "lattice", "POST", ASSOC, [JSON], body, expect="invalid")
        like_cli(port, "lattice", "POST", ASSOC, [JSON], create_body({"team": "x"}),
                 expect="valid")
        like_cli(port, "smallbuf", "POST", ASSOC, [JSON], body, expect="invalid")


@test()
def raw_target_routing():
    port = N["port"]
    # %2F is not a path separator to the service; nginx's normalised $uri would say it is
    like_cli(port, "lattice", "DELETE", ASSOC + "/snsa-0123456789abcdef%2Fg", expect="invalid")
    like_cli(port, "lattice", "DELETE", ASSOC + "/" + GOOD_ID + "?x=1", expect="valid")
    like_cli(port, "lattice", "GET", "/no/such/operation", expect="invalid")
    like_cli(port, "lattice", "DELETE", ASSOC + "/%73nsa-0123456789abcdefg")


@test()
def temp_file_bodies():
    port = N["port"]
    body = create_body(big_tags(40, 200))
    check(len(body) > 8000, "body too small: %d" % len(body))
    before = N["nginx"].errors().count("buffered to a temporary file")
    like_cli(port, "smallbuf", "POST", ASSOC, [JSON], body, expect="valid")
    bad = create_body(big_tags(40, 200), service="svc-bad")
    like_cli(port, "smallbuf", "POST", ASSOC, [JSON], bad, expect="invalid")
    # a tag value too long, deep in the file
    tags = big_tags(40, 200)
    tags["team-039"] = "v" * 300
    like_cli(port, "smallbuf", "POST", ASSOC, [JSON], create_body(tags), expect="invalid")
    after = N["nginx"].errors().count("buffered to a temporary file")
    check(after - before >= 3, "the bodies were not buffered to temporary files (%d)" % (
        after - before))


@test()
def chunked_bodies():
    port = N["port"]
    body = create_body({"team": "payments"})
    chunks = [body[:7], body[7:30], body[30:]]
    like_cli(port, "lattice", "POST", ASSOC, [JSON], chunks=chunks, expect="valid")
    bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    like_cli(port, "lattice", "POST", ASSOC, [JSON], chunks=[bad[:10], bad[10:]], expect="invalid")
    # chunked into a temporary file
    big = create_body(big_tags(40, 200))
    like_cli(port, "smallbuf", "POST", ASSOC, [JSON],
             chunks=[big[i:i + 1000] for i in range(0, len(big), 1000)], expect="valid")


def expect_continue(port, host, target, body, headers=(JSON,)):
    head, payload, tid = request("POST", target, headers, body, host, expect=True)
    c = Conn(port)
    try:
        c.send(head)
        first = c.response()
        if first.status == 100:
            c.send(payload)
            return first, c.response(), tid
        return None, first, tid
    finally:
        c.close()


@test()
def expect_100_continue():
    port = N["port"]
    body = create_body({"team": "payments"})
    cont, resp, tid = expect_continue(port, "lattice", ASSOC, body)
    check(cont is not None, "no 100 Continue before a valid body")
    passed_upstream(resp, tid, "POST", ASSOC, body, [JSON])
    bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    cont, resp, tid = expect_continue(port, "lattice", ASSOC, bad)
    check(cont is not None, "no 100 Continue before an invalid body")
    head, payload, _ = request("POST", ASSOC, [JSON], bad, "lattice", tid=tid)
    _, want = cli("lattice", head + payload)
    same_answer(resp, want)
    check(UP.take(tid) == [], "an invalid request reached the upstream")


@test()
def empty_bodies():
    port = N["port"]
    like_cli(port, "lattice", "POST", ASSOC, [JSON], b"", expect="invalid")
    like_cli(port, "lattice", "POST", ASSOC, [JSON], None, expect="invalid")
    like_cli(port, "lattice", "DELETE", ASSOC + "/" + GOOD_ID, [], b"", expect="valid")
    like_cli(port, "apprunner", "POST", "/", [AMZ_JSON, APPRUNNER_DELETE], b"", expect="invalid")


@test()
def over_the_size_limit():
    port = N["port"]
    small = create_body({"team": "payments"})
    like_cli(port, "limit", "POST", ASSOC, [JSON], small, expect="valid")
    big = create_body(big_tags(20, 200))
    check(2048 < len(big) < 8 * 1024 * 1024, "size %d" % len(big))
    for kind in ("length", "chunked"):
        head, payload, tid = request("POST", ASSOC, [JSON], None if kind == "chunked" else big,
                                     "limit", chunks=[big[:1000], big[1000:]]
                                     if kind == "chunked" else None)
        resp = exchange(port, head + payload)
        check(resp.status == 413, "%s: %r" % (kind, resp))
        check(UP.take(tid) == [], "a body over the limit reached the upstream")
        line = N["nginx"].log_line(tid)
        check(line["status"] == "413" and line["result"] == "invalid" and
              line["violations"] == "limit", repr(line))
    # with Expect: the answer comes before the body is sent
    cont, resp, tid = expect_continue(port, "limit", ASSOC, big)
    check(cont is None and resp.status == 413, "expected 413 without 100 Continue: %r" % resp)


@test()
def keepalive_invalid_then_valid():
    port = N["port"]
    bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    good = create_body({"team": "payments"})
    c = Conn(port)
    try:
        h1, p1, t1 = request("POST", ASSOC, [JSON], bad)
        h2, p2, t2 = request("POST", ASSOC, [JSON], good)
        h3, p3, t3 = request("DELETE", ASSOC + "/x")
        c.send(h1 + p1)
        r1 = c.response()
        _, want = cli("lattice", h1 + p1)
        same_answer(r1, want)
        check(r1.header("Connection") != "close", "nginx closes after a rejection")
        c.send(h2 + p2)
        r2 = c.response()
        passed_upstream(r2, t2, "POST", ASSOC, good, [JSON])
        # pipelined: an invalid and a valid request in one write
        h4, p4, t4 = request("DELETE", ASSOC + "/" + GOOD_ID)
        c.send(h3 + p3 + h4 + p4)
        r3 = c.response()
        _, want = cli("lattice", h3 + p3)
        same_answer(r3, want)
        r4 = c.response()
        passed_upstream(r4, t4, "DELETE", ASSOC + "/" + GOOD_ID, b"")
        check(UP.take(t1) == [] and UP.take(t3) == [], "an invalid request reached the upstream")
    finally:
        c.close()


@test()
def log_mode_passes_and_logs():
    port = N["port"]
    bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    head, payload, tid = request("POST", ASSOC, [JSON], bad, "log")
    verdict, want = cli("log", head + payload)
    check(verdict == "invalid", "the example is not invalid")
    resp = exchange(port, head + payload)
    passed_upstream(resp, tid, "POST", ASSOC, bad, [JSON])
    line = N["nginx"].log_line(tid)
    check(line["result"] == "invalid" and line["error_type"] == want.header("x-amzn-ErrorType")
          and line["operation"] == "CreateServiceNetworkServiceAssociation"
          and line["violations"] not in ("", "-"), repr(line))
    check("svc-bad" not in line["violations"], "a value in $awsval_violations")
    check("(log only)" in N["nginx"].errors(), "no warning in the error log")


@test()
def strip_prefix():
    port = N["port"]
    like_cli(port, "prefix", "DELETE", "/api" + ASSOC + "/bad%20id",
             cli_target=ASSOC + "/bad%20id", expect="invalid")
    like_cli(port, "prefix", "DELETE", "/api" + ASSOC + "/" + GOOD_ID,
             cli_target=ASSOC + "/" + GOOD_ID, expect="valid")
    like_cli(port, "prefix", "POST", "/api" + ASSOC, [JSON], create_body(), cli_target=ASSOC,
             expect="valid")
    # outside the location, awsval is off
    head, payload, tid = request("DELETE", ASSOC + "/bad", host="prefix")
    passed_upstream(exchange(port, head + payload), tid, "DELETE", ASSOC + "/bad", b"")
    check(N["nginx"].log_line(tid)["result"] == "skipped", "awsval off is not 'skipped'")


@test()
def auth_basic_answers_first():
    port = N["port"]
    # headers announce a body that is never sent: 401 must come without reading it
    head, _, tid = request("POST", ASSOC, [JSON, ("Content-Length", "5000")], None, "auth")
    c = Conn(port, timeout=5)
    try:
        c.send(head)
        resp = c.response()
    finally:
        c.close()
    check(resp.status == 401, "expected 401, got %r" % resp)
    check(N["nginx"].log_line(tid)["result"] == "skipped", "checked before authentication")
    cred = ("Authorization", "Basic dGVzdGVyOnNlY3JldA==")
    like_cli(port, "auth", "POST", ASSOC, [JSON, cred],
             example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"),
             expect="invalid")
    like_cli(port, "auth", "POST", ASSOC, [JSON, cred], create_body(), expect="valid")


@test()
def app_runner_by_target():
    port = N["port"]
    for name, verdict in (("valid", "valid"), ("invalid", "invalid")):
        like_cli(port, "apprunner", "POST", "/", [AMZ_JSON, APPRUNNER_DELETE],
                 example("apprunner.DeleteVpcIngressConnection.%s.json" % name), expect=verdict)
    body = example("apprunner.DeleteVpcIngressConnection.valid.json")
    like_cli(port, "apprunner", "POST", "/", [AMZ_JSON, ("X-Amz-Target", "AppRunner.NoSuchOp")],
             body, expect="invalid")
    like_cli(port, "apprunner", "POST", "/", [AMZ_JSON], body, expect="invalid")
    like_cli(port, "apprunner", "POST", "/", [JSON, APPRUNNER_DELETE], body, expect="invalid")
    like_cli(port, "apprunner", "GET", "/", [AMZ_JSON, APPRUNNER_DELETE], None, expect="invalid")


@test()
def smithy_malformed_cases():
    port = N["port"]
    path = os.path.join(ARGS.repo, "tests/data/smithy-malformed/cases.jsonl")
    count = 0
    for line in open(path, encoding="utf-8"):
        case = json.loads(line)
        rq = case["request"]
        target = rq["uri"]
        if rq.get("queryParams"):
            target += "?" + "&".join(rq["queryParams"])
        headers = list(rq.get("headers", {}).items())
        body = rq["body"].encode("utf-8") if rq.get("body") is not None else None
        try:
            verdict, resp, _ = like_cli(port, "smithy", rq["method"], target, headers, body,
                                        expect="invalid")
            want = case["response"]
            check(resp.status == want["code"], "status %d, Smithy says %d" % (
                resp.status, want["code"]))
            check(resp.header("x-amzn-ErrorType") == want["headers"]["x-amzn-errortype"],
                  "error type %r" % resp.header("x-amzn-ErrorType"))
        except Fail as e:
            raise Fail("%s: %s" % (case["id"], e))
        count += 1
    check(count == 125, "%d cases, expected 125" % count)


@test()
def sensitive_values_stay_out_of_logs():
    port = N["port"]
    secret = "SECRET-sensitive-value-4711"
    body = json.dumps({"string": secret}).encode()
    verdict, resp, tid = like_cli(port, "smithy", "POST", "/SensitiveValidation", [JSON], body,
                                  expect="invalid")
    check(secret.encode() not in resp.body, "the answer echoes a sensitive value")
    line = N["nginx"].log_line(tid)
    check(line["result"] == "invalid" and line["violations"] not in ("", "-"), repr(line))
    for log in (N["nginx"].access_log, N["nginx"].error_log):
        check(secret not in open(log, errors="replace").read(), "%s holds the value" % log)


@test()
def violations_are_escaped():
    port = N["port"]
    key = "aws:x\nINJECTED \"line\" \\ \x7f"
    body = create_body({key: "v"})
    verdict, resp, tid = like_cli(port, "lattice", "POST", ASSOC, [JSON], body, expect="invalid")
    line = N["nginx"].log_line(tid)
    check("/tags/aws:x\\x0aINJECTED \\x22line\\x22 \\x5c \\x7f" in line["violations"],
          "$awsval_violations: %r" % line["violations"])
    for text in (N["nginx"].errors(), open(N["nginx"].access_log, errors="replace").read()):
        check("\nINJECTED" not in text, "a client's key starts a log line")
    check("/tags/aws:x\\x0aINJECTED" in N["nginx"].errors(), "no escaped key in the error log")


@test()
def botocore_directory_models():
    port = N["port"]
    like_cli(port, "botocore", "DELETE", ASSOC + "/bad%20id", expect="invalid")
    like_cli(port, "botocore", "DELETE", ASSOC + "/" + GOOD_ID, expect="valid")
    like_cli(port, "botocore", "POST", ASSOC, [JSON],
             example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"),
             expect="invalid")
    # NAME@VERSION from the directory, under a strip prefix
    PROFILES["botocore-runner"] = (["--models", N["paths"]["botocore"]], "runner-copy@2020-05-15")
    for name, verdict in (("valid", "valid"), ("invalid", "invalid")):
        head, payload, tid = request("POST", "/runner/", [AMZ_JSON, APPRUNNER_DELETE],
                                     example("apprunner.DeleteVpcIngressConnection.%s.json" % name),
                                     "botocore")
        ref, ref_payload, _ = request("POST", "/", [AMZ_JSON, APPRUNNER_DELETE], payload,
                                      "botocore", tid=tid)
        got_verdict, want = cli("botocore-runner", ref + ref_payload)
        check(got_verdict == verdict, "awsval http says %s" % got_verdict)
        resp = exchange(port, head + payload)
        if verdict == "valid":
            passed_upstream(resp, tid, "POST", "/runner/", payload)
        else:
            same_answer(resp, want)


@test()
def pattern_limit_closed_and_open():
    port = N["port"]
    body = json.dumps({"v": "1" * 3000 + "a"}).encode()
    verdict, resp, tid = like_cli(port, "limits-closed", "POST", "/put", [JSON], body,
                                  expect="invalid")
    check("limit" in N["nginx"].log_line(tid)["violations"], "not a limit violation")
    head, payload, tid = request("POST", "/open/put", [JSON], body, "limits-closed")
    resp = exchange(port, head + payload)
    passed_upstream(resp, tid, "POST", "/open/put", body)
    # open is about limits only: a plain mismatch is still rejected
    head, payload, tid = request("POST", "/open/put", [JSON], b'{"v": "12a"}', "limits-closed")
    check(exchange(port, head + payload).status == 400, "open let a mismatch through")


@test()
def off_is_skipped():
    head, payload, tid = request("DELETE", ASSOC + "/bad", host="off")
    passed_upstream(exchange(N["port"], head + payload), tid, "DELETE", ASSOC + "/bad", b"")
    check(N["nginx"].log_line(tid)["result"] == "skipped", "not skipped")


@test()
def ext_authz_location():
    # what Envoy's ext_authz HTTP service sends: the original method, the original path behind
    # path_prefix, the allowed headers (content-type, x-amz-*) and the buffered body
    port = N["port"]
    cases = [("DELETE", ASSOC + "/bad%20id", [], None, "invalid"),
             ("DELETE", ASSOC + "/" + GOOD_ID, [], None, "valid"),
             ("POST", ASSOC, [JSON], create_body({"team": "payments"}), "valid"),
             ("POST", ASSOC, [JSON],
              example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"),
              "invalid")]
    for method, target, headers, body, verdict in cases:
        head, payload, tid = request(method, "/awsval/vpc-lattice" + target, headers, body,
                                     "authz")
        ref, ref_payload, _ = request(method, target, headers, body, "authz", tid=tid)
        got, want = cli("lattice", ref + ref_payload)
        check(got == verdict, "awsval http says %s" % got)
        resp = exchange(port, head + payload)
        if verdict == "valid":
            check(resp.status == 200 and resp.header("X-Authz-Ok") == "yes",
                  "a valid request is not allowed: %r" % resp)
        else:
            same_answer(resp, want)
        check(UP.take(tid) == [], "the check location reached the upstream")


@test("reload")
def reload_with_a_broken_model_keeps_serving():
    ngx, port = N["nginx"], N["port"]
    with open(ngx.error_log, errors="replace") as f:
        start = len(f.read())
    broken = N["main_conf"].replace("awsval_model %s;" % N["paths"]["smithy"],
                                    "awsval_model %s;" % N["paths"]["broken"])
    check(broken != N["main_conf"], "no smithy model in the configuration")
    with open(ngx.conf) as f:
        good = f.read()
    with open(ngx.conf, "w") as f:
        f.write(good.replace(N["main_conf"], broken))
    try:
        # `nginx -s reload` reads the configuration itself and would refuse to signal: send
        # SIGHUP as a service manager does
        os.kill(int(open(os.path.join(ngx.prefix, "nginx.pid")).read()), signal.SIGHUP)
        end = time.time() + 10
        while "cannot load the model" not in ngx.errors()[start:] and time.time() < end:
            time.sleep(0.1)
        check("cannot load the model" in ngx.errors()[start:],
              "the failed reload is not in the error log")
        msg = cli_error(["--model", N["paths"]["broken"]], "x")
        check(msg in ngx.errors()[start:], "the library's message is not in the error log")
        # the old configuration still answers, Smithy model included
        like_cli(port, "smithy", "POST", "/MalformedEnum", [JSON], b'{"string": "ABC"}',
                 expect="invalid")
        like_cli(port, "lattice", "DELETE", ASSOC + "/" + GOOD_ID, expect="valid")
    finally:
        with open(ngx.conf, "w") as f:
            f.write(good)
        ngx.signal("reload")
        time.sleep(1)


def curl_h2(port, host, method, target, headers, body):
    d = os.path.join(ARGS.work, "h2")
    os.makedirs(d, exist_ok=True)
    tid = uuid.uuid4().hex
    cmd = ["curl", "-sS", "--http2-prior-knowledge", "-X", method, "-o", d + "/body",
           "-D", d + "/head", "-w", "%{http_version}", "-H", "Host: " + host,
           "-H", "X-Test-Id: " + tid, "-H", "Accept:", "-H", "User-Agent:"]
    for k, v in headers:
        cmd += ["-H", "%s: %s" % (k, v)]
    if body is not None:
        with open(d + "/req", "wb") as f:
            f.write(body)
        cmd += ["--data-binary", "@" + d + "/req"]
    cmd.append("http://127.0.0.1:%d%s" % (port, target))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    check(p.returncode == 0, "curl: %s" % p.stderr)
    check(p.stdout.strip() == "2", "not HTTP/2: %r" % p.stdout)
    with open(d + "/head", "rb") as f:
        head = f.read()
    with open(d + "/body", "rb") as f:
        resp = Reader(data=head).response(head=True)
        resp.body = f.read()
    return resp, tid


@test()
def http2_cleartext():
    if N["h2"] is None:
        raise Fail("skip")
    port = N["h2"]
    cases = [("lattice", "DELETE", ASSOC + "/bad%20id", [], None, "invalid"),
             ("lattice", "DELETE", ASSOC + "/" + GOOD_ID, [], None, "valid"),
             ("lattice", "POST", ASSOC, [JSON], create_body({"team": "payments"}), "valid"),
             ("lattice", "POST", ASSOC, [JSON],
              example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"),
              "invalid"),
             ("smallbuf", "POST", ASSOC, [JSON], create_body(big_tags(40, 200)), "valid"),
             ("smallbuf", "POST", ASSOC, [JSON],
              create_body(big_tags(40, 200), service="svc-bad"), "invalid")]
    for host, method, target, headers, body, verdict in cases:
        resp, tid = curl_h2(port, host, method, target, headers, body)
        head, payload, _ = request(method, target, headers, body, host, tid=tid)
        got, want = cli(host, head + payload)
        check(got == verdict, "awsval http says %s" % got)
        if verdict == "valid":
            passed_upstream(resp, tid, method, target, body, headers)
        else:
            check(resp.status == want.status, "status %d, awsval http %d" % (
                resp.status, want.status))
            for name in ("content-type", "x-amzn-errortype", "content-length"):
                check(resp.header(name) == want.header(name), "%s: %r, awsval http %r" % (
                    name, resp.header(name), want.header(name)))
            check(resp.body == want.body, "body differs")
            check(UP.take(tid) == [], "an invalid request reached the upstream")


# ------------------------------------------------------------------------------------------
# Reload under load
# ------------------------------------------------------------------------------------------

@test("reload")
def reload_under_load_loses_nothing():
    port, ngx = N["port"], N["nginx"]
    good_h, good_p, _ = request("POST", ASSOC, [JSON], create_body({"team": "payments"}),
                                tid="load")
    bad_h, bad_p, _ = request("POST", ASSOC, [JSON], example(
        "vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json"), tid="load")
    _, want_bad = cli("lattice", bad_h + bad_p)
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"ok": 0, "bad": [], "retried": 0, "pids": set()}

    def verify(resp, valid):
        if valid:
            good = resp.status == 200 and resp.header("X-Upstream") == "recorder"
        else:
            good = resp.status == 400 and resp.body == want_bad.body
        with lock:
            stats["pids"].add(resp.header("X-Worker"))
            if good:
                stats["ok"] += 1
            else:
                stats["bad"].append(repr(resp)[:200])

    def one_per_connection(k):
        i = 0
        while not stop.is_set():
            valid = (i + k) % 2 == 0
            try:
                resp = exchange(port, (good_h + good_p) if valid else (bad_h + bad_p))
                verify(resp, valid)
            except Exception as e:
                with lock:
                    stats["bad"].append("request %d: %r" % (i, e))
            i += 1

    def keepalive(k):
        # a client may send again a request that finds its idle connection closed before any
        # byte of an answer came (RFC 9112 9.3.1): that is how a reload closes idle
        # connections; it is counted, not hidden
        i, c, reused = 0, None, False
        while not stop.is_set():
            valid = (i + k) % 2 == 0
            data = (good_h + good_p) if valid else (bad_h + bad_p)
            for attempt in (1, 2):
                try:
                    if c is None:
                        c, reused = Conn(port), False
                    c.send(data)
                    resp = c.response()
                    verify(resp, valid)
                    reused = True
                    if resp.header("Connection") == "close":
                        c.close()
                        c = None
                    break
                except (EOFError, ConnectionResetError, BrokenPipeError) as e:
                    was_reused = reused
                    if c:
                        c.close()
                    c = None
                    if attempt == 1 and was_reused:
                        with lock:
                            stats["retried"] += 1
                        continue
                    with lock:
                        stats["bad"].append("request %d: %r" % (i, e))
                    break
            i += 1
        if c:
            c.close()

    threads = [threading.Thread(target=one_per_connection, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=keepalive, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    reloads = 5
    try:
        for _ in range(reloads):
            time.sleep(1.2)
            ngx.signal("reload")
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    UP.take("load")
    pids = stats["pids"] - {None}
    print("    %d requests answered right during %d reloads, %d failed, %d resent on an idle "
          "connection closed by a reload, %d worker pids seen" % (
              stats["ok"], reloads, len(stats["bad"]), stats["retried"], len(pids)))
    check(not stats["bad"], "%d requests lost or wrong: %s" % (len(stats["bad"]),
                                                               stats["bad"][:5]))
    check(stats["ok"] > 500, "too few requests (%d) to show anything" % stats["ok"])
    check(len(pids) > 2, "the workers did not change: %r" % pids)


# ------------------------------------------------------------------------------------------
# valgrind: one worker, in the foreground
# ------------------------------------------------------------------------------------------

@test("valgrind")
def valgrind_one_worker():
    paths, port = N["paths"], free_port()
    ngx = Nginx("valgrind", """
    upstream up { server 127.0.0.1:%(up)d; }
    server {
        listen 127.0.0.1:%(port)d;
        client_body_buffer_size 1k;
        awsval on;
        awsval_service vpc-lattice;
        location / { proxy_pass http://up; }
        location /runner/ { awsval_service apprunner; awsval_strip_prefix /runner;
                            awsval_max_body_size 4k; proxy_pass http://up; }
        location /smithy/ { awsval_model %(smithy)s; awsval_strip_prefix /smithy;
                            proxy_pass http://up; }
    }
""" % {"up": UP.port, "port": port, "smithy": paths["smithy"]},
        main_extra="master_process off;\ndaemon off;")
    PROFILES["vg"] = ([], "vpc-lattice")
    log = os.path.join(ngx.prefix, "valgrind.log")
    cmd = ["valgrind", "--error-exitcode=99", "--leak-check=full",
           "--show-leak-kinds=all",
           "--errors-for-leak-kinds=definite,indirect,possible",
           "--suppressions=" + os.path.join(os.path.dirname(__file__), "valgrind.supp"),
           "--log-file=" + log] + ngx.cmd()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc, seconds=240)
        bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
        big = create_body(big_tags(40, 200))
        sent = [
            request("DELETE", ASSOC + "/bad%20id", host="vg"),
            request("DELETE", ASSOC + "/" + GOOD_ID, host="vg"),
            request("POST", ASSOC, [JSON], bad, "vg"),
            request("POST", ASSOC, [JSON], create_body({"team": "x"}), "vg"),
            request("POST", ASSOC, [JSON], big, "vg"),
            request("POST", ASSOC, [JSON], None, "vg", chunks=[big[:5000], big[5000:]]),
            request("POST", ASSOC, [JSON], b'{"serviceIdentifier": [', "vg"),
            request("POST", ASSOC, [JSON], hostile_body(200 * 1024), "vg"),
            request("DELETE", ASSOC + "/" + GOOD_ID, host="vg"),
            request("POST", "/runner/", [AMZ_JSON, APPRUNNER_DELETE],
                    example("apprunner.DeleteVpcIngressConnection.invalid.json"), "vg"),
            request("POST", "/smithy/SensitiveValidation", [JSON], b'{"string": "ABC"}', "vg"),
            # last: nginx closes the connection after a 413
            request("POST", "/runner/", [AMZ_JSON, APPRUNNER_DELETE], big, "vg"),
        ]
        statuses = []
        c = Conn(port, timeout=120)
        for head, payload, tid in sent:
            c.send(head + payload)
            statuses.append(c.response().status)
        c.close()
        for head, payload, tid in sent:
            UP.take(tid)
        check(statuses == [400, 200, 400, 200, 200, 200, 400, 400, 200, 400, 400, 413],
              "answers under valgrind: %r" % statuses)
        # let nginx see the client's close (a 413 ends in a lingering close) before it exits:
        # in a single process, nginx exits on SIGQUIT without closing open connections
        time.sleep(2)
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            rc = proc.wait(240)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
    text = open(log, errors="replace").read()
    summary = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
    check(rc == 0 and summary and summary[-1] == "0",
          "valgrind exit %d, %s:\n%s" % (rc, log, text[-3000:]))
    # whatever the module or awsval allocated is freed by exit, reachable blocks included
    records = re.split(r"\n==\d+== \n", text)
    ours = [r for r in records if " in loss record " in r and
            re.search(r"awsval|ngx_http_awsval_module\.so", r)]
    check(not ours, "memory of the module or awsval not freed at exit:\n" + "\n".join(ours)[:3000])
    print("    valgrind: " + ", ".join(
        m.strip() for m in re.findall(r"(?:definitely|indirectly|possibly) lost: [^\n]*|"
                                      r"still reachable: [^\n]*|ERROR SUMMARY: [^(\n]*", text)))


# ------------------------------------------------------------------------------------------

def run(phase):
    for name, fn, ph in TESTS:
        if ph != phase:
            continue
        if ARGS.only and not re.search(ARGS.only, name):
            continue
        t0 = time.time()
        try:
            fn()
            RESULTS.append((name, True, ""))
            print("PASS %s (%.1fs)" % (name, time.time() - t0), flush=True)
        except Fail as e:
            if str(e) == "skip":
                print("SKIP %s" % name, flush=True)
                continue
            RESULTS.append((name, False, str(e)))
            print("FAIL %s: %s" % (name, e), flush=True)
        except Exception:
            RESULTS.append((name, False, traceback.format_exc()))
            print("FAIL %s:\n%s" % (name, traceback.format_exc()), flush=True)


def main():
    global ARGS, UP
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    ap.add_argument("--no-valgrind", action="store_true")
    ap.add_argument("--only", default="")
    ARGS = ap.parse_args()
    ARGS.work = os.path.abspath(ARGS.work)
    os.makedirs(ARGS.work, exist_ok=True)
    os.chmod(ARGS.work, 0o755)

    paths = write_data()
    N["paths"] = paths
    for host in ("lattice", "smallbuf", "limit", "log", "prefix", "auth", "off"):
        PROFILES[host] = ([], "vpc-lattice")
    PROFILES["apprunner"] = ([], "apprunner")
    # the CLI names a --model file's service by its SERVICE argument; the location names
    # none, so the model's own name (metadata.endpointPrefix) is the one to give
    with open(paths["smithy"]) as f:
        smithy_name = json.load(f)["metadata"]["endpointPrefix"]
    PROFILES["smithy"] = (["--model", paths["smithy"]], smithy_name)
    PROFILES["botocore"] = (["--models", paths["botocore"]], "lattice-copy")
    PROFILES["limits-closed"] = (["--model", paths["limits"]], "limits")

    run("static")

    UP = Upstream()
    h2 = subprocess.run([ARGS.nginx, "-V"], stderr=subprocess.PIPE, text=True).stderr
    curl = subprocess.run(["curl", "-V"], stdout=subprocess.PIPE, text=True).stdout
    N["port"] = free_port()
    N["h2"] = free_port() if "--with-http_v2_module" in h2 and "HTTP2" in curl else None
    if N["h2"] is None:
        print("note: no HTTP/2 (nginx without http_v2 or curl without HTTP2): h2 test skipped")
    N["main_conf"] = main_http_conf(paths, UP.port, N["port"], N["h2"] or free_port(),
                                    free_port())
    ngx = Nginx("main", N["main_conf"], main_extra="worker_processes 2;")
    N["nginx"] = ngx
    try:
        ngx.start(N["port"])
        run("main")
        run("reload")
    finally:
        ngx.stop()
    alerts = [line for line in ngx.errors().splitlines()
              if re.search(r"\[(alert|crit)\]", line)]
    RESULTS.append(("no alert in the error log", not alerts, "\n".join(alerts[:10])))
    print("%s no alert in the error log %s" % ("PASS" if not alerts else "FAIL",
                                               "\n".join(alerts[:10])))

    if not ARGS.no_valgrind:
        run("valgrind")

    failed = [r for r in RESULTS if not r[1]]
    print("nginx: %d passed, %d failed" % (len(RESULTS) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
