#!/usr/bin/env python3
"""Writes src/repair/bigrams.bin: how often each Han character, and each pair
of adjacent Han characters, occurs in Chinese text, Simplified and
Traditional. src/repair/bigram.rs reads it in place to tell GBK read as Big5
(or back) from correct text: the garbled characters are often common ones on
their own, but they rarely follow each other or their clean neighbours.

Sources (none is the text of corpus/ or of the control set, which the repair
evaluation is cut from: no Debian Reference, fortunes-zh or manpages-zh):
  - the LibreOffice 7.4 help, zh-CN and zh-TW (Debian packages
    libreoffice-help-zh-cn, libreoffice-help-zh-tw; MPL-2.0), as
    scripts/fetch-opencc-corpus.sh extracts it: running text;
  - the dictionary of PyPI jieba 0.42.1 (jieba/dict.txt; MIT): 349,046 words
    with their frequency in a large general corpus, each word counted that
    many times (pairs inside words only), as it is and converted to
    Traditional with OpenCC 1.4.2 (PyPI opencc; s2t);
  - classical Chinese, which pairs characters as modern text does not: the
    npm package chinese-poetry 2.0.1 (MIT) as scripts/fetch-classical.sh
    unpacks it: the Tang poems, Song ci, Shijing, Analects, the Four Books,
    Chuci, the primers (mengxue), Yuan qu, the Five Dynasties ci and
    Youmengying (CLASSICAL_FILES), each work's lines; converted to
    Simplified (t2s) and, from that, to Traditional (s2t), and counted as two
    sources. A work that shares a clause of four Han characters or more with
    the text the evaluation is cut from (EVALUATION, compared in Simplified:
    the Tang and Song poems and the Shijing of fortunes-zh are in the
    package too) is left out: 796 of 90,751.
Each of the six sources is scaled to the same number of characters, so the
broad dictionary, the running text and the classics weigh alike. Only counts
are kept.

File layout (little-endian):
  u32 number of pairs P; u32 the count of all characters;
  one byte per code point of U+3400..U+9FFF: the character's count, as
  round(8 * log2(1 + count)), 0 for unseen;
  P u32 keys, sorted: first character << 16 | second character;
  P bytes: the pair's count, quantized the same way.
The pairs kept are the P most frequent.

Needs: scripts/fetch-opencc-corpus.sh run (target/opencc-corpus/, or the folder
in ZHNORM_OPENCC_CORPUS_DIR), scripts/fetch-classical.sh run
(target/chinese-poetry/, or the dist folder in ZHNORM_CLASSICAL_DIR), and
  pip install jieba==0.42.1 opencc==1.4.2
Run from the repository root: python3 scripts/make-bigrams.py
"""
import collections
import json
import math
import os
import pathlib
import re
import struct

import jieba
import opencc

PAIRS = 256 * 1024
START, END = 0x3400, 0xA000
SCALE = 1 << 24
CORPUS = pathlib.Path(os.environ.get("ZHNORM_OPENCC_CORPUS_DIR", "target/opencc-corpus"))
CLASSICAL = pathlib.Path(os.environ.get("ZHNORM_CLASSICAL_DIR", "target/chinese-poetry/package/dist"))
# The classical texts of the chinese-poetry package counted, by glob.
CLASSICAL_FILES = (
    "quantangshi/poet.tang.*.json",
    "songci/ci.song.*.json",
    "shijing/shijing.json",
    "lunyu/lunyu.json",
    "sishuwujing/*.json",
    "chuci/chuci.json",
    "mengxue/*.json",
    "yuanqu/yuanqu.json",
    "wudaishici/*/*.json",
    "youmengying/youmengying.json",
)
# The text the repair evaluation is cut from: no classical text sharing a
# clause with it is counted.
EVALUATION = ("corpus/zh-hans.txt", "corpus/zh-hant.txt", "corpus/control.txt")
CLAUSE = re.compile(r"[\u3400-\u9fff]{4,}")


