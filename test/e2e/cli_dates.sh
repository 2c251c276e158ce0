#!/usr/bin/env bash
# A WARC crawl's pages keep the publication date they state as their date; the WARC-Date is
# their crawl time, kept apart as crawled_at, and `list --by date|crawled` selects by either.
source "$(dirname "$0")/cli_lib.bash"

python3 - <<'PY'
import gzip
story = ("<p>The harbour board voted on Tuesday to extend the ferry timetable into the winter "
         "months, after a petition signed by more than two thousand residents of the island.</p>"
         "<p>Sailings will run every two hours until nine in the evening, and the first boat will "
         "leave at six so that commuters can reach the mainland before the trains.</p>")
pages = [
    ("http://news.example/ferry", '<script type="application/ld+json">{"@type":"NewsArticle",'
     '"datePublished":"2019-11-19T05:30:00Z"}</script>', story, "2024-05-01T10:00:00Z"),
    ("http://news.example/bridge", '<meta property="article:published_time" content="2021-03-04">',
     "<p>Engineers closed the old stone bridge over the river Lune for a month of repairs, "
     "sending lorries on a twelve mile detour through three villages and the market town.</p>"
     "<p>The county surveyor said the arches had shifted after the spring floods and that "
     "divers would inspect the piers before any traffic could cross again.</p>", "2024-05-02T10:00:00Z"),
    ("http://news.example/plain", "", "<p>" + " ".join(["Undated notes on the weather."] * 8) + "</p>",
     "2024-05-03T10:00:00Z"),
    ("http://mirror.example/ferry", "", story, "2024-05-04T10:00:00Z"),  # a copy: dropped
]
with open("crawl.warc.gz", "wb") as out:
    for uri, head, body, date in pages:
        html = f"<html><head><title>t</title>{head}</head><body><article>{body}</article></body></html>"
        block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                 + str(len(html.encode())).encode() + b"\r\n\r\n" + html.encode())
        header = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
                  f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000{len(uri) % 10}>\r\n"
                  "Content-Type: application/http; msgtype=response\r\n"
                  f"Content-Length: {len(block)}\r\n\r\n").encode()
        out.write(gzip.compress(header + block + b"\r\n\r\n"))
PY
must_exit 0 "$SIMSHARD" archive crawl.warc.gz --archive arc --report r.jsonl --quiet
[ "$(jq -r .status r.jsonl | tr '\n' ' ')" = "archived archived archived duplicate " ] ||
  die "statuses: $(jq -r .status r.jsonl | tr '\n' ' ')"

must_exit 0 "$SIMSHARD" list --archive arc --all --format jsonl
python3 - <<'PY' || die "dates and crawl times: $(cat out)"
import json
rows = {r["url"]: r for r in map(json.loads, open("out"))}
want = {"http://news.example/ferry": ("2019-11-19T05:30:00Z", "2024-05-01T10:00:00Z"),
        "http://news.example/bridge": ("2021-03-04", "2024-05-02T10:00:00Z"),
        "http://news.example/plain": ("2024-05-03T10:00:00Z", "2024-05-03T10:00:00Z"),
        "http://mirror.example/ferry": ("2024-05-04T10:00:00Z", "2024-05-04T10:00:00Z")}
for url, (date, crawled) in want.items():
    assert (rows[url]["date"], rows[url]["crawled_at"]) == (date, crawled), rows[url]
PY
urls() { cut -f2 out | sort | tr '\n' ' '; }
must_exit 0 "$SIMSHARD" list --archive arc --by date --until 2020-12-31
[ "$(urls)" = "http://news.example/ferry " ] || die "--by date --until: $(urls)"
must_exit 0 "$SIMSHARD" list --archive arc --by crawled --since 2024-05-02 --until 2024-05-03
[ "$(urls)" = "http://news.example/bridge http://news.example/plain " ] || die "--by crawled: $(urls)"
must_exit 0 "$SIMSHARD" list --archive arc --by crawled --since 2024-05-04 --all
[ "$(urls)" = "http://mirror.example/ferry " ] || die "--by crawled --all: $(urls)"
must_exit 0 "$SIMSHARD" list --archive arc --since 2000-01-01
[ "$(wc -l < out)" = 3 ] || die "--since without --by selects by archive time"
must_exit 2 "$SIMSHARD" list --archive arc --by published
err_has "--by must be archived, date or crawled"
echo ok
