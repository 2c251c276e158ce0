#!/usr/bin/env bash
# Every crawled URL answers: a page dropped as a duplicate or near-duplicate keeps a small
# catalog row, so `restore URL` writes the document it repeats (and says so on stderr),
# `restore --exact` refuses it, `list --all` shows it, and a later night's run of the same
# crawl adds no second row.
source "$(dirname "$0")/cli_lib.bash"

must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --report r1.jsonl --quiet

step "every URL of the report restores"
python3 - > urls.tsv <<'PY'
import json
for l in open("r1.jsonl"):
    r = json.loads(l)
    if r.get("url"):
        print("\t".join([r["url"], r["status"], r.get("id") or r.get("duplicate_of", "")]))
PY
[ "$(grep -c -v $'\tarchived\t' urls.tsv)" -gt 0 ] || die "the sample crawl has no dropped URL"
while IFS=$'\t' read -r url status id; do
  run "$SIMSHARD" restore --archive arc "$url"
  [ "$rc" = 0 ] || { cat err >&2; die "restore $url ($status) exited $rc"; }
  mv out by-url
  must_exit 0 "$SIMSHARD" restore --archive arc "$id"
  cmp -s out by-url || die "restore $url does not write $id"
  if [ "$status" != archived ]; then
    "$SIMSHARD" restore --archive arc "$url" 2>&1 >/dev/null | grep -q "not archived itself, dropped as a $status.* of $id" ||
      die "restore $url says nothing of $id on stderr"
  fi
done < urls.tsv

step "--exact refuses a dropped URL with exit 1"
url=$(jq -r 'select(.status == "near-duplicate" and .url) | .url' r1.jsonl | head -1)
must_exit 1 "$SIMSHARD" restore --archive arc --exact "$url"
err_has "was not archived: it was dropped as a near-duplicate \(distance [0-9]+, similarity 0\.[0-9]{4}\) of [0-9a-f]{16}"
[ ! -s out ] || die "--exact wrote something for a dropped URL"
must_exit 1 "$SIMSHARD" restore --archive arc https://nowhere.example/never-crawled
err_has "no document with id or URL"
id=$(jq -r 'select(.id) | .id' r1.jsonl | head -1)
must_exit 0 "$SIMSHARD" restore --archive arc --exact "$id"

step "list --all shows every document of the crawl with its status"
must_exit 0 "$SIMSHARD" list --archive arc
[ "$(awk -F'\t' '{print NF}' out | sort -u)" = 7 ] || die "list without --all changed its fields"
must_exit 0 "$SIMSHARD" list --archive arc --all
cut -f8 out | sort | uniq -c | awk '{print $2, $1}' > listed
jq -r .status r1.jsonl | sort | uniq -c | awk '{print $2, $1}' > reported
diff reported listed || die "list --all statuses differ from the report"
must_exit 0 "$SIMSHARD" list --archive arc --all --format jsonl
python3 - <<'PY' || die "list --all --format jsonl"
import json
rows = [json.loads(l) for l in open("out")]
report = {json.loads(l)["source"]: json.loads(l) for l in open("r1.jsonl")}
for r in rows:
    rep = report[r["source"]]
    assert r["status"] == rep["status"], (r, rep)
    if r["status"] != "archived":
        assert r["duplicate_of"] == rep["duplicate_of"] and r["run"] == 1, (r, rep)
        assert ("similarity" in r) == (r["status"] == "near-duplicate"), r
PY
must_exit 0 "$SIMSHARD" stats --archive arc --json
dropped=$(jq .dropped out)
[ "$dropped" = "$(grep -c -v '"archived"' r1.jsonl)" ] || die "stats counts $dropped dropped"

step "export: resource records for pages not read from WARC, revisit and metadata for dropped ones"
must_exit 0 "$SIMSHARD" export --archive arc --format warc --output all.warc.gz --json
python3 - <<'PY' || die "export of a crawl without WARC: $(cat out)"
import json, zlib
s = json.load(open("out"))
statuses = [json.loads(l)["status"] for l in open("r1.jsonl")]
assert (s["originals"], s["resources"]) == (0, statuses.count("archived")), s
assert (s["revisits"], s["metadata"]) == (statuses.count("duplicate"), statuses.count("near-duplicate")), s
data, types = open("all.warc.gz", "rb").read(), []
while data:  # one gzip member per record
    d = zlib.decompressobj(31)
    rec = d.decompress(data)
    data = d.unused_data
    head, _, rest = rec.partition(b"\r\n\r\n")
    fields = dict(l.split(b": ", 1) for l in head.split(b"\r\n")[1:])
    assert len(rest) == int(fields[b"Content-Length"]) + 4 and rest.endswith(b"\r\n\r\n"), head
    types.append(fields[b"WARC-Type"].decode())
assert types[:s["resources"]] == ["resource"] * s["resources"], types  # documents first
PY
must_exit 0 "$SIMSHARD" export --archive arc --format cdxj --output all.cdxj --quiet
python3 - <<'PY' || die "the CDXJ index of a crawl without WARC"
import json
lines = open("all.cdxj").read().splitlines()
assert lines == sorted(lines), "not sorted"
for line in lines:
    key, timestamp, fields = line.split(" ", 2)
    j = json.loads(fields)
    assert j["filename"] == "all.warc.gz", j
    url = j["url"]
    if url.startswith("http"):
        host = url.split("/")[2].lower()
        host = host[4:] if host.startswith("www.") else host
        surt_host = ",".join(reversed(host.split(".")))
        assert key.startswith(surt_host + ")/"), (key, url)  # a name: its labels reversed
PY
must_exit 0 "$SIMSHARD" archive all.warc.gz --archive again --report again.jsonl --quiet
[ "$(jq -r 'select(.id) | .id' r1.jsonl | sort)" = "$(jq -r 'select(.id) | .id' again.jsonl | sort)" ] ||
  die "the exported WARC archives to other ids"

step "a second night of the same crawl adds no row: every URL is known"
must_exit 0 "$SIMSHARD" archive "$SAMPLES/crawl" --archive arc --report r2.jsonl --quiet
must_exit 0 "$SIMSHARD" stats --archive arc --json
[ "$(jq .dropped out)" = "$dropped" ] || die "the second night added dropped rows: $(cat out)"
must_exit 0 "$SIMSHARD" reindex --archive arc
must_exit 0 "$SIMSHARD" restore --archive arc "$url"
verify_ok arc
echo ok
