#!/usr/bin/env bash
# Every numeric option has one range, the library's: a value just outside it, on either
# side, is refused with exit 2 and a message giving the range (never run with another
# value), a value at each end is accepted, and --help and the man page print that range.
source "$(dirname "$0")/cli_lib.bash"
MAN=$(cd "$E2E/../.." && pwd)/doc/simshard.1

# command option low high below above
while read -r cmd opt low high below above; do
  step "$cmd --$opt: $low to $high"
  case $cmd in
    archive) base=("$SIMSHARD" archive "$SAMPLES/crawl" --archive "arc-$opt" --quiet) ;;
    dedup) base=("$SIMSHARD" dedup "$SAMPLES/crawl" --report r.jsonl --quiet) ;;
    extract) base=("$SIMSHARD" extract "$SAMPLES/crawl" --output x.jsonl --quiet) ;;
    stage) base=("$SIMSHARD" stage analyze --work-dir nowhere) ;;
  esac
  for bad in "$below" "$above"; do
    must_exit 2 "${base[@]}" "--$opt=$bad"
    grep -qF -- "--$opt must be $low to $high, not $bad" err || { cat err >&2; die "no range in the message"; }
  done
  "$SIMSHARD" "$cmd" --help > help
  tr -s ' \n' ' ' < help | grep -cF -- "($low to $high)" >/dev/null || die "$cmd --help does not print the range of --$opt"
  grep -qF -- "$low to $high" "$MAN" || die "the man page does not give the range $low to $high of --$opt"
done <<'TABLE'
archive max-distance 0 11 -1 12
archive threshold 0 1 -0.01 1.5
archive threads 0 1024 -3 1025
archive max-doc-bytes 1 1073741824 0 1073741825
archive shard-bytes 1024 1099511627776 1023 1099511627777
archive frame-bytes 256 67108864 255 67108865
archive level -131072 22 -131073 23
archive tasks 1 100000 0 100001
dedup max-distance 0 11 -5 30
dedup threads 0 1024 -1 99999
extract threads 0 1024 -3 2000
extract max-doc-bytes 1 1073741824 0 -1
stage task 0 99999 -1 100000
TABLE

step "the ends of a range run, and the catalog records what ran"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive ends --max-distance 11 --threshold 1 \
  --frame-bytes 256 --level 22 --quiet --json
python3 - <<'PY' || die "the catalog does not record the options that ran"
import json, sqlite3
options = json.loads(sqlite3.connect("ends/catalog.sqlite").execute("select options from runs").fetchone()[0])
assert options["max_distance"] == 11 and options["min_similarity"] == 1, options
PY
echo ok
