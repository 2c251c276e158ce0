#!/usr/bin/env bash
# Bad input through the real binary: every bad file gets a `skipped` row with its reason,
# the good documents of the same files are archived, and the exit code is 3. A page with
# no text is not bad input: it is archived, marked empty.
set -euo pipefail
: "${SIMSHARD:?set SIMSHARD to the simshard binary}" "${SCRATCH:?set SCRATCH to a scratch folder}"
SIMSHARD=$(cd "$(dirname "$SIMSHARD")" && pwd)/$(basename "$SIMSHARD")
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
die() { echo "FAIL: $*" >&2; exit 1; }

python3 - <<'PY'
import gzip, os, random, zlib
os.makedirs("crawl/dir.txt", exist_ok=True)
w = lambda p, b: open(p, "wb").write(b)
w("crawl/good.txt", b"Harbour wall to be rebuilt\n\nThe council voted to rebuild the wall before winter.\n")
w("crawl/empty.txt", b"")
random.seed(3)
w("crawl/noise.html", bytes(random.randrange(256) for _ in range(5000)))
w("crawl/feed.jsonl", b'{"url":"https://e.example/1","text":"First good record about the ferry."}\n'
                      b'{"url":"https://e.example/2","text": broken\n'
                      b'{"url":"https://e.example/3","text":"Third good record about the lido."}\n')
lines = b"".join(b'{"text":"Record %d about the market and the bridge."}\n' % i for i in range(20000))
z = gzip.compress(lines)
w("crawl/cut.jsonl.gz", z[: len(z) // 2])
w("crawl/bomb.txt.gz", gzip.compress(b"a" * (64 << 20)))
w("crawl/deep.html", b"<html><body>" + b"<div>" * 200000 + b"deep")
w("crawl/dir.txt/inside.txt", b"A folder named like a file holds this story about the pier.\n")
w("crawl/nav.html", b"<html><body><nav>Home News</nav><script>x()</script></body></html>")
w("crawl/app.html", b"<html><body><div id=\"root\"></div><script>render()</script></body></html>")
os.symlink(".", "crawl/loop")
PY

rc=0
"$SIMSHARD" archive crawl --archive arc --report report.jsonl --max-doc-bytes 1048576 --quiet || rc=$?
[ "$rc" = 3 ] || die "archive exited $rc, expected 3"

python3 - <<'PY' || die "report rows"
import json
rows = [json.loads(l) for l in open("report.jsonl")]
by = {}
for r in rows:
    by.setdefault(r["source"].split("#")[0], []).append(r)
def reason(src, i=0): return by[src][i].get("reason", "")
assert by["crawl/good.txt"][0]["status"] == "archived", by["crawl/good.txt"]
assert by["crawl/dir.txt/inside.txt"][0]["status"] == "archived"
assert reason("crawl/empty.txt") == "empty file"
assert reason("crawl/noise.html") == "binary content"
assert [r["status"] for r in by["crawl/feed.jsonl"]] == ["archived", "skipped", "archived"]
assert reason("crawl/feed.jsonl", 1).startswith("invalid JSON")
cut = by["crawl/cut.jsonl.gz"]
assert cut[-1]["status"] == "skipped" and "truncated gzip stream" in cut[-1]["reason"], cut[-1]
assert sum(r["status"] != "skipped" for r in cut) > 1000, "records before the damage lost"
assert reason("crawl/bomb.txt.gz") == "larger than --max-doc-bytes (1048576 bytes)"
assert reason("crawl/deep.html").startswith("HTML nested deeper than")
app = by["crawl/app.html"][0]
assert app["status"] == "archived" and app["extraction"] == "empty", app
assert app["reason"].startswith("empty extraction (no text): "), app
nav = by["crawl/nav.html"][0]  # the menu may or may not count as text: kept either way
assert nav["status"] == "archived" and nav["extraction"] in ("weak", "empty"), nav
assert reason("crawl/loop") == "symlink loop"
PY
"$SIMSHARD" verify --archive arc >/dev/null || die "verify failed"
"$SIMSHARD" restore --archive arc "$(python3 -c '
import json
print(next(json.loads(l)["id"] for l in open("report.jsonl") if "app.html" in l))')" > app.restored
cmp -s app.restored crawl/app.html || die "the empty page does not restore byte for byte"
echo OK
