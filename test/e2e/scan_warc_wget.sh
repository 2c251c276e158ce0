#!/usr/bin/env bash
# A real crawl: wget --warc-file against a local web server started here, then archived.
# The site menu, scripts and footer must not reach the archived text; URLs must.
source "$(dirname "$0")/wget_lib.bash" site/news

page() {  # page FILE TITLE BODY...: an article page with the site's chrome around it
  local file=$1 title=$2; shift 2
  {
    echo "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>$title</title>"
    echo "<script>var tracker = 'SCRIPTTOKEN';</script><style>.x{color:red}</style></head><body>"
    echo "<header><nav><a href=\"/index.html\">Home</a> <a href=\"/news/\">MENUTOKEN News</a></nav></header>"
    echo "<article><h1>$title</h1>"
    for p in "$@"; do echo "<p>$p</p>"; done
    echo "</article><footer>FOOTERTOKEN Example Gazette, all rights reserved</footer>"
    echo "<script>document.write('SCRIPTTOKEN2')</script></body></html>"
  } > "site/$file"
}
page news/heron.html "Herons nest on the old pier" \
  "A pair of grey herons has built a nest on the old pier for the first time in memory." \
  "Birdwatchers have counted three eggs, and the harbour office has closed the pier's far end."
page news/bakery.html "Bakery wins county prize" \
  "The corner bakery on Mill Street won the county prize for its rye loaf on Saturday." \
  "Its owner said the recipe came from her grandmother and uses a starter forty years old."
page news/tram.html "Tram line extension approved" \
  "Councillors approved the tram line extension to the hospital by eleven votes to four." \
  "Construction is due to begin next spring and to take two years."
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1' > site/logo.png
printf 'User-agent: *\nAllow: /\n' > site/robots.txt
cat > site/index.html <<'HTML'
<!DOCTYPE html><html><head><title>Example Gazette</title></head><body>
<nav>MENUTOKEN</nav><img src="/logo.png">
<ul><li><a href="/news/heron.html">Herons</a></li><li><a href="/news/bakery.html">Bakery</a></li>
<li><a href="/news/tram.html">Tram</a></li><li><a href="/news/gone.html">Gone</a></li></ul>
</body></html>
HTML

# wget exits 8 when a link is broken, which is part of the test.
wget_crawl site

rc=0
"$SIMSHARD" archive crawl.warc.gz --archive arc --report report.jsonl --quiet || rc=$?
[ "$rc" = 3 ] || die "archive exited $rc, expected 3 (404 and image skipped)"

python3 - "$port" <<'PY' || die "report rows"
import json, sys
port = sys.argv[1]
rows = [json.loads(l) for l in open("report.jsonl")]
by_url = {r.get("url", ""): r for r in rows}
base = f"http://127.0.0.1:{port}"
for name in ("heron", "bakery", "tram"):
    r = by_url[f"{base}/news/{name}.html"]
    assert r["status"] == "archived", r
    assert r["source"].startswith("crawl.warc.gz#"), r
assert by_url[f"{base}/news/gone.html"]["reason"] == "HTTP status 404", by_url
assert by_url[f"{base}/logo.png"]["reason"] == "not article text (image/png)", by_url
assert by_url[f"{base}/robots.txt"]["reason"] == "crawler file (robots.txt)", by_url
PY

"$SIMSHARD" list --archive arc > list.tsv
for name in heron bakery tram; do
  grep -q "http://127.0.0.1:$port/news/$name.html" list.tsv || die "$name not listed"
done

"$SIMSHARD" restore --archive arc --text "http://127.0.0.1:$port/news/heron.html" > heron.txt
grep -q "A pair of grey herons has built a nest" heron.txt || die "story text missing"
grep -q "Birdwatchers have counted three eggs" heron.txt || die "second paragraph missing"
for chrome in MENUTOKEN SCRIPTTOKEN FOOTERTOKEN; do
  if grep -q "$chrome" heron.txt; then die "$chrome in restored text"; fi
done

# The original bytes are the HTTP payload exactly as served.
"$SIMSHARD" restore --archive arc "http://127.0.0.1:$port/news/bakery.html" > bakery.html
cmp -s bakery.html site/news/bakery.html || die "restored original differs from the served page"
echo "OK"
