#!/usr/bin/env bash
# The Python package's test command (scripts/test.sh calls it from the repository root): installs
# the Debian packages it needs, builds the library (static, position-independent) and the CLI in
# build-test/python/cmake, builds the package from this tree offline (python3 -m build
# --no-isolation: sdist, then the wheel from it), and runs its tests with Debian's boto3, then a
# short benchmark run (figures only). Exits non-zero if anything fails.
#
# Environment: JOBS (default nproc), AWSVAL_PY_BENCH_SECONDS (default 0.2 per benchmark line).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/deps.sh python3-dev python3-cffi python3-setuptools python3-wheel python3-build \
  python3-pytest python3-boto3
py=/usr/bin/python3 # Debian's interpreter: the first python3 on PATH may not see its packages
root=build-test/python
jobs=${JOBS:-$(nproc)}
started=$SECONDS
stage() { echo "=== python [$((SECONDS - started))s] $*"; }

stage "library (static, PIC) and CLI"
cmake -S . -B $root/cmake -DAWSVAL_WERROR=ON -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DAWSVAL_BUILD_TOOLS=ON -DAWSVAL_BUILD_TESTS=OFF \
  -DAWSVAL_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX="$PWD/$root/prefix" >/dev/null
cmake --build $root/cmake -j"$jobs" >/dev/null
rm -rf $root/prefix
cmake --install $root/cmake >/dev/null

stage "package: sdist and wheel (python3 -m build --no-isolation)"
rm -rf $root/src $root/dist $root/site
cp -r bindings/python $root/src
find $root/src \( -name __pycache__ -o -name '*.egg-info' -o -name build \) -prune -exec rm -rf {} +
(cd $root/src && AWSVAL_PREFIX="$PWD/../prefix" $py -m build --no-isolation --outdir ../dist . >../build.log 2>&1) ||
  { cat $root/build.log; exit 1; }
$py -m zipfile -e $root/dist/awsval-*.whl $root/site
# The library is inside the one extension module, and only the module's init function is exported.
exported=$(nm -D --defined-only $root/site/awsval/_awsval*.so | awk '{print $3}' | grep -v '^PyInit__awsval$' || true)
if [ -n "$exported" ]; then echo "the extension exports more than PyInit__awsval:"; echo "$exported"; exit 1; fi
if ldd $root/site/awsval/_awsval*.so | grep -q libawsval; then echo "libawsval is linked dynamically"; exit 1; fi

stage "tests (pytest, Debian's boto3, nothing sent)"
export AWSVAL_CLI="$PWD/$root/cmake/awsval" PYTHONPATH="$PWD/$root/site" PYTHONDONTWRITEBYTECODE=1
$py -m pytest -p no:cacheprovider -q bindings/python/tests

stage "benchmark (figures only)"
$py bindings/python/bench.py --seconds "${AWSVAL_PY_BENCH_SECONDS:-0.2}"
stage "python: all passed"
