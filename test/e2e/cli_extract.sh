#!/usr/bin/env bash
# `simshard extract`: one JSON line per input document, in input order, with the seven
# fields; statuses extracted, weak, empty and skipped; exit 3 when something is skipped;
# the same bytes for any --threads and on stdout as in --output; no file under the
# --output name from a run that fails or is killed; usage errors exit 2.
source "$(dirname "$0")/cli_lib.bash"

step "fixtures: hand-written pages, a JSON Lines feed, binary and empty files"
python3 - <<'PY'
import gzip, os
os.makedirs("pages", exist_ok=True)
w = lambda p, b: open(p, "wb").write(b)
story = ("The harbour council voted on Tuesday to rebuild the eastern sea wall before the "
         "winter storms arrive, after engineers found cracks along forty metres of the old "
         "stone. Work will start next month and the promenade will stay open.")
w("pages/a-article.html", f"""<!doctype html><html><head><title>Sea wall to be rebuilt</title>
<link rel="canonical" href="https://gazette.example/2024/05/sea-wall">
<meta property="article:published_time" content="2024-05-17T10:30:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies. Accept all cookies?</div>
<article><h1>Sea wall to be rebuilt</h1><p>{story}</p>
<p>Fishing boats will moor in the western basin while the crane barge is in place.</p></article>
<footer>Copyright Gazette Media</footer><script>track("page")</script></body></html>
""".encode())
w("pages/b-brief.txt", b"Lido opens\n\nThe lido opens on Saturday at nine.\n")
w("pages/c-no-text.html", b"<html><body><img src=\"a.png\"><script>x()</script></body></html>")
w("pages/d-feed.jsonl",
  b'{"url":"https://wire.example/1","title":"Ferry strike vote","date":"17 May 2024","text":"'
  + story.replace("sea wall", "ferry").encode() + b'"}\n'
  b'{"url":"https://wire.example/2","text": broken\n'
  b'{"url":"https://wire.example/3","headline":"No text here"}\n')
