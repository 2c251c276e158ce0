#!/usr/bin/env bash
# Hostile input: restore --to never writes outside its folder; decompression bombs stop at
# the size limit; odd URLs, titles, sources and texts reach the catalog unchanged; archive
# files are not group/world writable.
source "$(dirname "$0")/drill_lib.bash"

# peak_rss_mb CMD...: runs CMD (output to $SCRATCH/out, err), sets $status, prints peak MB.
peak_rss_mb() {
  python3 - "$SCRATCH" "$@" <<'PY'
import resource, subprocess, sys
scratch, cmd = sys.argv[1], sys.argv[2:]
with open(scratch + "/out", "wb") as out, open(scratch + "/err", "wb") as err:
    code = subprocess.call(cmd, stdout=out, stderr=err)
with open(scratch + "/status", "w") as f:
    f.write(str(code))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
}

note "decompression bombs in inputs"
bombs="$SCRATCH/bombs"
mkdir -p "$bombs"
make_crawl "$bombs/good" 5 41
head -c 3G /dev/zero | zstd -q -3 -c >"$bombs/zeros.jsonl.zst"
head -c 256M /dev/zero | gzip -1 -c >"$bombs/zeros.txt.gz"
python3 -c 'import sys; sys.stdout.write("{\"text\": \"" + "ab " * (8 << 20) + "\"}\n")' |
  zstd -q -c >"$bombs/one-huge-line.jsonl.zst"
mb=$(peak_rss_mb "$SIMSHARD" archive --archive "$SCRATCH/bomb-archive" "$bombs" --report "$SCRATCH/bomb.report")
status=$(cat "$SCRATCH/status")
[ "$status" = 3 ] || { cat "$SCRATCH/err" >&2; fail "archiving bombs exited $status (want 3: skipped inputs)"; }
note "peak memory with bombs: $mb MB"
[ "$mb" -lt 1024 ] || fail "bombs took $mb MB of memory"
python3 - "$SCRATCH/bomb.report" <<'PY' || fail "bomb report rows are wrong"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
archived = [r for r in rows if r["status"] == "archived"]
bombs = [r for r in rows if "zeros" in r["source"] or "huge-line" in r["source"]]
assert len(archived) == 5, rows
assert bombs and all(r["status"] == "skipped" and r.get("reason") for r in bombs), bombs
PY

note "a decompression bomb in a shard (a 100 KB frame that inflates to 3 GiB)"
head -c 3G /dev/zero | zstd -q --stream-size=3221225472 -c >"$SCRATCH/bomb.frame"
archive "$SCRATCH/shard-bomb" "$bombs/good"
for command in archive verify reindex repair; do
  python3 "$DRILLS/drill_shard.py" "$SCRATCH/shard-bomb/000002.jsonl.zst" "$SCRATCH/bomb.frame"
  args=(--archive "$SCRATCH/shard-bomb")
  [ $command = archive ] && args+=("$bombs/good")
  mb=$(peak_rss_mb "$SIMSHARD" $command "${args[@]}")
  note "$command over the bomb shard: exit $(cat "$SCRATCH/status"), $mb MB, $(head -c 200 "$SCRATCH/err")"
  [ "$mb" -lt 256 ] || fail "$command inflated a shard bomb ($mb MB)"
  [ "$(cat "$SCRATCH/status")" -le 1 ] || fail "$command crashed on a shard bomb"
done
verify_ok "$SCRATCH/shard-bomb"  # repair moved the bomb aside

