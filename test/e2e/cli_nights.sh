#!/usr/bin/env bash
# Two nights: the second night's crawl repeats some of the first night's articles (saved
# again at other paths) and brings new ones. The repeats are reported as duplicates of the
# first night's ids, only the new ones are archived, and the archive holds both runs.
source "$(dirname "$0")/cli_lib.bash"

make_crawl night1 300 --seed 11 --copies 0
make_crawl night2 100 --seed 12 --copies 0
mkdir -p night2/again
# Five of the first night's pages, crawled again under another name.
find night1 -name '*.txt' | sort | sed -n '1,5p' | while read -r f; do
  cp "$f" "night2/again/re-$(basename "$f")"
done

must_exit 0 "$SIMSHARD" archive night1 --archive arc --report r1.jsonl --quiet
must_exit 0 "$SIMSHARD" archive night2 --archive arc --report r2.jsonl --quiet

python3 - <<'PY' || die "second night's repeats are not duplicates of the first night's ids"
import json, os
r1 = [json.loads(l) for l in open("r1.jsonl")]
r2 = [json.loads(l) for l in open("r2.jsonl")]
first = {os.path.basename(r["source"]): r["id"] for r in r1 if r["status"] == "archived"}
again = [r for r in r2 if "/again/" in r["source"]]
assert len(again) == 5, again
for r in again:
    name = os.path.basename(r["source"])[3:]
    assert r["status"] == "duplicate", r
    assert r["duplicate_of"] == first[name], (r, first.get(name))
new = [r for r in r2 if "/again/" not in r["source"]]
assert all(r["status"] == "archived" for r in new), [r for r in new if r["status"] != "archived"][:3]
assert not set(r["id"] for r in new) & set(first.values())
PY
must_exit 0 "$SIMSHARD" stats --archive arc --json
python3 -c 'import json; s=json.load(open("out")); assert s["runs"] == 2 and s["documents"] == 400, s' ||
  die "stats after two nights: $(cat out)"
verify_ok arc
echo ok
