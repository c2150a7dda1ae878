#!/usr/bin/env bash
# Builds ngx_http_awsval_module.so for Debian 12's nginx, with the nginx-dev package's recipe
# (the debhelper nginx_mod build system): nginx-dev's source tree, its conf_flags
# (--with-compat), dpkg-buildflags, --add-dynamic-module, `make modules`, under nginx's own
# -Werror. awsval is built with CMake from this tree (static library of PIC objects, plus the
# CLI the tests compare with) and linked into the module without exporting its symbols.
#
# Usage: bash nginx/build.sh [OUT]      (OUT defaults to build-test/nginx)
# Prints the module's path on its last line: OUT/objs/ngx_http_awsval_module.so
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-build-test/nginx}
mkdir -p "$out"
out=$(cd "$out" && pwd)

bash scripts/deps.sh nginx-core nginx-dev dpkg-dev libpcre2-dev libssl-dev zlib1g-dev >&2

cmake -S . -B "$out/awsval" -DAWSVAL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_SHARED_LIBS=OFF -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_TESTS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF >/dev/null
cmake --build "$out/awsval" -j"$(nproc)" >/dev/null

# configure writes a Makefile into the tree it runs in, so it runs in a copy of nginx-dev's
# (headers and build scripts only; the binary it matches is /usr/sbin/nginx).
src=/usr/share/nginx/src
stamp="$(dpkg-query -W -f='${Version}' nginx-dev) $(sha256sum nginx/config | cut -c1-16)"
if [ ! -f "$out/objs/Makefile" ] || [ "$(cat "$out/configured" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$out/nginx-src" "$out/objs" "$out/configured"
  cp -r "$src" "$out/nginx-src"
  (
    cd "$out/nginx-src"
    # shellcheck disable=SC1091
    . ./conf_flags
    AWSVAL_INC="$root/include" AWSVAL_LIB="$out/awsval/libawsval.a" ./configure \
      --with-cc-opt="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS)" \
      --with-ld-opt="$(dpkg-buildflags --get LDFLAGS) -fPIC" \
      "${NGX_CONF_FLAGS[@]}" \
      --add-dynamic-module="$root/nginx" \
      --builddir="$out/objs" >"$out/configure.log" 2>&1 ||
      { tail -30 "$out/configure.log" >&2; exit 1; }
  )
  echo "$stamp" >"$out/configured"
fi
# The library is a dependency make does not know about: relink when it is newer.
if [ "$out/awsval/libawsval.a" -nt "$out/objs/ngx_http_awsval_module.so" ]; then
  rm -f "$out/objs/ngx_http_awsval_module.so"
fi
make -s -f "$out/objs/Makefile" -C "$out/nginx-src" modules >&2
echo "$out/objs/ngx_http_awsval_module.so"
