#!/usr/bin/env bash
# `simshard dedup`: the decisions of `archive` without an archive; --kept writes the kept
# documents as .jsonl.zst; --keep longest keeps the longest copy of each group; --archive
# checks against an existing archive without changing it.
source "$(dirname "$0")/cli_lib.bash"

step "dedup the samples"
must_exit 0 "$SIMSHARD" dedup "$SAMPLES/crawl" --report first.jsonl --kept first.jsonl.zst --quiet
[ "$(ls)" = "$(printf 'err\nfirst.jsonl\nfirst.jsonl.zst\nout')" ] || die "dedup wrote more than asked: $(ls)"
kept=$(report_field first.jsonl kept id | wc -l)
[ "$kept" -ge 5 ] || die "only $kept kept"
[ "$(zstd -dcq first.jsonl.zst | wc -l)" = "$kept" ] || die "--kept does not hold the $kept kept documents"
zstd -dcq first.jsonl.zst | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    assert len(d["id"]) == 16 and d["text"] and d["source"], d' || die "--kept lines lack id, source or text"

step "--keep longest"
must_exit 0 "$SIMSHARD" dedup "$SAMPLES/crawl" --report longest.jsonl --kept longest.jsonl.zst --keep longest --quiet
[ "$(report_field longest.jsonl kept id | wc -l)" = "$kept" ] || die "--keep longest changed the number of groups"
zstd -dcq longest.jsonl.zst > longest.jsonl.kept
python3 - <<'PY' || die "--keep longest did not keep the longest copy of each group"
import json
rows = [json.loads(l) for l in open("longest.jsonl")]
text = {}
for line in open("longest.jsonl.kept"):
    d = json.loads(line)
    text[d["id"]] = d["text"]
kept = {r["id"] for r in rows if r["status"] == "kept"}
assert kept == set(text), (kept, set(text))
for r in rows:
    if r["status"] in ("duplicate", "near-duplicate"):
        assert r["duplicate_of"] in kept, r
first = [json.loads(l) for l in open("first.jsonl")]
assert [r["source"] for r in rows] == [r["source"] for r in first]
assert any(a["status"] != b["status"] for a, b in zip(rows, first)), "nothing was swapped: the test proves little"
PY
must_exit 2 "$SIMSHARD" dedup "$SAMPLES/crawl" --report x.jsonl --keep biggest

step "dedup against an archive, read-only"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --quiet
before=$("$SIMSHARD" stats --archive arc --json)
must_exit 0 "$SIMSHARD" dedup "$SAMPLES/crawl" --archive arc --report against.jsonl --quiet
[ -z "$(report_field against.jsonl kept id)" ] || die "documents already archived were kept"
[ "$("$SIMSHARD" stats --archive arc --json)" = "$before" ] || die "dedup changed the archive"

step "an archive of another fingerprint configuration is refused"
sqlite3 arc/catalog.sqlite "UPDATE state SET value = 'simhash-of-another-kind' WHERE key = 'fingerprint_config'"
must_exit 1 "$SIMSHARD" dedup "$SAMPLES/crawl" --archive arc --report refused.jsonl
err_has "simhash-of-another-kind"
must_exit 1 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc
err_has "simhash-of-another-kind"
echo ok
