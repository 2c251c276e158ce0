# Shared by the cli_*.sh tests (sourced, not run). Environment from ctest:
# SIMSHARD (binary), SAMPLES, SCRATCH (a folder of this test's own).
set -euo pipefail
: "${SIMSHARD:?set SIMSHARD to the simshard binary}" "${SCRATCH:?set SCRATCH to a scratch folder}"
: "${SAMPLES:?set SAMPLES to the samples folder}"
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIMSHARD=$(cd "$(dirname "$SIMSHARD")" && pwd)/$(basename "$SIMSHARD")
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
cd "$SCRATCH"

die() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*" >&2; }

# run CMD...: runs CMD, stdout to ./out, stderr to ./err, exit code in $rc; never stops.
run() {
  rc=0
  "$@" >out 2>err || rc=$?
}

# must_exit CODE CMD...
must_exit() {
  local want=$1; shift
  run "$@"
  [ "$rc" = "$want" ] || { cat err >&2; die "exit $rc, expected $want: $*"; }
}

# err_has REGEX: the last command's stderr matches.
err_has() { grep -Eq -- "$1" err || { cat err >&2; die "stderr lacks /$1/"; }; }

# statuses REPORT: "status count" lines.
statuses() { python3 -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["status"] for l in open(sys.argv[1]))
for k in sorted(c): print(k, c[k])' "$1"; }

# report_ids REPORT STATUS: the ids (archived) or duplicate_of (others) of rows with STATUS.
report_field() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["status"] == sys.argv[2]: print(r.get(sys.argv[3], ""))' "$@"; }

# kept_set REPORT: every id a run archived or pointed to, sorted (what the archive holds
# for this input, however it was split over runs).
kept_set() { python3 -c '
import json, sys
s = set()
for l in open(sys.argv[1]):
    r = json.loads(l)
    for k in ("id", "duplicate_of"):
        if k in r: s.add(r[k])
print("\n".join(sorted(s)))' "$1"; }

list_ids() { "$SIMSHARD" list --archive "$1" | cut -f1,2 | sort; }

verify_ok() {
  run "$SIMSHARD" verify --archive "$1"
  [ "$rc" = 0 ] || { cat out err >&2; die "verify $1 exited $rc"; }
}

make_crawl() { python3 "$E2E/make_crawl.py" "$@"; }
