#!/usr/bin/env bash
# Load benchmark of ngx_http_awsval_module with wrk (Debian's): prints requests per second for
#   - valid proxied requests (VPC Lattice CreateServiceNetworkServiceAssociation, 0.2 KB JSON)
#     with awsval off and on,
#   - rejected requests (answered by nginx with the service's error),
#   - valid 10 KB bodies buffered through temporary files (client_body_buffer_size 1k), off
#     and on,
# the RSS of the checking worker before and after a million mixed requests, and over 400
# hostile 0.8 MB bodies (the most checker memory; trimmed after each). Figures only:
# it fails on errors (a wrong status, a socket error, a worker that does not stay flat), never
# on speed. One front worker, one upstream worker (an nginx without the module) and one wrk
# thread share the machine.
#
#   bash nginx/bench.sh            BENCH_SECONDS (10) per run, BENCH_SOAK (1000000) requests,
#                                  BENCH_CONNECTIONS (16)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh nginx-core nginx-dev dpkg-dev libpcre2-dev libssl-dev zlib1g-dev wrk procps \
  python3 >&2
out=build-test/nginx
module=$(bash nginx/build.sh "$out" | tail -1)
seconds=${BENCH_SECONDS:-10}
soak=${BENCH_SOAK:-1000000}
conns=${BENCH_CONNECTIONS:-16}
work=$PWD/$out/bench
rm -rf "$work"
mkdir -p "$work/front/logs" "$work/front/tmp" "$work/up/logs" "$work/up/tmp"
chmod 755 "$work"

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
front_port=$(port)
up_port=$(port)
user=""
[ "$(id -u)" -eq 0 ] && user="user $(id -un);"
temps() {
  echo "client_body_temp_path $1/tmp/body; proxy_temp_path $1/tmp/proxy;"
  echo "fastcgi_temp_path $1/tmp/fastcgi; uwsgi_temp_path $1/tmp/uwsgi; scgi_temp_path $1/tmp/scgi;"
}

cat >"$work/up/nginx.conf" <<EOF
$user
worker_processes 1;
pid $work/up/nginx.pid;
error_log $work/up/logs/error.log warn;
events { worker_connections 1024; }
http {
    $(temps "$work/up")
    access_log off;
    keepalive_requests 1000000;
    client_max_body_size 2m;
    server {
        listen 127.0.0.1:$up_port;
        location / { return 200 '{"ok":true}'; }
    }
}
EOF

