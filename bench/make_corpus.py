#!/usr/bin/env python3
"""Builds the benchmark crawl: JSON Lines news articles (url, title, text, date) with about
10% near-copies carrying syndication edits. Deterministic for a given --seed.

Articles are recombined from the BBC News 2004-2005 corpus (sentences of one topic dealt
into new articles, numbers re-drawn, so articles are distinct but read like news; a sentence
recurs only after its topic's whole pool, several MB later, as text rarely recurs verbatim
in a real crawl). When the
corpus is absent the text is made up from a generated vocabulary instead.

  make_corpus.py --out crawl.jsonl [--docs 30000] [--copies 0.10] [--truth truth.tsv]
  make_corpus.py --tiny 1000000 --out tiny.jsonl      # many tiny distinct documents
  make_corpus.py --bbc --out bbc.jsonl                # the BBC corpus as it is, one line an article
"""
import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BBC = os.path.join(ROOT, "..", "shared", "corpora", "bbc-news-2004-2005.tar.zst")
SITES = ["wire.example", "herald.example", "gazette.example", "courier.example", "post.example"]
DATELINES = ["LONDON", "MANCHESTER", "EDINBURGH", "CARDIFF", "BELFAST", "NEW YORK", "BRUSSELS"]
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"']))\s+(?=[A-Z\"'])")


# ---- source text ----------------------------------------------------------------------
def bbc_files(path):
    """(topic, file name, text) of each article of the tarball, read in memory via zstd."""
    raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3 or not parts[2].endswith(".txt"):
                continue
            data = tar.extractfile(member).read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:  # one file of the corpus is Latin-1
                text = data.decode("latin-1")
            yield parts[1], parts[2], text


def read_bbc(path):
    """{topic: ([headlines], [sentences])} from the tarball."""
    topics = {}
    for topic, _, text in bbc_files(path):
        lines = [l.strip() for l in text.splitlines()]
        heads, sents = topics.setdefault(topic, ([], []))
        heads.append(lines[0])
        for para in lines[1:]:
            if para:
                sents.extend(s for s in SENTENCE_END.split(para) if len(s) > 20)
    return topics


def made_up_text(rng):
    """{topic: ([headlines], [sentences])} from a generated vocabulary (no corpus needed)."""
    syllables = ["ka", "lo", "mer", "tin", "sa", "vel", "dor", "ni", "pra", "stu", "ge", "ron",
                 "bel", "fa", "qui", "lan", "ter", "mo", "shi", "wen", "cor", "da", "ix", "pel"]
    vocab = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                    for _ in range(6000)})
    weights = [1.0 / (i + 20) for i in range(len(vocab))]  # Zipf-like word frequencies

    def sentence(lo, hi):
        words = rng.choices(vocab, weights, k=rng.randint(lo, hi))
        return " ".join(words).capitalize()

    return {f"topic{t}": ([sentence(5, 9) for _ in range(400)],
                          [sentence(6, 20) + "." for _ in range(8000)]) for t in range(5)}


# ---- articles and syndication edits ---------------------------------------------------
def redraw_numbers(text, rng):
    return re.sub(r"\d", lambda m: str(rng.randint(0, 9)), text)


class Deck:
    """Deals a topic's sentences in shuffled rounds, so a sentence comes back only after the
    whole pool has been used (several MB later): zstd's window must not find verbatim
    repeats that a real crawl would not have."""

    def __init__(self, sentences, rng):
        self.pool, self.rng, self.cards = sorted(set(sentences)), rng, []

    def deal(self, k):
        while len(self.cards) < k:
            fresh = list(self.pool)
            self.rng.shuffle(fresh)
            self.cards = fresh + self.cards
        out, self.cards = self.cards[-k:], self.cards[:-k]
        return out


def new_article(topics, decks, names, rng, n):
    topic = rng.choice(names)
    heads = topics[topic][0]
    chosen = decks[topic].deal(rng.randint(17, 29))
    paras, i = [], 0
    while i < len(chosen):
        k = rng.randint(1, 4)
        paras.append(redraw_numbers(" ".join(chosen[i:i + k]), rng))
        i += k
    title = redraw_numbers(rng.choice(heads), rng)
    date = f"{rng.choice([2004, 2005])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    url = f"https://{rng.choice(SITES)}/{topic}/{date}/{n}"
    return dict(url=url, title=title, paras=paras, date=date)


def add_typos(paras, rng, per_hundred_words):
    out = []
    for p in paras:
        words = p.split(" ")
        for _ in range(max(0, round(len(words) * per_hundred_words / 100))):
            j = rng.randrange(len(words))
            w = words[j]
            if len(w) > 3:
                k = rng.randrange(1, len(w) - 2)
                words[j] = w[:k] + w[k + 1] + w[k] + w[k + 2:]  # swap two letters
        out.append(" ".join(words))
    return out


