#!/usr/bin/env python3
"""Writes src/frequent_han.txt: the most frequent Han characters of Chinese
technical prose, one line of Simplified and one of Traditional, most frequent
first. src/detect.rs scores these above the other common characters, which
settles short inputs that read as common Han in both GBK and Big5.

The counts come from the Chinese manual pages of the Debian package
manpages-zh (1.6.4.0-1, GFDL), /usr/share/man/zh_CN and /usr/share/man/zh_TW:
deliberately not the text of corpus/, which the accuracy test is cut from.
Only character counts are used; no text of the manual pages is kept.

Needs: apt-get install manpages-zh
Run from the repository root: python3 scripts/make-frequent-han.py
"""
import collections
import gzip
import pathlib

TOP = 1000


def han(c):
    return "\u4e00" <= c <= "\u9fff"


def top(lang):
    counts = collections.Counter()
    for page in sorted(pathlib.Path("/usr/share/man", lang).rglob("*.gz")):
        text = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        counts.update(c for c in text if han(c))
    return "".join(c for c, _ in counts.most_common(TOP))


out = pathlib.Path("src/frequent_han.txt")
out.write_text(top("zh_CN") + "\n" + top("zh_TW") + "\n", encoding="utf-8")
print(f"{out}: {out.stat().st_size} bytes")