note "odd metadata reaches the catalog through bound parameters and comes back unchanged"
odd="$SCRATCH/odd"
mkdir -p "$odd"
python3 - "$odd" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = [
    {"url": "https://e.example/a?q='1'%20OR%201=1;--", "title": "Robert'); DROP TABLE documents;--",
     "text": "A story about \"quotes\", 'apostrophes' and back\\slashes in the harbour town."},
    {"url": "https://e.example/ctl", "title": "tab\there, bell\u0007, escape\u001b[31m, del\u007f",
     "text": "Control characters\u0001 inside\u001f the text of a second, different article."},
    {"url": "https://e.example/nul", "title": "nul\u0000inside",
     "text": "A third article has a NUL\u0000 character right in the middle of it."},
    {"url": "https://e.example/uni", "title": "\u6e2f\u53e3 \u2014 \U0001F6A2 \u202eevil",
     "text": "Fourth: mixed scripts \u041f\u0440\u0438\u0432\u0435\u0442 \u4e16\u754c and an emoji \U0001F6A2."},
]
with open(os.path.join(out, "odd.jsonl"), "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(rows, f)
# A text page whose bytes are not valid UTF-8 (Latin-1), under a file name with quotes.
with open(os.path.join(out, "it's a \"page\"; rm -rf.txt"), "wb") as f:
    f.write(b"Caf\xe9 cr\xe8me reopened on the quay, the owner said on Tuesday morning.\n")
# A file name that is not valid UTF-8: the source keeps its bytes.
with open(os.path.join(out.encode(), b"caf\xe9.txt"), "wb") as f:
    f.write(b"The cafe by the lighthouse serves soup again after the winter closure.\n")
PY
mv "$odd/expected.json" "$SCRATCH/expected.json"
archive "$SCRATCH/odd-archive" "$odd"
"$SIMSHARD" list --archive "$SCRATCH/odd-archive" --format jsonl >"$SCRATCH/odd.list"
python3 - "$SCRATCH/expected.json" "$SCRATCH/odd.list" <<'PY' || fail "metadata changed on the way through the catalog"
import json, sys
expected = json.load(open(sys.argv[1]))
listed = [json.loads(l) for l in open(sys.argv[2])]
by_url = {r.get("url"): r for r in listed}
for row in expected:
    got = by_url.get(row["url"])
    assert got is not None, ("missing", row["url"], list(by_url))
    assert got.get("title") == row["title"], (got.get("title"), row["title"])
sources = [r.get("source", "") for r in listed]
assert any(s.endswith("it's a \"page\"; rm -rf.txt") for s in sources), sources
PY
[ "$(catalog "$SCRATCH/odd-archive" "SELECT COUNT(*) FROM documents")" = 6 ] ||
  fail "the catalog does not hold the 6 odd documents"
latin1_name="$odd/caf$(printf '\xe9').txt"
"$SIMSHARD" list --archive "$SCRATCH/odd-archive" --format tsv | cut -f3 | grep -qxF -- "$latin1_name" ||
  fail "a source that is not valid UTF-8 did not come back byte for byte"
latin1_id=$("$SIMSHARD" list --archive "$SCRATCH/odd-archive" --format tsv | grep -aF -- "$latin1_name" | cut -f1)
"$SIMSHARD" restore --archive "$SCRATCH/odd-archive" --to "$SCRATCH/odd-out" "$latin1_id" ||
  fail "restore --to of a file whose name is not valid UTF-8"
[ -f "$SCRATCH/odd-out/$latin1_name" ] || fail "restore --to changed a name that is not valid UTF-8"
url="https://e.example/a?q='1'%20OR%201=1;--"
"$SIMSHARD" restore --archive "$SCRATCH/odd-archive" "$url" >"$SCRATCH/odd.restored" ||
  fail "restore by an URL with quotes"
grep -q 'back\\\\slashes' "$SCRATCH/odd.restored" || fail "the JSON record did not come back"
"$SIMSHARD" restore --archive "$SCRATCH/odd-archive" --text "https://e.example/nul" >"$SCRATCH/nul.txt" ||
  fail "restore --text of the record with a NUL"

note "archive files are not group or world writable, whatever the umask"
( umask 000; "$SIMSHARD" archive --archive "$SCRATCH/umask" "$odd" >/dev/null 2>&1 ) || [ $? = 3 ] ||
  fail "archive with umask 000"
writable=$(find "$SCRATCH/umask" -perm /022 -print)
[ -z "$writable" ] || fail "group/world writable archive files: $writable"

note "restore --to stays inside its folder"
mkdir -p "$SCRATCH/work/a/b" "$SCRATCH/inputs"
make_crawl "$SCRATCH/inputs" 6 43
# Odd names: dots, a line break, a leading dash, and a path near PATH_MAX.
python3 - "$SCRATCH/inputs" <<'PY'
import os, sys
root = sys.argv[1]
def page(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
page("odd/..\n..", "A line break between dots: the ferry to Kestrel Bay left on time at dawn, "
     "carrying forty cyclists, two goats and the new harbour master to the island.")
page("odd/-rf", "A leading dash: the town council of Dunmere voted to repaint the old library "
     "in green, after a petition signed by nine hundred children and their teachers.")
page("odd/...", "Three dots: volunteers counted eleven thousand moths crossing the Lowfield "
     "estuary at night, the largest migration recorded since the survey began in 1974.")
# A source of about 4000 bytes: readable, but past PATH_MAX once put under --to.
os.chdir(root)
for _ in range(15):
    os.makedirs("d" * 250, exist_ok=True)
    os.chdir("d" * 250)
with open("e" * 200, "w") as f:
    f.write("At the end of a very long path: the Harwick rowing crew won the regional title "
            "by half a length, their coach said the cold spring training finally paid off.\n")
PY
( cd "$SCRATCH/work/a/b" && "$SIMSHARD" archive --archive "$SCRATCH/esc" ../../../inputs/txt \
    "$SCRATCH/inputs/html" ../../../inputs/feed.jsonl ../../../inputs/odd ../../../inputs/dddd* >/dev/null ) ||
  [ $? = 3 ] || fail "archive with relative and absolute inputs"
[ "$(catalog "$SCRATCH/esc" "SELECT COUNT(*) FROM documents")" -ge 9 ] || fail "odd names were not archived"
# Everything outside the --to folders and the archive (whose catalog readers may open).
snapshot() {
  find "$SCRATCH" \( -path "$SCRATCH/out-*" -o -path "$SCRATCH/esc" \) -prune -o -print | sort |
    grep -av -e '/restore\.\(out\|err\)$' -e '/\(before\|after\)\.files$'
}
# restore_to OUT: every document of the archive restored with --to OUT from a folder
# below the inputs; nothing may appear outside OUT.
restore_to() {
  snapshot >"$SCRATCH/before.files"
  ( cd "$SCRATCH/work/a/b" &&
    # shellcheck disable=SC2046
    "$SIMSHARD" restore --archive "$SCRATCH/esc" --to "$1" $(ids "$SCRATCH/esc") ) \
    >"$SCRATCH/restore.out" 2>"$SCRATCH/restore.err" || note "restore --to exited $? ($(head -c 300 "$SCRATCH/restore.err"))"
  snapshot >"$SCRATCH/after.files"
  diff "$SCRATCH/before.files" "$SCRATCH/after.files" >&2 || fail "restore --to $1 wrote outside it"
  [ -z "$(find "$SCRATCH/esc" -newer "$SCRATCH/before.files" -type f ! -name 'catalog.sqlite*')" ] ||
    fail "restore --to wrote into the archive"
}
restore_to "$SCRATCH/out-plain"
restored=$(find "$SCRATCH/out-plain" -type f | wc -l)
[ "$restored" -ge 9 ] || fail "restore --to wrote $restored of 10 files (only the one past PATH_MAX may fail)"
grep -rq "A line break between dots" "$SCRATCH/out-plain" || fail "the page named ..<newline>.. was not restored"

note "restore --to does not follow a symlink inside it out of it"
mkdir -p "$SCRATCH/out-link" "$SCRATCH/outside"
ln -s "$SCRATCH/outside" "$SCRATCH/out-link/inputs"
restore_to "$SCRATCH/out-link"
[ -z "$(ls -A "$SCRATCH/outside")" ] || fail "restore --to followed a symlink out of its folder"
echo "drill_hostile: OK"