def han(c):
    return START <= ord(c) < END


def count_text(text):
    chars, pairs = collections.Counter(), collections.Counter()
    for line in text.splitlines():
        chars.update(c for c in line if han(c))
        pairs.update(a + b for a, b in zip(line, line[1:]) if han(a) and han(b))
    return chars, pairs


def count_words(words):
    chars, pairs = collections.Counter(), collections.Counter()
    for word, freq in words:
        for c in word:
            if han(c):
                chars[c] += freq
        for a, b in zip(word, word[1:]):
            if han(a) and han(b):
                pairs[a + b] += freq
    return chars, pairs


def jieba_words():
    path = pathlib.Path(jieba.__file__).with_name("dict.txt")
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq = line.split(" ")[:2]
        words.append((word, int(freq)))
    return words


def texts(value):
    """The strings of a poem or passage: its lines, wherever they sit."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
    elif isinstance(value, dict):
        for key in ("paragraphs", "content", "para"):
            yield from texts(value.get(key))


def classical_works():
    """Each poem or passage of the classical sources, as a list of lines."""
    for pattern in CLASSICAL_FILES:
        files = sorted(CLASSICAL.glob(pattern))
        assert files, f"{CLASSICAL}/{pattern}: no such file (see the docstring)"
        for path in files:
            data = json.loads(path.read_text(encoding="utf-8"))
            for work in data if isinstance(data, list) else [data]:
                lines = list(texts(work))
                if lines:
                    yield lines


def classical_sources():
    """The classical works, in Simplified and in Traditional characters,
    without those that share a clause with the evaluation's text."""
    to_simplified, to_traditional = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    evaluation = set()
    for name in EVALUATION:
        text = to_simplified.convert(pathlib.Path(name).read_text(encoding="utf-8"))
        evaluation.update(CLAUSE.findall(text))
    works = ["\n".join(lines) for lines in classical_works()]
    simplified = to_simplified.convert("\x00".join(works)).split("\x00")
    assert len(simplified) == len(works)
    kept = "\n".join(w for w in simplified if not any(c in evaluation for c in CLAUSE.findall(w)))
    return [count_text(kept), count_text(to_traditional.convert(kept))]


def main():
    sources = []
    for name in ("libreoffice-help-zh-cn.txt", "libreoffice-help-zh-tw.txt"):
        sources.append(count_text((CORPUS / name).read_text(encoding="utf-8")))
    words = jieba_words()
    sources.append(count_words(words))
    # One call for all words: the converter's segmentation stays inside each
    # line, so each word converts as it would alone.
    traditional = opencc.OpenCC("s2t").convert("\n".join(w for w, _ in words)).split("\n")
    assert len(traditional) == len(words)
    sources.append(count_words(zip(traditional, (f for _, f in words))))
    sources.extend(classical_sources())

    chars, pairs = collections.Counter(), collections.Counter()
    for source_chars, source_pairs in sources:
        factor = SCALE / sum(source_chars.values())
        for c, n in source_chars.items():
            chars[c] += n * factor
        for p, n in source_pairs.items():
            pairs[p] += n * factor

    def quantize(n):
        return min(255, round(8 * math.log2(1 + n)))

    kept = sorted(pairs.most_common(PAIRS), key=lambda item: (ord(item[0][0]), ord(item[0][1])))
    out = bytearray(struct.pack("<II", len(kept), round(sum(chars.values()))))
    out += bytes(quantize(chars.get(chr(cp), 0)) for cp in range(START, END))
    for pair, _ in kept:
        out += struct.pack("<I", ord(pair[0]) << 16 | ord(pair[1]))
    out += bytes(quantize(n) for _, n in kept)
    path = pathlib.Path("src/repair/bigrams.bin")
    path.write_bytes(out)
    print(f"{path}: {len(out)} bytes, {len(chars)} characters, {len(kept)} of {len(pairs)} pairs,"
          f" the last kept seen {kept and min(n for _, n in kept):.1f} times in {4 * SCALE}")


main()
