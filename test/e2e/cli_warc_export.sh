#!/usr/bin/env bash
# WARC in gives WARC out. A wget crawl of a local server in which some pages are published
# twice under other URLs (an exact copy, a copy with a new headline and a dateline): every
# fetched URL restores; restore --warc gives the crawl's records byte for byte; export
# writes them again byte for byte, a revisit record for the copy and a metadata record for
# the near-copy, and the exported WARC archives again to the same ids. When the warcio tools
# are installed (scripts/install-deps.sh puts them in .tools/; or WARCIO=path/to/warcio, or
# on PATH) they index the exported file, and their CDXJ lists the records of ours.
source "$(dirname "$0")/wget_lib.bash" site/news site/wire

page() {  # page FILE TITLE BODY...: an article page with the site's chrome around it
  local file=$1 title=$2; shift 2
  {
    echo "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>$title</title>"
    echo "</head><body><nav><a href=\"/index.html\">Home</a></nav><article><h1>$title</h1>"
    for p in "$@"; do echo "<p>$p</p>"; done
    echo "</article><footer>Example Gazette</footer></body></html>"
  } > "site/$file"
}
heron1="A pair of grey herons has built a nest on the old pier for the first time in living memory, and the harbour master has asked anglers to keep their distance until the chicks have fledged."
heron2="Birdwatchers have counted three eggs, and the harbour office has closed the far end of the pier to visitors; a camera on the lamp post will stream the nest to the library."
page news/heron.html "Herons nest on the old pier" "$heron1" "$heron2"
page news/bakery.html "Bakery wins county prize" \
  "The corner bakery on Mill Street won the county prize for its rye loaf on Saturday, beating forty entries from across the county in a blind tasting at the agricultural show." \
  "Its owner said the recipe came from her grandmother and uses a starter that is forty years old, fed every morning before the shop opens at six."
page news/tram.html "Tram line extension approved" \
  "Councillors approved the tram line extension to the hospital by eleven votes to four on Tuesday evening after a debate that ran past midnight." \
  "Construction is due to begin next spring and to take two years, with buses replacing trams on the northern loop while the track is relaid."
cp site/news/heron.html site/wire/heron-copy.html                    # published twice
page wire/heron-rewrite.html "UPDATE 1-Herons return to the old pier" "PORTSMOUTH (Wire) - $heron1" "$heron2"
cat > site/index.html <<'HTML'
<!DOCTYPE html><html><head><title>Example Gazette</title></head><body><ul>
<li><a href="/news/heron.html">Herons</a></li><li><a href="/news/bakery.html">Bakery</a></li>
<li><a href="/news/tram.html">Tram</a></li><li><a href="/wire/heron-copy.html">Wire</a></li>
<li><a href="/wire/heron-rewrite.html">Wire 2</a></li></ul></body></html>
HTML

# wget exits 8 when a link is broken, which is part of the test.
wget_crawl site

# Every record of a .warc.gz: one gzip member each, as wget and export write them.
cat > records.py <<'PY'
import sys, zlib
def records(path):
    data, out = open(path, "rb").read(), []
    while data:
        d = zlib.decompressobj(31)
        out.append(d.decompress(data))
        data = d.unused_data
    return out
def header(rec, name):
    for line in rec.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        k, _, v = line.partition(b":")
        if k.strip().lower() == name.lower().encode():
            v = v.strip().decode()
            return v[1:-1] if name == "WARC-Target-URI" and v.startswith("<") else v
    return ""
PY

"$SIMSHARD" archive crawl.warc.gz --archive arc --report report.jsonl --quiet || rc=$?
[ "${rc:-0}" = 0 ] || [ "${rc:-0}" = 3 ] || die "archive exited $rc"
python3 - <<'PY' || die "statuses"
import json
rows = {r.get("url", "").split("/", 3)[-1]: r["status"] for r in map(json.loads, open("report.jsonl"))}
assert rows["wire/heron-copy.html"] == "duplicate", rows
assert rows["wire/heron-rewrite.html"] == "near-duplicate", rows
assert rows["news/heron.html"] == "archived", rows
PY

echo "--- every fetched URL restores, --warc byte for byte" >&2
python3 - > responses.tsv <<'PY'
import sys
sys.path.insert(0, ".")
from records import records, header
for i, r in enumerate(records("crawl.warc.gz")):
    if header(r, "WARC-Type") == "response" and b" 200 OK" in r.split(b"\r\n\r\n", 2)[1][:40]:
        open(f"crawl-{i}.rec", "wb").write(r)
        print(f"{header(r, 'WARC-Target-URI')}\tcrawl-{i}.rec")
PY
[ "$(wc -l < responses.tsv)" -ge 6 ] || die "crawl has $(wc -l < responses.tsv) pages"
status_of() { jq -r --arg u "$1" 'select(.url == $u) | .status' report.jsonl; }
while IFS=$'\t' read -r url rec; do
  "$SIMSHARD" restore --archive arc "$url" > page.out 2> page.err || die "restore $url: $(cat page.err)"
  [ -s page.out ] || die "restore $url wrote nothing"
  if [ "$(status_of "$url")" = archived ]; then
    "$SIMSHARD" restore --archive arc --warc "$url" > rec.out || die "restore --warc $url"
    cmp -s rec.out "$rec" || die "restore --warc $url differs from the crawl's record"
  fi
done < responses.tsv

