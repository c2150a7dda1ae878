#!/usr/bin/env bash
# lua-resty-awsval's tests (run from the repository root; scripts/test.sh calls it):
#   - cdef_test:   the module's ffi.cdef against include/awsval.h (text, layout, constants)
#   - api_test:    the Lua API in Debian's LuaJIT against the `awsval` CLI of the same build
#   - kong_test, apisix_test: the gateway plugins against STUBS of their plugin interfaces
#   - test_nginx:  a real nginx with Debian's lua-nginx-module on 127.0.0.1 (own prefix, no
#                  root), compared request by request with `awsval http`
# Installs the Debian packages it needs, builds the shared library and the CLI from this tree
# in build-test/lua, and exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# nginx-core: Debian's nginx; libnginx-mod-http-lua: lua-nginx-module (pulls lua-resty-core and
# libluajit2-5.1-2, OpenResty's LuaJIT); luajit2: that LuaJIT's interpreter; lua-cjson: tables.
pkgs=(nginx-core libnginx-mod-http-lua luajit2 lua-cjson python3)
for try in 1 2 3; do
  bash scripts/deps.sh "${pkgs[@]}" && break
  [ "$try" -eq 3 ] && exit 1
  echo "lua/test.sh: deps.sh failed (apt busy?), retrying in 15 s" >&2
  sleep 15
done

build=build-test/lua
work=$PWD/build-test/lua-work
cmake -S . -B $build -DAWSVAL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=ON \
  -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_BENCH=OFF >/dev/null
cmake --build $build -j"${JOBS:-$(nproc)}" >/dev/null
rm -rf "$work"
mkdir -p "$work"

luajit=/usr/bin/luajit
echo "== lua: $($luajit -v)"
for f in lua/lib/resty/awsval.lua lua/kong/plugins/awsval/*.lua lua/apisix/plugins/*.lua lua/t/*.lua; do
  $luajit -b "$f" /dev/null # compiles every file (syntax)
done
echo "== lua: cdef against include/awsval.h"
$luajit lua/t/cdef_test.lua "$PWD" "$work"
echo "== lua: the Lua API"
$luajit lua/t/api_test.lua "$PWD" "$PWD/$build" "$work"
echo "== lua: Kong plugin (stub of Kong's plugin interface)"
$luajit lua/t/kong_test.lua "$PWD" "$PWD/$build" "$work"
echo "== lua: APISIX plugin (stub of APISIX's plugin interface)"
$luajit lua/t/apisix_test.lua "$PWD" "$PWD/$build" "$work"
echo "== lua: the Lua API and the plugins again, on an ASan+UBSan build of the library"
# LuaJIT is not instrumented: the ASan runtime is preloaded; LeakSanitizer checks at exit that
# everything the module made was freed (ffi.gc, when lua_close collects what is left).
asan_build=build-test/lua-asan
cmake -S . -B $asan_build -DAWSVAL_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DBUILD_SHARED_LIBS=ON \
  -DAWSVAL_SANITIZER=address -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_TESTS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF >/dev/null
cmake --build $asan_build -j"${JOBS:-$(nproc)}" >/dev/null
mkdir -p "$work/asan"
for t in api_test kong_test apisix_test; do
  AWSVAL_LUA_ASAN=1 LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    $luajit lua/t/$t.lua "$PWD" "$PWD/$asan_build" "$work/asan" | grep -v '^ok '
done
echo "== lua: real nginx with Debian's lua-nginx-module"
/usr/bin/python3 lua/t/test_nginx.py --root . --build $build --work "$work"
echo "== lua: all tests passed"
