#!/usr/bin/env bash
# Requests per second through lua-resty-awsval in nginx with Debian's lua-nginx-module (2
# workers, lua/t/nginx.conf.in), measured with wrk: a valid VPC Lattice request checked and
# answered by nginx itself, the same without the check, checked and proxied to a fast nginx
# upstream, proxied without the check, and an invalid request (answered by the check). Figures
# only: a run fails only when an answer was not the expected kind (2xx for valid requests).
# Run from the repository root.
#   usage: bash lua/bench.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
conns=${2:-32}
bash scripts/deps.sh nginx-core libnginx-mod-http-lua lua-cjson python3 wrk
build=build-test/lua
work=$PWD/build-test/lua-bench
cmake -S . -B $build -DAWSVAL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=ON \
  -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_BENCH=OFF >/dev/null
cmake --build $build -j"${JOBS:-$(nproc)}" >/dev/null
rm -rf "$work"
mkdir -p "$work"
/usr/bin/python3 lua/t/test_nginx.py --root . --build $build --work "$work" --serve "$work/ports.json"
pid=$(cat "$work/nginx/logs/nginx.pid")
trap 'kill -QUIT "$pid" 2>/dev/null || true' EXIT
port() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ports'][sys.argv[2]])" "$work/ports.json" "$1"; }
# wrk scripts: one POST each, the body from the examples.
script() { # FILE BODY_FILE
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
body = open(sys.argv[2], "rb").read()
lit = "".join(chr(c) if 32 <= c < 127 and c not in b'"\\' else "\\%03d" % c for c in body)
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\n'
    'wrk.path = "/servicenetworkserviceassociations"\n'
    'wrk.headers["Content-Type"] = "application/json"\n'
    'wrk.body = "%s"\n' % lit)
PY
}
script "$work/valid.lua" examples/vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json
script "$work/invalid.lua" examples/vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json
run() { # LABEL PORT SCRIPT EXPECT(2xx|non-2xx)
  echo "== $1"
  echo "\$ wrk -t2 -c$conns -d${seconds}s -s $3 http://127.0.0.1:$2/"
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" -s "$3" "http://127.0.0.1:$2/" 2>&1)
  echo "$out" | grep -E 'Requests/sec|Latency|requests in|Non-2xx|rror'
  # The figure counts only if every answer was the expected kind.
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  non2xx=${non2xx:-0}
  if { [ "$4" = 2xx ] && [ "$non2xx" != 0 ]; } || { [ "$4" = non-2xx ] && [ "$non2xx" != "$total" ]; }; then
    echo "bench: $1: $non2xx of $total answers were not 2xx (expected all $4): figure void" >&2
    exit 1
  fi
}
run "valid request, checked, answered by nginx"     "$(port BENCH_LOCAL)"       "$work/valid.lua" 2xx
run "valid request, not checked, answered by nginx" "$(port BENCH_LOCAL_PLAIN)" "$work/valid.lua" 2xx
run "valid request, checked, proxied"          "$(port BENCH)"       "$work/valid.lua"   2xx
run "invalid request, rejected by the check"   "$(port BENCH)"       "$work/invalid.lua" non-2xx
run "valid request, proxied without the check" "$(port BENCH_PLAIN)" "$work/valid.lua"   2xx
