#!/usr/bin/env python3
"""Write corpus/control-manpages.txt: clean Cyrillic and German lines for the
repair stage's control set (tests/repair_eval.rs), from the man pages that
Debian installs under /usr/share/man/{ru,uk,sr,de} (packages man-db, psmisc,
passwd, login, procps, xz-utils, vim-common, dpkg and others; each page under
its own licence, DFSG-free).

Each output line is CATEGORY<TAB>TEXT. Only text lines are kept (roff
requests and escapes dropped), 8 to 60 characters, with at least two letters
of the page's script (Cyrillic; for German an umlaut or ß), picked evenly
spread, PER_LANGUAGE per language, in sorted page order.
"""
import gzip
import pathlib
import re

PER_LANGUAGE = 150
LANGUAGES = {"ru": "russian-man", "uk": "ukrainian-man", "sr": "serbian-man", "de": "german-man"}
ESCAPE = re.compile(r"\\(\(..|\[[^]]*\]|f.|s[-+]?\d|[-&e|^ ]|.)")


def wanted(lang, text):
    if lang == "de":
        return sum(c in "äöüÄÖÜß" for c in text) >= 2
    return sum("\u0400" <= c <= "\u04ff" for c in text) >= 2


def lines(lang):
    for page in sorted(pathlib.Path("/usr/share/man", lang).rglob("*.gz")):
        for raw in gzip.open(page, "rt", encoding="utf-8", errors="replace"):
            if raw.startswith((".", "'")):
                continue
            text = " ".join(ESCAPE.sub(lambda m: "-" if m.group(0) == "\\-" else "", raw).split())
            if 8 <= len(text) <= 60 and "\ufffd" not in text and wanted(lang, text):
                yield text


def main():
    out = []
    for lang, category in LANGUAGES.items():
        found = list(dict.fromkeys(lines(lang)))
        step = max(1, len(found) // PER_LANGUAGE)
        out += [f"{category}\t{text}" for text in found[::step][:PER_LANGUAGE]]
    root = pathlib.Path(__file__).resolve().parent.parent
    (root / "corpus" / "control-manpages.txt").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
