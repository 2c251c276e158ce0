#!/usr/bin/env bash
# Pages whose extraction fails (little or no text) are archived, never dropped as a
# duplicate of a different page on their thin text, an exact duplicate only of the same
# bytes, and found again by the next night. Made-up pages: a blog whose article bodies are
# drawn by script (only its cookie notice is text), two news pages drawn by script around
# their "Advertisement / Share / Advertisement" labels, one of them crawled twice, a page
# with no text, and a teaser that repeats the lead of a short article.
source "$(dirname "$0")/cli_lib.bash"

python3 - <<'PY'
import os
def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
def scripted(title, body):  # the article is rendered by script: only chrome is text
    return ("<html><head><title>%s</title></head><body><div class=\"post\">"
            "<p>This website uses cookies to improve your experience.</p><p>Accept</p><p>Read More</p>"
            "</div><script>render(%r)</script></body></html>" % (title, body))
def adverts(title, slug):
    return ("<html><head><title>%s</title><link rel=\"canonical\" href=\"https://times.example/%s\">"
            "</head><body><article><p>Advertisement</p><p>Share</p><p>Advertisement</p></article>"
            "<script>load(%r)</script></body></html>" % (title, slug, slug))
lead = ("The harbour board voted on Tuesday to rebuild the old ferry pier before winter, "
        "and work starts in March with the regional council")  # 23 words
def page(title, text):
    return "<html><head><title>%s</title></head><body><p>%s</p></body></html>" % (title, text)
w("crawl/blog/2024-05-01-tides.html", scripted("Spring tides", "The spring tides came early..."))
w("crawl/blog/2024-05-02-gulls.html", scripted("Gulls of the quay", "Nobody feeds the gulls..."))
w("crawl/news/1-bridge.html", adverts("Bridge reopens after repairs", "bridge"))
w("crawl/news/2-mayor.html", adverts("Mayor resigns over budget", "mayor"))
w("crawl/news/3-bridge-again.html", adverts("Bridge reopens after repairs", "bridge"))
w("crawl/news/4-blank.html", "<html><body><div id=\"app\"></div><script>app()</script></body></html>")
w("crawl/pier/a-teaser.html", page("Pier", lead + " paying."))  # 24 words: weak
w("crawl/pier/b-story.html", page("Pier to be rebuilt", lead + " paying half now."))
# The control: the teaser with one word more is an ordinary page (25 words), and the story
# is its near duplicate; only the weak-evidence rule keeps the story from the teaser.
w("control/a-lead.html", page("Pier", lead + " paying half."))
w("control/b-story.html", page("Pier to be rebuilt", lead + " paying half now."))
PY

step "control: the story is a near duplicate of its lead as an ordinary page"
must_exit 0 "$SIMSHARD" dedup control --report control.jsonl --quiet
[ "$(report_field control.jsonl near-duplicate source)" = control/b-story.html ] ||
  die "control: the story is not a near duplicate of the lead: $(cat control.jsonl)"

step "archive: every page is archived or an exact duplicate of the same bytes"
must_exit 0 "$SIMSHARD" archive crawl --archive arc --report r1.jsonl --threads 1 --quiet
python3 - <<'PY' || die "first night's report: $(cat r1.jsonl)"
import json, re
rows = {r["source"]: r for r in map(json.loads, open("r1.jsonl"))}
rule = ": kept apart from near-duplicate detection; exact duplicate only of identical bytes"
for src in ("crawl/blog/2024-05-01-tides.html", "crawl/blog/2024-05-02-gulls.html",
            "crawl/news/1-bridge.html", "crawl/news/2-mayor.html", "crawl/pier/a-teaser.html"):
    r = rows[src]
    assert r["status"] == "archived" and r["extraction"] == "weak", r
    assert re.fullmatch(r"weak extraction \(\d+ words?\)" + re.escape(rule), r["reason"]), r
assert rows["crawl/pier/a-teaser.html"]["reason"] == "weak extraction (24 words)" + rule
again = rows["crawl/news/3-bridge-again.html"]
assert again["status"] == "duplicate" and again["extraction"] == "weak", again
assert again["duplicate_of"] == rows["crawl/news/1-bridge.html"]["id"], again
bridge_why = rows["crawl/news/1-bridge.html"]["reason"][: -len(rule)]
assert again["reason"] == bridge_why + ": exact duplicate of identical bytes", again
blank = rows["crawl/news/4-blank.html"]
assert blank["status"] == "archived" and blank["extraction"] == "empty", blank
assert blank["reason"] == "empty extraction (no text)" + rule, blank
story = rows["crawl/pier/b-story.html"]
assert story["status"] == "archived" and "extraction" not in story and "reason" not in story, story
assert len(set(r.get("id") for r in rows.values() if r["status"] == "archived")) == 7
PY

