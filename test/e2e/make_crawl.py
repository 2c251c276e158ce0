#!/usr/bin/env python3
"""Writes a made-up crawl at test time: N distinct articles as .txt and .html pages on a
few sites (each with its own menu line), plus exact copies (the same page saved twice)
and near-copies (a dateline added) of some of them. Deterministic for a given seed.

usage: make_crawl.py OUT_DIR N [--seed S] [--copies FRACTION] [--prefix P]
"""
import argparse
import html
import os
import random

SYLLABLES = ["ka", "lo", "mer", "tin", "ba", "ros", "el", "du", "vin", "sa", "pol", "ne",
             "tra", "gu", "fen", "ho", "mi", "zar", "qua", "bel", "sto", "rin", "ad", "wy"]
SITES = ["alpha.example", "beta.example", "gamma.example"]


def vocabulary(rng, size=5000):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def article(rng, words):
    title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
    paras = []
    for _ in range(rng.randint(3, 6)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            s = " ".join(rng.choice(words) for _ in range(rng.randint(8, 16)))
            sentences.append(s.capitalize() + ".")
        paras.append(" ".join(sentences))
    return title, paras


def text_page(site, title, paras):
    menu = f"Home | World | Sport | Weather - {site}"
    return "\n\n".join([menu, title] + paras) + "\n"


def html_page(site, url, title, paras):
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title><link rel=\"canonical\" href=\"{url}\"></head><body>\n"
            f"<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\n"
            f"<article><h1>{html.escape(title)}</h1>\n{body}</article>\n"
            f"<footer>Copyright {site}</footer></body></html>\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copies", type=float, default=0.1)
    ap.add_argument("--prefix", default="story")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(random.Random(0))
    for i in range(args.n):
        site = SITES[i % len(SITES)]
        slug = f"{args.prefix}-{args.seed}-{i:06d}"
        folder = os.path.join(args.out, site, f"{i // 1000:03d}")
        os.makedirs(folder, exist_ok=True)
        title, paras = article(rng, words)
        url = f"https://{site}/news/{slug}"
        as_html = i % 2 == 1
        page = html_page(site, url, title, paras) if as_html else text_page(site, title, paras)
        ext = ".html" if as_html else ".txt"
        with open(os.path.join(folder, slug + ext), "w", encoding="utf-8") as f:
            f.write(page)
        if rng.random() < args.copies / 2:  # the same page saved twice
            with open(os.path.join(folder, slug + "-copy" + ext), "w", encoding="utf-8") as f:
                f.write(page)
        elif rng.random() < args.copies / 2:  # syndicated on another site with a dateline
            other = SITES[(i + 1) % len(SITES)]
            near = [f"KESTREL BAY ({other}) - " + paras[0]] + paras[1:]
            os.makedirs(os.path.join(args.out, other, "wire"), exist_ok=True)
            with open(os.path.join(args.out, other, "wire", slug + ".txt"), "w",
                      encoding="utf-8") as f:
                f.write(text_page(other, title, near))


if __name__ == "__main__":
    main()
