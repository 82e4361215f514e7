#!/usr/bin/env python3
"""Writes corpus/control.txt: clean lines that mojibake repair must leave alone.

Each line is `CATEGORY<TAB>TEXT`. The text is real text from Debian's and
PyPI's packages (see corpus/README.md for sources and licences), picked
deterministically (sorted files, evenly spread lines), so a second run on the
same package versions writes the same file.

Usage: python3 scripts/make-control.py   (needs apt-get, dpkg-deb and pip;
downloads the packages into a temporary folder, installs nothing)
"""

import bz2
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "corpus", "control.txt")

DEBS = ["fortunes-zh", "fortunes-de", "manpages-zh", "manpages-ja", "manpages-fr", "debian-faq-ko", "unicode-data"]
SDISTS = ["ftfy==6.3.1", "pypinyin==0.55.0"]

HAN = re.compile("[\u3400-\u9fff]")
KANA = re.compile("[\u3041-\u30ff]")
HANGUL = re.compile("[\uac00-\ud7a3]")
LATIN1_LETTER = re.compile("[\u00c0-\u00ff\u0152\u0153]")
ANSI = re.compile("\x1b\\[[0-9;]*m")
MAX_CHARS = 60


def fetch(work):
    subprocess.run(["apt-get", "download", *DEBS], cwd=work, check=True, stdout=subprocess.DEVNULL)
    for deb in glob.glob(os.path.join(work, "*.deb")):
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(work, "root")], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", work, *SDISTS],
        check=True,
    )
    for sdist in glob.glob(os.path.join(work, "*.tar.gz")):
        with tarfile.open(sdist) as tar:
            tar.extractall(work)


def read(path):
    opener = gzip.open if path.endswith(".gz") else bz2.open if path.endswith(".bz2") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def spread(lines, n):
    """n lines evenly spread over `lines`, without duplicates, in order."""
    lines = list(dict.fromkeys(lines))
    if len(lines) <= n:
        return lines
    return [lines[i * len(lines) // n] for i in range(n)]


def clean(line):
    line = ANSI.sub("", line).strip()
    if "\ufffd" in line or len(line) > MAX_CHARS or len(line) < 2:
        return None
    return line


def text_lines(paths, keep):
    for path in sorted(paths):
        for line in read(path).splitlines():
            line = clean(line)
            if line and keep(line):
                yield line


def roff_lines(paths, keep):
    """Text lines of manual pages (roff requests and escapes left out)."""
    for path in sorted(paths):
        for line in read(path).splitlines():
            if line.startswith((".", "'")):
                continue
            line = re.sub(r"\\f[BIRP]|\\\(em|\\-|\\&|\\e", "", line)
            if "\\" in line:
                continue
            line = clean(line)
            if line and keep(line):
                yield line


def fortunes(paths):
    return text_lines(paths, lambda l: l != "%" and HAN.search(l))


def main():
    with tempfile.TemporaryDirectory() as work:
        fetch(work)
        root = os.path.join(work, "root", "usr", "share")
        games = os.path.join(root, "games", "fortunes")
        out = []

        def add(category, lines):
            out.extend((category, line) for line in lines)

        add("zh-hans-modern", spread(fortunes([os.path.join(games, "chinese")]), 1000))
        add("zh-hans-classical", spread(fortunes([os.path.join(games, "tang300"), os.path.join(games, "song100")]), 1000))
        for lang, category in [("zh_CN", "zh-hans-manual"), ("zh_TW", "zh-hant-manual")]:
            pages = glob.glob(os.path.join(root, "man", lang, "man*", "*"))
            add(category, spread(roff_lines(pages, lambda l: HAN.search(l)), 800))

        # Rare but correct: CJK Extension A and B characters with their
        # dictionary definitions, and the lines of classical poetry above.
        rare = []
        for line in read(os.path.join(root, "unicode", "Unihan_Readings.txt.bz2")).splitlines():
            m = re.match(r"U\+([0-9A-F]+)\tkDefinition\t(.*)", line)
            if m and (0x3400 <= int(m[1], 16) <= 0x4DBF or 0x20000 <= int(m[1], 16) <= 0x2A6DF):
                rare.append(clean(f"{chr(int(m[1], 16))}：{m[2]}"))
        add("rare-han", spread([r for r in rare if r], 500))

        ja = glob.glob(os.path.join(root, "man", "ja", "man*", "*"))
        add("japanese", spread(roff_lines(ja, lambda l: KANA.search(l)), 800))
        ko = [os.path.join(root, "doc", "debian", "FAQ", "debian-faq.ko.txt.gz")]
        add("korean", spread(text_lines(ko, lambda l: HANGUL.search(l)), 800))
        fr = glob.glob(os.path.join(root, "man", "fr", "man*", "*"))
        add("french", spread(roff_lines(fr, lambda l: LATIN1_LETTER.search(l)), 800))
        de = [p for p in glob.glob(os.path.join(games, "de", "*")) if not p.endswith((".dat", ".u8"))]
        add("german", spread(text_lines(de, lambda l: LATIN1_LETTER.search(l)), 800))

        code = glob.glob(os.path.join(work, "pypinyin-*", "pypinyin", "**", "*.py"), recursive=True)
        add("code-with-chinese", spread(text_lines(code, lambda l: HAN.search(l)), 600))

        emoji = []
        for line in read(os.path.join(root, "unicode", "emoji", "emoji-test.txt")).splitlines():
            m = re.match(r"[0-9A-F ]+; fully-qualified\s+# (\S+) E[\d.]+ (.*)", line)
            if m:
                emoji.append(f"{m[1]} {m[2]}")
        add("emoji", spread(emoji, 500))

        math = []
        for line in read(os.path.join(root, "unicode", "UnicodeData.txt")).splitlines():
            fields = line.split(";")
            if fields[2] == "Sm" and int(fields[0], 16) > 0x7F:
                math.append(f"{chr(int(fields[0], 16))} {fields[1].lower()}")
        add("math", spread(math, 500))

        with open(glob.glob(os.path.join(work, "ftfy-*", "tests", "test_cases.json"))[0], encoding="utf-8") as f:
            cases = json.load(f)
        add("ftfy-leaves-alone", [c["original"] for c in cases if c["original"] == c["fixed"] and "\n" not in c["original"]])

    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for category, line in out:
            f.write(f"{category}\t{line.replace(chr(9), '    ')}\n")
    print(f"{OUT}: {len(out)} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