step "the run summary counts weak and empty pages, as the report has them"
"$SIMSHARD" dedup crawl --report d.jsonl --json --quiet > d.json || true
python3 - <<'PY' || die "summary: $(cat d.json)"
import json
summary = json.load(open("d.json"))
rows = list(map(json.loads, open("d.jsonl")))
for kind in ("weak", "empty"):
    assert summary[kind] == sum(r.get("extraction") == kind for r in rows), (kind, summary)
assert summary["weak"] >= 5 and summary["empty"] == 1, summary
PY

step "the same report for any thread count"
must_exit 0 "$SIMSHARD" archive crawl --archive arc3 --report r3.jsonl --threads 3 --quiet
cmp -s r1.jsonl r3.jsonl || die "reports differ between 1 and 3 threads"

step "restore: weak and empty pages byte for byte, and their text"
id_of() { python3 -c '
import json, sys
print(next(r["id"] for r in map(json.loads, open("r1.jsonl")) if r["source"] == sys.argv[1]))' "$1"; }
for f in news/4-blank.html news/2-mayor.html blog/2024-05-01-tides.html; do
  must_exit 0 "$SIMSHARD" restore --archive arc "$(id_of "crawl/$f")"
  cmp -s out "crawl/$f" || die "$f does not restore byte for byte"
done
must_exit 0 "$SIMSHARD" restore --archive arc https://times.example/mayor
cmp -s out crawl/news/2-mayor.html || die "a weak page does not restore by its URL"
must_exit 0 "$SIMSHARD" restore --archive arc --text "$(id_of crawl/news/4-blank.html)"
[ ! -s out ] || die "the empty page's text is not empty: $(cat out)"
step "the two advert pages and the two blog posts each share their text, as extracted"
text_of() { "$SIMSHARD" restore --archive arc --text "$(id_of "crawl/$1")"; }
for pair in "news/1-bridge.html news/2-mayor.html" "blog/2024-05-01-tides.html blog/2024-05-02-gulls.html"; do
  set -- $pair
  [ "$(text_of "$1")" = "$(text_of "$2")" ] && [ -n "$(text_of "$1")" ] || die "$1 and $2: texts differ"
done

step "list and the catalog say which pages are weak or empty"
must_exit 0 "$SIMSHARD" list --archive arc --format jsonl
[ "$(grep -c '"extraction":"weak"' out)" = 5 ] && [ "$(grep -c '"extraction":"empty"' out)" = 1 ] ||
  die "list: $(cat out)"
catalog_counts() { python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "/catalog.sqlite?mode=ro", uri=True)
print(sorted(db.execute("SELECT extraction, COUNT(*) FROM documents_view GROUP BY extraction")))' "$1"; }
[ "$(catalog_counts arc)" = "[('empty', 1), ('extracted', 1), ('weak', 5)]" ] || die "catalog: $(catalog_counts arc)"

step "the next night finds every page again"
must_exit 0 "$SIMSHARD" archive crawl --archive arc --report r2.jsonl --quiet
[ "$(statuses r2.jsonl)" = "duplicate 8" ] || die "second night: $(statuses r2.jsonl)"
[ "$(kept_set r1.jsonl)" = "$(kept_set r2.jsonl)" ] || die "second night points elsewhere: $(cat r2.jsonl)"
python3 - <<'PY' || die "second night's rows lost their extraction"
import json
r1, r2 = [list(map(json.loads, open(f))) for f in ("r1.jsonl", "r2.jsonl")]
assert [a.get("extraction") for a in r1] == [b.get("extraction") for b in r2]
PY

step "reindex keeps it, verify passes"
must_exit 0 "$SIMSHARD" reindex --archive arc
verify_ok arc
[ "$(catalog_counts arc)" = "[('empty', 1), ('extracted', 1), ('weak', 5)]" ] || die "after reindex: $(catalog_counts arc)"
must_exit 0 "$SIMSHARD" archive crawl --archive arc --report r4.jsonl --quiet
[ "$(statuses r4.jsonl)" = "duplicate 8" ] || die "after reindex: $(statuses r4.jsonl)"
echo ok
