#!/usr/bin/env bash
# Builds awsval and runs the whole test suite: a plain build, an ASan+UBSan build and a TSan
# build of the threaded tests. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh g++ clang libclang-rt-14-dev python3-botocore default-jdk-headless
jobs=$(nproc)
run() { # NAME CMAKE-ARGS... : configure, build, ctest
  local dir=$1; shift
  echo "=== $dir: $*"
  cmake -S . -B "$dir" -DAWSVAL_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}
echo "=== header: C99 -pedantic and C++"
gcc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c include/awsval.h
g++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c++ include/awsval.h

echo "=== shared library exports only awsval_ symbols"
cmake -S . -B build-shared -DBUILD_SHARED_LIBS=ON -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_TOOLS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF -DAWSVAL_WERROR=ON >/dev/null
cmake --build build-shared -j"$jobs" --target awsval >/dev/null
foreign=$(nm -D --defined-only build-shared/libawsval.so | awk '{print $3}' | grep -v '^awsval_' || true)
if [ -n "$foreign" ]; then echo "unexpected exported symbols: $foreign"; exit 1; fi

echo "=== install, then build a program against it with find_package(awsval) and pkg-config"
rm -rf build-install
cmake -S . -B build-install/build -DCMAKE_INSTALL_PREFIX="$PWD/build-install/prefix" -DAWSVAL_BUILD_TESTS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF -DAWSVAL_WERROR=ON >/dev/null
cmake --build build-install/build -j"$jobs" >/dev/null
cmake --install build-install/build >/dev/null
cmake -S tests/consumer -B build-install/consumer -DCMAKE_PREFIX_PATH="$PWD/build-install/prefix" >/dev/null
cmake --build build-install/consumer >/dev/null
build-install/consumer/consumer
PKG_CONFIG_PATH="$PWD/build-install/prefix/lib/pkgconfig" gcc -std=c11 -o build-install/consumer-pc \
  tests/consumer/main.c $(PKG_CONFIG_PATH="$PWD/build-install/prefix/lib/pkgconfig" pkg-config --cflags --libs --static awsval)
build-install/consumer-pc

run build -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --no-tests=error --test-dir build --output-on-failure -j"$jobs"
build/awsval_bench --seconds 0.2
build/awsval_adversarial --seconds 0.2

run build-asan -DCMAKE_BUILD_TYPE=Debug -DAWSVAL_SANITIZER=address -DAWSVAL_BUILD_FUZZ_REPLAY=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --no-tests=error --test-dir build-asan --output-on-failure -j"$jobs"

run build-tsan -DCMAKE_BUILD_TYPE=Debug -DAWSVAL_SANITIZER=thread
TSAN_OPTIONS=halt_on_error=1 ctest --no-tests=error --test-dir build-tsan --output-on-failure -R 'test_threads'
# libFuzzer (clang, ASan+UBSan): a bounded run of every target, and replay of saved inputs.
run build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSVAL_BUILD_FUZZERS=ON \
  -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_BENCH=OFF
ctest --no-tests=error --test-dir build-fuzz --output-on-failure -j"$jobs" -R '^fuzz_'
echo "all test builds passed"
