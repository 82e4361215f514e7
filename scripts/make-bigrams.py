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
    Traditional with OpenCC 1.4.2 (PyPI opencc; s2t).
Each of the four sources is scaled to the same number of characters, so the
broad dictionary and the running text weigh alike. Only counts are kept.

File layout (little-endian):
  u32 number of pairs P; u32 the count of all characters;
  one byte per code point of U+3400..U+9FFF: the character's count, as
  round(8 * log2(1 + count)), 0 for unseen;
  P u32 keys, sorted: first character << 16 | second character;
  P bytes: the pair's count, quantized the same way.
The pairs kept are the P most frequent.

Needs: scripts/fetch-opencc-corpus.sh run (target/opencc-corpus/, or the folder
in ZHNORM_OPENCC_CORPUS_DIR), and
  pip install jieba==0.42.1 opencc==1.4.2
Run from the repository root: python3 scripts/make-bigrams.py
"""
import collections
import math
import os
import pathlib
import struct

import jieba
import opencc

PAIRS = 64 * 1024
START, END = 0x3400, 0xA000
SCALE = 1 << 24
CORPUS = pathlib.Path(os.environ.get("ZHNORM_OPENCC_CORPUS_DIR", "target/opencc-corpus"))


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