def curly_quotes(p):
    p = re.sub(r'"(\S)', "\u201c\\1", p)
    p = p.replace('"', "\u201d").replace("'", "\u2019")
    return p.replace(" - ", " \u2014 ")


def syndicated_copy(a, rng, n):
    """The same story as another site republishes it; returns (copy, list of edits)."""
    paras, title, edits = list(a["paras"]), a["title"], []
    if rng.random() < 0.5:
        title = rng.choice(["UPDATE 1-", "UPDATE 2-", "CORRECTED-"]) + title; edits.append("headline prefix")
    elif rng.random() < 0.5:
        title += " | " + rng.choice(SITES).split(".")[0].title(); edits.append("site suffix")
    if rng.random() < 0.6:
        paras[0] = f"{rng.choice(DATELINES)} (Agency) - " + paras[0]; edits.append("dateline")
    if len(paras) > 3 and rng.random() < 0.5:
        paras.pop(); edits.append("last paragraph trimmed")
    if rng.random() < 0.3:
        paras.append("Editor's note: this story has been updated with additional reporting.")
        edits.append("editor's note")
    if rng.random() < 0.5:
        paras = [curly_quotes(p) for p in paras]; edits.append("curly quotes")
    if rng.random() < 0.6:
        paras = add_typos(paras, rng, rng.choice([1, 2, 3])); edits.append("typos")
    site = rng.choice(SITES)
    url = f"https://{site}/syndicated/{a['date']}/{n}"
    return dict(url=url, title=title, paras=paras, date=a["date"]), edits


def record(a):
    text = "\n\n".join(a["paras"])
    return json.dumps(dict(url=a["url"], title=a["title"], text=text, date=a["date"]),
                      ensure_ascii=False)


def write_crawl(args, rng):
    if os.path.exists(args.corpus):
        topics, origin = read_bbc(args.corpus), "bbc-news-2004-2005 recombined"
    else:
        topics, origin = made_up_text(rng), "made-up text (../shared absent)"
    names = sorted(topics)
    decks = {t: Deck(topics[t][1], rng) for t in names}
    originals, size = [], 0
    truth = open(args.truth, "w") if args.truth else None
    if truth:
        truth.write("line\tcopy_of_line\tedits\n")
    with open(args.out, "w", encoding="utf-8") as out:
        for n in range(1, args.docs + 1):
            if originals and rng.random() < args.copies:
                src_line, src = rng.choice(originals)
                a, edits = syndicated_copy(src, rng, n)
                if truth:
                    truth.write(f"{n}\t{src_line}\t{', '.join(edits) or 'url only'}\n")
            else:
                a = new_article(topics, decks, names, rng, n)
                originals.append((n, a))
            line = record(a) + "\n"
            size += len(line.encode("utf-8"))
            out.write(line)
    print(f"{args.out}: {args.docs} documents, {size / 1e6:.1f} MB, from {origin}", file=sys.stderr)


def write_tiny(args, rng):
    """Many tiny, mutually distinct documents: cheap to archive, large to open."""
    words = sorted({"".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
                    for _ in range(20000)})
    with open(args.out, "w", encoding="ascii") as out:
        for n in range(1, args.tiny + 1):
            # 25 words: shorter texts are weak extractions, kept out of the near-duplicate
            # index, and the startup figure is about opening that index.
            text = " ".join(rng.choices(words, k=25))
            out.write(f'{{"url":"https://tiny.example/{n}","title":"t{n}","text":"{n} {text}"}}\n')
    print(f"{args.out}: {args.tiny} tiny documents", file=sys.stderr)


def write_bbc(args):
    """The corpus as a crawl of real text: title the first line, text the rest."""
    n = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for topic, name, text in bbc_files(args.corpus):
            title, _, body = text.strip().partition("\n")
            url = f"https://bbc.example/{topic}/{name[:-4]}"
            out.write(json.dumps(dict(url=url, title=title.strip(), text=body.strip()), ensure_ascii=False) + "\n")
            n += 1
    print(f"{args.out}: {n} BBC articles", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", type=int, default=30000)
    ap.add_argument("--copies", type=float, default=0.10, help="share of near-copies")
    ap.add_argument("--truth", help="TSV of near-copies: line, copy_of_line, edits")
    ap.add_argument("--tiny", type=int, default=0, help="write N tiny documents instead")
    ap.add_argument("--bbc", action="store_true", help="write the BBC corpus as it is instead")
    ap.add_argument("--seed", type=int, default=2005)
    ap.add_argument("--corpus", default=BBC, help="BBC tarball (default: ../shared/corpora/...)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.tiny:
        write_tiny(args, rng)
    elif args.bbc:
        write_bbc(args)
    else:
        write_crawl(args, rng)


if __name__ == "__main__":
    main()
