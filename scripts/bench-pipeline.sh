#!/usr/bin/env bash
# Throughput of the whole pipeline without conversion (detect + decode GBK +
# write UTF-8) against iconv, on the same ~100 MB GBK file, in the same run.
#
# usage: scripts/bench-pipeline.sh [ZHNORM] [ICONV] [MB]
#   ZHNORM  the zhnorm binary (default: target/release/zhnorm; build it with
#           `cargo build --release` first)
#   ICONV   the iconv binary (default: iconv)
#   MB      size of the generated input in MB (default: 100)
# Installs nothing. Prints the best of 3 runs for each tool.
set -euo pipefail
zhnorm=${1:-target/release/zhnorm}
iconv=${2:-iconv}
mb=${3:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The input: the bundled corpus if present, else the project's own sample,
# with ordinary parentheses added (the gloss scan looks at each one),
# GBK-encoded and repeated up to the size asked.
python3 - "$work" "$mb" <<'PY'
import pathlib, sys
work, mb = pathlib.Path(sys.argv[1]), int(sys.argv[2])
text = pathlib.Path("samples/utf8.txt").read_text("utf-8")
corpus = pathlib.Path("corpus/zh-hans.txt")
if corpus.exists():
    text = corpus.read_text("utf-8")
text = text.replace("。", "(ITU)。", 1) + "《出口管制條例》(EAR)與芯片(如高性能計算芯片)。\n"
unit = text.encode("gbk", errors="ignore")
reps = max(1, mb * 1_000_000 // len(unit))
(work / "in.gbk").write_bytes(unit * reps)
PY

. "$(dirname "$0")/best-time.sh"

size=$(stat -c %s "$work/in.gbk")
z=$(best "$zhnorm" --from gbk "$work/in.gbk")
cp "$work/out" "$work/zhnorm.out"
zd=$(best "$zhnorm" "$work/in.gbk")
zk=$(best "$zhnorm" --glosses=keep "$work/in.gbk")
i=$(best "$iconv" -f gbk -t utf-8 "$work/in.gbk")
cmp -s "$work/out" "$work/zhnorm.out" && same=yes || same=NO
python3 - "$size" "$z" "$zd" "$i" "$same" "$zk" <<'PY'
import sys
size, z, zd, i, same, zk = int(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5], float(sys.argv[6])
mb = size / 1e6
print(f"input: {mb:.1f} MB of GBK; outputs identical: {same}")
print(f"{'tool':<34}{'seconds':>9}{'MB/s':>9}{'vs iconv':>10}")
for name, t in [("iconv -f gbk -t utf-8", i), ("zhnorm --from gbk", z), ("zhnorm (detecting)", zd)]:
    print(f"{name:<34}{t:>9.2f}{mb / t:>9.1f}{t / i:>9.2f}x")
print(f"clean stage (gloss scan) on this gloss-free text: {100 * (zd - zk) / zk:+.1f}% "
      f"({zk:.2f} s with --glosses=keep, {zd:.2f} s with auto)")
PY
