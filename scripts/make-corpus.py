#!/usr/bin/env python3
"""Writes corpus/zh-hans.txt and corpus/zh-hant.txt: plain Chinese sentences
from the Debian Reference (Simplified and Traditional translations), used by
tests/detection_accuracy.rs to build a labelled charset-detection set.

Needs the Debian packages debian-reference-zh-cn and debian-reference-zh-tw
(apt-get install debian-reference-zh-cn debian-reference-zh-tw).
Run from the repository root: python3 scripts/make-corpus.py

From every <p> paragraph of the chapter HTML files (ch01..ch12, in order),
the tags are stripped, entities unescaped and whitespace collapsed; a
paragraph is kept when it has at least 20 Han characters that make up at
least half of its characters (Chinese prose, not command listings). Paragraphs
are taken in document order until the file reaches LIMIT bytes of UTF-8.
"""
import html
import pathlib
import re

DOCS = pathlib.Path("/usr/share/debian-reference")
LIMIT = 200 * 1024
PARA = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def han(c):
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def paragraphs(lang):
    for n in range(1, 13):
        page = (DOCS / f"ch{n:02}.{lang}.html").read_text(encoding="utf-8")
        for m in PARA.finditer(page):
            text = SPACE.sub(" ", html.unescape(TAG.sub("", m.group(1)))).strip()
            count = sum(map(han, text))
            if count >= 20 and count * 2 >= len(text):
                yield text


def write(lang, name):
    out, size = [], 0
    for p in paragraphs(lang):
        line = p + "\n"
        if size + len(line.encode()) > LIMIT:
            break
        out.append(line)
        size += len(line.encode())
    pathlib.Path("corpus", name).write_text("".join(out), encoding="utf-8")
    print(f"corpus/{name}: {len(out)} paragraphs, {size} bytes")


pathlib.Path("corpus").mkdir(exist_ok=True)
write("zh-cn", "zh-hans.txt")
write("zh-tw", "zh-hant.txt")
