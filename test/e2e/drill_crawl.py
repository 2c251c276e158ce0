#!/usr/bin/env python3
"""Writes a made-up crawl for the drills: N distinct articles spread over .txt pages,
.html pages and a .jsonl feed, deterministic for a given seed.

usage: drill_crawl.py OUT_DIR N [SEED] [WORDS_PER_ARTICLE]
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_crawl import vocabulary  # noqa: E402  (the made-up words the e2e crawls use)


def paragraphs(rng, words, count):
    out = []
    for _ in range(rng.randint(3, 6)):
        n = max(8, count // 4)
        sentence = " ".join(rng.choice(words) for _ in range(n))
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return out


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    per_article = int(sys.argv[4]) if len(sys.argv) > 4 else 240
    rng = random.Random(seed)
    words = vocabulary(rng)
    os.makedirs(os.path.join(out, "txt"), exist_ok=True)
    os.makedirs(os.path.join(out, "html"), exist_ok=True)
    feed = []
    for i in range(n):
        title = " ".join(rng.choice(words) for _ in range(5)).title()
        body = paragraphs(rng, words, per_article)
        url = f"https://news{seed}.example/{i:06d}-{title.split()[0].lower()}"
        kind = i % 3
        if kind == 0:
            with open(os.path.join(out, "txt", f"{i:06d}.txt"), "w") as f:
                f.write(title + "\n\n" + "\n\n".join(body) + "\n")
        elif kind == 1:
            html = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
                    f"<link rel=\"canonical\" href=\"{url}\"></head><body><article><h1>{title}</h1>"
                    + "".join(f"<p>{p}</p>" for p in body) + "</article></body></html>\n")
            with open(os.path.join(out, "html", f"{i:06d}.html"), "w") as f:
                f.write(html)
        else:
            feed.append(json.dumps({"url": url, "title": title, "text": "\n\n".join(body),
                                    "date": f"2024-05-{1 + i % 28:02d}"}, ensure_ascii=False))
    with open(os.path.join(out, "feed.jsonl"), "w") as f:
        f.write("\n".join(feed) + ("\n" if feed else ""))


if __name__ == "__main__":
    main()
