#!/usr/bin/env bash
# The learned chrome model's figures (doc/INPUTS.md, "Page chrome"): near copies found on
# the bench crawl, pages archived again when the same crawl comes back on nights 2, 3 and
# 4, and dragnet dev pages wrongly merged.
#
#   bench/chrome_counting.sh BUILD/simshard [DRAGNET_DIR]
#
# Needs the bench crawl and its truth file (BUILD/bench-data, made by `make bench`).
# DRAGNET_DIR holds pages/ and gold/ (the extraction dev set's dragnet half); without it
# that figure is left out. A drop counts as wrongly merged when the gold texts of the two
# pages share under half of their word 3-grams.
set -uo pipefail
BIN=$(realpath "${1:?usage: bench/chrome_counting.sh BUILD/simshard [DRAGNET_DIR]}")
DRAGNET=${2:-}
DATA=$(dirname "$BIN")/bench-data
[ -f "$DATA/crawl.jsonl" ] && [ -f "$DATA/truth.tsv" ] || { echo "no bench crawl in $DATA: run make bench" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000
for night in 1 2 3 4; do
  "$BIN" archive "$DATA/crawl.jsonl" --archive "$WORK/a" --report "$WORK/night$night.jsonl" --threads 2 --quiet >/dev/null
done
if [ -n "$DRAGNET" ]; then
  "$BIN" archive "$DRAGNET/pages" --archive "$WORK/d" --report "$WORK/dragnet.jsonl" --threads 2 --quiet >/dev/null
fi
python3 - "$DATA/truth.tsv" "$WORK" "$DRAGNET" <<'PY'
import json, os, re, sys
truth_path, work, dragnet = sys.argv[1:4]
truth = {int(l.split("\t")[0]): int(l.split("\t")[1]) for l in list(open(truth_path))[1:]}
line_id, dropped = {}, {}
for l in open(f"{work}/night1.jsonl"):
    r = json.loads(l)
    n = int(r["source"].rsplit("#", 1)[1])
    if r["status"] == "archived":
        line_id[n] = r["id"]
    elif r["status"] in ("duplicate", "near-duplicate"):
        dropped[n] = r["duplicate_of"]
found = sum(1 for c, o in truth.items() if c in dropped and dropped[c] == line_id.get(o, dropped.get(o)))
wrong = sum(1 for c in dropped if c not in truth)
again = [sum(1 for l in open(f"{work}/night{n}.jsonl") if '"status":"archived"' in l) for n in (2, 3, 4)]
print(f"near copies found: {found} of {len(truth)} ({wrong} wrong drops)")
print(f"archived again on nights 2 / 3 / 4: {' / '.join(map(str, again))}")
if dragnet:
    rows = [json.loads(l) for l in open(f"{work}/dragnet.jsonl")]
    kept = {r["id"]: r["source"] for r in rows if r["status"] == "archived"}
    def trigrams(source):
        name = os.path.splitext(os.path.basename(source))[0]
        try:
            words = re.findall(r"\w+", open(f"{dragnet}/gold/{name}.txt", errors="replace").read().lower())
        except OSError:
            return set()
        return set(zip(words, words[1:], words[2:]))
    drops = [r for r in rows if r["status"] in ("duplicate", "near-duplicate")]
    merged = []
    for r in drops:
        a, b = trigrams(r["source"]), trigrams(kept.get(r["duplicate_of"], ""))
        if len(a & b) < 0.5 * max(1, len(a | b)):
            merged.append(os.path.basename(r["source"]) + " into " + os.path.basename(kept.get(r["duplicate_of"], "?")))
    print(f"dragnet pages dropped: {len(drops)}, wrongly merged: {len(merged)} {merged}")
PY
