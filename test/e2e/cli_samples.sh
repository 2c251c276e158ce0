#!/usr/bin/env bash
# The samples crawl end to end: archive, every archived document restores byte-exact,
# every shard reads with the stock zstd tool as JSON Lines, verify passes, list and stats
# agree with the report, and a rerun archives nothing new.
source "$(dirname "$0")/cli_lib.bash"

step "archive samples"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --report report.jsonl --json --quiet
python3 -c 'import json,sys; s=json.load(open("out")); assert s["documents"] == 21, s; assert s["exit_code"] == 0' ||
  die "--json summary is wrong: $(cat out)"
[ ! -s err ] || die "--quiet still printed: $(cat err)"
[ "$(wc -l < report.jsonl)" = 21 ] || die "report has $(wc -l < report.jsonl) rows, want 21"
# The report is in input (sorted path) order and says which page the crawler saved twice.
python3 - "$SAMPLES/crawl" report.jsonl <<'PY' || die "report rows are not as the samples truth table says"
import json, sys
root, rows = sys.argv[1], [json.loads(l) for l in open(sys.argv[2])]
sources = [r["source"] for r in rows]
assert sources == sorted(sources, key=lambda s: s.split("#")[0]), "not in sorted path order"
assert all(s.startswith(root + "/") for s in sources), "source does not start with the input"
by = {r["source"][len(root) + 1:]: r for r in rows}
dup = by["site-a.example/news/2024-05-13-kestrel-bay-ferry-returns.txt"]
first = by["site-a.example/amp/2024-05-13-kestrel-bay-ferry-returns.txt"]
assert dup["status"] == "duplicate" and dup["duplicate_of"] == first["id"], dup
for r in rows:
    assert r["status"] in ("archived", "duplicate", "near-duplicate"), r
    if r["status"] == "archived":
        assert len(r["id"]) == 16 and "duplicate_of" not in r, r
    if r["status"] == "near-duplicate":
        assert r["distance"] >= 0 and 0 <= r["similarity"] <= 1, r
assert by["site-c.example/feed.jsonl#1"]["url"].startswith("http"), "feed URL missing"
PY

step "every archived document restores byte for byte"
n=0
while IFS=$'\t' read -r id source; do
  "$SIMSHARD" restore --archive arc "$id" > restored
  case "$source" in
    *'#'*) python3 - "$source" restored <<'PY' || die "$id ($source) does not restore as an equal JSON object"
import json, sys
path, line = sys.argv[1].rsplit("#", 1)
want = json.loads(open(path, encoding="utf-8").read().split("\n")[int(line) - 1])
assert json.load(open(sys.argv[2], encoding="utf-8")) == want
PY
    ;;
    *) cmp -s restored "$source" || die "$id does not restore byte-exact to $source" ;;
  esac
  n=$((n + 1))
done < <(python3 -c '
import json, sys
for l in open("report.jsonl"):
    r = json.loads(l)
    if r["status"] == "archived": print(r["id"] + "\t" + r["source"])')
[ "$n" -gt 5 ] || die "only $n documents archived"
[ "$("$SIMSHARD" list --archive arc | wc -l)" = "$n" ] || die "list does not show the $n archived documents"

step "restore by URL and --text"
url=$(python3 -c 'import json; print([json.loads(l) for l in open("report.jsonl") if "url" in json.loads(l) and json.loads(l)["status"]=="archived"][0]["url"])')
must_exit 0 "$SIMSHARD" restore --archive arc "$url"
[ -s out ] || die "restore by URL printed nothing"
must_exit 0 "$SIMSHARD" restore --archive arc --text "$url"
grep -q '<' out && die "--text still has markup"
must_exit 1 "$SIMSHARD" restore --archive arc 0000000000000000
err_has "0000000000000000"

step "shards read with the stock zstd tool"
shards=(arc/*.jsonl.zst)
[ -e "${shards[0]}" ] || die "no shard written"
for shard in "${shards[@]}"; do
  zstd -dcq "$shard" | python3 -c '
import json, sys
n = sum(1 for line in sys.stdin if json.loads(line)["id"])
assert n > 0' || die "$shard is not JSON Lines under zstd -dc"
done

verify_ok arc
must_exit 0 "$SIMSHARD" stats --archive arc --json
python3 -c "import json; s=json.load(open('out')); assert s['documents']==$n and s['runs']==1 and s['bytes_stored']>0, s" ||
  die "stats disagree: $(cat out)"

step "a rerun archives nothing new"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --report again.jsonl --quiet
[ -z "$(report_field again.jsonl archived id)" ] || die "the rerun archived documents again"
[ "$(kept_set again.jsonl)" = "$(kept_set report.jsonl)" ] || die "the rerun points at other ids"
[ "$("$SIMSHARD" list --archive arc | wc -l)" = "$n" ] || die "the rerun changed the archive"
verify_ok arc
echo "ok: $n documents archived and restored"
