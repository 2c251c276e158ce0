#!/usr/bin/env bash
# `make demo`: archives samples/ into a fresh archive, shows the run summary and the
# report, finds a duplicate, restores one article.
# usage: scripts/demo.sh BINARY DEMO_DIR
set -euo pipefail
bin=${1:?usage: scripts/demo.sh BINARY DEMO_DIR}
demo=${2:?usage: scripts/demo.sh BINARY DEMO_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$demo" && demo=$(cd "$demo" && pwd)
cd "$root"  # so that report sources read samples/crawl/...
archive=$demo/archive
report=$demo/report.jsonl

rm -rf "$demo"
mkdir -p "$demo"
echo "== simshard archive samples/crawl --archive $archive --report $report"
status=0
"$bin" archive samples/crawl --archive "$archive" --report "$report" || status=$?
[ "$status" = 0 ] || [ "$status" = 3 ] || { echo "demo: archive failed (exit $status)" >&2; exit 1; }

echo
echo "== the report: one line per input document (first 4)"
head -n 4 "$report"

echo
echo "== a duplicate and the document it repeats"
dup=$(grep -m1 '"status":"near-duplicate"' "$report" || grep -m1 '"status":"duplicate"' "$report" || true)
echo "$dup"

echo
echo "== simshard stats --archive $archive"
"$bin" stats --archive "$archive"

id=$("$bin" list --archive "$archive" | awk 'NR == 1 { print $1 }')
echo
echo "== simshard restore --archive $archive $id   (the original bytes, first 12 lines)"
"$bin" restore --archive "$archive" "$id" | awk 'NR <= 12'
echo
echo "== simshard verify --archive $archive"
"$bin" verify --archive "$archive"
