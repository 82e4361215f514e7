#!/usr/bin/env bash
# Cost of the clean stage (the pinyin-gloss scan of the default `--glosses
# auto`) against the same pipeline with `--glosses keep`, in instructions
# counted by valgrind's callgrind: repeatable, whatever else the machine does.
#
# usage: scripts/bench-clean.sh [ZHNORM] [MB]
#   ZHNORM  the zhnorm binary (default: target/release/zhnorm)
#   MB      size of each generated GBK input in MB (default: 10)
# Two inputs: prose without parentheses (samples/utf8.txt repeated) and the
# parenthesis-heavy Debian Reference text (corpus/zh-hans.txt, one `(` per
# ~220 characters). Repair is off (--no-repair) so that the stage is compared
# with the cheapest pipeline: decode and write. Installs nothing; needs
# valgrind and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
zhnorm=${1:-target/release/zhnorm}
mb=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$mb" <<'PY'
import pathlib, sys
work, mb = pathlib.Path(sys.argv[1]), int(sys.argv[2])
for name, source in [("prose", "samples/utf8.txt"), ("parentheses", "corpus/zh-hans.txt")]:
    unit = pathlib.Path(source).read_text("utf-8").encode("gbk", errors="ignore")
    (work / f"{name}.gbk").write_bytes(unit * max(1, mb * 1_000_000 // len(unit)))
PY
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*refs: *//p' | tr -d ,
}
printf '%-12s %16s %16s %8s\n' input "glosses=keep" "glosses=auto" cost
for name in prose parentheses; do
  keep=$(instructions "$zhnorm" --no-repair --glosses=keep --from gbk "$work/$name.gbk")
  auto=$(instructions "$zhnorm" --no-repair --glosses=auto --from gbk "$work/$name.gbk")
  python3 -c "import sys; k, a = int(sys.argv[2]), int(sys.argv[3]); print(f'{sys.argv[1]:<12} {k:>16,} {a:>16,} {100 * (a - k) / k:>7.1f}%')" "$name" "$keep" "$auto"
done
