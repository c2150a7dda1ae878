#!/usr/bin/env bash
# The README's test command: installs what is missing, builds awsval in every advertised
# configuration and runs the whole test suite (plain, ASan+UBSan, TSan, libFuzzer smoke, the
# integrations). Exits non-zero if anything fails. Every build directory is its own
# (build-test/*), configured with every option it relies on, so nothing inherits the options of
# another command (scripts/demo.sh builds in build-demo/).
#
# Environment: AWSVAL_FUZZ_SMOKE_SECONDS (default 15) per fuzz target; JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh g++ clang libclang-rt-14-dev python3-botocore default-jdk-headless locales
jobs=${JOBS:-$(nproc)}
root=build-test
started=$SECONDS
stage() { echo "=== [$((SECONDS - started))s] $*"; }
# configure DIR OPTIONS... : a build directory of this script's own, every option explicit.
configure() {
  local dir=$root/$1; shift
  local target=()
  if [ "${1:-}" = "--target" ]; then target=(--target "$2"); shift 2; fi
  cmake -S . -B "$dir" -DAWSVAL_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" "${target[@]}"
}

stage "header: C99 -pedantic and C++"
gcc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c include/awsval.h
g++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -Iinclude -x c++ include/awsval.h

# A locale with a decimal comma, for the tests that check numbers do not depend on LC_NUMERIC.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
  $sudo locale-gen >/dev/null
fi

stage "plain build (static library, tools, tests, benchmarks)"
configure plain -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSVAL_BUILD_TESTS=ON -DAWSVAL_BUILD_TOOLS=ON \
  -DAWSVAL_BUILD_BENCH=ON -DBUILD_SHARED_LIBS=OFF
ctest --no-tests=error --test-dir $root/plain --output-on-failure -j"$jobs"

stage "no call cycle between source files (the layers of src/awsval_internal.h)"
bash scripts/callgraph.sh $root/plain | tail -1

stage "shared library with tools and tests"
configure shared -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=ON -DAWSVAL_BUILD_TESTS=ON \
  -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_BENCH=OFF
# The pattern engine's differentials run once, in the plain build: they test the same objects.
ctest --no-tests=error --test-dir $root/shared --output-on-failure -j"$jobs" \
  -E '^(regex_java_differential|test_rxdfa)$'

stage "library only (no tools, tests or benchmarks: needs no jansson or Criterion)"
configure libonly -DCMAKE_BUILD_TYPE=Release -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_TOOLS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF -DBUILD_SHARED_LIBS=OFF
stage "tests without the tools"
configure notools -DCMAKE_BUILD_TYPE=Debug -DAWSVAL_BUILD_TESTS=ON -DAWSVAL_BUILD_TOOLS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF -DBUILD_SHARED_LIBS=OFF

stage "every external symbol of both libraries starts with awsval_"
foreign=$( (nm -D --defined-only $root/shared/libawsval.so | awk '{print $3}';
            nm -g --defined-only $root/plain/libawsval.a | awk 'NF==3 {print $3}') |
           grep -v '^awsval_' | sort -u || true)
if [ -n "$foreign" ]; then echo "unexpected external symbols:"; echo "$foreign"; exit 1; fi
internal=$(nm -D --defined-only $root/shared/libawsval.so | awk '{print $3}' | grep '^awsval__' || true)
if [ -n "$internal" ]; then echo "internal symbols exported by the shared library:"; echo "$internal"; exit 1; fi

stage "install, then build a program against it with find_package(awsval) and pkg-config"
rm -rf $root/install
cmake -S . -B $root/install/build -DCMAKE_INSTALL_PREFIX="$PWD/$root/install/prefix" \
  -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_BENCH=OFF -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_WERROR=ON >/dev/null
cmake --build $root/install/build -j"$jobs" >/dev/null
cmake --install $root/install/build >/dev/null
cmake -S tests/consumer -B $root/install/consumer -DCMAKE_PREFIX_PATH="$PWD/$root/install/prefix" >/dev/null
cmake --build $root/install/consumer >/dev/null
$root/install/consumer/consumer
pc="$PWD/$root/install/prefix/lib/pkgconfig"
gcc -std=c11 -o $root/install/consumer-pc tests/consumer/main.c \
  $(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs --static awsval)
$root/install/consumer-pc

stage "benchmarks (figures only; they fail only on a wrong verdict or a steady-state allocation)"
$root/plain/awsval_bench --seconds 0.2
$root/plain/awsval_adversarial --seconds 0.2
$root/plain/awsval_corpus --seconds 0.2

stage "ASan+UBSan build: all tests and the fuzz regressions"
configure asan -DCMAKE_BUILD_TYPE=Debug -DAWSVAL_SANITIZER=address -DAWSVAL_BUILD_TESTS=ON \
  -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_BENCH=OFF -DAWSVAL_BUILD_FUZZ_REPLAY=ON -DAWSVAL_TEST_TIMEOUT=900
# The Java differential compares answers with a JVM (ASan adds nothing to what the plain build
# and test_rxdfa under ASan check); everything else runs under the sanitizers.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --no-tests=error --test-dir $root/asan --output-on-failure -j"$jobs" -E '^regex_java_differential$'

stage "TSan build: the threaded tests"
configure tsan --target test_threads -DCMAKE_BUILD_TYPE=Debug -DAWSVAL_SANITIZER=thread -DAWSVAL_BUILD_TESTS=ON \
  -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_BENCH=OFF -DAWSVAL_TEST_TIMEOUT=900
TSAN_OPTIONS=halt_on_error=1 ctest --no-tests=error --test-dir $root/tsan --output-on-failure -R 'test_threads'

stage "libFuzzer (clang, ASan+UBSan): a short smoke run of every target"
configure fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAWSVAL_BUILD_FUZZERS=ON \
  -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_TOOLS=OFF -DAWSVAL_BUILD_BENCH=OFF \
  -DAWSVAL_FUZZ_SMOKE_SECONDS="${AWSVAL_FUZZ_SMOKE_SECONDS:-15}"
ctest --no-tests=error --test-dir $root/fuzz --output-on-failure -j"$jobs" -R '^fuzz_.*_smoke'

# The integrations, each with its own test script (they build what they need from this tree).
for t in bindings/python/test.sh nginx/test.sh lua/test.sh; do
  if [ -f "$t" ]; then
    stage "integration: $t"
    bash "$t"
  fi
done
stage "all tests passed"
