#!/usr/bin/env bash
# Runs one libFuzzer campaign of fuzz_NAME for SECONDS in total, restarting after a crash (the
# crasher is kept in ARTIFACTS, the corpus grows in CORPUS), and logs to LOG.
#
#   fuzz/run_campaign.sh NAME SECONDS [BUILD_DIR] [CORPUS] [LOG] [ARTIFACTS]
#
# Defaults: BUILD_DIR build-fuzz, CORPUS BUILD_DIR/corpus/fuzz_NAME (filled by make_corpus.sh
# on first use), LOG /tmp/fuzz-logs/fuzz_NAME.log, ARTIFACTS /tmp/fuzz-logs/artifacts/fuzz_NAME.
# One process (no -jobs/-workers): the machine is shared. Run it under nohup in the background:
#   nohup fuzz/run_campaign.sh check 1800 > /dev/null 2>&1 &
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:?usage: $0 NAME SECONDS [BUILD_DIR] [CORPUS] [LOG] [ARTIFACTS]}
total=${2:?seconds}
build=${3:-build-fuzz}
corpus=${4:-$build/corpus/fuzz_$n}
log=${5:-/tmp/fuzz-logs/fuzz_$n.log}
art=${6:-/tmp/fuzz-logs/artifacts/fuzz_$n}
bin=$build/fuzz/fuzz_$n
[ -x "$bin" ] || { echo "no $bin: build with -DAWSVAL_BUILD_FUZZERS=ON and clang" >&2; exit 2; }
mkdir -p "$corpus" "$art" "$(dirname "$log")"
if [ -z "$(ls -A "$corpus")" ]; then
    tmp=$(mktemp -d)
    "$here/make_corpus.sh" "$tmp" > /dev/null
    cp "$tmp/fuzz_$n/"* "$corpus/"
    rm -rf "$tmp"
fi
max_len=$(sed -n 's/^max_len *= *//p' "$here/fuzz_$n.options")
start=$(date +%s)
run=0
while :; do
    left=$((total - ($(date +%s) - start)))
    [ "$left" -gt 5 ] || break
    run=$((run + 1))
    cmd=("$bin" -max_total_time="$left" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len"
         -dict="$here/fuzz_$n.dict" -print_final_stats=1 -artifact_prefix="$art/"
         "$corpus" "$here/seeds/fuzz_$n")
    echo "=== run $run: $left s left, $(date -u +%FT%TZ)" >> "$log"
    echo "CMD: ${cmd[*]}" >> "$log"
    rc=0
    "${cmd[@]}" >> "$log" 2>&1 || rc=$?
    echo "=== run $run exit $rc" >> "$log"
done
echo "=== campaign done $(date -u +%FT%TZ), $(($(date +%s) - start)) s" >> "$log"
