#!/usr/bin/env bash
# Runs `awsval check SERVICE OPERATION FILE` on every bundled example and shows what it says.
# Files are named SERVICE.OPERATION.valid.json or SERVICE.OPERATION.invalid.json; a valid one
# must exit 0 and an invalid one 1. Exits non-zero if any does not.
#   usage: examples/run.sh PATH-TO-AWSVAL
set -u
cli=${1:?usage: examples/run.sh PATH-TO-AWSVAL}
dir=$(cd "$(dirname "$0")" && pwd)
[ -x "$cli" ] || { echo "not an executable: $cli" >&2; exit 2; }
shopt -s nullglob
failed=0 count=0
for f in "$dir"/*.valid.json "$dir"/*.invalid.json; do
  base=$(basename "$f" .json)   # SERVICE.OPERATION.KIND
  kind=${base##*.}
  rest=${base%.*}
  service=${rest%%.*}
  op=${rest#*.}
  want=0
  [ "$kind" = invalid ] && want=1
  echo "\$ awsval check $service $op examples/$(basename "$f")"
  "$cli" check "$service" "$op" "$f"
  rc=$?
  count=$((count + 1))
  if [ "$rc" -eq "$want" ]; then
    echo "-> exit $rc ($kind, as expected)"
  else
    echo "-> FAIL: exit $rc, expected $want for a $kind example"
    failed=$((failed + 1))
  fi
  echo
done
if [ "$count" -lt 6 ]; then
  echo "FAIL: found $count examples in $dir, expected at least 6"
  exit 1
fi
echo "$count examples, $failed failed"
[ "$failed" -eq 0 ]
