#!/usr/bin/env bash
# Where the time goes: perf profiles of `simshard archive` (one thread) and of one
# `restore`, on the benchmark crawl that bench/run.sh generated.
#
#   bench/profile.sh BUILD/simshard [TOP]
#
# Build with symbols for readable frames: cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo.
set -uo pipefail

BIN=$(realpath "${1:?usage: bench/profile.sh BUILD/simshard [TOP]}")
TOP=${2:-25}
DATA=$(dirname "$BIN")/bench-data
CRAWL=$DATA/crawl.jsonl
OUT=$DATA/profile
command -v perf >/dev/null || { echo "profile: perf not installed (apt-get install linux-perf)" >&2; exit 1; }
[ -f "$CRAWL" ] || { echo "profile: run bench/run.sh first to generate $CRAWL" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"

report() {  # flat profile: self time per symbol, then per shared object
  perf report -i "$1" --stdio --no-children -g none --sort dso,symbol 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed 's/  */ /g' | cut -c1-110 | head -n "$TOP"
  echo "-- by library"
  perf report -i "$1" --stdio --no-children -g none --sort dso 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed 's/  */ /g' | head -n 8
}

echo "== archive --threads 1, $(du -h --apparent-size "$CRAWL" | cut -f1) of JSON Lines"
perf record -q -F 999 -g -o "$OUT/archive.data" -- \
  "$BIN" archive "$CRAWL" --archive "$OUT/archive" --report "$OUT/report.jsonl" --threads 1 --quiet
report "$OUT/archive.data"

id=$(grep -m1 '"status":"archived"' "$OUT/report.jsonl" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
echo; echo "== restore of one article (id $id), 50 runs"
perf record -q -F 9999 -g -o "$OUT/restore.data" -- bash -c \
  "for i in \$(seq 50); do '$BIN' restore --archive '$OUT/archive' $id >/dev/null; done"
report "$OUT/restore.data"
