#!/usr/bin/env bash
# Prints the library's call graph between source files (from the object files of a build: which
# file's undefined awsval symbols another file defines) and fails if two files call each other,
# directly or through others: the layers of src/awsval_internal.h allow calls downward only.
#   scripts/callgraph.sh [BUILD_DIR]   (default build-test/plain; built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-test/plain}
if [ ! -d "$dir/CMakeFiles/awsval_objects.dir/src" ]; then
  cmake -S . -B "$dir" >/dev/null && cmake --build "$dir" --target awsval_objects -j"$(nproc)" >/dev/null
fi
objs="$dir/CMakeFiles/awsval_objects.dir/src"
edges=$(cd "$objs" && for o in *.o; do
  for s in $(nm -u "$o" | awk '{print $2}' | grep '^awsval' || true); do
    d=$(nm -A --defined-only *.o | awk -v s="$s" '$3==s {print $1}' | cut -d: -f1 | head -1)
    if [ -n "$d" ] && [ "$d" != "$o" ]; then echo "${o%.c.o} ${d%.c.o}"; fi
  done
done | sort -u)
echo "$edges" | awk '{print $1 " -> " $2}'
# A cycle: some file reaches itself. tsort reports one on its stderr.
if ! echo "$edges" | tsort >/dev/null 2>/tmp/callgraph.$$; then
  echo "call cycle between files:"; cat /tmp/callgraph.$$; rm -f /tmp/callgraph.$$; exit 1
fi
if [ -s /tmp/callgraph.$$ ]; then echo "call cycle between files:"; cat /tmp/callgraph.$$; rm -f /tmp/callgraph.$$; exit 1; fi
rm -f /tmp/callgraph.$$
echo "no call cycle between files"
