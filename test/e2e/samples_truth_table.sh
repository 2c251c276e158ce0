#!/usr/bin/env bash
# Every row of the truth table in samples/README.md holds: archiving samples/crawl gives
# exactly the status it lists for each file, and duplicates name the document they copy.
source "$(dirname "$0")/cli_lib.bash"

step "archive samples/crawl"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --report report.jsonl --quiet

step "compare the report with the truth table"
python3 - "$SAMPLES" report.jsonl <<'PY' || die "the report differs from the truth table in samples/README.md"
import json, sys
samples, report = sys.argv[1], sys.argv[2]
root = samples.rstrip("/") + "/crawl/"
table = []
for line in open(samples + "/README.md", encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.startswith("| ") and cells[0].isdigit():
        table.append(dict(source=cells[1], story=cells[2], status=cells[3], copy_of=cells[4]))
rows = [json.loads(l) for l in open(report)]
assert len(table) == 21, f"truth table has {len(table)} rows"
assert len(rows) == len(table), f"report has {len(rows)} rows, the truth table {len(table)}"
ids = {r["source"][len(root):]: r.get("id") for r in rows}
wrong = []
for want, got in zip(table, rows):
    source = got["source"][len(root):] if got["source"].startswith(root) else got["source"]
    expected_of = ids.get(want["copy_of"]) if want["copy_of"] != "-" else None
    if (source != want["source"] or got["status"] != want["status"]
            or got.get("duplicate_of") != expected_of):
        wrong.append(f"{want['source']}: want {want['status']} of {want['copy_of']}, got "
                     f"{got['status']} {got.get('duplicate_of', '')} "
                     f"(distance {got.get('distance', '-')}, similarity {got.get('similarity', '-')})")
for w in wrong:
    print("  " + w, file=sys.stderr)
sys.exit(1 if wrong else 0)
PY
echo "ok: all 21 rows of the samples truth table hold"
