#!/usr/bin/env bash
# Builds awsval and runs the CLI on the bundled example requests (one valid, one invalid per
# seed operation), printing each result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DAWSVAL_BUILD_TESTS=OFF -DAWSVAL_BUILD_TOOLS=ON \
  -DAWSVAL_BUILD_BENCH=OFF >/dev/null
cmake --build build-demo -j"$(nproc)" --target awsval_cli
bash examples/run.sh build-demo/awsval
