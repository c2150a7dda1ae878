#!/usr/bin/env bash
# The nginx module's tests, against Debian's real nginx (run from the repository root by
# scripts/test.sh): installs what is missing, builds the module (nginx/build.sh), and runs
# nginx/t/run.py, which starts its own nginx and upstream on 127.0.0.1 with their own prefix,
# temp paths and ports (no root needed). Exits non-zero if a test fails.
#   bash nginx/test.sh [--no-valgrind] [--only REGEX]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh nginx-core nginx-dev dpkg-dev libpcre2-dev libssl-dev zlib1g-dev \
  curl valgrind binutils python3
out=build-test/nginx
module=$(bash nginx/build.sh "$out" | tail -1)
exec /usr/bin/python3 nginx/t/run.py --module "$module" --cli "$out/awsval/awsval" \
  --work "$out/run" --repo "$PWD" "$@"
