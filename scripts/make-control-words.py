#!/usr/bin/env python3
"""Writes corpus/control-words.txt: correct words alone on a line, which
mojibake repair must leave alone (tests/repair_eval.rs).

A word alone on a line (a dictionary entry, a subtitle cue, a list item) has
no neighbours to tell GBK read as Big5 (or back) from correct text, and a few
common words read as other common words that way (`忐忑`, GBK, read as Big5
is `守首`). Each line is `CATEGORY<TAB>TEXT`:

  words-hans        every word of two Han characters or more of the dictionary
                    of PyPI jieba 0.42.1 (jieba/dict.txt; MIT) with a frequency
                    of 50 or more, in the dictionary's order
  words-hant        the same words converted with PyPI opencc 1.4.2 (s2tw),
                    those that the conversion changed
  characters-hans   its words of one Han character with such a frequency, two
                    to a line with a space between them, most frequent first
  characters-hant   the same converted with s2tw, the lines it changed

Needs: pip install jieba==0.42.1 opencc==1.4.2
Run from the repository root: python3 scripts/make-control-words.py
"""
import pathlib
import re

import jieba
import opencc

MIN_FREQUENCY = 50
HAN = re.compile("^[\u3400-\u9fff]+$")
OUT = pathlib.Path("corpus/control-words.txt")


def dictionary():
    path = pathlib.Path(jieba.__file__).with_name("dict.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency = line.split()[:2]
        if int(frequency) >= MIN_FREQUENCY and HAN.match(word):
            yield word, int(frequency)


def main():
    entries = list(dictionary())
    words = [w for w, _ in entries if len(w) >= 2]
    singles = [w for w, _ in sorted((e for e in entries if len(e[0]) == 1), key=lambda e: -e[1])]
    pairs = [" ".join(singles[i : i + 2]) for i in range(0, len(singles) - 1, 2)]
    to_traditional = opencc.OpenCC("s2tw")

    def converted(lines):
        out = to_traditional.convert("\n".join(lines)).split("\n")
        return [t for s, t in zip(lines, out) if s != t]

    lines = [f"words-hans\t{w}" for w in words]
    lines += [f"words-hant\t{w}" for w in converted(words)]
    lines += [f"characters-hans\t{p}" for p in pairs]
    lines += [f"characters-hant\t{p}" for p in converted(pairs)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} lines, {OUT.stat().st_size} bytes")


main()
