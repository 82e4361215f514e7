#!/usr/bin/env bash
# Fetches about 21 MB of real Simplified and Traditional Chinese text from
# Debian's packages, for the OpenCC differential test
# (tests/opencc_differential.rs, ZHNORM_OPENCC_CORPUS), and prints the
# files as a colon-separated list.
#
#   libreoffice-help-zh-cn, libreoffice-help-zh-tw  LibreOffice 7.4 help,
#       MPL-2.0; HTML reduced to its text, one paragraph per line.
#   manpages-zh  Chinese manual pages (zh_CN and zh_TW), GFDL-1.2+;
#       the roff sources as they are.
#
# Usage: scripts/fetch-opencc-corpus.sh [DEST]   (default: target/opencc-corpus)
# Needs apt-get (Debian's package index), dpkg-deb and python3. The files are
# kept in DEST; a second run only prints their names.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-target/opencc-corpus}
files=("$dest/libreoffice-help-zh-cn.txt" "$dest/libreoffice-help-zh-tw.txt" "$dest/manpages-zh_CN.txt" "$dest/manpages-zh_TW.txt")

have_all() { for f in "${files[@]}"; do [[ -s $f ]] || return 1; done; }

if ! have_all; then
    mkdir -p "$dest"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    packages=(libreoffice-help-zh-cn libreoffice-help-zh-tw manpages-zh)
    if ! (cd "$work" && apt-get download "${packages[@]}" >/dev/null 2>&1); then
        apt-get update >/dev/null
        (cd "$work" && apt-get download "${packages[@]}" >/dev/null)
    fi
    for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
    python3 - "$work/root/usr/share/libreoffice/help" "$dest" <<'PY'
import html.parser, pathlib, sys

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "div", "br", "title", "pre"}

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0
    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")
        if tag in BLOCKS:
            self.parts.append("\n")
    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

help_dir, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for lang in ("zh-CN", "zh-TW"):
    with open(dest / f"libreoffice-help-{lang.lower()}.txt", "w", encoding="utf-8") as out:
        for page in sorted((help_dir / lang).rglob("*.html")):
            parser = Text()
            parser.feed(page.read_text(encoding="utf-8"))
            for line in "".join(parser.parts).split("\n"):
                line = " ".join(line.split())
                if line:
                    out.write(line + "\n")
PY
    for lang in zh_CN zh_TW; do
        find "$work/root/usr/share/man/$lang" -name '*.gz' -print0 | sort -z | xargs -0 zcat >"$dest/manpages-$lang.txt"
    done
fi
have_all
(IFS=:; echo "${files[*]}")