echo "--- export: originals byte for byte, a revisit and a metadata record" >&2
"$SIMSHARD" export --archive arc --format warc --output out.warc.gz --json > export.json || die "export"
python3 - <<'PY' || die "exported WARC"
import json, sys
sys.path.insert(0, ".")
from records import records, header
crawl = {header(r, "WARC-Record-ID"): r for r in records("crawl.warc.gz")}
out = records("out.warc.gz")
types = [header(r, "WARC-Type") for r in out]
summary = json.load(open("export.json"))
assert types.count("response") == summary["originals"] >= 4, (types, summary)
for r in out:
    if header(r, "WARC-Type") == "response":
        assert crawl[header(r, "WARC-Record-ID")] == r, header(r, "WARC-Target-URI")
revisit = [r for r in out if header(r, "WARC-Type") == "revisit"]
assert len(revisit) == 1, types
rv = revisit[0]
assert header(rv, "WARC-Target-URI").endswith("/wire/heron-copy.html"), rv
assert header(rv, "WARC-Profile").endswith("/revisit/identical-payload-digest"), rv
assert header(rv, "WARC-Refers-To-Target-URI").endswith("/news/heron.html"), rv
kept = next(r for r in out if header(r, "WARC-Target-URI") == header(rv, "WARC-Refers-To-Target-URI"))
assert header(rv, "WARC-Refers-To-Date") == header(kept, "WARC-Date"), rv
assert header(rv, "WARC-Refers-To") == header(kept, "WARC-Record-ID"), rv
assert header(rv, "WARC-Payload-Digest") == header(kept, "WARC-Payload-Digest"), rv
meta = [r for r in out if header(r, "WARC-Type") == "metadata"]
assert len(meta) == 1, types
block = meta[0].split(b"\r\n\r\n", 1)[1].decode()
assert "status: near-duplicate" in block and "distance: " in block and "similarity: 0." in block, block
assert "duplicate-of-uri: " + header(kept, "WARC-Target-URI") in block, block
PY

echo "--- export --format cdxj: every record indexed at its gzip member, sorted, SURT keys" >&2
"$SIMSHARD" export --archive arc --format cdxj --output out.cdxj --quiet || die "export cdxj"
python3 - <<'PY' || die "CDXJ index"
import gzip, json, sys, zlib
sys.path.insert(0, ".")
from records import records, header
lines = open("out.cdxj").read().splitlines()
assert lines == sorted(lines), "not sorted"
assert len(lines) == len(records("out.warc.gz")), (len(lines), len(records("out.warc.gz")))
warc = open("out.warc.gz", "rb").read()
for line in lines:
    key, timestamp, fields = line.split(" ", 2)
    j = json.loads(fields)
    assert j["filename"] == "out.warc.gz", j
    assert len(timestamp) == 14 and timestamp.isdigit(), line
    member = warc[int(j["offset"]):int(j["offset"]) + int(j["length"])]
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    record = d.decompress(member)
    assert d.eof and not d.unused_data, line  # exactly one whole gzip member
    assert header(record, "WARC-Target-URI").strip("<>") == j["url"], (line, header(record, "WARC-Target-URI"))
    assert header(record, "WARC-Date").replace("-", "").replace(":", "").replace("T", "")[:14] == timestamp, line
    if j["url"].startswith("http"):
        host, port = j["url"].split("/")[2].split(":")  # the test server: 127.0.0.1:PORT
        assert key.startswith(",".join(reversed(host.split("."))) + ":" + port + ")/"), (key, host)
    if header(record, "WARC-Type") == "response":
        assert j["status"] == "200" and j["mime"] == "text/html", j
    if header(record, "WARC-Type") == "revisit":
        assert j["mime"] == "warc/revisit" and j["digest"], j
PY

echo "--- archiving the exported WARC again gives the same ids" >&2
"$SIMSHARD" archive out.warc.gz --archive arc2 --report report2.jsonl --quiet || true
ids() { jq -r 'select(.status == "archived") | .id' "$1" | sort; }
[ "$(ids report.jsonl)" = "$(ids report2.jsonl)" ] || die "ids differ: $(ids report.jsonl) / $(ids report2.jsonl)"

tools_warcio=$(cd "$(dirname "$0")/../.." && pwd)/.tools/node_modules/.bin/warcio
[ -x "$tools_warcio" ] || tools_warcio=$(command -v warcio || true)
warcio=${WARCIO:-$tools_warcio}
if [ -n "$warcio" ]; then
  echo "--- warcio indexes the exported WARC" >&2
  "$warcio" index out.warc.gz > index.out 2> index.err || die "warcio index: $(cat index.err)"
  "$warcio" cdx-index out.warc.gz > cdx.out 2> cdx.err || die "warcio cdx-index: $(cat cdx.err)"
  [ "$(grep -c . index.out)" = "$(python3 -c 'import sys; sys.path.insert(0, "."); from records import records; print(len(records("out.warc.gz")))')" ] ||
    die "warcio index lists $(grep -c . index.out) records"
  grep -q revisit index.out || die "warcio index: no revisit record"
  # Its own CDXJ of every record of the exported file, sorted, is ours line for line.
  "$warcio" cdx-index --all --format cdxj out.warc.gz 2>/dev/null | grep . | LC_ALL=C sort > warcio.cdxj ||
    die "warcio cdx-index"
  diff warcio.cdxj out.cdxj >&2 || die "our CDXJ index differs from warcio's"
else
  echo "warcio not installed (npm install warcio; WARCIO=.../warcio): its check skipped" >&2
fi
echo ok
