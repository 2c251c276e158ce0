#!/usr/bin/env bash
# The command line contract: exit codes 0/1/2/3 with one-line messages, --help with an
# example on every command, --version, --config, --json, skipped inputs in the report.
source "$(dirname "$0")/cli_lib.bash"

step "usage errors exit 2"
must_exit 2 "$SIMSHARD"
must_exit 2 "$SIMSHARD" frobnicate
err_has "unknown command"
must_exit 2 "$SIMSHARD" archive "$SAMPLES/crawl"
err_has "missing --archive"
must_exit 2 "$SIMSHARD" archive "$SAMPLES/crawl" --archive a --no-such-option
must_exit 2 "$SIMSHARD" archive "$SAMPLES/crawl" --archive a --threads many
must_exit 2 "$SIMSHARD" list --archive a --format xml
must_exit 2 "$SIMSHARD" dedup "$SAMPLES/crawl"
err_has "missing --report"
must_exit 2 "$SIMSHARD" restore --archive a
must_exit 2 "$SIMSHARD" archive --config missing.conf "$SAMPLES/crawl"
[ ! -e a ] || die "a usage error created the archive"

step "--help on every command, with an example; --version"
for cmd in archive restore list verify stats reindex repair dedup; do
  must_exit 0 "$SIMSHARD" "$cmd" --help
  grep -q "^Example" out || die "$cmd --help has no example"
  grep -q -- "--archive" out || die "$cmd --help does not mention --archive"
done
must_exit 0 "$SIMSHARD" --help
must_exit 0 "$SIMSHARD" --version
grep -Eq '^simshard [0-9]+\.[0-9]+' out || die "--version printed: $(cat out)"

step "fatal errors exit 1 with one line saying what and where"
echo "not a folder" > plainfile
must_exit 1 "$SIMSHARD" archive "$SAMPLES/crawl" --archive plainfile/arc
[ "$(wc -l < err)" = 1 ] || die "fatal message is not one line: $(cat err)"
err_has "plainfile"
must_exit 1 "$SIMSHARD" list --archive no-such-archive
err_has "no-such-archive"
must_exit 1 "$SIMSHARD" archive no-such-input --archive never
err_has "no-such-input"
must_exit 1 "$SIMSHARD" archive "$SAMPLES/crawl" --archive never --report no-such-dir/report.jsonl
err_has "no-such-dir/report.jsonl"
[ ! -e never ] || die "a run that could not start created its archive"
mkdir -p self && cp "$SAMPLES/crawl/site-a.example/briefs/"*.txt self/
must_exit 1 "$SIMSHARD" archive self --archive self/arc
err_has "inside input self"
[ ! -e self/arc ] || die "an archive inside its own input was created"

step "skipped inputs: exit 3, listed in the report with a reason"
mkdir -p bad
cp "$SAMPLES/crawl/site-a.example/briefs/2024-05-16-library.txt" bad/good.txt
: > bad/empty.txt
head -c 3000 /dev/urandom > bad/noise.txt
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > bad/picture.html
must_exit 3 "$SIMSHARD" archive bad --archive arc --report report.jsonl
err_has "skipped"
python3 - <<'PY' || die "report of skipped inputs is wrong: $(cat report.jsonl)"
import json
rows = {r["source"]: r for r in map(json.loads, open("report.jsonl"))}
assert len(rows) == 4, rows
assert rows["bad/good.txt"]["status"] == "archived"
for name in ("empty.txt", "noise.txt", "picture.html"):
    r = rows["bad/" + name]
    assert r["status"] == "skipped" and r["reason"], r
PY

step "--config FILE sets any option; the command line wins"
cat > nightly.conf <<CONF
archive = cfg-arc
report = cfg-report.jsonl
threads = 2
quiet = true
CONF
must_exit 0 "$SIMSHARD" archive --config nightly.conf "$SAMPLES/crawl"
[ -s cfg-report.jsonl ] && [ -f cfg-arc/catalog.sqlite ] || die "--config options were not used"
[ ! -s err ] || die "quiet = true in --config was ignored: $(cat err)"
must_exit 0 "$SIMSHARD" archive --config nightly.conf --report cli-report.jsonl "$SAMPLES/crawl"
[ -s cli-report.jsonl ] || die "the command line did not win over --config"

step "--json summary for monitoring"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive json-arc --json
python3 - <<'PY' || die "--json summary: $(cat out)"
import json
s = json.load(open("out"))
for k in ("documents", "archived", "duplicates", "near_duplicates", "skipped", "skipped_by_reason",
          "bytes_in", "bytes_stored", "seconds", "shards_written", "exit_code", "run"):
    assert k in s, k
assert s["documents"] == s["archived"] + s["duplicates"] + s["near_duplicates"] + s["skipped"]
assert s["bytes_stored"] > 0 and len(s["shards_written"]) >= 1 and s["run"] == 1
PY
err_has "archived [0-9]+ of 21 documents"
grep -q "docs/s" err && die "a progress line was drawn on a stderr that is not a terminal"

step "progress line on a terminal only, and not with --quiet"
if command -v script >/dev/null; then
  script -qec "'$SIMSHARD' archive '$SAMPLES/crawl' --archive tty-arc" /dev/null > tty.out
  grep -q "docs/s.*archived.*duplicates.*skipped.*elapsed.*ETA" tty.out || die "no progress line on a terminal: $(cat tty.out)"
  script -qec "'$SIMSHARD' archive '$SAMPLES/crawl' --archive tty-arc2 --quiet" /dev/null > tty.out
  [ ! -s tty.out ] || die "--quiet still drew on the terminal: $(cat tty.out)"
fi
echo ok
