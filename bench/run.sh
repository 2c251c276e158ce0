#!/usr/bin/env bash
# make bench: every figure of the speed targets beside its baseline, measured in this run.
#
#   bench/run.sh BUILD/simshard
#
# Data is generated once and cached under BUILD/bench-data (the crawl from
# ../shared/corpora when present, else made-up text; the 1M-document archive).
# Environment: BENCH_DOCS (30000), BENCH_MILLION (1000000), BENCH_RESTORES (101),
# BENCH_REPEAT (2: archive runs per thread count, the fastest counts),
# BENCH_BATCH (10000), BENCH_SKIP_MILLION=1 to skip the startup figure, BENCH_CORPUS (the
# BBC tarball; a missing path gives the made-up corpus).
set -uo pipefail

BIN=$(realpath "${1:?usage: bench/run.sh BUILD/simshard}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(dirname "$BIN")
DATA=$BUILD/bench-data
WORK=$DATA/work
DOCS=${BENCH_DOCS:-30000}
MILLION=${BENCH_MILLION:-1000000}
RESTORES=${BENCH_RESTORES:-101}
BATCH=${BENCH_BATCH:-10000}
REPEAT=${BENCH_REPEAT:-2}
PY=python3
MEASURE="$PY $ROOT/bench/measure.py"
CRAWL=$DATA/crawl.jsonl
CORPUS=${BENCH_CORPUS:-$ROOT/../shared/corpora/bbc-news-2004-2005.tar.zst}

mkdir -p "$DATA" "$WORK"
[ -x "$BIN" ] || { echo "bench: $BIN not built (run make first)" >&2; exit 1; }

# ---- helpers ---------------------------------------------------------------------------
field() { $PY -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
calc() { $PY -c "print(format($1, '$2'))"; }
# row FIGURE MEASURED BASELINE TARGET VERDICT
row() { printf '%-34s %-22s %-24s %-18s %s\n' "$1" "$2" "$3" "$4" "$5"; }
verdict() { [ "$($PY -c "print(int($1))")" = 1 ] && echo ok || echo MISSED; }
bytes_of() { du -sb --apparent-size "$@" | awk '{s += $1} END {print s + 0}'; }
fresh() { rm -rf "$1"; mkdir -p "$(dirname "$1")"; }
# shard_split SHARD...: "data parity index" bytes summed over the shards, from each footer
# (doc/FORMAT.md, 2.3): the data frames (the seek table's sizes), the parity frames up to
# the record index, and the record index and seek table frames.
shard_split() {
  $PY - "$@" <<'PY'
import os, struct, sys
data = parity = index = 0
for path in sys.argv[1:]:
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(-36, 2)
        frames, _, index_at = struct.unpack("<IIQ", f.read(16))
        f.seek(-36 - 12 * frames, 2)
        seek = f.read(12 * frames)
    d = sum(struct.unpack_from("<I", seek, 12 * i)[0] for i in range(frames))
    data, parity, index = data + d, parity + index_at - d, index + size - index_at
print(data, parity, index)
PY
}
# size_rows LABEL ARCHIVE ZSTD_BYTES: the archive's size against zstd -3 of its input, and
# where the bytes go (shards: data frames, parity, index frames; the catalog and the rest).
size_rows() {
  local label=$1 arch=$2 z=$3 size data parity index
  size=$(bytes_of "$arch")
  read -r data parity index <<< "$(shard_split "$arch"/*.jsonl.zst)"
  row "archive size, $label" "$(calc "$size/1e6" .2f) MB" "zstd -3 $(calc "$z/1e6" .2f) MB" \
      "<= 1.25x" "$(calc "$size/$z" .3f)x $(verdict "$size <= 1.25 * $z")"
  for part in "data frames:$data" "parity frames:$parity" "index frames:$index" \
              "catalog and the rest:$((size - data - parity - index))"; do
    row "  ${part%%:*}" "$(calc "${part#*:}/1e6" .3f) MB" "" "" "$(calc "${part#*:}/$z" .3f)x"
  done
}
# archive_run DIR THREADS REPORT INPUT... -> JSON from measure.py of the fastest of
# $REPEAT runs, each into a fresh DIR (a second run into the same DIR archives nothing).
archive_run() {
  local dir=$1 threads=$2 report=$3 best="" r out; shift 3
  for ((r = 0; r < REPEAT; r++)); do
    fresh "$dir"
    out=$($MEASURE --runs 1 -- "$BIN" archive "$@" --archive "$dir" --report "$report" \
          --threads "$threads" --quiet)
    [ "$(field "$out" failed)" = 0 ] || { echo "$out"; return; }
    if [ -z "$best" ] || [ "$($PY -c "print(int($(field "$out" min_s) < $(field "$best" min_s)))")" = 1 ]; then
      best=$out
    fi
  done
  echo "$best"
}

# ---- data ------------------------------------------------------------------------------
corpus_stamp() {
  local origin=made-up
  [ -f "$CORPUS" ] && origin=bbc
  echo "$origin $DOCS $(md5sum < "$ROOT/bench/make_corpus.py" | cut -c1-12)"
}
if [ "$(cat "$DATA/crawl.stamp" 2>/dev/null)" != "$(corpus_stamp)" ]; then
  echo "bench: generating the benchmark crawl ($DOCS articles) ..." >&2
  $PY "$ROOT/bench/make_corpus.py" --out "$CRAWL" --docs "$DOCS" --truth "$DATA/truth.tsv" \
    --corpus "$CORPUS" || exit 1
  corpus_stamp > "$DATA/crawl.stamp"
fi
IN_BYTES=$(bytes_of "$CRAWL")

echo "simshard benchmark, $(date -u "+%Y-%m-%d %H:%M UTC"), $(nproc) cores, $(uname -m), load average $(cut -d" " -f1-3 /proc/loadavg) (figures are noisy when it exceeds 0.5)"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null | head -1))"
echo "crawl: $CRAWL, $DOCS documents, $(calc "$IN_BYTES/1e6" .1f) MB ($(cut -d' ' -f1 "$DATA/crawl.stamp") text)"
echo
row FIGURE MEASURED BASELINE TARGET VERDICT
row ------ -------- -------- ------ -------

# ---- baseline: zstd -3 on the same bytes ------------------------------------------------
Z1=$($MEASURE --runs 3 --stdout "$WORK/crawl.zst" -- zstd -3 -T1 -q -c "$CRAWL")
Z2=$($MEASURE --runs 3 --stdout "$WORK/crawl.zst" -- zstd -3 -T2 -q -c "$CRAWL")
ZT1=$(field "$Z1" min_s); ZT2=$(field "$Z2" min_s)
ZSIZE=$(bytes_of "$WORK/crawl.zst")
# What independent frames alone cost: zstd -3 of the crawl cut into ~128 KiB pieces of
# whole lines (the shard format's default frame), each compressed on its own.
rm -rf "$WORK/pieces"; mkdir -p "$WORK/pieces"
$PY - "$CRAWL" "$WORK/pieces" <<'PY'
import sys
piece, n = bytearray(), 0
def flush():
    global piece, n
    open(f"{sys.argv[2]}/{n:06d}", "wb").write(piece); piece, n = bytearray(), n + 1
for line in open(sys.argv[1], "rb"):
    piece += line
    if len(piece) >= 131072: flush()
if piece: flush()
PY
zstd -3 -q --rm "$WORK"/pieces/*
FSIZE=$(bytes_of "$WORK"/pieces/*.zst); rm -rf "$WORK/pieces"
row "zstd -3 -T1 (baseline)" "$(calc "$ZT1" .2f) s, cpu $(calc "$(field "$Z1" min_cpu_s)" .2f) s" "$(calc "$IN_BYTES/1e6/$ZT1" .0f) MB/s" "-" "-"

# ---- archive: time with 1 and 2 threads, size, memory ----------------------------------
archived_docs=0; ok_runs=0
for threads in 1 2; do
  A=$(archive_run "$WORK/archive-t$threads" "$threads" "$WORK/report-t$threads.jsonl" "$CRAWL")
  if [ "$(field "$A" failed)" != 0 ]; then
    row "archive --threads $threads" "FAILED (exit $(field "$A" failed))" "" "" ""
    continue
  fi
  ok_runs=$((ok_runs + 1))
  t=$(field "$A" min_s); rss=$(field "$A" max_rss_bytes)
  limit=$([ "$threads" = 1 ] && echo 2.5 || echo 1.6)
  row "archive --threads $threads" "$(calc "$t" .2f) s, cpu $(calc "$(field "$A" min_cpu_s)" .1f) s" \
      "zstd -T1 $(calc "$ZT1" .2f) s" "<= ${limit}x" \
      "$(calc "$t/$ZT1" .2f)x $(verdict "$t/$ZT1 <= $limit")"
  archived_docs=$(grep -c '"status":"archived"' "$WORK/report-t$threads.jsonl" || true)
  mem_limit=$((300 * 1000 * 1000 + 64 * archived_docs))
  row "  peak memory, $threads thread(s)" "$(calc "$rss/1e6" .0f) MB" "-" \
      "< $(calc "$mem_limit/1e6" .0f) MB" "$(verdict "$rss < $mem_limit")"
done
if [ "$ok_runs" = 2 ]; then
  same=$(cmp -s "$WORK/report-t1.jsonl" "$WORK/report-t2.jsonl" && echo identical || echo DIFFERENT)
  row "  report, 1 vs 2 threads" "$same" "-" "identical" "$([ "$same" = identical ] && echo ok || echo MISSED)"
fi
ARCH=$WORK/archive-t1
if [ -d "$ARCH" ] && [ "$archived_docs" -gt 0 ]; then
  size_rows "crawl" "$ARCH" "$ZSIZE"
  row "  (zstd -3 of 128 KiB pieces)" "$(calc "$FSIZE/1e6" .3f) MB" "" "" "$(calc "$FSIZE/$ZSIZE" .3f)x"
  counts=$(for s in archived duplicate near-duplicate skipped; do
    echo "$(grep -c "\"status\":\"$s\"" "$WORK/report-t1.jsonl") $s"; done | paste -sd, -)
  row "  decisions" "$counts" "" "" ""
  # The crawl's own truth: which lines are syndicated copies of which.
  q=$($PY - "$DATA/truth.tsv" "$WORK/report-t1.jsonl" <<'PY'
import json, sys
truth = {int(l.split("\t")[0]): int(l.split("\t")[1]) for l in list(open(sys.argv[1]))[1:]}
rows = [json.loads(l) for l in open(sys.argv[2])]
line_id = {int(r["source"].rsplit("#", 1)[1]): r.get("id") for r in rows}
dropped = {int(r["source"].rsplit("#", 1)[1]): r["duplicate_of"] for r in rows if r.get("duplicate_of")}
found = sum(1 for c, o in truth.items() if dropped.get(c) == line_id.get(o))
wrong = sum(1 for c in dropped if c not in truth)
ok = found >= 0.95 * len(truth) and wrong <= 0.005 * max(1, len(dropped))
print(f"  near-copies found|{found} of {len(truth)}|{wrong} wrong drops|recall >= 0.95|{'ok' if ok else 'MISSED'}")
PY
)
  IFS='|' read -r q1 q2 q3 q4 q5 <<< "$q"; row "$q1" "$q2" "$q3" "$q4" "$q5"
fi

# ---- size on real text: the BBC corpus as JSON Lines, one article a line ----------------
# The crawl above recombines it; here each article is as it was (title the first line), so
# the fixed cost of each document weighs as it does on a small real crawl.
if [ -f "$CORPUS" ]; then
  BBC=$DATA/bbc.jsonl
  [ -s "$BBC" ] || $PY "$ROOT/bench/make_corpus.py" --bbc --out "$BBC" --corpus "$CORPUS" || exit 1
  fresh "$WORK/bbc-archive"
  if "$BIN" archive "$BBC" --archive "$WORK/bbc-archive" --quiet --threads 2 --report "$WORK/report-bbc.jsonl" >/dev/null; then
    size_rows "BBC as JSON Lines" "$WORK/bbc-archive" "$(zstd -3 -q -c "$BBC" | wc -c)"
  else
    row "archive size, BBC as JSON Lines" "FAILED" "" "" ""
  fi
  fresh "$WORK/bbc-archive"
fi

# ---- heal rate: the damage of the parity issue on a copy of the archive ------------------
# In the first shard, a zeroed 4 KiB page at a third, a flipped byte in the middle and a
# zeroed 64 KiB region at two thirds; how many of 100 sampled documents restore byte for
# byte from it, and whether repair gives the shard back as it was sealed.
if [ -d "$ARCH" ] && [ "$archived_docs" -gt 0 ]; then
  fresh "$WORK/damaged"; cp -r "$ARCH" "$WORK/damaged"
  first=$(ls "$WORK/damaged"/*.jsonl.zst | head -n 1)
  $PY - "$first" <<'PY'
import os, sys
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "r+b") as f:
    for at, n in ((size // 3 // 4096 * 4096, 4096), (size * 2 // 3, 65536)):
        f.seek(at); f.write(bytes(n))
    f.seek(size // 2); b = f.read(1); f.seek(size // 2); f.write(bytes([b[0] ^ 0xFF]))
PY
  "$BIN" list --archive "$ARCH" --format tsv | cut -f1 | awk 'NR % 97 == 1' | head -n 100 > "$WORK/heal-ids.txt"
  "$BIN" restore --archive "$ARCH" --to "$WORK/heal-good" --ids-from "$WORK/heal-ids.txt" >/dev/null 2>&1
  "$BIN" restore --archive "$WORK/damaged" --to "$WORK/heal-got" --ids-from "$WORK/heal-ids.txt" >/dev/null 2>&1
  healed=$(cd "$WORK/heal-good" && find . -type f | while read -r f; do cmp -s "$f" "$WORK/heal-got/$f" && echo; done | wc -l)
  total=$(wc -l < "$WORK/heal-ids.txt")
  "$BIN" repair --archive "$WORK/damaged" >/dev/null 2>&1
  same=$(cmp -s "$first" "$ARCH/$(basename "$first")" && echo "byte for byte" || echo DIFFERENT)
  row "heal rate (page, byte, 64 KiB)" "$healed of $total restored" "repair: $same" "all, byte for byte" \
      "$([ "$healed" = "$total" ] && [ "$same" = "byte for byte" ] && echo ok || echo MISSED)"
  rm -rf "$WORK/damaged" "$WORK/heal-good" "$WORK/heal-got"
fi

# ---- the same crawl again, as a second night: every page is a repeat of the first -------
if [ -d "$ARCH" ] && [ "$archived_docs" -gt 0 ]; then
  fresh "$WORK/night2"; cp -r "$ARCH" "$WORK/night2"
  if "$BIN" archive "$CRAWL" --archive "$WORK/night2" --quiet --report "$WORK/report-night2.jsonl" >/dev/null; then
    again=$(grep -c '"status":"archived"' "$WORK/report-night2.jsonl" || true)
    near1=$(grep -c '"status":"near-duplicate"' "$WORK/report-t1.jsonl" || true)
    row "  same crawl again (night 2)" "$again archived again" "night 1: $near1 near copies" \
        "<= 2% of those" "$([ "$again" -le $((near1 / 50)) ] && echo ok || echo MISSED)"
    # A third night: pages must not drift as the chrome model sees them again.
    if "$BIN" archive "$CRAWL" --archive "$WORK/night2" --quiet --report "$WORK/report-night3.jsonl" >/dev/null; then
      again3=$(grep -c '"status":"archived"' "$WORK/report-night3.jsonl" || true)
      row "  same crawl again (night 3)" "$again3 archived again" "" "<= 2% of near copies" \
          "$([ "$again3" -le $((near1 / 50)) ] && echo ok || echo MISSED)"
    fi
  else
    row "  same crawl again (night 2)" "FAILED" "" "" ""
  fi
  fresh "$WORK/night2"
fi

# ---- restore: one article per process; a batch to a folder -----------------------------
if [ -d "$ARCH" ] && [ "$archived_docs" -gt 0 ]; then
  grep '"status":"archived"' "$WORK/report-t1.jsonl" | $PY -c '
import json, sys
ids = [str(json.loads(l)["id"]) for l in sys.stdin]
step = max(1, len(ids) // int(sys.argv[1]))
open(sys.argv[2], "w").write("\n".join(ids[::step]) + "\n")
open(sys.argv[3], "w").write("\n".join(ids[:int(sys.argv[4])]) + "\n")
' "$RESTORES" "$WORK/ids-sample.txt" "$WORK/ids-batch.txt" "$BATCH"
  R=$($MEASURE --runs "$RESTORES" --args-file "$WORK/ids-sample.txt" -- "$BIN" restore --archive "$ARCH" "{}")
  med=$(field "$R" median_s); rss=$(field "$R" max_rss_bytes)
  row "restore 1 article (median of $RESTORES)" "$(calc "$med*1000" .1f) ms, cpu $(calc "$(field "$R" median_cpu_s)*1000" .1f) ms" \
      "zstd -dc whole: $(calc "$(field "$($MEASURE --runs 3 -- zstd -dc -q "$WORK/crawl.zst")" min_s)*1000" .0f) ms" \
      "< 15 ms" "$(verdict "$med < 0.015")$([ "$(field "$R" failed)" = 0 ] || echo ' (some FAILED)')"
  row "  restore peak memory" "$(calc "$rss/1e6" .1f) MB" "-" "< 64 MB" "$(verdict "$rss < 64e6")"
  n=$(wc -l < "$WORK/ids-batch.txt")
  fresh "$WORK/restored"
  mapfile -t batch < "$WORK/ids-batch.txt"
  B=$($MEASURE --runs 1 -- "$BIN" restore --archive "$ARCH" --to "$WORK/restored" "${batch[@]}")
  bt=$(field "$B" min_s)
  row "restore --to DIR, $n ids" "$(calc "$n/$bt" .0f) articles/s" "$(calc "$bt" .2f) s" \
      ">= 20000/s" "$(verdict "$n/$bt >= 20000")$([ "$(field "$B" failed)" = 0 ] || echo ' (FAILED)')"
fi

# ---- startup on a 1M-document archive ---------------------------------------------------
build_million() {  # the cached fixture; one thread, as it is a fixture, not a figure
  echo "bench: building the $MILLION-document archive once (cached in $BIG) ..." >&2
  fresh "$BIG"; mkdir -p "$BIG"
  $PY "$ROOT/bench/make_corpus.py" --tiny "$MILLION" --out "$BIG/tiny.jsonl" &&
    $MEASURE -- "$BIN" archive "$BIG/tiny.jsonl" --archive "$BIG/archive" --threads 1 --quiet >/dev/null &&
    head -1 "$BIG/tiny.jsonl" > "$BIG/one-known.jsonl" && rm "$BIG/tiny.jsonl" &&
    echo "$stamp" > "$BIG/stamp"
}
# A run whose only input repeats an archived document: open the catalog, make the dedup
# index ready, decide one duplicate, write nothing.
measure_startup() {
  $MEASURE --runs 3 -- "$BIN" archive "$BIG/one-known.jsonl" --archive "$BIG/archive" --threads 1 --quiet
}
if [ "${BENCH_SKIP_MILLION:-0}" != 1 ]; then
  BIG=$DATA/million
  stamp="$MILLION $(md5sum < "$ROOT/bench/make_corpus.py" | cut -c1-12)"
  [ "$(cat "$BIG/stamp" 2>/dev/null)" = "$stamp" ] || build_million
  S=$(measure_startup 2> "$WORK/startup-first-try.err")
  if [ "$(field "$S" failed)" != 0 ]; then  # a fixture from an older format: rebuild once
    echo "bench: the cached archive is refused ($(head -c 160 "$WORK/startup-first-try.err")...)" >&2
    build_million && S=$(measure_startup)
  fi
  if [ "$(field "$S" failed)" = 0 ]; then
    st=$(field "$S" min_s)
    Q=$($MEASURE --runs 3 -- "$BIN" stats --archive "$BIG/archive")
    row "startup, $MILLION-doc archive" "$(calc "$st" .2f) s, $(calc "$(field "$S" max_rss_bytes)/1e6" .0f) MB" \
        "stats: $(calc "$(field "$Q" min_s)" .2f) s" "< 3 s" "$(verdict "$st < 3")"
  else
    row "startup, $MILLION-doc archive" "not measured (the run failed)" "" "" ""
  fi
fi

# ---- article extraction on real pages with gold text (only where ../shared has them) ----
# F1 of 4-token shingles averaged over pages, as the public extraction benchmarks score
# it; the baselines are Mozilla Readability.js on the same pages (doc/INPUTS.md).
EXDEV=${BENCH_EXTRACTION:-$ROOT/../shared/corpora/extraction-dev.tar.zst}
SCORER=$ROOT/../shared/tools/extract-score
if [ -f "$EXDEV" ] && [ -x "$SCORER" ]; then
  X=$DATA/extraction-dev
  [ -d "$X/extraction-dev" ] || { mkdir -p "$X" && zstd -dc "$EXDEV" | tar -x -C "$X"; }
  for set in dragnet:0.888:0.92 readability:-:0.95; do
    IFS=: read -r name base goal <<< "$set"
    out=$("$SCORER" --binary "$BIN" --pages "$X/extraction-dev/$name/pages" \
          --gold "$X/extraction-dev/$name/gold" | sed -n 1p)
    f1=$(field "$out" f1); empty=$(field "$out" empty)
    row "extraction F1, $name" "$f1 ($empty empty)" "Readability.js $base" ">= $goal, 0 empty" \
        "$(verdict "$f1 >= $goal and $empty == 0")"
  done
  speed=$("$BUILD/bench/extract_pages" "$X/extraction-dev/dragnet/pages" | sed -n 's/.*: \([0-9.]*\) MB\/s.*/\1/p')
  row "HTML extraction, dragnet pages" "$speed MB/s per CPU s" "Readability.js 0.5-1.8" ">= 25" \
      "$(verdict "${speed:-0} >= 25")"
else
  row "extraction F1" "not measured (no $EXDEV)" "" "" ""
fi

# ---- runs cut into tasks (the Slurm stages, run here one by one) --------------------------
echo
"$ROOT/bench/tasks.sh" "$BIN" "$CRAWL" "$WORK/tasks" || echo "bench/tasks.sh: exit $?"

# ---- the stage benchmarks of the other issues -------------------------------------------
others=$(find "$BUILD/bench" -maxdepth 1 -type f -perm -u+x -printf '%f\n' 2>/dev/null | sort |
         grep -vxE 'scan_throughput|fingerprint_speed|dedup_lookup|quality|extract_pages' || true)
for prog in scan_throughput fingerprint_speed dedup_lookup quality $others; do
  exe=$BUILD/bench/$prog
  [ -x "$exe" ] || { echo; echo "== $prog: not built, skipped"; continue; }
  echo; echo "== $prog"
  (cd "$ROOT" && "$exe") || echo "$prog: exit $?"
done
