#!/usr/bin/env bash
# Fetches the classical Chinese texts that scripts/make-bigrams.py counts
# character pairs in: the npm package chinese-poetry 2.0.1 (MIT; Tang and
# Song poems, Song ci, the Shijing, the Analects and other classics as JSON,
# 85 MB packed), unpacked into DEST, and prints DEST's dist folder.
#
# Usage: scripts/fetch-classical.sh [DEST]   (default: target/chinese-poetry)
# Needs npm (the registry client; the package's integrity is checked by it).
# A second run only prints the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-target/chinese-poetry}
if [[ ! -s $dest/package/dist/lunyu/lunyu.json ]]; then
    mkdir -p "$dest"
    (cd "$dest" && npm pack --silent chinese-poetry@2.0.1 >/dev/null && tar xzf chinese-poetry-2.0.1.tgz \
        && rm chinese-poetry-2.0.1.tgz)
fi
echo "$dest/package/dist"
