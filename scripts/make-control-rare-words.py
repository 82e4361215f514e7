#!/usr/bin/env python3
"""Writes corpus/control-rare-words.txt: correct rare words that mojibake
repair once changed, alone on a line and inside a sentence, which it must
leave alone (tests/repair_eval.rs).

The words are those of the dictionary of PyPI jieba 0.42.1 (jieba/dict.txt;
MIT) of two Han characters or more with a frequency under 50 (those of 50 or
more are corpus/control-words.txt), as they are and converted with PyPI
opencc 1.4.2 (s2tw), each alone on a line and in the sentence
`我们讨论了X的问题。` (`我們討論了X的問題。` for the Traditional forms). All of
them, 1.1 million lines, would make the control slow; the file keeps the
lines that the zhnorm binary given on the command line changes, with
`--no-config --from utf-8` (the one before the word list of
src/repair/words.rs: zhnorm at commit 9d305fd changes 37). Each line is
`CATEGORY<TAB>TEXT`:

  rare-words-hans      a Simplified word alone
  rare-words-hant      a Traditional word alone
  rare-sentences-hans  a Simplified word in the sentence
  rare-sentences-hant  a Traditional word in the sentence

Needs: pip install jieba==0.42.1 opencc==1.4.2
Run from the repository root: python3 scripts/make-control-rare-words.py ZHNORM
"""
import pathlib
import re
import subprocess
import sys

import jieba
import opencc

MAX_FREQUENCY = 50
HAN = re.compile("^[\u3400-\u9fff]{2,}$")
OUT = pathlib.Path("corpus/control-rare-words.txt")


def changed(zhnorm, lines):
    text = "".join(line + "\n" for line in lines)
    run = subprocess.run(
        [zhnorm, "--no-config", "--from", "utf-8", "-"], input=text.encode(), capture_output=True, check=True
    )
    out = run.stdout.decode().split("\n")[: len(lines)]
    return [line for line, after in zip(lines, out) if line != after]


def main():
    zhnorm = sys.argv[1]
    path = pathlib.Path(jieba.__file__).with_name("dict.txt")
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency = line.split()[:2]
        if int(frequency) < MAX_FREQUENCY and HAN.match(word):
            words.append(word)
    traditional = opencc.OpenCC("s2tw").convert("\n".join(words)).split("\n")
    traditional = [t for s, t in zip(words, traditional) if s != t]
    lines = []
    for category, forms, sentence in [
        ("hans", words, "我们讨论了{}的问题。"),
        ("hant", traditional, "我們討論了{}的問題。"),
    ]:
        lines += [f"rare-words-{category}\t{w}" for w in changed(zhnorm, forms)]
        sentences = changed(zhnorm, [sentence.format(w) for w in forms])
        lines += [f"rare-sentences-{category}\t{s}" for s in sentences]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} + {len(traditional)} words, {len(lines)} lines changed by {zhnorm}")


main()