w("pages/e-picture.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4)
w("pages/f-empty.txt", b"")
w("pages/g-packed.txt.gz", gzip.compress(("Market hall reopens\n\n" + story + "\n").encode()))
# Many small pages for the thread-count runs: several batches, every status, and a
# paragraph that repeats on every page of the site (the learned chrome model would drop
# it; extract must not).
os.makedirs("many/site.example", exist_ok=True)
footer = "The Weekly Quayside is printed every Thursday by volunteers of the Quayside Trust."
for i in range(400):
    words = ["word%d" % ((i * 7 + k) % 97) for k in range(3 + (i * 13) % 60)]
    body = " ".join(words)
    if i % 50 == 7:
        page = "<html><body><img src=\"a.png\"></body></html>"
    elif i % 2:
        page = f"<html><body><article><p>{body}.</p><p>{footer}</p></article></body></html>"
    else:
        page = f"Page {i}\n\n{body}.\n\n{footer}\n"
    w(f"many/site.example/p{i:04d}" + (".html" if i % 2 or i % 50 == 7 else ".txt"), page.encode())
w("many/site.example/zz-binary.txt", b"\0\1\2\3" * 100)
PY

step "statuses, fields and order"
must_exit 3 "$SIMSHARD" extract pages --output out.jsonl --quiet
[ ! -s out ] || die "stdout is not empty with --output: $(head -c 300 out)"
[ ! -e out.jsonl.tmp ] || die "the temporary file is left beside the output"
python3 - <<'PY' || die "extract output is wrong: $(cat out.jsonl)"
import json
rows = [json.loads(l) for l in open("out.jsonl")]
keys = ["source", "url", "title", "date", "text", "status", "reason"]
for r in rows:
    assert list(r) == keys, r
got = [(r["source"], r["status"]) for r in rows]
want = [("pages/a-article.html", "extracted"), ("pages/b-brief.txt", "weak"),
        ("pages/c-no-text.html", "empty"), ("pages/d-feed.jsonl#1", "extracted"),
        ("pages/d-feed.jsonl#2", "skipped"), ("pages/d-feed.jsonl#3", "skipped"),
        ("pages/e-picture.html", "skipped"), ("pages/f-empty.txt", "skipped"),
        ("pages/g-packed.txt.gz", "extracted")]
assert got == want, got
by = {r["source"]: r for r in rows}
a = by["pages/a-article.html"]
assert a["reason"] == "", a
assert a["text"].startswith("Sea wall to be rebuilt\n\nThe harbour council voted"), a["text"]
assert "western basin" in a["text"]
for chrome in ("Sport", "cookies", "Copyright", "track("):
    assert chrome not in a["text"], chrome
assert a["title"] == "Sea wall to be rebuilt" and a["url"] == "https://gazette.example/2024/05/sea-wall", a
assert a["date"].startswith("2024-05-17"), a["date"]
assert by["pages/b-brief.txt"]["reason"] == "weak extraction (9 words)"
assert by["pages/b-brief.txt"]["text"] == "Lido opens\n\nThe lido opens on Saturday at nine."
c = by["pages/c-no-text.html"]
assert c["text"] == "" and c["reason"] == "empty extraction (no text)", c
f = by["pages/d-feed.jsonl#1"]
assert (f["url"], f["title"], f["date"]) == ("https://wire.example/1", "Ferry strike vote", "2024-05-17"), f
assert by["pages/d-feed.jsonl#2"]["reason"].startswith("invalid JSON"), by["pages/d-feed.jsonl#2"]
assert by["pages/d-feed.jsonl#3"]["reason"] == "no text field in JSON record"
assert by["pages/e-picture.html"]["reason"] == "binary content"
assert by["pages/f-empty.txt"]["reason"] == "empty file"
for r in rows:
    if r["status"] == "skipped":
        assert r["text"] == "", r
assert "Market hall reopens" in by["pages/g-packed.txt.gz"]["text"]
PY

step "exit 0 when nothing is skipped; stdout is the same bytes as --output"
must_exit 0 "$SIMSHARD" extract pages/a-article.html pages/b-brief.txt --quiet
[ "$(wc -l < out)" = 2 ] || die "expected 2 lines on stdout, got $(wc -l < out)"
must_exit 3 "$SIMSHARD" extract pages --quiet
cmp -s out out.jsonl || die "stdout differs from the --output file"
must_exit 3 "$SIMSHARD" extract pages --output - --quiet
cmp -s out out.jsonl || die "--output - differs from the --output file"

step "the same bytes for --threads 1 and 2; the learned chrome is not removed"
must_exit 3 "$SIMSHARD" extract pages many --threads 1 --output t1.jsonl --quiet
must_exit 3 "$SIMSHARD" extract pages many --threads 2 --output t2.jsonl --quiet
cmp -s t1.jsonl t2.jsonl || die "output differs between 1 and 2 threads"
must_exit 3 "$SIMSHARD" extract pages many -j 2
cmp -s out t1.jsonl || die "stdout with 2 threads differs from the --output file of 1 thread"
err_has "simshard extract: 410 documents: [0-9]+ extracted, [0-9]+ weak, 9 empty, 5 skipped"
python3 - <<'PY' || die "thread-count run"
import json, collections
rows = [json.loads(l) for l in open("t1.jsonl")]
sources = [r["source"] for r in rows if r["source"].startswith("many/")]
assert sources == sorted(sources) and len(sources) == 401, len(sources)
counts = collections.Counter(r["status"] for r in rows if r["source"].startswith("many/"))
assert counts["extracted"] > 50 and counts["weak"] > 20 and counts["empty"] == 8, counts
assert counts["skipped"] == 1, counts
footer = "The Weekly Quayside is printed every Thursday by volunteers of the Quayside Trust."
texts = [r["text"] for r in rows if r["source"].startswith("many/") and r["status"] in ("extracted", "weak")]
missing = [t for t in texts if footer not in t]
assert not missing and len(texts) > 300, missing[:2]
PY

step "--json summary only with --output; --config"
must_exit 3 "$SIMSHARD" extract pages --output j.jsonl --json
python3 - <<'PY' || die "--json summary: $(cat out)"
import json
s = json.load(open("out"))
assert s["command"] == "extract" and s["exit_code"] == 3 and s["output"] == "j.jsonl", s
assert (s["documents"], s["extracted"], s["weak"], s["empty"], s["skipped"]) == (9, 3, 1, 1, 4), s
assert s["skipped_by_reason"]["binary content"] == 1 and s["bytes_in"] > 0, s
PY
must_exit 2 "$SIMSHARD" extract pages --json
err_has "--json needs --output"
printf 'output = cfg.jsonl\nthreads = 2\nquiet = true\n' > extract.conf
must_exit 3 "$SIMSHARD" extract --config extract.conf pages
cmp -s cfg.jsonl out.jsonl || die "--config output differs"
[ ! -s err ] || die "quiet = true in --config was ignored: $(cat err)"

step "usage errors exit 2, fatal errors exit 1 and leave no output"
must_exit 2 "$SIMSHARD" extract
err_has "missing --input"
must_exit 2 "$SIMSHARD" extract --output never.jsonl
must_exit 2 "$SIMSHARD" extract pages --no-such-option
must_exit 2 "$SIMSHARD" extract pages --threads many
must_exit 1 "$SIMSHARD" extract no-such-input --output never.jsonl
err_has "no-such-input"
must_exit 1 "$SIMSHARD" extract pages --output no-such-dir/x.jsonl
err_has "no-such-dir/x.jsonl"
must_exit 1 "$SIMSHARD" extract pages --output pages/inside.jsonl
err_has "inside input pages"
ls never.jsonl* pages/inside.jsonl* >/dev/null 2>&1 && die "a run that could not start left a file"
if [ -w /dev/full ]; then
  rc=0; "$SIMSHARD" extract pages --quiet >/dev/full 2>err || rc=$?
  [ "$rc" = 1 ] || die "extract to a full standard output exited $rc, expected 1"
  err_has "standard output: write failed"
fi

step "a run that fails while writing keeps the old output whole and leaves no temporary file"
cp out.jsonl kept.jsonl
echo '{"old":true}' > old.jsonl
rc=0
( ulimit -f 8; exec "$SIMSHARD" extract pages many --output old.jsonl --quiet ) 2>err || rc=$?
[ "$rc" = 1 ] || { cat err >&2; die "extract under a full disk exited $rc, expected 1"; }
err_has "old.jsonl.tmp|old.jsonl"
[ "$(cat old.jsonl)" = '{"old":true}' ] || die "the old output was replaced by a failed run"
[ ! -e old.jsonl.tmp ] || die "a failed run left old.jsonl.tmp"

step "a killed run leaves nothing under the --output name; the next run completes it"
make_crawl big 6000 --seed 11
"$SIMSHARD" extract big --threads 1 --output killed.jsonl --quiet &
pid=$!
for _ in $(seq 500); do [ -e killed.jsonl.tmp ] && break; sleep 0.01; done
[ -e killed.jsonl.tmp ] || die "no temporary file appeared while the run was writing"
kill -9 "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" = 137 ] || die "the run ended (exit $rc) before it could be killed: make the input larger"
[ ! -e killed.jsonl ] || die "a killed run left killed.jsonl"
must_exit 0 "$SIMSHARD" extract big --output killed.jsonl --quiet
must_exit 0 "$SIMSHARD" extract big --threads 1 --quiet
cmp -s out killed.jsonl || die "the run after the kill differs from a clean run"
[ ! -e killed.jsonl.tmp ] || die "the run after the kill left killed.jsonl.tmp"

step "--help and the command list"
must_exit 0 "$SIMSHARD" extract --help
grep -q "^Example" out || die "extract --help has no example"
grep -q "learns" out || die "extract --help does not say the learned chrome is kept"
must_exit 0 "$SIMSHARD" --help
grep -Eq '^\s+extract\s' out || die "simshard --help does not list extract"
echo "ok"
