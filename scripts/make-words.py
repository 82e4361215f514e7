#!/usr/bin/env python3
"""Writes src/repair/words.bin: the words of Chinese of two to four Han
characters, Simplified and Traditional, that src/repair/words.rs looks up to
keep correct rare words from being read as GBK and Big5 of each other
(`忐忑` as `守首`, `芫荽` as `痛議`): the character-pair model keeps only the
commonest pairs, and a rare word's pairs are not among them.

Source: the dictionary of PyPI jieba 0.42.1 (jieba/dict.txt; MIT), every
word of two to four Han characters whatever its frequency (330,349 words;
longer ones are 2%), as it is and converted to Traditional with PyPI opencc
1.4.2 (s2t and s2tw).

Layout: the 32-bit FNV-1a hashes of the words' UTF-8, sorted, without
duplicates, kept as their low 16 bits (2 bytes little-endian each) after an
index of 65,537 offsets (4 bytes little-endian each): where the hashes of
each value of the high 16 bits start, and the end. A hash that two strings
share makes a string that is no word look like one (a lookup in about
7,600).

Needs: pip install jieba==0.42.1 opencc==1.4.2
Run from the repository root: python3 scripts/make-words.py
"""
import pathlib
import re
import struct

import jieba
import opencc

WORD = re.compile("^[\u3400-\u9fff]{2,4}$")
OUT = pathlib.Path("src/repair/words.bin")
BUCKETS = 1 << 16


def fnv1a(text):
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def main():
    path = pathlib.Path(jieba.__file__).with_name("dict.txt")
    words = [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if WORD.match(w)]
    forms = set(words)
    for config in ("s2t", "s2tw"):
        converted = opencc.OpenCC(config).convert("\n".join(words)).split("\n")
        forms.update(w for w in converted if WORD.match(w))
    hashes = sorted({fnv1a(w) for w in forms})
    starts = [0] * (BUCKETS + 1)
    for h in hashes:
        starts[(h >> 16) + 1] += 1
    for bucket in range(BUCKETS):
        starts[bucket + 1] += starts[bucket]
    index = b"".join(struct.pack("<I", n) for n in starts)
    OUT.write_bytes(index + b"".join(struct.pack("<H", h & 0xFFFF) for h in hashes))
    print(f"{OUT}: {len(words)} words, {len(forms)} forms, {len(hashes)} hashes, {OUT.stat().st_size} bytes")


main()