cat >"$work/front/nginx.conf" <<EOF
load_module $module;
$user
worker_processes 1;
pid $work/front/nginx.pid;
error_log $work/front/logs/error.log warn;
events { worker_connections 1024; }
http {
    $(temps "$work/front")
    access_log off;
    keepalive_requests 1000000;
    # Debian's nginx.conf has these; without tcp_nopush, a body sent from a temporary file
    # waits for a delayed ACK (Nagle) and the 10 KB runs measure that
    sendfile on;
    tcp_nopush on;
    upstream up { server 127.0.0.1:$up_port; keepalive 64; }
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    awsval_service vpc-lattice;
    server {
        listen 127.0.0.1:$front_port;
        location /off/ { awsval off; proxy_pass http://up/; }
        location /on/ { awsval on; awsval_strip_prefix /on; proxy_pass http://up/; }
        location /file-off/ {
            client_body_buffer_size 1k;
            awsval off;
            proxy_pass http://up/;
        }
        location /file-on/ {
            client_body_buffer_size 1k;
            awsval on;
            awsval_strip_prefix /file-on;
            proxy_pass http://up/;
        }
        location /soak-file/ {
            # as /file-on/, without a warning per body in the error log
            error_log $work/front/logs/error.log error;
            client_body_buffer_size 1k;
            awsval on;
            awsval_strip_prefix /soak-file;
            proxy_pass http://up/;
        }
    }
}
EOF

ngx() { /usr/sbin/nginx -p "$work/$1/" -c "$work/$1/nginx.conf" -e "$work/$1/logs/error.log" "${@:2}"; }
stop() {
  ngx front -s quit 2>/dev/null || true
  ngx up -s quit 2>/dev/null || true
}
trap stop EXIT
ngx up
ngx front
sleep 0.5

# The request bodies, and what the CLI says of them (the bodies must be what the runs claim).
/usr/bin/python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
small = {"clientToken": "7d4c1f6e-4b1a-4a8b-9d6e-2f1c0b9a8e7d",
         "serviceIdentifier": "svc-0123456789abcdefg",
         "serviceNetworkIdentifier": "sn-0123456789abcdefg",
         "tags": {"team": "payments", "cost-center": "cc:1234"}}
bad = dict(small, serviceIdentifier="svc-bad", tags={"aws:team": "payments"})
big = dict(small, tags={"team-%03d" % i: "value %d " % i + "x" * 200 for i in range(44)})
hostile = dict(small, tags={"aws:%d" % i: "v" for i in range(45000)})
for name, doc in (("small", small), ("bad", bad), ("big", big), ("hostile", hostile)):
    with open("%s/%s.json" % (work, name), "w") as f:
        json.dump(doc, f)
EOF
for b in small bad big hostile; do
  n=$(stat -c %s "$work/$b.json")
  { printf 'POST /servicenetworkserviceassociations HTTP/1.1\r\nContent-Type: application/json\r\n'
    printf 'Content-Length: %d\r\n\r\n' "$n"; cat "$work/$b.json"; } >"$work/$b.http"
done
cli=$out/awsval/awsval
"$cli" http vpc-lattice "$work/small.http" >/dev/null || { echo "small body is not valid"; exit 1; }
"$cli" http vpc-lattice "$work/big.http" >/dev/null || { echo "big body is not valid"; exit 1; }
if "$cli" http vpc-lattice "$work/bad.http" >/dev/null; then echo "bad body is valid"; exit 1; fi
if "$cli" http vpc-lattice "$work/hostile.http" >/dev/null; then echo "hostile body is valid"; exit 1; fi
echo "bodies: small $(stat -c %s "$work/small.json") B, rejected $(stat -c %s "$work/bad.json") B," \
  "big $(stat -c %s "$work/big.json") B, hostile $(stat -c %s "$work/hostile.json") B"

# wrk script: one POST with a body (wrk counts the answers that are not 2xx).
script() { # BODYFILE
  cat <<EOF
local f = io.open("$1", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF
}
# wrk script: the requests of SET in turn; each thread stops after LIMIT answers.
#   mixed: valid, rejected, 10 KB via a temporary file, valid DELETE, rejected DELETE
#   hostile: a 0.9 MB body with a violation every 20 bytes (the most checker memory)
script_mixed() { # LIMIT SET
  cat <<EOF
local function body(name)
  local f = io.open("$work/" .. name .. ".json", "rb"); local b = f:read("*a"); f:close(); return b
end
local reqs = {}
local function json() return {["Content-Type"] = "application/json"} end
-- made in init(): wrk knows the Host header only then
function init(args)
  local p = "/servicenetworkserviceassociations"
  if "$2" == "hostile" then
    reqs[1] = wrk.format("POST", "/on" .. p, json(), body("hostile"))
    return
  end
  reqs[1] = wrk.format("POST", "/on" .. p, json(), body("small"))
  reqs[2] = wrk.format("POST", "/on" .. p, json(), body("bad"))
  reqs[3] = wrk.format("POST", "/soak-file" .. p, json(), body("big"))
  reqs[4] = wrk.format("DELETE", "/on" .. p .. "/snsa-0123456789abcdefg", {}, nil)
  reqs[5] = wrk.format("DELETE", "/on" .. p .. "/bad%20id", {}, nil)
end
local i, n, limit = 0, 0, $1
function request() i = i % #reqs + 1; return reqs[i] end
function response(status, headers, body)
  n = n + 1
  if n == limit then
    -- wrk's main thread sleeps for the whole duration: tell the script, which interrupts it
    local f = io.open("$work/reached", "w"); f:close()
    wrk.thread:stop()
  end
end
EOF
}
# wrk_count LIMIT [SET]: SET's requests until LIMIT answers (one thread), then wrk's summary.
wrk_count() {
  script_mixed "$1" "${2:-mixed}" >"$work/mixed.lua"
  rm -f "$work/reached"
  wrk -t1 -c"$conns" -d3600s -s "$work/mixed.lua" "http://127.0.0.1:$front_port" >"$work/wrk.out" &
  local pid=$!
  while [ ! -f "$work/reached" ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done
  kill -INT $pid 2>/dev/null || true
  wait $pid || true
  cat "$work/wrk.out"
}

fail=0
# run NAME URL BODY STATUS
run() {
  local name=$1 url=$2 body=$3 status=$4
  script "$work/$body.json" >"$work/$name.lua"
  local cmd="wrk -t1 -c$conns -d${seconds}s --latency -s $work/$name.lua http://127.0.0.1:$front_port$url"
  echo
  echo "== $name: $cmd"
  local text
  text=$($cmd)
  echo "$text" | grep -E "Requests/sec|Latency  |requests in|Non-2xx|Socket errors|  99%" || true
  local total non2xx
  total=$(echo "$text" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  non2xx=$(echo "$text" | sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\)/\1/p')
  non2xx=${non2xx:-0}
  if echo "$text" | grep -q "Socket errors"; then echo "FAIL: socket errors"; fail=1; fi
  if [ "$status" = 200 ] && [ "$non2xx" != 0 ]; then echo "FAIL: $non2xx answers not 2xx"; fail=1; fi
  if [ "$status" != 200 ] && [ "$non2xx" != "$total" ]; then
    echo "FAIL: $((total - non2xx)) of $total rejected requests were answered 2xx"; fail=1
  fi
  echo "$name: $(echo "$text" | sed -n 's/^Requests\/sec: *//p') requests/s"
}

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
worker=$(pgrep -P "$(cat "$work/front/nginx.pid")" | head -1)
echo "front worker pid $worker, RSS at start $(rss "$worker") kB"

run valid-off /off/servicenetworkserviceassociations small 200
run valid-on /on/servicenetworkserviceassociations small 200
run rejected /on/servicenetworkserviceassociations bad 400
run 10k-file-off /file-off/servicenetworkserviceassociations big 200
run 10k-file-on /file-on/servicenetworkserviceassociations big 200
grep -q "buffered to a temporary file" "$work/front/logs/error.log" &&
  echo "(10k bodies: nginx logged buffering to temporary files)" ||
  { echo "FAIL: the 10k bodies were not buffered to temporary files"; fail=1; }

# RSS: warm up with the mixed set, then a million mixed requests.
wrk_count 20000 >/dev/null
before=$(rss "$worker")
echo
echo "== soak: wrk -t1 -c$conns -s mixed.lua (valid, rejected, 10 KB via temp file, valid DELETE," \
  "rejected DELETE, in turn) until $soak answers"
start=$SECONDS
text=$(wrk_count "$soak")
echo "$text" | grep -E "requests in|Requests/sec|Non-2xx|Socket errors" || true
after=$(rss "$worker")
total=$(echo "$text" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
non2xx=$(echo "$text" | sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\)/\1/p')
[ "$(pgrep -P "$(cat "$work/front/nginx.pid")" | head -1)" = "$worker" ] ||
  { echo "FAIL: the worker changed (crashed?)"; fail=1; }
if echo "$text" | grep -q "Socket errors"; then echo "FAIL: socket errors"; fail=1; fi
# two of five requests are rejected
expect=$((total * 2 / 5))
if [ "${non2xx:-0}" -lt $((expect - conns)) ] || [ "${non2xx:-0}" -gt $((expect + conns)) ]; then
  echo "FAIL: $non2xx of $total answers were not 2xx, expected about $expect"; fail=1
fi
echo "soak: $total requests in $((SECONDS - start)) s; worker RSS before $before kB, after $after kB" \
  "(change $((after - before)) kB)"
# flat: within 1 MiB (allocator noise); a leak of even 1 byte per request would be ~1 MB here
if [ "$total" -lt "$soak" ]; then echo "FAIL: only $total of $soak requests"; fail=1; fi
if [ $((after - before)) -gt 1024 ]; then echo "FAIL: the worker's RSS grew"; fail=1; fi

# Hostile bodies: the checker holds the most memory for them, and is trimmed after each.
wrk_count 100 hostile >/dev/null
h1=$(rss "$worker")
text=$(wrk_count 400 hostile)
h2=$(rss "$worker")
non2xx=$(echo "$text" | sed -n 's/^ *Non-2xx or 3xx responses: \([0-9]*\)/\1/p')
total=$(echo "$text" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
echo
echo "== hostile: $total requests of $(stat -c %s "$work/hostile.json") B (a violation every" \
  "20 bytes), $non2xx rejected: worker RSS after 100 $h1 kB, after $total more $h2 kB" \
  "(change $((h2 - h1)) kB)"
if [ "${non2xx:-0}" != "$total" ]; then echo "FAIL: a hostile request was not rejected"; fail=1; fi
if [ $((h2 - h1)) -gt 1024 ]; then echo "FAIL: the worker's RSS grew"; fail=1; fi
if grep -E "\[(alert|crit|emerg)\]" "$work/front/logs/error.log"; then fail=1; fi
[ $fail -eq 0 ] && echo "bench: no errors" || echo "bench: FAILED"
exit $fail
