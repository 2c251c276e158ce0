# Shared by the drill_*.sh tests (sourced, not run). Environment from ctest:
# SIMSHARD (binary), SAMPLES, SCRATCH (a folder of this test's own).
set -euo pipefail
export LC_ALL=C  # file names and fields compared as bytes
: "${SIMSHARD:?set SIMSHARD to the simshard binary}" "${SCRATCH:?set SCRATCH to a scratch folder}"
DRILLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
SIMSHARD=$(cd "$(dirname "$SIMSHARD")" && pwd)/$(basename "$SIMSHARD")

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*" >&2; }

# make_crawl DIR N [SEED] [WORDS]: a made-up crawl of N distinct articles.
make_crawl() { python3 "$DRILLS/drill_crawl.py" "$@"; }

# run_status CMD...: runs CMD with stdout and stderr in $SCRATCH/out and $SCRATCH/err,
# sets $status to its exit code; never stops the script.
run_status() {
  status=0
  "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
}

# expect_exit CODE CMD...: CMD must exit with CODE.
expect_exit() {
  local want=$1; shift
  run_status "$@"
  [ "$status" = "$want" ] || {
    cat "$SCRATCH/err" >&2
    fail "expected exit $want, got $status: $*"
  }
}

# expect_err_match REGEX: the last command's stderr matches the extended regex.
expect_err_match() {
  grep -Eq -- "$1" "$SCRATCH/err" || { cat "$SCRATCH/err" >&2; fail "stderr does not match /$1/"; }
}

# archive DIR INPUT... [options]: a run that must succeed (exit 0, or 3 when skipped inputs).
archive() {
  local dir=$1; shift
  run_status "$SIMSHARD" archive --archive "$dir" "$@"
  [ "$status" = 0 ] || [ "$status" = 3 ] || { cat "$SCRATCH/err" >&2; fail "archive into $dir exited $status"; }
}

verify_ok() {
  run_status "$SIMSHARD" verify --archive "$1"
  [ "$status" = 0 ] || { cat "$SCRATCH/out" "$SCRATCH/err" >&2; fail "verify $1 exited $status"; }
}

# ids DIR: the archived ids, sorted.
ids() { "$SIMSHARD" list --archive "$1" --format tsv | cut -f1 | sort; }

# content DIR: every archived document without where it is stored (id, url, source, title,
# date, size), sorted, so archives written in different shard layouts compare equal.
content() { "$SIMSHARD" list --archive "$1" --format tsv | cut -f1-5,7 | sort; }

# catalog DIR SQL: a query on the catalog (read-only).
catalog() { sqlite3 -readonly -separator $'\t' "$1/catalog.sqlite" "$2"; }

# restore_all DIR FILE: every archived document's original bytes, in id order, into FILE.
restore_all() {
  local all
  all=$(ids "$1")
  : >"$2"
  [ -n "$all" ] || return 0
  # shellcheck disable=SC2086
  "$SIMSHARD" restore --archive "$1" $all >"$2" || fail "restore of every document of $1"
}

# same_archives A B: equal content and byte-equal restores.
same_archives() {
  diff <(content "$1") <(content "$2") >&2 || fail "archives $1 and $2 hold different documents"
  restore_all "$1" "$SCRATCH/restore-a"
  restore_all "$2" "$SCRATCH/restore-b"
  cmp -s "$SCRATCH/restore-a" "$SCRATCH/restore-b" || fail "restores of $1 and $2 differ"
}

# flip_byte FILE OFFSET: inverts the bits of one byte in place.
flip_byte() {
  python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}
