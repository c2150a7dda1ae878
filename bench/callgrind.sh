#!/bin/sh
# Instructions per check of each case of awsval_bench, counted by callgrind: the figure that does
# not move with the machine's other load. Each case runs twice, N and 2N checks after the same
# warm-up, inside the public entry points only (awsval_check, awsval_check_http); the difference
# over N is the cost of one steady-state check.
#
#   bench/callgrind.sh BUILD_DIR [N]        (needs valgrind)
set -eu
build=${1:?usage: bench/callgrind.sh BUILD_DIR [N]}
n=${2:-200}
bench=$build/awsval_bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # case iterations -> instructions collected
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" --toggle-collect=awsval_check \
        --toggle-collect=awsval_check_http "$bench" --iterations "$2" --case "$1" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err"
}
printf '%-24s %12s\n' case instr/check
for c in $("$bench" --list); do
    k=$n
    case $c in *200_max*) k=$((n / 50 + 1)) ;; esac
    a=$(count "$c" "$k")
    b=$(count "$c" $((2 * k)))
    printf '%-24s %12d\n' "$c" $(((b - a) / k))
done

# The corpus (awsval_corpus): instructions per request of each set, the same way.
corpus=$build/awsval_corpus
[ -x "$corpus" ] || exit 0
ccount() { # set passes -> instructions collected
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" --toggle-collect=awsval_check \
        --toggle-collect=awsval_render "$corpus" --seeds 1 --iterations "$2" --set "$1" >"$tmp/std" 2>"$tmp/err" ||
        { cat "$tmp/err" "$tmp/std" >&2; exit 1; }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err"
}
for s in valid invalid render; do
    a=$(ccount "$s" 1)
    b=$(ccount "$s" 2)
    reqs=$(sed -n 's/^[a-z]*: \([0-9]*\) requests.*/\1/p' "$tmp/std")
    printf '%-24s %12d\n' "corpus_$s" $(((b - a) / reqs))
done
