#!/usr/bin/env python3
"""Writes the hand-made hostile inputs under regressions/<target>/ (run once; the files are
checked in). Crashes found by `make fuzz` are added next to them as they are found."""
import gzip
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    os.makedirs(os.path.join(HERE, "regressions", target), exist_ok=True)
    with open(os.path.join(HERE, "regressions", target, name), "wb") as f:
        f.write(data)


def zstd(data, level=19):
    return subprocess.run(["zstd", "-q", "-c", f"-{level}"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


ARTICLE = (b"<html><head><meta charset=\"utf-8\"><title>Harbour \"quotes\" & co</title></head>"
           b"<body><nav>Home | World</nav><article><h1>Harbour</h1><p>The harbour reopened "
           b"on Tuesday after the storm.</p></article></body></html>")

# HTML: deep nesting, bad bytes, conflicting charsets, unterminated markup.
put("html", "deep-nesting.html", b"<div>" * 20000 + b"text" + b"</div>" * 10)
put("html", "deep-table.html", b"<table><tr><td>" * 3000 + b"cell")
put("html", "nul-and-controls.html", ARTICLE.replace(b"storm.", b"st\x00orm\x01\x1b[31m."))
put("html", "invalid-utf8.html", ARTICLE.replace(b"harbour", b"harb\xff\xfe\xc3our"))
put("html", "bogus-charset.html", ARTICLE.replace(b"utf-8", b"x-no-such-charset\"\x00"))
put("html", "utf16-bom.html", b"\xff\xfe" + "<p>caf\u00e9 r\u00e9ouvert</p>".encode("utf-16-le"))
put("html", "unterminated.html", b"<html><body><p>open <script>var a = '<p>never</p>")
put("html", "entities.html", b"<p>&#0; &#xD800; &#x110000; &#99999999999; &amp &lt;&gt;</p>")

# JSON Lines: broken lines between good ones, deep nesting, odd types, NUL and bad UTF-8.
good = b'{"url":"https://example.org/a","title":"A","text":"A good article about boats."}'
put("jsonl", "broken-lines.jsonl", b"\n".join([
    good, b'{"url": "https://example.org/b", "text": "unterminated', b"[1,2,3]", b"null",
    b'{"text": 42, "url": ["x"], "title": {"a": 1}}', b"\xef\xbb\xbf" + good, good]) + b"\n")
put("jsonl", "deep-array.jsonl", b'{"text":' + b"[" * 50000 + b"]" * 50000 + b"}\n")
put("jsonl", "nul-bad-utf8.jsonl",
    b'{"url":"https://e.org/\\u0000x","title":"t\xff\xfe","text":"a\\u0000b \\ud800 c"}\n')
put("jsonl", "html-field.jsonl", b'{"url":"u","html":"<p>x</p><script>y</script>"}\r\n' * 3)
put("jsonl", "no-newline-at-end.jsonl", good)

# WARC: truncated records, lying lengths, bad chunked and content encodings.
def warc(payload, extra=b"", length=None):
    length = len(payload) if length is None else length
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/p\r\n"
            b"WARC-Date: 2024-05-01T10:00:00Z\r\nContent-Type: application/http;msgtype=response\r\n"
            + extra + b"Content-Length: " + str(length).encode() + b"\r\n\r\n" + payload + b"\r\n\r\n")

http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + ARTICLE
chunked = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"ffffffffffffffff\r\n" + ARTICLE + b"\r\n0\r\n\r\n")
gz_lie = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n\r\n"
          + gzip.compress(ARTICLE)[:-12])
put("warc", "truncated-record.warc", warc(http) + warc(http)[:150])
put("warc", "length-too-large.warc", warc(http, length=10**18))
put("warc", "length-negative.warc", warc(http, length=-5) + warc(http))
put("warc", "bad-chunked.warc", warc(chunked) + warc(http))
put("warc", "truncated-gzip-payload.warc", warc(gz_lie) + warc(http))
put("warc", "bomb-payload.warc", warc(
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    + gzip.compress(b"\0" * (64 << 20), 9)))

# Compressed inputs: bombs (far past the 1 MiB fuzz limit and the 16 MiB default) and cuts.
feed = (good + b"\n") * 50
put("gzip", "bomb.jsonl.gz", gzip.compress(b"\0" * (64 << 20), 9))
put("gzip", "bomb-one-line.jsonl.gz", gzip.compress(b'{"text":"' + b"a" * (64 << 20) + b'"}\n', 9))
put("gzip", "truncated.jsonl.gz", gzip.compress(feed)[:-40])
put("gzip", "members-then-garbage.jsonl.gz", gzip.compress(feed) + gzip.compress(feed) + b"\x1f\x8bjunk")
put("zstd", "bomb.jsonl.zst", zstd(b"\0" * (64 << 20)))
put("zstd", "bomb-one-line.jsonl.zst", zstd(b'{"text":"' + b"a" * (64 << 20) + b'"}\n'))
put("zstd", "truncated.jsonl.zst", zstd(feed)[:-20])
put("zstd", "frames-then-garbage.jsonl.zst", zstd(feed) + zstd(feed) + b"\x28\xb5\x2f\xfdjunk")
